"""Replies when the bot does not know: kind, never blaming the reader's wording.

A message in another language gets "Ich verstehe nur Deutsch"; a message without words
(emoji, "???") a friendly nudge; everything else "Darüber weiß ich noch nichts" with two or
three topics the knowledge does know, as buttons: the newest article and terms it links.
Every text is in knowledge/bot.yaml.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.knowledge.base import KnowledgeBase
from bot.language import is_foreign
from bot.models import Button, Reply, Term

MAX_TOPICS = 3
_WORD = re.compile(r"[^\W_]+")


class NotKnown:
    """The replies of the bot when its knowledge has no answer."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def reply(self, question: str, today: dt.date, score: int = 0) -> Reply:
        """What the bot says to a message it has no answer for."""
        texts = self.kb.texts
        words = _WORD.findall(question.casefold())
        if not words:
            return Reply(kind="none", text=texts.text("no_words"), score=score)
        if is_foreign(words):
            return Reply(kind="none", text=texts.text("not_german"), score=score)
        return Reply(
            kind="none", text=texts.text("unknown"), score=score, buttons=self.topics(today)
        )

    def topics(self, today: dt.date) -> tuple[Button, ...]:
        """Things the bot can explain: the newest article, then terms that article links."""
        articles = self.kb.current_articles(today) or sorted(
            self.kb.articles, key=lambda a: (a.date, a.id), reverse=True
        )
        buttons: list[Button] = []
        if articles:
            newest = articles[0]
            buttons.append(Button(newest.title, newest.ref))
            for name in newest.terms:
                term = self.kb.by_name(name)
                if isinstance(term, Term):
                    buttons.append(Button(term.name, term.ref))
        else:
            buttons += [Button(term.name, term.ref) for term in self.kb.terms]
        return tuple(buttons[:MAX_TOPICS])
