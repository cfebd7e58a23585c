"""Flood control, once per update before every handler: a bucket per chat that a child who
taps and asks at a human pace never empties, and a flood does at once.

The gate is a TypeHandler in a group of its own, before all others. It weighs the updates
of a chat that a reader's handler is going to take: a typed question (or a photo, a sticker)
costs one, a command half of that, a button press (👍/👎 included) a quarter. What no reader's
handler takes costs nothing: group chatter not meant for the bot, updates without a chat
(inline queries), the bot being added to a group, and the moderators' commands, which it
is told at construction. Every chat's bucket holds CAPACITY and fills up by REFILL a second.

A chat whose bucket is empty gets the "too_fast" text (at most once per NOTICE_EVERY), and
then a cool-down of COOLDOWN seconds in which its messages are not answered and its button
presses are answered with the "too_fast_tap" toast; what it sends meanwhile costs nothing,
and after it the bucket has refilled enough for the next question. docs/flood-gate.md has
the numbers and what they mean for readers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any, Literal

from telegram import MessageEntity, Update
from telegram.error import BadRequest
from telegram.ext import Application, ApplicationHandlerStop, BaseHandler, TypeHandler

from bot.storage.shared.interface import FloodCounter, FloodPolicy, Verdict
from bot.storage.shared.memory import MAX_CHATS, MemoryFlood
from bot.telegram.context import NewsbotContext
from bot.telegram.send import send_reply, text_reply

logger = logging.getLogger(__name__)

CAPACITY = 10.0  # a full bucket: ten questions at once
REFILL = 0.5  # per second: a question every two seconds, for as long as a reader likes
COSTS = {"text": 1.0, "command": 0.5, "tap": 0.25}
COOLDOWN = 5.0  # seconds without answers after the bucket ran empty
NOTICE_EVERY = 60.0  # seconds between two "too_fast" notices to one chat

Kind = Literal["text", "command", "tap"]
AnyHandler = BaseHandler[Any, Any, Any]


class FloodGate:
    """Per chat a bucket of `capacity` that fills by `refill` a second; each update takes
    its cost out. An empty bucket: one notice, then `cooldown` seconds on hold. The buckets
    are kept in the shared state (bot/storage/shared/flood.py has the rule), so that every
    process of the bot weighs a chat alike; the clock must be one for all of them."""

    def __init__(
        self,
        capacity: float = CAPACITY,
        refill: float = REFILL,
        cooldown: float = COOLDOWN,
        notice_every: float = NOTICE_EVERY,
        clock: Callable[[], float] = time.time,
        max_chats: int = MAX_CHATS,
        counter: FloodCounter | None = None,
    ) -> None:
        if cooldown * refill < max(COSTS.values()):
            raise ValueError("the cool-down must refill the bucket for at least one question")
        self.policy = FloodPolicy(capacity, refill, cooldown, notice_every)
        self.cooldown = cooldown
        self.clock = clock
        self.counter: FloodCounter = counter if counter is not None else MemoryFlood(max_chats)

    async def check(self, chat_id: int, kind: Kind = "text") -> Verdict:
        """Weigh one update of a chat: answer it, warn (the bucket just ran empty), or hold."""
        return await self.counter.take(chat_id, COSTS[kind], self.clock(), self.policy)


def kind_of(update: Update) -> Kind:
    """What an update costs: a button press, a command, or anything typed or sent."""
    if update.callback_query is not None:
        return "tap"
    message = update.effective_message
    entities = message.entities if message is not None else ()
    if any(e.type == MessageEntity.BOT_COMMAND and e.offset == 0 for e in entities):
        return "command"
    return "text"


class Gate:
    """The handler in front of all others that holds back chats writing too fast."""

    def __init__(self, flood: FloodGate, group: int, exempt: Iterable[AnyHandler] = ()) -> None:
        self.flood = flood
        self.group = group
        self.exempt = tuple(exempt)
        self.handler: TypeHandler[Update, NewsbotContext, None] = TypeHandler(Update, self.check)

    async def check(self, update: Update, context: NewsbotContext) -> None:
        """Weigh a reader's update; on an empty bucket warn once, then hold the chat back."""
        chat = update.effective_chat
        if chat is None or not self.counts(update, context.application):
            return
        verdict = await self.flood.check(chat.id, kind_of(update))
        if verdict == "answer":
            return
        try:
            query = update.callback_query
            if query is not None:  # the button stops spinning, and the toast says why
                try:
                    await query.answer(context.texts.text("too_fast_tap"))
                except BadRequest as exc:  # too old, e.g. pressed while the bot was down
                    logger.info("a button press could not be answered: %s", exc)
            if verdict == "warn":
                logger.info("a chat writes too fast; holding it back for %g s", self.flood.cooldown)
                await send_reply(context, chat.id, text_reply(context.texts.text("too_fast")))
        except Exception as exc:  # as when a handler fails: the error handler, no answer
            await context.application.process_error(update, exc)
        raise ApplicationHandlerStop

    def counts(
        self, update: Update, application: Application[Any, Any, Any, Any, Any, Any]
    ) -> bool:
        """True if a reader's handler is going to take the update (a button: with its data)."""
        if update.my_chat_member is not None:
            return False  # the bot added to a group or removed: nothing a reader typed
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
