"""The test's time: the day the tests live on, the morning the digest tests start at, and one
clock the test sets and moves (monotonic seconds, a date or a datetime alike)."""

from __future__ import annotations

import datetime as dt
from typing import Generic, TypeVar

from bot.schedule import TIMEZONE

TODAY = dt.date(2026, 11, 23)
MORNING = dt.datetime(2026, 11, 24, 7, 16, tzinfo=TIMEZONE)  # a Tuesday, just after 07:15

T = TypeVar("T")


class Clock(Generic[T]):
    """A clock the test moves: calling it tells `now`, which the test sets or adds to."""

    def __init__(self, now: T) -> None:
        self.now = now

    def __call__(self) -> T:
        return self.now
