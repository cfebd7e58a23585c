"""Matching tables: typos, umlauts, inflection, compounds, near misses, intents."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers.answers import label
from public_eval import load, relabelled

from bot.engine import Engine

DATA = Path(__file__).parent / "data"
PUBLIC_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "questions.yaml"
RELABELS = DATA / "public_eval_relabels.yaml"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # typos
        ("sanktionnen", "term:Sanktionen"),
        ("satelit", "term:Satellit"),
        ("nachrichtenagentr", "term:Nachrichtenagentur"),
        ("weltraumbanhof", "term:Weltraumbahnhof"),
        # umlauts in both spellings and none
        ("voelkerrecht", "term:Völkerrecht"),
        ("volkerrecht", "term:Völkerrecht"),
        ("aussenministerium", "term:Außenministerium"),
        ("Außenministerium", "term:Außenministerium"),
        # inflection
        ("Sanktion", "term:Sanktionen"),
        ("Satelliten", "term:Satellit"),
        ("staatschefs", "term:Staatschef"),
        # compounds written apart, joined, hyphenated
        ("Atomuboot", "term:Atom-U-Boot"),
        ("atom u boot", "term:Atom-U-Boot"),
        ("Atom-U-Boote", "term:Atom-U-Boot"),
        ("getreide abkommen", "term:Getreideabkommen"),
        ("un sicherheitsrat", "term:UN-Sicherheitsrat"),
        # partial names that still mean one entry
        ("wer is kim jong", "term:Kim Jong-un"),
        ("Putin", "term:Wladimir Putin"),
        # near misses are not answered
        ("Wer ist Kim Kardashian?", "none"),
        ("Was ist ein U-Boot?", "none"),
        ("Was ist ein Atom?", "none"),
        ("Wer ist Kim Possible?", "none"),
        # near misses until the base glossary (issue 12) gave them entries of their own
        ("Was ist eine Atombombe?", "term:Atomwaffen"),
        ("Was ist ein Atomkraftwerk?", "term:Atomkraft"),
        ("Was ist die EU?", "term:Europäische Union"),
        # intents
        ("Hallo", "smalltalk"),
        ("danke dir", "smalltalk"),
        ("Was kannst du?", "help"),
        ("Ich habe Angst vor Krieg", "comfort"),
        ("Woher habt ihr das?", "sources"),
        ("Was gibt's Neues?", "news"),
        # insults get the calm reply, unless the message names an entry
        ("du bist doof und dumm", "smalltalk"),
        ("halt die klappe idiot", "smalltalk"),
        ("Ist Putin dumm?", "term:Wladimir Putin"),  # issue 11: a named entry, asked about
        ("Ich hasse Krieg", "term:Krieg"),  # names the Krieg entry of the base glossary
    ],
)
def test_matching_table(engine: Engine, question: str, expected: str) -> None:
    assert label(engine.answer(question)) == expected


def test_comfort_takes_priority_over_a_topic(engine: Engine) -> None:
    reply = engine.answer("Ich habe Angst wegen Putin und Nordkorea")
    assert reply.kind == "comfort"
    assert "116 111" in reply.text


def test_close_candidates_ask_which_one_was_meant(engine: Engine) -> None:
    reply = engine.answer("Kim Putin")
    assert reply.kind in ("none", "article")
    if reply.kind == "none":
        assert reply.suggestions


# Question sets and what each must reach: (least share right, most share wrong). The team's
# own sets were written apart from the knowledge by people who did not see it; the real ones
# are questions children asked on public pages (tests/data/questions_real*.yaml, with their
# pages), labelled before the bot was run on them.
QUESTION_SETS = {
    "questions_heldout.yaml": (0.97, 0.01),
    "questions_fresh.yaml": (0.97, 0.01),
    "questions_real.yaml": (0.60, 0.10),
    # The held-out half, scored once at the end of issue 11 (58 right, 29 unanswered, 22 wrong
    # of 109; most "wrong" are a neighbouring entry: Soldat for Militär, Politik for
    # Abgeordnete, Bundeskanzler for a personal question to the chancellor). Not tuned on.
    "questions_real_heldout.yaml": (0.52, 0.21),
}


@pytest.mark.parametrize("name", sorted(QUESTION_SETS))
def test_question_sets_written_apart_from_the_knowledge(engine: Engine, name: str) -> None:
    """Question sets written without seeing the knowledge: accuracy and wrong answers."""
    least_right, most_wrong = QUESTION_SETS[name]
    items = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    right = wrong = 0
    misses = []
    for item in items:
        got = label(engine.answer(item["q"]))
        accept = [a.casefold() for a in item["accept"]]
        if got.casefold() in accept:
            right += 1
        else:
            wrong += got != "none"
            misses.append((item["q"], got, item["accept"]))
    accuracy = right / len(items)
    assert accuracy >= least_right, misses
    assert wrong / len(items) <= most_wrong, misses


@pytest.mark.parametrize("item", load(RELABELS), ids=lambda item: item["q"])
def test_public_eval_relabels_are_answered_as_relabelled(engine: Engine, item: dict) -> None:
    """Each relabel of the public set says why, and the bot gives the relabelled answer."""
    assert str(item["why"]).strip()
    accept = [str(a).casefold() for a in item["accept"]]
    assert label(engine.answer(item["q"])).casefold() in accept


def test_public_eval_relabels_each_name_one_item_of_the_public_set() -> None:
    if not PUBLIC_EVAL.exists():
        pytest.skip(f"{PUBLIC_EVAL} not found")
    public = load(PUBLIC_EVAL)
    relabels = load(RELABELS)
    changed = [a for a, b in zip(public, relabelled(public, relabels), strict=True) if a != b]
    assert sorted(item["q"] for item in changed) == sorted(item["q"] for item in relabels)
