"""Flood control, once per update before every handler: too fast, one warning, then silence.

The gate is a TypeHandler in a group of its own, before all others. It counts the updates
of a chat that a reader's handler is going to take: questions, commands, attachments,
button presses. It leaves alone what no handler takes (group chatter not meant for the bot),
what has no chat (inline queries), and what the moderators' handlers take (👍/👎, admin
commands), which it is told at construction. Past FLOOD_LIMIT such updates in FLOOD_WINDOW
seconds a chat gets the "too_fast" text once, and then nothing until it calms down: the
gate ends those updates with ApplicationHandlerStop, after answering a pressed button so
that it stops spinning.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, BaseHandler, TypeHandler

from bot.telegram.context import NewsbotContext
from bot.telegram.send import acknowledge, send_reply, text_reply
from bot.telegram.state import MAX_CHATS

logger = logging.getLogger(__name__)

FLOOD_LIMIT = 20  # messages a chat may send ...
FLOOD_WINDOW = 60.0  # ... within this many seconds

Verdict = Literal["answer", "warn", "drop"]
AnyHandler = BaseHandler[Any, Any, Any]


@dataclass
class _Window:
    times: deque[float]
    warned: bool = False


class FloodGate:
    """Per chat: past `limit` messages in `window` seconds, one warning, then silence."""

    def __init__(
        self,
        limit: int = FLOOD_LIMIT,
        window: float = FLOOD_WINDOW,
        clock: Callable[[], float] = time.monotonic,
        max_chats: int = MAX_CHATS,
    ) -> None:
        self.limit, self.window, self.clock, self.max_chats = limit, window, clock, max_chats
        self._chats: OrderedDict[int, _Window] = OrderedDict()

    def check(self, chat_id: int) -> Verdict:
        """Count one message of a chat and say whether to answer, warn or stay silent."""
        now = self.clock()
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Window(deque(maxlen=self.limit + 1))
            if len(self._chats) > self.max_chats:
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(chat_id)
        chat.times.append(now)
        # Only the last limit+1 times are kept: too fast if all of them fall in the window.
        if len(chat.times) <= self.limit or chat.times[0] <= now - self.window:
            chat.warned = False
            return "answer"
        if chat.warned:
            return "drop"
        chat.warned = True
        return "warn"


class Gate:
    """The handler in front of all others that holds back chats writing too fast."""

    def __init__(self, flood: FloodGate, group: int, exempt: Iterable[AnyHandler] = ()) -> None:
        self.flood = flood
        self.group = group
        self.exempt = tuple(exempt)
        self.handler: TypeHandler[Update, NewsbotContext, None] = TypeHandler(Update, self.check)

    async def check(self, update: Update, context: NewsbotContext) -> None:
        """Count a reader's update; warn once when the chat is too fast, then end its updates."""
        chat = update.effective_chat
        if chat is None or not self.counts(update, context.application):
            return
        verdict = self.flood.check(chat.id)
        if verdict == "answer":
            return
        try:
            if update.callback_query is not None:
                await acknowledge(update.callback_query)
            if verdict == "warn":
                logger.info("a chat writes too fast; staying silent until it calms down")
                await send_reply(context, chat.id, text_reply(context.texts.text("too_fast")))
        except Exception as exc:  # as when a handler fails: the error handler, no answer
            await context.application.process_error(update, exc)
        raise ApplicationHandlerStop

    def counts(
        self, update: Update, application: Application[Any, Any, Any, Any, Any, Any]
    ) -> bool:
        """True if a reader's handler is going to take the update (a button: with its data)."""
        if update.callback_query is not None and not update.callback_query.data:
            return False
        handler = self.taker(update, application)
        return handler is not None and all(handler is not other for other in self.exempt)

    def taker(
        self, update: Update, application: Application[Any, Any, Any, Any, Any, Any]
    ) -> AnyHandler | None:
        """The handler python-telegram-bot is going to run for the update: group by group
        after the gate's, the first one in a group that accepts it."""
        for group in sorted(application.handlers):
            if group <= self.group:
                continue
            for handler in application.handlers[group]:
                check = handler.check_update(update)
                if check is not None and check is not False:
                    return handler
        return None
