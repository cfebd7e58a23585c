"""The readability check: long sentences, unexplained hard words, the Wiener Sachtextformel."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.load import load_knowledge
from bot.knowledge.readability import check_readability, is_hard, sentences


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge(Path(__file__).resolve().parent.parent / "knowledge")


def with_short(kb: KnowledgeBase, text: str) -> KnowledgeBase:
    terms = (replace(kb.terms[0], short=text), *kb.terms[1:])
    return replace(kb, terms=terms, _by_ref={}, _by_name={})


def messages(kb: KnowledgeBase) -> list[str]:
    return [str(p) for p in check_readability(kb)]


def test_the_shipped_knowledge_is_easy_to_read(kb: KnowledgeBase) -> None:
    assert messages(kb) == []


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Das ist kurz. Das auch!", 2),
        ("Zum Beispiel z. B. hier. Und dort.", 2),
        ("Am 13. September 2023 trafen sie sich.", 1),
        ("Liste:\n• eins\n• zwei", 3),
    ],
)
def test_sentences_are_split_at_their_ends_only(text: str, count: int) -> None:
    assert len(sentences(text)) == count


def test_a_long_sentence_is_a_warning_with_its_line(kb: KnowledgeBase) -> None:
    long = " ".join(["Wort"] * 25) + "."
    found = messages(with_short(kb, long))
    assert any("has 25 words, more than 18" in m for m in found)
    assert all(": warning: " in m for m in found)
    assert found[0].startswith("knowledge/glossary.yaml:")


@pytest.mark.parametrize(
    ("word", "hard"),
    [
        ("Hund", False),
        ("zusammenarbeiten", False),
        ("Computerprogramm", False),
        ("Telefon-Gespräche", False),
        ("speichere", False),
        ("Haubitzenlafette", True),
        ("Prolegomena", True),
    ],
)
def test_hard_words_are_rare_words_not_compounds_of_common_ones(word: str, hard: bool) -> None:
    assert is_hard(word) is hard


def test_a_hard_word_needs_an_explanation(kb: KnowledgeBase) -> None:
    unexplained = "Die Haubitzenlafette ist groß. Man sieht die Prolegomena."
    found = " ".join(messages(with_short(kb, unexplained)))
    assert '"Prolegomena" is a hard word' in found
    assert "Haubitzenlafette" not in found  # "Haubitzenlafette ist ..." explains it
    glossary_word = "Das Völkerrecht gilt für alle Länder."
    assert messages(with_short(kb, glossary_word)) == []


def test_a_dense_text_fails_the_wiener_sachtextformel(kb: KnowledgeBase) -> None:
    dense = (
        "Die völkerrechtswidrige Annexion verursachte internationale Sanktionsmechanismen. "
        "Diplomatische Verhandlungsdelegationen formulierten multilaterale Resolutionsentwürfe. "
        "Wirtschaftspolitische Konsequenzen beeinträchtigten Exportindustrien erheblich. "
        "Regierungsvertreter kommunizierten sicherheitspolitische Erwägungen ausführlich. " * 4
    )
    assert any("Wiener Sachtextformel" in m for m in messages(with_short(kb, dense)))


def test_placeholders_in_bot_texts_are_no_words(kb: KnowledgeBase) -> None:
    texts = {**kb.texts.texts, "admin_stats_day": "{day}: {asked} Fragen, {answered} Prolegomena"}
    found = " ".join(messages(replace(kb, texts=replace(kb.texts, texts=texts))))
    assert '"Prolegomena" is a hard word' in found
    assert "asked" not in found and "answered" not in found
