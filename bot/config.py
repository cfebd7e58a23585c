"""Settings from the environment or a .env file: token, knowledge, data, admins, webhook,
the digest's quiet hours and schedule, and the testing aids (send rate, clock)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.schedule import DEFAULT_QUIET, TIMEZONE, parse_time
from bot.storage.interface import DEFAULT_RETENTION_DAYS

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_WEBHOOK_LISTEN = "127.0.0.1"
DEFAULT_WEBHOOK_PORT = 8443
DEFAULT_DIGEST_CHECK_SECONDS = 60.0
# Telegram allows about 30 messages a second per bot; python-telegram-bot's AIORateLimiter
# keeps the bot below that. Only tests raise it (NEWSBOT_RATE_LIMIT), to send 1,000 digests
# in seconds; the benchmark measures the default.
DEFAULT_RATE_LIMIT = 30.0
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Telegram's rule for the webhook secret: 1-256 characters A-Z, a-z, 0-9, _ and -.
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")
REDACTED = "[redacted]"


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable and the fix."""


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
    """Everything `newsbot run` needs to know; the token never shows in repr()."""

    token: str | None = field(repr=False)
    api_base_url: str
    knowledge_dir: Path
    data_dir: Path
    admin_ids: frozenset[int]
    log_level: str
    webhook: WebhookSettings | None = None
    # Days the store keeps unanswered questions and counts; /datenschutz promises 90.
    retention_days: int = DEFAULT_RETENTION_DAYS
    # The daily digest: nothing is sent between the two times (the span may cross midnight;
    # equal times mean no quiet hours), and due subscriptions are looked for this often.
    quiet_hours: tuple[dt.time, dt.time] = DEFAULT_QUIET
    digest_check_seconds: float = DEFAULT_DIGEST_CHECK_SECONDS
    # Messages per second the rate limiter lets through (testing aid; keep Telegram's 30).
    rate_limit: float = DEFAULT_RATE_LIMIT
    # Testing aid: the bot's clock starts at this moment and runs on from there.
    clock_start: dt.datetime | None = None

    @property
    def secrets(self) -> tuple[str, ...]:
        """The values that must never appear in a log line or an error message."""
        values = [self.token or ""]
        if self.webhook is not None:
            values.append(self.webhook.secret)
        return tuple(v for v in values if v)

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
    ) -> Settings:
        """Read the settings; variables in the environment win over those in env_file."""
        env = dict(read_env_file(env_file)) if env_file is not None else {}
        env.update(os.environ if environ is None else environ)

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        level = (get("NEWSBOT_LOG_LEVEL") or "INFO").upper()
        if level not in LOG_LEVELS:
            names = ", ".join(LOG_LEVELS)
            raise ConfigError(f"NEWSBOT_LOG_LEVEL is {level!r} - use one of {names}")
        knowledge = get("NEWSBOT_KNOWLEDGE")
        base_url = get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL
        if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc:
            raise ConfigError(
                f"TELEGRAM_API_BASE_URL is {base_url!r} - write the address the token is"
                " appended to, e.g. http://127.0.0.1:8081/bot"
            )
        return cls(
            token=get("TELEGRAM_BOT_TOKEN"),
            api_base_url=base_url,
            knowledge_dir=Path(knowledge) if knowledge else default_knowledge_dir(),
            data_dir=Path(get("NEWSBOT_DATA_DIR") or "data"),
            admin_ids=_admin_ids(get("NEWSBOT_ADMIN_IDS")),
            log_level=level,
            webhook=_webhook(get),
            retention_days=_retention_days(get("NEWSBOT_RETENTION_DAYS")),
            quiet_hours=_quiet_hours(get("NEWSBOT_QUIET_HOURS")),
            digest_check_seconds=_positive(
                "NEWSBOT_DIGEST_CHECK_SECONDS", get, DEFAULT_DIGEST_CHECK_SECONDS
            ),
            rate_limit=_positive("NEWSBOT_RATE_LIMIT", get, DEFAULT_RATE_LIMIT),
            clock_start=_clock_start(get("NEWSBOT_CLOCK_START")),
        )


def default_knowledge_dir() -> Path:
    """NEWSBOT_KNOWLEDGE, else knowledge/ of the checkout, else ./knowledge."""
    configured = os.environ.get("NEWSBOT_KNOWLEDGE")
    if configured:
        return Path(configured)
    checkout = Path(__file__).resolve().parent.parent / "knowledge"
    return checkout if checkout.is_dir() else Path("knowledge")


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines of a .env file (comments, `export` and quotes allowed); {} if absent."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.__class__.__name__})") from None
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        found = _ENV_LINE.match(line)
        if found is None:
            raise ConfigError(f"{path}:{number}: not a KEY=value line - fix or remove it")
        name, value = found.groups()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[name] = value
    return values


def _admin_ids(text: str | None) -> frozenset[int]:
    if not text:
        return frozenset()
    ids = set()
    for part in re.split(r"[\s,;]+", text.strip()):
        try:
            ids.add(int(part))
        except ValueError:
            raise ConfigError(
                f"NEWSBOT_ADMIN_IDS holds {part!r} - write Telegram user ids (numbers),"
                " separated by commas"
            ) from None
    return frozenset(ids)


def _retention_days(text: str | None) -> int:
    if text is None:
        return DEFAULT_RETENTION_DAYS
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(
            f"NEWSBOT_RETENTION_DAYS is {text!r} - write a number of days, at least 1"
            f" (default {DEFAULT_RETENTION_DAYS})"
        )
    return int(text)


def _webhook(get: Callable[[str], str | None]) -> WebhookSettings | None:
    url = get("NEWSBOT_WEBHOOK_URL")
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ConfigError(
            "NEWSBOT_WEBHOOK_URL must be a https:// address - Telegram delivers updates"
            " only over HTTPS (terminate TLS in a proxy in front of the bot)"
        )
    port_text = get("NEWSBOT_WEBHOOK_PORT") or str(DEFAULT_WEBHOOK_PORT)
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ConfigError(f"NEWSBOT_WEBHOOK_PORT is {port_text!r} - use a port number 1-65535")
    secret = get("NEWSBOT_WEBHOOK_SECRET") or secrets.token_urlsafe(32)
    if not _SECRET.match(secret):
        raise ConfigError(
            "NEWSBOT_WEBHOOK_SECRET may only hold letters, digits, _ and - (1 to 256 of them)"
        )
    path = get("NEWSBOT_WEBHOOK_PATH") or parts.path
    return WebhookSettings(
        url=url,
        listen=get("NEWSBOT_WEBHOOK_LISTEN") or DEFAULT_WEBHOOK_LISTEN,
        port=int(port_text),
        path=path.strip("/"),
        secret=secret,
    )


def _quiet_hours(text: str | None) -> tuple[dt.time, dt.time]:
    if text is None:
        return DEFAULT_QUIET
    first, dash, second = text.partition("-")
    start, end = parse_time(first), parse_time(second)
    if not dash or start is None or end is None:
        raise ConfigError(
            f"NEWSBOT_QUIET_HOURS is {text!r} - write start-end as HH:MM-HH:MM, e.g. 20:00-07:00"
            " (equal times: no quiet hours)"
        )
    return start, end


def _positive(name: str, get: Callable[[str], str | None], default: float) -> float:
    text = get(name)
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise ConfigError(f"{name} is {text!r} - use a number greater than 0, e.g. {default:g}")
    return value


def _clock_start(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        start = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            f"NEWSBOT_CLOCK_START is {text!r} - write a moment like 2026-11-24T07:14:00+01:00"
            " (a testing aid; leave it unset in production)"
        ) from None
    return start if start.tzinfo is not None else start.replace(tzinfo=TIMEZONE)


def redact(text: str, secrets_: Iterable[str]) -> str:
    """The text with every secret replaced by [redacted], in any letter case.

    Any case, because python-telegram-bot capitalize()s the descriptions of API errors,
    which lowercases a token quoted in one.
    """
    for secret in secrets_:
        if secret and secret.casefold() in text.casefold():
            text = re.sub(re.escape(secret), REDACTED, text, flags=re.IGNORECASE)
    return text


class RedactingFilter(logging.Filter):
    """Replaces secrets in a log record's message, arguments and traceback text.

    Put it on the handlers (not on loggers): a handler's filters see every record that
    reaches it, from any library.
    """

    def __init__(self, secrets_: Iterable[str]) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets_ if s)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drops it."""
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: logging itself reports it
            return True
        clean = redact(message, self.secrets)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True
