"""The rules the moderators' guide states for an article, checked once everything is read:
the fields it calls required, lengths, dates, the image, the glossary terms the text uses,
and what a draft has left to do. Each finding stands at the line to fix."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.knowledge.mentions import Mentions
from bot.knowledge.yamlfile import Key, YamlDocument
from bot.models import Article, Location, Problem, Term

DETAILS_WORDS = (80, 200)
QUESTIONS = (5, 10)
# A date this many days after today is still accepted: a moderator east of the server's
# time zone may already have tomorrow.
FUTURE_GRACE_DAYS = 1

REQUIRED_LISTS = {
    "questions": "add 5 to 10 questions the way readers ask them",
    "keywords": "add the names and words readers use for the topic",
    "terms": "",  # every glossary word the text uses is listed (_terms): no list of its own
    "sources": "list the sources the article relies on (their names in sources.yaml)",
}


class ArticleRules:
    """The article rules, with the glossary read: each article is checked as soon as it is
    read, while its file's text and lines are still there."""

    def __init__(self, terms: Sequence[Term], today: dt.date) -> None:
        self.mentions = Mentions.of((t.name, (t.name, *t.aliases)) for t in terms)
        self.known = frozenset(t.name for t in terms)
        self.today = today

    def check(self, article: Article, doc: YamlDocument) -> None:
        """Record every finding on the article's document (errors and warnings)."""
        name = f'article "{article.id}"'
        _required(article, doc, name)
        _dates(article, doc, name, self.today)
        _image(article, doc, name)
        _terms(article, doc, name, self.mentions, self.known)
        _todo(article, doc, name)


def check_articles(
    articles: Sequence[tuple[Article, YamlDocument]], terms: Sequence[Term], today: dt.date
) -> None:
    """Record every finding on the articles' documents (errors and warnings)."""
    rules = ArticleRules(terms, today)
    for article, doc in articles:
        rules.check(article, doc)


def _required(article: Article, doc: YamlDocument, name: str) -> None:
    for field_name, fix in REQUIRED_LISTS.items():
        if field_name == "terms":
            continue  # required for each glossary word the text uses: see _terms
        if not getattr(article, field_name):
            doc.problem(("id",), f'{name} has no "{field_name}" - {fix}', "warning", "required")
    words = len(article.details.split())
    low, high = DETAILS_WORDS
    if words < low:
        doc.problem(
            ("details",),
            f'{name}: "details" has {words} words, fewer than {low} - explain more'
            f" ({low} to {high} words)",
            "warning",
            "length",
        )
    elif words > high:
        doc.problem(
            ("details",),
            f'{name}: "details" has {words} words, more than {high} - shorten it'
            f" ({low} to {high} words)",
            "warning",
            "length",
        )
    count = len(article.questions)
    low, high = QUESTIONS
    if count and not low <= count <= high:
        doc.problem(
            ("questions",),
            f"{name} has {count} questions - write {low} to {high}, the way readers ask",
            "warning",
            "length",
        )


def _dates(article: Article, doc: YamlDocument, name: str, today: dt.date) -> None:
    if article.date > today + dt.timedelta(days=FUTURE_GRACE_DAYS):
        doc.problem(
            ("date",),
            f"{name}: the date {article.date.isoformat()} is in the future - write the day of"
            ' the article\'s "Stand" (today at the latest)',
            kind="date",
        )
    if article.expires is not None and article.expires < today:
        doc.problem(
            ("expires",),
            f"{name} expired on {article.expires.isoformat()}: it is no longer news (not in"
            ' /news, not in the digest) - remove "expires" or set a later day',
            "warning",
            "date",
        )


def _image(article: Article, doc: YamlDocument, name: str) -> None:
    if article.image is not None and not article.image.url:
        doc.problem(
            ("image",),
            f'{name}: the image has no "url", so the bot shows no picture and no caption'
            ' - add the web address of the image file, or remove "image"',
            "warning",
            "image",
        )


def _terms(
    article: Article, doc: YamlDocument, name: str, mentions: Mentions, known: frozenset[str]
) -> None:
    fields: list[tuple[Key, str]] = [
        (("title",), article.title),
        (("summary",), article.summary),
        (("details",), article.details),
        *((("points", i), point) for i, point in enumerate(article.points)),
    ]
    found: dict[str, tuple[Key, str]] = {}
    for key, text in fields:
        for term, word in mentions.find(text).items():
            found.setdefault(term, (key, word))
    listed = set(article.terms)
    for term, (key, word) in found.items():
        if term in listed:
            continue
        where = doc.line_of(key, word)
        shown = f'"{word}"' if word == term else f'"{word}" ({term})'
        doc.problems.append(
            Problem(
                where,
                f'{name} uses the glossary word {shown} but does not list it - add "{term}"'
                ' under "terms", so that readers get its button',
                "warning",
                "terms",
            )
        )
    for i, term in enumerate(article.terms):
        if term not in found and term in known:
            doc.problem(
                ("terms", i),
                f'{name} lists the term "{term}", which its text never uses - remove it, or'
                " explain in the text how it belongs",
                "warning",
                "terms",
            )


def _todo(article: Article, doc: YamlDocument, name: str) -> None:
    for number, line in enumerate(doc.text.splitlines(), 1):
        if "TODO" in line:
            doc.problems.append(
                Problem(
                    Location(doc.path, number),
                    f'{name}: still to do: "{line.strip().lstrip("#").strip()}" - do it, then'
                    " delete the TODO",
                    "warning",
                    "TODO",
                )
            )
    if article.draft:
        doc.problem(
            ("draft",),
            f"{name} is a draft, which readers do not see - when every TODO is done, delete"
            ' the line "draft: true"',
            "warning",
            "draft",
        )
