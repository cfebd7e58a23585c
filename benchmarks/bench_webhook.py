"""Updates a second through the webhook behind nginx, with one and with two replicas, measured
in one run (issue 15), and the daily digest's rate with two replicas sharing it.

    .venv/bin/python -m benchmarks.bench_webhook                      # 3,000 updates, print
    .venv/bin/python -m benchmarks.bench_webhook --write docs/benchmarks.md
    .venv/bin/python -m benchmarks.bench_webhook --updates 100 --subscribers 60  # make test

Real `newsbot run` replicas in webhook mode behind nginx (docs/deploy/nginx.conf, rendered
into a temporary folder; `make nginx` installs nginx), against the fake Bot API of the test
tree, which posts up to 40 updates at a time as Telegram does and counts an update delivered
only on a 200 - which the bot gives once the update is handled. With Postgres and Redis
answering (tests/helpers/servers.py), the replicas run in the scaled mode on a schema and key
prefix of their own; else on SQLite and memory, said so in the report. The updates are
inline queries from many readers: their answers are not held to Telegram's 30 messages a
second, so the number is the webhook's own.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import platform
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import telegram

from benchmarks.page import machine, write_section

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from helpers.api import Call  # noqa: E402
from helpers.cluster import Cluster, cluster  # noqa: E402
from helpers.digest import AFTER_TIME, NEW_DAY, NEW_ID, NEW_TITLE, OLD_KEY  # noqa: E402
from helpers.fake import FakeTelegram  # noqa: E402
from helpers.knowledge import add_article, copy_knowledge  # noqa: E402
from helpers.scaled import shared_backends  # noqa: E402
from helpers.server import FakeTelegramServer  # noqa: E402
from helpers.servers import POSTGRES_URL, REDIS_URL, answers  # noqa: E402

from bot.storage.backend import open_database  # noqa: E402

HEADING = "## Webhook replicas behind nginx"
USERS = 500
INLINE = ["sanktionen", "nato", "inflation", "völkerrecht", "kim", "uno", "embargo", "euro"]
WARM_UP = 50


def pump(c: Cluster, count: int, first_user: int) -> float:
    """Post `count` inline queries through nginx; updates a second until all are answered."""
    fake = c.fake
    users = [fake.user(first_user + n) for n in range(USERS)]
    before = fake.counts["answerInlineQuery"]
    started = time.perf_counter()
    for n in range(count):
        fake.inline_query(users[n % USERS], INLINE[n % len(INLINE)])
    fake.wait_for(lambda: fake.counts["answerInlineQuery"] >= before + count, 600)
    fake.wait_for(lambda: fake.pending_updates() == 0, 60)  # and each post answered 200
    return count / (time.perf_counter() - started)


def through(replicas: int, count: int, scaled: bool) -> float:
    """Updates a second through nginx to `replicas` replicas (on Postgres and Redis if scaled)."""
    with ExitStack() as stack:
        env = stack.enter_context(shared_backends()).env if scaled else {}
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        c = stack.enter_context(cluster(folder, replicas, env))
        pump(c, WARM_UP, 3_000_000)
        return pump(c, count, 4_000_000)


def digest_rate(subscribers: int) -> tuple[float, int]:
    """Digests a second with two replicas sharing one run, and the busiest second's sends."""
    with ExitStack() as stack:
        shared = stack.enter_context(shared_backends())
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        server = stack.enter_context(FakeTelegramServer())
        knowledge = copy_knowledge(folder / "knowledge")
        add_article(knowledge, NEW_ID, NEW_DAY, NEW_TITLE)
        chats = list(range(7_000_000, 7_000_000 + subscribers))
        for chat_id in chats:
            server.fake.private_chat(chat_id)
        asyncio.run(subscribe(shared.database_url, chats))
        env = {
            "NEWSBOT_KNOWLEDGE": str(knowledge),
            "NEWSBOT_CLOCK_START": AFTER_TIME,
            "NEWSBOT_DIGEST_CHECK_SECONDS": "0.25",
        }
        fake = server.fake
        with cluster(folder, 2, shared.env, server, **env):
            fake.wait_for(lambda: len(sent(fake)) >= subscribers, 60 + subscribers / 10)
        times = sorted(c.at for c in sent(fake))
        return (len(times) - 1) / (times[-1] - times[0]), fake.most_sends_in_a_second()


def sent(fake: FakeTelegram) -> list[Call]:
    """The digests Telegram accepted."""
    return [c for c in fake.recorded("sendMessage") if c.ok]


async def subscribe(database_url: str, chats: list[int]) -> None:
    """Subscriptions for 07:15 whose last digest was the shipped article, as /abo writes them."""
    database = await open_database(Path("unused"), database_url=database_url)
    try:
        for chat_id in chats:
            await database.subscriptions.subscribe(chat_id, dt.time(7, 15), OLD_KEY)
    finally:
        await database.close()


def report(
    one: float,
    two: float,
    count: int,
    mode: str,
    digest: tuple[int, float, int] | None,
    started: str,
    where: str,
) -> str:
    """The section of docs/benchmarks.md."""
    rows = [
        ("one replica (baseline)", f"{one:,.0f}", "1.00"),
        ("two replicas", f"{two:,.0f}", f"{two / one:.2f}"),
    ]
    if digest is None:
        digest_lines = ["The digest was not measured: it needs Postgres and Redis.", ""]
    else:
        subscribers, rate, busiest = digest
        digest_lines = [
            f"The digest to {subscribers:,} subscribers with both replicas sharing the run"
            " (claims in Postgres, one send rate in Redis, the rate limiter at its default):"
            f" {rate:.1f} digests/s (ratio to Telegram's 30/s: {rate / 30:.2f}), at most"
            f" {busiest} in any one second.",
            "",
        ]
    return "\n".join(
        [
            HEADING,
            "",
            "Measured with `.venv/bin/python -m benchmarks.bench_webhook --write"
            f" docs/benchmarks.md` on {started}.",
            "",
            f"- Machine: {where}",
            f"- Python {platform.python_version()}, python-telegram-bot {telegram.__version__},"
            " nginx from the OS packages with docs/deploy/nginx.conf",
            f"- {count:,} inline queries from {USERS} readers, posted through nginx by the fake"
            " Bot API up to 40 at a time; each counts once answered and its post answered 200",
            f"- Shared state: {mode}",
            "",
            "| replicas | updates/s | ratio to one replica |",
            "|---|---:|---:|",
            *(f"| {a} | {b} | {c} |" for a, b, c in rows),
            "",
            *digest_lines,
        ]
    )


def main() -> None:
    """Measure one and two replicas in one run and print (or write) the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=3_000, help="default 3,000")
    parser.add_argument("--subscribers", type=int, default=1_000, help="default 1,000")
    parser.add_argument("--write", type=Path, metavar="FILE", help="update this Markdown file")
    args = parser.parse_args()
    started, where = time.strftime("%Y-%m-%d"), machine()
    scaled = answers(POSTGRES_URL) and answers(REDIS_URL)
    mode = (
        "Postgres and Redis on 127.0.0.1" if scaled else "SQLite and memory (no Postgres or Redis)"
    )
    one = through(1, args.updates, scaled)
    two = through(2, args.updates, scaled)
    digest = None
    if scaled and args.subscribers:
        digest = (args.subscribers, *digest_rate(args.subscribers))
    section = report(one, two, args.updates, mode, digest, started, where)
    print(section)
    if args.write:
        write_section(args.write, HEADING, section)


if __name__ == "__main__":
    main()
