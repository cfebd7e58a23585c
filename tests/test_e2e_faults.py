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
from fake_telegram import FakeTelegramServer
from test_e2e import QUESTION, BotProcess, Running, clean_env, text_of, wait
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
