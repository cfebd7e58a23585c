"""The unanswered-questions report: similar questions grouped, with what to do about each."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from rapidfuzz import fuzz, process

from bot.engine import Engine
from bot.search.analysis import fold
from bot.search.scoring import SUGGEST_THRESHOLD
from bot.storage.interface import Asked

SIMILAR = 80.0


@dataclass
class Group:
    """Questions that ask the same thing, with the closest entry and a suggestion."""

    question: str
    count: int
    variants: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    closest: str = ""
    closest_score: int = 0
    suggestion: str = ""


def group_questions(asked: Sequence[Asked]) -> list[Group]:
    """Group similar questions (rapidfuzz on the folded text), most asked first."""
    groups: list[Group] = []
    keys: list[str] = []
    for item in sorted(asked, key=lambda a: (-a.count, a.question)):
        key = fold(item.question)
        found = process.extractOne(key, keys, scorer=fuzz.token_sort_ratio, score_cutoff=SIMILAR)
        if found is None:
            groups.append(Group(item.question, 0))
            keys.append(key)
            group = groups[-1]
        else:
            group = groups[found[2]]
        group.count += item.count
        if item.question not in group.variants:
            group.variants.append(item.question)
        if item.reason not in group.reasons:
            group.reasons.append(item.reason)
    return sorted(groups, key=lambda g: (-g.count, g.question))


def build_report(asked: Sequence[Asked], engine: Engine) -> list[Group]:
    """Grouped questions, each with the nearest entry and "add as alias" or "new entry"."""
    groups = group_questions(asked)
    for group in groups:
        result = engine.matcher.match(group.question)
        entries = [m for m in result.matches if m.target.kind in ("article", "term", "source")]
        if entries:
            best = entries[0]
            group.closest = f'{best.target.kind} "{best.target.title}"'
            group.closest_score = round(best.score * 100)
        if entries and entries[0].score >= SUGGEST_THRESHOLD:
            group.suggestion = f"add as alias or question to {group.closest}"
        else:
            group.suggestion = "new entry"
    return groups


def render(groups: Sequence[Group], fmt: str) -> str:
    """The report as text, CSV or JSON."""
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
        return "No unanswered questions in this period.\n"
    lines = []
    for g in groups:
        lines.append(f"{g.count:4d}  {g.question}")
        for variant in g.variants[1:5]:
            lines.append(f"        also: {variant}")
        closest = f" (closest: {g.closest}, score {g.closest_score})" if g.closest else ""
        lines.append(f"        -> {g.suggestion}{closest}")
    return "\n".join(lines) + "\n"
