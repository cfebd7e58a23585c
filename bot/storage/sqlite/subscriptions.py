"""The digest's subscriptions in SQLite: chat id, time, and the day and article of the last digest.

Nothing else about the reader is kept. Every write commits before the call returns: the
digest records a chat right after its send and relies on it across restarts.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from bot.storage.interface import Subscription
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
        return _subscription(row) if row else None

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
        return [_subscription(row) for row in rows]

    async def mark_sent(self, chat_id: int, day: dt.date, last_key: str) -> None:
        """Record that a chat had its digest today, up to this article."""
        row = (day.isoformat(), last_key, chat_id)
        await self._db.write(
            lambda db: db.execute(
                "UPDATE subscriptions SET last_day = ?, last_key = ? WHERE chat_id = ?", row
            )
        )

    async def count(self) -> int:
        """How many chats have a subscription."""
        row = await self._db.run(
            lambda db: db.execute("SELECT COUNT(*) FROM subscriptions").fetchone()
        )
        return int(row[0])


def _subscription(row: tuple[int, str, str, str]) -> Subscription:
    hour, minute = (int(part) for part in row[1].split(":"))
    return Subscription(int(row[0]), dt.time(hour, minute), row[2], row[3])
