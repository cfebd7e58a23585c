"""Settings from the environment and .env, and keeping secrets out of logs."""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings
from bot.envfile import read_env_file
from bot.logs import RedactingFilter, redact

TOKEN = "987654:SECRET-token-value"


def test_the_environment_wins_over_the_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# comment\n"
        f"export TELEGRAM_BOT_TOKEN='{TOKEN}'\n"
        "NEWSBOT_ADMIN_IDS=1, 2 3  # the moderators\n"
        "NEWSBOT_LOG_LEVEL=debug\n",
        encoding="utf-8",
    )
    settings = Settings.from_env({"NEWSBOT_LOG_LEVEL": "warning"}, env_file)
    assert settings.token == TOKEN
    assert settings.admin_ids == frozenset({1, 2, 3})
    assert settings.log_level == "WARNING"
    assert settings.api_base_url == "https://api.telegram.org/bot"
    assert settings.webhook is None
    assert settings.retention_days == 90


def test_the_retention_period_can_be_shortened() -> None:
    assert Settings.from_env({"NEWSBOT_RETENTION_DAYS": "30"}, None).retention_days == 30


def test_the_token_never_shows_in_the_settings_repr(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "NEWSBOT_WEBHOOK_URL": "https://bot.example.org/hook",
            "NEWSBOT_WEBHOOK_SECRET": "s3cr3t-value",
        },
        None,
    )
    assert TOKEN not in repr(settings) and "s3cr3t-value" not in repr(settings)
    assert set(settings.secrets) == {TOKEN, "s3cr3t-value"}


def test_a_missing_env_file_is_no_error(tmp_path: Path) -> None:
    assert read_env_file(tmp_path / "nothing") == {}
    assert Settings.from_env({}, tmp_path / "nothing").token is None


def test_webhook_settings_default_to_the_path_of_the_url_and_a_random_secret() -> None:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "NEWSBOT_WEBHOOK_URL": "https://bot.example.org/tg/hook"}
    first, second = Settings.from_env(env, None), Settings.from_env(env, None)
    assert first.webhook is not None and second.webhook is not None
    assert (first.webhook.listen, first.webhook.port, first.webhook.path) == (
        "127.0.0.1",
        8443,
        "tg/hook",
    )
    assert len(first.webhook.secret) >= 32 and first.webhook.secret != second.webhook.secret


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"NEWSBOT_WEBHOOK_URL": "http://bot.example.org/hook"}, "https://"),
        (
            {"NEWSBOT_WEBHOOK_URL": "https://b.example.org", "NEWSBOT_WEBHOOK_PORT": "http"},
            "NEWSBOT_WEBHOOK_PORT",
        ),
        (
            {"NEWSBOT_WEBHOOK_URL": "https://b.example.org", "NEWSBOT_WEBHOOK_SECRET": "a b"},
            "NEWSBOT_WEBHOOK_SECRET",
        ),
        ({"NEWSBOT_ADMIN_IDS": "12, alice"}, "NEWSBOT_ADMIN_IDS"),
        ({"NEWSBOT_LOG_LEVEL": "loud"}, "NEWSBOT_LOG_LEVEL"),
        ({"TELEGRAM_API_BASE_URL": "127.0.0.1:8081/bot"}, "TELEGRAM_API_BASE_URL"),
        ({"NEWSBOT_QUIET_HOURS": "20 bis 7"}, "NEWSBOT_QUIET_HOURS"),
        ({"NEWSBOT_QUIET_HOURS": "25:00-07:00"}, "NEWSBOT_QUIET_HOURS"),
        ({"NEWSBOT_DIGEST_CHECK_SECONDS": "0"}, "NEWSBOT_DIGEST_CHECK_SECONDS"),
        ({"NEWSBOT_RATE_LIMIT": "schnell"}, "NEWSBOT_RATE_LIMIT"),
        ({"NEWSBOT_RATE_LIMIT": "nan"}, "NEWSBOT_RATE_LIMIT"),
        ({"NEWSBOT_CLOCK_START": "morgen früh"}, "NEWSBOT_CLOCK_START"),
        ({"NEWSBOT_RETENTION_DAYS": "90 Tage"}, "NEWSBOT_RETENTION_DAYS"),
        ({"NEWSBOT_RETENTION_DAYS": "0"}, "NEWSBOT_RETENTION_DAYS"),
        ({"NEWSBOT_REDIS_URL": "http://127.0.0.1:6379"}, "NEWSBOT_REDIS_URL"),
        ({"NEWSBOT_REDIS_URL": "redis://", "NEWSBOT_STATE_SECRET": "x" * 40}, "redis://host"),
        ({"NEWSBOT_REDIS_URL": "redis://127.0.0.1:6379/0"}, "NEWSBOT_STATE_SECRET must be set"),
        ({"NEWSBOT_REDIS_URL": "redis://r:6379", "NEWSBOT_STATE_SECRET": "short"}, "token_urlsafe"),
        ({"NEWSBOT_REDIS_PREFIX": "news bot"}, "NEWSBOT_REDIS_PREFIX"),
    ],
)
def test_malformed_settings_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env, None)


def test_digest_settings_default_to_telegrams_rate_and_the_real_clock() -> None:
    settings = Settings.from_env({}, None)
    assert settings.quiet_hours == (dt.time(20, 0), dt.time(7, 0))
    assert settings.digest_check_seconds == 60
    assert settings.rate_limit == 30
    assert settings.clock_start is None


def test_digest_settings_as_written_in_the_environment() -> None:
    settings = Settings.from_env(
        {
            "NEWSBOT_QUIET_HOURS": "21:30 - 6.45",
            "NEWSBOT_DIGEST_CHECK_SECONDS": "0.5",
            "NEWSBOT_RATE_LIMIT": "1000",
            "NEWSBOT_CLOCK_START": "2026-11-24T07:14:00",
        },
        None,
    )
    assert settings.quiet_hours == (dt.time(21, 30), dt.time(6, 45))
    assert (settings.digest_check_seconds, settings.rate_limit) == (0.5, 1000)
    start = settings.clock_start
    assert start is not None and start.utcoffset() == dt.timedelta(hours=1)  # Berlin, winter


def test_a_broken_env_file_line_is_reported_with_its_number(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("TELEGRAM_BOT_TOKEN=x\nthis is not a setting\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\.env:2: not a KEY=value line"):
        read_env_file(env_file)


def test_redact_replaces_every_secret() -> None:
    assert (
        redact(f"GET /bot{TOKEN}/getMe {TOKEN}", [TOKEN, ""])
        == "GET /bot[redacted]/getMe [redacted]"
    )


def test_redact_catches_a_secret_whose_case_was_changed() -> None:
    # python-telegram-bot capitalize()s API error descriptions: the token comes out lowercased.
    assert redact(f"Bad request: {TOKEN}".capitalize(), [TOKEN]) == "Bad request: [redacted]"


def test_the_filter_redacts_message_arguments_and_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("test.redaction")
    caplog.handler.addFilter(RedactingFilter([TOKEN]))
    try:
        raise ValueError(f"https://api.telegram.org/bot{TOKEN}/getMe failed")
    except ValueError:
        logger.exception("request to %s failed", f"https://api.telegram.org/bot{TOKEN}/getMe")
    logger.warning(f"plain {TOKEN}")
    assert TOKEN not in caplog.text
    assert "bot[redacted]/getMe failed" in caplog.text
    assert "plain [redacted]" in caplog.text


def test_every_setting_is_documented_in_env_example_and_readme() -> None:
    root = Path(__file__).resolve().parent.parent
    source = "".join(
        (root / "bot" / name).read_text(encoding="utf-8")
        for name in ("config.py", "shared_settings.py")
    )
    names = set(re.findall(r'"((?:TELEGRAM|NEWSBOT)_[A-Z_]+)"', source))
    example = (root / ".env.example").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert len(names) >= 10
    for name in names:
        assert name in example, name
        assert name in readme, name
    assert read_env_file(root / ".env.example") == {"TELEGRAM_BOT_TOKEN": ""}


def test_the_database_url_switches_to_postgres_and_its_password_stays_secret() -> None:
    url = "postgresql://newsbot:pa55-w0rd-x@db.example:5432/newsbot?options=-csearch_path%3Dbot"
    settings = Settings.from_env({"NEWSBOT_DATABASE_URL": url}, None)
    assert settings.database_url == url
    assert "pa55-w0rd-x" not in repr(settings) and "pa55-w0rd-x" in settings.secrets
    assert Settings.from_env({}, None).database_url is None
    assert Settings.from_env({}, None).digest_lease_seconds == 300


@pytest.mark.parametrize(
    "url",
    ["mysql://newsbot:pa55-w0rd-x@db.example/newsbot", "sqlite:///data/newsbot.sqlite3", "db"],
)
def test_any_other_database_url_is_a_clear_error_without_the_password(url: str) -> None:
    with pytest.raises(ConfigError) as error:
        Settings.from_env({"NEWSBOT_DATABASE_URL": url}, None)
    message = str(error.value)
    assert message.startswith("NEWSBOT_DATABASE_URL is") and "postgresql://" in message
    assert "pa55-w0rd-x" not in message


REDIS_SECRET = "a-state-secret-of-more-than-32-characters"


def test_the_shared_state_is_in_memory_unless_a_redis_url_is_set() -> None:
    assert Settings.from_env({}, None).redis_url is None
    settings = Settings.from_env(
        {
            "NEWSBOT_REDIS_URL": "rediss://:hunter2-password@redis.example.org:6380/1",
            "NEWSBOT_STATE_SECRET": REDIS_SECRET,
            "NEWSBOT_REDIS_PREFIX": "newsroom-a",
        },
        None,
    )
    assert settings.redis_url == "rediss://:hunter2-password@redis.example.org:6380/1"
    assert (settings.state_secret, settings.redis_prefix) == (REDIS_SECRET, "newsroom-a")
    assert {"hunter2-password", REDIS_SECRET} <= set(settings.secrets)  # never in a log line
    assert "hunter2" not in repr(settings) and REDIS_SECRET not in repr(settings)


def test_a_malformed_redis_url_is_named_without_its_password() -> None:
    with pytest.raises(ConfigError, match="NEWSBOT_REDIS_URL") as raised:
        Settings.from_env({"NEWSBOT_REDIS_URL": "http://:hunter2@redis.example.org"}, None)
    assert "hunter2" not in str(raised.value)
