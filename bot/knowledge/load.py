"""Load the knowledge directory into a KnowledgeBase, with every problem as file:line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

from bot.gcpause import gc_paused
from bot.knowledge.base import KnowledgeBase, KnowledgeError
from bot.knowledge.check import check_ids, check_names, check_references
from bot.knowledge.filecache import (
    FileCache,
    FileReader,
    ReadArticle,
    article_still_checked,
    glossary_names,
)
from bot.knowledge.locations import Locations
from bot.knowledge.readers import (
    article_from,
    bot_from,
    sources_from,
    synonyms_from,
    terms_from,
)
from bot.knowledge.reading import Lines, Reading
from bot.knowledge.rules import ArticleRules
from bot.models import Article, BotTexts, Entry, Location, Problem, Source, Term
from bot.search.analysis import fold

MAX_FILES = 200_000


def load_knowledge(
    root: Path,
    today: dt.date | None = None,
    drafts: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cache: FileCache | None = None,
) -> KnowledgeBase:
    """Load and validate a knowledge directory; raise KnowledgeError with every problem.

    Draft articles (`draft: true`) are checked like the others but left out of the
    knowledge readers see, unless `drafts` (what `newsbot check` asks for). progress is
    told (files read, files) as the files of the glossary and the articles are read.
    cache: each file's reading is kept there, and a file unchanged since the last load is
    not read again (bot/knowledge/filecache.py); the result is the same as without.
    """
    with gc_paused():
        try:
            return _load(root, today or dt.date.today(), drafts, progress, cache)
        except KnowledgeError:
            raise
        except BaseException:
            if cache is not None:
                cache.clear()  # half a load's readings are no base for the next one
            raise


def _load(
    root: Path,
    today: dt.date,
    drafts: bool,
    progress: Callable[[int, int], None] | None,
    cache: FileCache | None,
) -> KnowledgeBase:
    reading = Reading(root, locations=cache.locations.copy() if cache else Locations())
    files = FileReader(reading, cache)
    if cache is not None:
        cache.read = 0
    display_root = reading.display(root)
    if not root.is_dir():
        problem = Problem(
            Location(display_root, 1),
            "the knowledge folder does not exist - check the path or NEWSBOT_KNOWLEDGE",
        )
        raise KnowledgeError([problem])

    terms: list[tuple[Term, Lines]] = []
    glossary_files = [root / "glossary.yaml"] if (root / "glossary.yaml").exists() else []
    glossary_files += sorted((root / "glossary").glob("*.yaml"))
    if not glossary_files:
        reading.problems.append(
            Problem(Location(display_root, 1), "no glossary found - add glossary.yaml")
        )
    # Each file's parse tree and line table go as soon as its entries are built: the rules
    # across files run on the Lines and References the readers keep.
    article_paths = sorted((root / "articles").glob("*.yaml"))[:MAX_FILES]
    count = len(glossary_files) + len(article_paths)
    for done, path in enumerate(glossary_files, 1):
        terms += files.read(path, partial(terms_from, path=path))
        if progress is not None:
            progress(done, count)

    sources: list[tuple[Source, Lines]] = []
    if (root / "sources.yaml").exists():
        path = root / "sources.yaml"
        sources = files.read(path, partial(sources_from, path=path))
    else:
        reading.problems.append(
            Problem(Location(display_root, 1), "sources.yaml is missing - add it")
        )

    bot = _texts(root, reading, files, cache)

    # The glossary is read: each article is checked against it while its file is at hand.
    glossary = glossary_names(t for t, _ in terms)
    still_checked = article_still_checked(cache, today, glossary)
    rules: list[ArticleRules] = []  # made on first use: 1.5 s at 100,000 terms

    def article(part: Reading, path: Path) -> ReadArticle | None:
        loaded = article_from(part, path)
        if loaded is None:
            return None
        article, doc = loaded
        if not rules:
            rules.append(ArticleRules([t for t, _ in terms], today))
        rules[0].check(article, doc)
        return ReadArticle(article, Lines(doc, doc.where(("id",)).line))

    articles: list[tuple[Article, Lines]] = []
    for done, path in enumerate(article_paths, len(glossary_files) + 1):
        loaded = files.read(path, partial(article, path=path), still_checked)
        if loaded is not None:
            articles.append((loaded.article, loaded.lines))
        if progress is not None:
            progress(done, count)
    files.finish(today, glossary)
    for path in sorted(root.rglob("*.yml")):
        reading.problems.append(
            Problem(Location(reading.display(path), 1), 'rename the file to end in ".yaml"')
        )

    _drafted_terms(reading, root)
    check_ids(articles, terms, sources)
    every: list[tuple[Entry, Lines]] = [*articles, *terms, *sources]
    check_names(every, cache.fold if cache is not None else fold)
    check_references(reading.refs, reading.names, reading.aliases)

    problems = [p for doc in reading.docs for p in doc.problems] + reading.problems
    errors = [p for p in problems if p.severity == "error"]
    if errors or bot is None:
        raise KnowledgeError(problems)
    return KnowledgeBase(
        root=root,
        articles=tuple(a for a, _ in articles if drafts or not a.draft),
        drafts=tuple(a for a, _ in articles if a.draft),
        terms=tuple(t for t, _ in terms),
        sources=tuple(s for s, _ in sources),
        texts=bot,
        warnings=tuple(problems),
        locations=reading.locations,
    )


def _texts(
    root: Path, reading: Reading, files: FileReader, cache: FileCache | None
) -> BotTexts | None:
    """The bot's texts with the synonyms (the same object as last time if they are equal:
    the index then knows that it can keep its intents, small talk and synonyms)."""
    bot: BotTexts | None = None
    if (root / "bot.yaml").exists():
        bot = files.read(root / "bot.yaml", partial(bot_from, path=root / "bot.yaml"))
    else:
        reading.problems.append(
            Problem(Location(reading.display(root), 1), "bot.yaml is missing - add it")
        )
    if bot is not None and (root / "synonyms.yaml").exists():
        path = root / "synonyms.yaml"
        synonyms = files.read(path, partial(synonyms_from, path=path))
        bot = replace(bot, synonyms=synonyms)
    if bot is None or cache is None:
        return bot
    if cache.texts != bot:
        cache.texts = bot
    return cache.texts


DRAFTS = "drafts"  # newsbot draft writes the glossary candidates of an article here


def _drafted_terms(reading: Reading, root: Path) -> None:
    """A file of drafted glossary terms is not read by the bot: a reminder to finish it."""
    for path in sorted((root / DRAFTS).glob("*.yaml")):
        reading.problems.append(
            Problem(
                Location(reading.display(path), 1),
                "drafted glossary terms, which the bot does not read - copy the ones you want"
                " into glossary.yaml (each with its source), then delete this file",
                "warning",
                "draft",
            )
        )
