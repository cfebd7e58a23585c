"""Where updates come in, from long polling or the webhook: read one by one, bad ones skipped,
each handled before it counts as taken.

python-telegram-bot reads a whole getUpdates batch at once, and one update it cannot read
(a date far beyond the year 9999, a field of the wrong type) fails the batch: the poll never
gets past it, and the library logs the batch, readers' names and texts included. Here each
update is read on its own. One that cannot be read, or whose fields the handlers could not
use, is skipped: counted, and logged with its id and the kind of fault, never its content.

No update is lost when a process dies (issue 15): the intake claims an update in the
UpdateLedger (the shared state's: Redis for several processes), hands it to the handlers and
waits until they are done, and only then marks it done; the webhook answers 200, and the
poller confirms it, only after that. An update that comes again is skipped when it was
handled ("done"); when another process holds it ("busy") the intake waits a moment for it to
be done, else says BUSY, so that Telegram delivers it once more later, when the holder has
finished it or its lease has run out.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, Message, MessageEntity, Update

from bot.shared_settings import UPDATE_LEASE
from bot.storage.shared.interface import Claim, UpdateLedger

logger = logging.getLogger(__name__)

Raw = dict[str, Any]


class Unreadable(Exception):
    """An update the bot cannot read; the message says which field, never its value."""


def read_update(data: object, bot: Bot) -> Update:
    """The update in Telegram's JSON; Unreadable if it cannot be read or used."""
    if not isinstance(data, dict):
        raise Unreadable(f"an update must be an object, not {type(data).__name__}")
    try:
        update = Update.de_json(data, bot)
    except Exception as exc:  # whatever the library trips over: a date, a type, a shape
        raise Unreadable(f"{type(exc).__name__} while reading it") from None
    try:
        _check(update)
    except Unreadable:
        raise
    except Exception as exc:  # a part missing that the checks expect
        raise Unreadable(f"{type(exc).__name__} while checking its fields") from None
    return update


def update_id(data: object) -> int | None:
    """The update_id of an update in JSON, if it has a usable one."""
    found = data.get("update_id") if isinstance(data, dict) else None
    return found if _is_int(found) else None


class Outcome(enum.Enum):
    """What became of an update offered to the intake."""

    HANDLED = "handled"  # the handlers are done with it
    SKIPPED = "skipped"  # unreadable, or handled before: nothing to do
    BUSY = "busy"  # another process holds it: deliver it again later
    FAILED = "failed"  # the ledger or the handling broke off: deliver it again later


Handle = Callable[[Update], Awaitable[None]]

BUSY_WAIT = 2.0  # seconds to wait for an update another process holds to be done
BUSY_POLL = 0.1  # ... looking this often


class Intake:
    """Reads updates, claims each readable one in the ledger, and hands it to the handlers."""

    def __init__(
        self,
        bot: Bot,
        handle: Handle,
        ledger: UpdateLedger,
        lease: float = UPDATE_LEASE,
        busy_wait: float = BUSY_WAIT,
    ) -> None:
        self.bot = bot
        self.handle = handle
        self.ledger = ledger
        self.lease = lease
        self.busy_wait = busy_wait
        self.unreadable = 0
        self.repeated = 0

    async def take(self, data: object) -> Outcome:
        """Read, claim and handle one update; what became of it."""
        update = await self.admit(data)
        if not isinstance(update, Update):
            return update
        return await self.finish(update)

    async def admit(self, data: object) -> Update | Outcome:
        """The update if this process now holds it; else why not (skipped or busy)."""
        try:
            update = read_update(data, self.bot)
        except Unreadable as exc:
            self.unreadable += 1
            logger.warning(
                "update %s cannot be read and is skipped (%d so far): %s",
                update_id(data),
                self.unreadable,
                exc,
            )
            return Outcome.SKIPPED
        try:
            claim = await self._claim(update.update_id)
        except Exception as exc:  # the shared state does not answer (Redis is down)
            logger.error("update %d cannot be claimed: %s", update.update_id, type(exc).__name__)
            return Outcome.FAILED
        if claim == "done":
            self.repeated += 1
            logger.info(
                "update %d came again and is skipped (%d so far)", update.update_id, self.repeated
            )
            return Outcome.SKIPPED
        if claim == "busy":
            logger.info("update %d is being handled elsewhere; it may come again", update.update_id)
            return Outcome.BUSY
        return update

    async def finish(self, update: Update) -> Outcome:
        """Hand an admitted update to the handlers; done when they are, released if not."""
        try:
            await self.handle(update)
        except asyncio.CancelledError:  # the bot stops: another process, or a restart, takes it
            await asyncio.shield(self._settle(self.ledger.release, update.update_id))
            raise
        except Exception as exc:  # the handlers report their own errors; this is outside them
            logger.error("handling update %d broke off: %s", update.update_id, type(exc).__name__)
            await self._settle(self.ledger.release, update.update_id)
            return Outcome.FAILED
        await self._settle(self.ledger.done, update.update_id)
        return Outcome.HANDLED

    async def _settle(self, step: Callable[[int], Awaitable[None]], number: int) -> None:
        """done() or release(); if the shared state does not answer, the lease ends it."""
        try:
            await step(number)
        except Exception as exc:
            logger.error("update %d cannot be marked: %s", number, type(exc).__name__)

    async def _claim(self, number: int) -> Claim:
        """Claim the update; while another holds it, wait up to busy_wait for a change."""
        deadline = time.monotonic() + self.busy_wait
        while True:
            claim = await self.ledger.claim(number, self.lease)
            if claim != "busy" or time.monotonic() >= deadline:
                return claim
            await asyncio.sleep(BUSY_POLL)


# ---- what the handlers rely on -----------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check(update: Update) -> None:
    """Raise Unreadable unless every field the handlers read has the type Telegram gives it."""
    if not _is_int(update.update_id):
        raise Unreadable("update_id is not a number")
    for message in (
        update.message,
        update.edited_message,
        update.channel_post,
        update.edited_channel_post,
    ):
        if message is not None:
            _check_message(message, "message")
    query = update.callback_query
    if query is not None:
        _check_user(query.from_user, "callback_query.from")
        _need(isinstance(query.id, str), "callback_query.id")
        _need(query.data is None or isinstance(query.data, str), "callback_query.data")
        if isinstance(query.message, Message):
            _check_message(query.message, "callback_query.message")
    inline = update.inline_query
    if inline is not None:
        _check_user(inline.from_user, "inline_query.from")
        _need(isinstance(inline.id, str), "inline_query.id")
        _need(isinstance(inline.query, str), "inline_query.query")


def _check_message(message: Message, where: str, depth: int = 0) -> None:
    _need(_is_int(message.message_id), f"{where}.message_id")
    _need(isinstance(message.date, dt.datetime), f"{where}.date")
    chat = message.chat
    _need(chat is not None and _is_int(chat.id) and isinstance(chat.type, str), f"{where}.chat")
    _need(message.message_thread_id is None or _is_int(message.message_thread_id), where)
    if message.from_user is not None:
        _check_user(message.from_user, f"{where}.from")
    for name in ("text", "caption"):
        value = getattr(message, name)
        _need(value is None or (isinstance(value, str) and _unicode(value)), f"{where}.{name}")
    for entity in (*message.entities, *message.caption_entities):
        _check_entity(entity, where)
    replied = message.reply_to_message
    if replied is not None and depth == 0:
        _check_message(replied, f"{where}.reply_to_message", depth + 1)


def _check_entity(entity: MessageEntity, where: str) -> None:
    fine = _is_int(entity.offset) and _is_int(entity.length) and isinstance(entity.type, str)
    _need(fine and entity.offset >= 0 and entity.length >= 0, f"{where}.entities")
    if entity.user is not None:
        _check_user(entity.user, f"{where}.entities.user")


def _check_user(user: object, where: str) -> None:
    _need(_is_int(getattr(user, "id", None)), where)
    _need(isinstance(getattr(user, "username", None), str | None), f"{where}.username")


def _unicode(text: str) -> bool:
    """True unless the text holds a lone surrogate (JSON allows "\\ud800", Unicode does
    not), which entities, counted in UTF-16, cannot be read from."""
    try:
        text.encode("utf-16-le")
    except UnicodeEncodeError:
        return False
    return True


def _need(fine: bool, field: str) -> None:
    if not fine:
        raise Unreadable(f"{field} has the wrong type or value")
