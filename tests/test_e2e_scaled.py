"""End to end, scaled out (issue 15): two real `newsbot run` replicas in webhook mode behind
nginx (docs/deploy/nginx.conf, rendered into the test's folder), sharing Postgres and Redis,
against the fake Bot API, which posts every update again until it is answered 200.

One replica is killed with SIGKILL in the middle of 2,000 questions from 500 chats: every
question is answered, twice only where the killed replica had it in hand (counted, and
printed); the sum of both replicas' sends stays at Telegram's rate. A button pressed on one
replica after the question went to the other works.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import servers
from helpers.api import CLIENT_GONE, TOKEN
from helpers.cluster import Cluster, cluster, ready
from helpers.digest import AFTER_TIME, CHECK_SECONDS, NEW_DAY, NEW_ID, NEW_TITLE, OLD_KEY
from helpers.knowledge import add_article, copy_knowledge
from helpers.process import wait
from helpers.replies import text_of
from helpers.scaled import shared_backends
from helpers.server import FakeTelegramServer

from bot.storage.backend import open_database

# The suite runs twice in `make test` (SQLite, then NEWSBOT_TEST_SCALED=1); these tests always
# use Postgres and Redis, so the scaled run leaves them to the first.
pytestmark = pytest.mark.skipif(servers.scaled(), reason="ran in `make unit`; it is scaled already")
LEASE = "4"  # seconds before an update the killed replica held goes to the other
# Four questions a chat, each answered with one message whose first line is its title.
QUESTIONS = {
    "was sind sanktionen": "Sanktionen",
    "was ist völkerrecht": "Völkerrecht",
    "was ist die nato": "NATO",
    "was ist inflation": "Inflation",
}
CHATS = range(700_000, 700_500)
TELEGRAM_RATE = 30  # messages a second for the whole bot
RATE_SLACK = 1.1  # a second's window may catch a few of the next second's sends


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Two replicas behind nginx on Postgres and Redis of their own (schema, key prefix)."""
    tmp = tmp_path_factory.mktemp("scaled")
    with shared_backends() as shared, cluster(tmp, 2, shared.env, NEWSBOT_UPDATE_LEASE=LEASE) as c:
        assert ready(c.health_url(0)) and ready(c.health_url(1))
        yield c
        assert c.stop() == [0, 0]
        for bot in c.replicas:
            output = bot.output()
            assert TOKEN not in output and "sanktionen" not in output.lower()


def test_a_button_pressed_on_one_replica_after_the_question_went_to_the_other(
    scaled: Cluster,
) -> None:
    fake, reader = scaled.fake, scaled.running()
    for chat_id, (asked_on, pressed_on) in zip((800_001, 800_002), ((0, 1), (1, 0)), strict=True):
        scaled.through(asked_on)
        (answer,) = reader.ask(chat_id, "Putin Kim Treffen")
        scaled.through(pressed_on)
        (more,) = reader.press(answer, "Mehr erfahren")
        assert "Wostotschny" in text_of(more)
        (sources,) = reader.press(answer, "Woher wissen wir das?")
        assert "Das sind die Quellen" in text_of(sources)
        scaled.through(asked_on)
        (follow_up,) = reader.ask(chat_id, "Woher wisst ihr das?")  # what it showed last
        assert "Schickt Nordkorea jetzt Waffen nach Russland?" in text_of(follow_up)
    scaled.through(None)
    assert fake.unanswered_queries() == []


def test_a_replica_killed_halfway_loses_no_question(scaled: Cluster) -> None:
    fake, survivor, victim = scaled.fake, scaled.replicas[0], scaled.replicas[1]
    scaled.through(None)
    start = len(fake.calls)
    asked: dict[tuple[int, str], int] = {}  # (chat, title): update_id
    for round_ in range(4):
        for chat_id in CHATS:
            question = list(QUESTIONS)[(chat_id + round_) % 4]
            fake.send_text(fake.private_chat(chat_id), question)
            asked[(chat_id, QUESTIONS[question])] = fake.newest_update_id()
    total = len(asked)
    assert total == 2000

    def answered() -> Counter[tuple[int, str]]:
        calls = fake.calls[start:]
        return Counter(
            (c.chat_id, text_of(c).split("\n", 1)[0])
            for c in calls
            if c.ok and c.method == "sendMessage" and c.chat_id in CHATS
        )

    wait(survivor, fake, lambda: sum(answered().values()) >= total // 2, 180)
    killed_at = time.monotonic()
    victim.process.send_signal(signal.SIGKILL)
    assert victim.process.wait(timeout=10) == -signal.SIGKILL
    wait(survivor, fake, lambda: set(answered()) >= set(asked), 240)
    time.sleep(2 * float(LEASE))  # an update taken twice would be answered by now
    counts = answered()
    assert set(counts) == set(asked)  # every question answered, nothing else sent
    twice = {key: n - 1 for key, n in counts.items() if n > 1}
    duplicates = sum(twice.values())
    print(f"\nkill test: {duplicates} of {total} questions answered twice")
    # Only an update the killed replica held can be answered twice: one whose post (to
    # nginx, which may have sent it on to the other replica) was in flight at the kill.
    in_flight = fake.posts_in_flight(killed_at)
    assert all(asked[key] in in_flight for key in twice), (twice, len(in_flight))
    assert duplicates <= fake.webhook_connections
    most = fake.most_sends_in_a_second()
    sends = sorted(c.at for c in fake.calls[start:] if c.ok and c.method == "sendMessage")
    average = (len(sends) - 1) / (sends[-1] - sends[0])
    print(f"kill test: {average:.1f} messages a second, at most {most} in one, both replicas")
    # The shared send rate is a leaky bucket: 30 a second, after a pause a burst of 15 more;
    # the sends' own jitter between the bucket and Telegram adds a few.
    assert average <= TELEGRAM_RATE * RATE_SLACK
    assert most <= 2 * TELEGRAM_RATE * RATE_SLACK
    scaled.start(1)  # back for the tests after this one


# ---- the digest across replicas ----------------------------------------------------------------


def test_the_digest_with_a_replica_killed_halfway_reaches_each_subscriber_once(
    tmp_path: Path,
) -> None:
    knowledge = copy_knowledge(tmp_path / "knowledge")
    add_article(knowledge, NEW_ID, NEW_DAY, NEW_TITLE)
    chats = list(range(600_000, 601_000))
    with shared_backends() as shared, FakeTelegramServer() as server:
        fake = server.fake
        for chat_id in chats:
            fake.private_chat(chat_id)
        asyncio.run(subscribe(shared.database_url, chats))
        env = {
            "NEWSBOT_KNOWLEDGE": str(knowledge),
            "NEWSBOT_CLOCK_START": AFTER_TIME,
            "NEWSBOT_DIGEST_CHECK_SECONDS": str(CHECK_SECONDS),
            "NEWSBOT_DIGEST_LEASE_SECONDS": "6",  # longer than Telegram holds a send below
        }
        with cluster(tmp_path, 2, shared.env, server, **env) as c:
            delivered = lambda: Counter(  # noqa: E731
                call.chat_id for call in fake.recorded("sendMessage") if call.ok
            )
            wait(c.replicas[1], fake, lambda: sum(delivered().values()) >= 400, 60)
            # Telegram holds every digest without answering for a moment, and meanwhile the
            # replica that ran the digest from the start is killed with sends in flight: those
            # never reached Telegram (as in test_e2e_digest.py's crash with one process).
            fake.slow("sendMessage", 2.5, times=10**6)
            time.sleep(1.0)
            c.replicas[0].process.send_signal(signal.SIGKILL)
            assert c.replicas[0].process.wait(timeout=10) == -signal.SIGKILL
            fake.clear_faults()
            wait(c.replicas[1], fake, lambda: len(delivered()) == len(chats), 90)
            time.sleep(2.0)  # a few more checks: a second digest would show now
            assert delivered() == Counter(chats)  # each subscriber exactly one
        held = [call for call in fake.recorded("sendMessage") if call.status == CLIENT_GONE]
        assert held  # the killed replica had digests in flight, and they went to the other
        digest = fake.recorded("sendMessage")[0]
        assert NEW_TITLE in text_of(digest)


async def subscribe(database_url: str, chats: list[int]) -> None:
    """The subscriptions for 07:15, as /abo writes them, last digest the shipped article."""
    database = await open_database(Path("unused"), database_url=database_url)
    try:
        for chat_id in chats:
            await database.subscriptions.subscribe(chat_id, dt.time(7, 15), OLD_KEY)
    finally:
        await database.close()
