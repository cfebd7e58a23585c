"""Whether a message speaks of worry, and of which kind: the reader's own fear, a danger
close to them, sorrow, or fear of a world war.

A word of worry counts only in the right company (knowledge/bot.yaml, `worries`): fear and
sorrow where the reader speaks of themself ("Ich habe Angst", not "Hat Putin Angst?"), a
danger where something brings it close ("Können Bomben auch hier runterfallen?", not
"Mischt sich Deutschland in einen Krieg ein?"). Worry words are roots: found in any form,
inside a longer word ("beängstigend") and with one typo ("beängstigent").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import DamerauLevenshtein

from bot.language import is_common
from bot.models import Worries, Worry
from bot.search.analysis import STOPWORDS, fold

# Roots at least this long are also found inside longer words and with one typo; shorter
# ones ("tot", "tod") only as words of their own, with a plain ending.
LONG_ROOT = 5
ENDINGS = ("", "e", "en", "er", "es", "n", "s", "t")
# A word at least this common in German is taken as written, never as a typo of a root.
COMMON_WORD = 4.0
# Words whose root parts are remembered, at most.
CACHE_WORDS = 50_000
# A message of at most this many topic words is about the reader: "Angst!", "hab angst".
SHORT_MESSAGE = 1


@dataclass(frozen=True)
class WorryFinder:
    """The worries of the knowledge, folded once, ready to look at messages."""

    worries: Worries
    self_words: frozenset[str]
    us: frozenset[str]
    others: frozenset[str]
    near: frozenset[str]
    home: frozenset[str]
    arrive: frozenset[str]
    past: frozenset[str]
    roots: tuple[tuple[Worry, tuple[tuple[str, ...], ...]], ...]
    all_parts: frozenset[str] = frozenset()
    _cache: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, worries: Worries) -> WorryFinder:
        """Fold every list once."""

        def words(values: Sequence[str]) -> frozenset[str]:
            return frozenset(word for value in values for word in fold(value).split())

        roots = tuple(
            (kind, tuple(tuple(fold(word).split()) for word in kind.words if fold(word)))
            for kind in worries.kinds
        )
        return cls(
            worries,
            words(worries.self_words),
            words(worries.us),
            words(worries.others),
            words(worries.near),
            words(worries.home),
            words(worries.arrive),
            words(worries.past),
            roots,
            frozenset(part for _, kind_roots in roots for root in kind_roots for part in root),
        )

    def find(
        self,
        words: Sequence[str],
        content: Sequence[str],
        names_an_entry: bool,
        personal: bool = False,
    ) -> Worry | None:
        """The first kind of worry the message's folded words speak of, or None.

        content are the topic words: a message of one ("Angst!", "hab angst") speaks of the
        reader even without "ich"; a personal question (to "Sie") does not.
        """
        present = set(words)
        alone = len(content) <= SHORT_MESSAGE
        # "Wie kann ich jemandem helfen, der gemobbt wird?" is about someone else.
        elsewhere = bool(present & self.others) or personal
        speaks_of_me = (bool(present & self.self_words) or alone) and not elsewhere
        speaks_of_us = (speaks_of_me or bool(present & self.us)) and not elsewhere
        # "uns", "hier" bring a danger close; "Deutschland" only with a word of its coming
        # ("Kommt der Krieg nach Deutschland?", not "Mischt sich Deutschland in einen Krieg ein?").
        arriving = bool(present & self.arrive)
        close = bool(present & self.near) or (arriving and bool(present & self.home))
        found_parts = self._parts(words)
        for kind, roots in self.roots:
            found = any(all(part in found_parts for part in root) for root in roots)
            if kind.needs == "me" and found and speaks_of_me:
                return kind
            if kind.needs == "self" and found and speaks_of_us:
                return kind
            if kind.needs == "near" and close:
                # A danger named and brought close, or one coming to us: "Kommt der auch zu uns?"
                # ... but only when it says nothing else: "Wie kommen Nachrichten zu uns?"
                said = set(content) - self.arrive - self.near
                coming = arriving and not names_an_entry and not said
                if found or coming:
                    return kind
            if kind.needs == "nothing" and found:
                return kind
        return None

    def _parts(self, words: Sequence[str]) -> set[str]:
        """The root parts the message holds, each not right after a past word."""
        found: set[str] = set()
        for position, word in enumerate(words):
            if position and words[position - 1] in self.past:
                continue
            found |= self._word_parts(word)
        return found

    def _word_parts(self, word: str) -> frozenset[str]:
        """The root parts a word is a form of; remembered per word (messages repeat words)."""
        parts = self._cache.get(word)
        if parts is None:
            parts = frozenset(part for part in self.all_parts if _matches(word, part))
            if len(self._cache) < CACHE_WORDS:
                self._cache[word] = parts
        return parts


def _matches(word: str, root: str) -> bool:
    """True if word is a form of root: an ending, inside a compound, or one typo away (but a
    correctly spelled everyday word is no typo: "einen" is not "weinen")."""
    if len(root) < LONG_ROOT:
        return any(word == root + ending for ending in ENDINGS)
    if root in word:
        return True
    if len(word) < LONG_ROOT or word in STOPWORDS:
        return False
    typo = DamerauLevenshtein.distance(word, root, score_cutoff=1) <= 1
    return typo and not is_common(word, COMMON_WORD)
