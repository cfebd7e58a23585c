"""The scaled mode's shared servers for a test: a Postgres schema and a Redis key prefix of its
own (servers.py finds the servers, stores.py and shared.py make and drop them), the
environment that points `newsbot run` at them, and what they hold, for the privacy checks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from psycopg import sql
from redis import Redis

from helpers.servers import REDIS_URL, need_postgres, need_redis, unique_name
from helpers.shared import SECRET, forget_prefix
from helpers.stores import create_schema, drop_schema


@dataclass
class Shared:
    """Where the replicas keep their shared state, and the settings that say so."""

    database_url: str
    schema: str
    prefix: str

    @property
    def env(self) -> dict[str, str]:
        """The settings of every replica."""
        return {
            "NEWSBOT_DATABASE_URL": self.database_url,
            "NEWSBOT_REDIS_URL": REDIS_URL,
            "NEWSBOT_STATE_SECRET": SECRET,
            "NEWSBOT_REDIS_PREFIX": self.prefix,
        }

    def redis_contents(self) -> list[tuple[bytes, bytes, int]]:
        """Every key of the prefix: its name, its value (every part of it), its TTL in ms."""
        found = []
        with Redis.from_url(REDIS_URL) as client:
            for key in client.scan_iter(match=f"{self.prefix}:*"):
                kind = client.type(key).decode()
                if kind == "string":
                    parts = [client.get(key) or b""]
                elif kind == "hash":
                    parts = [b for pair in client.hgetall(key).items() for b in pair]
                elif kind == "list":
                    parts = client.lrange(key, 0, -1)
                elif kind == "set":
                    parts = list(client.smembers(key))
                elif kind == "zset":
                    parts = [m for m, _ in client.zrange(key, 0, -1, withscores=True)]
                else:
                    parts = [client.dump(key) or b""]
                found.append((key, b"\x00".join(parts), int(client.pttl(key))))
        return found

    def everything_kept(self) -> list[bytes]:
        """Every Redis key and value of the prefix, and every row of the schema, as bytes."""
        kept = [key + b" " + value for key, value, _ in self.redis_contents()]
        for table, rows in self.postgres_contents().items():
            kept += [f"{table} {row!r}".encode() for row in rows]
        return kept

    def postgres_contents(self) -> dict[str, list[tuple[object, ...]]]:
        """Every row of every table in the schema, by table."""
        found: dict[str, list[tuple[object, ...]]] = {}
        with psycopg.connect(need_postgres()) as conn:
            tables = conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                (self.schema,),
            ).fetchall()
            for (table,) in tables:
                query = sql.SQL("SELECT * FROM {}.{}").format(
                    sql.Identifier(self.schema), sql.Identifier(table)
                )
                found[table] = conn.execute(query).fetchall()
        return found


@contextmanager
def shared_backends() -> Iterator[Shared]:
    """A fresh schema and key prefix on the test servers, dropped afterwards."""
    need_redis()
    schema, url = create_schema("newsbot_e2e")
    prefix = unique_name("newsbot_e2e")
    try:
        yield Shared(url, schema, prefix)
    finally:
        drop_schema(schema)
        forget_prefix(prefix)
