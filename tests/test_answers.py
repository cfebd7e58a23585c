"""The lists behind /begriffe, /quellen and inline search, as the engine composes them."""

from __future__ import annotations

import pytest

from bot.answers import GLOSSARY_PAGE_SIZE, Context
from bot.engine import Engine
from bot.normalize import fold


def glossary_pages(engine: Engine) -> list[list[str]]:
    pages = []
    page = 1
    while True:
        reply = engine.press(f"g:{page}", Context())
        pages.append([b.action for b in reply.buttons if not b.action.startswith("g:")])
        if not any(b.action == f"g:{page + 1}" for b in reply.buttons):
            return pages
        page += 1


def test_the_glossary_pages_list_every_term_once_from_a_to_z(engine: Engine) -> None:
    pages = glossary_pages(engine)
    listed = [ref for page in pages for ref in page]
    names = [engine.kb.get(ref).name for ref in listed]  # type: ignore[union-attr]
    assert sorted(listed) == sorted(t.ref for t in engine.kb.terms)
    assert [fold(n) for n in names] == sorted(fold(n) for n in names)
    assert all(len(page) <= GLOSSARY_PAGE_SIZE for page in pages)
    assert len(pages) > 1


def test_glossary_pages_turn_back_and_forth_and_stay_in_range(engine: Engine) -> None:
    first = engine.press("g:1", Context())
    assert [b.action for b in first.buttons if b.action.startswith("g:")] == ["g:2"]
    assert "Seite 1 von" in first.text
    second = engine.press("g:2", Context())
    assert {b.action for b in second.buttons if b.action.startswith("g:")} == {"g:1", "g:3"}
    for broken in ("g:", "g:0", "g:x", "g:99999999999", "g:-1"):
        assert engine.press(broken, Context()).text == first.text


def test_the_source_list_has_a_button_per_source(engine: Engine) -> None:
    reply = engine.press("sources", Context())
    assert reply.kind == "sources"
    assert [b.action for b in reply.buttons] == [s.ref for s in engine.kb.sources]
    assert reply.text == engine.kb.bot.text("sources_list_intro")


@pytest.mark.parametrize(
    ("query", "first"),
    [("sanktionen", "sanktionen"), ("Was ist dpa", "dpa"), ("kim jong", "kim-jong-un")],
)
def test_search_ranks_the_named_entry_first(engine: Engine, query: str, first: str) -> None:
    results = engine.search(query)
    assert 1 <= len(results) <= 5
    assert results[0].id == first
    assert all(r.kind in ("article", "term", "source") for r in results)


def test_an_empty_search_offers_the_news_and_nonsense_offers_nothing(engine: Engine) -> None:
    assert [r.kind for r in engine.search("  ")] == ["article"]
    assert engine.search("xyzzy qwrtz") == ()
