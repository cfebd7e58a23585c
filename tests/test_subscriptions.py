"""Digest subscriptions: times as readers type them, quiet hours, what is due, what is new."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.digest import article_key, new_articles
from bot.engine import Engine
from bot.schedule import in_quiet_hours, parse_time
from bot.storage.backend import open_database
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
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    opened = await open_database(tmp_path)
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
