"""What reading each knowledge file found, kept to be used again while the file is unchanged.

A reload after an edit reads only the files whose content changed: every other file's
entries, problems, names and references come from here, keyed by a hash of the file's
bytes. The rules across files (ids, names, references) then run again on these small
summaries; they add their problems to the files' documents, so each document remembers how
many problems are its own, and the next load drops the others before the rules run again.

An article is checked against the glossary (the glossary words its text uses). So a cached
article is read again if the glossary changed in a way it could notice: a term's names were
added, removed or changed and its text mentions one of them, or it lists such a term.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar, cast

from bot.knowledge.locations import Locations
from bot.knowledge.mentions import Mentions, tokens
from bot.knowledge.reading import Lines, Reading
from bot.models import Article, BotTexts, Term
from bot.search.analysis import fold

T = TypeVar("T")
MAX_FOLDED = 1_000_000

# The names a term goes by, per canonical name: what an article's check depends on.
GlossaryNames = dict[str, tuple[str, ...]]


@dataclass
class FileRead:
    """One file's reading: what it holds and what it recorded for the rules across files."""

    digest: bytes
    reading: Reading
    value: object
    # Per document of the reading: how many of its problems the file itself has.
    own: list[int]

    def reset(self) -> None:
        """Drop the problems that the rules across files added last time."""
        for doc, count in zip(self.reading.docs, self.own, strict=True):
            del doc.problems[count:]


@dataclass
class FileCache:
    """Every knowledge file's last reading, by path; filled and used by load_knowledge."""

    files: dict[Path, FileRead] = field(default_factory=dict)
    locations: Locations = field(default_factory=Locations)
    # The day the articles were checked for, and the glossary they were checked against.
    today: dt.date | None = None
    glossary: GlossaryNames = field(default_factory=dict)
    # The bot's texts with their synonyms, as last loaded.
    texts: BotTexts | None = None
    # How many files the last load read (the others came from here): for tests and logs.
    read: int = 0
    # Names as the rules across files fold them (folding is most of their time).
    folded: dict[str, str] = field(default_factory=dict)

    def fold(self, name: str) -> str:
        """fold(name), remembered for the next load."""
        folded = self.folded.get(name)
        if folded is None:
            if len(self.folded) >= MAX_FOLDED:
                self.folded.clear()  # old names of edited entries: start again
            folded = self.folded[name] = fold(name)
        return folded

    def clear(self) -> None:
        """Forget everything (after a load that failed half way)."""
        self.files.clear()
        self.locations = Locations()
        self.today = None
        self.glossary = {}
        self.texts = None
        self.folded = {}


def digest_of(path: Path, root: Path) -> bytes | None:
    """A hash of the file's bytes, or None if it cannot be read or leads out of root (a
    file that is then read again each time, and whose reading reports the problem: nothing
    outside the knowledge folder is read, not even to hash it)."""
    try:
        if not path.resolve(strict=True).is_relative_to(root):
            return None
        return hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
    except (OSError, RuntimeError):  # RuntimeError: a link in a circle (Python 3.11)
        return None


@dataclass
class FileReader:
    """Reads the files of one load of the knowledge into its Reading, each file from the
    cache when it is unchanged (with no cache: reads every file and keeps nothing)."""

    run: Reading
    cache: FileCache | None
    seen: dict[Path, FileRead] = field(default_factory=dict)
    root: Path = field(init=False)

    def __post_init__(self) -> None:
        self.root = self.run.root.resolve()

    def read(
        self,
        path: Path,
        reader: Callable[[Reading], T],
        reuse: Callable[[T], bool] | None = None,
    ) -> T:
        """What reader makes of the file at path: read now, or the cached reading if the file
        is unchanged (and reuse, if given, says the cached value still holds)."""
        digest = None
        if self.cache is not None:
            digest = digest_of(path, self.root)
            cached = self.cache.files.get(path)
            if (
                cached is not None
                and digest is not None
                and cached.digest == digest
                and (reuse is None or reuse(cast(T, cached.value)))
            ):
                cached.reset()
                self.run.absorb(cached.reading)
                self.seen[path] = cached
                return cast(T, cached.value)
            self.cache.read += 1
        part = Reading(self.run.root, locations=self.run.locations)
        value = reader(part)
        part.release()
        self.run.absorb(part)
        # A file changed while it was read is not kept: its digest would not be its content.
        if digest is not None and digest_of(path, self.root) == digest:
            own = [len(doc.problems) for doc in part.docs]
            self.seen[path] = FileRead(digest, part, value, own)
        return value

    def finish(self, today: dt.date, glossary: GlossaryNames) -> None:
        """Keep this load's readings in the cache; files not read this time are forgotten."""
        if self.cache is None:
            return
        self.cache.files = self.seen
        self.cache.locations = self.run.locations
        self.cache.today = today
        self.cache.glossary = glossary


@dataclass(slots=True)
class ReadArticle:
    """An article as its file was read, with the lines the rules across files report at."""

    article: Article
    lines: Lines
    _stems: frozenset[str] | None = None

    def stems(self) -> frozenset[str]:
        """Every stemmed word of the article's texts, to tell whether a change of the
        glossary concerns it (worked out when first asked: a load without changes to the
        glossary never needs them)."""
        if self._stems is None:
            article = self.article
            texts = (article.title, article.summary, article.details, *article.points)
            self._stems = frozenset(sys.intern(w) for text in texts for w in tokens(text))
        return self._stems


def glossary_names(terms: Iterable[Term]) -> GlossaryNames:
    """Every term's names, by canonical name (two terms of one name are an error anyway)."""
    return {term.name: (term.name, *term.aliases) for term in terms}


def article_still_checked(
    cache: FileCache | None, today: dt.date, glossary: GlossaryNames
) -> Callable[[ReadArticle | None], bool]:
    """Whether a cached article's check still holds for this day and this glossary."""
    if cache is None or cache.today != today:
        return lambda _: False
    before = cache.glossary
    if before == glossary:
        return lambda _: True
    changed = {
        name for name in before.keys() | glossary.keys() if before.get(name) != glossary.get(name)
    }
    mentions = Mentions.of(
        (name, (*before.get(name, ()), *glossary.get(name, ()))) for name in changed
    )

    def holds(loaded: ReadArticle | None) -> bool:
        if loaded is None:
            return True  # a file that made no article: nothing of it was checked
        if changed.intersection(loaded.article.terms):
            return False
        return not mentions.possible(loaded.stems())

    return holds
