"""The settings of the shared state (NEWSBOT_REDIS_URL, NEWSBOT_STATE_SECRET,
NEWSBOT_REDIS_PREFIX), each checked and its mistake worded; config.py reads them."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, field_validator, model_validator

DEFAULT_REDIS_PREFIX = "newsbot"
# Seconds a process holds an update it took (NEWSBOT_UPDATE_LEASE, telegram/intake.py): longer
# than handling one ever takes (a send is given up after a minute of 5xx answers).
UPDATE_LEASE = 90.0
MIN_STATE_SECRET = 32  # characters of NEWSBOT_STATE_SECRET: a key for HMAC-SHA256
_PREFIX = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def redis_url(value: str) -> str:
    """A redis:// or rediss:// URL; ValueError naming the fix, never showing a password."""
    try:
        parts = urlsplit(value)
        fine = parts.scheme in ("redis", "rediss") and bool(parts.hostname)
        fine = fine and (parts.port is None or parts.port > 0)  # a port that is no number raises
    except ValueError:
        fine = False
    if not fine:
        shown = value if "@" not in value else "...@" + value.rpartition("@")[2]
        raise ValueError(
            f"NEWSBOT_REDIS_URL is {shown!r} - write redis://host:6379/0 (or rediss:// for"
            " TLS; with a password redis://:password@host:6379/0)"
        )
    return value


def redis_prefix(value: str) -> str:
    """The key prefix of a deployment: a few letters, digits, _ . or -."""
    if not _PREFIX.fullmatch(value):
        raise ValueError(
            f"NEWSBOT_REDIS_PREFIX is {value!r} - use 1 to 64 letters, digits, _ . or -"
            f" (default {DEFAULT_REDIS_PREFIX})"
        )
    return value


def state_secret(url: str | None, secret: str | None) -> str | None:
    """NEWSBOT_STATE_SECRET: required, and long enough, when NEWSBOT_REDIS_URL is set."""
    if url is not None and (secret is None or len(secret.strip()) < MIN_STATE_SECRET):
        raise ValueError(
            f"NEWSBOT_STATE_SECRET must be set to at least {MIN_STATE_SECRET} characters when"
            " NEWSBOT_REDIS_URL is set - every process of the bot hashes chat ids with it:"
            " make one with `python3 -c 'import secrets; print(secrets.token_urlsafe(32))'`"
            " and give all of them the same"
        )
    return secret


def url_password(url: str | None) -> str:
    """The password in a Redis URL ("" if none), to keep it out of every log line."""
    return (urlsplit(url).password or "") if url else ""


class SharedVariables(BaseModel):
    """The shared state's variables as config.py's environment reads them."""

    redis_url: str | None = Field(default=None, alias="NEWSBOT_REDIS_URL")
    state_secret: str | None = Field(default=None, alias="NEWSBOT_STATE_SECRET")
    redis_prefix: str = Field(default=DEFAULT_REDIS_PREFIX, alias="NEWSBOT_REDIS_PREFIX")

    @field_validator("redis_url", mode="before")
    @classmethod
    def _url(cls, value: Any) -> Any:
        return redis_url(value.strip()) if isinstance(value, str) else value

    @field_validator("redis_prefix", mode="before")
    @classmethod
    def _prefix(cls, value: Any) -> Any:
        return redis_prefix(value.strip()) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _secret(self) -> SharedVariables:
        state_secret(self.redis_url, self.state_secret)
        return self
