"""Shared fixtures: the shipped knowledge, an engine over it, a writable copy, and the
Telegram application over an in-process fake Bot API."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fake_telegram import (
    FAKE_BASE_URL,
    TOKEN,
    Call,
    FakeBotApiRequest,
    FakeTelegram,
    OfflineRequest,
)
from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.engine import Engine
from bot.storage.backend import open_database
from bot.storage.interface import Database, StatsStore
from bot.telegram.app import build_application
from bot.telegram.context import STATE_KEY
from bot.telegram.gate import FloodGate
from bot.telegram.state import Newsbot

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


def add_article(knowledge: Path, id_: str, day: dt.date, title: str) -> None:
    """Write a small valid article into a knowledge directory (for the digest)."""
    (knowledge / "articles" / f"{id_}.yaml").write_text(
        "# yaml-language-server: $schema=../schema/article.schema.json\n"
        f"id: {id_}\ntitle: {title}\ndate: {day.isoformat()}\n"
        f"url: https://www.example.org/{id_}\n"
        "summary: Eine Rakete ist zum Mond geflogen. Menschen waren nicht an Bord.\n"
        "details: Die Rakete hat Messgeräte zum Mond gebracht.\n",
        encoding="utf-8",
    )


@asynccontextmanager
async def write_lock(path: Path, seconds: float) -> AsyncIterator[None]:
    """Another connection to the SQLite file (as another process's would) holds its write lock
    for `seconds` from the moment the block is entered; leaving the block waits for its end."""
    locked = threading.Event()

    def hold() -> None:
        db = sqlite3.connect(path, isolation_level=None)
        try:
            db.execute("BEGIN EXCLUSIVE")
            locked.set()
            time.sleep(seconds)
            db.execute("COMMIT")
        finally:
            locked.set()
            db.close()

    holder = threading.Thread(target=hold, name="write lock holder")
    holder.start()
    await asyncio.to_thread(locked.wait)
    try:
        yield
    finally:
        await asyncio.to_thread(holder.join)


def settings_for(knowledge: Path = KNOWLEDGE, **changes: object) -> Settings:
    """Settings as `newsbot run` would read them, for the fake Telegram."""
    values: dict[str, object] = {
        "token": TOKEN,
        "api_base_url": FAKE_BASE_URL,
        "knowledge_dir": knowledge,
        "data_dir": Path("data"),
        "admin_ids": frozenset(),
        "log_level": "INFO",
    }
    values.update(changes)
    return Settings(**values)  # type: ignore[arg-type]


class Clock:
    """A clock the test moves forward."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Bot:
    """The application over a FakeTelegram: feed it updates, see what the reader got."""

    fake: FakeTelegram
    application: Application[Any, Any, Any, Any, Any, Any]
    clock: Clock
    database: Database | None = None
    last_asked: dict[str, Any] = field(default_factory=dict)

    @property
    def store(self) -> StatsStore | None:
        """The statistics the bot records into, if it has a database."""
        return self.database.stats if self.database is not None else None

    async def feed(self, update: dict[str, Any]) -> list[Call]:
        """Process one update and let what it recorded reach the database; the calls it made."""
        before = len(self.fake.calls)
        await self.application.process_update(Update.de_json(update, self.application.bot))
        await self.recorded()
        return self.fake.calls[before:]

    async def recorded(self) -> None:
        """Wait for the statistics the bot writes beside its replies."""
        state = self.application.bot_data[STATE_KEY]
        assert isinstance(state, Newsbot)
        await state.recorder.flush()

    async def say(self, chat: dict[str, Any], text: str, **kwargs: Any) -> list[Call]:
        """A reader writes text; the messages the bot sent to that chat in return."""
        self.last_asked = self.fake.send_text(chat, text, **kwargs)
        return _messages(await self.feed(self.fake.take_last_update()), chat["id"])

    async def press(self, message: Call, label: str) -> list[Call]:
        """A reader presses the button with this label on a message the bot sent."""
        sent = message.result
        for row in sent["reply_markup"]["inline_keyboard"]:
            for button in row:
                if button["text"] == label:
                    self.fake.press(sent, button["callback_data"])
                    update = self.fake.take_last_update()
                    return _messages(await self.feed(update), sent["chat"]["id"])
        raise AssertionError(f"no button {label!r} in {sent.get('reply_markup')}")


def _messages(calls: list[Call], chat_id: int) -> list[Call]:
    return [c for c in calls if c.ok and c.chat_id == chat_id and c.method.startswith("send")]


@pytest.fixture
async def bot(engine: Engine, tmp_path: Path) -> AsyncIterator[Bot]:
    """The real Application with every handler, its API calls answered by a FakeTelegram."""
    started = await start_bot(engine, store=await open_store(tmp_path))
    yield started
    await stop_bot(started)


async def open_store(tmp_path: Path) -> Database:
    """The database of `newsbot run` in a temporary data directory, its day fixed to TODAY."""
    return await open_database(tmp_path / "data", today=lambda: TODAY)


async def start_bot(
    engine: Engine,
    *,
    store: Database | None = None,
    knowledge: Path = KNOWLEDGE,
    admin_ids: frozenset[int] = frozenset(),
    rate_limiter: bool = False,
    **settings: object,
) -> Bot:
    """Build and initialise the application the way `newsbot run` does, minus the network."""
    fake = FakeTelegram()
    clock = Clock()
    application = build_application(
        settings_for(knowledge, admin_ids=admin_ids, **settings),
        engine,
        request=FakeBotApiRequest(fake),
        get_updates_request=OfflineRequest(),
        rate_limiter=rate_limiter,
        flood=FloodGate(clock=clock),
        store=store,
    )
    await application.initialize()
    assert application.post_init is not None
    await application.post_init(application)
    return Bot(fake, application, clock, store)


async def stop_bot(bot: Bot) -> None:
    """Shut the application down and close its database."""
    await bot.recorded()
    await bot.application.shutdown()
    if bot.database is not None:
        await bot.database.close()
