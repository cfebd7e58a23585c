"""What every storage backend offers (SQLite, PostgreSQL): records and async Protocols.

The bot calls only these; a backend keeps its SQL to itself. Every method may be awaited from
the event loop: a backend does its work elsewhere (a thread, or an async driver) and never
holds the loop while the database is slow or locked. A database that cannot be used raises
StoreError, whatever the driver's own exception was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

DEFAULT_RETENTION_DAYS = 90

Reason = Literal["unanswered", "nothing", "thumbs_down"]


class StoreError(Exception):
    """The database cannot be used: a newer schema version, a locked or broken file, closed."""


@dataclass(frozen=True)
class Asked:
    """A cleaned question and how often it was asked in the period."""

    question: str
    count: int
    reason: str
    entry: str = ""


@dataclass(frozen=True)
class DayStats:
    """How one day went: questions answered and not."""

    day: dt.date
    answered: int
    unanswered: int


@dataclass(frozen=True)
class Subscription:
    """One chat's digest: when, and what it has had."""

    chat_id: int
    at: dt.time
    last_day: str = ""
    last_key: str = ""


class StatsStore(Protocol):
    """Daily counts, questions without an answer and feedback, kept without personal data.

    A backend cleans every question with bot.storage.scrub before it keeps it, and deletes
    what is older than the retention period when opened and on purge().
    """

    @property
    def retention_days(self) -> int:
        """How many days the records are kept."""
        ...

    def today(self) -> dt.date:
        """The day records are counted under (a test may fix it)."""
        ...

    async def record_question(self, question: str, reason: Reason, entry: str = "") -> None:
        """Count a question we could not answer well (cleaned, without who asked it)."""
        ...

    async def record_reply(self, answered: bool, entry: str | None = None) -> None:
        """Count one reply for the statistics: answered or not, and which entry it showed."""
        ...

    async def record_feedback(self, entry: str, helpful: bool, question: str | None = None) -> None:
        """Count a 👍 or 👎 for an entry; a 👎 keeps the cleaned question for the report."""
        ...

    async def purge(self) -> int:
        """Delete everything older than the retention period; return the rows deleted."""
        ...

    async def asked(self, days: int) -> list[Asked]:
        """The questions of the last days, most asked first."""
        ...

    async def days(self, days: int) -> list[DayStats]:
        """Answered and unanswered questions per day, oldest first."""
        ...

    async def top_entries(self, days: int, limit: int = 10) -> list[tuple[str, int]]:
        """The entries shown most often in the last days."""
        ...


class SubscriptionStore(Protocol):
    """The digest's subscriptions: the chat id, the time, and what the chat has had.

    Each write is durable when the call returns: the digest records a chat right after its
    send, and relies on that to be exactly-once across restarts.
    """

    async def subscribe(self, chat_id: int, at: dt.time, last_key: str) -> None:
        """Start or change a chat's digest; what it has seen so far is not sent again."""
        ...

    async def unsubscribe(self, chat_id: int) -> bool:
        """End a chat's digest and forget the chat; True if it had one."""
        ...

    async def get(self, chat_id: int) -> Subscription | None:
        """A chat's subscription, if any."""
        ...

    async def due(self, now: dt.datetime) -> list[Subscription]:
        """Subscriptions whose time has come today and that have not had today's digest."""
        ...

    async def claim_due(
        self, now: dt.datetime, owner: str, lease: dt.timedelta, limit: int
    ) -> list[Subscription]:
        """Claim up to `limit` due subscriptions for `owner` (one digest run of one process)
        until `now + lease`; the claimed ones, in the order of due().

        Only subscriptions nobody holds are claimed, or whose claim's lease ended before
        `now` (its owner died or hung), never those another owner holds, nor those the same
        owner holds already. Claims of several processes at once never overlap: each due
        subscription goes to one claimer. mark_sent() and unsubscribe() end a claim,
        release() gives it back.
        """
        ...

    async def release(self, chat_id: int, owner: str) -> None:
        """Give back a claim `owner` holds (it did not send); another owner's claim stays."""
        ...

    async def mark_sent(self, chat_id: int, day: dt.date, last_key: str) -> None:
        """Record that a chat had its digest today, up to this article; ends its claim."""
        ...

    async def count(self) -> int:
        """How many chats have a subscription."""
        ...

    async def first_seen(
        self, articles: Sequence[tuple[str, dt.date]], now: dt.datetime
    ) -> dict[str, str]:
        """When the bot first saw each article (id, date) published, recording it for new ones.

        The digest orders articles by these marks, whatever their `date`: a backdated article
        is sent once, a date in the future holds back nothing. A mark is text that sorts in
        time order: an article never seen before gets `now` (UTC, ISO 8601 with microseconds,
        e.g. 2026-11-24T06:15:00.000000Z), and always later than every mark already kept, so
        that no chat that has had a later article misses it. A call that finds no mark kept
        at all (the first after an upgrade) counts every article as first seen on its date
        (YYYY-MM-DD, at most today), the order the digest used before, so that an upgrade
        sends nothing twice. Durable when the call returns, like every write here.
        """
        ...


class Database(Protocol):
    """One process's database: the statistics and the subscriptions over one connection."""

    @property
    def stats(self) -> StatsStore:
        """The statistics, open questions and feedback."""
        ...

    @property
    def subscriptions(self) -> SubscriptionStore:
        """The digest's subscriptions."""
        ...

    async def close(self) -> None:
        """Finish the calls already made, then close; later calls raise StoreError."""
        ...
