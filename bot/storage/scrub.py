"""What of a reader's question may be stored: the text without anything that could identify them.

Every backend cleans a question with scrub() before it keeps it: bot tokens and other long
keys, numbers, e-mail addresses, phone numbers, @handles and URLs are removed, and the rest
is cut to MAX_QUESTION_CHARS. A reader may paste the bot's own token into a question (a
moderator testing, a child who found it): anything shaped like a token or its secret half
goes, and the Recorder removes the configured secrets themselves (without_secrets) first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_QUESTION_CHARS = 200

_KEY = r"[A-Za-z0-9_-]"
_SCRUBBERS = [
    re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE),
    # A bot token: the bot's id, a colon, the secret half (35 characters at Telegram).
    re.compile(rf"\d{{3,}}:{_KEY}{{20,}}"),
    # A key on its own (a token's secret half, a webhook secret): a long run of letters,
    # digits, _ and - with a digit or a lower-to-upper case change in it. Words, even long
    # German compounds, have neither.
    re.compile(rf"(?<!{_KEY})(?={_KEY}*(?:\d|[a-z][A-Z])){_KEY}{{24,}}(?!{_KEY})"),
    re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),
    re.compile(r"(?<!\w)@\w+"),
    re.compile(r"\+?\d[\d\s/().-]{5,}\d"),
    re.compile(r"\d+"),
]
_SPACES = re.compile(r"\s+")
_MIN_SECRET = 8  # shorter pieces of a secret are left to the patterns above


def scrub(question: str) -> str:
    """The question without anything that could identify a reader (numbers, handles, ...)."""
    text = question
    for pattern in _SCRUBBERS:
        text = pattern.sub(" ", text)
    text = "".join(ch for ch in text if ch.isprintable())
    return _SPACES.sub(" ", text).strip()[:MAX_QUESTION_CHARS]


def without_secrets(text: str, secrets: Iterable[str]) -> str:
    """The text without these secrets, in any letter case; a bot token's halves go too."""
    pieces = set()
    for secret in secrets:
        pieces.add(secret)
        pieces.update(secret.split(":"))
    for piece in sorted(pieces, key=len, reverse=True):
        if len(piece) >= _MIN_SECRET:
            text = re.sub(re.escape(piece), " ", text, flags=re.IGNORECASE)
    return text
