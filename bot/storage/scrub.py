"""What of a reader's question may be stored: the text without anything that could identify them.

Every backend cleans a question with scrub() before it keeps it: numbers, e-mail addresses,
phone numbers, @handles and URLs are removed, and the rest is cut to MAX_QUESTION_CHARS.
"""

from __future__ import annotations

import re

MAX_QUESTION_CHARS = 200

_SCRUBBERS = [
    re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE),
    re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),
    re.compile(r"(?<!\w)@\w+"),
    re.compile(r"\+?\d[\d\s/().-]{5,}\d"),
    re.compile(r"\d+"),
]
_SPACES = re.compile(r"\s+")


def scrub(question: str) -> str:
    """The question without anything that could identify a reader (numbers, handles, ...)."""
    text = question
    for pattern in _SCRUBBERS:
        text = pattern.sub(" ", text)
    text = "".join(ch for ch in text if ch.isprintable())
    return _SPACES.sub(" ", text).strip()[:MAX_QUESTION_CHARS]
