"""Shared fixtures: an engine over the shipped knowledge, a writable copy of the knowledge, and
the Telegram application over the in-process fake Bot API. Helpers live in tests/helpers/."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from helpers.application import Bot, open_store, start_bot, stop_bot
from helpers.clock import TODAY
from helpers.knowledge import KNOWLEDGE, copy_knowledge

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
