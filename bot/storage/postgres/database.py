"""A PostgreSQL database (one schema) as one Database: a pool for the statistics and the
subscriptions, migrated and purged when opened."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.storage.interface import DEFAULT_RETENTION_DAYS
from bot.storage.postgres.connection import Conn, Pool
from bot.storage.postgres.migrations import migrate
from bot.storage.postgres.stats import PostgresStats
from bot.storage.postgres.subscriptions import PostgresSubscriptions


class PostgresDatabase:
    """The database of NEWSBOT_DATABASE_URL, shared by every process of the bot."""

    def __init__(self, pool: Pool, stats: PostgresStats) -> None:
        self.where = pool.where
        self.stats = stats
        self.subscriptions = PostgresSubscriptions(pool)
        self._pool = pool

    @classmethod
    async def open(
        cls,
        url: str,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> PostgresDatabase:
        """Connect, migrate and purge; StoreError if the server or the schema is unusable."""
        pool = Pool(url)
        await pool.open()
        stats = PostgresStats(pool, retention_days, today)

        async def migrated(conn: Conn) -> int:
            return await migrate(conn, pool.where)

        try:
            await pool.write(migrated)
            await stats.purge()
        except BaseException:
            await pool.close()
            raise
        return cls(pool, stats)

    async def close(self) -> None:
        """Finish the calls already made, then close; later calls raise StoreError."""
        await self._pool.close()
