"""A question as query words: joins, compound splits, typo resolution and each word's weight.

The question is analysed with the same normalisation as the knowledge. Each topic word is
looked up in the index exactly, as part of a compound the knowledge writes as one word, or
with one typo (two in long words) through the typo table.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.language import is_common
from bot.search.analysis import analyze, verb_forms
from bot.search.index import Index
from bot.search.scoring import (
    COMMON_WORD_ZIPF,
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

    def _resolve(self, word: str) -> tuple[list[tuple[str, float]], str]:
        """The stems a question word may stand for, with how sure we are of each, and how
        it was found (for explain): as written, as a typo, a participle or a verb form."""
        index = self.index
        key = index.key(word)
        if index.known(key):
            return [(key, 1.0)], "synonym" if word in index.canon else "known"
        corrected = self.typos.closest(word)
        # A correctly spelled everyday word is no typo of a word the knowledge holds:
        # "führen" is not "führt", "sehen" is not "sehr".
        if corrected is not None and not is_common(word, COMMON_WORD_ZIPF):
            known, distance = corrected
            return [(index.surface[known], TYPO_SIMILARITY[distance])], f"typo of {known}"
        # A participle the knowledge writes in another form: gekauft -> kauft(e).
        if word.startswith("ge") and len(word) >= 6:
            key = index.key(word[2:])
            if index.known(key):
                return [(key, PARTICIPLE_SIMILARITY)], "participle"
        # A verb form Snowball keeps whole: sanktioniert -> sanktionieren, wirkt -> wirken.
        for form in verb_forms(word):
            key = index.key(form)
            if index.known(key):
                return [(key, 1.0)], f"verb form of {form}"
        return [], "unknown"

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
            return QueryWord(text, [(key, 1.0)], 1.0, how="joined")
        if len(text) < LONG_TYPO_LENGTH or all(index.known(index.key(p)) for p in parts):
            return None
        corrected = self.typos.closest(text)
        if corrected is None or index.surface[corrected[0]] not in index.postings:
            return None
        similarity = TYPO_SIMILARITY[corrected[1]]
        alternatives = [(index.surface[corrected[0]], similarity)]
        return QueryWord(text, alternatives, 1.0, how=f"joined, typo of {corrected[0]}")

    def _word(self, word: str) -> list[QueryWord]:
        if len(word) > MAX_WORD:
            return [QueryWord(word, [], 1.0, how="too long")]
        alternatives, how = self._resolve(word)
        if alternatives or len(word) < 7:
            weight = word_weight(word, bool(alternatives))
            return [QueryWord(word, alternatives, weight, how=how)]
        parts = self._split(word)
        if parts is None:
            return [QueryWord(word, [], word_weight(word, False), how="unknown")]
        # A split is a guess ("Militärzeit" is not about the military): its parts count only
        # where an entry names them, not where some text happens to use them.
        words = []
        for part in parts:
            resolved, how = self._resolve(part)
            weight = word_weight(part, bool(resolved))
            words.append(QueryWord(part, resolved, weight, True, f"part of {word}, {how}"))
        return words
