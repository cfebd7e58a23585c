"""Lists the bot shows: the news, the daily digest, the glossary A-Z, the sources.

Each is a Reply with the items as buttons, worded from knowledge/bot.yaml.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.knowledge.base import KnowledgeBase
from bot.models import Article, Button, Reply
from bot.refs import abo_action, glossary_action
from bot.search.analysis import fold
from bot.sentences import teaser

GLOSSARY_PAGE_SIZE = 8
DIGEST_MAX_ARTICLES = 10
DIGEST_LINE_CHARS = 160  # the one-line summary of an article in the digest


class Lists:
    """Composes the lists of the knowledge for readers."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def news(self, today: dt.date) -> Reply:
        """The latest articles, newest first, expired ones left out."""
        texts = self.kb.texts
        current = self.kb.current_articles(today)
        if not current:
            return Reply(kind="news", text=texts.text("news_empty"))
        lines = [texts.text("news_intro")]
        lines += [f"• {a.title} ({texts.month_year(a.date)})" for a in current[:10]]
        buttons = tuple(Button(a.title, a.ref) for a in current[:10])
        return Reply(kind="news", text="\n".join(lines), buttons=buttons)

    def digest(self, articles: Sequence[Article]) -> Reply:
        """The daily digest: per new article its title and first sentences, a button to open it.

        At most DIGEST_MAX_ARTICLES, in the order given (newest first); /news lists the rest.
        """
        texts = self.kb.texts
        shown = articles[:DIGEST_MAX_ARTICLES]
        blocks = [texts.text("digest_intro")]
        blocks += [f"• {a.title}\n{teaser(a.summary, DIGEST_LINE_CHARS)}" for a in shown]
        blocks.append(texts.text("digest_outro"))
        buttons = [Button(a.title, a.ref) for a in shown]
        buttons.append(Button(texts.buttons["abo_change"], abo_action()))
        return Reply(kind="news", text="\n\n".join(blocks), buttons=tuple(buttons))

    def glossary(self, page: int) -> Reply:
        """One page of the glossary, A to Z, with buttons to turn the page."""
        texts = self.kb.texts
        terms = sorted(self.kb.terms, key=lambda term: (fold(term.name), term.name))
        pages = max(1, -(-len(terms) // GLOSSARY_PAGE_SIZE))
        page = min(max(page, 1), pages)
        shown = terms[(page - 1) * GLOSSARY_PAGE_SIZE : page * GLOSSARY_PAGE_SIZE]
        buttons = [Button(term.name, term.ref) for term in shown]
        if page > 1:
            buttons.append(Button(texts.buttons["back"], glossary_action(page - 1)))
        if page < pages:
            buttons.append(Button(texts.buttons["next"], glossary_action(page + 1)))
        text = texts.text("glossary_intro")
        if pages > 1:
            text += "\n" + texts.text("page", page=str(page), pages=str(pages))
        return Reply(kind="glossary", text=text, buttons=tuple(buttons))

    def source_list(self) -> Reply:
        """Every news source, as buttons."""
        buttons = tuple(Button(source.name, source.ref) for source in self.kb.sources)
        return Reply(kind="sources", text=self.kb.texts.text("sources_list_intro"), buttons=buttons)
