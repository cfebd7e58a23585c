"""Settings from the environment and a .env file, read the same way by every command.

pydantic-settings reads the variables (the environment wins over `.env` in the working
directory); the validators below turn each into a typed value and word every mistake as
"VARIABLE is 'value' - how to fix it". `Settings` is the plain result the rest of newsbot uses.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from bot.envfile import ConfigError as ConfigError  # raised here too; callers import it here
from bot.envfile import check_env_file
from bot.folders import default_knowledge_dir
from bot.lists import DEFAULT_FRESH_DAYS
from bot.schedule import DEFAULT_QUIET, TIMEZONE, parse_time
from bot.shared_settings import DEFAULT_REDIS_PREFIX, UPDATE_LEASE, SharedVariables, url_password
from bot.storage.interface import DEFAULT_RETENTION_DAYS
from bot.storage.postgres.url import checked_url, password

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_WEBHOOK_LISTEN = "127.0.0.1"
DEFAULT_WEBHOOK_PORT = 8443
DEFAULT_DIGEST_CHECK_SECONDS = 60.0
# How long a process's claim on a due digest lasts: another process takes the chat over only
# after it (bot/digest.py). A claim covers one batch of sends, seconds at Telegram's rate.
DEFAULT_DIGEST_LEASE_SECONDS = 300.0
# Telegram allows about 30 messages a second per bot; the rate limiter (telegram/retry.py)
# keeps the bot below that. Only tests raise it (NEWSBOT_RATE_LIMIT), to send 1,000 digests
# in seconds; the benchmark measures the default.
DEFAULT_RATE_LIMIT = 30.0
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
ENV_FILE = Path(".env")
# Telegram's rule for the webhook secret: 1-256 characters A-Z, a-z, 0-9, _ and -.
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass(frozen=True)
class WebhookSettings:
    """Where Telegram delivers updates and where the bot listens for them."""

    url: str
    listen: str
    port: int
    path: str
    secret: str = field(repr=False)


@dataclass(frozen=True)
class Settings:
    """Everything `newsbot` needs to know; the token never shows in repr()."""

    token: str | None = field(repr=False)
    api_base_url: str
    knowledge_dir: Path
    data_dir: Path
    admin_ids: frozenset[int]
    log_level: str
    webhook: WebhookSettings | None = None
    # Days the store keeps unanswered questions and counts; /datenschutz promises 90.
    retention_days: int = DEFAULT_RETENTION_DAYS
    # /news calls its articles "the newest" only while the newest is at most this many days old.
    fresh_days: int = DEFAULT_FRESH_DAYS
    # The daily digest: nothing is sent between the two times (the span may cross midnight;
    # equal times mean no quiet hours), and due subscriptions are looked for this often.
    quiet_hours: tuple[dt.time, dt.time] = DEFAULT_QUIET
    digest_check_seconds: float = DEFAULT_DIGEST_CHECK_SECONDS
    # Messages per second the rate limiter lets through (testing aid; keep Telegram's 30).
    rate_limit: float = DEFAULT_RATE_LIMIT
    # Seconds an update taken by a process that died waits before another process takes it.
    update_lease: float = UPDATE_LEASE
    # Testing aid: the bot's clock starts at this moment and runs on from there.
    clock_start: dt.datetime | None = None
    # The snapshot of the knowledge for a warm start, written by the reload's child process;
    # None (NEWSBOT_SNAPSHOT=off): no snapshot, and a reload loads in this process.
    cache_dir: Path | None = None
    # The scaled mode: the store and the subscriptions in this PostgreSQL database (shared by
    # every process) instead of the SQLite file in data_dir. May hold a password: no repr.
    database_url: str | None = field(default=None, repr=False)
    # Seconds a process's claim on due digests lasts before another process may take them.
    digest_lease_seconds: float = DEFAULT_DIGEST_LEASE_SECONDS
    # The shared state of several processes in Redis (bot/shared_settings.py); else memory.
    redis_url: str | None = field(default=None, repr=False)
    state_secret: str | None = field(default=None, repr=False)
    redis_prefix: str = DEFAULT_REDIS_PREFIX

    @property
    def secrets(self) -> tuple[str, ...]:
        """The values that must never appear in a log line or an error message."""
        values = [self.token or ""]
        if self.webhook is not None:
            values.append(self.webhook.secret)
        if self.database_url:
            values.append(password(self.database_url))
        values += [self.state_secret or "", url_password(self.redis_url)]
        return tuple(v for v in values if v)

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        env_file: Path | None = ENV_FILE,
        default_log_level: str = "INFO",
    ) -> Settings:
        """Read the settings: the environment (or environ, for tests) wins over env_file."""
        if env_file is not None:
            check_env_file(env_file)
        with _explicit_environment(environ is not None):
            values: dict[str, Any] = {
                k: v for k, v in (environ or {}).items() if k in _VARIABLES and v.strip()
            }
            try:
                env = _Environment(_env_file=env_file, **values)  # type: ignore[call-arg]
            except ValidationError as exc:
                raise ConfigError(_wording(exc)) from None
        return env.settings(default_log_level)


# ---- reading the variables -----------------------------------------------------------------

# While set, the variables come from the mapping given to from_env() (and the .env file), not
# from the process's environment: tests pass their environment explicitly.
_EXPLICIT: ContextVar[bool] = ContextVar("newsbot_explicit_environment", default=False)


@contextmanager
def _explicit_environment(explicit: bool) -> Iterator[None]:
    token = _EXPLICIT.set(explicit)
    try:
        yield
    finally:
        _EXPLICIT.reset(token)


def _variable(name: str, default: Any = None) -> Any:
    return Field(default=default, alias=name)


_POSITIVE = ("digest_check_seconds", "rate_limit", "digest_lease_seconds", "update_lease")


class _Environment(BaseSettings, SharedVariables):
    """The variables as pydantic-settings reads them, each validated on its own."""

    model_config = SettingsConfigDict(
        env_file=ENV_FILE,
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        case_sensitive=True,
    )

    token: str | None = _variable("TELEGRAM_BOT_TOKEN")
    api_base_url: str = _variable("TELEGRAM_API_BASE_URL", DEFAULT_API_BASE_URL)
    knowledge_dir: Path | None = _variable("NEWSBOT_KNOWLEDGE")
    data_dir: Path = _variable("NEWSBOT_DATA_DIR", Path("data"))
    admin_ids: Annotated[frozenset[int], NoDecode] = _variable("NEWSBOT_ADMIN_IDS", frozenset())
    log_level: str | None = _variable("NEWSBOT_LOG_LEVEL")
    webhook_url: str | None = _variable("NEWSBOT_WEBHOOK_URL")
    webhook_listen: str = _variable("NEWSBOT_WEBHOOK_LISTEN", DEFAULT_WEBHOOK_LISTEN)
    webhook_port: str = _variable("NEWSBOT_WEBHOOK_PORT", str(DEFAULT_WEBHOOK_PORT))
    webhook_path: str | None = _variable("NEWSBOT_WEBHOOK_PATH")
    webhook_secret: str | None = _variable("NEWSBOT_WEBHOOK_SECRET")
    retention_days: Annotated[int, NoDecode] = _variable(
        "NEWSBOT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS
    )
    fresh_days: Annotated[int, NoDecode] = _variable("NEWSBOT_FRESH_DAYS", DEFAULT_FRESH_DAYS)
    quiet_hours: Annotated[tuple[dt.time, dt.time], NoDecode] = _variable(
        "NEWSBOT_QUIET_HOURS", DEFAULT_QUIET
    )
    digest_check_seconds: Annotated[float, NoDecode] = _variable(
        "NEWSBOT_DIGEST_CHECK_SECONDS", DEFAULT_DIGEST_CHECK_SECONDS
    )
    rate_limit: Annotated[float, NoDecode] = _variable("NEWSBOT_RATE_LIMIT", DEFAULT_RATE_LIMIT)
    update_lease: Annotated[float, NoDecode] = _variable("NEWSBOT_UPDATE_LEASE", UPDATE_LEASE)
    clock_start: Annotated[dt.datetime | None, NoDecode] = _variable("NEWSBOT_CLOCK_START")
    cache_dir: Path | None = _variable("NEWSBOT_CACHE_DIR")
    snapshot: Literal["on", "off"] = _variable("NEWSBOT_SNAPSHOT", "on")
    database_url: str | None = _variable("NEWSBOT_DATABASE_URL")
    digest_lease_seconds: Annotated[float, NoDecode] = _variable(
        "NEWSBOT_DIGEST_LEASE_SECONDS", DEFAULT_DIGEST_LEASE_SECONDS
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The environment, then .env; an explicit environment (tests) replaces the process's."""
        if _EXPLICIT.get():
            return init_settings, dotenv_settings
        return init_settings, env_settings, dotenv_settings

    @field_validator("*", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        level = value.upper()
        if level not in LOG_LEVELS:
            names = ", ".join(LOG_LEVELS)
            raise ValueError(f"NEWSBOT_LOG_LEVEL is {level!r} - use one of {names}")
        return level

    @field_validator("api_base_url", mode="before")
    @classmethod
    def _base_url(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                f"TELEGRAM_API_BASE_URL is {value!r} - write the address the token is"
                " appended to, e.g. http://127.0.0.1:8081/bot"
            )
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        ids = set()
        for part in re.split(r"[\s,;]+", value):
            if not part.isascii() or not part.isdigit():
                raise ValueError(
                    f"NEWSBOT_ADMIN_IDS holds {part!r} - write Telegram user ids (numbers),"
                    " separated by commas"
                )
            ids.add(int(part))
        return frozenset(ids)

    @field_validator("retention_days", mode="before")
    @classmethod
    def _retention_days(cls, value: Any) -> Any:
        if isinstance(value, str) and (not value.isdigit() or int(value) < 1):
            raise ValueError(
                f"NEWSBOT_RETENTION_DAYS is {value!r} - write a number of days, at least 1"
                f" (default {DEFAULT_RETENTION_DAYS})"
            )
        return value

    @field_validator("fresh_days", mode="before")
    @classmethod
    def _fresh_days(cls, value: Any) -> Any:
        if isinstance(value, str) and not (value.isascii() and value.isdigit()):
            raise ValueError(
                f"NEWSBOT_FRESH_DAYS is {value!r} - write a number of days"
                f" (default {DEFAULT_FRESH_DAYS})"
            )
        return value

    @field_validator("quiet_hours", mode="before")
    @classmethod
    def _quiet_hours(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        first, dash, second = value.partition("-")
        start, end = parse_time(first), parse_time(second)
        if not dash or start is None or end is None:
            raise ValueError(
                f"NEWSBOT_QUIET_HOURS is {value!r} - write start-end as HH:MM-HH:MM,"
                " e.g. 20:00-07:00 (equal times: no quiet hours)"
            )
        return start, end

    @field_validator("database_url", mode="before")
    @classmethod
    def _database_url(cls, value: Any) -> Any:
        return checked_url(value) if isinstance(value, str) else value

    @field_validator(*_POSITIVE, mode="before")
    @classmethod
    def _positive(cls, value: Any, info: Any) -> Any:
        if not isinstance(value, str):
            return value
        name = _VARIABLE_OF[info.field_name]
        default = cls.model_fields[info.field_name].default
        try:
            number = float(value)
        except ValueError:
            number = 0.0
        if not 0 < number < float("inf"):
            raise ValueError(f"{name} is {value!r} - use a number greater than 0, e.g. {default:g}")
        return number

    @field_validator("clock_start", mode="before")
    @classmethod
    def _clock_start(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            start = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"NEWSBOT_CLOCK_START is {value!r} - write a moment like"
                " 2026-11-24T07:14:00+01:00 (a testing aid; leave it unset in production)"
            ) from None
        return start if start.tzinfo is not None else start.replace(tzinfo=TIMEZONE)

    def webhook(self) -> WebhookSettings | None:
        """The webhook settings when NEWSBOT_WEBHOOK_URL is set."""
        if self.webhook_url is None:
            return None
        parts = urlsplit(self.webhook_url)
        if parts.scheme != "https" or not parts.hostname:
            raise ConfigError(
                "NEWSBOT_WEBHOOK_URL must be a https:// address - Telegram delivers updates"
                " only over HTTPS (terminate TLS in a proxy in front of the bot)"
            )
        port = self.webhook_port
        if not port.isascii() or not port.isdigit() or not 0 < int(port) < 65536:
            raise ConfigError(f"NEWSBOT_WEBHOOK_PORT is {port!r} - use a port number 1-65535")
        secret = self.webhook_secret or secrets.token_urlsafe(32)
        if not _SECRET.match(secret):
            raise ConfigError(
                "NEWSBOT_WEBHOOK_SECRET may only hold letters, digits, _ and - (1 to 256 of them)"
            )
        path = self.webhook_path or parts.path
        return WebhookSettings(
            url=self.webhook_url,
            listen=self.webhook_listen,
            port=int(port),
            path=path.strip("/"),
            secret=secret,
        )

    def settings(self, default_log_level: str = "INFO") -> Settings:
        """The typed settings the rest of newsbot uses."""
        return Settings(
            token=self.token,
            api_base_url=self.api_base_url,
            knowledge_dir=self.knowledge_dir or default_knowledge_dir(),
            data_dir=self.data_dir,
            admin_ids=self.admin_ids,
            log_level=self.log_level or default_log_level,
            webhook=self.webhook(),
            retention_days=self.retention_days,
            fresh_days=self.fresh_days,
            quiet_hours=self.quiet_hours,
            digest_check_seconds=self.digest_check_seconds,
            rate_limit=self.rate_limit,
            update_lease=self.update_lease,
            clock_start=self.clock_start,
            cache_dir=None if self.snapshot == "off" else self.cache_dir or self.data_dir / "cache",
            database_url=self.database_url,
            digest_lease_seconds=self.digest_lease_seconds,
            redis_url=self.redis_url,
            state_secret=self.state_secret,
            redis_prefix=self.redis_prefix,
        )


_VARIABLE_OF = {name: str(info.alias) for name, info in _Environment.model_fields.items()}
_VARIABLES = frozenset(_VARIABLE_OF.values())


def _wording(error: ValidationError) -> str:
    """Our own message for each invalid variable (the validators word them), one per line."""
    lines = []
    for item in error.errors():
        cause = (item.get("ctx") or {}).get("error")
        if isinstance(cause, ValueError):
            lines.append(str(cause))
            continue
        name = next((str(part) for part in item["loc"] if str(part) in _VARIABLES), "a setting")
        lines.append(f"{name} is {item.get('input')!r} - {item['msg']}")
    return "\n".join(lines)
