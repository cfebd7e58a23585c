"""End to end: the daily digest of the real `newsbot run` process against the fake Bot API.

Each test prepares a data directory with subscriptions (through bot.storage, as /abo would
have written them) and a copy of the knowledge with one article newer than the
subscribers' last digest, and starts the bot with its clock set just after their time
(NEWSBOT_CLOCK_START). The big runs raise NEWSBOT_RATE_LIMIT so that 1,000 digests take
seconds, not the 35 s Telegram's 30 messages a second would; the 403/429 test keeps the
real limit. benchmarks/bench_digest.py measures 10,000 at the real limit.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import signal
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers.api import CLIENT_GONE, TOKEN
from helpers.fake import FakeTelegram
from helpers.knowledge import KNOWLEDGE, add_article
from helpers.process import START_TIMEOUT, BotProcess, launch, wait
from helpers.replies import text_of
from helpers.server import FakeTelegramServer

from bot.digest import CONCURRENCY
from bot.storage.backend import open_database
from bot.storage.interface import Subscription

NEW_ID, NEW_TITLE, NEW_DAY = "rakete-mond", "Eine Rakete fliegt zum Mond", dt.date(2026, 11, 23)
OLD_TITLE = "Schickt Nordkorea jetzt Waffen nach Russland?"
# article_key() of the shipped article and of the new one
OLD_KEY, NEW_KEY = "2023-09-13/putin-kim-treffen", f"{NEW_DAY.isoformat()}/{NEW_ID}"
AFTER_TIME = "2026-11-24T07:15:30+01:00"  # the subscriptions are for 07:15
CHECK_SECONDS = 0.25
SETTLE = 4 * CHECK_SECONDS  # four more checks: long enough for a second digest to show
FAST = {"NEWSBOT_RATE_LIMIT": "100000"}  # a testing aid: 1,000 digests in seconds


@dataclass
class Setup:
    """A data directory with subscriptions, a knowledge copy, and the fake Telegram."""

    tmp: Path
    fake: FakeTelegram
    base_url: str
    chats: list[int]

    def env(self, clock: str = AFTER_TIME, **extra: str) -> dict[str, str]:
        return {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": self.base_url,
            "NEWSBOT_KNOWLEDGE": str(self.tmp / "knowledge"),
            "NEWSBOT_DATA_DIR": str(self.tmp / "data"),
            "NEWSBOT_CLOCK_START": clock,
            "NEWSBOT_DIGEST_CHECK_SECONDS": str(CHECK_SECONDS),
            "NEWSBOT_LOG_LEVEL": "INFO",
            **extra,
        }

    def start(self, name: str, clock: str = AFTER_TIME, **extra: str) -> BotProcess:
        return launch(self.tmp, name, **self.env(clock, **extra))

    def delivered(self) -> Counter[int]:
        """Digests Telegram accepted, per chat."""
        return Counter(c.chat_id for c in self.fake.recorded("sendMessage") if c.ok)

    def subscriptions(self) -> dict[int, Subscription]:
        async def read() -> dict[int, Subscription | None]:
            database = await open_database(self.tmp / "data")
            try:
                return {c: await database.subscriptions.get(c) for c in self.chats}
            finally:
                await database.close()

        found = asyncio.run(read())
        return {chat_id: s for chat_id, s in found.items() if s is not None}


def prepare(tmp: Path, server: FakeTelegramServer, count: int, last_key: str) -> Setup:
    knowledge = tmp / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge, ignore=shutil.ignore_patterns("README.md"))
    add_article(knowledge, NEW_ID, NEW_DAY, NEW_TITLE)
    chats = list(range(500_000, 500_000 + count))
    for chat_id in chats:
        server.fake.private_chat(chat_id)

    async def write() -> None:
        database = await open_database(tmp / "data")
        try:
            for chat_id in chats:
                await database.subscriptions.subscribe(chat_id, dt.time(7, 15), last_key)
        finally:
            await database.close()

    asyncio.run(write())
    return Setup(tmp, server.fake, server.base_url, chats)


@pytest.fixture
def server() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer() as started:
        yield started


def stopped(bot: BotProcess) -> str:
    """Stop the bot with SIGTERM; it must end cleanly. Its log."""
    code = bot.stop()
    output = bot.output()
    assert code == 0, output
    assert TOKEN not in output
    return output


def test_a_thousand_subscribers_get_exactly_one_digest_each(
    tmp_path: Path, server: FakeTelegramServer
) -> None:
    setup = prepare(tmp_path, server, 1000, OLD_KEY)
    bot = setup.start("digest", **FAST)
    try:
        wait(bot, setup.fake, lambda: "digest run: 1000 due, 1000 sent" in bot.output(), 60)
        time.sleep(SETTLE)
        assert setup.delivered() == Counter(setup.chats)
    finally:
        output = stopped(bot)
    digest = setup.fake.recorded("sendMessage")[0]
    assert text_of(digest).startswith("Hallo! Hier sind die neuen Nachrichten für dich:")
    assert NEW_TITLE in text_of(digest) and OLD_TITLE not in text_of(digest)
    recorded = setup.subscriptions()
    assert {(s.last_day, s.last_key) for s in recorded.values()} == {("2026-11-24", NEW_KEY)}
    assert len(recorded) == 1000
    assert str(setup.chats[0]) not in output  # no chat ids in the log at INFO


def test_a_crash_halfway_and_a_restart_still_give_exactly_one_each(
    tmp_path: Path, server: FakeTelegramServer
) -> None:
    setup, fake = prepare(tmp_path, server, 1000, OLD_KEY), server.fake
    first = setup.start("first", **FAST)
    try:
        wait(first, fake, lambda: fake.counts["sendMessage"] >= 500, 60)
        # From now on Telegram holds every digest without answering: what was accepted
        # so far is all that was delivered, and the bot has a few sends in flight.
        fake.slow("sendMessage", 60, times=10**6)
        arrived = -1
        while arrived != fake.received.count("sendMessage"):  # until the bot waits, stuck
            arrived = fake.received.count("sendMessage")
            time.sleep(1.0)
        first.process.send_signal(signal.SIGKILL)
        assert first.process.wait(timeout=10) == -signal.SIGKILL
    finally:
        first.stop()
    delivered = setup.delivered()
    assert 500 <= sum(delivered.values()) < 1000
    assert set(delivered.values()) == {1}
    fake.wait_for(lambda: _no_answer_pending(fake), 10)  # the held digests were given up
    held = {c.chat_id for c in fake.recorded("sendMessage") if c.status == CLIENT_GONE}
    assert 1 <= len(held) <= CONCURRENCY and not held & set(delivered)
    fake.clear_faults()
    second = setup.start("second", **FAST)
    try:
        wait(second, fake, lambda: len(setup.delivered()) == 1000, 60 + START_TIMEOUT)
        time.sleep(SETTLE)
        assert setup.delivered() == Counter(setup.chats)
    finally:
        output = stopped(second)
    assert f"digest run: {1000 - sum(delivered.values())} due" in output


def _no_answer_pending(fake: FakeTelegram) -> bool:
    """Every request the killed bot made has been answered or given up (none still held)."""
    return len(fake.recorded("sendMessage")) == fake.received.count("sendMessage")


def test_blocked_chats_are_unsubscribed_and_a_429_is_waited_out(
    tmp_path: Path, server: FakeTelegramServer
) -> None:
    setup, fake = prepare(tmp_path, server, 60, OLD_KEY), server.fake
    blocked = setup.chats[-5:]
    fake.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    for chat_id in blocked:
        fake.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=chat_id)
    bot = setup.start("limits")  # Telegram's own rate: 30 messages a second
    try:
        wait(bot, fake, lambda: "digest run: 60 due, 55 sent" in bot.output(), 30)
        time.sleep(SETTLE)
    finally:
        output = stopped(bot)
    assert setup.delivered() == Counter(setup.chats[:-5])
    assert set(setup.subscriptions()) == set(setup.chats[:-5])
    refused = next(c for c in fake.recorded("sendMessage") if c.status == 429)
    retried = next(c for c in fake.sent(refused.chat_id) if c.ok)
    assert retried.params == refused.params and retried.at - refused.at >= 1
    assert "Rate limit hit" in output and "5 unsubscribed (blocked)" in output


def test_nothing_is_sent_in_quiet_hours(tmp_path: Path, server: FakeTelegramServer) -> None:
    setup = prepare(tmp_path, server, 20, OLD_KEY)
    bot = setup.start("quiet", clock="2026-11-24T21:00:00+01:00")
    try:
        wait(bot, setup.fake, lambda: "quiet hours (20:00-07:00)" in bot.output(), START_TIMEOUT)
        time.sleep(SETTLE)
    finally:
        stopped(bot)
    assert setup.fake.recorded("sendMessage") == []
    assert {s.last_day for s in setup.subscriptions().values()} == {""}


def test_without_new_articles_nothing_is_sent(tmp_path: Path, server: FakeTelegramServer) -> None:
    setup = prepare(tmp_path, server, 20, NEW_KEY)
    bot = setup.start("nothing new")
    try:
        line = "digest run: 20 due, 0 sent, 20 with nothing new"
        wait(bot, setup.fake, lambda: line in bot.output(), START_TIMEOUT)
        time.sleep(SETTLE)
    finally:
        stopped(bot)
    assert setup.fake.recorded("sendMessage") == []
    assert {s.last_day for s in setup.subscriptions().values()} == {"2026-11-24"}
