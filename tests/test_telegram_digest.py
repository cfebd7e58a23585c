"""/abo, /abo_aus, their buttons and the digest job, through real Updates and the in-process
fake Bot API (which refuses what Telegram refuses)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from helpers import servers
from helpers.application import Bot, start_bot, state, stop_bot
from helpers.clock import MORNING, TODAY
from helpers.knowledge import add_article
from helpers.replies import buttons_of, text_of
from helpers.stores import open_database

from bot.digest import Digest
from bot.digest_order import article_key
from bot.engine import Engine
from bot.telegram.digest import JOB_NAME, send_digests

NEW_TITLE = "Eine Rakete fliegt zum Mond"


def texts(bot: Bot) -> Any:
    return state(bot).engine.kb.texts


def digest(bot: Bot) -> Digest:
    return state(bot).digest


@pytest.fixture
def news_engine(kb_copy: Path) -> Engine:
    """The shipped knowledge plus an article newer than every subscriber's last digest."""
    add_article(kb_copy, "rakete-mond", dt.date(2026, 11, 23), NEW_TITLE)
    return Engine.load(kb_copy, today=TODAY)


@pytest.fixture
async def abo_bot(news_engine: Engine, tmp_path: Path) -> AsyncIterator[Bot]:
    """The application with its data in tmp_path and its clock at 07:16 on a Tuesday."""
    database = await open_database(tmp_path)
    started = await start_bot(news_engine, store=database, data_dir=tmp_path, clock_start=MORNING)
    yield started
    await stop_bot(started)


# ---- /abo and /abo_aus -------------------------------------------------------------------------


async def test_abo_subscribes_and_buttons_change_end_and_renew_it(abo_bot: Bot) -> None:
    chat = abo_bot.fake.private_chat(1)
    (started,) = await abo_bot.say(chat, "/abo")
    assert text_of(started) == texts(abo_bot).text("abo_started", time="07:15")
    assert buttons_of(started) == [
        ("✓ 07:15", "abo:07:15"),
        ("12:00", "abo:12:00"),
        ("17:30", "abo:17:30"),
        ("Abo beenden", "abo:aus"),
    ]
    (changed,) = await abo_bot.press(started, "17:30")
    assert text_of(changed) == texts(abo_bot).text("abo_changed", time="17:30")
    (status,) = await abo_bot.say(chat, "/abo")
    assert text_of(status) == texts(abo_bot).text("abo_status", time="17:30")
    (ended,) = await abo_bot.press(status, "Abo beenden")
    assert text_of(ended) == texts(abo_bot).text("abo_stopped")
    assert await digest(abo_bot).subscriptions.get(1) is None
    (again,) = await abo_bot.press(ended, "Wieder abonnieren")
    assert text_of(again) == texts(abo_bot).text("abo_started", time="17:30")
    assert abo_bot.fake.unanswered_queries() == []


async def test_abo_with_a_time_and_abo_aus(abo_bot: Bot) -> None:
    chat = abo_bot.fake.private_chat(2)
    (started,) = await abo_bot.say(chat, "/abo 17.30")
    assert text_of(started) == texts(abo_bot).text("abo_started", time="17:30")
    (quiet,) = await abo_bot.say(chat, "/abo 22:00")
    assert text_of(quiet).startswith("Um 22:00 Uhr schreibe ich dir nicht.")
    subscription = await digest(abo_bot).subscriptions.get(2)
    assert subscription is not None and subscription.at == dt.time(17, 30)
    (ended,) = await abo_bot.say(chat, "/abo_aus")
    assert text_of(ended) == texts(abo_bot).text("abo_stopped")
    assert await digest(abo_bot).subscriptions.count() == 0


async def test_in_groups_there_is_no_abo(abo_bot: Bot) -> None:
    group = abo_bot.fake.group_chat(-100300)
    for command in ("/abo", "/abo_aus"):
        (reply,) = await abo_bot.say(group, command, user=abo_bot.fake.user(3))
        assert text_of(reply) == texts(abo_bot).text("abo_private")
    assert await digest(abo_bot).subscriptions.count() == 0


@pytest.mark.parametrize("command", ["/abo", "/abo 17:30", "/abo_aus"])
async def test_a_storage_error_gets_one_kind_answer_and_nothing_else(
    abo_bot: Bot, command: str
) -> None:
    assert abo_bot.database is not None
    await abo_bot.database.close()  # from now on every call raises StoreError
    replies = await abo_bot.say(abo_bot.fake.private_chat(7), command)
    assert [text_of(reply) for reply in replies] == [texts(abo_bot).text("error")]


async def test_a_storage_error_on_an_abo_button_gets_one_kind_answer(abo_bot: Bot) -> None:
    (started,) = await abo_bot.say(abo_bot.fake.private_chat(8), "/abo")
    assert abo_bot.database is not None
    await abo_bot.database.close()
    replies = await abo_bot.press(started, "17:30")
    assert [text_of(reply) for reply in replies] == [texts(abo_bot).text("error")]
    assert abo_bot.fake.unanswered_queries() == []


def test_the_digest_job_looks_for_due_chats_every_minute(abo_bot: Bot) -> None:
    job_queue = abo_bot.application.job_queue
    assert job_queue is not None
    (job,) = job_queue.get_jobs_by_name(JOB_NAME)
    assert job.job.trigger.interval == dt.timedelta(seconds=60)


# ---- sending -----------------------------------------------------------------------------------


async def subscribe(bot: Bot, chats: range, last_key: str) -> None:
    subscriptions = digest(bot).subscriptions
    for chat_id in chats:
        bot.fake.private_chat(chat_id)
        await subscriptions.subscribe(chat_id, dt.time(7, 15), last_key)


async def test_digests_reach_telegram_and_403_ends_a_subscription(
    abo_bot: Bot, news_engine: Engine
) -> None:
    old = next(a for a in news_engine.kb.articles if a.title != NEW_TITLE)
    await subscribe(abo_bot, range(10, 13), article_key(old))
    abo_bot.fake.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=11)
    abo_bot.fake.fail("sendMessage", 500, "Internal Server Error", chat_id=12)
    report = await send_digests(abo_bot.application, keep_going=lambda: True)
    assert (report.sent, report.gone, report.failed) == (1, 1, 1)
    (sent,) = abo_bot.fake.sent(10)
    assert text_of(sent).startswith(texts(abo_bot).text("digest_intro") + "\n\n• " + NEW_TITLE)
    assert old.title not in text_of(sent)
    assert buttons_of(sent) == [(NEW_TITLE, "a:rakete-mond"), ("Abo ändern", "abo:")]
    subscriptions = digest(abo_bot).subscriptions
    assert await subscriptions.get(11) is None
    assert [s.chat_id for s in await subscriptions.due(MORNING)] == [12]
    (opened,) = await abo_bot.press(sent, NEW_TITLE)
    assert text_of(opened).startswith(NEW_TITLE + "\nEine Rakete ist zum Mond geflogen.")
    (setting,) = await abo_bot.press(sent, "Abo ändern")
    assert text_of(setting) == texts(abo_bot).text("abo_status", time="07:15")


async def test_digests_keep_to_telegrams_rate(news_engine: Engine, tmp_path: Path) -> None:
    bot = await start_bot(
        news_engine,
        store=await open_database(tmp_path),
        rate_limiter=True,
        data_dir=tmp_path,
        clock_start=MORNING,
    )
    try:
        await subscribe(bot, range(100, 190), "")
        started = time.monotonic()
        report = await send_digests(bot.application, keep_going=lambda: True)
        elapsed = time.monotonic() - started
    finally:
        await stop_bot(bot)
    assert report.sent == 90
    # The limiter lets a burst of 30 through, then about 30 a second.
    assert elapsed >= (90 - 30) / 30 * 0.9
    times = sorted(c.at for c in bot.fake.recorded("sendMessage"))
    if not servers.scaled():  # Redis counts on its own clock, a round trip away
        # Never more than the leaky bucket lets through: its 30, then 30 a second (10 % slack for
        # the clock). However fast the database records (PostgreSQL spreads the first burst out,
        # and the bucket then lets the next ones go sooner), any stretch of the run keeps to that.
        assert all(
            j - i <= 30 + 30 * (times[j] - times[i]) / 0.9
            for i in range(len(times))
            for j in range(i + 1, len(times))
        )


async def test_a_subscription_survives_a_restart_of_the_bot(
    news_engine: Engine, tmp_path: Path
) -> None:
    first = await start_bot(
        news_engine, store=await open_database(tmp_path), data_dir=tmp_path, clock_start=MORNING
    )
    await first.say(first.fake.private_chat(5), "/abo 12:00")
    await stop_bot(first)
    again = await open_database(tmp_path)
    subscription = await again.subscriptions.get(5)
    await again.close()
    assert subscription is not None and subscription.at == dt.time(12, 0)
