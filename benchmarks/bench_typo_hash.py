"""Time per question with the typo table hashed by crc32 (now) and by str's hash() (before).

    .venv/bin/python -m benchmarks.bench_typo_hash --kb bench-out/100000/knowledge \
        --questions bench-out/100000/questions.yaml

The snapshot needs a typo table that means the same in every process, so its hash changed
from str's hash() (salted per process) to crc32. One engine, the same questions, the two
tables taking turns (A B A B ...), so that both see the same machine: the medians and their
ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import yaml

from bot.engine import Engine
from bot.search import typos
from bot.search.typos import MIN_TYPO_LENGTH, DeletionIndex


def per_question(engine: Engine, questions: list[str]) -> list[float]:
    """Milliseconds of Engine.answer for each question."""
    times = []
    for question in questions:
        started = time.perf_counter_ns()
        engine.answer(question)
        times.append((time.perf_counter_ns() - started) / 1e6)
    return times


def main() -> None:
    """Build once, then time both tables in turns."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    items = yaml.safe_load(args.questions.read_text(encoding="utf-8"))
    questions = [item["q"] for item in items if isinstance(item, dict) and "q" in item]
    engine = Engine.load(args.kb)
    parsed = engine.matcher.parser.typos
    crc_table = parsed.deletions
    words = (w for w in parsed.surface if len(w) >= MIN_TYPO_LENGTH)
    crc32_hash = typos.stable_hash
    typos.stable_hash = hash  # type: ignore[assignment]
    salted_table = DeletionIndex(words)
    typos.stable_hash = crc32_hash
    per_question(engine, questions[:50])  # warm up
    results: dict[str, list[float]] = {"hash()": [], "crc32": []}
    for _ in range(args.rounds):
        for name, table, function in (
            ("hash()", salted_table, hash),
            ("crc32", crc_table, crc32_hash),
        ):
            parsed.deletions = table
            typos.stable_hash = function  # type: ignore[assignment]
            results[name] += per_question(engine, questions)
    typos.stable_hash = crc32_hash
    before, after = (statistics.median(results[k]) for k in ("hash()", "crc32"))
    print(f"questions: {len(questions)} x {args.rounds} rounds, {args.kb}")
    print(f"median ms, hash() (before): {before:.3f}")
    print(f"median ms, crc32 (now):     {after:.3f}")
    print(f"now / before: {after / before:.2f}")


if __name__ == "__main__":
    main()
