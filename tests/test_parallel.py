"""run_chunks and start_chunks: the same results, in order, on one core or several."""

from __future__ import annotations

import os

import pytest

from bot.knowledge.parallel import WorkerFailed, run_chunks, start_chunks


def squares(start: int, stop: int) -> list[tuple[int, int]]:
    return [(n, n * n) for n in range(start, stop)]


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_the_results_come_in_item_order_whatever_the_number_of_workers(jobs: int) -> None:
    told: list[tuple[int, int]] = []
    found = run_chunks(squares, 5000, jobs, lambda done, total: told.append((done, total)))
    assert found == squares(0, 5000)
    assert told[-1] == (5000, 5000)
    assert [done for done, _ in told] == sorted(done for done, _ in told)


def test_a_started_job_works_while_this_process_does_something_else() -> None:
    pending = start_chunks(lambda start, stop: [os.getpid()] * (stop - start), 4000, jobs=2)
    busy = sum(range(100_000))  # this process's own work meanwhile
    pids = pending.result()
    assert busy and len(pids) == 4000 and os.getpid() not in pids


def fails(start: int, stop: int) -> list[int]:
    if start <= 3000 < stop:
        raise ValueError("item 3000 is broken")
    return list(range(start, stop))


def test_a_failing_worker_fails_the_job_with_its_traceback() -> None:
    with pytest.raises(WorkerFailed, match="item 3000 is broken"):
        run_chunks(fails, 5000, jobs=2)


def test_a_cancelled_job_leaves_no_worker_behind() -> None:
    pending = start_chunks(squares, 5000, jobs=2)
    processes = list(pending.processes)
    pending.cancel()
    assert processes and not any(process.is_alive() for process in processes)
