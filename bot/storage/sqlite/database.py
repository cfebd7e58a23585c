"""The SQLite file as one Database: one connection for the statistics and the subscriptions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from bot.storage.interface import DEFAULT_RETENTION_DAYS
from bot.storage.sqlite.connection import Connection
from bot.storage.sqlite.migrations import migrate
from bot.storage.sqlite.stats import SQLiteStats
from bot.storage.sqlite.subscriptions import SQLiteSubscriptions


class SQLiteDatabase:
    """The file NEWSBOT_DATA_DIR/newsbot.sqlite3, created, migrated and purged when opened."""

    def __init__(self, connection: Connection, stats: SQLiteStats) -> None:
        self.path = connection.path
        self.stats = stats
        self.subscriptions = SQLiteSubscriptions(connection)
        self._connection = connection

    @classmethod
    async def open(
        cls,
        path: Path,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> SQLiteDatabase:
        """Open the file (creating it), migrate it and purge it; StoreError if it is unusable."""
        connection = Connection(path)
        stats = SQLiteStats(connection, retention_days, today)
        try:
            await connection.write(lambda db: migrate(db, path))
            await stats.purge()
        except BaseException:
            await connection.close()
            raise
        return cls(connection, stats)

    async def close(self) -> None:
        """Finish the calls already made, then close; later calls raise StoreError."""
        await self._connection.close()
