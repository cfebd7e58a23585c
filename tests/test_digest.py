"""The daily digest without Telegram: what it says, /abo and /abo_aus, and the run with an
injected clock and a list for Telegram."""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from helpers.clock import MORNING, Clock
from helpers.knowledge import article
from helpers.stores import open_database

from bot.digest import Digest, Outcome
from bot.digest_order import article_key, newest_key
from bot.engine import Engine
from bot.models import Article, Reply
from bot.schedule import TIMEZONE, clock_from
from bot.storage.interface import Database, StoreError, Subscription, SubscriptionStore


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
async def database(tmp_path: Path, backend: str) -> AsyncIterator[Database]:
    """The bot's database in tmp_path on each backend in turn, closed after the test."""
    opened = await open_database(tmp_path, backend=backend)
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
    assert labels(again) == []  # nothing to subscribe "again"


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


class FullDisk:
    """Subscriptions whose writes fail while `full` is set, as on a full disk (reads work)."""

    def __init__(self, store: SubscriptionStore, writes_before_full: int) -> None:
        self.store = store
        self.writes_left = writes_before_full
        self.full = False

    def _write(self) -> None:
        if self.writes_left <= 0:
            self.full = True
        if self.full:
            raise StoreError("database or disk is full")
        self.writes_left -= 1

    async def subscribe(self, chat_id: int, at: dt.time, last_key: str) -> None:
        self._write()
        await self.store.subscribe(chat_id, at, last_key)

    async def unsubscribe(self, chat_id: int) -> bool:
        self._write()
        return await self.store.unsubscribe(chat_id)

    async def get(self, chat_id: int) -> Subscription | None:
        return await self.store.get(chat_id)

    async def due(self, now: dt.datetime) -> list[Subscription]:
        return await self.store.due(now)

    async def claim_due(
        self, now: dt.datetime, owner: str, lease: dt.timedelta, limit: int
    ) -> list[Subscription]:
        self._write()
        return await self.store.claim_due(now, owner, lease, limit)

    async def release(self, chat_id: int, owner: str) -> None:
        self._write()
        await self.store.release(chat_id, owner)

    async def first_seen(
        self, articles: Sequence[tuple[str, dt.date]], now: dt.datetime
    ) -> dict[str, str]:
        self._write()
        return await self.store.first_seen(articles, now)

    async def mark_sent(self, chat_id: int, day: dt.date, last_key: str) -> None:
        self._write()
        await self.store.mark_sent(chat_id, day, last_key)

    async def count(self) -> int:
        return await self.store.count()


@pytest.mark.parametrize("gone", [(), (3, 5, 7)])
async def test_a_full_disk_stops_the_run_and_no_digest_is_sent_twice(
    database: Database,
    fresh: tuple[Engine, Article],
    caplog: pytest.LogCaptureFixture,
    gone: tuple[int, ...],
) -> None:
    engine, _ = fresh
    await subscribed(database, range(1, 41), dt.time(7, 15), "")
    disk = FullDisk(database.subscriptions, writes_before_full=4)
    digest = Digest(disk, clock=Clock(MORNING))
    telegram = Telegram(seconds=0.01, outcomes=dict.fromkeys(gone, "gone"))
    first = await digest.run(lambda: engine, telegram.send)  # raised and ended the run before
    assert first.store_failed and first.stopped
    assert len(telegram.sent) < 4 + digest.concurrency  # the run stopped at the first error
    for _ in range(3):  # the disk stays full: every check, nothing is sent
        before = len(telegram.sent)
        assert (await digest.run(lambda: engine, telegram.send)).store_failed
        assert len(telegram.sent) == before
    disk.full, disk.writes_left = False, 10**6  # space again: the rest, and no one twice
    assert not (await digest.run(lambda: engine, telegram.send)).stopped
    assert telegram.chats() == [chat for chat in range(1, 41) if chat not in gone]
    assert await database.subscriptions.due(MORNING) == []
    assert await database.subscriptions.count() == 40 - len(gone)
    assert caplog.text.count("the database cannot be written") == 1
    assert caplog.text.count("the database can be written again") == 1


def test_the_testing_clock_starts_where_told_and_runs_on() -> None:
    start = dt.datetime(2026, 11, 24, 6, 14, tzinfo=dt.UTC)
    now = clock_from(start)()
    assert now.tzinfo == TIMEZONE and now.hour == 7
    assert dt.timedelta(0) <= now - start < dt.timedelta(seconds=5)
    assert clock_from(None)().tzinfo == TIMEZONE


# ---- the order: when the bot first saw an article, not its date (issue 13) ---------------------


async def test_a_backdated_article_is_sent_once(
    database: Database, fresh: tuple[Engine, Article]
) -> None:
    """Ordered by `date`, an article dated before a chat's last one was never sent."""
    engine, new = fresh
    digest = await subscribed(database, range(1, 4), dt.time(7, 15), "")
    telegram = Telegram()
    await digest.run(lambda: engine, telegram.send)
    assert len(telegram.sent) == 3
    late = article(engine, "nachgetragen", dt.date(2026, 11, 2), "Nachgetragen: eine alte Meldung")
    later = with_articles(engine, new, late)
    digest.clock = Clock(MORNING + dt.timedelta(days=1))
    await digest.run(lambda: later, telegram.send)
    assert [reply.text.count(late.title) for _, reply in telegram.sent[3:]] == [1, 1, 1]
    assert all(new.title not in reply.text for _, reply in telegram.sent[3:])
    digest.clock = Clock(MORNING + dt.timedelta(days=2))
    assert (await digest.run(lambda: later, telegram.send)).sent == 0


async def test_a_date_in_the_future_holds_back_no_later_article(
    database: Database, fresh: tuple[Engine, Article]
) -> None:
    """A typo such as 2031 made that article the newest for good: nothing after it was sent."""
    engine, _ = fresh
    typo = article(engine, "tippfehler", dt.date(2031, 11, 24), "Ein Tippfehler im Datum")
    with_typo = with_articles(engine, typo)
    digest = await subscribed(database, range(1, 3), dt.time(7, 15), "")
    telegram = Telegram()
    await digest.run(lambda: with_typo, telegram.send)
    following = article(engine, "danach", dt.date(2026, 11, 25), "Was danach kam")
    later = with_articles(engine, typo, following)
    digest.clock = Clock(MORNING + dt.timedelta(days=1))
    await digest.run(lambda: later, telegram.send)
    assert [following.title in reply.text for _, reply in telegram.sent[2:]] == [True, True]
    assert all(typo.title not in reply.text for _, reply in telegram.sent[2:])


async def test_the_first_seen_time_survives_a_restart(
    database: Database, tmp_path: Path, fresh: tuple[Engine, Article]
) -> None:
    _, new = fresh
    marks = await database.subscriptions.first_seen([("a", dt.date(2026, 1, 1))], MORNING)
    assert marks == {"a": "2026-01-01"}  # the first call: what there is counts by its date
    seen = await database.subscriptions.first_seen(
        [("a", dt.date(2026, 1, 1)), ("b", new.date)], MORNING
    )
    assert seen == {"a": "2026-01-01", "b": "2026-11-24T06:16:00.000000Z"}
    await database.close()
    reopened = await open_database(tmp_path)
    try:
        earlier = MORNING - dt.timedelta(hours=1)  # a clock that went back: still later marks
        again = await reopened.subscriptions.first_seen(
            [("a", dt.date(2026, 1, 1)), ("b", new.date), ("c", new.date)], earlier
        )
    finally:
        await reopened.close()
    assert again == {**seen, "c": "2026-11-24T06:16:00.000001Z"}


async def test_a_new_subscriber_counts_what_the_bot_has_seen_as_seen(
    database: Database, fresh: tuple[Engine, Article]
) -> None:
    engine, new = fresh
    digest = Digest(database.subscriptions, clock=Clock(MORNING))
    await digest.subscribe(engine, 1)
    late = article(engine, "spaet", dt.date(2020, 1, 1), "Spät gesehen, früh datiert")
    digest.clock = Clock(MORNING + dt.timedelta(days=1))
    telegram = Telegram()
    await digest.run(lambda: with_articles(engine, new, late), telegram.send)
    assert [
        late.title in reply.text and new.title not in reply.text for _, reply in telegram.sent
    ] == [True]


# ---- several processes run the digest over one database (issue 15) -----------------------------


async def test_two_processes_and_one_killed_each_subscriber_gets_exactly_one_digest(
    database: Database, fresh: tuple[Engine, Article], tmp_path: Path, backend: str
) -> None:
    """Two digests over one database (on PostgreSQL: two pools, as two replicas), 1,000
    subscribers; the first is frozen after 300 sends and then killed (cancelled) holding its
    claims; the second sends the rest, and what the first held once its lease has ended."""
    engine, _ = fresh
    chats = range(1, 1001)
    await subscribed(database, chats, dt.time(7, 15), "")
    other = await open_database(tmp_path, backend=backend)
    lease = dt.timedelta(minutes=5)
    clock = Clock(MORNING)
    doomed = Digest(database.subscriptions, clock=clock, lease=lease)
    survivor = Digest(other.subscriptions, clock=clock, lease=lease)
    assert doomed.claims.owner != survivor.claims.owner
    delivered: list[int] = []
    frozen = asyncio.Event()

    async def doomed_send(chat_id: int, reply: Reply) -> Outcome:
        if len(delivered) >= 300:  # the process hangs here, before this message goes out
            frozen.set()
            await asyncio.Event().wait()
        delivered.append(chat_id)
        await asyncio.sleep(0)
        return "sent"

    async def survivor_send(chat_id: int, reply: Reply) -> Outcome:
        delivered.append(chat_id)
        await asyncio.sleep(0)
        return "sent"

    try:
        killed = asyncio.create_task(doomed.run(lambda: engine, doomed_send))
        await frozen.wait()
        during = await survivor.run(lambda: engine, survivor_send)
        killed.cancel()  # SIGKILL: nothing given back, nothing recorded after this
        with pytest.raises(asyncio.CancelledError):
            await killed
        held = len(doomed.claims.held)
        assert held > 0 and during.sent == 1000 - 300 - held
        assert len(await other.subscriptions.due(MORNING)) == held  # due, but claimed
        again = await survivor.run(lambda: engine, survivor_send)  # within the lease
        assert again.due == 0
        clock.now += lease  # the killed process's lease ends: its chats are the survivor's
        after = await survivor.run(lambda: engine, survivor_send)
        assert after.sent == held
    finally:
        await other.close()
    assert sorted(delivered) == list(chats)  # each subscriber exactly one digest
    assert await database.subscriptions.due(clock.now) == []
