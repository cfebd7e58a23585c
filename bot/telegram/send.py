"""Replies onto Telegram: messages, a page turned in place, inline results, pressed buttons.

render.py decides what a reply looks like (HTML, keyboards, photo); this module makes the API
calls. Parse mode and link previews come from the application's Defaults (app.py): HTML,
and no preview unless a message names the link to preview.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TypedDict

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.helpers import create_deep_linked_url

from bot.models import BotTexts, Reply
from bot.refs import deep_link_payload
from bot.telegram.context import NewsbotContext
from bot.telegram.render import Key, Keyboard, Outgoing, description, escape, render, share

logger = logging.getLogger(__name__)


def text_reply(text: str) -> Reply:
    """A text of the bot's own (a notice, a help text) as a reply: no buttons, no 👍/👎."""
    return Reply(kind="help", text=text)


def markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    """A rendered keyboard as Telegram's inline keyboard; None for no buttons."""
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(key.label, callback_data=key.action, url=key.url) for key in row]
            for row in keyboard
        ]
    )


class Preview(TypedDict, total=False):
    """The link preview argument of a message: a url to preview, or none for the Defaults."""

    link_preview_options: LinkPreviewOptions


def preview(url: str | None) -> Preview:
    """A small preview of url; without one, no argument: the application's Defaults (none).

    python-telegram-bot merges passed options with the Defaults field by field, so a
    preview says is_disabled=False itself.
    """
    if not url:
        return {}
    options = LinkPreviewOptions(is_disabled=False, url=url, prefer_small_media=True)
    return {"link_preview_options": options}


async def _send_one(
    context: NewsbotContext, chat_id: int, out: Outgoing, quote: int | None, thread: int | None
) -> Message:
    reply_to = ReplyParameters(quote, allow_sending_without_reply=True) if quote else None
    if out.photo_url:
        return await context.bot.send_photo(
            chat_id,
            out.photo_url,
            caption=out.html,
            reply_markup=markup(out.keyboard),
            reply_parameters=reply_to,
            message_thread_id=thread,
        )
    return await context.bot.send_message(
        chat_id,
        out.html,
        reply_markup=markup(out.keyboard),
        reply_parameters=reply_to,
        message_thread_id=thread,
        **preview(out.preview_url),
    )


async def send_reply(
    context: NewsbotContext,
    chat_id: int,
    reply: Reply,
    quote: int | None = None,
    thread: int | None = None,
) -> Message | None:
    """Send a reply as one or more messages; the last one, which has the buttons, is returned."""
    texts = context.texts
    messages = render(reply, texts, feedback=True)
    sent: Message | None = None
    if messages and messages[0].photo_url:
        try:
            sent = await _send_one(context, chat_id, messages[0], quote, thread)
            messages, quote = messages[1:], None
        except BadRequest as exc:
            logger.warning("the article photo could not be sent, sending text only: %s", exc)
            messages = render(reply, texts, photo=False, feedback=True)
    for out in messages:
        sent = await _send_one(context, chat_id, out, quote, thread)
        quote = None
    return sent


async def answer_message(update: Update, context: NewsbotContext, reply: Reply) -> Message | None:
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


async def acknowledge(query: CallbackQuery) -> None:
    """Every button press is answered, or the reader's button keeps spinning."""
    try:
        await query.answer()
    except BadRequest as exc:  # too old, e.g. pressed while the bot was down
        logger.info("a button press could not be answered: %s", exc)


async def turn_page(query: CallbackQuery, reply: Reply, texts: BotTexts) -> None:
    """Show another page of a list in the message whose button was pressed."""
    out = render(reply, texts)[0]
    try:
        await query.edit_message_text(out.html, reply_markup=markup(out.keyboard))
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
        logger.debug("the page shown already")


def deep_link(username: str, reply: Reply) -> str | None:
    """The t.me link that opens a reply's entry in a private chat with the bot, if any."""
    payload = deep_link_payload(reply.ref)
    return create_deep_linked_url(username, payload) if payload is not None else None


def inline_results(
    replies: Iterable[Reply], username: str, open_label: str
) -> list[InlineQueryResultArticle]:
    """Replies as inline results: each a message to share, with a button into the bot."""
    results = []
    for reply in replies:
        text, keys = share(reply, deep_link(username, reply), open_label)
        results.append(
            InlineQueryResultArticle(
                id=f"{reply.kind}:{reply.id}"[:64],
                title=reply.title or reply.kind,
                description=description(reply),
                input_message_content=InputTextMessageContent(
                    text, **preview(reply.links[0].url if reply.links else None)
                ),
                reply_markup=markup(keys),
            )
        )
    return results


def nothing_found(texts: BotTexts, username: str) -> InlineQueryResultArticle:
    """The one inline result for a search that found nothing: it says so, and its button
    opens the bot, where the reader can ask in their own words."""
    return InlineQueryResultArticle(
        id="nothing",
        title=texts.text("inline_nothing_title"),
        description=texts.text("inline_nothing_hint"),
        input_message_content=InputTextMessageContent(escape(texts.text("inline_nothing"))),
        reply_markup=markup(((Key(texts.buttons["open_bot"], url=f"https://t.me/{username}"),),)),
    )
