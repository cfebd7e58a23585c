"""The SQLite backend: files of earlier releases migrated without losing a row, one version for
the whole file, and the event loop free while the file is locked by someone else."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import time
from pathlib import Path

import pytest
from helpers.locks import write_lock

from bot.storage.interface import Asked, DayStats, StoreError, Subscription
from bot.storage.sqlite.database import SQLiteDatabase
from bot.storage.sqlite.migrations import SCHEMA_VERSION

DAY = dt.date(2026, 11, 23)

# The layout of the release before the one version scheme: the store and the digest each
# created their tables and kept a version row of their own in `meta`.
EARLIER_STORE = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE questions (day TEXT NOT NULL, reason TEXT NOT NULL, question TEXT NOT NULL,"
    " entry TEXT NOT NULL DEFAULT '', count INTEGER NOT NULL DEFAULT 1,"
    " PRIMARY KEY (day, reason, question, entry))",
    "CREATE TABLE daily (day TEXT PRIMARY KEY, answered INTEGER NOT NULL DEFAULT 0,"
    " unanswered INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE entry_hits (day TEXT NOT NULL, entry TEXT NOT NULL,"
    " count INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (day, entry))",
    "CREATE TABLE feedback (day TEXT NOT NULL, entry TEXT NOT NULL,"
    " up INTEGER NOT NULL DEFAULT 0, down INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (day, entry))",
    "INSERT INTO meta VALUES ('schema_version', '1')",
    "INSERT INTO questions VALUES ('2026-11-23', 'unanswered', 'Was ist Fortnite?', '', 3)",
    "INSERT INTO daily VALUES ('2026-11-23', 5, 3)",
    "INSERT INTO entry_hits VALUES ('2026-11-23', 't:sanktionen', 5)",
    "INSERT INTO feedback VALUES ('2026-11-23', 't:sanktionen', 2, 1)",
]
EARLIER_DIGEST = [
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE subscriptions (chat_id INTEGER PRIMARY KEY, at TEXT NOT NULL,"
    " last_day TEXT NOT NULL DEFAULT '', last_key TEXT NOT NULL DEFAULT '')",
    "INSERT OR REPLACE INTO meta VALUES ('subscriptions_version', '1')",
    "INSERT INTO subscriptions VALUES (42, '07:15', '2026-11-22', '2023-09-13/a')",
]


def earlier_file(path: Path, *statements: list[str]) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        for group in statements:
            for statement in group:
                db.execute(statement)
    db.close()


def meta(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT key, value FROM meta ORDER BY key").fetchall()
    db.close()
    return rows


async def test_a_file_of_the_earlier_layout_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "newsbot.sqlite3"
    earlier_file(path, EARLIER_STORE, EARLIER_DIGEST)
    database = await SQLiteDatabase.open(path, today=lambda: DAY)
    try:
        assert await database.stats.asked(7) == [Asked("Was ist Fortnite?", 3, "unanswered")]
        assert await database.stats.days(7) == [DayStats(DAY, 5, 3)]
        assert await database.stats.top_entries(7) == [("t:sanktionen", 5)]
        subscription = Subscription(42, dt.time(7, 15), "2026-11-22", "2023-09-13/a")
        assert await database.subscriptions.get(42) == subscription
    finally:
        await database.close()
    assert meta(path) == [("schema_version", str(SCHEMA_VERSION))]
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT * FROM feedback").fetchall() == [
            (DAY.isoformat(), "t:sanktionen", 2, 1)
        ]
    db.close()


async def test_a_file_the_digest_alone_wrote_gets_the_statistics_too(tmp_path: Path) -> None:
    path = tmp_path / "newsbot.sqlite3"
    earlier_file(path, EARLIER_DIGEST)
    database = await SQLiteDatabase.open(path, today=lambda: DAY)
    try:
        assert await database.subscriptions.count() == 1
        await database.stats.record_reply(True, "t:sanktionen")
        assert await database.stats.days(7) == [DayStats(DAY, 1, 0)]
    finally:
        await database.close()
    assert meta(path) == [("schema_version", str(SCHEMA_VERSION))]


async def test_a_newer_digest_version_is_refused_and_the_file_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "newsbot.sqlite3"
    earlier_file(path, EARLIER_STORE, EARLIER_DIGEST)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '2' WHERE key = 'subscriptions_version'")
    db.close()
    with pytest.raises(StoreError, match="subscriptions version 2"):
        await SQLiteDatabase.open(path, today=lambda: DAY)
    assert meta(path) == [("schema_version", "1"), ("subscriptions_version", "2")]


async def test_a_closed_database_raises_store_error(tmp_path: Path) -> None:
    database = await SQLiteDatabase.open(tmp_path / "newsbot.sqlite3")
    await database.close()
    await database.close()  # twice is fine
    with pytest.raises(StoreError):
        await database.stats.record_reply(True)
    with pytest.raises(StoreError):
        await database.subscriptions.count()


async def test_the_event_loop_runs_on_while_another_connection_holds_the_lock(
    tmp_path: Path,
) -> None:
    database = await SQLiteDatabase.open(tmp_path / "newsbot.sqlite3", today=lambda: DAY)
    longest_pause = 0.0
    try:
        async with write_lock(database.path, 1.0):
            started = last = time.monotonic()
            write = asyncio.create_task(database.stats.record_reply(True, "t:sanktionen"))
            while not write.done():
                await asyncio.sleep(0.01)
                now = time.monotonic()
                longest_pause, last = max(longest_pause, now - last), now
            await write
            waited = time.monotonic() - started
        assert await database.stats.days(7) == [DayStats(DAY, 1, 0)]
    finally:
        await database.close()
    assert waited >= 0.8  # the write did wait for the lock ...
    assert longest_pause < 0.5  # ... while the loop went on


async def test_a_chat_held_back_by_a_date_in_the_future_is_freed_by_the_upgrade(
    tmp_path: Path,
) -> None:
    """Before version 3 a chat that had an article dated 2031 never got a later one."""
    path = tmp_path / "newsbot.sqlite3"
    stuck = "INSERT INTO subscriptions VALUES (7, '07:15', '2026-11-22', '2031-11-24/tippfehler')"
    earlier_file(path, EARLIER_STORE, EARLIER_DIGEST, [stuck])
    database = await SQLiteDatabase.open(path, today=lambda: DAY)
    try:
        freed = await database.subscriptions.get(7)
        kept = await database.subscriptions.get(42)
    finally:
        await database.close()
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert freed is not None and freed.last_key == f"{today}/~"
    assert kept is not None and kept.last_key == "2023-09-13/a"
