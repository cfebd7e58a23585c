"""Shared fixtures: an engine over the shipped knowledge, a writable copy of the knowledge, and
the Telegram application over the in-process fake Bot API, the storage backend a test runs
against, and the PostgreSQL schemas a test made, dropped after it. Helpers: tests/helpers/."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from helpers.application import Bot, open_store, start_bot, stop_bot
from helpers.clock import TODAY
from helpers.knowledge import KNOWLEDGE, copy_knowledge
from helpers.stores import BACKENDS, drop_schemas

from bot.engine import Engine


@pytest.fixture(scope="session")
def engine() -> Engine:
    """An engine over the shipped knowledge, built once for the whole test run."""
    return Engine.load(KNOWLEDGE, today=TODAY)


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped knowledge, for tests that break it."""
    return copy_knowledge(tmp_path / "knowledge")


@pytest.fixture
async def bot(engine: Engine, tmp_path: Path) -> AsyncIterator[Bot]:
    """The real Application with every handler, its API calls answered by a FakeTelegram."""
    started = await start_bot(engine, store=await open_store(tmp_path))
    yield started
    await stop_bot(started)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The storage backend a test of the one storage suite runs against: each in turn."""
    return str(request.param)


@pytest.fixture(autouse=True)
def _drop_test_schemas() -> Iterator[None]:
    """After every test: drop the PostgreSQL schemas it created (tests/helpers/stores.py)."""
    yield
    drop_schemas()
