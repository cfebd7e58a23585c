"""Another connection holding the SQLite file's write lock, as another process's would, for
tests that prove no reader waits for it."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path


@asynccontextmanager
async def write_lock(path: Path, seconds: float) -> AsyncIterator[None]:
    """Another connection to the SQLite file (as another process's would) holds its write lock
    for `seconds` from the moment the block is entered; leaving the block waits for its end."""
    locked = threading.Event()

    def hold() -> None:
        db = sqlite3.connect(path, isolation_level=None)
        try:
            db.execute("BEGIN EXCLUSIVE")
            locked.set()
            time.sleep(seconds)
            db.execute("COMMIT")
        finally:
            locked.set()
            db.close()

    holder = threading.Thread(target=hold, name="write lock holder")
    holder.start()
    await asyncio.to_thread(locked.wait)
    try:
        yield
    finally:
        await asyncio.to_thread(holder.join)
