"""Updates of one chat in order, other chats meanwhile: the application's update processor.

Within the process a lock per chat keeps the order; across the processes of a scaled-out
bot the shared state's chat lock does (bot/storage/shared): an update is handled only while
its process holds its chat, so the conversation loaded for it is the latest.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.storage.shared.interface import ChatLocks
from bot.storage.shared.memory import MemoryLocks

logger = logging.getLogger(__name__)

# Updates handled at the same time (each may hold an HTTP connection), and how many of one
# chat may wait for their turn: more than that is a flood, and is dropped unanswered.
MAX_CONCURRENT_UPDATES = 128
MAX_WAITING_PER_CHAT = 32
# How long a process may hold a chat: longer than handling an update takes, retries of its
# answers included (retry.py gives up after 60 s); a process that dies holding a chat
# keeps the chat's next update waiting this long at most.
CHAT_LEASE = 75.0


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Updates of one chat one after another; other chats meanwhile, so that a slow or
    rate-limited chat (Telegram allows 20 messages a minute to a group) holds up no one else.
    A chat with max_waiting updates already waiting is flooding: further ones are dropped."""

    def __init__(
        self,
        max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
        max_waiting: int = MAX_WAITING_PER_CHAT,
        locks: ChatLocks | None = None,
        lease: float = CHAT_LEASE,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self.max_waiting = max_waiting
        self.locks: ChatLocks = locks if locks is not None else MemoryLocks()
        self.lease = lease
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
            async with lock, self.locks.hold(chat.id, self.lease):
                await coroutine
        except BaseException:
            if inspect.iscoroutine(coroutine) and inspect.getcoroutinestate(coroutine) == (
                inspect.CORO_CREATED
            ):
                coroutine.close()  # the chat could not be held: the update is not handled
            raise
        finally:
            self._users[chat.id] -= 1
            if not self._users[chat.id]:
                del self._users[chat.id], self._locks[chat.id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
