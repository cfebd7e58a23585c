"""Digest subscriptions: times as readers type them, quiet hours, what is due, what is new."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from helpers.stores import open_database

from bot.digest_order import article_key, new_articles
from bot.engine import Engine
from bot.schedule import in_quiet_hours, parse_time
from bot.storage.interface import Database


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17:30", dt.time(17, 30)),
        ("7.15", dt.time(7, 15)),
        ("18", dt.time(18, 0)),
        ("18 Uhr", dt.time(18, 0)),
        ("24:00", None),
        ("morgen", None),
        ("12:75", None),
    ],
)
def test_times_as_readers_write_them(text: str, expected: dt.time | None) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [("06:59", True), ("07:00", False), ("19:59", False), ("20:00", True), ("23:30", True)],
)
def test_quiet_hours_span_midnight(moment: str, quiet: bool) -> None:
    assert in_quiet_hours(dt.time.fromisoformat(moment)) is quiet


@pytest.fixture
async def database(tmp_path: Path, backend: str) -> AsyncIterator[Database]:
    """The subscriptions on each backend in turn (PostgreSQL in a schema of the test's own)."""
    opened = await open_database(tmp_path, backend=backend)
    yield opened
    await opened.close()


async def test_due_once_a_day_after_the_chosen_time(database: Database) -> None:
    subs = database.subscriptions
    await subs.subscribe(1, dt.time(7, 15), "")
    await subs.subscribe(2, dt.time(17, 30), "")
    morning = dt.datetime(2026, 11, 24, 7, 16)
    assert [s.chat_id for s in await subs.due(morning)] == [1]
    await subs.mark_sent(1, morning.date(), "k")
    assert await subs.due(morning) == []
    evening = dt.datetime(2026, 11, 24, 18, 0)
    assert [s.chat_id for s in await subs.due(evening)] == [2]
    next_morning = dt.datetime(2026, 11, 25, 7, 15)
    assert [s.chat_id for s in await subs.due(next_morning)] == [1]


async def test_subscriptions_survive_a_restart_and_end_on_request(
    database: Database, tmp_path: Path
) -> None:
    subs = database.subscriptions
    await subs.subscribe(42, dt.time(8, 0), "2023-09-13/a")
    await subs.subscribe(42, dt.time(9, 0), "ignored: the chat keeps what it has seen")
    await database.close()
    restarted = await open_database(tmp_path)
    again = restarted.subscriptions
    try:
        sub = await again.get(42)
        assert sub is not None and (sub.at, sub.last_key) == (dt.time(9, 0), "2023-09-13/a")
        assert await again.unsubscribe(42) is True
        assert await again.get(42) is None and await again.count() == 0
    finally:
        await restarted.close()


def test_only_new_articles_newest_first(sample_engine: Engine) -> None:
    engine = sample_engine
    base = engine.kb.articles[0]
    older = replace(base, id="aelter", date=dt.date(2023, 9, 1))
    newer = replace(base, id="neuer", date=dt.date(2023, 9, 20))
    articles = [older, base, newer]
    assert [a.id for a in new_articles(articles, article_key(base))] == ["neuer"]
    assert [a.id for a in new_articles(articles, "")] == ["neuer", base.id, "aelter"]


# ---- claims: several processes share one digest run (issue 15) -----------------------------

LEASE = dt.timedelta(minutes=5)
MORNING_UTC = dt.datetime(2026, 11, 24, 7, 20, tzinfo=dt.UTC)


async def test_a_claim_takes_each_due_chat_once_and_its_lease_ends(database: Database) -> None:
    subs = database.subscriptions
    for chat_id in range(1, 8):
        await subs.subscribe(chat_id, dt.time(7, 15), "")
    await subs.subscribe(99, dt.time(17, 30), "")  # not due yet
    first = await subs.claim_due(MORNING_UTC, "a", LEASE, 3)
    assert [s.chat_id for s in first] == [1, 2, 3]
    assert [s.chat_id for s in await subs.claim_due(MORNING_UTC, "a", LEASE, 3)] == [4, 5, 6]
    b_time = MORNING_UTC + dt.timedelta(minutes=1)
    assert [s.chat_id for s in await subs.claim_due(b_time, "b", LEASE, 10)] == [7]
    assert await subs.claim_due(b_time, "b", LEASE, 10) == []  # nothing held is taken
    await subs.mark_sent(1, MORNING_UTC.date(), "k")  # ends the claim; no longer due
    await subs.release(2, "b")  # not b's claim: stays a's
    await subs.release(3, "a")  # given back: due again, for anyone
    assert [s.chat_id for s in await subs.claim_due(b_time, "b", LEASE, 10)] == [3]
    later = MORNING_UTC + LEASE  # a's lease over: its claims go to the next claimer
    taken = await subs.claim_due(later, "b", LEASE, 10)
    assert [s.chat_id for s in taken] == [2, 4, 5, 6]
    assert all(s.last_day == "" for s in taken)
    assert [s.chat_id for s in await subs.due(later)] == [2, 3, 4, 5, 6, 7]


async def test_claims_of_processes_at_once_never_overlap(
    database: Database, tmp_path: Path, backend: str
) -> None:
    for chat_id in range(300):
        await database.subscriptions.subscribe(chat_id, dt.time(7, 15), "")
    others = [await open_database(tmp_path, backend=backend) for _ in range(3)]
    try:
        stores = [database.subscriptions, *(other.subscriptions for other in others)]

        async def claim_all(index: int) -> list[int]:
            mine: list[int] = []
            while batch := await stores[index].claim_due(MORNING_UTC, f"p{index}", LEASE, 7):
                mine.extend(s.chat_id for s in batch)
            return mine

        claimed = await asyncio.gather(*(claim_all(i) for i in range(len(stores))))
    finally:
        for other in others:
            await other.close()
    every = [chat_id for mine in claimed for chat_id in mine]
    assert sorted(every) == list(range(300))  # each chat claimed by exactly one process
    assert sum(1 for mine in claimed if mine) >= 2  # and they really ran side by side
