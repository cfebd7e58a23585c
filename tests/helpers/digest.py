"""The daily digest of a real `newsbot run`, prepared: a data directory with subscriptions
(written through bot.storage, as /abo would have), a copy of the knowledge with one article
newer than the subscribers' last digest, and the environment that starts the bot with its
clock just after their time (NEWSBOT_CLOCK_START)."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.storage.interface import Subscription
from helpers.api import TOKEN
from helpers.fake import FakeTelegram
from helpers.knowledge import KNOWLEDGE, add_article
from helpers.process import BotProcess, launch
from helpers.server import FakeTelegramServer
from helpers.stores import database_env, open_database

NEW_ID, NEW_TITLE, NEW_DAY = "rakete-mond", "Eine Rakete fliegt zum Mond", dt.date(2026, 11, 23)
# article_key() of the shipped article and of the new one
OLD_KEY, NEW_KEY = "2023-09-13/putin-kim-treffen", f"{NEW_DAY.isoformat()}/{NEW_ID}"
AFTER_TIME = "2026-11-24T07:15:30+01:00"  # the subscriptions are for 07:15
CHECK_SECONDS = 0.25


@dataclass
class Setup:
    """A data directory with subscriptions, a knowledge copy, and the fake Telegram."""

    tmp: Path
    fake: FakeTelegram
    base_url: str
    chats: list[int]

    def env(self, clock: str = AFTER_TIME, **extra: str) -> dict[str, str]:
        """The bot's environment: this setup's folders, its clock set to `clock`."""
        return {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": self.base_url,
            "NEWSBOT_KNOWLEDGE": str(self.tmp / "knowledge"),
            "NEWSBOT_DATA_DIR": str(self.tmp / "data"),
            "NEWSBOT_CLOCK_START": clock,
            "NEWSBOT_DIGEST_CHECK_SECONDS": str(CHECK_SECONDS),
            "NEWSBOT_LOG_LEVEL": "INFO",
            **database_env(self.tmp / "data"),
            **extra,
        }

    def start(self, name: str, clock: str = AFTER_TIME, **extra: str) -> BotProcess:
        """Launch `newsbot run` over this setup."""
        return launch(self.tmp, name, **self.env(clock, **extra))

    def delivered(self) -> Counter[int]:
        """Digests Telegram accepted, per chat."""
        return Counter(c.chat_id for c in self.fake.recorded("sendMessage") if c.ok)

    def subscriptions(self) -> dict[int, Subscription]:
        """The subscriptions as the database holds them now, by chat."""

        async def read() -> dict[int, Subscription | None]:
            database = await open_database(self.tmp / "data")
            try:
                return {c: await database.subscriptions.get(c) for c in self.chats}
            finally:
                await database.close()

        found = asyncio.run(read())
        return {chat_id: s for chat_id, s in found.items() if s is not None}


def prepare(tmp: Path, server: FakeTelegramServer, count: int, last_key: str) -> Setup:
    """`count` subscribers for 07:15 whose last digest was `last_key`, and the new article."""
    knowledge = tmp / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge, ignore=shutil.ignore_patterns("README.md"))
    add_article(knowledge, NEW_ID, NEW_DAY, NEW_TITLE)
    chats = list(range(500_000, 500_000 + count))
    for chat_id in chats:
        server.fake.private_chat(chat_id)

    async def write() -> None:
        database = await open_database(tmp / "data")
        try:
            for chat_id in chats:
                await database.subscriptions.subscribe(chat_id, dt.time(7, 15), last_key)
        finally:
            await database.close()

    asyncio.run(write())
    return Setup(tmp, server.fake, server.base_url, chats)
