"""Compose replies for young readers from a match: short text first, links, buttons."""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable, Sequence
from dataclasses import replace

from bot import lists
from bot.aspects import Aspects
from bot.cards import Cards
from bot.conversation import Conversation
from bot.followup import follow_up
from bot.knowledge.base import KnowledgeBase
from bot.models import Article, Button, Entry, Reply, Suggestion
from bot.refs import (
    ENTRY_KINDS,
    GLOSSARY_ACTION,
    MORE_ACTION,
    NEWS_ACTION,
    NOTHING_ACTION,
    SOURCE_LIST_ACTION,
    SOURCES_ACTION,
    entry_ref,
    glossary_page,
)
from bot.search.analysis import analyze, fold
from bot.search.matcher import Matcher
from bot.search.results import Match, Result, Target
from bot.unknown import NotKnown

MAX_SUGGESTIONS = 3
MAX_SEARCH_RESULTS = 5
SEARCH_MIN_SCORE = 0.3


def _score(match: Match | None) -> int:
    return round(match.score * 100) if match else 0


class Composer:
    """Turns matcher results and button presses into Replies."""

    def __init__(
        self,
        kb: KnowledgeBase,
        matcher: Matcher,
        today: dt.date | None = None,
        fresh_days: int = lists.DEFAULT_FRESH_DAYS,
        folding: Callable[[str], str] = fold,
    ) -> None:
        """folding: fold, or a faster way to the same result (see Cards)."""
        self.kb = kb
        self.matcher = matcher
        self.today = today
        self.fresh_days = fresh_days
        self.cards = Cards(kb, folding)
        self.aspects = Aspects(matcher.index.key)
        self.not_known = NotKnown(kb)

    def _today(self) -> dt.date:
        return self.today or dt.date.today()

    # ---- questions ------------------------------------------------------------------------

    def answer(self, question: str, conversation: Conversation | None = None) -> Reply:
        """The reply to one question, using and updating the conversation."""
        conversation = conversation if conversation is not None else Conversation()
        result = self.matcher.match(question)
        reply = self._compose(result, question, conversation)
        if reply.ref is not None and self.kb.get(reply.ref) is not None:
            conversation.last_ref = reply.ref
        return reply

    def answered_entry(self, result: Result) -> str | None:
        """The ref of the entry a reply to this match shows, when the match alone tells: the
        matcher answers with an entry, which _for_target shows (led by an aspect or a related
        word or not). None when only composing the reply can tell (keep the two in step)."""
        best = result.best
        if result.decision != "answer" or best is None or not best.target.is_entry:
            return None
        entry = self.kb.get(best.target.key)
        return entry.ref if entry is not None else None

    def _compose(self, result: Result, question: str, conversation: Conversation) -> Reply:
        best = result.best
        if result.decision != "answer":
            # "und das Abkommen?": a part of an entry the last answer links.
            linked = follow_up(question, conversation.last_ref, self.kb)
            if linked is not None:
                return replace(self.entry(linked), score=_score(best))
        if best is None or result.decision == "none":
            return self.not_known.reply(question, self._today(), _score(best))
        if result.decision == "unsure":
            return self._suggest("unknown_suggest", result.matches, best)
        if result.decision == "ambiguous":
            return self._suggest("did_you_mean", result.matches, best)
        return self._for_target(best, result, question, conversation)

    def _for_target(
        self, best: Match, result: Result, question: str, conversation: Conversation
    ) -> Reply:
        target = best.target
        score = _score(best)
        if target.kind in ENTRY_KINDS:
            entry = self.kb.get(target.key)
            if entry is None:
                return Reply(kind="none", text=self.kb.texts.text("unknown"), score=score)
            conversation.more_of = None
            if result.pointer is not None:
                return replace(self._pointed(entry, result.pointer), score=score)
            if result.subject is target:
                return replace(self._aspect(entry, result.aspect, question), score=score)
            return replace(self.entry(entry), score=score)
        if target.kind == "sources":
            return replace(self.sources(conversation.last_ref), score=score)
        if target.kind == "more":
            return replace(self._more(conversation), score=score)
        if target.kind == "news":
            return replace(self.news(), score=score)
        if target.kind == "help":
            return Reply(kind="help", text=self.kb.texts.text("help"), score=score)
        if target.kind == "comfort":
            return self._comfort(target, result, score, conversation)
        return self._smalltalk(target, question, score)

    def _pointed(self, entry: Entry, word: str) -> Reply:
        """An entry reached through a related word: it says so before the short answer."""
        plain = self.entry(entry)
        intro = self.kb.texts.text("related_intro", word=word, name=entry.name)
        return replace(plain, text=f"{intro}\n\n{plain.text}")

    def _aspect(self, entry: Entry, aspect: Sequence[str], question: str) -> Reply:
        """An entry that a question asks one aspect of: led by the moderator's sentence that
        answers it, or with an honest "that I do not know yet" before the short answer."""
        plain = self.entry(entry)
        note = self.aspects.answer(entry, aspect, analyze(question, limit=True).words)
        if note is None:
            return plain
        if note.hedge or note.sentence is None:
            hedge = self.kb.texts.text("aspect_unknown", name=entry.name)
            return replace(plain, text=f"{hedge}\n\n{plain.text}", aspect=note)
        if plain.text.startswith(note.sentence):
            return replace(plain, aspect=note)
        rest = plain.text.replace(note.sentence, "", 1).replace("  ", " ").strip()
        return replace(plain, text=f"{note.sentence}\n\n{rest}", aspect=note)

    def _comfort(
        self, target: Target, result: Result, score: int, conversation: Conversation
    ) -> Reply:
        """The reply to a kind of worry; shorter when this chat had it before."""
        worry = self.kb.texts.worries.kind(target.key)
        if worry is None:
            return Reply(kind="none", text=self.kb.texts.text("unknown"), score=score)
        again = worry.name in conversation.comforted
        conversation.comforted.add(worry.name)
        buttons = [
            Button(m.target.title, m.target.key)
            for m in result.matches[1:]
            if m.target.is_entry and m.score >= 0.6
        ][:2]
        return Reply(
            kind="comfort",
            id=worry.name,
            text=worry.again if again else worry.reply,
            score=score,
            buttons=tuple(buttons),
        )

    def _smalltalk(self, target: Target, question: str, score: int) -> Reply:
        talk = next(t for t in self.kb.texts.smalltalk if t.name == target.key)
        choice = zlib.crc32(fold(question).encode()) % len(talk.replies)
        return Reply(kind="smalltalk", id=talk.name, text=talk.replies[choice], score=score)

    def _suggest(self, text_key: str, matches: Sequence[Match], best: Match) -> Reply:
        entries = [m for m in matches if m.target.kind in ("article", "term", "source")]
        entries = [m for m in entries if m.score >= 0.3][:MAX_SUGGESTIONS]
        if not entries:
            return Reply(kind="none", text=self.kb.texts.text("unknown"), score=_score(best))
        suggestions = tuple(
            Suggestion(m.target.kind, self._public_id(m.target), m.target.title) for m in entries
        )
        buttons = [Button(m.target.title, m.target.key) for m in entries]
        buttons.append(Button(self.kb.texts.buttons["nothing"], NOTHING_ACTION))
        return Reply(
            kind="none",
            text=self.kb.texts.text(text_key),
            score=_score(best),
            suggestions=suggestions,
            buttons=tuple(buttons),
        )

    def _public_id(self, target: Target) -> str:
        entry = self.kb.get(target.key)
        return entry.id if entry is not None else target.key

    # ---- entries and lists ----------------------------------------------------------------

    def entry(self, entry: Entry) -> Reply:
        """The short answer for an entry, with its link and follow-up buttons."""
        return self.cards.entry(entry)

    def _more(self, conversation: Conversation) -> Reply:
        """More about the entry in view; asked again right after, that there is no more."""
        ref = conversation.last_ref
        entry = self.kb.get(ref) if ref else None
        if entry is not None and conversation.more_of == ref:
            return self.nothing_more(entry)
        conversation.more_of = ref
        return self.more(ref)

    def nothing_more(self, entry: Entry) -> Reply:
        """There is no more to say about an entry (bot/cards.py)."""
        return self.cards.nothing_more(entry)

    def more(self, ref: str | None) -> Reply:
        """The longer explanation of the entry in view (bot/cards.py)."""
        return self.cards.more(ref)

    def sources(self, ref: str | None) -> Reply:
        """An article's sources, or the general Quellencheck (bot/cards.py)."""
        return self.cards.sources(ref)

    def news(self) -> Reply:
        """The current articles, newest first: "the newest" only while they are fresh."""
        return lists.news(self.kb, self._today(), self.fresh_days)

    def digest(self, articles: Sequence[Article]) -> Reply:
        """The daily digest of new articles (bot/lists.py)."""
        return lists.digest(self.kb, articles)

    def search(self, query: str, limit: int = MAX_SEARCH_RESULTS) -> tuple[Reply, ...]:
        """The entries that best match a search, each as its short answer; empty: the news."""
        if not fold(query):
            current = self.kb.current_articles(self._today())
            return tuple(self.entry(article) for article in current[:limit])
        replies = []
        for match in self.matcher.match(query, limit=limit * 3).matches:
            entry = self.kb.get(match.target.key)
            wanted = match.target.kind in ENTRY_KINDS and match.score >= SEARCH_MIN_SCORE
            if wanted and entry is not None:
                replies.append(replace(self.entry(entry), score=_score(match)))
        return tuple(replies[:limit])

    def press(self, action: str, conversation: Conversation) -> Reply:
        """The reply to a button: an entry, its sources, more about it, a list or the news."""
        if action.startswith(SOURCES_ACTION):
            article_ref = entry_ref("article", action.removeprefix(SOURCES_ACTION))
            conversation.last_ref = article_ref
            return self.sources(article_ref)
        if action.startswith(MORE_ACTION):
            conversation.last_ref = action.removeprefix(MORE_ACTION)
            return self._more(conversation)
        if action == NEWS_ACTION:
            return self.news()
        if action.startswith(GLOSSARY_ACTION):
            return lists.glossary(self.kb, glossary_page(action))
        if action == SOURCE_LIST_ACTION:
            return lists.source_list(self.kb)
        if action == NOTHING_ACTION:
            return Reply(kind="none", text=self.kb.texts.text("unknown"))
        entry = self.kb.get(action)
        if entry is None:
            return Reply(kind="none", text=self.kb.texts.text("no_context"))
        conversation.last_ref, conversation.more_of = entry.ref, None
        return self.entry(entry)
