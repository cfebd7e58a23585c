"""A real `newsbot run` process for end-to-end tests: started in a directory of the test's
(so no .env of the checkout is read), with no bot settings of the machine, its output in a
file; and waiting for a condition on the fake that fails early if the process died."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest

from helpers.fake import FakeTelegram
from helpers.knowledge import KNOWLEDGE

T = TypeVar("T")
START_TIMEOUT = 20.0


@dataclass
class BotProcess:
    """A running `newsbot run`, its output in a file."""

    process: subprocess.Popen[bytes]
    log: Path

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
        return self.process.returncode


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any bot settings of the machine, plus these."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NEWSBOT_"))}
    env["NEWSBOT_KNOWLEDGE"] = str(KNOWLEDGE)
    env.update(extra)
    return env


def launch(tmp_path: Path, name: str, **env: str) -> BotProcess:
    """Start `python -m bot run` in tmp_path (so no .env of the checkout is read)."""
    log = tmp_path / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=clean_env(**env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return BotProcess(process, log)


def wait(bot: BotProcess, fake: FakeTelegram, predicate: Callable[[], T], timeout: float = 10) -> T:
    """Wait for a condition on the fake, failing early (with the log) if the bot died."""
    fake.wait_for(lambda: predicate() or bot.process.poll() is not None, timeout)
    result = predicate()
    if not result:
        pytest.fail(f"the bot exited with {bot.process.returncode}:\n{bot.output()}")
    return result
