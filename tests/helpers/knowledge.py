"""The shipped knowledge, a writable copy of it, and the small edits tests make to a copy: a new
term, a new article, a copy of the sample article under another id and date.

The tests that count or list articles are written against one sample article; the copy keeps
only that one, so articles the newsroom adds change the question sets, not those tests."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

from bot.engine import Engine
from bot.models import Article

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge"
SAMPLE_ARTICLE = "putin-kim-treffen"

NEW_TERM = """
  - term: Weltraumschrott
    aliases: [Raumschrott]
    short: Weltraumschrott sind alte Teile von Raketen und Satelliten, die um die Erde fliegen.
    link: https://example.org/weltraumschrott
"""


def copy_knowledge(target: Path) -> Path:
    """A writable copy of the shipped knowledge at `target` (without README.md and schema/), with
    the sample article as its only article."""
    shutil.copytree(KNOWLEDGE, target, ignore=shutil.ignore_patterns("README.md", "schema"))
    for path in (target / "articles").glob("*.yaml"):
        if path.stem != SAMPLE_ARTICLE:
            path.unlink()
    return target


def add_term(root: Path) -> None:
    """Append NEW_TERM to the glossary.yaml of a knowledge directory."""
    path = root / "glossary.yaml"
    path.write_text(path.read_text(encoding="utf-8") + NEW_TERM, encoding="utf-8")


def add_article(knowledge: Path, id_: str, day: dt.date, title: str) -> None:
    """Write a small valid article into a knowledge directory (for the digest)."""
    (knowledge / "articles" / f"{id_}.yaml").write_text(
        "# yaml-language-server: $schema=../schema/article.schema.json\n"
        f"id: {id_}\ntitle: {title}\ndate: {day.isoformat()}\n"
        f"url: https://www.example.org/{id_}\n"
        "summary: Eine Rakete ist zum Mond geflogen. Menschen waren nicht an Bord.\n"
        "details: Die Rakete hat Messgeräte zum Mond gebracht.\n",
        encoding="utf-8",
    )


def article(engine: Engine, id_: str, day: dt.date, title: str | None = None) -> Article:
    """A copy of the sample article under another id, date and title."""
    (base,) = (a for a in engine.kb.articles if a.id == SAMPLE_ARTICLE)
    return replace(base, id=id_, date=day, title=title or f"Neu: {id_}", expires=None)
