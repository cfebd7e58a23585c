"""The unanswered-questions report: questions grouped by topic, most asked first, each group
with what to write next.

A topic is the entry the questions came closest to when they name it, else the words they
share ("embargo", "embargos" and "ein embargo" are one topic). The suggestion follows the
moderators' guide: an alias only for another spelling of what the entry is, a question for
another phrasing of it, a related word or a new entry for anything else - never a different
real thing as an alias.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from rapidfuzz import fuzz

from bot.engine import Engine
from bot.models import Article, Entry
from bot.search.analysis import STOPWORDS, fold, is_weak, stem
from bot.search.scoring import SUGGEST_THRESHOLD
from bot.storage.interface import Asked

# A topic this close (rapidfuzz ratio of the folded words) to a name of the entry is another
# spelling of that name: an alias.
SPELLING = 85.0

NEW_ENTRY = "write a new entry"


@dataclass
class Group:
    """Questions about one topic, with the closest entry and a suggestion."""

    question: str
    count: int
    variants: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    closest: str = ""
    closest_score: int = 0
    suggestion: str = ""
    topic: str = ""


@dataclass(frozen=True)
class _Asked:
    item: Asked
    topic: tuple[str, ...]  # the folded topic words
    entry: Entry | None  # the closest entry, if close enough
    score: int


def topic_words(question: str) -> tuple[str, ...]:
    """The words of a question that carry its topic (folded, no question or filler words)."""
    return tuple(w for w in fold(question).split() if w not in STOPWORDS and not is_weak(w))


def _names(entry: Entry) -> list[str]:
    names = [entry.name] if isinstance(entry, Article) else [entry.name, *entry.aliases]
    if isinstance(entry, Article):
        names += list(entry.keywords)
    return [fold(name) for name in names]


def _names_entry(topic: tuple[str, ...], entry: Entry) -> bool:
    """True when the topic is one of the entry's names, inflected or not ("u boot" is not
    "Atom-U-Boot": a part of a name is another thing)."""
    stems = {stem(word) for word in topic}
    return bool(stems) and any(
        stems == {stem(word) for word in name.split()} for name in _names(entry)
    )


def suggestion(topic: tuple[str, ...], entry: Entry | None) -> str:
    """What to write next for questions on this topic."""
    if entry is None or not topic:
        return NEW_ENTRY
    owner = f'{entry.kind} "{entry.name}"'
    if _names_entry(topic, entry):
        return f"add as question to {owner}"
    spelled = " ".join(topic)
    if any(fuzz.ratio(spelled, name) >= SPELLING for name in _names(entry)):
        return f'add "{spelled}" as alias to {owner}'
    return f'add "{spelled}" as a related word to {owner}, or {NEW_ENTRY}'


def build_report(asked: Sequence[Asked], engine: Engine) -> list[Group]:
    """The questions grouped by topic, most asked first, each with its suggestion."""
    items = [_closest(item, engine) for item in sorted(asked, key=lambda a: (-a.count, a.question))]
    groups: list[list[_Asked]] = []
    for item in items:
        home = next((g for g in groups if _same_topic(g, item)), None)
        if home is None:
            groups.append([item])
        else:
            home.append(item)
    report = [_group(members) for members in groups]
    return sorted(report, key=lambda g: (-g.count, g.question))


def group_questions(asked: Sequence[Asked]) -> list[Group]:
    """Group questions by the topic words they share (without an engine), most asked first."""
    items = [
        _Asked(a, topic_words(a.question), None, 0)
        for a in sorted(asked, key=lambda a: (-a.count, a.question))
    ]
    groups: list[list[_Asked]] = []
    for item in items:
        home = next((g for g in groups if _same_topic(g, item)), None)
        if home is None:
            groups.append([item])
        else:
            home.append(item)
    return sorted((_group(g) for g in groups), key=lambda g: (-g.count, g.question))


def _closest(item: Asked, engine: Engine) -> _Asked:
    result = engine.matcher.match(item.question)
    entries = [m for m in result.matches if m.target.is_entry]
    topic = topic_words(item.question)
    if entries and entries[0].score >= SUGGEST_THRESHOLD:
        entry = engine.kb.get(entries[0].target.key)
        return _Asked(item, topic, entry, round(entries[0].score * 100))
    return _Asked(item, topic, None, round(entries[0].score * 100) if entries else 0)


def _same_topic(group: list[_Asked], item: _Asked) -> bool:
    """Same entry named by both, or topic words in common (their stems)."""
    stems = {stem(w) for member in group for w in member.topic}
    if any(stem(w) in stems for w in item.topic):
        return True
    first = group[0]
    return (
        first.entry is not None
        and item.entry is not None
        and first.entry.ref == item.entry.ref
        and _names_entry(first.topic, first.entry)
        and _names_entry(item.topic, item.entry)
    )


def _group(members: list[_Asked]) -> Group:
    first = members[0]
    group = Group(first.item.question, 0, topic=" ".join(first.topic))
    for member in members:
        group.count += member.item.count
        if member.item.question not in group.variants:
            group.variants.append(member.item.question)
        if member.item.reason not in group.reasons:
            group.reasons.append(member.item.reason)
    best = max(members, key=lambda m: (m.entry is not None, m.score))
    if best.entry is not None:
        group.closest = f'{best.entry.kind} "{best.entry.name}"'
        group.closest_score = best.score
    group.suggestion = suggestion(first.topic, best.entry)
    return group


def render(groups: Sequence[Group], fmt: str, source: str = "") -> str:
    """The report as text, CSV or JSON; source says which database and days it read."""
    if fmt == "json":
        return json.dumps([asdict(g) for g in groups], ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["count", "question", "variants", "reasons", "closest", "suggestion"])
        for g in groups:
            writer.writerow(
                [
                    g.count,
                    g.question,
                    " | ".join(g.variants),
                    " ".join(g.reasons),
                    g.closest,
                    g.suggestion,
                ]
            )
        return out.getvalue()
    if not groups:
        return f"No unanswered questions{f' in {source}' if source else ''}.\n"
    lines = [f"Unanswered questions in {source}, most asked first:", ""] if source else []
    for g in groups:
        lines.append(f"{g.count:4d}  {g.question}")
        for variant in g.variants[1:5]:
            lines.append(f"        also: {variant}")
        closest = f" (closest: {g.closest}, score {g.closest_score})" if g.closest else ""
        lines.append(f"        -> {g.suggestion}{closest}")
    return "\n".join(lines) + "\n"
