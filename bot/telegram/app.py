"""The python-telegram-bot adapter: handlers that ask the engine and send rendered replies.

Everything here is transport. Answers come from the Engine (bot_data["newsbot"].engine),
HTML and keyboards from telegram_render; flood control (Gate) runs once before every
handler, and the handlers only read the update, apply the group rules and send.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import re
import signal
import sqlite3
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from telegram import (
    BotCommand,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    BaseHandler,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.helpers import create_deep_linked_url
from telegram.request import BaseRequest

from bot.config import Settings, redact
from bot.conversation import Conversation
from bot.engine import Engine
from bot.models import Reply
from bot.newsroom.recorder import Recorder
from bot.refs import (
    GLOSSARY_ACTION,
    NEWS_ACTION,
    NOTHING_ACTION,
    SOURCE_LIST_ACTION,
    deep_link_action,
    deep_link_payload,
    glossary_action,
)
from bot.storage.stats import Store, StoreError
from bot.telegram.render import Keyboard, Outgoing, description, render, share
from bot.telegram.retry import RetryingRateLimiter

logger = logging.getLogger(__name__)

# Opt in to python-telegram-bot's coming behaviour (time periods as timedelta): otherwise
# every RetryAfter (HTTP 429) emits a deprecation warning. We read none of those attributes.
os.environ.setdefault("PTB_TIMEDELTA", "true")

STATE_KEY = "newsbot"
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.INLINE_QUERY,
]
# The command menu, in this order; the descriptions come from knowledge/bot.yaml.
COMMANDS = ("start", "hilfe", "news", "begriffe", "quellen", "abo", "abo_aus", "datenschutz")
MAX_CHATS = 10_000
FLOOD_LIMIT = 20  # messages a chat may send ...
FLOOD_WINDOW = 60.0  # ... within this many seconds
# Updates handled at the same time (each may hold an HTTP connection), and how many of one
# chat may wait for their turn: more than that is a flood, and is dropped unanswered.
MAX_CONCURRENT_UPDATES = 128
MAX_WAITING_PER_CHAT = 32
RATE_LIMIT_RETRIES = 3  # after a 429, wait retry_after and try again this often
INLINE_CACHE_SECONDS = 60
GATE_GROUP = -2  # flood control, before every other handler group

Verdict = Literal["answer", "warn", "drop"]
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
AnyHandler = BaseHandler[Any, Any, Any]


class StartError(Exception):
    """The bot cannot start: Telegram refuses the token, cannot be reached, or the port is taken."""


# ---- state ---------------------------------------------------------------------------------


@dataclass
class ChatState:
    """What the bot keeps for one chat: the conversation, nothing about the reader."""

    conversation: Conversation = field(default_factory=Conversation)
    # The question behind the last "Meinst du ...?", so "Nichts davon" can report it.
    question: str | None = None
    question_message_id: int | None = None
    # The question behind the last answer about an entry, so a 👎 on it can report it.
    answered: str | None = None
    answered_message_id: int | None = None


class Chats:
    """Conversation state per chat id; beyond max_chats the least recently used is dropped."""

    def __init__(self, max_chats: int = MAX_CHATS) -> None:
        self.max_chats = max_chats
        self._states: OrderedDict[int, ChatState] = OrderedDict()

    def get(self, chat_id: int) -> ChatState:
        """The state of a chat, new if the chat is unknown or was forgotten."""
        state = self._states.get(chat_id)
        if state is None:
            state = self._states[chat_id] = ChatState()
            if len(self._states) > self.max_chats:
                self._states.popitem(last=False)
        else:
            self._states.move_to_end(chat_id)
        return state

    def __len__(self) -> int:
        return len(self._states)


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


@dataclass
class Newsbot:
    """The adapter's state in application.bot_data; assign .engine to reload the knowledge."""

    engine: Engine
    chats: Chats = field(default_factory=Chats)
    recorder: Recorder = field(default_factory=Recorder)

    async def record(self, write: Callable[..., object], *args: Any) -> None:
        """Run one of the recorder's writes in a thread: a slow disk holds up no answer."""
        if self.recorder.active:
            await asyncio.to_thread(write, *args)


def _state(context: ContextTypes.DEFAULT_TYPE) -> Newsbot:
    state = context.bot_data[STATE_KEY]
    assert isinstance(state, Newsbot)
    return state


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


# ---- sending -------------------------------------------------------------------------------


def _markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(key.label, callback_data=key.action, url=key.url) for key in row]
            for row in keyboard
        ]
    )


def _preview(url: str | None) -> LinkPreviewOptions:
    """A preview of url; without one, the application's default (no preview) fills in."""
    return LinkPreviewOptions(is_disabled=False, url=url) if url else LinkPreviewOptions()


async def _send_one(
    bot: ExtBot[None], chat_id: int, out: Outgoing, quote: int | None, thread: int | None
) -> Message:
    reply_to = ReplyParameters(quote, allow_sending_without_reply=True) if quote else None
    if out.photo_url:
        return await bot.send_photo(
            chat_id,
            out.photo_url,
            caption=out.html,
            reply_markup=_markup(out.keyboard),
            reply_parameters=reply_to,
            message_thread_id=thread,
        )
    return await bot.send_message(
        chat_id,
        out.html,
        reply_markup=_markup(out.keyboard),
        link_preview_options=_preview(out.preview_url),
        reply_parameters=reply_to,
        message_thread_id=thread,
    )


async def send_reply(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    reply: Reply,
    quote: int | None = None,
    thread: int | None = None,
) -> Message | None:
    """Send a reply as one or more messages; the last one, which has the buttons, is returned."""
    texts = _state(context).engine.kb.texts
    messages = render(reply, texts, feedback=True)
    sent: Message | None = None
    if messages and messages[0].photo_url:
        try:
            sent = await _send_one(context.bot, chat_id, messages[0], quote, thread)
            messages, quote = messages[1:], None
        except BadRequest as exc:
            logger.warning("the article photo could not be sent, sending text only: %s", exc)
            messages = render(reply, texts, photo=False, feedback=True)
    for out in messages:
        sent = await _send_one(context.bot, chat_id, out, quote, thread)
        quote = None
    return sent


async def _answer_message(
    update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply
) -> Message | None:
    """Reply to the message of an update; in groups the reply quotes it."""
    message = update.effective_message
    assert message is not None
    in_group = message.chat.type != ChatType.PRIVATE
    thread = message.message_thread_id if message.is_topic_message else None
    return await send_reply(
        context,
        message.chat.id,
        reply,
        quote=message.message_id if in_group else None,
        thread=thread,
    )


class Gate:
    """Flood control, once per update before every handler: a TypeHandler in a group of its
    own. It counts the updates of a chat that a reader's handler is going to take; not what
    no handler takes (group chatter not meant for the bot), what has no chat (inline
    queries), nor what the moderators' handlers take (exempt: 👍/👎, admin commands). A chat
    that writes too fast gets the "too_fast" text once; the gate ends its updates with
    ApplicationHandlerStop, after answering a pressed button so that it stops spinning."""

    def __init__(self, flood: FloodGate, group: int, exempt: Iterable[AnyHandler] = ()) -> None:
        self.flood = flood
        self.group = group
        self.exempt = tuple(exempt)
        self.handler: TypeHandler[Update, Any, None] = TypeHandler(Update, self.check)

    async def check(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Count a reader's update; warn once when the chat is too fast, then end its updates."""
        chat = update.effective_chat
        if chat is None or not self.counts(update, context.application):
            return
        verdict = self.flood.check(chat.id)
        if verdict == "answer":
            return
        try:
            if update.callback_query is not None:
                await _acknowledge(update.callback_query)
            if verdict == "warn":
                logger.info("a chat writes too fast; staying silent until it calms down")
                text = _state(context).engine.kb.texts.text("too_fast")
                await send_reply(context, chat.id, Reply(kind="help", text=text))
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


# ---- group rules ---------------------------------------------------------------------------


class _AddressedToBot(filters.MessageFilter):
    """Everything in private chats; in groups only mentions of the bot and replies to it."""

    __slots__ = ()

    def filter(self, message: Message) -> bool:
        """True if the message is meant for the bot."""
        if message.chat.type == ChatType.PRIVATE:
            return True
        bot = message.get_bot()
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
            return True
        return mentions_bot(message, bot.username, bot.id)


ADDRESSED = _AddressedToBot(name="newsbot.ADDRESSED")


def mentions_bot(message: Message, username: str, bot_id: int) -> bool:
    """True if the message (or a media caption) names the bot with @username."""
    wanted = f"@{username}".casefold()
    for entity, text in {**message.parse_entities(), **message.parse_caption_entities()}.items():
        if entity.type == MessageEntity.MENTION and text.casefold() == wanted:
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            return True
    return False


def strip_mention(text: str, username: str) -> str:
    """The question without the @mention of the bot."""
    return re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).strip()


# ---- deep links ----------------------------------------------------------------------------


def deep_link(username: str, reply: Reply) -> str | None:
    """The t.me link that opens a reply's entry in a private chat with the bot, if any."""
    payload = deep_link_payload(reply.ref)
    return create_deep_linked_url(username, payload) if payload is not None else None


# ---- handlers ------------------------------------------------------------------------------


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: the welcome, or the entry a deep link names."""
    state = _state(context)
    action = deep_link_action(context.args[0]) if context.args else None
    known = action == NEWS_ACTION or (action is not None and state.engine.kb.get(action))
    if action is not None and known and update.effective_chat is not None:
        chat = state.chats.get(update.effective_chat.id)
        await _answer_message(update, context, state.engine.press(action, chat.conversation))
        return
    await _answer_message(update, context, _text_reply(state, "welcome"))


def _text_reply(state: Newsbot, key: str) -> Reply:
    return Reply(kind="help", text=state.engine.kb.texts.text(key))


def _text_command(key: str) -> Handler:
    async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await _answer_message(update, context, _text_reply(_state(context), key))

    on_command.__doc__ = f'A command answered with the "{key}" text of bot.yaml.'
    return on_command


def _list_command(action: str) -> Handler:
    async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat is not None:
            state = _state(context)
            chat = state.chats.get(update.effective_chat.id)
            await _answer_message(update, context, state.engine.press(action, chat.conversation))

    on_command.__doc__ = f'A command answered like the button "{action}".'
    return on_command


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A question: ask the engine with the chat's context and send its reply."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    state = _state(context)
    chat = state.chats.get(message.chat.id)
    question = strip_mention(message.text, context.bot.username)
    reply = state.engine.answer(question, chat.conversation)
    logger.debug("answered a question: %s (score %d)", reply.kind, reply.score)
    await state.record(state.recorder.replied, question, reply)
    sent = await _answer_message(update, context, reply)
    if reply.suggestions and sent is not None:
        chat.question, chat.question_message_id = question, sent.message_id
    else:
        chat.question = chat.question_message_id = None
    _remember_answer(chat, reply, sent, question)


def _remember_answer(
    chat: ChatState, reply: Reply, sent: Message | None, asked: str | None
) -> None:
    """Keep (in memory only) the question an answer about an entry was for, for a 👎."""
    if reply.ref is not None and sent is not None:
        chat.answered, chat.answered_message_id = asked, sent.message_id


async def on_not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice messages, files: the bot reads only text."""
    await _answer_message(update, context, _text_reply(_state(context), "not_text"))


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A /command the bot does not have: point to /hilfe."""
    await _answer_message(update, context, _text_reply(_state(context), "unknown_command"))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A pressed button: answer the query at once, then show what the button stands for."""
    query = update.callback_query
    assert query is not None
    await _acknowledge(query)
    message = query.message
    if message is None or not query.data:
        return
    state = _state(context)
    chat = state.chats.get(message.chat.id)
    asked = chat.question if chat.question_message_id == message.message_id else None
    if query.data == NOTHING_ACTION and asked is not None:
        await state.record(state.recorder.nothing, asked)
        chat.question = chat.question_message_id = None
    reply = state.engine.press(query.data, chat.conversation)
    if query.data.startswith(GLOSSARY_ACTION) and isinstance(message, Message) and message.text:
        await _turn_page(query, reply, state)
        return
    sent = await send_reply(context, message.chat.id, reply)
    _remember_answer(chat, reply, sent, asked)  # a suggestion picked: the question it answers


async def _acknowledge(query: CallbackQuery) -> None:
    """Every button press is answered, or the reader's button keeps spinning."""
    try:
        await query.answer()
    except BadRequest as exc:  # too old, e.g. pressed while the bot was down
        logger.info("a button press could not be answered: %s", exc)


async def _turn_page(query: CallbackQuery, reply: Reply, state: Newsbot) -> None:
    """Show another page of a list in the same message."""
    out = render(reply, state.engine.kb.texts)[0]
    try:
        await query.edit_message_text(out.html, reply_markup=_markup(out.keyboard))
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
        logger.debug("the page shown already")


async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Inline mode (@bot sanktionen): up to five entries, ready to share in any chat."""
    query = update.inline_query
    assert query is not None
    state = _state(context)
    label = state.engine.kb.texts.buttons["open_bot"]
    results = []
    for reply in state.engine.search(query.query):
        text, keys = share(reply, deep_link(context.bot.username, reply), label)
        preview = reply.links[0].url if reply.links else None
        results.append(
            InlineQueryResultArticle(
                id=f"{reply.kind}:{reply.id}"[:64],
                title=reply.title or reply.kind,
                description=description(reply),
                input_message_content=InputTextMessageContent(
                    text, link_preview_options=_preview(preview)
                ),
                reply_markup=_markup(keys),
            )
        )
    await query.answer(results, cache_time=INLINE_CACHE_SECONDS, is_personal=False)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error with its traceback, then tell the reader something kind where we can."""
    error = context.error
    if isinstance(error, Forbidden):
        logger.info("a chat blocked the bot or removed it: %s", error)
        return
    logger.error("handling an update failed", exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.inline_query is not None:
        return
    try:
        state = _state(context)
        await send_reply(context, update.effective_chat.id, _text_reply(state, "error"))
    except TelegramError as exc:
        logger.warning("could not tell the reader about the error: %s", exc)


# ---- the application -----------------------------------------------------------------------


async def register_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Publish the command menu (setMyCommands) with the descriptions from bot.yaml."""
    state = application.bot_data[STATE_KEY]
    assert isinstance(state, Newsbot)
    described = state.engine.kb.texts.commands
    commands = [BotCommand(name, described[name]) for name in COMMANDS if name in described]
    try:
        await application.bot.set_my_commands(commands)
    except TelegramError as exc:
        logger.warning("the command menu could not be set: %s", exc)


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
    store: Store | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The Application with every handler, the engine in bot_data["newsbot"]."""
    if not settings.token:
        raise ValueError("a bot token is needed to build the Telegram application")
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        Application.builder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .defaults(defaults())
        .concurrent_updates(ChatOrderedProcessor())
        .post_init(register_commands)
    )
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    if rate_limiter:
        builder = builder.rate_limiter(
            RetryingRateLimiter(
                max_retries=RATE_LIMIT_RETRIES, overall_max_rate=settings.rate_limit
            )
        )
    application = builder.build()
    application.bot_data[STATE_KEY] = Newsbot(engine, recorder=Recorder(store))
    # The moderators' side first: its handlers must see 👍/👎 and admin commands first.
    from bot.telegram.admin import add_admin_handlers  # it imports this module

    moderators = add_admin_handlers(application, settings)
    add_handlers(application)
    gate = Gate(flood or FloodGate(), GATE_GROUP, exempt=moderators)
    application.add_handler(gate.handler, group=GATE_GROUP)
    from bot.telegram import digest as telegram_digest  # imports this module in turn

    telegram_digest.install(application, settings)
    return application


def add_handlers(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Commands, questions, buttons, inline queries, everything else, and the error handler."""
    messages = filters.UpdateType.MESSAGES
    application.add_handlers(
        [
            CommandHandler("start", on_start),
            CommandHandler(["hilfe", "help"], _text_command("help")),
            CommandHandler("datenschutz", _text_command("privacy")),
            CommandHandler("news", _list_command(NEWS_ACTION)),
            CommandHandler("begriffe", _list_command(glossary_action(1))),
            CommandHandler("quellen", _list_command(SOURCE_LIST_ACTION)),
            MessageHandler(
                messages & filters.COMMAND & filters.ChatType.PRIVATE, on_unknown_command
            ),
            MessageHandler(messages & filters.TEXT & ~filters.COMMAND & ADDRESSED, on_text),
            MessageHandler(messages & filters.ATTACHMENT & ADDRESSED, on_not_text),
            CallbackQueryHandler(on_button),
            InlineQueryHandler(on_inline),
        ]
    )
    application.add_error_handler(on_error)


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
        store = Store.in_dir(settings.data_dir, settings.retention_days)
    except (OSError, sqlite3.Error, StoreError) as exc:
        raise StartError(f"cannot keep data in {settings.data_dir}: {exc}") from None
    try:
        await _serve(settings, engine, store, stop)
    finally:
        store.close()


async def _serve(settings: Settings, engine: Engine, store: Store, stop: asyncio.Event) -> None:
    """Run the application over an open store until stop is set."""
    application = build_application(settings, engine, store=store)
    try:
        await application.initialize()
    except InvalidToken:
        raise StartError(
            "Telegram did not accept TELEGRAM_BOT_TOKEN - copy the token again from @BotFather"
        ) from None
    except NetworkError as exc:
        raise StartError(
            f"cannot reach the Telegram Bot API at {settings.api_base_url}:"
            f" {redact(str(exc), settings.secrets)}"
        ) from None
    try:
        if application.post_init is not None:
            await application.post_init(application)
        mode = await _start_updates(application, settings)
        await application.start()
        logger.info("newsbot runs as @%s (%s)", application.bot.username, mode)
        await stop.wait()
        logger.info("newsbot stops")
    finally:
        updater = application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()


async def _start_updates(
    application: Application[Any, Any, Any, Any, Any, Any], settings: Settings
) -> str:
    updater = application.updater
    assert updater is not None
    webhook = settings.webhook
    if webhook is None:
        await updater.start_polling(allowed_updates=ALLOWED_UPDATES, error_callback=_poll_error)
        return "polling"
    try:
        await updater.start_webhook(
            listen=webhook.listen,
            port=webhook.port,
            url_path=webhook.path,
            webhook_url=webhook.url,
            secret_token=webhook.secret,
            allowed_updates=ALLOWED_UPDATES,
        )
    except OSError as exc:
        raise StartError(
            f"cannot listen on {webhook.listen}:{webhook.port} for the webhook ({exc.strerror})"
        ) from None
    except TelegramError as exc:
        raise StartError(f"Telegram refused the webhook {webhook.url}: {exc}") from None
    return f"webhook on {webhook.listen}:{webhook.port}/{webhook.path}"


def _poll_error(error: TelegramError) -> None:
    """Polling retries on its own; one line per failure is enough."""
    logger.warning("getting updates failed, trying again: %s: %s", type(error).__name__, error)
