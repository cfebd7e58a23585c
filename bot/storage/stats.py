"""What readers ask that we cannot answer yet, kept in SQLite without personal data.

Stored: the question with numbers, e-mail addresses, phone numbers, @handles and URLs
removed, the day, a count, and for feedback the entry it was about; plus per-day counts of
answered questions and of the entries shown. Never stored: user or chat ids, names,
usernames, the full message. Rows older than the retention period are deleted.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

SCHEMA_VERSION = 1
DEFAULT_RETENTION_DAYS = 90
MAX_QUESTION_CHARS = 200

Reason = Literal["unanswered", "nothing", "thumbs_down"]

_SCRUBBERS = [
    re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE),
    re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),
    re.compile(r"(?<!\w)@\w+"),
    re.compile(r"\+?\d[\d\s/().-]{5,}\d"),
    re.compile(r"\d+"),
]
_SPACES = re.compile(r"\s+")

_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS questions (
        day TEXT NOT NULL,
        reason TEXT NOT NULL,
        question TEXT NOT NULL,
        entry TEXT NOT NULL DEFAULT '',
        count INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (day, reason, question, entry))""",
    """CREATE TABLE IF NOT EXISTS daily (
        day TEXT PRIMARY KEY,
        answered INTEGER NOT NULL DEFAULT 0,
        unanswered INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE IF NOT EXISTS entry_hits (
        day TEXT NOT NULL,
        entry TEXT NOT NULL,
        count INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, entry))""",
    """CREATE TABLE IF NOT EXISTS feedback (
        day TEXT NOT NULL,
        entry TEXT NOT NULL,
        up INTEGER NOT NULL DEFAULT 0,
        down INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, entry))""",
]


def scrub(question: str) -> str:
    """The question without anything that could identify a reader (numbers, handles, ...)."""
    text = question
    for pattern in _SCRUBBERS:
        text = pattern.sub(" ", text)
    text = "".join(ch for ch in text if ch.isprintable())
    return _SPACES.sub(" ", text).strip()[:MAX_QUESTION_CHARS]


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


class StoreError(Exception):
    """The database cannot be used (for example a newer schema version)."""


class Store:
    """The SQLite file NEWSBOT_DATA_DIR/newsbot.sqlite3, created on first use."""

    def __init__(
        self,
        path: Path,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self.path = path
        self.retention_days = retention_days
        self.today = today
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._migrate()
        self.purge()

    @classmethod
    def in_dir(cls, data_dir: Path, retention_days: int = DEFAULT_RETENTION_DAYS) -> Store:
        """The store in a data directory."""
        return cls(data_dir / "newsbot.sqlite3", retention_days)

    def close(self) -> None:
        """Close the database file."""
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _migrate(self) -> None:
        with self._transaction() as db:
            for statement in _SCHEMA:
                db.execute(statement)
            row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} has schema version {version}, newer than {SCHEMA_VERSION}"
                )
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )

    def _day(self) -> str:
        return self.today().isoformat()

    def record_question(self, question: str, reason: Reason, entry: str = "") -> None:
        """Count a question we could not answer well (cleaned, without who asked it)."""
        cleaned = scrub(question)
        if not cleaned:
            return
        with self._transaction() as db:
            db.execute(
                "INSERT INTO questions (day, reason, question, entry) VALUES (?, ?, ?, ?)"
                " ON CONFLICT DO UPDATE SET count = count + 1",
                (self._day(), reason, cleaned, entry),
            )

    def record_reply(self, answered: bool, entry: str | None = None) -> None:
        """Count one reply for the statistics: answered or not, and which entry it showed."""
        column = "answered" if answered else "unanswered"
        with self._transaction() as db:
            db.execute(
                f"INSERT INTO daily (day, {column}) VALUES (?, 1)"
                f" ON CONFLICT DO UPDATE SET {column} = {column} + 1",
                (self._day(),),
            )
            if entry:
                db.execute(
                    "INSERT INTO entry_hits (day, entry, count) VALUES (?, ?, 1)"
                    " ON CONFLICT DO UPDATE SET count = count + 1",
                    (self._day(), entry),
                )

    def record_feedback(self, entry: str, helpful: bool, question: str | None = None) -> None:
        """Count a 👍 or 👎 for an entry; a 👎 keeps the cleaned question for the report."""
        column = "up" if helpful else "down"
        with self._transaction() as db:
            db.execute(
                f"INSERT INTO feedback (day, entry, {column}) VALUES (?, ?, 1)"
                f" ON CONFLICT DO UPDATE SET {column} = {column} + 1",
                (self._day(), entry),
            )
        if not helpful and question:
            self.record_question(question, "thumbs_down", entry)

    def purge(self) -> int:
        """Delete everything older than the retention period; return the rows deleted."""
        cutoff = (self.today() - dt.timedelta(days=self.retention_days)).isoformat()
        deleted = 0
        with self._transaction() as db:
            for table in ("questions", "daily", "entry_hits", "feedback"):
                deleted += db.execute(f"DELETE FROM {table} WHERE day < ?", (cutoff,)).rowcount
        return deleted

    def _since(self, days: int) -> str:
        return (self.today() - dt.timedelta(days=max(days, 1) - 1)).isoformat()

    def asked(self, days: int) -> list[Asked]:
        """The questions of the last days, most asked first."""
        rows = self._db.execute(
            "SELECT question, SUM(count), reason, entry FROM questions WHERE day >= ?"
            " GROUP BY question, reason, entry ORDER BY SUM(count) DESC, question",
            (self._since(days),),
        ).fetchall()
        return [Asked(q, int(c), r, e) for q, c, r, e in rows]

    def days(self, days: int) -> list[DayStats]:
        """Answered and unanswered questions per day, oldest first."""
        rows = self._db.execute(
            "SELECT day, answered, unanswered FROM daily WHERE day >= ? ORDER BY day",
            (self._since(days),),
        ).fetchall()
        return [DayStats(dt.date.fromisoformat(d), int(a), int(u)) for d, a, u in rows]

    def top_entries(self, days: int, limit: int = 10) -> list[tuple[str, int]]:
        """The entries shown most often in the last days."""
        rows = self._db.execute(
            "SELECT entry, SUM(count) FROM entry_hits WHERE day >= ?"
            " GROUP BY entry ORDER BY SUM(count) DESC, entry LIMIT ?",
            (self._since(days), limit),
        ).fetchall()
        return [(str(e), int(c)) for e, c in rows]
