"""Fuzz the answering engine with generated questions: crashes (target 0), slowest (< 50 ms).

Usage: python benchmarks/fuzz.py [--count 100000] [--seed 1] [--kb DIR] [--cli N] [--handlers N]
                                 [--hostile N]

Questions are generated from a seed: knowledge words with typos, random Unicode (lone
surrogates, combining marks, right-to-left and zero-width characters, emoji sequences),
HTML-like text, control characters and very long lines. Each is answered in-process
through the same path as `newsbot ask --json`, timed, and checked for a valid reply;
--cli N also pipes N of them through a real `newsbot ask --json` process, and --handlers N
sends N of them as Telegram messages through the bot's handlers (Application.process_update)
to the strict fake Bot API of the test tree, which refuses invalid HTML, texts over 4096
characters and callback data over 64 bytes as Telegram does. --hostile N sends N updates
with hostile field values (dates, ids, lengths, types; benchmarks/hostile.py) through the
bot's intake and handlers: the target is 0 crashes and 0 stalls.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.hostile import run_hostile  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.models import Reply  # noqa: E402
from bot.search.analysis import fold  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))

KINDS = {"article", "term", "source", "sources", "news", "help", "smalltalk", "comfort", "none"}
SPECIAL = [
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u202d", "\u0301", "\u0308",
    "\x00", "\x07", "\x1b[31m", "\r", "\t", "\ud800", "\udfff", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇩🇪",
    "<b>", "</b>", "<a href=\"javascript:x\">", "&amp;", "&lt;", "<script>", "]]>", "{{", "%s",
]  # fmt: skip
SCRIPTS = ["Путин санкции", "金正恩", "مرحبا كيف", "שלום", "ñandú", "Ωμέγα", "कृपया"]


@dataclass
class Outcome:
    """What the run found."""

    count: int = 0
    crashes: list[tuple[str, str]] = field(default_factory=list)
    slowest: list[tuple[float, str]] = field(default_factory=list)
    seconds: float = 0.0
    median: float = 0.0


def vocabulary(engine: Engine) -> list[str]:
    """Words of the knowledge (names, aliases, questions) to build plausible questions from."""
    words: set[str] = set()
    for entry in engine.kb.entries():
        texts = [entry.name, *entry.questions]
        texts += list(getattr(entry, "aliases", ()))
        for text in texts:
            words.update(text.split())
    return sorted(words)


def typo(rng: random.Random, word: str) -> str:
    """One random typo: a letter dropped, doubled, swapped or replaced."""
    if len(word) < 3:
        return word
    i = rng.randrange(len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    if kind == 2:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice("abcdefghijklmnopqrstuvwxyzäöüß") + word[i + 1 :]


def questions(engine: Engine, count: int, seed: int) -> Iterator[str]:
    """Deterministic generated questions of many shapes."""
    rng = random.Random(seed)
    words = vocabulary(engine)
    fillers = ["was", "ist", "sind", "wer", "erklär", "mal", "bitte", "eigentlich", "??", "!!"]
    for _ in range(count):
        shape = rng.randrange(8)
        if shape == 0:
            yield "".join(chr(rng.randrange(0x110000)) for _ in range(rng.randrange(1, 40)))
        elif shape == 1:
            yield " ".join(rng.choice(SPECIAL + words) for _ in range(rng.randrange(1, 12)))
        elif shape == 2:
            yield rng.choice(words) * rng.randrange(1, 3000)
        elif shape == 3:
            yield " ".join(rng.choice(SCRIPTS + fillers) for _ in range(rng.randrange(1, 6)))
        else:
            parts = [rng.choice(fillers)] + [
                typo(rng, rng.choice(words)) for _ in range(rng.randrange(1, 5))
            ]
            if rng.random() < 0.3:
                parts.insert(rng.randrange(len(parts)), rng.choice(SPECIAL))
            text = " ".join(parts)
            yield text.lower() if rng.random() < 0.5 else fold(text)


def valid(reply: Reply) -> str | None:
    """Why a reply is not valid, or None."""
    if reply.kind not in KINDS:
        return f"unknown kind {reply.kind!r}"
    if not reply.text.strip():
        return "empty text"
    if any(len(b.action.encode()) > 64 for b in reply.buttons):
        return "callback data over 64 bytes"
    json.dumps(reply.to_json(), ensure_ascii=False)
    return None


def run_engine(engine: Engine, texts: list[str]) -> Outcome:
    """Answer every text through the composer (no safety net), timing each."""
    outcome = Outcome()
    started = time.perf_counter()
    slow: list[tuple[float, str]] = []
    for text in texts:
        t0 = time.perf_counter()
        try:
            problem = valid(engine.composer.answer(text, None))
        except Exception as exc:  # a crash is what we are looking for
            problem = f"{type(exc).__name__}: {exc}"
        elapsed = time.perf_counter() - t0
        slow.append((elapsed, text))
        if problem:
            outcome.crashes.append((text, problem))
        outcome.count += 1
    outcome.seconds = time.perf_counter() - started
    ordered = sorted(slow, reverse=True)
    outcome.slowest = ordered[:5]
    outcome.median = ordered[len(ordered) // 2][0] if ordered else 0.0
    return outcome


def run_cli(kb: Path, texts: list[str]) -> list[str]:
    """Pipe texts through `newsbot ask --json`; return what went wrong."""
    lines = [t.replace("\n", " ").replace("\r", " ") for t in texts]
    payload = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
    run = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--kb", str(kb)],
        input=payload,
        capture_output=True,
        check=False,
        cwd=ROOT,
    )
    problems = []
    out = run.stdout.decode("utf-8", "replace").splitlines()
    if run.returncode != 0 or b"Traceback" in run.stderr:
        problems.append(f"exit {run.returncode}: {run.stderr.decode(errors='replace')[-500:]}")
    if len(out) != len(lines):
        problems.append(f"{len(lines)} questions but {len(out)} answers")
    for line in out:
        if json.loads(line)["kind"] not in KINDS:
            problems.append(f"bad line {line[:100]}")
    return problems


async def run_handlers(engine: Engine, texts: list[str]) -> Outcome:
    """Send texts as messages through the Telegram handlers to the strict fake Bot API."""
    from helpers.api import TOKEN
    from helpers.fake import FakeTelegram
    from helpers.requests import FakeBotApiRequest, OfflineRequest
    from telegram import Update

    from bot.config import Settings
    from bot.telegram.app import build_application
    from bot.telegram.gate import FloodGate

    fake = FakeTelegram()
    settings = Settings(
        token=TOKEN,
        api_base_url="http://127.0.0.1:1/bot",
        knowledge_dir=engine.kb.root,
        data_dir=Path("data"),
        admin_ids=frozenset(),
        log_level="WARNING",
    )
    application = build_application(
        settings,
        engine,
        request=FakeBotApiRequest(fake, "http://127.0.0.1:1/bot"),
        get_updates_request=OfflineRequest(),
        rate_limiter=False,
        flood=FloodGate(capacity=10**9),
    )
    await application.initialize()
    outcome = Outcome()
    slow: list[tuple[float, str]] = []
    started = time.perf_counter()
    sends = 0
    for number, text in enumerate(texts):
        if number % 1000 == 0:
            # The fake records every call; keep its memory (and GC walks) out of the timing.
            fake.calls.clear()
            fake.messages.clear()
        chat = fake.private_chat(10_000 + number % 500)
        fake.send_text(chat, text.replace("\x00", " "))
        update = Update.de_json(fake.take_last_update(), application.bot)
        before = len(fake.calls)
        t0 = time.perf_counter()
        try:
            await application.process_update(update)
        except Exception as exc:
            outcome.crashes.append((text, f"{type(exc).__name__}: {exc}"))
        slow.append((time.perf_counter() - t0, text))
        for call in fake.calls[before:]:
            sends += call.method.startswith("send")
            if not call.ok:
                outcome.crashes.append((text, f"{call.method} refused: {call.error}"))
        outcome.count += 1
    outcome.seconds = time.perf_counter() - started
    ordered = sorted(slow, reverse=True)
    outcome.slowest = ordered[:5]
    outcome.median = ordered[len(ordered) // 2][0] if ordered else 0.0
    if sends < len(texts):
        outcome.crashes.append(("", f"only {sends} messages sent for {len(texts)} questions"))
    await application.shutdown()
    return outcome


def main() -> int:
    """Run the fuzzer and print its report; exit 1 on a crash or a question over 50 ms."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kb", type=Path, default=ROOT / "knowledge")
    parser.add_argument("--cli", type=int, default=2000, help="questions through the CLI too")
    parser.add_argument("--handlers", type=int, default=2000, help="questions through Telegram")
    parser.add_argument(
        "--hostile", type=int, default=2000, help="updates with hostile field values"
    )
    parser.add_argument(
        "--max-ms", type=float, default=50.0, help="slowest allowed; 0: report, do not judge"
    )
    args = parser.parse_args()

    engine = Engine.load(args.kb)
    texts = list(questions(engine, args.count, args.seed))
    outcome = run_engine(engine, texts)
    cli_problems = run_cli(args.kb, texts[: args.cli]) if args.cli else []
    handlers = asyncio.run(run_handlers(engine, texts[: args.handlers]))
    hostile = asyncio.run(run_hostile(engine, args.hostile, args.seed))
    worst_ms = outcome.slowest[0][0] * 1000 if outcome.slowest else 0.0
    print(f"fuzz: {outcome.count} questions in {outcome.seconds:.1f} s through the engine,")
    print(f"      {min(args.cli, len(texts))} through `newsbot ask --json`,")
    print(f"      {handlers.count} through the Telegram handlers in {handlers.seconds:.1f} s")
    print(
        f"      crashes: {len(outcome.crashes)}, CLI problems: {len(cli_problems)},"
        f" Telegram problems: {len(handlers.crashes)}"
    )
    if handlers.slowest:
        print(
            f"      through the handlers: median {handlers.median * 1000:.2f} ms,"
            f" slowest {handlers.slowest[0][0] * 1000:.1f} ms"
        )
    print(
        f"      through the engine: median {outcome.median * 1000:.2f} ms,"
        f" slowest {worst_ms:.1f} ms (target < 50 ms)"
    )
    for elapsed, text in outcome.slowest[:3]:
        print(f"        {elapsed * 1000:6.1f} ms  {text[:60]!r}")
    for text, problem in outcome.crashes[:10]:
        print(f"      CRASH {problem}: {text[:80]!r}")
    for problem in cli_problems[:10]:
        print(f"      CLI {problem}")
    for text, problem in handlers.crashes[:10]:
        print(f"      TELEGRAM {problem}: {text[:80]!r}")
    print(
        f"      {hostile.count} updates with hostile fields in {hostile.seconds:.1f} s:"
        f" {hostile.skipped} skipped as unreadable, {hostile.repeated} as repeats,"
        f" {hostile.handled} handled"
        f" ({hostile.refused} calls refused by Telegram for what the update said);"
        f" crashes: {len(hostile.crashes)}, stalls: {len(hostile.stalls)},"
        f" slowest {hostile.slowest * 1000:.0f} ms"
    )
    for update, problem in (hostile.crashes + hostile.stalls)[:10]:
        print(f"      HOSTILE {problem[:200]}: {update[:160]}")
    too_slow = args.max_ms > 0 and worst_ms >= args.max_ms
    failed = (
        outcome.crashes
        or cli_problems
        or handlers.crashes
        or hostile.crashes
        or hostile.stalls
        or too_slow
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
