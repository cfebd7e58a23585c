"""The shared parts of docs/benchmarks.md: the machine a run was on, and its own section."""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path


def cpu_model() -> str:
    """The CPU's model name, as /proc/cpuinfo tells it."""
    model = platform.processor() or platform.machine() or "unknown CPU"
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return model
    found = re.search(r"^model name\s*:\s*(.+)$", info, re.MULTILINE)
    return found.group(1).strip() if found else model


def machine() -> str:
    """CPU model and count, and the load when the benchmark started."""
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{cpu_model()}, {os.cpu_count()} CPU(s), {platform.system()} {platform.release()};"
        f" load average at the start {load} (the machine is shared)"
    )


def write_section(path: Path, heading: str, text: str) -> None:
    """Replace (or add) the section under `heading` ("## ...") and keep every other one."""
    page = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    body = text.rstrip("\n") + "\n"
    if pattern.search(page):
        page = pattern.sub(lambda _: body + "\n", page)
    else:
        page = page.rstrip("\n") + "\n\n" + body
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page.rstrip("\n") + "\n", encoding="utf-8")
