"""The lists a reader opens with a command or a button: the news, the glossary A to Z, the
sources, and the daily digest. Each is a Reply with a button per item; the composer
(answers.py) hands them out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.knowledge.base import KnowledgeBase
from bot.models import Article, Button, Reply
from bot.refs import abo_action, glossary_action
from bot.search.analysis import fold
from bot.sentences import teaser

# /news calls its articles the newest only while the newest is at most this many days old
# (NEWSBOT_FRESH_DAYS); older ones are news the bot can explain, each with its date.
DEFAULT_FRESH_DAYS = 14
MAX_NEWS = 10
GLOSSARY_PAGE_SIZE = 8
DIGEST_MAX_ARTICLES = 10
DIGEST_LINE_CHARS = 160  # the one-line summary of an article in the digest


def news(kb: KnowledgeBase, today: dt.date, fresh_days: int = DEFAULT_FRESH_DAYS) -> Reply:
    """The current articles, newest first, each with its full date (expired ones left out:
    they stay answerable, but are no news)."""
    texts = kb.texts
    current = kb.current_articles(today)[:MAX_NEWS]
    if not current:
        return Reply(kind="news", text=texts.text("news_empty"))
    fresh = (today - current[0].date).days <= fresh_days
    lines = [texts.text("news_intro" if fresh else "news_intro_old")]
    lines += [f"• {a.title} ({texts.full_date(a.date)})" for a in current]
    buttons = tuple(Button(a.title, a.ref) for a in current)
    return Reply(kind="news", text="\n".join(lines), buttons=buttons)


def glossary(kb: KnowledgeBase, page: int) -> Reply:
    """One page of the glossary, A to Z, with buttons to turn the page."""
    texts = kb.texts
    terms = sorted(kb.terms, key=lambda term: (fold(term.name), term.name))
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


def source_list(kb: KnowledgeBase) -> Reply:
    """Every news source, as buttons."""
    buttons = tuple(Button(source.name, source.ref) for source in kb.sources)
    return Reply(kind="sources", text=kb.texts.text("sources_list_intro"), buttons=buttons)


def digest(kb: KnowledgeBase, articles: Sequence[Article]) -> Reply:
    """The daily digest: per new article its title and first sentences, a button to open it.

    At most DIGEST_MAX_ARTICLES, in the order given (newest first); /news lists the rest.
    """
    texts = kb.texts
    shown = articles[:DIGEST_MAX_ARTICLES]
    blocks = [texts.text("digest_intro")]
    blocks += [f"• {a.title}\n{teaser(a.summary, DIGEST_LINE_CHARS)}" for a in shown]
    blocks.append(texts.text("digest_outro"))
    buttons = [Button(a.title, a.ref) for a in shown]
    buttons.append(Button(texts.buttons["abo_change"], abo_action()))
    return Reply(kind="news", text="\n\n".join(blocks), buttons=tuple(buttons))
