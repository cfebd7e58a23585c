"""The typo table: known words by their one-letter deletions, and the closest known word."""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Iterable, Mapping

from rapidfuzz.distance import DamerauLevenshtein

from bot.search.scoring import LONG_TYPO_LENGTH, MIN_TYPO_LENGTH


class Typos:
    """Finds the known word a misspelt one stands for (symmetric deletion, as SymSpell does)."""

    def __init__(self, surface: Mapping[str, str]) -> None:
        """Index the words of the knowledge as written (the index's surface forms)."""
        self.surface = surface
        self.deletions = DeletionIndex(w for w in surface if len(w) >= MIN_TYPO_LENGTH)
        # Words added by reloads since (bot/search/update.py), in a small table of their own.
        self.added = DeletionIndex(())

    def extended(self, surface: Mapping[str, str], words: Iterable[str]) -> Typos:
        """The table for surface, which is this one's with words added: this table's large
        part is shared, the added words are indexed again with those added before."""
        typos = Typos.__new__(Typos)
        typos.surface = surface
        typos.deletions = self.deletions
        new = [w for w in words if len(w) >= MIN_TYPO_LENGTH]
        typos.added = DeletionIndex([*self.added.words, *new]) if new else self.added
        return typos

    def closest(self, word: str) -> tuple[str, int] | None:
        """The closest known word one typo away (two for long words) and its distance."""
        if len(word) < MIN_TYPO_LENGTH:
            return None
        allowed = 2 if len(word) >= LONG_TYPO_LENGTH else 1
        candidates: set[str] = set()
        added = self.added if len(self.added) else None
        for variant in (word, *deletions(word)):
            candidates.update(self.deletions.get(variant))
            if added is not None:
                candidates.update(added.get(variant))
            if variant in self.surface:
                candidates.add(variant)
        best: str | None = None
        best_distance = allowed + 1
        # A word a reload took out of the vocabulary stays in the tables: never a candidate.
        surface = self.surface
        for candidate in sorted(c for c in candidates if c in surface):
            distance = DamerauLevenshtein.distance(word, candidate, score_cutoff=allowed)
            if distance < best_distance:
                best, best_distance = candidate, distance
        return (best, best_distance) if best is not None else None


def deletions(word: str) -> Iterable[str]:
    """Every variant of word with one letter left out."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def is_deletion(variant: str, word: str) -> bool:
    """True if variant is word with one letter left out."""
    if len(word) != len(variant) + 1:
        return False
    i = 0
    while i < len(variant) and variant[i] == word[i]:
        i += 1
    return variant[i:] == word[i + 1 :]


def stable_hash(text: str) -> int:
    """A 64-bit hash of text that is the same in every process: str's own hash() is salted
    per process, and a snapshot (bot/snapshot.py) carries the table into another one."""
    data = text.encode()
    return zlib.crc32(data) << 32 | zlib.crc32(data, 0x9E3779B9)


class DeletionIndex:
    """The known words by their one-letter deletions, for the typo search.

    A dict of sets took about 300 bytes per deletion, 1.2 GB at 100,000 entries. Here each
    (deletion, word) pair is one 64-bit slot of an open-addressing table: 39 bits of the
    deletion's hash above the word's number. Every hit is checked against the word, so
    get() returns exactly the words a dict of sets would.
    """

    _ID_BITS = 24
    _ID_MASK = (1 << _ID_BITS) - 1
    _TAG_MASK = (1 << 39) - 1
    _LOAD = 0.6

    def __init__(self, words: Iterable[str]) -> None:
        self.words = list(words)
        if len(self.words) > self._ID_MASK:
            raise ValueError("too many words for the typo index")
        self.size = max(8, int(sum(len(w) for w in self.words) / self._LOAD) + 1)
        table = array("q", bytes(8 * self.size))
        size, tags = self.size, self._TAG_MASK
        for number, word in enumerate(self.words, 1):
            for variant in deletions(word):
                code = stable_hash(variant)
                slot = code % size
                while table[slot]:
                    slot = slot + 1 if slot + 1 < size else 0
                table[slot] = ((code >> self._ID_BITS) & tags) << self._ID_BITS | number
        self.table = table

    def get(self, variant: str) -> list[str]:
        """The known words that variant is a one-letter deletion of."""
        code = stable_hash(variant)
        tag = (code >> self._ID_BITS) & self._TAG_MASK
        size, table = self.size, self.table
        slot = code % size
        found = []
        while entry := table[slot]:
            if entry >> self._ID_BITS == tag:
                word = self.words[(entry & self._ID_MASK) - 1]
                if is_deletion(variant, word):
                    found.append(word)
            slot = slot + 1 if slot + 1 < size else 0
        return found

    def __len__(self) -> int:
        """How many words are indexed."""
        return len(self.words)
