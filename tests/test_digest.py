"""The daily digest without Telegram: what it says, /abo and /abo_aus, and the run with an
injected clock and a list for Telegram."""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from helpers.clock import MORNING, Clock
from helpers.knowledge import article

from bot.digest import Digest, Outcome, article_key, newest_key
from bot.engine import Engine
from bot.models import Article, Reply
from bot.schedule import TIMEZONE, clock_from
from bot.storage.backend import open_database
from bot.storage.interface import Database


def with_articles(engine: Engine, *articles: Article) -> Engine:
    """The engine over the shipped knowledge plus these articles."""
    kb = replace(engine.kb, articles=(*engine.kb.articles, *articles), _by_ref={}, _by_name={})
    return Engine.build(kb, today=MORNING.date())


@pytest.fixture
def fresh(engine: Engine) -> tuple[Engine, Article]:
    """An engine with one article newer than the shipped one."""
    new = article(engine, "neu", dt.date(2026, 11, 23), "Was Neues aus dem Weltall")
    return with_articles(engine, new), new


@dataclass
class Telegram:
    """Records digests and answers each send as told (default: sent)."""

    outcomes: dict[int, Outcome] = field(default_factory=dict)
    sent: list[tuple[int, Reply]] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    before_send: Callable[[int], object] | None = None
    seconds: float = 0.0  # how long Telegram takes to accept a message

    async def send(self, chat_id: int, reply: Reply) -> Outcome:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.seconds)
            if self.before_send is not None:
                done = self.before_send(chat_id)
                if inspect.isawaitable(done):
                    await done
            outcome = self.outcomes.get(chat_id, "sent")
            if outcome == "sent":
                self.sent.append((chat_id, reply))
            return outcome
        finally:
            self.in_flight -= 1

    def chats(self) -> list[int]:
        return sorted(chat_id for chat_id, _ in self.sent)


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    """The bot's database in tmp_path, closed after the test."""
    opened = await open_database(tmp_path)
    yield opened
    await opened.close()


async def subscribed(database: Database, chats: range, at: dt.time, last_key: str) -> Digest:
    for chat_id in chats:
        await database.subscriptions.subscribe(chat_id, at, last_key)
    return Digest(database.subscriptions, clock=Clock(MORNING))


# ---- /abo and /abo_aus -------------------------------------------------------------------------


def labels(reply: Reply) -> list[tuple[str, str]]:
    return [(b.label, b.action) for b in reply.buttons]


async def test_abo_subscribes_at_7_15_and_counts_todays_news_as_seen(
    database: Database, fresh: tuple[Engine, Article]
) -> None:
    engine, new = fresh
    digest = Digest(database.subscriptions)
    reply = await digest.subscribe(engine, 1)
    assert reply.text == engine.kb.texts.text("abo_started", time="07:15")
    assert labels(reply) == [
        ("✓ 07:15", "abo:07:15"),
        ("12:00", "abo:12:00"),
        ("17:30", "abo:17:30"),
        ("Abo beenden", "abo:aus"),
    ]
    subscription = await digest.subscriptions.get(1)
    assert subscription is not None and subscription.at == dt.time(7, 15)
    assert subscription.last_key == article_key(new) == newest_key(engine.kb.articles)
    assert (await digest.subscribe(engine, 1)).text == engine.kb.texts.text(
        "abo_status", time="07:15"
    )


async def test_abo_with_a_time_changes_it_and_the_same_time_shows_the_setting(
    database: Database, engine: Engine
) -> None:
    digest = Digest(database.subscriptions)
    texts = engine.kb.texts
    assert (await digest.subscribe(engine, 1, "17:30")).text == texts.text(
        "abo_started", time="17:30"
    )
    assert (await digest.subscribe(engine, 1, "18 Uhr")).text == texts.text(
        "abo_changed", time="18:00"
    )
    assert (await digest.subscribe(engine, 1, "18:00")).text == texts.text(
        "abo_status", time="18:00"
    )
    assert (await digest.subscribe(engine, 1, "  ")).text == texts.text("abo_status", time="18:00")
    assert await digest.subscriptions.count() == 1


@pytest.mark.parametrize(("text", "key"), [("21:00", "abo_quiet"), ("morgen", "abo_bad_time")])
async def test_abo_refuses_quiet_hours_and_what_is_no_time(
    database: Database, engine: Engine, text: str, key: str
) -> None:
    digest = Digest(database.subscriptions)
    reply = await digest.subscribe(engine, 1, text)
    expected = engine.kb.texts.text(key, time="21:00", start="20:00", end="07:00")
    assert reply.text == expected
    assert [action for _, action in labels(reply)] == ["abo:07:15", "abo:12:00", "abo:17:30"]
    assert await digest.subscriptions.count() == 0


async def test_times_in_configured_quiet_hours_are_not_offered(
    database: Database, engine: Engine
) -> None:
    digest = Digest(database.subscriptions, quiet=(dt.time(18, 0), dt.time(12, 30)))
    reply = await digest.subscribe(engine, 1)  # 07:15 is quiet now
    assert reply.text.startswith("Um 07:15 Uhr schreibe ich dir nicht.")
    assert labels(reply) == [("17:30", "abo:17:30")]


async def test_abo_aus_deletes_the_subscription_and_offers_it_again(
    database: Database, engine: Engine
) -> None:
    digest = Digest(database.subscriptions)
    await digest.subscribe(engine, 1, "12:00")
    reply = await digest.unsubscribe(engine, 1)
    assert reply.text == engine.kb.texts.text("abo_stopped")
    assert labels(reply) == [("Wieder abonnieren", "abo:12:00")]
    assert await digest.subscriptions.get(1) is None
    again = await digest.unsubscribe(engine, 1)
    assert again.text == engine.kb.texts.text("abo_not_subscribed")
    assert labels(again) == [("Wieder abonnieren", "abo:07:15")]


async def test_buttons_do_what_the_commands_do(database: Database, engine: Engine) -> None:
    digest = Digest(database.subscriptions)
    texts = engine.kb.texts
    assert (await digest.press(engine, 1, "abo:")).text == texts.text("abo_none")
    assert (await digest.press(engine, 1, "abo:17:30")).text == texts.text(
        "abo_started", time="17:30"
    )
    assert (await digest.press(engine, 1, "abo:")).text == texts.text("abo_status", time="17:30")
    assert (await digest.press(engine, 1, "abo:aus")).text == texts.text("abo_stopped")
    assert (await digest.press(engine, 1, "abo:quatsch")).text == texts.text("abo_none")
    assert all(len(action.encode()) <= 64 for action in ("abo:", "abo:17:30", "abo:aus"))


# ---- the run -----------------------------------------------------------------------------------


async def test_each_due_chat_gets_one_digest_of_what_is_new(
    database: Database, fresh: tuple[Engine, Article]
) -> None:
    engine, new = fresh
    old = engine.kb.articles[0]
    digest = await subscribed(database, range(1, 51), dt.time(7, 15), article_key(old))
    telegram = Telegram()
    report = await digest.run(lambda: engine, telegram.send)
    assert (report.due, report.sent) == (50, 50)
    assert telegram.chats() == list(range(1, 51))
    for _, reply in telegram.sent:
        assert new.title in reply.text and old.title not in reply.text
    assert (await digest.run(lambda: engine, telegram.send)).due == 0
    assert len(telegram.sent) == 50
    subscription = await digest.subscriptions.get(1)
    assert subscription is not None
    assert (subscription.last_day, subscription.last_key) == ("2026-11-24", article_key(new))


async def test_nothing_new_sends_nothing_and_the_chat_is_done_for_today(
    database: Database, fresh: tuple[Engine, Article]
) -> None:
    engine, new = fresh
    digest = await subscribed(database, range(1, 4), dt.time(7, 15), article_key(new))
    telegram = Telegram()
    report = await digest.run(lambda: engine, telegram.send)
    assert (report.due, report.sent, report.nothing_new) == (3, 0, 3)
    assert telegram.sent == [] and await digest.subscriptions.due(MORNING) == []


async def test_not_before_the_chosen_time(
    database: Database, fresh: tuple[Engine, Article]
) -> None:
    engine, _ = fresh
    digest = await subscribed(database, range(1, 4), dt.time(7, 30), "")
    telegram = Telegram()
    assert (await digest.run(lambda: engine, telegram.send)).due == 0
    digest.clock = Clock(MORNING.replace(minute=30))
    assert (await digest.run(lambda: engine, telegram.send)).sent == 3


async def test_nothing_is_sent_in_quiet_hours_and_due_chats_wait_for_their_end(
    database: Database, fresh: tuple[Engine, Article]
) -> None:
    engine, _ = fresh
    # 06:30: set before the quiet hours were made longer; /abo no longer accepts it.
    digest = await subscribed(database, range(1, 4), dt.time(6, 30), "")
    telegram = Telegram()
    for moment in (dt.time(6, 59, 59), dt.time(0, 0), dt.time(20, 0)):
        digest.clock = Clock(dt.datetime.combine(MORNING.date(), moment, TIMEZONE))
        report = await digest.run(lambda: engine, telegram.send)
        assert report.quiet and telegram.sent == []
    digest.clock = Clock(MORNING.replace(hour=7, minute=0))
    assert (await digest.run(lambda: engine, telegram.send)).sent == 3


async def test_a_run_that_reaches_the_quiet_hours_stops_and_the_rest_stay_due(
    database: Database, fresh: tuple[Engine, Article]
) -> None:
    engine, _ = fresh
    digest = await subscribed(database, range(1, 11), dt.time(19, 0), "")
    clock = Clock(MORNING.replace(hour=19, minute=59, second=57))
    digest.clock, digest.concurrency = clock, 1
    telegram = Telegram()

    def tick(chat_id: int) -> None:
        clock.now += dt.timedelta(seconds=1)

    telegram.before_send = tick
    report = await digest.run(lambda: engine, telegram.send)
    assert report.quiet and report.sent == 3
    assert len(await digest.subscriptions.due(clock.now.replace(hour=23))) == 7


async def test_a_blocked_chat_is_unsubscribed(
    database: Database, fresh: tuple[Engine, Article]
) -> None:
    engine, _ = fresh
    digest = await subscribed(database, range(1, 6), dt.time(7, 15), "")
    telegram = Telegram(outcomes={2: "gone", 4: "gone"})
    report = await digest.run(lambda: engine, telegram.send)
    assert (report.sent, report.gone) == (3, 2)
    assert await digest.subscriptions.get(2) is None and await digest.subscriptions.count() == 3


async def test_a_failed_digest_is_retried_a_few_times_then_comes_tomorrow(
    database: Database, fresh: tuple[Engine, Article]
) -> None:
    engine, _ = fresh
    digest = await subscribed(database, range(1, 3), dt.time(7, 15), "")
    telegram = Telegram(outcomes={2: "failed"})
    for attempt in range(1, 4):
        report = await digest.run(lambda: engine, telegram.send)
        assert report.failed == 1 and len(telegram.sent) == 1
        assert bool(await digest.subscriptions.due(MORNING)) is (attempt < 3)
    failed = await digest.subscriptions.get(2)
    assert failed is not None and failed.last_key == ""  # its articles are still new
    digest.clock = Clock(MORNING + dt.timedelta(days=1))
    del telegram.outcomes[2]
    assert (await digest.run(lambda: engine, telegram.send)).sent == 1
    assert telegram.chats() == [1, 2]


async def test_an_error_while_sending_leaves_the_chat_due(
    database: Database, fresh: tuple[Engine, Article]
) -> None:
    engine, _ = fresh
    digest = await subscribed(database, range(1, 3), dt.time(7, 15), "")

    async def broken(chat_id: int, reply: Reply) -> Outcome:
        raise ValueError("a bug in rendering")

    report = await digest.run(lambda: engine, broken)
    assert report.failed == 2 and len(await digest.subscriptions.due(MORNING)) == 2


async def test_a_stopped_run_goes_on_where_it_stopped_without_repeats(
    database: Database, tmp_path: Path, fresh: tuple[Engine, Article]
) -> None:
    engine, _ = fresh
    digest = await subscribed(database, range(1, 101), dt.time(7, 15), "")
    telegram = Telegram()
    report = await digest.run(lambda: engine, telegram.send, lambda: len(telegram.sent) < 40)
    assert report.interrupted and 40 <= report.sent < 40 + digest.concurrency
    await database.close()
    reopened = await open_database(tmp_path)
    try:
        restarted = Digest(reopened.subscriptions, clock=Clock(MORNING))
        await restarted.run(lambda: engine, telegram.send)
    finally:
        await reopened.close()
    assert telegram.chats() == list(range(1, 101))


async def test_sends_in_flight_are_bounded_and_one_run_at_a_time(
    database: Database, fresh: tuple[Engine, Article]
) -> None:
    engine, _ = fresh
    digest = await subscribed(database, range(1, 101), dt.time(7, 15), "")
    # Sends that take a while, as Telegram's do: the database calls between two sends of a
    # worker run in the database's thread, and an instant send would end before the next began.
    telegram = Telegram(seconds=0.05)
    first = asyncio.create_task(digest.run(lambda: engine, telegram.send))
    await asyncio.sleep(0)
    assert (await digest.run(lambda: engine, telegram.send)).busy
    assert (await first).sent == 100
    assert telegram.most_in_flight == digest.concurrency


async def test_a_chat_that_ends_its_subscription_during_a_run_gets_nothing(
    database: Database, fresh: tuple[Engine, Article]
) -> None:
    engine, _ = fresh
    digest = await subscribed(database, range(1, 21), dt.time(7, 15), "")
    digest.concurrency = 1
    telegram = Telegram()
    telegram.before_send = lambda chat_id: chat_id == 1 and digest.unsubscribe(engine, 20)
    await digest.run(lambda: engine, telegram.send)
    assert telegram.chats() == list(range(1, 20))


def test_the_testing_clock_starts_where_told_and_runs_on() -> None:
    start = dt.datetime(2026, 11, 24, 6, 14, tzinfo=dt.UTC)
    now = clock_from(start)()
    assert now.tzinfo == TIMEZONE and now.hour == 7
    assert dt.timedelta(0) <= now - start < dt.timedelta(seconds=5)
    assert clock_from(None)().tzinfo == TIMEZONE
