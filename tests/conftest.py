"""Shared fixtures: the shipped knowledge, an engine over it, and a writable copy."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="session")
def engine() -> Engine:
    """An engine over the shipped knowledge, built once for the whole test run."""
    return Engine.load(KNOWLEDGE, today=TODAY)


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped knowledge, for tests that break it."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target, ignore=shutil.ignore_patterns("README.md", "schema"))
    return target
