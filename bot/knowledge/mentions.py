"""Which glossary terms a text mentions: by name or alias, inflected ("Satelliten") or in a
compound ("Artilleriegeschosse"), the longest name first ("Russland-Ukraine-Krieg" is one
term, not three). Used by `check` (terms missing under `terms`) and by `newsbot draft`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.search.analysis import fold, stem

# A name this long (letters of its stem) is also found as the start or end of a compound.
COMPOUND_MIN = 5


def tokens(text: str) -> list[str]:
    """The stemmed, folded words of a text."""
    return [stem(token) for token in fold(text).split()]


@dataclass
class Mentions:
    """The names of the glossary, ready to be looked for in texts."""

    # first token -> (tokens, canonical name), longest first
    starts: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)
    # stem of a one-word name -> canonical name, for compounds
    single: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, names: Iterable[tuple[str, Sequence[str]]]) -> Mentions:
        """From (canonical name, every name it goes by)."""
        mentions = cls()
        for canonical, written in names:
            for name in written:
                parts = tuple(tokens(name))
                if not parts:
                    continue
                mentions.starts.setdefault(parts[0], []).append((parts, canonical))
                if len(parts) == 1 and len(parts[0]) >= COMPOUND_MIN:
                    mentions.single.setdefault(parts[0], canonical)
        for found in mentions.starts.values():
            found.sort(key=lambda item: -len(item[0]))
        return mentions

    def possible(self, stems: frozenset[str]) -> bool:
        """False only if a text whose stemmed words are stems can mention none of these
        names (a quick test before find, on words kept from an earlier reading)."""
        for found in self.starts.values():
            for parts, _ in found:
                if all(part in stems for part in parts):
                    return True
        singles = tuple(self.single)
        return any(word.startswith(singles) or word.endswith(singles) for word in stems)

    def find(self, text: str) -> dict[str, str]:
        """Canonical name -> the first word of the text that mentions it."""
        spans = _words(text)
        words = [text[start:end] for start, end in spans]
        stems = [stem(fold(word)) for word in words]
        found: dict[str, str] = {}
        i = 0
        while i < len(stems):
            step = 1
            for parts, canonical in self.starts.get(stems[i], ()):
                if tuple(stems[i : i + len(parts)]) == parts:
                    found.setdefault(canonical, text[spans[i][0] : spans[i + len(parts) - 1][1]])
                    step = len(parts)
                    break
            else:
                compound = self._compound(stems[i])
                if compound is not None:
                    found.setdefault(compound, words[i])
            i += step
        return found

    def _compound(self, word: str) -> str | None:
        """The one-word name a compound starts or ends with (the longest), if any."""
        for size in range(len(word) - 1, COMPOUND_MIN - 1, -1):
            for part in (word[:size], word[-size:]):
                if part in self.single:
                    return self.single[part]
        return None


_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> list[tuple[int, int]]:
    """Where the words of a text stand, split like fold() splits them (at hyphens too)."""
    return [m.span() for m in _WORD.finditer(text) if fold(m.group())]
