"""The daily digest to many subscribers: send rate through the rate limiter, errors, and how
long readers wait for an answer meanwhile.

    .venv/bin/python -m benchmarks.bench_digest                  # 10,000 subscribers, print
    .venv/bin/python -m benchmarks.bench_digest --write docs/benchmarks.md
    .venv/bin/python -m benchmarks.bench_digest --subscribers 50 # a smoke run (make test)

The real `newsbot run` process against the fake Bot API of the test tree on 127.0.0.1, with
the bot's rate limiter (bot/telegram/retry.py) at its defaults (Telegram allows about 30
messages a second per bot) - NEWSBOT_RATE_LIMIT stays unset. The subscriptions are written
to the data directory beforehand, with one article newer than every subscriber's last
digest, and the bot's clock (NEWSBOT_CLOCK_START) starts just after their time, so the
first check sends everything. While the digest runs, a reader asks a question every few seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import telegram

from benchmarks.page import machine, write_section
from bot.config import DEFAULT_RATE_LIMIT
from bot.digest import CONCURRENCY
from bot.storage.backend import open_database

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
sys.path.insert(0, str(ROOT / "tests"))

from helpers.api import TOKEN  # noqa: E402
from helpers.child import start_bot, stop  # noqa: E402
from helpers.fake import FakeTelegram  # noqa: E402
from helpers.server import FakeTelegramServer  # noqa: E402

FIRST_CHAT = 1_000_000
READER_CHAT = 9_000_000
QUESTION = "Was sind Sanktionen?"
CLOCK_START = "2026-11-24T07:15:05+01:00"  # the subscriptions are for 07:15
BURST = 30  # the limiter's bucket: this many go out at once before the steady rate


@dataclass
class Result:
    """What one run measured."""

    subscribers: int
    delivered: int
    duplicates: int
    missing: int
    errors: int
    seconds: float
    rate: float
    steady_rate: float
    busiest_second: int
    busiest_steady_second: int
    reader_waits: list[float]
    run_line: str


def prepare(tmp: Path, fake: FakeTelegram, count: int) -> None:
    """A knowledge copy with one new article, and `count` subscriptions at 07:15."""
    knowledge = tmp / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge, ignore=shutil.ignore_patterns("README.md"))
    (knowledge / "articles" / "rakete-mond.yaml").write_text(
        "id: rakete-mond\ntitle: Eine Rakete fliegt zum Mond\ndate: 2026-11-23\n"
        "url: https://www.example.org/rakete-mond\n"
        "summary: Eine Rakete ist zum Mond geflogen. Menschen waren nicht an Bord.\n"
        "details: Die Rakete hat Messgeräte zum Mond gebracht.\n",
        encoding="utf-8",
    )
    chats = range(FIRST_CHAT, FIRST_CHAT + count)
    for chat_id in chats:
        fake.private_chat(chat_id)

    async def write() -> None:
        database = await open_database(tmp / "data")
        try:
            for chat_id in chats:
                await database.subscriptions.subscribe(
                    chat_id, dt.time(7, 15), "2023-09-13/putin-kim-treffen"
                )
        finally:
            await database.close()

    asyncio.run(write())


def run(count: int, reader_every: float) -> Result:
    """Start the bot, let it send the digest, ask questions meanwhile; measure."""
    with FakeTelegramServer() as server, tempfile.TemporaryDirectory() as name:
        tmp, fake = Path(name), server.fake
        prepare(tmp, fake, count)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NEWSBOT_"))}
        env.update(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=server.base_url,
            NEWSBOT_KNOWLEDGE=str(tmp / "knowledge"),
            NEWSBOT_DATA_DIR=str(tmp / "data"),
            NEWSBOT_CLOCK_START=CLOCK_START,
            NEWSBOT_DIGEST_CHECK_SECONDS="1",
            NEWSBOT_LOG_LEVEL="INFO",
        )
        log = tmp / "bot.log"
        with log.open("wb") as out:
            process = start_bot(env, tmp, out)
        asked: dict[int, float] = {}
        try:
            fake.wait_for(lambda: fake.counts["sendMessage"] > 0, 60)
            next_question = time.monotonic()
            while "digest run:" not in log.read_text(encoding="utf-8", errors="replace"):
                if process.poll() is not None:
                    raise SystemExit(f"the bot exited:\n{log.read_text(encoding='utf-8')}")
                if time.monotonic() >= next_question:
                    reader = READER_CHAT + len(asked)
                    asked[reader] = time.monotonic()
                    fake.send_text(fake.private_chat(reader), QUESTION)
                    next_question += reader_every
                time.sleep(0.05)
            fake.wait_for(lambda: all(fake.sent(reader) for reader in asked), 30)
        finally:
            stop(process)
        output = log.read_text(encoding="utf-8", errors="replace")
        return measure(fake, count, asked, output)


def measure(fake: FakeTelegram, count: int, asked: dict[int, float], output: str) -> Result:
    """Rates and counts from the calls the fake recorded."""
    digests = [c for c in fake.recorded("sendMessage") if c.chat_id < READER_CHAT]
    accepted = [c for c in digests if c.ok]
    per_chat = Counter(c.chat_id for c in accepted)
    times = sorted(c.at for c in accepted)
    seconds = times[-1] - times[0] if len(times) > 1 else 0.0
    steady = times[BURST:]
    waits = [fake.sent(reader)[0].at - at for reader, at in asked.items()]
    line = next((m.group(0) for m in re.finditer(r"digest run: .*", output)), "")
    return Result(
        subscribers=count,
        delivered=len(per_chat),
        duplicates=sum(n - 1 for n in per_chat.values()),
        missing=count - len(per_chat),
        errors=len(digests) - len(accepted),
        seconds=seconds,
        rate=(len(times) - 1) / seconds if seconds else 0.0,
        steady_rate=(len(steady) - 1) / (steady[-1] - steady[0]) if len(steady) > 1 else 0.0,
        busiest_second=busiest_second(times),
        busiest_steady_second=busiest_second(steady),
        reader_waits=waits,
        run_line=line,
    )


def busiest_second(times: list[float]) -> int:
    """The most of these (sorted) moments that fall within any one second."""
    busiest = start = 0
    for end, moment in enumerate(times):
        while times[start] <= moment - 1.0:
            start += 1
        busiest = max(busiest, end - start + 1)
    return busiest


def report(result: Result, started: str, where: str) -> str:
    """The "Digest" section of docs/benchmarks.md."""
    nominal = DEFAULT_RATE_LIMIT
    waits = sorted(result.reader_waits)
    expected = max(result.subscribers - BURST, 0) / nominal
    rows = [
        ("subscribers", f"{result.subscribers:,}"),
        ("digests delivered", f"{result.delivered:,}"),
        ("sent twice / not sent", f"{result.duplicates} / {result.missing}"),
        ("refused by Telegram (errors)", f"{result.errors}"),
        ("first to last digest", f"{result.seconds:,.1f} s (nominal {expected:,.1f} s)"),
        ("send rate", f"{result.rate:.1f} messages/s"),
        ("ratio to the limiter's nominal 30/s", f"{result.rate / nominal:.2f}"),
        ("send rate after the first burst of 30", f"{result.steady_rate:.1f} messages/s"),
        ("most digests in any one second", f"{result.busiest_second}"),
        ("the same, after the first burst of 30", f"{result.busiest_steady_second}"),
    ]
    if waits:
        rows.append(
            (
                f"a reader's wait for an answer meanwhile ({len(waits)} questions)",
                f"median {statistics.median(waits):.2f} s, max {waits[-1]:.2f} s",
            )
        )
    lines = [
        "## Digest",
        "",
        f"Measured with `.venv/bin/python -m benchmarks.bench_digest --write docs/benchmarks.md`"
        f" on {started}.",
        "",
        f"- Machine: {where}",
        f"- Python {platform.python_version()}, python-telegram-bot {telegram.__version__}",
        "- The real `newsbot run` against the fake Bot API on 127.0.0.1, the rate limiter at its"
        f" defaults (NEWSBOT_RATE_LIMIT unset), {CONCURRENCY} digests in flight",
        f"- The bot's log: `{result.run_line}`",
        "",
        "| measure | value |",
        "|---|---:|",
        *(f"| {name} | {value} |" for name, value in rows),
        "",
        "The digest is spread out, not failed: the limiter's leaky bucket lets 30 messages go"
        " at once and then about 30 a second; whenever sending pauses, the bucket empties and"
        " lets a short burst through again (the busiest seconds above). Should Telegram answer"
        " 429, the limiter waits and retries."
        + (
            " Every chat got its digest exactly once."
            if not (result.duplicates or result.missing or result.errors)
            else " NOT every chat got exactly one digest: see the table."
        )
        + " The"
        " fake answers as fast as it can and does not itself refuse a bot that is too fast;"
        " the pace is the bot's own. The run goes on in the background: a reader who asks"
        " meanwhile waits behind at most the few digest messages in flight, not behind the"
        " whole digest. At 30 a second, 10,000 subscribers take about 5.5 minutes: with"
        " more subscribers, a digest time late in the evening can run into the quiet hours,"
        " and the rest then get theirs the next day at their time.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    """Run the digest once and print (or write) the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000, help="default 10,000")
    parser.add_argument(
        "--reader-every", type=float, default=10.0, help="seconds between readers' questions"
    )
    parser.add_argument("--write", type=Path, metavar="FILE", help="update this Markdown file")
    args = parser.parse_args()
    started, where = time.strftime("%Y-%m-%d"), machine()
    result = run(args.subscribers, args.reader_every)
    section = report(result, started, where)
    print(section)
    if args.write:
        write_section(args.write, "## Digest", section)
    if result.duplicates or result.missing or result.errors:
        raise SystemExit("bench_digest: not every chat got exactly one digest")


if __name__ == "__main__":
    main()
