"""The scaled mode's shared servers for a test: a Postgres schema and a Redis key prefix of its
own (servers.py finds the servers), the environment that points `newsbot run` at them, and
everything the test wrote removed afterwards."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from helpers.servers import need_postgres, need_redis, unique_name


@dataclass
class Shared:
    """Where the replicas keep their shared state, and the settings that say so."""

    database_url: str
    redis_url: str
    schema: str
    prefix: str
    env: dict[str, str]


@contextmanager
def shared_backends() -> Iterator[Shared]:
    """A fresh schema and key prefix on the test servers, dropped afterwards."""
    postgres, redis = need_postgres(), need_redis()
    schema, prefix = unique_name("newsbot_e2e"), unique_name("newsbot_e2e")
    env = {
        "NEWSBOT_DATABASE_URL": postgres,
        "NEWSBOT_REDIS_URL": redis,
        "NEWSBOT_STATE_SECRET": secrets.token_urlsafe(32),
    }
    yield Shared(postgres, redis, schema, prefix, env)
