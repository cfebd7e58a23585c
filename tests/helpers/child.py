"""A child process of a test or a benchmark: `newsbot run` started the one way, and any child
stopped the one way (SIGTERM, then SIGKILL if it does not end). No pytest here: the
benchmarks use it too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import IO


def start_bot(
    env: dict[str, str], cwd: Path, out: IO[bytes] | None = None
) -> subprocess.Popen[bytes]:
    """`python -m bot run` in cwd (so no .env of the checkout is read) with env; its output
    to out, or nowhere."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=out if out is not None else subprocess.DEVNULL,
        stderr=subprocess.STDOUT if out is not None else subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """Terminate a child and wait for it; kill it if it does not end within timeout."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)
