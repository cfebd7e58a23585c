"""Which database a process keeps its data in: the SQLite file in the data directory, or the
PostgreSQL database of NEWSBOT_DATABASE_URL, shared by every process of a scaled-out bot.

The one place that picks a backend; the rest of the bot sees only bot.storage.interface.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from bot.storage.interface import DEFAULT_RETENTION_DAYS, Database
from bot.storage.sqlite.database import SQLiteDatabase

SQLITE_FILE = "newsbot.sqlite3"


async def open_database(
    data_dir: Path,
    retention_days: int = DEFAULT_RETENTION_DAYS,
    today: Callable[[], dt.date] = dt.date.today,
    database_url: str | None = None,
) -> Database:
    """The process's one database, created or migrated; StoreError if it cannot be used.

    With a database_url (postgresql://...) the PostgreSQL backend, else the SQLite file in
    data_dir.
    """
    if database_url:
        from bot.storage.postgres.database import PostgresDatabase

        return await PostgresDatabase.open(database_url, retention_days, today)
    return await SQLiteDatabase.open(data_dir / SQLITE_FILE, retention_days, today)
