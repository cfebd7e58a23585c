"""Which database a process keeps its data in: today the SQLite file in the data directory.

The one place that picks a backend; the next one (PostgreSQL) is chosen here too, and the
rest of the bot sees only bot.storage.interface.
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
) -> Database:
    """The process's one database, created or migrated; StoreError if it cannot be used."""
    return await SQLiteDatabase.open(data_dir / SQLITE_FILE, retention_days, today)
