"""Updates of one chat in order, other chats meanwhile: the application's update processor."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

logger = logging.getLogger(__name__)

# Updates handled at the same time (each may hold an HTTP connection), and how many of one
# chat may wait for their turn: more than that is a flood, and is dropped unanswered.
MAX_CONCURRENT_UPDATES = 128
MAX_WAITING_PER_CHAT = 32


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Updates of one chat one after another; other chats meanwhile, so that a slow or
    rate-limited chat (Telegram allows 20 messages a minute to a group) holds up no one else.
    A chat with max_waiting updates already waiting is flooding: further ones are dropped."""

    def __init__(
        self,
        max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
        max_waiting: int = MAX_WAITING_PER_CHAT,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self.max_waiting = max_waiting
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the coroutine once the updates of the same chat before it are done."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        if self._users.get(chat.id, 0) >= self.max_waiting:
            logger.debug("a chat has %d updates waiting; one more is dropped", self.max_waiting)
            if inspect.iscoroutine(coroutine):
                coroutine.close()
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._users[chat.id] = self._users.get(chat.id, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._users[chat.id] -= 1
            if not self._users[chat.id]:
                del self._users[chat.id], self._locks[chat.id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
