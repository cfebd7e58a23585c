"""A real `newsbot run` process for end-to-end tests: started in a directory of the test's
(so no .env of the checkout is read), with no bot settings of the machine, its output in a
file; waiting for a condition on the fake that fails early if the process died; a reader who
talks to the running bot, the rows it stored, and its clean stop."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from helpers.api import TOKEN, Call
from helpers.fake import FakeTelegram
from helpers.knowledge import KNOWLEDGE
from helpers.replies import button
from helpers.shared import forget_prefix, scaled_env

T = TypeVar("T")
START_TIMEOUT = 60.0  # a guard, not a target: a busy shared machine starts slowly
SETTLE = 0.5  # "nothing else arrives" has no event: this long without a new message


@dataclass
class BotProcess:
    """A running `newsbot run`, its output in a file."""

    process: subprocess.Popen[bytes]
    log: Path
    prefix: str | None = None  # its keys in Redis, when the suite runs scaled

    def output(self) -> str:
        """Everything the process wrote so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int:
        """SIGTERM, then SIGKILL if it does not end within 10 s; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.prefix is not None:
            forget_prefix(self.prefix)
        return self.process.returncode


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any bot settings of the machine, plus these (and, when the
    suite runs scaled, the shared state in Redis under a prefix of its own)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NEWSBOT_"))}
    env["NEWSBOT_KNOWLEDGE"] = str(KNOWLEDGE)
    env.update(scaled_env())
    env.update(extra)
    return env


def launch(tmp_path: Path, name: str, **env: str) -> BotProcess:
    """Start `python -m bot run` in tmp_path (so no .env of the checkout is read)."""
    log = tmp_path / f"{name}.log"
    environment = clean_env(**env)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return BotProcess(process, log, environment.get("NEWSBOT_REDIS_PREFIX"))


def wait(bot: BotProcess, fake: FakeTelegram, predicate: Callable[[], T], timeout: float = 10) -> T:
    """Wait for a condition on the fake, failing early (with the log) if the bot died."""
    fake.wait_for(lambda: predicate() or bot.process.poll() is not None, timeout)
    result = predicate()
    if not result:
        pytest.fail(f"the bot exited with {bot.process.returncode}:\n{bot.output()}")
    return result


def started(bot: BotProcess, fake: FakeTelegram, mode: str) -> None:
    """Wait until the bot registered its commands and polls (or set its webhook)."""
    wait(bot, fake, lambda: fake.recorded("setMyCommands"), START_TIMEOUT)
    if mode == "polling":  # a long poll is recorded only when it ends: its arrival
        wait(bot, fake, lambda: "getUpdates" in fake.received, START_TIMEOUT)
    else:
        wait(bot, fake, lambda: fake.recorded("setWebhook"), START_TIMEOUT)


def stopped(bot: BotProcess) -> str:
    """Stop the bot with SIGTERM; it must end cleanly, and never log its token. Its log."""
    code = bot.stop()
    output = bot.output()
    assert code == 0, output
    assert TOKEN not in output
    return output


def stored(data_dir: Path, table: str = "questions") -> list[tuple[Any, ...]]:
    """The rows of a table of the bot's store, read while the bot may be writing."""
    path = data_dir / "newsbot.sqlite3"
    if not path.exists():
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
        return db.execute(f"SELECT * FROM {table}").fetchall()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (for the bot's webhook server)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Running:
    """A bot process with its fake Telegram, and helpers to talk to it as a reader."""

    bot: BotProcess
    fake: FakeTelegram
    data: Path

    def ask(self, chat_id: int, text: str, count: int = 1, timeout: float = 10) -> list[Call]:
        """Send text from a private chat and wait for `count` new messages in return."""
        before = len(self.fake.sent(chat_id))
        self.fake.send_text(self.fake.private_chat(chat_id), text)
        return self.new_messages(chat_id, before, count, timeout)

    def press(self, message: Call, label: str, count: int = 1) -> list[Call]:
        """Press a button of a message and wait for `count` new messages."""
        chat_id = message.result["chat"]["id"]
        before = len(self.fake.sent(chat_id))
        query = self.fake.press(message.result, button(message, label))
        wait(self.bot, self.fake, lambda: query not in self.fake.unanswered_queries())
        return self.new_messages(chat_id, before, count)

    def new_messages(
        self, chat_id: int, before: int, count: int, timeout: float = 10
    ) -> list[Call]:
        """Wait for `count` messages to a chat after the first `before`; all after those."""
        wait(self.bot, self.fake, lambda: len(self.fake.sent(chat_id)) >= before + count, timeout)
        return self.fake.sent(chat_id)[before:]

    def settled(self, chat_id: int, count: int) -> None:
        """Nothing more arrives in a chat (a short settle time: silence has no event)."""
        time.sleep(SETTLE)
        assert len(self.fake.sent(chat_id)) == count
