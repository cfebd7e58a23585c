"""The one normalisation: both spellings, punctuation, emoji, repeats, filler, inflection."""

from __future__ import annotations

import pytest

from bot.search.analysis import analyze, fold, stem


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Völkerrecht", "voelkerrecht"),
        ("voelkerrecht", "voelkerrecht"),
        ("Außenministerium", "aussenministerium"),
        ("AUSSENMINISTERIUM", "aussenministerium"),
        ("Atom-U-Boot", "atom u boot"),
        ("sanktionen??", "sanktionen"),
        ("Hallooooo!!! 😀", "hallo"),
        ("Café", "cafe"),
        ("zero\u200bwidth", "zero width"),
        ("tab\tand\x07bell", "tab and bell"),
        ("<b>Putin</b>", "b putin b"),
        ("", ""),
        ("🙂🙂🙂", ""),
    ],
)
def test_fold_spells_out_umlauts_and_drops_punctuation(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Sanktionen", "Sanktion"),
        ("Satelliten", "Satellit"),
        ("Staatschefs", "Staatschef"),
        ("Nachrichtenagenturen", "Nachrichtenagentur"),
        ("militärische", "Militär"),
        ("Völkerrecht", "voelkerrecht"),
        ("Raketen", "Rakete"),
    ],
)
def test_inflected_forms_share_a_stem(a: str, b: str) -> None:
    assert stem(fold(a)) == stem(fold(b))


@pytest.mark.parametrize(
    ("question", "content"),
    [
        ("Was sind Sanktionen?", ("sanktionen",)),
        ("erklär mal bitte das Völkerrecht", ("voelkerrecht",)),
        ("Was bedeutet das Wort FYI", ("fyi",)),
        ("Wer ist eigentlich Joe Biden?", ("joe", "biden")),
        ("Hallo", ()),
    ],
)
def test_question_words_and_filler_are_not_content(question: str, content: tuple[str, ...]) -> None:
    assert analyze(question).content == content


def test_index_and_question_use_the_same_function() -> None:
    assert analyze("Atom-U-Boot").content == analyze("atom u boot").content


def test_long_questions_are_cut() -> None:
    assert len(analyze("wort " * 10_000, limit=True).words) <= 40


def test_stemming_uses_the_c_implementation() -> None:
    """PyStemmer gives the same stems as pure-Python Snowball, many times faster."""
    from bot.search import analysis as normalize

    assert type(normalize._stemmer).__module__ == "Stemmer"
