"""One reader per kind of knowledge file: glossary, sources, articles, bot texts, synonyms.

Each reader turns one YAML file into models, reporting every problem at its line, and
records in the Reading what the cross-file rules (check.py) need afterwards.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from bot.knowledge import botfile, schema
from bot.knowledge.messages import label
from bot.knowledge.reading import Lines, Reading, items, validate
from bot.knowledge.yamlfile import Key, YamlDocument
from bot.models import (
    Article,
    BotTexts,
    Image,
    Intent,
    SmallTalk,
    Source,
    Term,
    Worries,
    Worry,
)
from bot.search.analysis import fold

SUMMARY_MAX_WORDS = 60


def slugify(name: str) -> str:
    """A compact id for a name: "Kim Jong-un" -> "kim-jong-un"."""
    return re.sub(r"\s+", "-", fold(name))[:40].strip("-")


def terms_from(reading: Reading, path: Path) -> list[tuple[Term, Lines]]:
    """The glossary terms of one glossary file, each with the lines the rules across files
    report at."""
    doc = reading.read(path)
    result = []
    for i, data in items(doc, "terms"):
        key: Key = ("terms", i)
        if isinstance(data, dict) and isinstance(data.get("term"), str):
            reading.known("term", data["term"], data)
            reading.want_refs(doc, key, data, f'term "{data["term"]}"', {"see": "term"})
        item = validate(doc, data, schema.TermFile, key, label(data, "term", "term"))
        if item is None:
            continue
        term = Term(
            id=slugify(item.term),
            name=item.term,
            aliases=tuple(item.aliases),
            questions=tuple(item.questions),
            short=item.short,
            more=item.more,
            link=item.link,
            see=tuple(item.see),
            date=item.date,
            related=tuple(item.related),
            where=doc.where(key),
        )
        fields = {"aliases": term.aliases, "questions": term.questions, "related": term.related}
        reading.remember(term.ref, doc, key, fields)
        result.append((term, _lines(doc, key, "term", term.aliases, term.related)))
    return result


def sources_from(reading: Reading, path: Path) -> list[tuple[Source, Lines]]:
    """The news sources of sources.yaml, each with the lines the rules across files report
    at."""
    doc = reading.read(path)
    result = []
    for i, data in items(doc, "sources"):
        key: Key = ("sources", i)
        if isinstance(data, dict) and isinstance(data.get("name"), str):
            reading.known("source", data["name"], data)
        item = validate(doc, data, schema.SourceFile, key, label(data, "name", "source"))
        if item is None:
            continue
        source = Source(
            id=slugify(item.name),
            name=item.name,
            full_name=item.full_name,
            aliases=tuple(item.aliases),
            source_kind=item.kind,
            questions=tuple(item.questions),
            short=item.short,
            more=item.more,
            link=item.link,
            where=doc.where(key),
        )
        reading.remember(
            source.ref,
            doc,
            key,
            {
                "aliases": source.aliases,
                "questions": source.questions,
                "short": (source.short,),
                "more": (source.more or "",),
            },
        )
        result.append((source, _lines(doc, key, "name", source.aliases, ())))
    return result


def article_from(reading: Reading, path: Path) -> tuple[Article, YamlDocument] | None:
    """The article of one file in articles/, or None when it cannot be used."""
    doc = reading.read(path)
    if doc.data is None:
        return None
    name = label(doc.data, "id", "article")
    reading.want_refs(doc, (), doc.data, name, {"terms": "term", "sources": "source"})
    item = validate(doc, doc.data, schema.ArticleFile, (), name)
    if item is None:
        return None
    if item.id != path.stem:
        doc.problem(("id",), f'the id "{item.id}" differs from the file name - rename one of them')
    if item.date is None and not item.draft:
        doc.problem(
            ("id",),
            f'{name} has no "date" - add the day of its Stand, "date: YYYY-MM-DD" (today at'
            " the latest)",
        )
        return None
    words = len(item.summary.split())
    if words > SUMMARY_MAX_WORDS:
        doc.problem(
            ("summary",),
            f'article "{item.id}": the summary has {words} words, more than {SUMMARY_MAX_WORDS}'
            " - shorten it and move the rest to details",
            "warning",
        )
    image = None
    if item.image is not None:
        image = Image(caption=item.image.caption, credit=item.image.credit, url=item.image.url)
    article = Article(
        id=item.id,
        title=item.title,
        # A draft may wait for its date; readers never see a draft, so it sorts as oldest.
        date=item.date or dt.date.min,
        url=item.url,
        authors=tuple(item.authors),
        summary=item.summary,
        details=item.details,
        points=tuple(item.points),
        questions=tuple(item.questions),
        keywords=tuple(item.keywords),
        terms=tuple(item.terms),
        sources=tuple(item.sources),
        expires=item.expires,
        image=image,
        where=doc.where(()),
        draft=item.draft,
    )
    fields = {
        "questions": article.questions,
        "points": article.points,
        "summary": (article.summary,),
        "details": (article.details,),
    }
    reading.remember(article.ref, doc, (), fields)
    return article, doc


def _lines(
    doc: YamlDocument, key: Key, name: str, aliases: tuple[str, ...], related: tuple[str, ...]
) -> Lines:
    """The lines of an entry's name, aliases and related words."""
    return Lines(
        doc,
        doc.where((*key, name)).line,
        tuple(doc.where((*key, "aliases", i)).line for i in range(len(aliases))),
        tuple(doc.where((*key, "related", i)).line for i in range(len(related))),
    )


def bot_from(reading: Reading, path: Path) -> BotTexts | None:
    """Everything the bot says itself, from bot.yaml, or None when it cannot be used."""
    doc = reading.read(path)
    if doc.data is None:
        return None
    item = validate(doc, doc.data, botfile.BotFile, (), "the bot texts")
    if item is None:
        return None
    lines: dict[str, list[int]] = {}
    for name in botfile.TextsFile.model_fields:
        lines[f"texts.{name}"] = [doc.where(("texts", name)).line]
    for i, talk in enumerate(item.smalltalk):
        lines[f"smalltalk.{talk.name}"] = [
            doc.where(("smalltalk", i, "replies", j)).line for j in range(len(talk.replies))
        ]
    intents = {
        name: Intent(name=name, phrases=tuple(value.phrases), words=tuple(value.words))
        for name, value in item.intents
    }
    smalltalk = tuple(
        SmallTalk(
            name=s.name, phrases=tuple(s.phrases), replies=tuple(s.replies), words=tuple(s.words)
        )
        for s in item.smalltalk
    )
    for i, kind in enumerate(item.worries.kinds):
        lines[f"worries.{kind.name}"] = [
            doc.where(("worries", "kinds", i, field_name)).line for field_name in ("reply", "again")
        ]
    reading.locations.add("bot", doc.path, lines)
    worries = Worries(
        self_words=tuple(item.worries.self_words),
        us=tuple(item.worries.us),
        others=tuple(item.worries.others),
        near=tuple(item.worries.near),
        home=tuple(item.worries.home),
        arrive=tuple(item.worries.arrive),
        past=tuple(item.worries.past),
        kinds=tuple(
            Worry(
                name=k.name,
                words=tuple(k.words),
                needs=k.needs,
                phrases=tuple(k.phrases),
                reply=k.reply,
                again=k.again,
            )
            for k in item.worries.kinds
        ),
    )
    return BotTexts(
        texts=dict(item.texts),
        buttons=dict(item.buttons),
        sites=dict(item.sites),
        months=tuple(item.months),
        intents=intents,
        smalltalk=smalltalk,
        commands=dict(item.commands),
        worries=worries,
    )


def synonyms_from(reading: Reading, path: Path) -> tuple[tuple[str, ...], ...]:
    """The groups of words that mean the same, from synonyms.yaml."""
    doc = reading.read(path)
    if doc.data is None:
        return ()
    item = validate(doc, doc.data, schema.SynonymsFile, (), "the synonyms")
    if item is None:
        return ()
    seen: dict[str, int] = {}
    for i, group in enumerate(item.synonyms):
        for j, word in enumerate(group):
            folded = fold(word)
            if folded in seen and seen[folded] != i:
                doc.problem(
                    ("synonyms", i, j),
                    f'"{word}" is in two synonym groups - keep it in one of them',
                )
            seen[folded] = i
    return tuple(tuple(group) for group in item.synonyms)
