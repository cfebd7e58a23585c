"""Every reference a button or a deep link carries, packed and parsed in this one place.

An entry is referred to as "<prefix><id>" (t:sanktionen, s:dpa, a:putin-kim-treffen). A button
carries an action: an entry reference, or one of the actions below; each fits Telegram's
64-byte callback_data. A deep link t.me/<bot>?start=<payload> names an entry in words
(begriff_sanktionen). Old buttons keep working after a restart because nothing here depends
on state.
"""

from __future__ import annotations

import re
from typing import Final, Literal

EntryKind = Literal["article", "term", "source"]

ENTRY_KINDS: Final[tuple[EntryKind, ...]] = ("article", "term", "source")
PREFIXES: Final[dict[EntryKind, str]] = {"article": "a:", "term": "t:", "source": "s:"}

SOURCES_ACTION: Final = "src:"  # src:<article id>: the article's sources
MORE_ACTION: Final = "more:"  # more:<entry ref>: the longer explanation
NOTHING_ACTION: Final = "none"  # "Nichts davon" under a "Meinst du ...?"
NEWS_ACTION: Final = "news"
GLOSSARY_ACTION: Final = "g:"  # g:<page>: a page of the glossary
SOURCE_LIST_ACTION: Final = "sources"
# The daily digest: "abo:" shows the setting, "abo:17:30" picks a time, "abo:aus" ends it.
ABO_ACTION: Final = "abo:"
ABO_END_ACTION: Final = "abo:aus"
# 👍/👎 under an answer: "fb:+:t:sanktionen", "fb:-:t:sanktionen" (the entry, no question).
FEEDBACK_ACTION: Final = "fb:"

# Deep-link payload prefix -> entry reference prefix.
DEEP_LINKS: Final[dict[str, str]] = {"begriff_": "t:", "quelle_": "s:", "artikel_": "a:"}
_DEEP_LINK_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_MAX_PAGE_DIGITS = 5


def entry_ref(kind: str, id_: str) -> str | None:
    """The reference of an entry ("term", "sanktionen" -> "t:sanktionen"); None for other kinds."""
    prefix = PREFIXES.get(kind)  # type: ignore[call-overload]
    return f"{prefix}{id_}" if prefix is not None and id_ else None


def sources_action(article_id: str) -> str:
    """The button that shows an article's sources."""
    return SOURCES_ACTION + article_id


def more_action(ref: str) -> str:
    """The button that shows more about an entry."""
    return MORE_ACTION + ref


def glossary_action(page: int) -> str:
    """The button that shows a page of the glossary."""
    return f"{GLOSSARY_ACTION}{page}"


def glossary_page(action: str) -> int:
    """The page a glossary action asks for; 1 for anything that is not a sane page number."""
    number = action.removeprefix(GLOSSARY_ACTION)
    # isdigit() alone admits "²", which int() refuses: ASCII digits only.
    wanted = number.isascii() and number.isdigit() and len(number) <= _MAX_PAGE_DIGITS
    return int(number) if wanted else 1


def abo_action(choice: str = "") -> str:
    """A digest button: "" shows the setting, "17:30" picks that time."""
    return ABO_ACTION + choice


def feedback_action(helpful: bool, ref: str) -> str:
    """The 👍 (helpful) or 👎 button under an answer about an entry."""
    return f"{FEEDBACK_ACTION}{'+' if helpful else '-'}:{ref}"


def parse_feedback(action: str) -> tuple[bool, str] | None:
    """(helpful, entry reference) of a 👍/👎 action, or None if it is none."""
    sign, _, ref = action.removeprefix(FEEDBACK_ACTION).partition(":")
    if not action.startswith(FEEDBACK_ACTION) or sign not in ("+", "-") or not ref:
        return None
    return sign == "+", ref


def deep_link_action(payload: str) -> str | None:
    """The action a /start payload asks for ("begriff_sanktionen" -> "t:sanktionen")."""
    if payload == NEWS_ACTION:
        return NEWS_ACTION
    for prefix, ref in DEEP_LINKS.items():
        if payload.startswith(prefix) and len(payload) > len(prefix):
            return ref + payload[len(prefix) :]
    return None


def deep_link_payload(ref: str | None) -> str | None:
    """The /start payload that opens an entry ("t:sanktionen" -> "begriff_sanktionen"), if any."""
    if ref is None:
        return None
    for prefix, entry_prefix in DEEP_LINKS.items():
        if ref.startswith(entry_prefix):
            payload = prefix + ref[len(entry_prefix) :]
            return payload if _DEEP_LINK_PAYLOAD.match(payload) else None
    return None
