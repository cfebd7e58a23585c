"""Updates a second through the webhook behind nginx, with one and with two replicas, measured
in one run (issue 15).

    .venv/bin/python -m benchmarks.bench_webhook                      # 3,000 updates, print
    .venv/bin/python -m benchmarks.bench_webhook --write docs/benchmarks.md
    .venv/bin/python -m benchmarks.bench_webhook --updates 200      # a smoke run (make test)

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

from helpers.cluster import Cluster, cluster  # noqa: E402
from helpers.scaled import shared_backends  # noqa: E402
from helpers.servers import POSTGRES_URL, REDIS_URL, answers  # noqa: E402

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


def report(one: float, two: float, count: int, mode: str, started: str, where: str) -> str:
    """The section of docs/benchmarks.md."""
    rows = [
        ("one replica (baseline)", f"{one:,.0f}", "1.00"),
        ("two replicas", f"{two:,.0f}", f"{two / one:.2f}"),
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
        ]
    )


def main() -> None:
    """Measure one and two replicas in one run and print (or write) the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=3_000, help="default 3,000")
    parser.add_argument("--write", type=Path, metavar="FILE", help="update this Markdown file")
    args = parser.parse_args()
    started, where = time.strftime("%Y-%m-%d"), machine()
    scaled = answers(POSTGRES_URL) and answers(REDIS_URL)
    mode = (
        "Postgres and Redis on 127.0.0.1" if scaled else "SQLite and memory (no Postgres or Redis)"
    )
    one = through(1, args.updates, scaled)
    two = through(2, args.updates, scaled)
    section = report(one, two, args.updates, mode, started, where)
    print(section)
    if args.write:
        write_section(args.write, HEADING, section)


if __name__ == "__main__":
    main()
