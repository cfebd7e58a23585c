"""A reload reads only the files that changed and indexes only their entries, and the bot then
knows, answers and reports exactly what a fresh load of the same files gives."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from helpers.knowledge import KNOWLEDGE, add_term

from bot import snapshot
from bot.engine import Engine
from bot.knowledge.base import KnowledgeError
from bot.knowledge.filecache import FileCache, ReadArticle, digest_of
from bot.knowledge.load import load_knowledge
from bot.knowledge.mentions import Mentions
from bot.knowledge.reading import Lines
from bot.knowledge.yamlfile import YamlDocument
from bot.models import Term
from bot.newsroom.reload import Reloader

DATA = Path(__file__).resolve().parent / "data"
TODAY = dt.date(2026, 12, 1)


def questions() -> list[str]:
    """Real children's questions, and words of the edits below, typed right and wrong."""
    asked = [
        item["q"]
        for item in yaml.safe_load((DATA / "questions_real.yaml").read_text(encoding="utf-8"))
        if isinstance(item, dict) and isinstance(item.get("q"), str)
    ]
    extra = ["was ist weltraumschrott", "weltraumschrot", "raumschrot", "Was sind Sanktionen?"]
    return [*asked, *extra, "Was ist ein Sanktionsbrecher?", "wer is kim jong", "hallo"]


def answers(engine: Engine) -> list[dict[str, object]]:
    return [engine.answer(q).to_json() for q in questions()]


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A writable copy of all the shipped knowledge (every article: they link the glossary)."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target, ignore=shutil.ignore_patterns("README.md", "schema"))
    return target


def reloader(root: Path) -> Reloader:
    engine = Engine.load(root, TODAY, files=FileCache())
    return Reloader(root, engine, today=lambda: TODAY, cache_dir=root.parent / "cache")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_like_a_fresh_load(engine: Engine, root: Path) -> None:
    fresh = Engine.load(root, TODAY)
    assert [str(p) for p in engine.kb.warnings] == [str(p) for p in fresh.kb.warnings]
    assert engine.kb.articles == fresh.kb.articles
    assert engine.kb.terms == fresh.kb.terms
    assert engine.kb.sources == fresh.kb.sources
    assert answers(engine) == answers(fresh)


def add_glossary_file(root: Path) -> None:
    (root / "glossary" / "zz-neu.yaml").write_text(
        "terms:\n"
        "  - term: Sanktionsbrecher\n"
        "    short: Ein Land, das Sanktionen nicht einhält.\n"
        "    link: https://example.org/sanktionsbrecher\n",
        encoding="utf-8",
    )


def rename_a_listed_term(root: Path) -> None:
    # Sanktionen is listed by articles: their "related" fields are indexed by its names.
    edit(root / "glossary.yaml", "aliases: [Sanktion,", "aliases: [Wirtschaftsstrafen, Sanktion,")


def edit_an_article(root: Path) -> None:
    path = next(iter(sorted((root / "articles").glob("*.yaml"))))
    edit(path, "\ntitle: ", "\ntitle: Neu und ")


def delete_an_article(root: Path) -> None:
    sorted((root / "articles").glob("*.yaml"))[-1].unlink()


def edit_the_sources(root: Path) -> None:
    path = root / "sources.yaml"
    edit(path, "      - Was ist die dpa?", "      - Was macht die dpa?\n      - Was ist die dpa?")


EDITS: dict[str, Callable[[Path], None]] = {
    "a term added": add_term,
    "a glossary file added": add_glossary_file,
    "a listed term's aliases changed": rename_a_listed_term,
    "an article edited": edit_an_article,
    "an article deleted": delete_an_article,
    "the sources edited": edit_the_sources,
}


@pytest.mark.parametrize("name", EDITS)
def test_after_an_edit_the_updated_engine_is_a_fresh_load(shipped: Path, name: str) -> None:
    reload = reloader(shipped)
    old = reload.engine
    before = answers(old)
    EDITS[name](shipped)
    result = reload.check(force=True)
    assert result.swapped and result.shared, result.problems
    assert reload.engine.kb is not old.kb
    assert_like_a_fresh_load(reload.engine, shipped)
    assert answers(old) == before  # the engine still answering until the swap is untouched


def test_only_the_changed_files_are_read(shipped: Path) -> None:
    reload = reloader(shipped)
    files = reload.engine.files
    assert files is not None and files.read > 10
    add_term(shipped)
    reload.check(force=True)
    assert files.read == 1  # glossary.yaml; no article mentions the new term
    rename_a_listed_term(shipped)
    reload.check(force=True)
    listing = [
        path
        for path in (shipped / "articles").glob("*.yaml")
        if "Sanktionen" in path.read_text(encoding="utf-8")
    ]
    assert listing
    # glossary.yaml, and the articles that use the name, checked against the new glossary
    assert files.read == 1 + len(listing)
    assert_like_a_fresh_load(reload.engine, shipped)


def test_edits_one_after_another_stay_a_fresh_load(shipped: Path) -> None:
    reload = reloader(shipped)
    for name in EDITS:
        EDITS[name](shipped)
        result = reload.check(force=True)
        assert result.swapped and result.shared, (name, result.problems)
    assert_like_a_fresh_load(reload.engine, shipped)
    (shipped / "glossary" / "zz-neu.yaml").unlink()  # its word leaves the vocabulary
    assert reload.check(force=True).shared
    assert_like_a_fresh_load(reload.engine, shipped)


def test_a_broken_file_is_reported_as_by_a_fresh_load_and_its_fix_goes_live(
    shipped: Path,
) -> None:
    reload = reloader(shipped)
    good = reload.engine
    path = shipped / "glossary.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - term: Sanktionen", "  - term: [Sanktionen", 1))
    result = reload.check(force=True)
    with pytest.raises(KnowledgeError) as fresh:
        load_knowledge(shipped, TODAY)
    assert not result.swapped and reload.engine is good
    assert [str(p) for p in result.problems] == [str(p) for p in fresh.value.errors]
    path.write_text(text, encoding="utf-8")
    add_term(shipped)
    result = reload.check(force=True)
    assert result.swapped and result.shared and result.recovered
    assert_like_a_fresh_load(reload.engine, shipped)


def test_a_change_of_the_bot_texts_builds_a_new_index(shipped: Path) -> None:
    reload = reloader(shipped)
    edit(shipped / "synonyms.yaml", "synonyms:", "synonyms:\n  - [Raumschrott, Weltraummüll]")
    add_term(shipped)
    result = reload.check(force=True)
    assert result.swapped and not result.shared
    assert_like_a_fresh_load(reload.engine, shipped)


def test_a_new_day_checks_the_articles_again(shipped: Path) -> None:
    files = FileCache()
    load_knowledge(shipped, TODAY, cache=files)
    load_knowledge(shipped, TODAY, cache=files)
    assert files.read == 0
    kb = load_knowledge(shipped, TODAY + dt.timedelta(days=400), cache=files)
    assert files.read == len(list((shipped / "articles").glob("*.yaml")))
    fresh = load_knowledge(shipped, TODAY + dt.timedelta(days=400))
    assert [str(p) for p in kb.warnings] == [str(p) for p in fresh.warnings]


def test_the_quick_test_never_misses_a_mention() -> None:
    # Mentions.possible on an article's kept stems must be True wherever find() finds a name.
    kb = load_knowledge(KNOWLEDGE, TODAY)
    terms = list(kb.terms)
    texts = [t for a in kb.articles for t in (a.title, a.summary, a.details, *a.points)]
    texts += [t.short for t in terms] + [t.more or "" for t in terms]
    chance = random.Random(7)
    for _ in range(1000):
        chosen: list[Term] = chance.sample(terms, 3)
        mentions = Mentions.of((t.name, (t.name, *t.aliases)) for t in chosen)
        text = " ".join(chance.sample(texts, 2))
        article = dataclasses.replace(kb.articles[0], summary=text)
        stems = ReadArticle(article, Lines(YamlDocument("x"), 1)).stems()
        if mentions.find(text):
            assert mentions.possible(stems), (text, [t.name for t in chosen])


def test_an_updated_engine_is_kept_as_the_snapshot_of_the_next_start(shipped: Path) -> None:
    reload = reloader(shipped)
    add_term(shipped)
    assert reload.check(force=True).shared
    cache = shipped.parent / "cache"
    assert reload.keep(reload.engine)
    key = snapshot.knowledge_key(shipped, dt.date.today())
    assert key is not None
    assert snapshot.load(snapshot.snapshot_path(cache, shipped), key) is not None
    warm = snapshot.warm_engine(shipped, cache, TODAY)
    assert warm.files is not None and warm.kb.get("t:weltraumschrott") is not None
    assert answers(warm) == answers(reload.engine)
    edit_an_article(shipped)
    assert not reload.keep(reload.engine)  # the files changed since: a reload is due first


def test_the_reloader_keeps_the_snapshot_once_the_files_rest(shipped: Path) -> None:
    reload = reloader(shipped)
    reload.keep_after = 0.0
    path = snapshot.snapshot_path(shipped.parent / "cache", shipped)
    add_term(shipped)
    assert reload.check().shared and not path.exists()  # not while an edit goes live
    assert not reload.check().changed and path.exists()  # at the next look, files resting
    key = snapshot.knowledge_key(shipped, dt.date.today())
    assert key is not None and snapshot.load(path, key) is not None
    path.unlink()
    (shipped / "glossary.yaml").write_text("terms: [", encoding="utf-8")
    assert reload.check().problems
    assert not reload.check().changed and not path.exists()  # broken files: nothing kept


def test_a_link_out_of_the_folder_is_never_read_not_even_to_hash_it(
    shipped: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("terms: []\n", encoding="utf-8")
    link = shipped / "glossary" / "zz-link.yaml"
    link.symlink_to(outside)
    assert digest_of(link, shipped.resolve()) is None
    assert digest_of(shipped / "glossary.yaml", shipped.resolve()) is not None
    files = FileCache()
    for _ in range(2):
        with pytest.raises(KnowledgeError) as cached:
            load_knowledge(shipped, TODAY, cache=files)
        with pytest.raises(KnowledgeError) as fresh:
            load_knowledge(shipped, TODAY)
        assert [str(p) for p in cached.value.problems] == [str(p) for p in fresh.value.problems]
        assert any("outside the knowledge folder" in str(p) for p in fresh.value.errors)
    assert link not in files.files
