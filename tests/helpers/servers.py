"""The real PostgreSQL and Redis servers that the scaled mode's tests use.

The project's machines (CI's included) run both on 127.0.0.1; NEWSBOT_TEST_POSTGRES_URL and
NEWSBOT_TEST_REDIS_URL point elsewhere. Where a server does not answer, a test that needs it
is skipped with the reason, except under CI=true, where it fails: CI must test the scaled mode.
NEWSBOT_TEST_SCALED=1 runs the whole suite with Postgres and Redis instead of SQLite and memory.
"""

from __future__ import annotations

import os
import secrets
import socket
from urllib.parse import urlsplit

import pytest

POSTGRES_URL = os.environ.get(
    "NEWSBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("NEWSBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
_DEFAULT_PORTS = {"postgresql": 5432, "postgres": 5432, "redis": 6379}


def scaled() -> bool:
    """True when the whole suite runs against Postgres and Redis (make unit-scaled)."""
    return os.environ.get("NEWSBOT_TEST_SCALED") == "1"


def answers(url: str) -> bool:
    """True when something accepts a TCP connection at the URL's host and port."""
    parts = urlsplit(url)
    port = parts.port or _DEFAULT_PORTS.get(parts.scheme, 0)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def need(url: str, what: str, variable: str) -> str:
    """The URL if its server answers; else skip the test with the reason (fail under CI)."""
    if answers(url):
        return url
    parts = urlsplit(url)
    why = (
        f"{what} does not answer at {parts.hostname}:{parts.port}"
        f" (set {variable} to another server)"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"{why}: CI runs the scaled mode's tests and must not skip them")
    pytest.skip(f"{why}: the scaled mode's tests against it are skipped")


def need_postgres() -> str:
    """The test PostgreSQL server's URL, or a skip (a failure under CI)."""
    return need(POSTGRES_URL, "PostgreSQL", "NEWSBOT_TEST_POSTGRES_URL")


def need_redis() -> str:
    """The test Redis server's URL, or a skip (a failure under CI)."""
    return need(REDIS_URL, "Redis", "NEWSBOT_TEST_REDIS_URL")


def unique_name(prefix: str) -> str:
    """A schema name or key prefix of this test alone (other runs share the servers)."""
    return f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
