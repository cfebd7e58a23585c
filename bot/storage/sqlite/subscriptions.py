"""The digest's subscriptions in SQLite: chat id, time, the day and article of the last digest;
and when the bot first saw each article published (the digest's order).

Nothing else about the reader is kept. Every write commits before the call returns: the
digest records a chat right after its send and relies on it across restarts.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence

from bot.storage.interface import Subscription
from bot.storage.rows import MARK, later_than, subscription
from bot.storage.sqlite.connection import Connection, in_transaction

_COLUMNS = "chat_id, at, last_day, last_key"


class SQLiteSubscriptions:
    """The SubscriptionStore of the SQLite file, over the file's one connection."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    async def subscribe(self, chat_id: int, at: dt.time, last_key: str) -> None:
        """Start or change a chat's digest; what it has seen so far is not sent again."""
        row = (chat_id, at.strftime("%H:%M"), last_key)
        await self._db.write(
            lambda db: db.execute(
                "INSERT INTO subscriptions (chat_id, at, last_key) VALUES (?, ?, ?)"
                " ON CONFLICT (chat_id) DO UPDATE SET at = excluded.at",
                row,
            )
        )

    async def unsubscribe(self, chat_id: int) -> bool:
        """End a chat's digest and forget the chat; True if it had one."""

        def delete(db: sqlite3.Connection) -> int:
            # What /abo_aus deletes stays deleted even through a power cut: synced to disk.
            db.execute("PRAGMA synchronous=FULL")
            try:
                return in_transaction(
                    db,
                    lambda db: (
                        db.execute(
                            "DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,)
                        ).rowcount
                    ),
                )
            finally:
                db.execute("PRAGMA synchronous=NORMAL")

        return await self._db.run(delete) > 0

    async def get(self, chat_id: int) -> Subscription | None:
        """A chat's subscription, if any."""
        row = await self._db.run(
            lambda db: db.execute(
                f"SELECT {_COLUMNS} FROM subscriptions WHERE chat_id = ?", (chat_id,)
            ).fetchone()
        )
        return subscription(row) if row else None

    async def due(self, now: dt.datetime) -> list[Subscription]:
        """Subscriptions whose time has come today and that have not had today's digest."""
        day, clock = now.date().isoformat(), now.strftime("%H:%M")
        rows = await self._db.run(
            lambda db: db.execute(
                f"SELECT {_COLUMNS} FROM subscriptions"
                " WHERE at <= ? AND last_day < ? ORDER BY at, chat_id",
                (clock, day),
            ).fetchall()
        )
        return [subscription(row) for row in rows]

    async def claim_due(
        self, now: dt.datetime, owner: str, lease: dt.timedelta, limit: int
    ) -> list[Subscription]:
        """Claim up to `limit` due subscriptions nobody holds (or whose lease ended)."""
        day, clock = now.date().isoformat(), now.strftime("%H:%M")
        moment, until = _lease_mark(now), _lease_mark(now + lease)

        def claim(db: sqlite3.Connection) -> list[Subscription]:
            # One write transaction (BEGIN IMMEDIATE): other processes on the file wait.
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM subscriptions WHERE at <= ? AND last_day < ?"
                " AND (claim_until IS NULL OR claim_until <= ?)"
                " ORDER BY at, chat_id LIMIT ?",
                (clock, day, moment, limit),
            ).fetchall()
            db.executemany(
                "UPDATE subscriptions SET claim_owner = ?, claim_until = ? WHERE chat_id = ?",
                [(owner, until, row[0]) for row in rows],
            )
            return [subscription(row) for row in rows]

        return await self._db.write(claim)

    async def release(self, chat_id: int, owner: str) -> None:
        """Give back a claim `owner` holds; another owner's claim stays."""
        await self._db.write(
            lambda db: db.execute(
                "UPDATE subscriptions SET claim_owner = NULL, claim_until = NULL"
                " WHERE chat_id = ? AND claim_owner = ?",
                (chat_id, owner),
            )
        )

    async def mark_sent(self, chat_id: int, day: dt.date, last_key: str) -> None:
        """Record that a chat had its digest today, up to this article; ends its claim."""
        row = (day.isoformat(), last_key, chat_id)
        await self._db.write(
            lambda db: db.execute(
                "UPDATE subscriptions SET last_day = ?, last_key = ?,"
                " claim_owner = NULL, claim_until = NULL WHERE chat_id = ?",
                row,
            )
        )

    async def count(self) -> int:
        """How many chats have a subscription."""
        row = await self._db.run(
            lambda db: db.execute("SELECT COUNT(*) FROM subscriptions").fetchone()
        )
        return int(row[0])

    async def first_seen(
        self, articles: Sequence[tuple[str, dt.date]], now: dt.datetime
    ) -> dict[str, str]:
        """When the bot first saw each article published, recording it for new ones."""
        given = dict(articles)
        return await self._db.write(lambda db: _first_seen(db, given, now))


def _first_seen(
    db: sqlite3.Connection, given: dict[str, dt.date], now: dt.datetime
) -> dict[str, str]:
    """In one transaction: the kept marks, new ones for articles never seen (see interface)."""
    utc = now.astimezone(dt.UTC)
    # The first call after the upgrade (the table is empty): what there is counts as first
    # seen on its date, the order the digest used before, so nothing is sent twice.
    if db.execute("SELECT 1 FROM articles_seen LIMIT 1").fetchone() is None:
        today = utc.date()
        db.executemany(
            "INSERT OR IGNORE INTO articles_seen (article_id, first_seen) VALUES (?, ?)",
            [(article_id, min(day, today).isoformat()) for article_id, day in given.items()],
        )
    marks: dict[str, str] = {}
    ids = list(given)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks.update(
            db.execute(
                "SELECT article_id, first_seen FROM articles_seen WHERE article_id IN"
                f" ({', '.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
        )
    unseen = [article_id for article_id in ids if article_id not in marks]
    if unseen:
        latest = db.execute("SELECT MAX(first_seen) FROM articles_seen").fetchone()[0]
        mark = later_than(latest, utc)
        db.executemany(
            "INSERT INTO articles_seen (article_id, first_seen) VALUES (?, ?)",
            [(article_id, mark) for article_id in unseen],
        )
        marks.update(dict.fromkeys(unseen, mark))
    return marks


def _lease_mark(moment: dt.datetime) -> str:
    """A claim's time as text that sorts in time order (UTC, as the first-seen marks)."""
    return moment.astimezone(dt.UTC).strftime(MARK)
