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
from functools import lru_cache, partial

from bot.models import Article, AspectNote, Entry
from bot.search.analysis import analyze, is_weak, stem, verb_forms
from bot.search.scoring import DEFINITION_MARKERS
from bot.sentences import sentences

# What a question word asks for (one word, or two in a row: "wie viele"), and words of a
# sentence that give it; a year gives a time, a number that is no year an amount.
CUES: dict[str, tuple[str, ...]] = {
    "why": ("warum", "wieso", "weshalb", "wozu"),
    "when": ("wann",),
    "where": ("wo", "woher", "wohin"),
    "count": ("wieviel", "wieviele", "wie viel", "wie viele", "wie vielen"),
    "age": ("wie alt",),
    "duration": ("wie lange", "wie lang"),
}
GIVES: dict[str, frozenset[str]] = {
    "why": frozenset({"weil", "deshalb", "darum", "deswegen", "grund", "gruende", "ziel"}),
    "when": frozenset({"seit", "jahr", "jahren", "jahrhundert", "damals", "heute", "tag"}),
    "where": frozenset({"liegt", "liegen", "ort", "stadt", "hauptstadt", "osten", "westen"})
    | frozenset({"norden", "sueden", "nahe", "grenze", "kilometer", "land"}),
    "count": frozenset({"hundert", "tausend", "millionen", "milliarden", "prozent", "zwei"})
    | frozenset({"drei", "vier", "fuenf", "sechs", "sieben", "acht", "neun", "zehn", "zwoelf"}),
    "age": frozenset({"alt", "jahre", "jahren", "jahr"}),
    "duration": frozenset({"jahre", "jahren", "jahr", "monate", "wochen", "tage", "stunden"}),
}
# Words of a cue that are no aspect of their own ("alt" in "Wie alt ist Putin?").
CUE_WORDS = frozenset({"alt", "lange", "lang"})
_YEAR = re.compile(r"\b(1\d{3}|20\d{2})\b")
_AMOUNT = re.compile(r"\b(?!(?:1\d{3}|20\d{2})\b)\d[\d.,]*")
# A sentence must give this much to answer: one aspect word, or what the question word asks.
AN_ASPECT_WORD = 1.0
A_CUE = 0.6
# "was ... ist" in a longer message is a question what something is ("ich weiß nicht was
# das ist"); in a short one it may ask an aspect ("Was ist an Putin so schlimm?").
MAX_DEFINITION = 6
# A word this long is also found inside a longer one ("Soldat" in "Kindersoldaten").
INSIDE = 5
# A noun stem at least this long at the start of a verb's stem is the verb's noun.
DERIVED = 6


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
        # A cache of a function of the key, not of a method: a cache of its own method made
        # the Aspects a reference cycle, which gc.freeze() kept (with the index) for good.
        self._sentences = lru_cache(maxsize=4096)(partial(_split, key))

    def answer(
        self, entry: Entry, aspect: Sequence[str], question: Sequence[str]
    ) -> AspectNote | None:
        """The answer to the aspect words of a question (its folded words, for the question
        word), or None when the question asks nothing beyond what the entry is."""
        strong = [word for word in aspect if not is_weak(word) and word not in CUE_WORDS]
        said = " " + " ".join(question) + " "
        cues = [cue for cue, words in CUES.items() if any(f" {w} " in said for w in words)]
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
        # What the question word asks for answers it even without its other words ("Wie
        # viele Mitglieder hat die UNO?" - "193 Länder"); else one of those words is needed.
        needed = A_CUE if cues or not strong else AN_ASPECT_WORD
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
        if len(root) >= INSIDE and any(root in other for other in sentence.words):
            return True
        # A verb made of a noun: "sanktioniert" (sanktioni-) and "Sanktionen" (sanktion).
        return any(
            len(key) >= DERIVED and form.startswith(key)
            for form in (stem(f) for f in verb_forms(word))
            for key in sentence.keys
        )


def _split(key: Callable[[str], str], entry: Entry) -> tuple[_Sentence, ...]:
    """The sentences of an entry's texts, each with its words and their index keys."""
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
            keys = frozenset(key(word) for word in analysis.content)
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
    amount = bool(_AMOUNT.search(sentence.text) or GIVES["count"] & sentence.every)
    if cue == "when":
        return bool(_YEAR.search(sentence.text) or GIVES[cue] & sentence.every)
    if cue == "count":
        return amount
    if cue == "age":  # "ab 13 Jahren", "1952 geboren"
        born = bool(_YEAR.search(sentence.text)) and "geboren" in sentence.every
        return born or (amount and bool(GIVES[cue] & sentence.every))
    if cue == "duration":  # "für fünf Jahre"
        return amount and bool(GIVES[cue] & sentence.every)
    return bool(GIVES[cue] & sentence.every)
