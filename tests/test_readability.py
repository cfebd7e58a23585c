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


@pytest.mark.parametrize(
    ("text", "explained"),
    [
        ("Prolegomena sind Vorworte.", True),
        ("Die Prolegomena, also die Vorworte, kommen zuerst.", True),
        ("Die Prolegomena (Vorworte) kommen zuerst.", True),
        ("Die Prolegomena: Vorworte vor dem Buch.", True),
        ("Vorworte nennt man Prolegomena.", True),
        ("Vorworte, man sagt auch die Prolegomena.", True),
        ("Das sind zum Glück Prolegomena.", True),
        ("Hier gibt es zum Beispiel Prolegomena.", True),
        ("Das ist gut, die vier kurzen alten Prolegomena.", False),  # too far after "Das ist"
        ("Dort stehen oft Prolegomena. Sie sind Vorworte.", False),
        ("Dort stehen oft Prolegomena, dann kommt das Buch.", False),
    ],
)
def test_a_hard_word_is_explained_where_the_text_says_what_it_is(
    kb: KnowledgeBase, text: str, explained: bool
) -> None:
    """Each way of explaining a word in the text, and near misses that do not."""
    found = " ".join(messages(with_short(kb, text)))
    assert ('"Prolegomena" is a hard word' not in found) is explained


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


# ---- readability that helps (issue 13) ---------------------------------------------------------


def with_article(kb: KnowledgeBase, **fields: object) -> KnowledgeBase:
    articles = (replace(kb.articles[0], **fields), *kb.articles[1:])  # type: ignore[arg-type]
    return replace(kb, articles=articles, _by_ref={}, _by_name={})


def test_names_the_text_uses_as_names_are_not_hard_words(kb: KnowledgeBase) -> None:
    """Ganymed and Kallisto were flagged as hard words."""
    text = "Die Sonde fliegt zu den Monden Ganymed und Kallisto. Sie kommt 2031 an."
    assert messages(with_short(kb, text)) == []
    assert "Prolegomena" in " ".join(messages(with_short(kb, text + " Dort gibt es Prolegomena.")))


def test_an_explanation_anywhere_in_the_entry_counts_for_all_of_it(kb: KnowledgeBase) -> None:
    """An explanation in details did not count for points."""
    article = kb.articles[0]
    details = article.details + " Prolegomena sind Vorworte zu einem Buch."
    points = (*article.points, "Die Prolegomena kamen zuerst.")
    assert messages(with_article(kb, details=details, points=points)) == []


def test_one_warning_per_word_per_entry_at_the_line_of_its_first_use(kb_copy: Path) -> None:
    """The same word was warned about once per field, at the field's first line."""
    path = kb_copy / "articles" / "putin-kim-treffen.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "Was genau besprochen\n  wurde",
        "Man sah die\n  Prolegomena. Was genau besprochen\n  wurde",
    )
    text = text.replace(
        "  - Putin und Kim trafen", "  - Man sah die Prolegomena.\n  - Putin und Kim trafen"
    )
    path.write_text(text, encoding="utf-8")
    found = [m for m in messages(load_knowledge(kb_copy)) if "Prolegomena" in m]
    assert len(found) == 1, found
    line = int(found[0].split(":")[1])
    assert "Prolegomena" in text.splitlines()[line - 1]
    assert line > text.splitlines().index("details: >-") + 2


def test_a_long_sentence_is_quoted_as_written(kb: KnowledgeBase) -> None:
    """The quoted start of a long sentence lost its commas."""
    long = (
        "Putin und Kim, die sich, wie russische Agenturen unter Berufung auf Regierungskreise"
        " meldeten, am Weltraumbahnhof trafen, verhandelten offenbar über Waffen."
    )
    found = " ".join(messages(with_short(kb, long)))
    assert 'the sentence "Putin und Kim, die sich, wie ..." has 20 words' in found
