"""A question as query words: joins, compound splits, typo resolution and each word's weight.

The question is analysed with the same normalisation as the knowledge. Each topic word is
looked up in the index exactly, as part of a compound the knowledge writes as one word, or
with one typo (two in long words) through the typo table.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.search.analysis import analyze, verb_forms
from bot.search.index import Index
from bot.search.scoring import (
    LONG_TYPO_LENGTH,
    MAX_JOIN,
    MAX_WORD,
    PARTICIPLE_SIMILARITY,
    TYPO_SIMILARITY,
    QueryWord,
    word_weight,
)
from bot.search.typos import Typos


class QueryParser:
    """Turns a question into the query words that scoring weighs, using the index's vocabulary."""

    def __init__(self, index: Index, typos: Typos) -> None:
        self.index = index
        self.typos = typos

    def parse(self, question: str) -> list[QueryWord]:
        """The question's topic words, joined where the knowledge writes them as one."""
        content = list(analyze(question, limit=True).content)
        words: list[QueryWord] = []
        i = 0
        while i < len(content):
            taken = 1
            for n in range(min(MAX_JOIN, len(content) - i), 1, -1):
                joined = self._join(content[i : i + n])
                if joined is not None:
                    words.append(joined)
                    taken = n
                    break
            else:
                words.extend(self._word(content[i]))
            i += taken
        return words

    def _resolve(self, word: str) -> list[tuple[str, float]]:
        """The stems a question word may stand for, with how sure we are of each."""
        index = self.index
        key = index.key(word)
        if index.known(key):
            return [(key, 1.0)]
        corrected = self.typos.closest(word)
        if corrected is not None:
            known, distance = corrected
            return [(index.surface[known], TYPO_SIMILARITY[distance])]
        # A participle the knowledge writes in another form: gekauft -> kauft(e).
        if word.startswith("ge") and len(word) >= 6:
            key = index.key(word[2:])
            if index.known(key):
                return [(key, PARTICIPLE_SIMILARITY)]
        # A verb form Snowball keeps whole: sanktioniert -> sanktionieren, wirkt -> wirken.
        for form in verb_forms(word):
            key = index.key(form)
            if index.known(key):
                return [(key, 1.0)]
        return []

    def _split(self, word: str) -> list[str] | None:
        """Split an unknown compound at the longest known head: atombombe -> atom + bombe."""
        index = self.index
        for cut in range(len(word) - 3, 3, -1):
            head, rest = word[:cut], word[cut:]
            if index.known(index.key(head)) or head in index.surface:
                return [head, rest]
        return None

    def _join(self, parts: Sequence[str]) -> QueryWord | None:
        """Words written apart that the knowledge writes as one: "getreide abkommen"."""
        index = self.index
        text = "".join(parts)
        if len(text) > MAX_WORD:
            return None
        key = index.key(text)
        if key in index.postings:
            return QueryWord(text, [(key, 1.0)], 1.0)
        if len(text) < LONG_TYPO_LENGTH or all(index.known(index.key(p)) for p in parts):
            return None
        corrected = self.typos.closest(text)
        if corrected is None or index.surface[corrected[0]] not in index.postings:
            return None
        similarity = TYPO_SIMILARITY[corrected[1]]
        return QueryWord(text, [(index.surface[corrected[0]], similarity)], 1.0)

    def _word(self, word: str) -> list[QueryWord]:
        if len(word) > MAX_WORD:
            return [QueryWord(word, [], 1.0)]
        alternatives = self._resolve(word)
        if alternatives or len(word) < 7:
            return [QueryWord(word, alternatives, word_weight(word, bool(alternatives)))]
        parts = self._split(word)
        if parts is None:
            return [QueryWord(word, [], word_weight(word, False))]
        # A split is a guess ("Militärzeit" is not about the military): its parts count only
        # where an entry names them, not where some text happens to use them.
        words = []
        for part in parts:
            resolved = self._resolve(part)
            weight = word_weight(part, bool(resolved))
            words.append(QueryWord(part, resolved, weight, names_only=True))
        return words
