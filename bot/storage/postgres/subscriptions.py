"""The digest's subscriptions in PostgreSQL: the same rows as in SQLite, and the claims that let
several processes share one digest run.

Kept: the chat id, the time, the day and article of the last digest, and while a process
sends it, the claim (an owner id of that process, not of a reader) with its lease. Nothing
else about the reader. A claim takes due rows with `FOR UPDATE SKIP LOCKED`: claimers at the
same moment skip each other's rows instead of waiting, and a claim whose lease ended (its
process died) is taken by the next claimer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.storage.interface import Subscription
from bot.storage.postgres.connection import Conn, Pool
from bot.storage.rows import later_than, subscription

_COLUMNS = "chat_id, at, last_day, last_key"
_CHUNK = 1000


class PostgresSubscriptions:
    """The SubscriptionStore in PostgreSQL, over the process's pool."""

    def __init__(self, pool: Pool) -> None:
        self._db = pool

    async def subscribe(self, chat_id: int, at: dt.time, last_key: str) -> None:
        """Start or change a chat's digest; what it has seen so far is not sent again."""

        async def write(conn: Conn) -> None:
            await conn.execute(
                "INSERT INTO subscriptions (chat_id, at, last_key) VALUES (%s, %s, %s)"
                " ON CONFLICT (chat_id) DO UPDATE SET at = excluded.at",
                (chat_id, at.strftime("%H:%M"), last_key),
            )

        await self._db.run(write)

    async def unsubscribe(self, chat_id: int) -> bool:
        """End a chat's digest and forget the chat; True if it had one."""

        async def delete(conn: Conn) -> int:
            cursor = await conn.execute("DELETE FROM subscriptions WHERE chat_id = %s", (chat_id,))
            return cursor.rowcount

        return await self._db.run(delete) > 0

    async def get(self, chat_id: int) -> Subscription | None:
        """A chat's subscription, if any."""

        async def read(conn: Conn) -> tuple[object, ...] | None:
            cursor = await conn.execute(
                f"SELECT {_COLUMNS} FROM subscriptions WHERE chat_id = %s", (chat_id,)
            )
            return await cursor.fetchone()

        row = await self._db.run(read)
        return subscription(row) if row else None

    async def due(self, now: dt.datetime) -> list[Subscription]:
        """Subscriptions whose time has come today and that have not had today's digest."""
        day, clock = now.date().isoformat(), now.strftime("%H:%M")

        async def read(conn: Conn) -> list[tuple[object, ...]]:
            cursor = await conn.execute(
                f"SELECT {_COLUMNS} FROM subscriptions"
                " WHERE at <= %s AND last_day < %s ORDER BY at, chat_id",
                (clock, day),
            )
            return await cursor.fetchall()

        return [subscription(row) for row in await self._db.run(read)]

    async def claim_due(
        self, now: dt.datetime, owner: str, lease: dt.timedelta, limit: int
    ) -> list[Subscription]:
        """Claim up to `limit` due subscriptions nobody holds (or whose lease ended)."""
        day, clock = now.date().isoformat(), now.strftime("%H:%M")

        async def claim(conn: Conn) -> list[tuple[object, ...]]:
            cursor = await conn.execute(
                "UPDATE subscriptions SET claim_owner = %s, claim_until = %s"
                " WHERE chat_id IN (SELECT chat_id FROM subscriptions"
                "   WHERE at <= %s AND last_day < %s"
                "   AND (claim_until IS NULL OR claim_until <= %s)"
                "   ORDER BY at, chat_id LIMIT %s FOR UPDATE SKIP LOCKED)"
                f" RETURNING {_COLUMNS}",
                (owner, now + lease, clock, day, now, limit),
            )
            return await cursor.fetchall()

        claimed = [subscription(row) for row in await self._db.run(claim)]
        return sorted(claimed, key=lambda s: (s.at, s.chat_id))

    async def release(self, chat_id: int, owner: str) -> None:
        """Give back a claim `owner` holds; another owner's claim stays."""

        async def write(conn: Conn) -> None:
            await conn.execute(
                "UPDATE subscriptions SET claim_owner = NULL, claim_until = NULL"
                " WHERE chat_id = %s AND claim_owner = %s",
                (chat_id, owner),
            )

        await self._db.run(write)

    async def mark_sent(self, chat_id: int, day: dt.date, last_key: str) -> None:
        """Record that a chat had its digest today, up to this article; ends its claim."""

        async def write(conn: Conn) -> None:
            await conn.execute(
                "UPDATE subscriptions SET last_day = %s, last_key = %s,"
                " claim_owner = NULL, claim_until = NULL WHERE chat_id = %s",
                (day.isoformat(), last_key, chat_id),
            )

        await self._db.run(write)

    async def count(self) -> int:
        """How many chats have a subscription."""

        async def read(conn: Conn) -> tuple[object, ...] | None:
            return await (await conn.execute("SELECT COUNT(*) FROM subscriptions")).fetchone()

        row = await self._db.run(read)
        return int(str(row[0])) if row else 0

    async def first_seen(
        self, articles: Sequence[tuple[str, dt.date]], now: dt.datetime
    ) -> dict[str, str]:
        """When the bot first saw each article published, recording it for new ones."""
        given = dict(articles)

        async def marks(conn: Conn) -> dict[str, str]:
            return await _first_seen(conn, given, now)

        return await self._db.write(marks)


async def _first_seen(conn: Conn, given: dict[str, dt.date], now: dt.datetime) -> dict[str, str]:
    """In one transaction: the kept marks, new ones for articles never seen (see interface).

    The table is locked against other writers for the transaction: two replicas seeing a
    new article at once must agree on one mark, later than every mark kept.
    """
    await conn.execute("LOCK TABLE articles_seen IN SHARE ROW EXCLUSIVE MODE")
    utc = now.astimezone(dt.UTC)
    empty = await (await conn.execute("SELECT 1 FROM articles_seen LIMIT 1")).fetchone()
    if empty is None:
        today = utc.date()
        async with conn.cursor() as cursor:
            await cursor.executemany(
                "INSERT INTO articles_seen (article_id, first_seen) VALUES (%s, %s)"
                " ON CONFLICT DO NOTHING",
                [(article_id, min(day, today).isoformat()) for article_id, day in given.items()],
            )
    marks: dict[str, str] = {}
    ids = list(given)
    for start in range(0, len(ids), _CHUNK):
        cursor = await conn.execute(
            "SELECT article_id, first_seen FROM articles_seen WHERE article_id = ANY(%s)",
            (ids[start : start + _CHUNK],),
        )
        marks.update((str(a), str(m)) for a, m in await cursor.fetchall())
    unseen = [article_id for article_id in ids if article_id not in marks]
    if unseen:
        row = await (await conn.execute("SELECT MAX(first_seen) FROM articles_seen")).fetchone()
        latest = str(row[0]) if row and row[0] is not None else None
        mark = later_than(latest, utc)
        async with conn.cursor() as cursor:
            await cursor.executemany(
                "INSERT INTO articles_seen (article_id, first_seen) VALUES (%s, %s)",
                [(article_id, mark) for article_id in unseen],
            )
        marks.update(dict.fromkeys(unseen, mark))
    return marks
