"""The statistics in PostgreSQL: the same rows as in SQLite (bot/storage/sqlite/stats.py).

Stored: the question cleaned by bot.storage.scrub, the day, a count, and for feedback the
entry it was about; plus per-day counts of answered questions and of the entries shown.
Never stored: user or chat ids, names, usernames, the full message. Rows older than the
retention period are deleted. Counts are added in the database (`count + 1`), so replicas
counting at once lose nothing. The counting commits without waiting for the server's disk
(synchronous_commit off, as SQLite's synchronous=NORMAL): a crash of the server may lose the
last fraction of a second of counts, never the subscriptions' records, which wait for it.
"""

from __future__ import annotations

import datetime as dt

from bot.storage.interface import Asked, DayStats
from bot.storage.postgres.connection import Conn, Pool
from bot.storage.rows import STATS_TABLES, StatsDays
from bot.storage.scrub import scrub

_NO_WAIT = "SET LOCAL synchronous_commit = off"
_COUNT_QUESTION = (
    "INSERT INTO questions (day, reason, question, entry) VALUES (%s, %s, %s, %s)"
    " ON CONFLICT (day, reason, question, entry) DO UPDATE SET count = questions.count + 1"
)


class PostgresStats(StatsDays[Pool]):
    """The StatsStore in PostgreSQL, over the process's pool."""

    async def _count_question(self, row: tuple[str, str, str, str]) -> None:

        async def count(conn: Conn) -> None:
            await conn.execute(_NO_WAIT)
            await conn.execute(_COUNT_QUESTION, row)

        await self._db.write(count)

    async def record_reply(self, answered: bool, entry: str | None = None) -> None:
        """Count one reply for the statistics: answered or not, and which entry it showed."""
        column = "answered" if answered else "unanswered"
        day = self._day()

        async def count(conn: Conn) -> None:
            await conn.execute(_NO_WAIT)
            await conn.execute(
                f"INSERT INTO daily (day, {column}) VALUES (%s, 1)"
                f" ON CONFLICT (day) DO UPDATE SET {column} = daily.{column} + 1",
                (day,),
            )
            if entry:
                await conn.execute(
                    "INSERT INTO entry_hits (day, entry, count) VALUES (%s, %s, 1)"
                    " ON CONFLICT (day, entry) DO UPDATE SET count = entry_hits.count + 1",
                    (day, entry),
                )

        await self._db.write(count)

    async def record_feedback(self, entry: str, helpful: bool, question: str | None = None) -> None:
        """Count a 👍 or 👎 for an entry; a 👎 keeps the cleaned question for the report."""
        column = "up" if helpful else "down"
        day = self._day()
        cleaned = scrub(question) if question and not helpful else ""

        async def count(conn: Conn) -> None:
            await conn.execute(_NO_WAIT)
            await conn.execute(
                f"INSERT INTO feedback (day, entry, {column}) VALUES (%s, %s, 1)"
                f" ON CONFLICT (day, entry) DO UPDATE SET {column} = feedback.{column} + 1",
                (day, entry),
            )
            if cleaned:
                await conn.execute(_COUNT_QUESTION, (day, "thumbs_down", cleaned, entry))

        await self._db.write(count)

    async def purge(self) -> int:
        """Delete everything older than the retention period; return the rows deleted."""
        cutoff = (self.today() - dt.timedelta(days=self.retention_days)).isoformat()

        async def delete(conn: Conn) -> int:
            deleted = 0
            for table in STATS_TABLES:
                cursor = await conn.execute(f"DELETE FROM {table} WHERE day < %s", (cutoff,))
                deleted += max(cursor.rowcount, 0)
            return deleted

        return await self._db.write(delete)

    async def asked(self, days: int) -> list[Asked]:
        """The questions of the last days, most asked first."""
        since = self._since(days)

        async def read(conn: Conn) -> list[tuple[object, ...]]:
            cursor = await conn.execute(
                "SELECT question, SUM(count), reason, entry FROM questions WHERE day >= %s"
                " GROUP BY question, reason, entry ORDER BY SUM(count) DESC, question",
                (since,),
            )
            return await cursor.fetchall()

        rows = await self._db.run(read)
        return [Asked(str(q), _int(c), str(r), str(e)) for q, c, r, e in rows]

    async def days(self, days: int) -> list[DayStats]:
        """Answered and unanswered questions per day, oldest first."""
        since = self._since(days)

        async def read(conn: Conn) -> list[tuple[object, ...]]:
            cursor = await conn.execute(
                "SELECT day, answered, unanswered FROM daily WHERE day >= %s ORDER BY day",
                (since,),
            )
            return await cursor.fetchall()

        rows = await self._db.run(read)
        return [DayStats(dt.date.fromisoformat(str(d)), _int(a), _int(u)) for d, a, u in rows]

    async def top_entries(self, days: int, limit: int = 10) -> list[tuple[str, int]]:
        """The entries shown most often in the last days."""
        since = self._since(days)

        async def read(conn: Conn) -> list[tuple[object, ...]]:
            cursor = await conn.execute(
                "SELECT entry, SUM(count) FROM entry_hits WHERE day >= %s"
                " GROUP BY entry ORDER BY SUM(count) DESC, entry LIMIT %s",
                (since, limit),
            )
            return await cursor.fetchall()

        rows = await self._db.run(read)
        return [(str(e), _int(c)) for e, c in rows]


def _int(value: object) -> int:
    """A count from the server (SUM gives a Decimal) as an int."""
    return int(str(value))
