"""The one entry point of search: build a Matcher from the knowledge once, then match questions.

index (what the knowledge holds) -> typos (the spelling table) -> query (the question's words)
-> scoring (candidate scores and the decision band) -> Result.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.knowledge.base import KnowledgeBase
from bot.language import looks_like_name
from bot.search.analysis import (
    MAX_MESSAGE_CHARS,
    MAX_QUESTION_CHARS,
    addresses_someone,
    analyze,
    fold,
    written_forms,
)
from bot.search.explain import Explanation, explain
from bot.search.index import Index
from bot.search.query import QueryParser
from bot.search.results import Match, Result
from bot.search.rules import score_candidates
from bot.search.scoring import (
    FIELD_WEIGHTS,
    MAX_JOIN,
    Candidates,
    Question,
    decide,
)
from bot.search.typos import Typos
from bot.search.update import update_index
from bot.search.worry import WorryFinder


@dataclass(frozen=True)
class Matcher:
    """Ranks the knowledge for a question and decides whether to answer."""

    index: Index
    parser: QueryParser
    worries: WorryFinder

    @classmethod
    def build(cls, kb: KnowledgeBase) -> Matcher:
        """Index every entry, intent and small-talk pattern of the knowledge once."""
        index = Index.build(kb, FIELD_WEIGHTS, MAX_JOIN)
        return cls(
            index, QueryParser(index, Typos(index.surface)), WorryFinder.build(kb.texts.worries)
        )

    def updated(self, old: KnowledgeBase, new: KnowledgeBase) -> Matcher | None:
        """The matcher of new, made from this one (the matcher of old) by indexing only the
        entries that changed; None if new needs a matcher built from scratch."""
        updated = update_index(self.index, old, new, FIELD_WEIGHTS, MAX_JOIN)
        if updated is None:
            return None
        index, words = updated
        typos = self.parser.typos.extended(index.surface, words)
        return Matcher(index, QueryParser(index, typos), self.worries)

    def match(self, question: str, limit: int = 5) -> Result:
        """The best targets for a question, at most limit, and the band they fall into."""
        asked, found = self._score(question)
        return self._result(asked, found, limit)

    def explain(self, question: str, limit: int = 5) -> Explanation:
        """Why a question goes where it goes: each word, the top targets, the rule."""
        asked, found = self._score(question)
        return explain(question, asked, found, self._result(asked, found, limit), self.index)

    def _score(self, question: str) -> tuple[Question, Candidates]:
        text = question[:MAX_QUESTION_CHARS]
        analysis = analyze(text, limit=True)
        forms = written_forms(text)
        asked = Question(
            folded=analysis.words,
            content=analysis.content,
            words=self.parser.parse(question),
            whole=tuple(fold(question[:MAX_MESSAGE_CHARS]).split()),
            personal=addresses_someone(text),
            name_like=lambda word: looks_like_name(forms.get(word, word)),
        )
        return asked, score_candidates(asked, self.index, self.worries)

    def _result(self, asked: Question, found: Candidates, limit: int) -> Result:
        index = self.index
        ranked = sorted(found.scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        matches = tuple(Match(index.targets[doc], round(score, 4)) for doc, score in ranked)
        subject = index.targets[found.subject] if found.subject >= 0 else None
        aspect = tuple(asked.words[p].word for p in found.aspect)
        decision, reason = decide(matches)
        pointer = found.pointers.get(ranked[0][0]) if ranked else None
        if ranked and ranked[0][0] in found.named:
            pointer = None  # named by its own name too
        return Result(matches, decision, subject, aspect, reason, pointer)
