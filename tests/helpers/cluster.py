"""Replicas of `newsbot run` in webhook mode behind nginx, as docs/scaling.md runs them: each
with its own port and folder, all with the same webhook secret and the shared servers' settings;
started until their /healthz says ready. For test_e2e_scaled.py and benchmarks/bench_webhook.py."""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from helpers.api import TOKEN
from helpers.fake import FakeTelegram
from helpers.nginx import WEBHOOK_PATH, Nginx, running_nginx
from helpers.process import START_TIMEOUT, BotProcess, Running, free_port, launch
from helpers.server import FakeTelegramServer

SECRET = "scaled-webhook-secret"


def ready(url: str) -> bool:
    """True when GET url answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


@dataclass
class Cluster:
    """Replicas behind nginx, the fake Telegram, and the shared servers' settings."""

    tmp: Path
    fake: FakeTelegram
    base_url: str
    shared_env: dict[str, str]
    nginx: Nginx
    ports: list[int]
    extra_env: dict[str, str] = field(default_factory=dict)
    replicas: list[BotProcess] = field(default_factory=list)

    def env(self, index: int) -> dict[str, str]:
        """The environment of replica `index`: its own port and folder, the shared servers."""
        return {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": self.base_url,
            "NEWSBOT_WEBHOOK_URL": f"https://newsbot.test{WEBHOOK_PATH}",
            "NEWSBOT_WEBHOOK_LISTEN": "127.0.0.1",
            "NEWSBOT_WEBHOOK_PORT": str(self.ports[index]),
            "NEWSBOT_WEBHOOK_SECRET": SECRET,
            "NEWSBOT_DATA_DIR": str(self.tmp / f"data{index}"),
            "NEWSBOT_LOG_LEVEL": "INFO",
            **self.shared_env,
            **self.extra_env,
        }

    def health_url(self, index: int) -> str:
        """Replica `index`'s health endpoint."""
        return f"http://127.0.0.1:{self.ports[index]}/healthz"

    def start(self, index: int) -> BotProcess:
        """Start replica `index` and wait until its /healthz says ready."""
        folder = self.tmp / f"replica{index}"
        folder.mkdir(exist_ok=True)
        bot = launch(folder, f"replica{index}", **self.env(index))
        if index < len(self.replicas):
            self.replicas[index] = bot
        else:
            self.replicas.append(bot)
        deadline = time.monotonic() + 3 * START_TIMEOUT  # the knowledge loads on a busy machine
        while not ready(self.health_url(index)):
            assert bot.process.poll() is None, bot.output()
            assert time.monotonic() < deadline, f"replica {index} never got ready"
            time.sleep(0.1)
        return bot

    def running(self, index: int = 0) -> Running:
        """A reader's view, waiting on replica `index` (failing early if it died)."""
        return Running(self.replicas[index], self.fake, self.tmp)

    def through(self, index: int | None = None) -> None:
        """Telegram posts to replica `index` directly, or through nginx (None)."""
        url = self.nginx.url if index is None else f"http://127.0.0.1:{self.ports[index]}"
        self.fake.proxy_webhook_to(url)

    def stop(self) -> list[int]:
        """Stop every replica (SIGTERM); their exit codes."""
        return [bot.stop() for bot in self.replicas]


@contextmanager
def cluster(
    tmp: Path,
    replicas: int,
    shared_env: dict[str, str],
    server: FakeTelegramServer | None = None,
    **extra_env: str,
) -> Iterator[Cluster]:
    """`replicas` replicas started behind nginx (posting through it), stopped at the end;
    against this fake Telegram server, or one of their own."""
    ports = [free_port() for _ in range(replicas)]
    with ExitStack() as stack:
        server = server or stack.enter_context(FakeTelegramServer())
        nginx = stack.enter_context(running_nginx(tmp / "nginx", free_port(), ports))
        started = Cluster(tmp, server.fake, server.base_url, shared_env, nginx, ports, extra_env)
        try:
            for index in range(replicas):
                started.start(index)
            started.through(None)
            yield started
        finally:
            started.stop()
