"""What matching hands back: the targets an answer can be, ranked matches and the verdict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TargetKind = Literal[
    "article", "term", "source", "news", "help", "sources", "more", "comfort", "smalltalk"
]
# The decision bands, from sure to empty: answer with the best match, ask which of two close
# entries was meant, offer what is near, or say that the knowledge does not cover it.
Decision = Literal["answer", "ambiguous", "unsure", "none"]


@dataclass(frozen=True, slots=True)
class Target:
    """Something the matcher can answer with: an entry, an intent or a small-talk pattern."""

    kind: TargetKind
    key: str
    title: str

    @property
    def is_entry(self) -> bool:
        """True for knowledge entries (articles, terms, sources), not intents or small talk."""
        return self.kind in ("article", "term", "source")


@dataclass(frozen=True, slots=True)
class Match:
    """A ranked candidate answer; score is between 0 and 1."""

    target: Target
    score: float


@dataclass(frozen=True, slots=True)
class Result:
    """The matcher's verdict on one question.

    When the question names one entry whole and asks about an aspect of it, subject is that
    entry and aspect the question's other words (folded); the composer answers the aspect.
    """

    matches: tuple[Match, ...]
    decision: Decision
    subject: Target | None = None
    aspect: tuple[str, ...] = ()
    reason: str = ""
    # When the best entry was reached through one of its related words: that word.
    pointer: str | None = None

    @property
    def best(self) -> Match | None:
        """The highest-ranked candidate, if any."""
        return self.matches[0] if self.matches else None
