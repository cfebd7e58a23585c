"""Shared fixtures: an engine over the shipped knowledge, one over the sample knowledge (the
shipped knowledge with the sample article only), a writable copy of the sample knowledge, the
Telegram application over the in-process fake Bot API, the storage backend a test runs against,
and the PostgreSQL schemas a test made, dropped after it. Helpers live in tests/helpers/."""

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


@pytest.fixture(scope="session")
def sample_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """An engine over the sample knowledge, for tests that count or list the articles."""
    knowledge = copy_knowledge(tmp_path_factory.mktemp("sample") / "knowledge")
    return Engine.load(knowledge, today=TODAY)


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample knowledge, for tests that break it."""
    return copy_knowledge(tmp_path / "knowledge")


@pytest.fixture
async def bot(sample_engine: Engine, tmp_path: Path) -> AsyncIterator[Bot]:
    """The real Application with every handler over the sample knowledge, its API calls answered
    by a FakeTelegram."""
    started = await start_bot(sample_engine, store=await open_store(tmp_path))
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
