"""End to end: the daily digest of the real `newsbot run` process against the fake Bot API.

Each test prepares a data directory with subscriptions (through bot.storage, as /abo would
have written them) and a copy of the knowledge with one article newer than the
subscribers' last digest, and starts the bot with its clock set just after their time
(NEWSBOT_CLOCK_START). The big runs raise NEWSBOT_RATE_LIMIT so that 1,000 digests take
seconds, not the 35 s Telegram's 30 messages a second would; the 403/429 test keeps the
real limit. benchmarks/bench_digest.py measures 10,000 at the real limit.
"""

from __future__ import annotations

import re
import signal
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.api import CLIENT_GONE
from helpers.digest import CHECK_SECONDS, NEW_KEY, NEW_TITLE, OLD_KEY, prepare
from helpers.fake import FakeTelegram
from helpers.process import START_TIMEOUT, stopped, wait
from helpers.replies import text_of
from helpers.server import FakeTelegramServer

from bot.digest import CONCURRENCY

OLD_TITLE = "Schickt Nordkorea jetzt Waffen nach Russland?"
SETTLE = 4 * CHECK_SECONDS  # four more checks: long enough for a second digest to show
FAST = {"NEWSBOT_RATE_LIMIT": "100000"}  # a testing aid: 1,000 digests in seconds
# The claims of a killed process go to the next one after their lease; a second here (the
# restarted process's clock starts where the first one's did).
SHORT_LEASE = {"NEWSBOT_DIGEST_LEASE_SECONDS": "1"}


@pytest.fixture
def server() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer() as started:
        yield started


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
    first = setup.start("first", **FAST, **SHORT_LEASE)
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
    second = setup.start("second", **FAST, **SHORT_LEASE)
    try:
        wait(second, fake, lambda: len(setup.delivered()) == 1000, 60 + START_TIMEOUT)
        time.sleep(SETTLE)
        assert setup.delivered() == Counter(setup.chats)
    finally:
        output = stopped(second)
    # The killed process's claims wait for their lease; then the second process sends them.
    due = sum(int(n) for n in re.findall(r"digest run: (\d+) due", output))
    assert due == 1000 - sum(delivered.values())


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
    assert "rate limit hit (429)" in output and "5 unsubscribed (blocked)" in output


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
