"""Which of an entry's own sentences answers the aspect a question asks about.

"Wirken Sanktionen sofort?" names the entry Sanktionen and asks about one aspect of it. The
answer is a sentence a moderator wrote in the entry ("Sanktionen wirken oft erst nach langer
Zeit."), found by the aspect's words (the same analysis and synonyms as the index) and by what
the question word asks for: a reason (warum), a time (wann), a place (wo), a number (wie
viele). No sentence is invented or reworded; when none answers, the reply says so honestly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.models import Article, AspectNote, Entry
from bot.search.analysis import analyze, is_weak, stem, verb_forms
from bot.search.scoring import DEFINITION_MARKERS
from bot.sentences import sentences

# What a question word asks for, and words of a sentence that give it.
CUES: dict[str, frozenset[str]] = {
    "why": frozenset({"warum", "wieso", "weshalb", "wozu"}),
    "when": frozenset({"wann"}),
    "where": frozenset({"wo", "woher", "wohin"}),
    "count": frozenset({"wieviel", "wieviele"}),
}
GIVES: dict[str, frozenset[str]] = {
    "why": frozenset({"weil", "deshalb", "darum", "deswegen", "grund", "gruende", "ziel"}),
    "when": frozenset({"seit", "jahr", "jahren", "jahrhundert", "damals", "heute", "tag"}),
    "where": frozenset({"liegt", "liegen", "ort", "stadt", "hauptstadt", "osten", "westen"})
    | frozenset({"norden", "sueden", "nahe", "grenze", "kilometer", "land"}),
    "count": frozenset({"hundert", "tausend", "millionen", "milliarden", "prozent", "zwei"})
    | frozenset({"drei", "vier", "fuenf", "sechs", "sieben", "acht", "neun", "zehn", "zwoelf"}),
}
_YEAR = re.compile(r"\b(1\d{3}|20\d{2})\b")
_NUMBER = re.compile(r"\d")
# A sentence must give this much to answer: one aspect word, or what the question word asks.
AN_ASPECT_WORD = 1.0
A_CUE = 0.6
# "was ... ist" in a longer message is a question what something is ("ich weiß nicht was
# das ist"); in a short one it may ask an aspect ("Was ist an Putin so schlimm?").
MAX_DEFINITION = 6
# A word this long is also found inside a longer one ("Soldat" in "Kindersoldaten").
INSIDE = 5


@dataclass(frozen=True, slots=True)
class _Sentence:
    text: str
    field: str
    keys: frozenset[str]
    words: frozenset[str]
    every: frozenset[str]


class Aspects:
    """Finds an entry's sentence for an aspect; key is the index's key for a folded word."""

    def __init__(self, key: Callable[[str], str]) -> None:
        self.key = key
        self._sentences = lru_cache(maxsize=4096)(self._split)

    def answer(
        self, entry: Entry, aspect: Sequence[str], question: Sequence[str]
    ) -> AspectNote | None:
        """The answer to the aspect words of a question (its folded words, for the question
        word), or None when the question asks nothing beyond what the entry is."""
        strong = [word for word in aspect if not is_weak(word)]
        cues = [cue for cue, words in CUES.items() if words & set(question)]
        if "wie" in question and {"viel", "viele", "vielen"} & set(question):
            cues.append("count")
        if not strong and not cues:
            return None
        best: _Sentence | None = None
        best_score = 0.0
        for sentence in self._sentences(entry):
            score = sum(AN_ASPECT_WORD for word in strong if self._in(word, sentence))
            if any(_gives(cue, sentence) for cue in cues):
                score += A_CUE
            if score > best_score:
                best, best_score = sentence, score
        needed = AN_ASPECT_WORD if strong else A_CUE
        if best is None or best_score < needed:
            # A question word alone ("Warum gibt es die NATO?") or a question what the thing
            # is ("... ich weiß nicht, was das ist, kannst du es erklären?") is what the short
            # answer is for; an aspect word no sentence holds ("Wie gefährlich ...?") is not.
            return AspectNote(None, None, hedge=True) if strong and not _defines(question) else None
        return AspectNote(best.text, best.field, hedge=False)

    def _in(self, word: str, sentence: _Sentence) -> bool:
        """True if the sentence holds the word: a key, a verb form, or inside a compound."""
        keys = {self.key(word), *(self.key(form) for form in verb_forms(word))}
        if keys & sentence.keys:
            return True
        root = stem(word)
        return len(root) >= INSIDE and any(root in other for other in sentence.words)

    def _split(self, entry: Entry) -> tuple[_Sentence, ...]:
        fields: list[tuple[str, str]]
        if isinstance(entry, Article):
            fields = [("summary", entry.summary), ("details", entry.details)]
            fields += [("points", point) for point in entry.points]
        else:
            fields = [("short", entry.short), ("more", entry.more or "")]
        result = []
        for field, text in fields:
            for sentence in sentences(text):
                analysis = analyze(sentence)
                keys = frozenset(self.key(word) for word in analysis.content)
                words, every = frozenset(analysis.content), frozenset(analysis.words)
                result.append(_Sentence(sentence, field, keys, words, every))
        return tuple(result)


def _defines(question: Sequence[str]) -> bool:
    """True if the question asks what something is: "erklär", "bedeutet", "was ... ist"."""
    words = set(question)
    if any(stem(word) in DEFINITION_MARKERS for word in words):
        return True
    return "was" in words and bool(words & {"ist", "sind"}) and len(words) > MAX_DEFINITION


def _gives(cue: str, sentence: _Sentence) -> bool:
    """True if the sentence gives what the question word asks for."""
    if cue == "when" and _YEAR.search(sentence.text):
        return True
    if cue == "count" and _NUMBER.search(sentence.text):
        return True
    return bool(GIVES[cue] & sentence.every)
