"""The database a test opens: the SQLite file in its data folder, or PostgreSQL in a schema of
its own (the scaled mode, NEWSBOT_TEST_SCALED=1, or a test that asks for it), dropped after
the test by the autouse fixture in conftest.py.

A data folder keeps the backend it was first opened with for the rest of the test, so that a
test reopening "its" database (a restart) gets the same one.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path

import psycopg
from psycopg import sql

from bot.storage.backend import SQLITE_FILE
from bot.storage.backend import open_database as open_backend
from bot.storage.interface import DEFAULT_RETENTION_DAYS, Database
from bot.storage.postgres.database import PostgresDatabase
from bot.storage.sqlite.database import SQLiteDatabase
from helpers.servers import need_postgres, scaled, unique_name

BACKENDS = ("sqlite", "postgres")

# data folder -> the URL of its schema (None: the SQLite file), for the running test
_chosen: dict[Path, str | None] = {}


def with_schema(url: str, schema: str) -> str:
    """The URL with libpq's options setting the search path to this schema."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def create_schema(prefix: str = "newsbot_test") -> tuple[str, str]:
    """A new, empty schema of this test on the test server: its name and a URL into it."""
    admin = need_postgres()
    schema = unique_name(prefix)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    return schema, with_schema(admin, schema)


def drop_schema(schema: str) -> None:
    """Drop a test's schema with everything in it."""
    with psycopg.connect(need_postgres(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def database_url(data_dir: Path, backend: str | None = None) -> str | None:
    """The PostgreSQL URL the test's database in data_dir lives at, or None for SQLite.

    backend "sqlite" or "postgres" chooses; None keeps the folder's earlier choice, else
    follows the scaled mode. A first PostgreSQL choice creates the folder's schema.
    """
    key = data_dir.resolve()
    if key in _chosen and backend is None:
        return _chosen[key]
    if backend == "sqlite" or (backend is None and not scaled()):
        _chosen[key] = None
        return None
    known = _chosen.get(key)
    if known is None:
        known = _chosen[key] = create_schema()[1]
    return known


def database_env(data_dir: Path) -> dict[str, str]:
    """NEWSBOT_DATABASE_URL for a `newsbot run` over this data folder, when it is on Postgres."""
    url = database_url(data_dir)
    return {"NEWSBOT_DATABASE_URL": url} if url else {}


async def open_database(
    data_dir: Path,
    retention_days: int = DEFAULT_RETENTION_DAYS,
    today: Callable[[], dt.date] = dt.date.today,
    backend: str | None = None,
) -> Database:
    """The test's database for data_dir on the chosen backend (see database_url)."""
    url = database_url(data_dir, backend)
    return await open_backend(data_dir, retention_days, today, database_url=url)


def drop_schemas() -> None:
    """After a test: drop every schema it created, and forget its choices."""
    urls = [url for url in _chosen.values() if url]
    _chosen.clear()
    for url in urls:
        drop_schema(url.rsplit("%3D", 1)[1])


def stored(data_dir: Path) -> tuple[str, dict[str, set[str]]]:
    """Everything the test's database in data_dir holds, as text, and each table's columns:
    the SQLite file's bytes, or every row of the PostgreSQL schema."""
    url = database_url(data_dir)
    if url is None:
        path = data_dir / SQLITE_FILE
        with sqlite3.connect(path) as db:
            tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master")]
            columns = {
                table: {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
                for table in tables
            }
        return path.read_bytes().decode("latin-1"), columns
    schema = url.rsplit("%3D", 1)[1]
    texts: list[str] = []
    columns = {}
    with psycopg.connect(need_postgres(), autocommit=True) as conn:
        found = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = %s",
            (schema,),
        ).fetchall()
        for table, column in found:
            columns.setdefault(str(table), set()).add(str(column))
        for table in columns:
            name = sql.Identifier(schema, table)
            rows = conn.execute(sql.SQL("SELECT * FROM {}").format(name)).fetchall()
            texts.extend(str(value) for row in rows for value in row)
    return "\n".join(texts), columns


def select(database: Database, query: str) -> list[tuple[object, ...]]:
    """The rows of a plain SELECT, run beside the bot on the file or schema of its database."""
    if isinstance(database, SQLiteDatabase):
        with sqlite3.connect(database.path) as db:
            return [tuple(row) for row in db.execute(query).fetchall()]
    assert isinstance(database, PostgresDatabase)
    url = database.where  # the test server's URLs carry no password: `where` is the URL
    assert url in _chosen.values(), "a database this test opened through helpers.stores"
    with psycopg.connect(url, autocommit=True) as conn:
        return [tuple(row) for row in conn.execute(query).fetchall()]  # type: ignore[arg-type]
