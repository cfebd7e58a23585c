"""What the SQLite and the PostgreSQL backends do alike around their SQL: the day counts are
kept under, the cleaned question row, the subscription a row holds, and the first-seen mark
of an article. Each backend keeps only its SQL and its way to the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Generic, TypeVar

from bot.storage.interface import DEFAULT_RETENTION_DAYS, Reason, Subscription
from bot.storage.scrub import scrub

DB = TypeVar("DB")

STATS_TABLES = ("questions", "daily", "entry_hits", "feedback")  # what the stats keep
MARK = "%Y-%m-%dT%H:%M:%S.%fZ"  # a first-seen time in UTC; sorts as text in time order


class StatsDays(Generic[DB]):
    """The part of a StatsStore that does not depend on the database: its days and rows."""

    def __init__(
        self,
        db: DB,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self.retention_days = retention_days
        self._db = db
        self._today = today

    def today(self) -> dt.date:
        """The day records are counted under."""
        return self._today()

    def _day(self) -> str:
        return self.today().isoformat()

    def _since(self, days: int) -> str:
        return (self.today() - dt.timedelta(days=max(days, 1) - 1)).isoformat()

    async def record_question(self, question: str, reason: Reason, entry: str = "") -> None:
        """Count a question we could not answer well (cleaned, without who asked it)."""
        cleaned = scrub(question)
        if cleaned:
            await self._count_question((self._day(), reason, cleaned, entry))

    async def _count_question(self, row: tuple[str, str, str, str]) -> None:
        """Add one to the count of the question row (day, reason, question, entry)."""
        raise NotImplementedError


def subscription(row: tuple[object, ...]) -> Subscription:
    """The subscription of a row (chat_id, at, last_day, last_key), from either database."""
    hour, minute = (int(part) for part in str(row[1]).split(":"))
    return Subscription(int(str(row[0])), dt.time(hour, minute), str(row[2]), str(row[3]))


def later_than(latest: str | None, now: dt.datetime) -> str:
    """`now` as a mark, or just after the latest mark kept when the clock is behind it."""
    mark = now.strftime(MARK)
    if latest is None or mark > latest:
        return mark
    if len(latest) == len("2026-11-24"):  # a date from the upgrade: the first moment after it
        return f"{latest}T00:00:00.000000Z"
    after = dt.datetime.strptime(latest, MARK) + dt.timedelta(microseconds=1)
    return after.strftime(MARK)
