"""The daily digest on Telegram: /abo, /abo_aus, their buttons, and the job that sends.

Transport only: what a command means and what a run does is bot/digest.py. Here the
handlers read the chat and the argument, and the job starts a digest run in the background
(a run to 10,000 chats takes minutes at Telegram's 30 messages a second, and readers must
be answered meanwhile) unless one is still going. Every digest goes through the bot's rate
limiter; a 403 ends the subscription.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    JobQueue,
    MessageHandler,
    filters,
)

from bot.config import Settings
from bot.digest import Digest, Outcome, RunReport
from bot.engine import Engine
from bot.models import Reply
from bot.refs import ABO_ACTION
from bot.schedule import clock_from
from bot.storage.interface import SubscriptionStore
from bot.telegram.context import NewsbotContext
from bot.telegram.send import acknowledge, answer_message, send_reply, text_reply

logger = logging.getLogger(__name__)

JOB_NAME = "digest"
# "abo", "abo aus", "abo_aus", "Abo beenden", "abo 17:30" typed without the slash.
TYPED = re.compile(
    r"^\s*abo(?:\s*[_ ]\s*(?P<end>aus|beenden)|\s+(?P<time>\d{1,2}(?:[:.]\d{2})?(?:\s*uhr)?))?"
    r"\s*[.!]?\s*$",
    re.IGNORECASE,
)
FIRST_CHECK_SECONDS = 1.0  # after a start, a digest that was cut short goes on at once


def open_digest(settings: Settings, subscriptions: SubscriptionStore) -> Digest:
    """The digest over the subscriptions of the bot's store, on the bot's clock; its claims
    on due chats last NEWSBOT_DIGEST_LEASE_SECONDS (other processes may run it too)."""
    return Digest(
        subscriptions,
        settings.quiet_hours,
        clock_from(settings.clock_start),
        lease=dt.timedelta(seconds=settings.digest_lease_seconds),
    )


def handlers() -> list[BaseHandler[Update, NewsbotContext, None]]:
    """/abo, /abo_aus and their buttons. They belong in a group before the others (which
    would take /abo for an unknown command and "abo:" buttons for the engine's), and end
    the update there with ApplicationHandlerStop."""
    typed = filters.ChatType.PRIVATE & filters.TEXT & filters.Regex(TYPED)
    return [
        CommandHandler("abo", on_abo),
        CommandHandler("abo_aus", on_abo_aus),
        CallbackQueryHandler(on_abo_button, pattern=f"^{ABO_ACTION}"),
        MessageHandler(filters.UpdateType.MESSAGES & typed, on_abo_typed),
    ]


def schedule(jobs: JobQueue[NewsbotContext], settings: Settings) -> None:
    """The job that looks for due subscriptions every NEWSBOT_DIGEST_CHECK_SECONDS."""
    jobs.run_repeating(
        check_digest,
        interval=settings.digest_check_seconds,
        first=min(FIRST_CHECK_SECONDS, settings.digest_check_seconds),
        name=JOB_NAME,
    )


# ---- readers -------------------------------------------------------------------------------


async def _finally_stop(update: Update, context: NewsbotContext, work: Awaitable[None]) -> None:
    """Run a subscription handler and end the update here, whatever happens: a failure goes
    to the error handler (which tells the reader), and no later group answers it again."""
    try:
        await work
    except Exception as exc:  # a locked or full database, Telegram refusing the answer
        await context.application.process_error(update, exc)
    raise ApplicationHandlerStop


async def _in_private(
    update: Update,
    context: NewsbotContext,
    act: Callable[[Engine, Digest, int], Awaitable[Reply]],
) -> None:
    """Run a subscription command in a private chat; groups get a kind refusal."""

    async def work() -> None:
        chat = update.effective_chat
        if chat is not None:
            engine = context.engine
            if chat.type != ChatType.PRIVATE:
                reply = text_reply(engine.kb.texts.text("abo_private"))
            else:
                reply = await act(engine, context.digest, chat.id)
            await answer_message(update, context, reply)

    await _finally_stop(update, context, work())


async def on_abo(update: Update, context: NewsbotContext) -> None:
    """/abo [time]: subscribe, change the time, or show the setting."""
    wanted = " ".join(context.args or ())
    await _in_private(
        update, context, lambda engine, digest, chat: digest.subscribe(engine, chat, wanted)
    )


async def on_abo_aus(update: Update, context: NewsbotContext) -> None:
    """/abo_aus: end the subscription and delete it."""
    await _in_private(
        update, context, lambda engine, digest, chat: digest.unsubscribe(engine, chat)
    )


async def on_abo_typed(update: Update, context: NewsbotContext) -> None:
    """ "abo", "abo aus" or "abo 17:30" without the slash: as the commands."""
    message = update.effective_message
    match = TYPED.match(message.text or "") if message is not None else None
    if match is not None and match.group("end"):
        await on_abo_aus(update, context)
    elif match is not None:
        wanted = match.group("time") or ""
        await _in_private(
            update, context, lambda engine, digest, chat: digest.subscribe(engine, chat, wanted)
        )


async def on_abo_button(update: Update, context: NewsbotContext) -> None:
    """An "abo:" button: pick a time, end the subscription, or show the setting."""
    query = update.callback_query
    assert query is not None

    async def work() -> None:
        await acknowledge(query)
        message = query.message
        if message is not None and query.data:
            engine = context.engine
            if message.chat.type != ChatType.PRIVATE:
                reply = text_reply(engine.kb.texts.text("abo_private"))
            else:
                reply = await context.digest.press(engine, message.chat.id, query.data)
            await send_reply(context, message.chat.id, reply)

    await _finally_stop(update, context, work())


# ---- the job -------------------------------------------------------------------------------


async def check_digest(context: NewsbotContext) -> None:
    """The repeating job: start a digest run in the background unless one is going."""
    if not context.digest.running:
        application = context.application
        application.create_task(send_digests(application), name="newsbot digest")


async def send_digests(
    application: Application[Any, Any, Any, Any, Any, Any],
    keep_going: Callable[[], bool] | None = None,
) -> RunReport:
    """One digest run through the bot (and its rate limiter); stops when the bot stops."""
    context = NewsbotContext(application)

    async def send(chat_id: int, reply: Reply) -> Outcome:
        try:
            await send_reply(context, chat_id, reply)
        except Forbidden as exc:
            logger.info("a chat blocked the bot or left; its subscription ends: %s", exc)
            return "gone"
        except BadRequest as exc:
            if "chat not found" in str(exc).lower():
                logger.info("a subscribed chat no longer exists; its subscription ends")
                return "gone"
            logger.warning("a digest was refused, trying again later: %s", exc)
            return "failed"
        except TelegramError as exc:
            logger.warning("a digest could not be sent, trying again later: %s", exc)
            return "failed"
        return "sent"

    return await context.digest.run(
        lambda: context.engine,
        send,
        keep_going if keep_going is not None else lambda: application.running,
    )
