"""The real Telegram Application over an in-process FakeTelegram, built the way `newsbot run`
builds it minus the network, and a reader who talks to it: say text, press a button, see
the messages that came back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.engine import Engine
from bot.storage.interface import Database, StatsStore
from bot.storage.shared.interface import SharedState
from bot.telegram.app import build_application
from bot.telegram.context import STATE_KEY
from bot.telegram.gate import FloodGate
from bot.telegram.state import Newsbot
from helpers.api import TOKEN, Call
from helpers.clock import TODAY, Clock
from helpers.fake import FakeTelegram
from helpers.knowledge import KNOWLEDGE
from helpers.requests import FAKE_BASE_URL, FakeBotApiRequest, OfflineRequest
from helpers.shared import close_scaled, scaled_state
from helpers.stores import open_database


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


@dataclass
class Bot:
    """The application over a FakeTelegram: feed it updates, see what the reader got."""

    fake: FakeTelegram
    application: Application[Any, Any, Any, Any, Any, Any]
    clock: Clock[float]
    database: Database | None = None
    last_asked: dict[str, Any] = field(default_factory=dict)
    scaled: tuple[SharedState, str] | None = None  # the state in Redis, and its key prefix

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
        await state(self).recorder.flush()

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


def state(bot: Bot) -> Newsbot:
    """The bot's state as its handlers see it: engine, chats, newsroom, recorder, digest."""
    found = bot.application.bot_data[STATE_KEY]
    assert isinstance(found, Newsbot)
    return found


async def open_store(tmp_path: Path, backend: str | None = None) -> Database:
    """The database of `newsbot run` in a temporary data directory, its day fixed to TODAY
    (PostgreSQL in a schema of the test's own in the scaled mode, or when backend says so)."""
    return await open_database(tmp_path / "data", today=lambda: TODAY, backend=backend)


async def start_bot(
    engine: Engine,
    *,
    store: Database | None = None,
    knowledge: Path = KNOWLEDGE,
    admin_ids: frozenset[int] = frozenset(),
    rate_limiter: bool = False,
    **settings: object,
) -> Bot:
    """Build and initialise the application the way `newsbot run` does, minus the network;
    its shared state in Redis when the suite runs scaled (NEWSBOT_TEST_SCALED=1)."""
    fake = FakeTelegram()
    clock = Clock(1000.0)
    scaled = await scaled_state()
    shared = scaled[0] if scaled is not None else None
    application = build_application(
        settings_for(knowledge, admin_ids=admin_ids, **settings),
        engine,
        request=FakeBotApiRequest(fake),
        get_updates_request=OfflineRequest(),
        rate_limiter=rate_limiter,
        flood=FloodGate(clock=clock, counter=shared.flood if shared is not None else None),
        store=store,
        shared=shared,
    )
    await application.initialize()
    assert application.post_init is not None
    await application.post_init(application)
    return Bot(fake, application, clock, store, scaled=scaled)


async def stop_bot(bot: Bot) -> None:
    """Shut the application down and close its database."""
    await bot.recorded()
    await bot.application.shutdown()
    if bot.database is not None:
        await bot.database.close()
    if bot.scaled is not None:
        await close_scaled(*bot.scaled)
