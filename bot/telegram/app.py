"""The Telegram application: built from the adapter's parts, then run until told to stop.

This is the one module that wires the others: the adapter's state (state.py) in bot_data,
reached through the typed context (context.py), over the shared state (memory, or Redis for
several processes); the handler groups in the order they see an update: the chat's state
loaded (session.py), flood control (gate.py), the digest's /abo (digest.py), then the
moderators' admin commands and the readers' 👍/👎 (admin.py) ahead of the readers' other
handlers (readers.py), the chat's state saved; the jobs; one error handler; and updates
coming in by polling (poller.py) or a webhook (webhook.py), each read on its own by the
intake (intake.py), not by python-telegram-bot's Updater, and handled before it is
acknowledged (handler_of).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder, Defaults
from telegram.request import BaseRequest

from bot.config import Settings, WebhookSettings
from bot.engine import Engine
from bot.logs import redact
from bot.newsroom.recorder import Recorder
from bot.storage.backend import open_database
from bot.storage.interface import Database, StoreError
from bot.storage.shared.backend import open_shared_state
from bot.storage.shared.interface import SharedState, SharedStateError
from bot.storage.shared.memory import memory_state
from bot.telegram import admin, digest, readers, session
from bot.telegram.context import CONTEXT_TYPES, STATE_KEY, NewsbotApplication, NewsbotContext
from bot.telegram.gate import FloodGate, Gate
from bot.telegram.intake import Handle, Intake
from bot.telegram.menu import register_commands
from bot.telegram.poller import Fatal, Poller
from bot.telegram.processor import ChatOrderedProcessor
from bot.telegram.retry import RetryingRateLimiter
from bot.telegram.send import send_reply, text_reply
from bot.telegram.state import Newsbot
from bot.telegram.webhook import WebhookServer

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.INLINE_QUERY,
    Update.MY_CHAT_MEMBER,  # the bot added to a group: it says hello
]
# Handler groups, in the order python-telegram-bot runs them for an update.
LOAD_GROUP = -3  # the chat's state loaded from the shared state
GATE_GROUP = -2  # flood control, before every handler
DIGEST_GROUP = -1  # /abo and its buttons, which group 0 would take for something else
HANDLER_GROUP = 0  # the moderators' handlers first, then the readers'
SAVE_GROUP = 1  # the chat's state saved to the shared state


class RunError(Exception):
    """The bot cannot start (Telegram refuses the token or cannot be reached, the port is
    taken) or cannot go on (Telegram refuses the token while polling)."""


def defaults() -> Defaults:
    """Every message is Telegram HTML without a link preview, unless it names a link."""
    return Defaults(
        parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )


def build_application(
    settings: Settings,
    engine: Engine,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limiter: bool = True,
    flood: FloodGate | None = None,
    store: Database | None = None,
    shared: SharedState | None = None,
) -> NewsbotApplication:
    """The Application with every handler and job, the adapter's state in bot_data.

    Without a store (tests, benchmarks) the bot answers but keeps nothing: no statistics,
    and no digest (/abo is then an unknown command). Without a shared state, the process
    keeps it in memory for itself.
    """
    shared = shared if shared is not None else memory_state()
    if not settings.token:
        raise ValueError("a bot token is needed to build the Telegram application")
    builder: ApplicationBuilder[Any, NewsbotContext, Any, Any, Any, Any] = (
        Application.builder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .defaults(defaults())
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(ChatOrderedProcessor(locks=shared.locks))
        .post_init(register_commands)
        .updater(None)  # updates come in through intake.py, by poller.py or webhook.py
    )
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    if rate_limiter:
        # One process counts its sends itself; several share the send rate in Redis.
        send_rate = shared.send_rate if shared.where != "memory" else None
        limiter = RetryingRateLimiter(overall_max_rate=settings.rate_limit, send_rate=send_rate)
        builder = builder.rate_limiter(limiter)
    application = builder.build()
    application.bot_data[STATE_KEY] = Newsbot(
        engine,
        newsroom=admin.open_newsroom(settings, engine),
        digest=digest.open_digest(settings, store.subscriptions) if store else None,
        recorder=Recorder(store.stats if store else None, secrets=settings.secrets),
        shared=shared,
    )
    moderators = admin.handlers(settings.admin_ids)
    saver = session.saver()
    gate = Gate(flood or FloodGate(counter=shared.flood), GATE_GROUP, exempt=[*moderators, saver])
    application.add_handler(session.loader(), group=LOAD_GROUP)
    application.add_handler(gate.handler, group=GATE_GROUP)
    if store is not None:
        application.add_handlers(digest.handlers(), group=DIGEST_GROUP)
    application.add_handlers(
        [*moderators, admin.feedback_handler(), *readers.handlers()], group=HANDLER_GROUP
    )
    application.add_handler(saver, group=SAVE_GROUP)
    application.add_error_handler(on_error)
    jobs = application.job_queue
    if jobs is None:  # python-telegram-bot without its job-queue extra
        logger.warning("no job queue: the knowledge is not reloaded and the store not purged")
    else:
        admin.schedule(jobs, settings.admin_ids)
        if store is not None:
            digest.schedule(jobs, settings)
    return application


async def on_error(update: object, context: NewsbotContext) -> None:
    """Log the error with its traceback, then tell the reader something kind where we can."""
    error = context.error
    if isinstance(error, Forbidden):
        logger.info("a chat blocked the bot or removed it: %s", error)
        return
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        # Retried already where that was safe (retry.py); another message would fare no better.
        logger.warning(
            "an answer did not reach Telegram, or may have (%s: %s); it is not sent again",
            type(error).__name__,
            error,
        )
        return
    if isinstance(error, StoreError):  # a locked or full file: no bug, no traceback
        logger.warning("handling an update failed, the database cannot be used: %s", error)
    else:
        logger.error("handling an update failed", exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.inline_query is not None:
        return
    try:
        kind = text_reply(context.texts.text("error"))
        await send_reply(context, update.effective_chat.id, kind)
    except TelegramError as exc:
        logger.warning("could not tell the reader about the error: %s", exc)


# ---- running -------------------------------------------------------------------------------


def run(settings: Settings, engine: Engine) -> None:
    """Run the bot until SIGINT or SIGTERM: polling, or webhook if one is configured."""
    asyncio.run(serve(settings, engine))


async def serve(settings: Settings, engine: Engine, stop: asyncio.Event | None = None) -> None:
    """Start the application, wait for stop (or a signal), and shut down cleanly."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        store = await open_database(
            settings.data_dir, settings.retention_days, database_url=settings.database_url
        )
    except StoreError as exc:
        where = "NEWSBOT_DATABASE_URL" if settings.database_url else settings.data_dir
        raise RunError(f"cannot keep data in {where}: {exc}") from None
    try:
        shared = await open_shared_state(settings)
    except SharedStateError as exc:
        await store.close()
        raise RunError(f"cannot share the state: {exc}") from None
    try:
        await _serve(settings, engine, store, shared, stop)
    finally:
        await shared.close()
        await store.close()


async def _serve(
    settings: Settings, engine: Engine, store: Database, shared: SharedState, stop: asyncio.Event
) -> None:
    """Run the application over an open store until stop is set (or polling cannot go on)."""
    application = build_application(settings, engine, store=store, shared=shared)
    try:
        await application.initialize()
    except InvalidToken:
        raise RunError(
            "Telegram did not accept TELEGRAM_BOT_TOKEN - copy the token again from @BotFather"
        ) from None
    except NetworkError as exc:
        raise RunError(
            f"cannot reach the Telegram Bot API at {settings.api_base_url}:"
            f" {redact(str(exc), settings.secrets)}"
        ) from None
    intake = Intake(
        application.bot, handler_of(application), shared.ledger, lease=settings.update_lease
    )
    polling: asyncio.Task[None] | None = None
    webhook: WebhookServer | None = None
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        if settings.webhook is None:
            polling = await _start_polling(application, intake, stop)
            mode = "polling"
        else:
            webhook = await _start_webhook(application, intake, settings.webhook)
            mode = f"webhook on {settings.webhook.listen}:{settings.webhook.port}"
        if shared.where != "memory":
            mode = f"{mode}, its shared state in Redis at {shared.where}"
        logger.info("newsbot runs as @%s (%s)", application.bot.username, mode)
        await _until_stopped(stop, polling)
        logger.info("newsbot stops")
    finally:
        stop.set()  # polling ends too when something else ended the run
        if webhook is not None:
            await webhook.stop()  # 503 to new updates; those in hand are handled first
        limiter = application.bot.rate_limiter
        if isinstance(limiter, RetryingRateLimiter):
            limiter.stop()  # answers waiting for another try give up: the bot stops
        if polling is not None:
            await asyncio.gather(polling, return_exceptions=True)  # confirms what it handled
        if application.running:
            await application.stop()  # the updates taken are handled first
        await application.shutdown()
        state = application.bot_data[STATE_KEY]
        assert isinstance(state, Newsbot)
        await state.recorder.flush()  # the last records reach the file before it is closed


async def _until_stopped(stop: asyncio.Event, polling: asyncio.Task[None] | None) -> None:
    """Wait for stop; RunError if polling ended first (Telegram refused the token)."""
    stopped = asyncio.ensure_future(stop.wait())
    waiting: list[asyncio.Future[Any]] = [stopped] if polling is None else [stopped, polling]
    await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
    stopped.cancel()
    if polling is not None and polling.done() and not stop.is_set():
        error = polling.exception()
        if isinstance(error, Fatal):
            logger.error("polling cannot go on: %s", error)
            raise RunError(str(error))
        logger.error("polling ended", exc_info=error)
        raise RunError(f"polling ended: {type(error).__name__}: {error}")


async def _start_polling(
    application: NewsbotApplication, intake: Intake, stop: asyncio.Event
) -> asyncio.Task[None]:
    """Long polling in a task of its own (poller.py), after removing any webhook."""
    try:
        await application.bot.delete_webhook()
    except TelegramError as exc:
        raise RunError(f"Telegram did not switch the bot to polling: {exc}") from None
    poller = Poller(application.bot.base_url, intake, ALLOWED_UPDATES)
    return asyncio.create_task(poller.run(stop), name="newsbot polling")


async def _start_webhook(
    application: NewsbotApplication, intake: Intake, webhook: WebhookSettings
) -> WebhookServer:
    """Listen for Telegram's posts (webhook.py), then tell Telegram where to post."""
    server = WebhookServer(intake, webhook.path, webhook.secret)
    try:
        server.listen(webhook.listen, webhook.port)
    except OSError as exc:
        raise RunError(
            f"cannot listen on {webhook.listen}:{webhook.port} for the webhook ({exc.strerror})"
        ) from None
    try:
        await application.bot.set_webhook(
            webhook.url, allowed_updates=ALLOWED_UPDATES, secret_token=webhook.secret
        )
    except TelegramError as exc:
        await server.stop(drain=0)
        raise RunError(f"Telegram refused the webhook {webhook.url}: {exc}") from None
    server.ready()
    return server


def handler_of(application: NewsbotApplication) -> Handle:
    """Handle one update through the chat-ordered processor and wait until it is handled."""
    processor = application.update_processor

    async def handle(update: Update) -> None:
        await processor.process_update(update, application.process_update(update))

    return handle
