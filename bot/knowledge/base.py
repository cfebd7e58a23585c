"""The loaded knowledge (KnowledgeBase) and the error that says why it could not be loaded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.knowledge.locations import Locations
from bot.models import Article, BotTexts, Entry, Problem, Source, Term


class KnowledgeError(Exception):
    """The knowledge cannot be used; carries every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(self.errors)} problem(s) in the knowledge")

    @property
    def errors(self) -> list[Problem]:
        """The problems that make the knowledge unusable."""
        return [p for p in self.problems if p.severity == "error"]


@dataclass(frozen=True)
class KnowledgeBase:
    """All knowledge, validated: articles, glossary terms, sources and the bot's own texts."""

    root: Path
    articles: tuple[Article, ...]
    terms: tuple[Term, ...]
    sources: tuple[Source, ...]
    texts: BotTexts
    warnings: tuple[Problem, ...] = ()
    # Draft articles (`draft: true`): never shown to readers; in `articles` only for check.
    drafts: tuple[Article, ...] = ()
    # Where each example question, alias and text stands: (ref, field, position) -> file:line.
    locations: Locations = field(default_factory=Locations, compare=False, repr=False)
    _by_ref: dict[str, Entry] = field(default_factory=dict, compare=False, repr=False)
    _by_name: dict[str, Entry] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for entry in self.entries():
            self._by_ref[entry.ref] = entry
            if not isinstance(entry, Article):
                self._by_name[entry.name] = entry

    def entries(self) -> Iterable[Entry]:
        """Every entry: articles, then terms, then sources."""
        yield from self.articles
        yield from self.terms
        yield from self.sources

    def get(self, ref: str) -> Entry | None:
        """The entry behind a compact reference such as t:sanktionen, or None."""
        return self._by_ref.get(ref)

    def by_name(self, name: str) -> Entry | None:
        """A term or source by its canonical name."""
        return self._by_name.get(name)

    def current_articles(self, today: dt.date) -> list[Article]:
        """Articles that are still news, newest first."""
        current = [a for a in self.articles if a.is_current(today)]
        return sorted(current, key=lambda a: (a.date, a.id), reverse=True)


def known_names(kb: KnowledgeBase) -> dict[str, list[str]]:
    """The names of the terms and of the sources, for the editors' completion."""
    return {"term": [t.name for t in kb.terms], "source": [s.name for s in kb.sources]}
