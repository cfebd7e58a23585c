"""The fake Bot API's data for one bot, shared by the reader's side and the method handlers:
the bot's user, chats, messages, the update queue, open queries, waiting faults, and the lock
that makes it safe to touch from the test's thread while the bot's side runs in an event loop."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections import Counter
from dataclasses import dataclass

from helpers.api import BOT_ID, BOT_USERNAME, JSON, TOKEN, Call


@dataclass
class Fault:
    """A failure or slow answer waiting for the next calls of a method."""

    method: str
    times: int
    status: int | None
    description: str | None
    retry_after: int | None
    delay: float
    chat_id: int | None
    until: float | None = None  # time.monotonic() after which the fault is over


@dataclass
class Query:
    """A callback or inline query, which must be answered once and in time."""

    created: float
    answered: bool = False


class FakeState:
    """The Bot API's state for one bot; every change happens under `_condition`."""

    def __init__(self, token: str = TOKEN, username: str = BOT_USERNAME) -> None:
        self.token = token
        self.bot_user: JSON = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "newsbot",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self.calls: list[Call] = []  # answered calls, in the order of their answers
        self.received: list[str] = []  # methods called, in the order they arrived
        self.counts: Counter[str] = Counter()  # answered calls per method
        self.chats: dict[int, JSON] = {}
        self.messages: dict[tuple[int, int], JSON] = {}
        self.commands: list[JSON] = []  # the menu everyone sees (the default scope)
        self.scoped_commands: dict[str, list[JSON]] = {}  # other scopes, by their JSON
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self.webhook_proxy: str | None = None
        self.webhook_answers: list[int] = []  # the webhook's HTTP status for each post
        self._lost_answers = 0  # posts whose 200 is "lost": the update is posted again
        self.webhook_connections = 40  # posts at a time (setWebhook's max_connections)
        self.webhook_timeout = 60.0  # seconds Telegram waits for the webhook's answer
        self.webhook_posts: list[tuple[int, float, float]] = []  # update_id, began, ended
        self.redelivered: Counter[int] = Counter()  # update_id: posts that were not a 200
        self._not_before: dict[int, float] = {}  # update_id: when it may be posted again
        self._attempts: dict[int, int] = {}  # update_id: failed posts so far
        self._updates: list[JSON] = []
        self._update_ids = itertools.count(1000)
        self._newest = 0
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._queries: dict[str, Query] = {}
        self._query_ids = itertools.count(1)
        self._faults: list[Fault] = []
        self._condition = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None
        self._poll_generation = 0
        self._delivery: asyncio.Task[None] | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Serve from this event loop (long polls and webhooks wait in it)."""
        self._loop = loop

    def add_update(self, payload: JSON) -> JSON:
        """Queue an update for getUpdates (or the webhook); returns it with its update_id."""
        with self._condition:
            update = {"update_id": next(self._update_ids), **payload}
            self._updates.append(update)
            self._newest = update["update_id"]
        self._wake()
        return update

    def newest_update_id(self) -> int:
        """The update_id of the update queued last."""
        with self._condition:
            return self._newest

    def pending_updates(self) -> int:
        """How many updates the bot has not confirmed yet."""
        with self._condition:
            return len(self._updates)

    def _wake(self) -> None:
        with self._condition:
            self._condition.notify_all()
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._set_changed)

    def _set_changed(self) -> None:
        if self._changed is not None:
            self._changed.set()

    def _changed_event(self) -> asyncio.Event:
        if self._changed is None:
            self._changed = asyncio.Event()
        return self._changed

    def _next_message_id(self, chat_id: int) -> int:
        with self._condition:
            counter = self._message_ids.setdefault(chat_id, itertools.count(1))
            return next(counter)
