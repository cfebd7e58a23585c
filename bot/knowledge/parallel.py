"""Run one job over many items in chunks across the machine's cores, results in order.

`newsbot check` asks every example question and reads every text for readability: at
100,000 entries that is minutes on one core. The work is split into chunks of consecutive
items; worker processes are forked from the checking process, so they share its loaded
knowledge and index (copy on write) instead of loading or pickling them again, and only the
findings come back. Each worker takes the next chunk when it is done with one, so a slow
stretch (articles' questions) does not hold up the rest. The results are joined in item
order, so the output is the same as on one core. Small jobs (and platforms without fork, or
a process with threads running, where forking is unsafe) run in this process.

A job can be started and its result asked for later (start_chunks): the check reads for
readability on the other cores while it builds its index.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

T = TypeVar("T")
Chunk = Callable[[int, int], list[T]]
Progress = Callable[[int, int], None]

# Below this many items a job runs in this process: forking and collecting cost more.
MIN_PARALLEL_ITEMS = 2000
CHUNKS_PER_WORKER = 16


class WorkerFailed(RuntimeError):
    """A worker process raised or died; the message holds its traceback if it had one."""


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


class Pending(Generic[T]):
    """A job under way in forked workers (or, with one worker, not begun): result() waits."""

    def __init__(self, job: Chunk[T], total: int, workers: int) -> None:
        self.job, self.total = job, total
        self.bounds = _bounds(total, workers * CHUNKS_PER_WORKER if workers > 1 else total // 100)
        self.processes: list[BaseProcess] = []
        self.pipes: list[Connection] = []
        if workers <= 1:
            return
        context = multiprocessing.get_context("fork")
        taken = context.Value("i", 0)  # the next chunk to take, shared by the workers
        for _ in range(workers):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=self._work, args=(taken, send), daemon=True)
            process.start()
            send.close()
            self.processes.append(process)
            self.pipes.append(receive)

    def result(self, progress: Progress | None = None) -> list[T]:
        """The results in item order; progress is told (items done, total) as chunks finish."""
        if not self.processes:
            results: list[T] = []
            for start, stop in self.bounds:
                results += self.job(start, stop)
                if progress is not None:
                    progress(stop, self.total)
            return results
        found: dict[int, list[T]] = {}
        done = 0
        waiting = list(self.pipes)
        try:
            while waiting:
                for pipe in wait(waiting):
                    assert isinstance(pipe, Connection)
                    kind, value = _receive(pipe)
                    if kind == "done":
                        done += value
                        if progress is not None:
                            progress(done, self.total)
                    else:
                        found.update(value)
                        waiting.remove(pipe)
        finally:
            self.cancel()
        return [item for index in sorted(found) for item in found[index]]

    def cancel(self) -> None:
        """Stop the workers still running (the job's result is not wanted, or is in)."""
        for process in self.processes:
            if process.is_alive():
                process.terminate()
            process.join()
        for pipe in self.pipes:
            pipe.close()
        self.processes, self.pipes = [], []

    def _work(self, taken: Any, send: Connection) -> None:
        """In a worker: take chunks until none is left, then send their results home."""
        # What was loaded before the fork is never freed here: keep the collector off it.
        gc.freeze()
        try:
            results: dict[int, list[T]] = {}
            while True:
                with taken.get_lock():
                    index = taken.value
                    taken.value += 1
                if index >= len(self.bounds):
                    break
                start, stop = self.bounds[index]
                results[index] = self.job(start, stop)
                send.send(("done", stop - start))
            send.send(("results", results))
        except BaseException:
            send.send(("failed", traceback.format_exc()))
        finally:
            send.close()


def _receive(pipe: Connection) -> tuple[str, Any]:
    try:
        kind, value = pipe.recv()
    except EOFError:
        raise WorkerFailed("a worker process ended before sending its results") from None
    if kind == "failed":
        raise WorkerFailed(value)
    return kind, value


def start_chunks(job: Chunk[T], total: int, jobs: int | None = None) -> Pending[T]:
    """Begin job(start, stop) over items 0..total in forked workers if worth it, to be
    collected with result() while this process does other work meanwhile."""
    return Pending(job, total, workers_for(total, jobs))


def run_chunks(
    job: Chunk[T], total: int, jobs: int | None = None, progress: Progress | None = None
) -> list[T]:
    """job(start, stop) over items 0..total in chunks, on several cores if worth it; the
    results in item order. progress is told (items done, total) as chunks finish."""
    return start_chunks(job, total, jobs).result(progress)


def _bounds(total: int, chunks: int) -> Sequence[tuple[int, int]]:
    """total items cut into about chunks runs of consecutive items."""
    size = max(1, -(-total // max(1, chunks)))
    return [(start, min(total, start + size)) for start in range(0, total, size)]
