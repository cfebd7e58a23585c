"""End to end: faults found by attacking the running bot (issue 17), each held by a test.

The real `newsbot run` process against the fake Bot API, with the fault injected where it
happens: a disk that fills up under the bot (a file-size limit on the process), updates the
library cannot read, a token revoked while polling, a 429 for one chat, a burst of 5xx
answers, a webhook update delivered twice, and requests to the webhook that are too big or
come without the secret.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
from fake_telegram import TOKEN, FakeTelegramServer
from test_e2e import QUESTION, BotProcess, Running, clean_env, launch, started, text_of, wait
from test_e2e_digest import OLD_KEY, prepare, stopped

DISK_LIMIT = 64 * 1024  # bytes a file of the bot may grow to: the database file is 48 kB


def _pump(source: IO[bytes], log: Path) -> None:
    with source, log.open("ab") as out:
        for line in source:
            out.write(line)
            out.flush()


def launch_with_file_limit(tmp: Path, name: str, limit: int, **env: str) -> BotProcess:
    """`newsbot run` whose files cannot grow past `limit` bytes: a full disk for the bot.

    Its log goes through a pipe (a pipe has no size), copied into a file by this process.
    """
    log = tmp / f"{name}.log"
    log.write_bytes(b"")
    limited = (
        "import os, resource, sys;"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}));"
        "os.execv(sys.executable, [sys.executable, '-m', 'bot', 'run'])"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", limited],
        cwd=tmp,
        env=clean_env(**env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert process.stdout is not None
    threading.Thread(target=_pump, args=(process.stdout, log), daemon=True).start()
    return BotProcess(process, log)


@pytest.fixture
def server() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer() as started_server:
        yield started_server


@pytest.fixture(scope="module")
def polling(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """One `newsbot run` in polling mode for the faults that leave it running."""
    tmp = tmp_path_factory.mktemp("faults")
    with FakeTelegramServer() as fake_server:
        bot = launch(
            tmp, "faults", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=fake_server.base_url
        )
        try:
            started(bot, fake_server.fake, "polling")
            yield Running(bot, fake_server.fake, tmp / "data")
        finally:
            code = bot.stop()
        assert code == 0, bot.output()
        assert "Traceback" not in bot.output()


# ---- 1: the daily digest on a full disk --------------------------------------------------------


def test_a_full_disk_never_sends_a_digest_twice(tmp_path: Path, server: FakeTelegramServer) -> None:
    setup, fake = prepare(tmp_path, server, 40, OLD_KEY), server.fake
    assert (tmp_path / "data" / "newsbot.sqlite3").stat().st_size < DISK_LIMIT
    bot = launch_with_file_limit(
        tmp_path, "full", DISK_LIMIT, **setup.env(NEWSBOT_RATE_LIMIT="100000")
    )
    try:
        wait(bot, fake, lambda: setup.delivered(), 30)
        time.sleep(3.0)  # twelve more checks: before, each sent the same digests again
        delivered = setup.delivered()
        running = Running(bot, fake, tmp_path / "data")
        (answer,) = running.ask(600, QUESTION)  # readers are answered all the same
        assert text_of(answer).startswith("Sanktionen")
    finally:
        output = stopped(bot)
    assert delivered and max(delivered.values()) == 1, delivered.most_common(3)
    assert sum(delivered.values()) < 40  # the disk really filled up during the run
    assert output.count("the database cannot be written") == 1
    assert setup.delivered() - Counter({600: 1}) == delivered  # and nothing after the snapshot


# ---- 6: a 429 for one chat ---------------------------------------------------------------------


def test_a_429_for_one_chat_holds_up_no_other_chat(polling: Running) -> None:
    fake = polling.fake
    fake.fail("sendMessage", 429, "Too Many Requests: retry after 5", retry_after=5, chat_id=700)
    fake.send_text(fake.private_chat(700), QUESTION)
    (refused,) = wait(polling.bot, fake, lambda: fake.recorded("sendMessage", 700))
    (other,) = polling.ask(701, "was ist völkerrecht")
    assert text_of(other).startswith("Völkerrecht")
    assert other.at - refused.at < 2.0  # it waited the 5 s with chat 700 before
    (held,) = polling.new_messages(700, 0, 1, timeout=15)
    assert text_of(held).startswith("Sanktionen") and held.at - refused.at >= 5.0


# ---- 7: a burst of 5xx answers -----------------------------------------------------------------


def test_a_burst_of_5xx_answers_delays_the_answer_but_does_not_lose_it(polling: Running) -> None:
    fake = polling.fake
    fake.fail("sendMessage", 502, "Bad Gateway", chat_id=710, seconds=2.5)
    (answer,) = polling.ask(710, QUESTION, timeout=20)
    assert text_of(answer).startswith("Sanktionen")  # before: given up after 1.5 s
    calls = fake.recorded("sendMessage", 710)
    assert [c.status for c in calls[:-1]] == [502] * (len(calls) - 1) and len(calls) >= 4
    assert calls[-1].params == calls[0].params and calls[-1].at - calls[0].at >= 2.5
    (after,) = polling.ask(710, "was ist völkerrecht")
    assert text_of(after).startswith("Völkerrecht")
