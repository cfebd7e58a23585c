"""The one entry point of search: build a Matcher from the knowledge once, then match questions.

index (what the knowledge holds) -> typos (the spelling table) -> query (the question's words)
-> scoring (candidate scores and the decision band) -> Result.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.knowledge.base import KnowledgeBase
from bot.search.analysis import MAX_QUESTION_CHARS, fold
from bot.search.index import Index
from bot.search.names import looks_like_name, written_forms
from bot.search.query import QueryParser
from bot.search.results import Match, Result
from bot.search.scoring import FIELD_WEIGHTS, MAX_JOIN, decide, score_candidates
from bot.search.typos import Typos


@dataclass(frozen=True)
class Matcher:
    """Ranks the knowledge for a question and decides whether to answer."""

    index: Index
    parser: QueryParser

    @classmethod
    def build(cls, kb: KnowledgeBase) -> Matcher:
        """Index every entry, intent and small-talk pattern of the knowledge once."""
        index = Index.build(kb, FIELD_WEIGHTS, MAX_JOIN)
        return cls(index, QueryParser(index, Typos(index.surface)))

    def match(self, question: str, limit: int = 5) -> Result:
        """The best targets for a question, at most limit, and the band they fall into."""
        index = self.index
        text = question[:MAX_QUESTION_CHARS]
        folded = fold(text)
        words = self.parser.parse(question)
        forms = written_forms(text)
        found = score_candidates(
            folded, words, index, lambda word: looks_like_name(forms.get(word, word))
        )
        ranked = sorted(found.scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        matches = tuple(Match(index.targets[doc], round(score, 4)) for doc, score in ranked)
        comfort = index.targets[index.comfort_target] if index.comfort_target >= 0 else None
        subject = index.targets[found.subject] if found.subject >= 0 else None
        aspect = tuple(words[p].word for p in found.aspect)
        return Result(matches, decide(matches, comfort), subject, aspect)
