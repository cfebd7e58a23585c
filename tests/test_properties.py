"""Property-based tests: any text a child (or a cat on the keyboard) types gives a valid reply."""

from __future__ import annotations

import json
from typing import get_args

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.conversation import Conversation
from bot.engine import Engine
from bot.models import ReplyKind
from bot.search.analysis import analyze, fold
from bot.search.typos import DeletionIndex, deletions

KINDS = set(get_args(ReplyKind))

# Every code point, lone surrogates, combining marks, right-to-left and zero-width included.
ANY_CHAR = st.characters(codec=None, exclude_categories=())
SPECIAL = st.sampled_from(
    [
        "\u200b",
        "\u200d",
        "\u202e",
        "\u0301",
        "\ufeff",
        "\x00",
        "\x1b",
        "👨‍👩‍👧",
        "🏳️‍🌈",
        "ß",
        "Ä",
        "<",
        ">",
        "&",
        '"',
        "</b>",
        "<a href='x'>",
        "\ud800",
        "\n",
        "\t",
    ]
)
WORDS = st.sampled_from(
    [
        "was",
        "ist",
        "sanktionen",
        "Putin",
        "kim",
        "Atom-U-Boot",
        "woher",
        "angst",
        "hallo",
        "mehr",
        "voelkerrecht",
        "dpa",
        "X",
        "news",
        "1",
        "?",
        "!!!",
    ]
)
QUESTION = st.one_of(
    st.text(ANY_CHAR, max_size=200),
    st.lists(st.one_of(WORDS, SPECIAL, st.text(ANY_CHAR, max_size=5)), max_size=30).map(" ".join),
    st.text(ANY_CHAR, min_size=2000, max_size=5000),
)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(QUESTION)
def test_normalisation_never_fails_and_is_stable(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert all(ch.isascii() and (ch.isalnum() or ch == " ") for ch in folded)
    analyze(text, limit=True)


@FAST
@given(QUESTION)
def test_any_question_gets_a_valid_reply(engine: Engine, text: str) -> None:
    # The composer itself, without the engine's safety net, so that a bug shows up here.
    reply = engine.composer.answer(text, Conversation())
    assert reply.kind in KINDS
    assert reply.text.strip()
    assert 0 <= reply.score <= 100
    json.dumps(reply.to_json(), ensure_ascii=False)
    for button in reply.buttons:
        assert 0 < len(button.action.encode("utf-8")) <= 64
        assert button.label.strip()


@FAST
@given(st.lists(QUESTION, min_size=1, max_size=6))
def test_a_conversation_keeps_giving_valid_replies(engine: Engine, texts: list[str]) -> None:
    context = Conversation()
    for text in texts:
        reply = engine.composer.answer(text, context)
        assert reply.kind in KINDS
        for button in reply.buttons:
            followed = engine.composer.press(button.action, context)
            assert followed.text.strip()


@FAST
@given(st.text(ANY_CHAR, max_size=80))
def test_any_button_action_is_safe(engine: Engine, action: str) -> None:
    reply = engine.composer.press(action, Conversation())
    assert reply.kind in KINDS
    assert reply.text.strip()


WORDS = st.lists(st.text(alphabet="abcdeäß0", min_size=5, max_size=9), max_size=40, unique=True)


@given(WORDS, st.text(alphabet="abcdeäß0", min_size=0, max_size=9))
@settings(max_examples=200, deadline=None)
def test_packed_deletion_index_answers_like_a_dict_of_sets(words: list[str], probe: str) -> None:
    """The compact typo index answers exactly like the obvious dict of sets."""
    expected: dict[str, set[str]] = {}
    for word in words:
        for variant in deletions(word):
            expected.setdefault(variant, set()).add(word)
    index = DeletionIndex(words)
    for variant in {*expected, probe, *deletions(probe)}:
        found = index.get(variant)
        assert len(found) == len(set(found))
        assert set(found) == expected.get(variant, set())
