"""Moderators' texts cut into sentences: one splitter for readability, teasers and aspects.

A sentence ends at ".", "!" or "?" before the next one's capital letter, opening quote or
digit - not after an abbreviation ("z. B.", "bzw.") and not after a day or an ordinal of one
or two digits ("13. September", "der 2. Weltkrieg"); a year ends a sentence ("... 2020. Das").
"""

from __future__ import annotations

import re

_ABBREVIATIONS = re.compile(
    r"\b(?:z\. ?B|d\. ?h|u\. ?a|o\. ?ä|bzw|ca|Nr|usw|etc|vgl|Dr|Prof|Mio|Mrd|evtl|ggf|inkl)\."
)
_DAY_OR_ORDINAL = re.compile(r"(?:^|\s)\d{1,2}\.$")
_CANDIDATE = re.compile(r"(?<=[.!?…“\"»)])\s+(?=[A-ZÄÖÜ„\"»(•\d-])")
_HIDDEN = "\x00"


def sentences(text: str) -> list[str]:
    """The sentences of a text, in order, each stripped; line breaks always end one."""
    result: list[str] = []
    protected = _ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", _HIDDEN), text)
    for line in protected.splitlines():
        pieces = _CANDIDATE.split(line.strip())
        current = ""
        for piece in pieces:
            if current and not _continues(current):
                result.append(current.strip())
                current = piece
            else:
                current = f"{current} {piece}" if current else piece
        if current.strip():
            result.append(current.strip())
    return [sentence.replace(_HIDDEN, ".") for sentence in result if sentence]


def _continues(text: str) -> bool:
    """True if text ends in a day or an ordinal ("13.", "2."), so the sentence goes on."""
    return bool(_DAY_OR_ORDINAL.search(text))


def teaser(text: str, limit: int) -> str:
    """The first sentences of a text on one line, as many as fit in limit characters (at
    least one, cut between words with " …" if even that is too long)."""
    parts = sentences(" ".join(text.split()))
    result = parts[0] if parts else ""
    for part in parts[1:]:
        if len(result) + 1 + len(part) > limit:
            break
        result += " " + part
    if len(result) <= limit:
        return result
    return result[: limit - 2].rsplit(" ", 1)[0] + " …"
