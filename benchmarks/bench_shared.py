"""What the shared state costs per update: memory against Redis, measured in one run.

    .venv/bin/python -m benchmarks.bench_shared --write docs/benchmarks.md

Each update of a chat takes the round trips the adapter makes: the chat lock held around
it, the update id claimed and marked done, the flood gate's count, the conversation loaded
and saved, and one send slot. Each step is timed on its own over --updates updates (one
after another: the latency an update waits), then whole updates with --concurrent chats at
once (the throughput of one process). Redis runs under a key prefix of its own, deleted at
the end; where Redis does not answer, only memory is measured (under CI=true: an error).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import secrets
import socket
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import redis

from benchmarks.page import machine, write_section
from bot.storage.shared.backend import forget_all, open_redis_state
from bot.storage.shared.interface import FloodPolicy, SharedState
from bot.storage.shared.memory import memory_state

REDIS_URL = os.environ.get("NEWSBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
POLICY = FloodPolicy(capacity=1e9, refill=1.0, cooldown=5.0, notice_every=60.0)  # never holds
CONVERSATION = {
    "last_ref": "t:sanktionen",
    "more_of": None,
    "comforted": ["krieg"],
    "question": "was sind sanktionen",
    "question_message_id": 41,
    "answered": "was sind sanktionen",
    "answered_message_id": 42,
}
Step = Callable[[SharedState, int, int], Awaitable[None]]


async def conversation(shared: SharedState, chat: int, n: int) -> None:
    """Load the chat's conversation and save it changed."""
    await shared.conversations.load(chat)
    await shared.conversations.save(chat, {**CONVERSATION, "answered_message_id": n})


async def flood(shared: SharedState, chat: int, n: int) -> None:
    """The flood gate's count."""
    await shared.flood.take(chat, 1.0, time.time(), POLICY)


async def send_slot(shared: SharedState, chat: int, n: int) -> None:
    """One send slot of the bot's overall rate (a rate that never makes it wait)."""
    await shared.send_rate.reserve("overall", 1e9, 1.0, burst=1_000_000)


async def ledger(shared: SharedState, chat: int, n: int) -> None:
    """The update claimed, then marked done."""
    await shared.ledger.claim(n, 30.0)
    await shared.ledger.done(n)


async def lock(shared: SharedState, chat: int, n: int) -> None:
    """The chat lock taken and given back."""
    async with shared.locks.hold(chat, 75.0):
        pass


STEPS: list[tuple[str, Step]] = [
    ("conversation load + save", conversation),
    ("flood count", flood),
    ("send slot", send_slot),
    ("ledger claim + done", ledger),
    ("chat lock hold", lock),
]


async def update(shared: SharedState, chat: int, n: int) -> None:
    """Every step of one update, in the order the adapter takes them."""
    async with shared.locks.hold(chat, 75.0):
        await shared.ledger.claim(n, 30.0)
        await shared.ledger.done(n)
        await flood(shared, chat, n)
        await conversation(shared, chat, n)
        await send_slot(shared, chat, n)


@dataclass
class Measured:
    """Microseconds per update for each step and for whole updates; updates a second."""

    steps: dict[str, float]
    whole: float
    throughput: float


async def measure(shared: SharedState, updates: int, concurrent: int, base: int) -> Measured:
    """Time each step over `updates` updates, then whole updates `concurrent` at a time."""
    steps = {}
    for name, step in STEPS:
        started = time.perf_counter()
        for n in range(updates):
            await step(shared, 1_000 + n % 500, base + n)
        steps[name] = (time.perf_counter() - started) / updates * 1e6
    started = time.perf_counter()
    for n in range(updates):
        await update(shared, 1_000 + n % 500, base + updates + n)
    whole = (time.perf_counter() - started) / updates * 1e6
    queue = iter(range(updates))

    async def worker(chat: int) -> None:
        for n in queue:
            await update(shared, chat, base + 2 * updates + n)

    started = time.perf_counter()
    await asyncio.gather(*(worker(2_000 + c) for c in range(concurrent)))
    throughput = updates / (time.perf_counter() - started)
    return Measured(steps, whole, throughput)


def redis_answers(url: str) -> bool:
    """True if something accepts a connection at the Redis URL."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), 1):
            return True
    except OSError:
        return False


async def run(updates: int, concurrent: int, url: str) -> tuple[Measured, Measured | None]:
    """Measure memory, then Redis (if it answers) under a prefix deleted afterwards."""
    memory = await measure(memory_state(), updates, concurrent, 0)
    if not redis_answers(url):
        if os.environ.get("CI") == "true":
            raise SystemExit(f"bench_shared: Redis does not answer at {url}")
        print(f"bench_shared: Redis does not answer at {url}; measured memory only")
        return memory, None
    prefix = f"newsbot_bench_{os.getpid()}_{secrets.token_hex(4)}"
    shared = await open_redis_state(url, secrets.token_urlsafe(32), prefix)
    try:
        return memory, await measure(shared, updates, concurrent, 0)
    finally:
        await shared.close()
        await forget_all(url, prefix)


def report(memory: Measured, in_redis: Measured, updates: int, concurrent: int) -> str:
    """The section of docs/benchmarks.md."""
    rows = [(name, memory.steps[name], in_redis.steps[name]) for name in memory.steps] + [
        ("a whole update (all of the above)", memory.whole, in_redis.whole)
    ]
    server = redis.Redis.from_url(REDIS_URL).info("server").get("redis_version", "?")
    lines = [
        "## Shared state",
        "",
        "Measured with `.venv/bin/python -m benchmarks.bench_shared --write docs/benchmarks.md`"
        f" on {time.strftime('%Y-%m-%d')}.",
        "",
        f"- Machine: {machine()}",
        f"- Python {platform.python_version()}, redis-py {redis.__version__}, Redis {server}"
        " on 127.0.0.1 (the same machine, over TCP)",
        f"- {updates:,} updates of 500 chats, one after another for each step; then whole"
        f" updates, {concurrent} chats at once",
        "",
        "| per update | memory | Redis | ratio |",
        "|---|---:|---:|---:|",
        *(f"| {name} | {m:,.1f} µs | {r:,.1f} µs | {r / m:,.0f} |" for name, m, r in rows),
        f"| whole updates a second, {concurrent} chats at once | {memory.throughput:,.0f}"
        f" | {in_redis.throughput:,.0f} | {memory.throughput / in_redis.throughput:,.1f} |",
        "",
        "Each Redis step is one round trip (two for the ledger, two for the lock: taking it"
        " and giving it back), a script where it must not race with another process. A whole"
        f" update waits {in_redis.whole / 1000:.2f} ms for Redis, one after another; with"
        f" {concurrent} chats at once one process takes {in_redis.throughput:,.0f} updates a"
        " second through the shared state"
        + (
            ", more than the 30 messages a second Telegram lets a bot send."
            if in_redis.throughput > 30
            else ", fewer than the 30 messages a second Telegram lets a bot send."
        )
        + f" In memory the median step takes {statistics.median(memory.steps.values()):.1f} µs:"
        " there the cost is Python's own. The round trip, not Redis's work, is the cost:"
        " `redis-cli --latency` on the same machine at the same time measures it on its own.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    """Measure and print (or write) the section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=5_000, help="default 5,000")
    parser.add_argument("--concurrent", type=int, default=64, help="default 64 chats at once")
    parser.add_argument("--redis", default=REDIS_URL, help="the Redis server to measure")
    parser.add_argument("--write", type=Path, metavar="FILE", help="update this Markdown file")
    args = parser.parse_args()
    memory, in_redis = asyncio.run(run(args.updates, args.concurrent, args.redis))
    if in_redis is None:
        return
    section = report(memory, in_redis, args.updates, args.concurrent)
    print(section)
    if args.write:
        write_section(args.write, "## Shared state", section)


if __name__ == "__main__":
    main()
