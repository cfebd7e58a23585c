"""The readers' handlers: commands, questions, buttons, inline queries, everything else.

Each reads the update, asks the engine with the chat's conversation and sends the rendered
reply. Flood control (gate.py) has counted the update before; in groups, messages reach
these handlers only when they are meant for the bot (addressed.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import ChatMember, ChatMemberRestricted, Message, Update
from telegram.constants import ChatType
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.refs import (
    GLOSSARY_ACTION,
    NEWS_ACTION,
    NOTHING_ACTION,
    SOURCE_LIST_ACTION,
    deep_link_action,
    glossary_action,
)
from bot.telegram.addressed import ADDRESSED, strip_mention
from bot.telegram.context import NewsbotContext
from bot.telegram.send import (
    acknowledge,
    answer_message,
    inline_results,
    nothing_found,
    send_reply,
    text_reply,
    turn_page,
)

logger = logging.getLogger(__name__)

INLINE_CACHE_SECONDS = 60

Handler = Callable[[Update, NewsbotContext], Coroutine[Any, Any, None]]


async def on_start(update: Update, context: NewsbotContext) -> None:
    """/start: the welcome, or the entry a deep link names."""
    engine = context.engine
    action = deep_link_action(context.args[0]) if context.args else None
    if action is not None and (action == NEWS_ACTION or engine.kb.get(action)):
        reply = engine.press(action, context.chat_state.conversation)
    else:
        reply = text_reply(context.texts.text("welcome", bot=f"@{context.bot.username}"))
    await answer_message(update, context, reply)


async def on_member(update: Update, context: NewsbotContext) -> None:
    """The bot added to a group: hello, once, with how to ask it there; else nothing."""
    change = update.my_chat_member
    if change is None or change.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return
    if _inside(change.old_chat_member) or not _inside(change.new_chat_member):
        return  # promoted, restricted, removed: nothing to say
    hello = context.texts.text("group_hello", bot=f"@{context.bot.username}")
    await send_reply(context, change.chat.id, text_reply(hello))


def _inside(member: ChatMember) -> bool:
    """True if the member is in the chat (a restricted member may be, too)."""
    if isinstance(member, ChatMemberRestricted):
        return member.is_member
    return member.status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER)


def text_command(key: str) -> Handler:
    """A handler that answers with one text of bot.yaml."""

    async def on_command(update: Update, context: NewsbotContext) -> None:
        await answer_message(update, context, text_reply(context.texts.text(key)))

    on_command.__doc__ = f'A command answered with the "{key}" text of bot.yaml.'
    return on_command


def list_command(action: str) -> Handler:
    """A handler that answers like a button: /news, /begriffe, /quellen."""

    async def on_command(update: Update, context: NewsbotContext) -> None:
        reply = context.engine.press(action, context.chat_state.conversation)
        await answer_message(update, context, reply)

    on_command.__doc__ = f'A command answered like the button "{action}".'
    return on_command


async def on_text(update: Update, context: NewsbotContext) -> None:
    """A question: ask the engine with the chat's conversation and send its reply."""
    message = update.effective_message
    if message is not None and message.text is not None:
        await answer_question(update, context, message.text)


async def on_caption(update: Update, context: NewsbotContext) -> None:
    """A photo (or another attachment) with a caption: the caption is the question."""
    message = update.effective_message
    if message is not None and message.caption is not None:
        await answer_question(update, context, message.caption)


async def answer_question(update: Update, context: NewsbotContext, text: str) -> None:
    """Ask the engine with the chat's conversation, send its reply, remember what it showed."""
    chat = context.chat_state
    question = strip_mention(text, context.bot.username)
    reply = context.engine.answer(question, chat.conversation)
    logger.debug("answered a question: %s (score %d)", reply.kind, reply.score)
    context.recorder.replied(question, reply)  # written beside the reply, never before it
    sent = await answer_message(update, context, reply)
    message_id = sent.message_id if sent is not None else None
    chat.offered(question, reply, message_id)
    chat.shown(reply, message_id, question)


async def on_sticker(update: Update, context: NewsbotContext) -> None:
    """A sticker: a playful reply of its own."""
    await answer_message(update, context, text_reply(context.texts.text("sticker")))


async def on_not_text(update: Update, context: NewsbotContext) -> None:
    """Photos without a caption, voice messages, files: the bot reads only text."""
    await answer_message(update, context, text_reply(context.texts.text("not_text")))


async def on_unknown_command(update: Update, context: NewsbotContext) -> None:
    """A /command the bot does not have: point to /hilfe."""
    await answer_message(update, context, text_reply(context.texts.text("unknown_command")))


async def on_button(update: Update, context: NewsbotContext) -> None:
    """A pressed button: answer the query at once, then show what the button stands for."""
    query = update.callback_query
    assert query is not None
    await acknowledge(query)
    message = query.message
    if message is None or not query.data:
        return
    chat = context.chat_state
    asked = chat.offer_in(message.message_id)
    if query.data == NOTHING_ACTION and asked is not None:
        context.recorder.nothing(asked)
        chat.forget_offer()
    reply = context.engine.press(query.data, chat.conversation)
    if query.data.startswith(GLOSSARY_ACTION) and isinstance(message, Message) and message.text:
        await turn_page(query, reply, context.texts)
        return
    sent = await send_reply(context, message.chat.id, reply)
    # A suggestion picked: the answer is for the question that offered it.
    chat.shown(reply, sent.message_id if sent is not None else None, asked)


async def on_inline(update: Update, context: NewsbotContext) -> None:
    """Inline mode (@bot sanktionen): up to five entries, ready to share in any chat."""
    query = update.inline_query
    assert query is not None
    texts = context.texts
    replies = context.engine.search(query.query)
    label = texts.buttons["open_bot"]
    if replies or not query.query.strip():
        results = inline_results(replies, context.bot.username, label)
    else:  # one result that says so, and the way into the bot
        results = [nothing_found(texts, context.bot.username)]
    await query.answer(results, cache_time=INLINE_CACHE_SECONDS, is_personal=False)


def handlers() -> list[BaseHandler[Update, NewsbotContext, None]]:
    """The readers' handlers, the most frequent first: questions and buttons.

    python-telegram-bot asks them in this order and runs the first that takes the update
    (flood control asks them too). A question (text, no command) and a button press can
    only be taken by their own handler, so they go first; /start and the other commands
    must come before the catch-all for unknown commands.
    """
    messages = filters.UpdateType.MESSAGES
    return [
        MessageHandler(messages & filters.TEXT & ~filters.COMMAND & ADDRESSED, on_text),
        CallbackQueryHandler(on_button),
        CommandHandler("start", on_start),
        CommandHandler(["hilfe", "help"], text_command("help")),
        CommandHandler("datenschutz", text_command("privacy")),
        CommandHandler("news", list_command(NEWS_ACTION)),
        CommandHandler("begriffe", list_command(glossary_action(1))),
        CommandHandler("quellen", list_command(SOURCE_LIST_ACTION)),
        MessageHandler(messages & filters.COMMAND & filters.ChatType.PRIVATE, on_unknown_command),
        MessageHandler(messages & filters.Sticker.ALL & ADDRESSED, on_sticker),
        MessageHandler(messages & filters.CAPTION & ADDRESSED, on_caption),
        MessageHandler(messages & filters.ATTACHMENT & ADDRESSED, on_not_text),
        InlineQueryHandler(on_inline),
        ChatMemberHandler(on_member, ChatMemberHandler.MY_CHAT_MEMBER),
    ]
