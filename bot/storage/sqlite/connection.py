"""One sqlite3 connection owned by one thread: every call runs there, never on the event loop.

Calls are queued and run one after another in that thread, so a transaction never interleaves
with another and needs no lock, and a slow disk or a lock held by another process (waited
for up to BUSY_TIMEOUT) holds up only the calls behind it, never the event loop.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from bot.storage.interface import StoreError

BUSY_TIMEOUT = 5.0  # seconds a call waits for a lock another connection holds

T = TypeVar("T")
Work = Callable[[sqlite3.Connection], T]


def in_transaction(db: sqlite3.Connection, work: Work[T]) -> T:
    """Run work in one write transaction: committed if it returns, rolled back if it raises."""
    db.execute("BEGIN IMMEDIATE")
    try:
        result = work(db)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return result


class Connection:
    """The file's one connection, opened in its thread on the first call."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsbot-sqlite")
        self._db: sqlite3.Connection | None = None
        self._closed = False

    async def run(self, work: Work[T]) -> T:
        """Run work with the connection in its thread; each statement commits on its own."""
        if self._closed:
            raise StoreError(f"{self.path} is closed")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._call, work)

    async def write(self, work: Work[T]) -> T:
        """Run work in one transaction in the connection's thread."""
        return await self.run(lambda db: in_transaction(db, work))

    async def close(self) -> None:
        """Let the calls already queued finish, then close; later calls raise StoreError."""
        if self._closed:
            return
        self._closed = True
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._executor, self._close)
        finally:
            self._executor.shutdown(wait=False)

    def _call(self, work: Work[T]) -> T:
        """In the thread: the work, with the driver's and the file system's errors as StoreError."""
        try:
            if self._db is None:
                self._db = _connect(self.path)
            return work(self._db)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(str(exc)) from exc

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    try:
        # The digest records every chat right after its send, 10,000 commits a run. With a
        # write-ahead log and synchronous=NORMAL a commit costs no fsync and still survives
        # a crash of the process; only a power cut may undo the last commits, which at worst
        # repeats a digest (deletions are synced all the same, see unsubscribe). Readers of
        # the file (newsbot report, a backup) never wait for the bot's writes.
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    except BaseException:
        db.close()
        raise
    return db
