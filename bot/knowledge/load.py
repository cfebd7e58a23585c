"""Load the knowledge directory into a KnowledgeBase, with every problem as file:line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bot.gcpause import gc_paused
from bot.knowledge.base import KnowledgeBase, KnowledgeError
from bot.knowledge.check import check_ids, check_names, check_references
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

MAX_FILES = 200_000


def load_knowledge(
    root: Path,
    today: dt.date | None = None,
    drafts: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> KnowledgeBase:
    """Load and validate a knowledge directory; raise KnowledgeError with every problem.

    Draft articles (`draft: true`) are checked like the others but left out of the
    knowledge readers see, unless `drafts` (what `newsbot check` asks for). progress is
    told (files read, files) as the files of the glossary and the articles are read.
    """
    with gc_paused():
        return _load(root, today or dt.date.today(), drafts, progress)


def _load(
    root: Path, today: dt.date, drafts: bool, progress: Callable[[int, int], None] | None
) -> KnowledgeBase:
    reading = Reading(root)
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
    files = len(glossary_files) + len(article_paths)
    for done, path in enumerate(glossary_files, 1):
        terms += terms_from(reading, path)
        reading.release()
        if progress is not None:
            progress(done, files)

    sources: list[tuple[Source, Lines]] = []
    if (root / "sources.yaml").exists():
        sources = sources_from(reading, root / "sources.yaml")
        reading.release()
    else:
        reading.problems.append(
            Problem(Location(display_root, 1), "sources.yaml is missing - add it")
        )

    bot: BotTexts | None = None
    if (root / "bot.yaml").exists():
        bot = bot_from(reading, root / "bot.yaml")
    else:
        reading.problems.append(Problem(Location(display_root, 1), "bot.yaml is missing - add it"))

    if bot is not None and (root / "synonyms.yaml").exists():
        synonyms = synonyms_from(reading, root / "synonyms.yaml")
        bot = replace(bot, synonyms=synonyms)

    reading.release()

    # The glossary is read: each article is checked against it while its file is at hand.
    rules = ArticleRules([t for t, _ in terms], today)
    articles: list[tuple[Article, Lines]] = []
    for done, path in enumerate(article_paths, len(glossary_files) + 1):
        loaded = article_from(reading, path)
        if loaded is not None:
            article, doc = loaded
            rules.check(article, doc)
            articles.append((article, Lines(doc, doc.where(("id",)).line)))
        reading.release()
        if progress is not None:
            progress(done, files)
    for path in sorted(root.rglob("*.yml")):
        reading.problems.append(
            Problem(Location(reading.display(path), 1), 'rename the file to end in ".yaml"')
        )

    _drafted_terms(reading, root)
    check_ids(articles, terms, sources)
    every: list[tuple[Entry, Lines]] = [*articles, *terms, *sources]
    check_names(every)
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
