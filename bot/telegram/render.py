"""Replies as Telegram messages: escaped HTML, real links, keyboards, within Telegram's limits.

Plain data in, plain data out, so that the rules are tested without python-telegram-bot:
the adapter (send.py) turns an Outgoing into an API call.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.models import BotTexts, Button, Image, Link, Reply
from bot.refs import ENTRY_KINDS, GLOSSARY_ACTION, feedback_action

logger = logging.getLogger(__name__)

# Telegram counts the text after parsing the HTML, in UTF-16 code units.
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64  # bytes
DESCRIPTION_LIMIT = 100  # the grey line under an inline result
SHORT_LABEL = 18  # two buttons with labels at most this long share a row
ELLIPSIS = " …"

_SENTENCES = re.compile(r"((?<=[.!?…])[ \t]+|\s*\n\s*)")
_WORDS = re.compile(r"(\s+)")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True, slots=True)
class Key:
    """One inline keyboard button: a compact action, or a web address."""

    label: str
    action: str | None = None
    url: str | None = None


Keyboard = tuple[tuple[Key, ...], ...]


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message: HTML text (the caption when photo_url is set), keyboard, link preview."""

    html: str
    keyboard: Keyboard = ()
    preview_url: str | None = None
    photo_url: str | None = None


def utf16_length(text: str) -> int:
    """The length Telegram counts: UTF-16 code units."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def visible_length(markup: str) -> int:
    """The length of HTML as Telegram counts it: tags removed, entities decoded."""
    return utf16_length(html.unescape(_TAG.sub("", markup)))


def escape(text: str) -> str:
    """Text made safe for Telegram HTML, where &, < and > are special."""
    return html.escape(text, quote=False)


def escape_attribute(text: str) -> str:
    """A value made safe for a double-quoted HTML attribute."""
    return escape(text).replace('"', "&quot;")


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most limit UTF-16 units, cut after sentences, else between words."""
    text = text.strip()
    if utf16_length(text) <= limit:
        return [text] if text else []
    chunks: list[str] = []
    current = ""
    for piece in _pieces(text, _SENTENCES):
        if utf16_length(current + piece.rstrip()) <= limit:
            current += piece
            continue
        if current.strip():
            chunks.append(current.strip())
        current = ""
        if utf16_length(piece.rstrip()) <= limit:
            current = piece
            continue
        words = split_words(piece, limit)
        chunks += words[:-1]
        current = words[-1] + " " if words else ""
    if current.strip():
        chunks.append(current.strip())
    return chunks


def split_words(text: str, limit: int) -> list[str]:
    """Pieces of at most limit UTF-16 units, cut between words, else inside a long word."""
    chunks: list[str] = []
    current = ""
    for piece in _pieces(text.strip(), _WORDS):
        if utf16_length(current + piece.rstrip()) <= limit:
            current += piece
            continue
        if current.strip():
            chunks.append(current.strip())
        current = ""
        while utf16_length(piece.rstrip()) > limit:
            head = _cut(piece, limit)
            chunks.append(head)
            piece = piece[len(head) :]
        current = piece
    if current.strip():
        chunks.append(current.strip())
    return chunks


def shorten(text: str, limit: int) -> str:
    """The text cut after the last sentence that fits, with an ellipsis when cut."""
    chunks = split_text(text, limit - utf16_length(ELLIPSIS))
    if len(chunks) <= 1 and utf16_length(text.strip()) <= limit:
        return text.strip()
    return chunks[0] + ELLIPSIS if chunks else ""


def _pieces(text: str, separator: re.Pattern[str]) -> list[str]:
    """The text as pieces that each end with the separator that followed them."""
    parts = separator.split(text)
    return [
        parts[i] + (parts[i + 1] if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)
    ]


def _cut(text: str, limit: int) -> str:
    """The longest start of text within limit UTF-16 units."""
    length = 0
    for position, char in enumerate(text):
        length += 2 if ord(char) > 0xFFFF else 1
        if length > limit:
            return text[:position]
    return text


# ---- keyboards -----------------------------------------------------------------------------


def keyboard(buttons: Sequence[Button]) -> Keyboard:
    """Buttons in rows: short labels in pairs, long ones alone, page turning last."""
    rows: list[list[Key]] = []
    paging: list[Key] = []
    for button in buttons:
        size = len(button.action.encode("utf-8"))
        if not button.label or not 0 < size <= CALLBACK_DATA_LIMIT:
            logger.warning("a button was left out: its action has %d bytes", size)
            continue
        key = Key(button.label, action=button.action)
        if button.action.startswith(GLOSSARY_ACTION):
            paging.append(key)
        elif rows and len(rows[-1]) == 1 and _short(rows[-1][0]) and _short(key):
            rows[-1].append(key)
        else:
            rows.append([key])
    if paging:
        rows.append(paging)
    return tuple(tuple(row) for row in rows)


def _short(key: Key) -> bool:
    return len(key.label) <= SHORT_LABEL


def feedback_keys(reply: Reply, texts: BotTexts) -> tuple[Key, ...]:
    """👍 and 👎 for an answer about one entry; none for other replies."""
    ref = reply.ref
    if ref is None:
        return ()
    keys = (
        Key(texts.buttons["helpful"], feedback_action(True, ref)),
        Key(texts.buttons["unhelpful"], feedback_action(False, ref)),
    )
    if any(len((key.action or "").encode("utf-8")) > CALLBACK_DATA_LIMIT for key in keys):
        return ()
    return keys


# ---- messages ------------------------------------------------------------------------------


def _header(reply: Reply) -> str:
    if reply.title and reply.kind in ENTRY_KINDS:
        return f"<b>{escape(reply.title)}</b>"
    return ""


def _links(links: Sequence[Link]) -> str:
    return "\n".join(
        f'<a href="{escape_attribute(link.url)}">{escape(link.label)}</a>' for link in links
    )


def _photo_lines(image: Image, texts: BotTexts) -> str:
    lines = f"<i>{escape(shorten(image.caption, CAPTION_LIMIT // 2))}</i>"
    if image.credit:
        lines += "\n" + escape(texts.text("photo_credit", credit=image.credit))
    return lines


def _join(*blocks: str) -> str:
    return "\n\n".join(block for block in blocks if block)


def render(
    reply: Reply, texts: BotTexts, *, photo: bool = True, feedback: bool = False
) -> list[Outgoing]:
    """The messages that show a reply: a photo when the article has one, then text, with
    one link preview at most (none after a photo).

    With feedback, an answer about an entry ends with a row of 👍 and 👎.
    """
    keys = keyboard(reply.buttons)
    thumbs = feedback_keys(reply, texts) if feedback else ()
    if thumbs:
        keys = (*keys, thumbs)
    header, links = _header(reply), _links(reply.links)
    image = reply.image if photo and reply.image is not None and reply.image.url else None
    if image is not None and image.url is not None:
        picture = _photo_lines(image, texts)
        caption = _join(_title_and(header, escape(reply.text.strip())), links, picture)
        if visible_length(caption) <= CAPTION_LIMIT:
            return [Outgoing(caption, keys, photo_url=image.url)]
        # The photo is the picture: the text after it previews no link.
        text = _text_messages(reply, header, links, keys, preview=False)
        return [Outgoing(picture, photo_url=image.url), *text]
    return _text_messages(reply, header, links, keys)


def _title_and(header: str, body: str) -> str:
    return f"{header}\n{body}" if header else body


def _text_messages(
    reply: Reply, header: str, links: str, keys: Keyboard, preview: bool = True
) -> list[Outgoing]:
    """The text of a reply in as many messages as it takes; the last one has the buttons
    and the one link preview."""
    frame = visible_length(header) + visible_length(links) + 4
    chunks = split_text(reply.text, TEXT_LIMIT - frame) or [""]
    bodies = [escape(chunk) for chunk in chunks]
    bodies[0] = _title_and(header, bodies[0])
    bodies[-1] = _join(bodies[-1], links)
    url = reply.links[0].url if reply.links and preview else None
    last = len(bodies) - 1
    return [
        Outgoing(
            body,
            keys if i == last else (),
            preview_url=url if i == last else None,
        )
        for i, body in enumerate(bodies)
    ]


def share(reply: Reply, open_url: str | None, open_label: str) -> tuple[str, Keyboard]:
    """An answer as a message for another chat (inline mode): one message, a link button."""
    header, links = _header(reply), _links(reply.links)
    frame = visible_length(header) + visible_length(links) + 4
    body = _title_and(header, escape(shorten(reply.text, TEXT_LIMIT - frame)))
    keys: Keyboard = ((Key(open_label, url=open_url),),) if open_url else ()
    return _join(body, links), keys


def description(reply: Reply) -> str:
    """The grey line under an inline result: the start of the answer."""
    return shorten(" ".join(reply.text.split()), DESCRIPTION_LIMIT)
