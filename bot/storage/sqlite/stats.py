"""The statistics in SQLite: daily counts, open questions and feedback, without personal data.

Stored: the question cleaned by bot.storage.scrub, the day, a count, and for feedback the
entry it was about; plus per-day counts of answered questions and of the entries shown.
Never stored: user or chat ids, names, usernames, the full message. Rows older than the
retention period are deleted.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from bot.storage.interface import Asked, DayStats
from bot.storage.rows import STATS_TABLES, StatsDays
from bot.storage.scrub import scrub
from bot.storage.sqlite.connection import Connection

_COUNT_QUESTION = (
    "INSERT INTO questions (day, reason, question, entry) VALUES (?, ?, ?, ?)"
    " ON CONFLICT DO UPDATE SET count = count + 1"
)


class SQLiteStats(StatsDays[Connection]):
    """The StatsStore of the SQLite file, over the file's one connection."""

    async def _count_question(self, row: tuple[str, str, str, str]) -> None:
        await self._db.write(lambda db: db.execute(_COUNT_QUESTION, row))

    async def record_reply(self, answered: bool, entry: str | None = None) -> None:
        """Count one reply for the statistics: answered or not, and which entry it showed."""
        column = "answered" if answered else "unanswered"
        day = self._day()

        def count(db: sqlite3.Connection) -> None:
            db.execute(
                f"INSERT INTO daily (day, {column}) VALUES (?, 1)"
                f" ON CONFLICT DO UPDATE SET {column} = {column} + 1",
                (day,),
            )
            if entry:
                db.execute(
                    "INSERT INTO entry_hits (day, entry, count) VALUES (?, ?, 1)"
                    " ON CONFLICT DO UPDATE SET count = count + 1",
                    (day, entry),
                )

        await self._db.write(count)

    async def record_feedback(self, entry: str, helpful: bool, question: str | None = None) -> None:
        """Count a 👍 or 👎 for an entry; a 👎 keeps the cleaned question for the report."""
        column = "up" if helpful else "down"
        day = self._day()
        cleaned = scrub(question) if question and not helpful else ""

        def count(db: sqlite3.Connection) -> None:
            db.execute(
                f"INSERT INTO feedback (day, entry, {column}) VALUES (?, ?, 1)"
                f" ON CONFLICT DO UPDATE SET {column} = {column} + 1",
                (day, entry),
            )
            if cleaned:
                db.execute(_COUNT_QUESTION, (day, "thumbs_down", cleaned, entry))

        await self._db.write(count)

    async def purge(self) -> int:
        """Delete everything older than the retention period; return the rows deleted."""
        cutoff = (self.today() - dt.timedelta(days=self.retention_days)).isoformat()

        def delete(db: sqlite3.Connection) -> int:
            return sum(
                db.execute(f"DELETE FROM {table} WHERE day < ?", (cutoff,)).rowcount
                for table in STATS_TABLES
            )

        return await self._db.write(delete)

    async def asked(self, days: int) -> list[Asked]:
        """The questions of the last days, most asked first."""
        since = self._since(days)
        rows = await self._db.run(
            lambda db: db.execute(
                "SELECT question, SUM(count), reason, entry FROM questions WHERE day >= ?"
                " GROUP BY question, reason, entry ORDER BY SUM(count) DESC, question",
                (since,),
            ).fetchall()
        )
        return [Asked(q, int(c), r, e) for q, c, r, e in rows]

    async def days(self, days: int) -> list[DayStats]:
        """Answered and unanswered questions per day, oldest first."""
        since = self._since(days)
        rows = await self._db.run(
            lambda db: db.execute(
                "SELECT day, answered, unanswered FROM daily WHERE day >= ? ORDER BY day",
                (since,),
            ).fetchall()
        )
        return [DayStats(dt.date.fromisoformat(d), int(a), int(u)) for d, a, u in rows]

    async def top_entries(self, days: int, limit: int = 10) -> list[tuple[str, int]]:
        """The entries shown most often in the last days."""
        since = self._since(days)
        rows = await self._db.run(
            lambda db: db.execute(
                "SELECT entry, SUM(count) FROM entry_hits WHERE day >= ?"
                " GROUP BY entry ORDER BY SUM(count) DESC, entry LIMIT ?",
                (since, limit),
            ).fetchall()
        )
        return [(str(e), int(c)) for e, c in rows]
