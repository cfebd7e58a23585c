"""Aspect questions: an entry named whole, asked about one aspect of it, is answered with the
moderator's own sentence that answers the aspect, or with the honest hedge."""

from __future__ import annotations

import pytest

from bot.engine import Engine

HEDGE = None  # the entry does not say: "Genau das weiß ich noch nicht. Das weiß ich über ..."

# (question, entry it is about, the sentence the reply must lead with, or HEDGE)
ASPECTS = [
    ("Wirken Sanktionen sofort?", "Sanktionen", "Sanktionen wirken oft erst nach langer Zeit."),
    ("Wie alt ist Putin?", "Wladimir Putin", "Putin wurde 1952 in Leningrad geboren"),
    ("Wann wurde die UNO gegründet?", "Vereinte Nationen", "Die UN wurden 1945 gegründet"),
    ("Wie viele Mitglieder hat der Sicherheitsrat?", "UN-Sicherheitsrat", "Er hat 15 Mitglieder."),
    ("wie viele länder sind in der nato", "NATO", "Die NATO ist ein Bündnis von 32 Ländern"),
    ("Seit wann regiert Kim Jong-un?", "Kim Jong-un", "Er herrscht dort seit Dezember 2011"),
    ("Wie viel kostet der Rundfunkbeitrag?", "Rundfunkbeitrag", "Seit August 2021 sind es 18,36"),
    ("ab wann darf man tiktok benutzen", "TikTok", "Laut seinen Regeln darf man TikTok erst ab 13"),
    ("Wie alt muss man für Instagram sein?", "Instagram", "Im Jahr 2023 erlaubten die Regeln"),
    (
        "Wie viele Richter hat das Bundesverfassungsgericht?",
        "Bundesverfassungsgericht",
        "Dort arbeiten 16 Richterinnen und Richter.",
    ),
    ("Wie lange ist der Bundespräsident im Amt?", "Bundespräsident", "Er wird für fünf Jahre"),
    ("Wann endete der Zweite Weltkrieg?", "Zweiter Weltkrieg", "In Europa endete er am 8. Mai"),
    ("Wo ist der Hauptsitz der UNO?", "Vereinte Nationen", "Der Hauptsitz ist in New York"),
    ("Wer hat Twitter gekauft?", "X", "Elon Musk hat Twitter im Oktober 2022 gekauft."),
    ("Wie heißt die Hauptstadt von Nordkorea?", "Nordkorea", "Die Hauptstadt heißt Pjöngjang."),
    ("Wann wurde die EU gegründet?", "Europäische Union", "Die EU gibt es seit dem 1. November"),
    ("Wie viele Länder sind in der EU?", "Europäische Union", "Die Europäische Union, kurz EU"),
    ("Wie viele Mitglieder hat die UNO?", "Vereinte Nationen", "Die Vereinten Nationen, kurz UN"),
    ("Wann kam der Euro?", "Euro", "Seit dem 1. Januar 2002 bezahlt man mit Euro-Münzen"),
    ("Wann stieg Deutschland aus der Atomkraft aus?", "Atomkraft", "Nach einem schweren Unfall"),
    ("Wann ist Schluss mit Kohlekraftwerken?", "Kohlekraftwerk", "Im Jahr 2021 war der Plan"),
    ("Wann wurde das Grundgesetz beschlossen?", "Grundgesetz", "Es gilt seit Mai 1949"),
    ("Wie viele Bundesländer gibt es?", "Bundesland", "Deutschland besteht aus 16 Bundesländern"),
    ("Wann gab es das Getreideabkommen?", "Getreideabkommen", "Russland, die Ukraine, die Türkei"),
    ("Wie viele Menschen leben in Russland?", "Russland", "Im Jahr 2017 lebten dort mehr als"),
    ("Wie alt ist Friedrich Merz?", "Friedrich Merz", "Merz wurde am 11. November 1955"),
    ("Wie alt ist Donald Trump?", "Donald Trump", "Trump wurde am 14. Juni 1946"),
    ("Wie gefährlich ist Kim Jong-un?", "Kim Jong-un", HEDGE),
    ("Ist Putin dumm?", "Wladimir Putin", HEDGE),
    ("Hat Trump Haustiere?", "Donald Trump", HEDGE),
    ("Mag Putin Hunde?", "Wladimir Putin", HEDGE),
    ("Wie schnell fliegt die ISS?", "Internationale Raumstation", HEDGE),
    ("Wann ist die nächste Bundestagswahl?", "Wahl", HEDGE),
]


@pytest.mark.parametrize(("question", "entry", "lead"), ASPECTS)
def test_an_aspect_is_answered_with_the_moderators_sentence(
    engine: Engine, question: str, entry: str, lead: str | None
) -> None:
    reply = engine.answer(question)
    assert reply.title == entry
    assert reply.aspect is not None
    hedge = engine.kb.texts.text("aspect_unknown", name=entry)
    if lead is HEDGE:
        assert reply.aspect.hedge
        assert reply.text.startswith(hedge)
    else:
        assert not reply.aspect.hedge
        assert reply.aspect.sentence is not None and reply.aspect.sentence.startswith(lead)
        assert reply.text.startswith(lead)


@pytest.mark.parametrize(
    "question",
    [
        "Was sind Sanktionen?",
        "Wer ist Kim Jong-un?",
        "Warum gibt es die NATO?",  # what the short answer is for: no hedge
        "ich hab in der schule gehört dass es sanktionen gibt aber ich weiß nicht was das ist",
    ],
)
def test_a_question_what_the_thing_is_gets_the_plain_answer(engine: Engine, question: str) -> None:
    reply = engine.answer(question)
    assert reply.kind == "term"
    assert reply.aspect is None
    assert reply.text == engine.composer.entry(engine.kb.get(reply.ref or "")).text  # type: ignore[arg-type]


def test_no_sentence_is_reworded(engine: Engine) -> None:
    """Every line of an aspect answer is a moderator's sentence, the hedge or the short text."""
    for question, name, _ in ASPECTS:
        reply = engine.answer(question)
        entry = engine.kb.by_name(name)
        assert entry is not None and reply.aspect is not None
        written = " ".join([entry.short, getattr(entry, "more", None) or ""])
        lead = reply.text.split("\n\n")[0]
        hedge = engine.kb.texts.text("aspect_unknown", name=name)
        assert lead == hedge or lead in written, question


def test_ask_json_names_the_sentence_and_the_hedge(engine: Engine) -> None:
    data = engine.answer("Wirken Sanktionen sofort?").to_json()
    assert data["aspect"] == {
        "sentence": "Sanktionen wirken oft erst nach langer Zeit.",
        "field": "more",
        "hedge": False,
    }
    assert engine.answer("Ist Putin dumm?").to_json()["aspect"] == {
        "sentence": None,
        "field": None,
        "hedge": True,
    }
    assert "aspect" not in engine.answer("Was sind Sanktionen?").to_json()
