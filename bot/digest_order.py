"""The digest's order: what is new for a chat, by when the bot first saw each article.

A chat's digest brings the articles after the last one it had; the order is the store's
first-seen marks (SubscriptionStore.first_seen), not the articles' `date`, so that a
backdated article is sent once and a date in the future holds back nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from bot.models import Article
from bot.storage.interface import SubscriptionStore


def article_key(article: Article, marks: Mapping[str, str] | None = None) -> str:
    """Where an article stands in the digest's order: when the bot first saw it, then its id.

    `marks` are the first-seen marks of the store (SubscriptionStore.first_seen); without one
    for the article, its date counts (as for the articles there were at the upgrade).
    """
    mark = marks.get(article.id) if marks is not None else None
    return f"{mark or article.date.isoformat()}/{article.id}"


def new_articles(
    articles: Sequence[Article], last_key: str, marks: Mapping[str, str] | None = None
) -> list[Article]:
    """The articles the bot saw after the last one a chat received, newest first."""
    fresh = [a for a in articles if article_key(a, marks) > last_key]
    return sorted(fresh, key=lambda a: article_key(a, marks), reverse=True)


def newest_key(articles: Sequence[Article], marks: Mapping[str, str] | None = None) -> str:
    """The key of the article seen last: what a new subscriber counts as already seen."""
    return max((article_key(a, marks) for a in articles), default="")


async def first_seen(
    subscriptions: SubscriptionStore, articles: Sequence[Article], now: dt.datetime
) -> dict[str, str]:
    """The first-seen marks of these articles; the ones the bot sees for the first time get now."""
    return await subscriptions.first_seen([(a.id, a.date) for a in articles], now)
