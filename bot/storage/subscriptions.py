"""Daily digest subscriptions: who wants the news when, and what each chat has had.

A subscription is the chat id (needed to send) and the chosen time, plus what the digest
needs to stay exactly-once across restarts: the day of the last digest and the newest
article it contained. Nothing else about the reader is kept.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Subscription:
    """One chat's digest: when, and what it has had."""

    chat_id: int
    at: dt.time
    last_day: str = ""
    last_key: str = ""


class Subscriptions:
    """The subscriptions table in the bot's SQLite file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        with self._lock:
            # A digest run records every chat right after its send, 10,000 commits a run.
            # With a write-ahead log and synchronous=NORMAL a commit costs no fsync (0.02 ms
            # instead of 1-5 ms of blocking the event loop) and still survives a crash of the
            # process; only a power cut may undo the last commits, which at worst repeats a
            # digest (deletions are synced all the same, see unsubscribe). The mode stays
            # with the file (the store shares it, and works in it too).
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(
                """CREATE TABLE IF NOT EXISTS subscriptions (
                    chat_id INTEGER PRIMARY KEY,
                    at TEXT NOT NULL,
                    last_day TEXT NOT NULL DEFAULT '',
                    last_key TEXT NOT NULL DEFAULT '')"""
            )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
            self._db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('subscriptions_version', ?)",
                (str(SCHEMA_VERSION),),
            )

    def close(self) -> None:
        """Close the database file."""
        self._db.close()

    def subscribe(self, chat_id: int, at: dt.time, last_key: str) -> None:
        """Start or change a chat's digest; what it has seen so far is not sent again."""
        with self._lock:
            self._db.execute(
                "INSERT INTO subscriptions (chat_id, at, last_key) VALUES (?, ?, ?)"
                " ON CONFLICT (chat_id) DO UPDATE SET at = excluded.at",
                (chat_id, at.strftime("%H:%M"), last_key),
            )

    def unsubscribe(self, chat_id: int) -> bool:
        """End a chat's digest and forget the chat; True if it had one."""
        with self._lock:
            # What /abo_aus deletes stays deleted even through a power cut: synced to disk.
            self._db.execute("PRAGMA synchronous=FULL")
            try:
                cursor = self._db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
            finally:
                self._db.execute("PRAGMA synchronous=NORMAL")
        return cursor.rowcount > 0

    def get(self, chat_id: int) -> Subscription | None:
        """A chat's subscription, if any."""
        row = self._db.execute(
            "SELECT chat_id, at, last_day, last_key FROM subscriptions WHERE chat_id = ?",
            (chat_id,),
        ).fetchone()
        return _row(row) if row else None

    def due(self, now: dt.datetime) -> list[Subscription]:
        """Subscriptions whose time has come today and that have not had today's digest."""
        day = now.date().isoformat()
        clock = now.strftime("%H:%M")
        rows = self._db.execute(
            "SELECT chat_id, at, last_day, last_key FROM subscriptions"
            " WHERE at <= ? AND last_day < ? ORDER BY at, chat_id",
            (clock, day),
        ).fetchall()
        return [_row(row) for row in rows]

    def mark_sent(self, chat_id: int, day: dt.date, last_key: str) -> None:
        """Record that a chat had its digest today, up to this article."""
        with self._lock:
            self._db.execute(
                "UPDATE subscriptions SET last_day = ?, last_key = ? WHERE chat_id = ?",
                (day.isoformat(), last_key, chat_id),
            )

    def count(self) -> int:
        """How many chats have a subscription."""
        return int(self._db.execute("SELECT COUNT(*) FROM subscriptions").fetchone()[0])


def _row(row: tuple[int, str, str, str]) -> Subscription:
    hour, minute = (int(part) for part in row[1].split(":"))
    return Subscription(int(row[0]), dt.time(hour, minute), row[2], row[3])
