"""Telegram's HTML parse mode as Telegram checks it (tags, attributes, entities, byte offsets in
its errors), the length Telegram counts, and the entities it attaches to a reader's message."""

from __future__ import annotations

import html
import re
from typing import Any

from helpers.api import JSON, ApiError, bad_request

# Tags Telegram's HTML parse mode knows, with the attributes each may carry.
ALLOWED_TAGS: dict[str, set[str]] = {
    "b": set(),
    "strong": set(),
    "i": set(),
    "em": set(),
    "u": set(),
    "ins": set(),
    "s": set(),
    "strike": set(),
    "del": set(),
    "a": {"href"},
    "code": {"class"},
    "pre": set(),
    "tg-spoiler": set(),
    "span": {"class"},
    "blockquote": {"expandable"},
    "tg-emoji": {"emoji-id"},
}
_TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[A-Za-z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*>"
)
_ATTRIBUTE = re.compile(r"([A-Za-z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']+))?")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});")
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}\b")


def utf16_length(text: str) -> int:
    """The length Telegram counts."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> str:
    """The plain text of a Telegram HTML message; raises ApiError like Telegram does."""
    plain: list[str] = []
    stack: list[str] = []
    position = 0

    def fail(reason: str, at: int) -> ApiError:
        offset = len(text[:at].encode("utf-8"))
        return bad_request(f"can't parse entities: {reason} at byte offset {offset}")

    while position < len(text):
        char = text[position]
        if char == "<":
            tag = _TAG.match(text, position)
            if tag is None:
                raise fail('unexpected "<"; write it as &lt;', position)
            closing, name, attributes = tag.group(1), tag.group(2).lower(), tag.group(3)
            if name not in ALLOWED_TAGS:
                raise fail(f'unsupported start tag "{name}"', position)
            if closing:
                if not stack:
                    raise fail(f'unexpected end tag "{name}"', position)
                if stack[-1] != name:
                    raise fail(
                        f'unmatched end tag, expected "</{stack[-1]}>", found "</{name}>"', position
                    )
                stack.pop()
            else:
                found = {m.group(1).lower(): m.group(2) for m in _ATTRIBUTE.finditer(attributes)}
                unknown = set(found) - ALLOWED_TAGS[name]
                if unknown:
                    raise fail(
                        f'unsupported attribute "{sorted(unknown)[0]}" of "{name}"', position
                    )
                if name == "a" and not (found.get("href") or "").strip("\"'"):
                    raise fail('tag "a" must have a non-empty "href" attribute', position)
                for value in found.values():
                    if value and not _attribute_ok(value.strip("\"'")):
                        raise fail(f'unexpected "&" in an attribute of "{name}"', position)
                stack.append(name)
            position = tag.end()
        elif char == "&":
            entity = _ENTITY.match(text, position)
            if entity is None:
                raise fail('unexpected "&"; write it as &amp;', position)
            plain.append(html.unescape(entity.group(0)))
            position = entity.end()
        elif char == ">":
            raise fail('unexpected ">"; write it as &gt;', position)
        else:
            plain.append(char)
            position += 1
    if stack:
        raise bad_request(
            f"can't parse entities: can't find end tag corresponding to start tag \"{stack[-1]}\""
        )
    return "".join(plain)


def _attribute_ok(value: str) -> bool:
    """Every & in an attribute value starts an entity."""
    return all(_ENTITY.match(value, m.start()) for m in re.finditer("&", value))


def check_text(text: str, parse_mode: Any, limit: int, what: str) -> str:
    """The plain text of a message or caption Telegram would take; raises ApiError if not."""
    plain = parse_html(text) if str(parse_mode or "").upper() == "HTML" else text
    if parse_mode and str(parse_mode).upper() != "HTML":
        raise bad_request(f"unsupported parse_mode {parse_mode!r} in this fake")
    if not plain.strip():
        raise bad_request(f"{what} text is empty")
    if utf16_length(plain) > limit:
        raise bad_request(
            f"{what} is too long" if what == "message" else "message caption is too long"
        )
    return plain


def message_entities(text: str) -> list[JSON]:
    """The entities Telegram attaches to a user's message: the command, @mentions."""
    found = []
    command = _COMMAND.match(text)
    if command:
        found.append(("bot_command", command.start(), command.end()))
    found += [("mention", m.start(), m.end()) for m in _MENTION.finditer(text)]
    return [
        {
            "type": kind,
            "offset": utf16_length(text[:start]),
            "length": utf16_length(text[start:end]),
        }
        for kind, start, end in found
    ]
