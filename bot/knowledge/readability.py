"""Readability check for the texts young readers see: sentences, words, hard words, WSTF.

Every threshold lives in LIMITS below (and is described in knowledge/README.md). Findings
are warnings: `newsbot check` prints them, `newsbot check --strict` fails on them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Container, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import textstat

from bot import language
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.lines import LineFinder
from bot.knowledge.parallel import Pending, Progress, start_chunks
from bot.models import Article, Location, Problem, Source, Term
from bot.search.analysis import STOPWORDS, fold, stem
from bot.sentences import sentences


@dataclass(frozen=True)
class Limits:
    """What counts as easy enough for readers of about 9 to 14."""

    # A sentence with more words than this is hard to follow.
    sentence_words: int = 18
    # A word this long (letters) is hard unless the glossary explains it.
    word_letters: int = 22
    # A word is hard when it is rare in German (wordfreq's Zipf scale: 3 is about once in a
    # million words) and not made of two common words (Zusammen+arbeit is easy)...
    hard_zipf: float = 3.0
    compound_part_zipf: float = 4.0
    # ... unless the glossary or the same text explains it ("X ist ...", "X, also ...").
    # The Wiener Sachtextformel (variant 1) gives a school year; above this it is too hard.
    wstf_grade: float = 9.0
    # The formula is only meaningful for texts of at least this many words.
    wstf_min_words: int = 30


LIMITS = Limits()

_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+(?:-[A-Za-zÄÖÜäöüß]+)*")
_AFTER_WORD = (
    r"\W*(ist|sind|heißt|heißen|bedeutet|bedeuten|,\s*also|,\s*das heißt|,\s*der|,\s*die"
    r"|,\s*das|:|\(|–)"
)
_BEFORE_WORD = (
    r"(nennt man|heißt|heißen|hieß|namens|man sagt auch|also|Das ist|Das sind)\W+(\w+\W+){0,3}"
)
# Compiled once: "<word>" + _AFTER matches where the word ends, _BEFORE where it begins
# (\Z with the sentence cut there), so no pattern is compiled for each word.
_AFTER = re.compile(_AFTER_WORD)
_BEFORE = re.compile(f"(?:{_BEFORE_WORD})\\Z")
# A word named as an example of something ("zum Beispiel Instagram") is explained by it.
_EXAMPLE = re.compile(r"\bBeispiel")
# {placeholders} are filled in when the bot speaks (a title, a date, a number): no words.
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
# Web addresses are read as written, not as words.
_ADDRESS = re.compile(r"\b(?:https?://|www\.)\S+")


def is_hard(word: str, limits: Limits = LIMITS) -> bool:
    """A rare word that is not a compound of two common ones (each part of a hyphenated one)."""
    return _is_hard(word, limits.hard_zipf, limits.compound_part_zipf)


# A text's words come back in many texts (an entry's name in each of its texts, say): the
# word lists are asked once per word.
@lru_cache(maxsize=1 << 16)
def _is_hard(word: str, hard_zipf: float, compound_part_zipf: float) -> bool:
    return language.is_hard(word, hard_zipf, compound_part_zipf)


def wstf(text: str) -> float:
    """The Wiener Sachtextformel (first variant): about the school year a text suits."""
    textstat.set_lang("de")
    return float(textstat.wiener_sachtextformel(text, 1))


@dataclass(frozen=True)
class _Text:
    where: Location
    label: str
    text: str
    own_names: frozenset[str]


# Every name is keyed twice (the glossary's keys, then the entry's own): at 100,000 entries
# about 250,000 words, all kept.
@lru_cache(maxsize=1 << 19)
def _key(word: str) -> str:
    return stem(fold(word).replace(" ", ""))


def _explained_keys(kb: KnowledgeBase) -> frozenset[str]:
    keys = set()
    for entry in kb.entries():
        if isinstance(entry, Article):
            continue
        names = [entry.name, *entry.aliases]
        if isinstance(entry, Source):
            names.append(entry.full_name)
        for name in names:
            keys.add(_key(name))
            keys.update(_key(part) for part in _WORD.findall(name) if fold(part) not in STOPWORDS)
    return frozenset(keys)


def _texts(kb: KnowledgeBase) -> Iterator[_Text]:
    def where(ref: str, field_name: str, fallback: Location, i: int = 0) -> Location:
        return kb.locations.get((ref, field_name, i), fallback)

    for article in kb.articles:
        own = frozenset({_key(article.title)})
        label = f'article "{article.id}"'
        yield _Text(where(article.ref, "summary", article.where), label, article.summary, own)
        yield _Text(where(article.ref, "details", article.where), label, article.details, own)
        for i, point in enumerate(article.points):
            yield _Text(where(article.ref, "points", article.where, i), label, point, own)
    entries: list[Term | Source] = [*kb.terms, *kb.sources]
    for entry in entries:
        names = [entry.name, *entry.aliases]
        own = frozenset(_key(part) for name in names for part in (name, *_WORD.findall(name)))
        label = f'{entry.kind} "{entry.name}"'
        yield _Text(where(entry.ref, "short", entry.where), label, entry.short, own)
        if entry.more:
            yield _Text(where(entry.ref, "more", entry.where), label, entry.more, own)
    for key, text in kb.texts.texts.items():
        fallback = Location(str(kb.root / "bot.yaml"), 1)
        text = _PLACEHOLDER.sub("", text)
        yield _Text(where("bot", f"texts.{key}", fallback), f'bot text "{key}"', text, frozenset())
    for worry in kb.texts.worries.kinds:
        fallback = Location(str(kb.root / "bot.yaml"), 1)
        for i, reply in enumerate((worry.reply, worry.again)):
            loc = where("bot", f"worries.{worry.name}", fallback, i)
            yield _Text(loc, f'comfort reply "{worry.name}"', reply, frozenset())
    for talk in kb.texts.smalltalk:
        for i, reply in enumerate(talk.replies):
            fallback = Location(str(kb.root / "bot.yaml"), 1)
            loc = where("bot", f"smalltalk.{talk.name}", fallback, i)
            yield _Text(loc, f'small-talk reply "{talk.name}"', reply, frozenset())


def check_readability(
    kb: KnowledgeBase,
    limits: Limits = LIMITS,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> list[Problem]:
    """Warnings for every reader-facing text that is too hard for young readers.

    An entry's texts are read together: an explanation anywhere in the entry counts for all
    of it, and a word gets one warning per entry, at the line of the sentence that first
    uses it. Large knowledge is read on several cores (jobs: how many processes; None: one
    per core when worth it); progress is told (entries done, total).
    """
    return start_readability(kb, limits, jobs).result(progress)


def start_readability(
    kb: KnowledgeBase, limits: Limits = LIMITS, jobs: int | None = None
) -> Pending[Problem]:
    """check_readability begun in worker processes, to be collected later with result():
    `newsbot check` reads while it builds its index."""
    explained = _explained_keys(kb) | _knowledge_names(kb)
    files = _Files(kb)
    entries: dict[str, list[_Text]] = {}
    for item in _texts(kb):
        entries.setdefault(item.label, []).append(item)
    groups = list(entries.items())

    def chunk(start: int, stop: int) -> list[Problem]:
        problems = []
        for label, items in groups[start:stop]:
            problems += _entry_findings(label, items, explained, files, limits)
        return problems

    return start_chunks(chunk, len(groups), jobs)


def _entry_findings(
    label: str, items: list[_Text], explained: frozenset[str], files: _Files, limits: Limits
) -> list[Problem]:
    """The warnings about the texts of one entry."""
    problems = []
    parts = [sentences(_ADDRESS.sub("", item.text)) for item in items]
    every = [sentence for group in parts for sentence in group]
    names = _names(every, explained)
    reported: set[str] = set()
    for item, sentence_list in zip(items, parts, strict=True):
        known = _Known(explained, names | item.own_names)
        context = _Context(sentence_list, every, known, reported)
        for message, fragment, kind in _findings(item, context, limits):
            where = files.line(item.where, *fragment)
            problems.append(Problem(where, f"{label}: {message}", "warning", kind))
    return problems


@dataclass(frozen=True)
class _Known:
    """Keys of words the glossary explains (all of the knowledge's, shared by every text) or
    that are names in one text: asked without copying the large set for each text, which
    made the check quadratic in the number of entries."""

    shared: frozenset[str]
    own: frozenset[str]

    def __contains__(self, key: object) -> bool:
        return key in self.own or key in self.shared


@dataclass
class _Context:
    parts: list[str]  # the sentences of this text
    entry: list[str]  # the sentences of every text of the entry
    known: _Known  # keys of words the glossary explains or that are names
    reported: set[str]  # keys of the words warned about in this entry already


class _Files:
    """The knowledge files as written, to find the line of a sentence inside a field."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.base = kb.root.parent if kb.root.name else kb.root
        self.texts: dict[str, LineFinder] = {}

    def line(self, where: Location, sentence: str = "", word: str = "") -> Location:
        """The line of the sentence at or after where, in where's file (of the word in it)."""
        if not sentence:
            return where
        if where.path not in self.texts:
            path = Path(where.path)
            try:
                text = (path if path.is_absolute() else self.base / path).read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                text = ""
            self.texts[where.path] = LineFinder(text)
        lines = self.texts[where.path]
        line = lines.find(where.line, sentence)
        return Location(where.path, lines.find(line, word) if word else line)


def _start(sentence: str, words: int = 6) -> str:
    """The first words of a sentence as written, commas and all."""
    matches = list(_WORD.finditer(sentence))
    if len(matches) <= words:
        return sentence
    return sentence[: matches[words - 1].end()]


Finding = tuple[str, tuple[str, ...], str]


def _findings(item: _Text, context: _Context, limits: Limits) -> Iterator[Finding]:
    """(message, (the sentence it is about, the word), kind) for one text of an entry."""
    for sentence in context.parts:
        words = _WORD.findall(sentence)
        if len(words) > limits.sentence_words:
            yield (
                f'the sentence "{_start(sentence)} ..." has {len(words)} words, more than'
                f" {limits.sentence_words} - split it into two",
                (sentence,),
                "long sentence",
            )
    for sentence in context.parts:
        for word in _WORD.findall(sentence):
            key = _key(word)
            if key in context.reported or key in context.known:
                continue
            letters = len(word.replace("-", ""))
            if letters > limits.word_letters:
                context.reported.add(key)
                yield (
                    f'"{word}" is a very long word - use a shorter one or explain it',
                    (sentence, word),
                    "long word",
                )
                continue
            if not is_hard(word, limits):
                continue
            if _defined_in(word, context.entry) or _after_known(word, context.entry, context.known):
                continue
            context.reported.add(key)
            yield (
                f'"{word}" is a hard word that neither the glossary nor the text explains'
                " - explain it in a short sentence or add it to the glossary",
                (sentence, word),
                "hard word",
            )
    words = _WORD.findall(item.text)
    if len(words) >= limits.wstf_min_words:
        grade = wstf(item.text)
        if grade > limits.wstf_grade:
            yield (
                f"the text reads like school year {grade:.1f} (Wiener Sachtextformel),"
                f" above {limits.wstf_grade:g} - use shorter sentences and words",
                (),
                "reading level",
            )


_JOINED = re.compile(r"^(und|oder|sowie|,)$")


def _names(parts: list[str], known: frozenset[str]) -> frozenset[str]:
    """Keys of the capitalised words an entry uses as names: after a common noun ("der Mond
    Ganymed", "Weltraumbahnhof Baikonur") or listed with a name ("Ganymed und Kallisto")."""
    names: set[str] = set()
    for sentence in parts:
        tokens = re.findall(r"[A-Za-zÄÖÜäöüß]+(?:-[A-Za-zÄÖÜäöüß]+)*|,", sentence)
        for i, word in enumerate(tokens[1:], 1):
            before = tokens[i - 1]
            if (
                word[:1].isupper()
                and before[:1].isupper()
                and (_key(before) in known or not is_hard(before))
            ):
                names.add(_key(word))
        changed = True
        while changed:  # "A, B und C": one name among them makes names of all
            changed = False
            for i in range(2, len(tokens)):
                first, joint, second = tokens[i - 2], tokens[i - 1], tokens[i]
                if not (_JOINED.match(joint) and first[:1].isupper() and second[:1].isupper()):
                    continue
                pair = {_key(first), _key(second)}
                if pair & names and not pair <= names:
                    names |= pair
                    changed = True
    return frozenset(names)


def _knowledge_names(kb: KnowledgeBase) -> frozenset[str]:
    """Keys of what the knowledge uses as names: the articles' keywords and authors."""
    return frozenset(
        _key(part)
        for article in (*kb.articles, *kb.drafts)
        for name in (*article.keywords, *article.authors)
        for part in (name, *_WORD.findall(name))
    )


def _after_known(word: str, parts: list[str], explained: Container[str]) -> bool:
    """True for a name right after a glossary word: "Weltraumbahnhof Baikonur"."""
    for sentence in parts:
        words = _WORD.findall(sentence)
        for before, current in itertools.pairwise(words):
            if current == word and _key(before) in explained:
                return True
    return False


def _defined_in(word: str, parts: list[str]) -> bool:
    """True if the text explains the word: "X ist ...", "X, also ...", "man nennt das X"."""
    return any(
        word in sentence and (_EXAMPLE.search(sentence) or _explains(word, sentence))
        for sentence in parts
    )


def _explains(word: str, sentence: str) -> bool:
    """True if the sentence explains the word where it stands in it: what searching for
    f"{word}{_AFTER_WORD}|{_BEFORE_WORD}{word}" finds, without compiling that per word."""
    at = sentence.find(word)
    while at != -1:
        if _AFTER.match(sentence, at + len(word)) or _BEFORE.search(sentence, 0, at):
            return True
        at = sentence.find(word, at + 1)
    return False
