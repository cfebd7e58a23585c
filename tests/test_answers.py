"""The lists behind /begriffe, /quellen, inline search and the daily digest, as the engine
composes them."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers.knowledge import article

from bot.conversation import Conversation
from bot.engine import Engine
from bot.lists import DIGEST_MAX_ARTICLES, GLOSSARY_PAGE_SIZE
from bot.search.analysis import fold
from bot.sentences import teaser


def glossary_pages(engine: Engine) -> list[list[str]]:
    pages = []
    page = 1
    while True:
        reply = engine.press(f"g:{page}", Conversation())
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
    first = engine.press("g:1", Conversation())
    assert [b.action for b in first.buttons if b.action.startswith("g:")] == ["g:2"]
    assert "Seite 1 von" in first.text
    second = engine.press("g:2", Conversation())
    assert {b.action for b in second.buttons if b.action.startswith("g:")} == {"g:1", "g:3"}
    for broken in ("g:", "g:0", "g:x", "g:99999999999", "g:-1"):
        assert engine.press(broken, Conversation()).text == first.text


def test_the_source_list_has_a_button_per_source(engine: Engine) -> None:
    reply = engine.press("sources", Conversation())
    assert reply.kind == "sources"
    assert [b.action for b in reply.buttons] == [s.ref for s in engine.kb.sources]
    assert reply.text == engine.kb.texts.text("sources_list_intro")


@pytest.mark.parametrize(
    ("query", "first"),
    [("sanktionen", "sanktionen"), ("Was ist dpa", "dpa"), ("kim jong", "kim-jong-un")],
)
def test_search_ranks_the_named_entry_first(engine: Engine, query: str, first: str) -> None:
    results = engine.search(query)
    assert 1 <= len(results) <= 5
    assert results[0].id == first
    assert all(r.kind in ("article", "term", "source") for r in results)


def test_an_empty_search_offers_the_news_and_nonsense_offers_nothing(
    sample_engine: Engine,
) -> None:
    assert [r.kind for r in sample_engine.search("  ")] == ["article"]
    assert sample_engine.search("xyzzy qwrtz") == ()


def test_the_digest_lists_title_and_first_sentences_with_a_button_each(
    sample_engine: Engine,
) -> None:
    engine = sample_engine
    new = article(engine, "neu", dt.date(2026, 11, 23), "Was Neues aus dem Weltall")
    old = engine.kb.articles[0]
    reply = engine.composer.digest([new, old])
    texts = engine.kb.texts
    blocks = reply.text.split("\n\n")
    assert blocks[0] == texts.text("digest_intro")
    assert blocks[1] == f"• {new.title}\nDas vermuten viele Fachleute. Sicher ist es aber nicht."
    assert blocks[2].startswith(f"• {old.title}\n")
    assert blocks[-1] == texts.text("digest_outro")
    assert [(b.label, b.action) for b in reply.buttons] == [
        (new.title, "a:neu"),
        (old.title, old.ref),
        (texts.buttons["abo_change"], "abo:"),
    ]


def test_a_long_digest_stops_at_ten_articles(engine: Engine) -> None:
    many = [article(engine, f"a{n}", dt.date(2026, 11, 1 + n)) for n in range(15)]
    reply = engine.composer.digest(many)
    assert len(reply.buttons) == DIGEST_MAX_ARTICLES + 1
    assert reply.text.count("• ") == DIGEST_MAX_ARTICLES


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Eins. Zwei. Drei.", 11, "Eins. Zwei."),
        ("Eins.   Zwei.\nDrei.", 100, "Eins. Zwei. Drei."),
        ("Das sind z. B. Strafen. Mehr.", 25, "Das sind z. B. Strafen."),
        ("Am 13. September war es. Dann.", 24, "Am 13. September war es."),
        ("Ein sehr langer erster Satz ohne Ende", 20, "Ein sehr langer …"),
    ],
)
def test_the_teaser_is_whole_sentences_that_fit(text: str, limit: int, expected: str) -> None:
    assert teaser(text, limit) == expected


@pytest.mark.parametrize("action", ["g:²", "g:٣", "g:99999999", "g:"])
def test_odd_page_numbers_show_a_glossary_page(engine: Engine, action: str) -> None:
    assert engine.composer.press(action, Conversation()).kind == "glossary"
