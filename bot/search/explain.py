"""Why a question went where it went: for moderators (`newsbot ask --explain`).

For each word of the question: what it became after the analysis, how it was found (as
written, a typo, a verb form, a synonym, a part of a compound), how much it counts, and the
entries and fields that explained it with their value; then the top targets with their
scores and the rule that set each score, and the band with the rule that decided.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.search.index import Index
from bot.search.results import Result
from bot.search.scoring import Candidates, Question

EXPLAINERS_PER_WORD = 3


@dataclass(frozen=True)
class WordNote:
    """One question word: its analysed form, how it was found, its weight, who explains it."""

    word: str
    how: str
    keys: tuple[str, ...]
    weight: float
    explained_by: tuple[tuple[str, str, float], ...]  # (target, field, value)


@dataclass(frozen=True)
class Explanation:
    """Everything `ask --explain` shows about one question."""

    question: str
    words: tuple[WordNote, ...]
    top: tuple[tuple[str, float, str], ...]  # (target, score, rule)
    decision: str
    reason: str
    subject: str | None
    aspect: tuple[str, ...]
    personal: bool

    def to_json(self) -> dict[str, object]:
        """The explanation as plain JSON data."""
        return {
            "question": self.question,
            "words": [
                {
                    "word": note.word,
                    "how": note.how,
                    "keys": list(note.keys),
                    "weight": note.weight,
                    "explained_by": [
                        {"target": target, "field": field, "value": value}
                        for target, field, value in note.explained_by
                    ],
                }
                for note in self.words
            ],
            "top": [{"target": t, "score": s, "rule": r} for t, s, r in self.top],
            "decision": self.decision,
            "reason": self.reason,
            "subject": self.subject,
            "aspect": list(self.aspect),
            "personal": self.personal,
        }

    def lines(self) -> list[str]:
        """The explanation as text lines for the terminal."""
        out = [f"question: {self.question}"]
        for note in self.words:
            keys = ", ".join(note.keys) or "-"
            out.append(f"  {note.word!r} -> {keys} ({note.how}, weight {note.weight:g})")
            for target, field, value in note.explained_by:
                out.append(f"      {value:.2f} {field} of {target}")
        if self.personal:
            out.append("the question is put to a person (Sie): entries are only offered")
        if self.subject:
            aspect = ", ".join(self.aspect) or "nothing else"
            out.append(f"subject: {self.subject}; the question asks about: {aspect}")
        out.append("top:")
        for target, score, rule in self.top:
            out.append(f"  {score:.3f} {target}" + (f" ({rule})" if rule else ""))
        out.append(f"decision: {self.decision} - {self.reason}")
        return out


def explain(
    question: str, asked: Question, found: Candidates, result: Result, index: Index
) -> Explanation:
    """Put a scored question and its result into words."""

    def label(doc: int) -> str:
        target = index.targets[doc]
        return f"{target.kind} {target.title!r}"

    words = []
    for position, word in enumerate(asked.words):
        explainers = sorted(
            (
                (slots[position][0], doc, slots[position][1])
                for doc, slots in found.explained.items()
                if position in slots
            ),
            reverse=True,
        )[:EXPLAINERS_PER_WORD]
        words.append(
            WordNote(
                word=word.word,
                how=word.how,
                keys=tuple(f"{key}" + (f"~{s:g}" if s < 1 else "") for key, s in word.alternatives),
                weight=word.weight,
                explained_by=tuple(
                    (label(doc), field, round(value, 3)) for value, doc, field in explainers
                ),
            )
        )
    ranked = sorted(found.scores.items(), key=lambda item: (-item[1], item[0]))
    top = tuple(
        (label(doc), round(score, 4), found.rules.get(doc, ""))
        for doc, score in ranked[: len(result.matches)]
    )
    return Explanation(
        question=question,
        words=tuple(words),
        top=top,
        decision=result.decision,
        reason=result.reason,
        subject=result.subject.title if result.subject else None,
        aspect=result.aspect,
        personal=asked.personal,
    )
