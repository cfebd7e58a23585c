"""Plain data the engine passes around: knowledge entries, problems and replies. No I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from bot.refs import PREFIXES, EntryKind, entry_ref

Severity = Literal["error", "warning"]
ReplyKind = Literal[
    "article",
    "term",
    "source",
    "sources",
    "news",
    "glossary",
    "help",
    "smalltalk",
    "comfort",
    "none",
]


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a knowledge file; line is 1-based."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake in the knowledge: what is wrong and how to fix it."""

    where: Location
    message: str
    severity: Severity = "error"
    # What kind of problem, for `check` to group warnings by ("hard word", "TODO", ...).
    kind: str = ""

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.where}: {prefix}{self.message}"


@dataclass(frozen=True, slots=True)
class Image:
    """The photo an article opens with."""

    caption: str
    credit: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """A news article written for young readers."""

    id: str
    title: str
    date: dt.date
    url: str
    summary: str
    details: str
    questions: tuple[str, ...]
    keywords: tuple[str, ...]
    terms: tuple[str, ...]
    sources: tuple[str, ...]
    where: Location
    authors: tuple[str, ...] = ()
    points: tuple[str, ...] = ()
    expires: dt.date | None = None
    image: Image | None = None
    # A draft (`draft: true`): `check` reports what is left to do, readers never see it.
    draft: bool = False

    kind: EntryKind = field(default="article", init=False)

    @property
    def name(self) -> str:
        """The title, under which the article is listed."""
        return self.title

    @property
    def ref(self) -> str:
        """Compact reference used in buttons: a:<id>."""
        return f"{PREFIXES['article']}{self.id}"

    def is_current(self, today: dt.date) -> bool:
        """True while the article still counts as news."""
        return self.expires is None or today <= self.expires


@dataclass(frozen=True, slots=True)
class Term:
    """A glossary entry."""

    id: str
    name: str
    aliases: tuple[str, ...]
    short: str
    link: str
    where: Location
    questions: tuple[str, ...] = ()
    more: str | None = None
    see: tuple[str, ...] = ()
    date: dt.date | None = None
    # Words that lead here without being this entry's name ("Parlament" -> Bundestag).
    related: tuple[str, ...] = ()

    kind: EntryKind = field(default="term", init=False)

    @property
    def ref(self) -> str:
        """Compact reference used in buttons: t:<id>."""
        return f"{PREFIXES['term']}{self.id}"


@dataclass(frozen=True, slots=True)
class Source:
    """A news source: an agency, a broadcaster or a social network."""

    id: str
    name: str
    full_name: str
    aliases: tuple[str, ...]
    source_kind: str
    short: str
    link: str
    where: Location
    questions: tuple[str, ...] = ()
    more: str | None = None

    kind: EntryKind = field(default="source", init=False)

    @property
    def ref(self) -> str:
        """Compact reference used in buttons: s:<id>."""
        return f"{PREFIXES['source']}{self.id}"


Entry = Article | Term | Source


@dataclass(frozen=True, slots=True)
class Intent:
    """Something a reader wants that is not an entry: news, help, sources, more."""

    name: str
    phrases: tuple[str, ...]
    words: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SmallTalk:
    """A small-talk pattern (greeting, thanks, ...) with the bot's replies."""

    name: str
    phrases: tuple[str, ...]
    replies: tuple[str, ...]
    words: tuple[str, ...] = ()


WorryNeed = Literal["me", "self", "near", "nothing"]


@dataclass(frozen=True, slots=True)
class Worry:
    """A kind of worry the bot comforts instead of answering, with its own replies.

    words are roots found in any form and with a small typo ("beängstigent"); needs says
    what else the message must hold for them to count: words of the reader about themself
    (me), or about themself and others with them ("wir", self), a word that brings a danger
    close (near), or nothing.
    """

    name: str
    words: tuple[str, ...]
    needs: WorryNeed
    phrases: tuple[str, ...]
    reply: str
    again: str


@dataclass(frozen=True, slots=True)
class Worries:
    """What tells worry from a plain question, and the kinds of worry, first match first."""

    self_words: tuple[str, ...] = ()
    us: tuple[str, ...] = ()
    others: tuple[str, ...] = ()
    near: tuple[str, ...] = ()
    home: tuple[str, ...] = ()
    arrive: tuple[str, ...] = ()
    past: tuple[str, ...] = ()
    kinds: tuple[Worry, ...] = ()

    def kind(self, name: str) -> Worry | None:
        """The kind of worry with this name, if any."""
        return next((kind for kind in self.kinds if kind.name == name), None)


@dataclass(frozen=True, slots=True)
class BotTexts:
    """Every sentence the bot says on its own, from knowledge/bot.yaml."""

    texts: Mapping[str, str]
    buttons: Mapping[str, str]
    months: tuple[str, ...]
    intents: Mapping[str, Intent]
    smalltalk: tuple[SmallTalk, ...]
    # Link labels: a host, or a host and a path start ("zdf.de/kinder/logo") -> the site's name.
    sites: Mapping[str, str] = field(default_factory=dict)
    synonyms: tuple[tuple[str, ...], ...] = ()
    # The command menu: command name (without "/") -> what it does.
    commands: Mapping[str, str] = field(default_factory=dict)
    worries: Worries = field(default_factory=Worries)

    def text(self, key: str, **values: str) -> str:
        """A bot text with its {placeholders} filled in."""
        template = self.texts[key]
        for name, value in values.items():
            template = template.replace("{" + name + "}", value)
        return template

    def month_year(self, date: dt.date) -> str:
        """A date as the reader sees it in a "Stand" line: "September 2023"."""
        return f"{self.months[date.month - 1]} {date.year}"

    def full_date(self, date: dt.date) -> str:
        """A day as the reader sees it in a list: "13. September 2023"."""
        return f"{date.day}. {self.month_year(date)}"


@dataclass(frozen=True, slots=True)
class Button:
    """A follow-up choice: what the reader sees and the compact action behind it."""

    label: str
    action: str


@dataclass(frozen=True, slots=True)
class Link:
    """A link shown with an answer."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A candidate entry offered when the bot is not sure ("Meinst du ...?")."""

    kind: str
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class AspectNote:
    """How an aspect question was answered: the moderator's sentence it leads with (and its
    field), or a hedge because the entry does not say."""

    sentence: str | None
    field: str | None
    hedge: bool


@dataclass(frozen=True, slots=True)
class Reply:
    """What the bot answers, as plain data; the Telegram adapter and the terminal render it."""

    kind: ReplyKind
    text: str
    id: str | None = None
    title: str | None = None
    score: int = 0
    links: tuple[Link, ...] = ()
    buttons: tuple[Button, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    image: Image | None = None
    aspect: AspectNote | None = None

    @property
    def ref(self) -> str | None:
        """The entry an answer is about, as a compact reference (t:sanktionen); else None."""
        return entry_ref(self.kind, self.id) if self.id else None

    def to_json(self) -> dict[str, object]:
        """The JSON object of the `newsbot ask --json` contract; "aspect" only for answers to
        an aspect of an entry (the sentence the reply leads with, or the hedge)."""
        data: dict[str, object] = {
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "score": self.score,
            "text": self.text,
            "links": [{"label": link.label, "url": link.url} for link in self.links],
            "buttons": [{"label": b.label, "action": b.action} for b in self.buttons],
            "suggestions": [
                {"kind": s.kind, "id": s.id, "title": s.title} for s in self.suggestions
            ],
        }
        if self.aspect is not None:
            data["aspect"] = {
                "sentence": self.aspect.sentence,
                "field": self.aspect.field,
                "hedge": self.aspect.hedge,
            }
        return data
