"""The PostgreSQL backend on the test server: its own schema from the URL, one version scheme
with SQLite's step numbers, errors as StoreError without the password. (What it stores and
the claims are tested on both backends in test_store.py, test_subscriptions.py and
test_digest.py.)"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from helpers.servers import need_postgres, unique_name
from helpers.stores import create_schema, drop_schema, with_schema

from bot.storage.backend import open_database
from bot.storage.interface import StoreError
from bot.storage.postgres import migrations as postgres
from bot.storage.postgres.database import PostgresDatabase
from bot.storage.sqlite import migrations as sqlite

DAY = dt.date(2026, 11, 24)


def test_both_backends_number_their_steps_alike() -> None:
    assert postgres.SCHEMA_VERSION == sqlite.SCHEMA_VERSION
    assert sorted(postgres.MIGRATIONS) == sorted(sqlite.MIGRATIONS)


async def test_the_tables_live_in_the_schema_of_the_url_at_the_one_version() -> None:
    schema, url = create_schema()
    try:
        database = await open_database(Path("unused"), database_url=url)
        await database.subscriptions.subscribe(7, dt.time(7, 15), "")
        await database.close()
        with psycopg.connect(need_postgres(), autocommit=True) as conn:
            tables = {
                str(row[0])
                for row in conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                    (schema,),
                )
            }
            version = conn.execute(
                f'SELECT value FROM "{schema}".meta WHERE key = %s', ("schema_version",)
            ).fetchone()
            conn.execute(f"UPDATE \"{schema}\".meta SET value = '99'")
        assert tables == {
            "meta", "questions", "daily", "entry_hits", "feedback", "subscriptions",
            "articles_seen",
        }  # fmt: skip
        assert version == (str(postgres.SCHEMA_VERSION),)
        with pytest.raises(StoreError, match="newer"):  # a newer schema is refused
            await PostgresDatabase.open(url)
    finally:
        drop_schema(schema)


async def test_an_unreachable_server_is_a_store_error_without_the_password() -> None:
    parts = urlsplit(need_postgres())
    wrong = urlunsplit(parts._replace(netloc="newsbot:pa55-w0rd-x@127.0.0.1:1"))
    with pytest.raises(StoreError) as error:
        await PostgresDatabase.open(with_schema(wrong, unique_name("nowhere")))
    assert "pa55-w0rd-x" not in str(error.value) and "***" in str(error.value)


async def test_a_closed_database_raises_store_error() -> None:
    schema, url = create_schema()
    try:
        database = await PostgresDatabase.open(url, today=lambda: DAY)
        await database.close()
        with pytest.raises(StoreError):
            await database.stats.record_reply(True)
    finally:
        drop_schema(schema)
