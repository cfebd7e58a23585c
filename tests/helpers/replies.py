"""What a reader sees of a message the bot sent (a recorded call): its text without the HTML,
and its buttons (with what they do, or row by row as they are laid out)."""

from __future__ import annotations

from helpers.api import Call
from helpers.html import parse_html


def text_of(call: Call) -> str:
    """What the reader reads: the message text or photo caption without HTML."""
    return parse_html(call.params.get("text") or call.params.get("caption") or "")


def buttons_of(call: Call) -> list[tuple[str, str]]:
    """(label, callback_data or url) of every button under a message."""
    markup = call.params.get("reply_markup") or {"inline_keyboard": []}
    return [
        (b["text"], b.get("callback_data") or b.get("url"))
        for row in markup["inline_keyboard"]
        for b in row
    ]


def button_rows(call: Call) -> list[list[str]]:
    """The labels of the buttons under a message, row by row."""
    markup = call.params.get("reply_markup") or {"inline_keyboard": []}
    return [[key["text"] for key in row] for row in markup["inline_keyboard"]]


def button(call: Call, label: str) -> str:
    """The callback_data of the button with this label under a message."""
    for row in call.params["reply_markup"]["inline_keyboard"]:
        for key in row:
            if key["text"] == label:
                return str(key["callback_data"])
    raise AssertionError(f"no button {label!r}")
