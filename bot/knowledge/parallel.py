"""Run one job over many items in chunks across the machine's cores, results in order.

`newsbot check` asks every example question and reads every text for readability: at
100,000 entries that is minutes on one core. The work is split into chunks of consecutive
items; worker processes are forked from the checking process, so they share its loaded
knowledge and index (copy on write) instead of loading or pickling them again, and only the
chunk bounds go in and the findings come back. The results are joined in item order, so the
output is the same as on one core. Small jobs (and platforms without fork, or a process
with threads running, where forking is unsafe) run in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
Chunk = Callable[[int, int], list[T]]
Progress = Callable[[int, int], None]

# Below this many items a job runs in this process: forking and collecting cost more.
MIN_PARALLEL_ITEMS = 2000
CHUNKS_PER_WORKER = 8

# The job of the pool being run: set before the workers are forked, so they inherit it.
_JOB: Callable[[int, int], list[object]] | None = None


def cores() -> int:
    """How many cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def workers_for(total: int, jobs: int | None) -> int:
    """How many processes a job of total items gets: jobs if given, else one per core for
    large jobs and one for small ones (or where forking is not possible)."""
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return 1
    if jobs is not None:
        return max(1, min(jobs, total))
    return 1 if total < MIN_PARALLEL_ITEMS else min(cores(), total)


def run_chunks(
    job: Chunk[T], total: int, jobs: int | None = None, progress: Progress | None = None
) -> list[T]:
    """job(start, stop) over items 0..total in chunks, on several cores if worth it; the
    results in item order. progress is told (items done, total) as chunks finish."""
    workers = workers_for(total, jobs)
    chunks = workers * CHUNKS_PER_WORKER if workers > 1 else max(1, total // 100)
    bounds = _bounds(total, chunks)
    results: list[T] = []
    if workers <= 1:
        for start, stop in bounds:
            results += job(start, stop)
            if progress is not None:
                progress(stop, total)
        return results
    global _JOB
    _JOB = job  # type: ignore[assignment]
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures: list[Future[list[T]]] = [
                pool.submit(_run_chunk, start, stop)  # type: ignore[arg-type]
                for start, stop in bounds
            ]
            for future, (_, stop) in zip(futures, bounds, strict=True):
                results += future.result()
                if progress is not None:
                    progress(stop, total)
    finally:
        _JOB = None
    return results


def _run_chunk(start: int, stop: int) -> list[object]:
    """In a worker: the inherited job over one chunk."""
    assert _JOB is not None
    return _JOB(start, stop)


def _bounds(total: int, chunks: int) -> Sequence[tuple[int, int]]:
    """total items cut into about chunks runs of consecutive items."""
    size = max(1, -(-total // max(1, chunks)))
    return [(start, min(total, start + size)) for start in range(0, total, size)]
