"""The kinds of question children ask and how the matcher reads them (issue 11): verb forms,
stop words, synonyms by listed forms, worry in the right company, insults aimed at the bot,
personal questions, follow-ups, narrations, near misses, and replies when nothing fits."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.answers import label
from helpers.knowledge import copy_knowledge

from bot.conversation import Conversation
from bot.engine import Engine


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # verb forms Snowball keeps whole (-t, -et, -st)
        ("Wie wirkt eine Sanktion?", "term:Sanktionen"),
        ("Warum wird Nordkorea sanktioniert?", "term:Nordkorea"),
        ("Wann wird ein Land bestraft?", "term:Sanktionen"),
        # stop words in every form, and words that say nothing of the topic
        ("Warum ist das ganze Land gegen Putin?", "term:Wladimir Putin"),
        ("Was machen die anderen Länder gegen Nordkorea überhaupt?", "term:Nordkorea"),
        # a synonym matches the forms listed, not a stem they share ("gefährlich" is no
        # form of "gefahren" in the group of "treffen")
        ("Ist Kim gefährlich?", "term:Kim Jong-un"),
        # a term the question names whole beats an article that merely lists it
        ("Wie wirken Sanktionen?", "term:Sanktionen"),
        ("Was ist ein Getreideabkommen?", "term:Getreideabkommen"),
        # an adjective describes, a name names: the subject is Putin
        ("Ich verstehe den russischen Präsidenten Wladimir Putin nicht", "term:Wladimir Putin"),
        # worry only where a child speaks of their own fear or of danger to themselves
        ("ich hab so angst", "comfort:news"),
        ("Ich finde das beängstigent", "comfort:news"),
        ("Können Bomben auch hier runterfallen?", "comfort:danger"),
        ("Kann das auch bei uns passieren?", "comfort:danger"),
        ("Gibt es bald einen Weltkrieg?", "comfort:world"),
        ("ich bin traurig weil mein hund tot ist", "comfort:sorrow"),
        ("Hat Putin Angst?", "term:Wladimir Putin"),
        ("Warum frieren die Leute wegen der Sanktionen?", "term:Sanktionen"),
        ("Was war der Zweite Weltkrieg?", "term:Zweiter Weltkrieg"),
        ("Wie kann ich jemandem helfen, der gemobbt wird?", "term:Cybermobbing"),
        # insults only when aimed at the bot
        ("du bist blöd", "smalltalk:insult"),
        ("idiot", "smalltalk:insult"),
        # words that are no question at all
        ("ok", "smalltalk:filler"),
        ("ich verstehe das nicht", "smalltalk:confused"),
        ("was bedeutet lol", "none"),
    ],
)
def test_how_the_matcher_reads_childrens_questions(
    engine: Engine, question: str, expected: str
) -> None:
    assert label(engine.answer(question), which=True) == expected


def test_an_insult_word_about_something_else_is_no_insult(engine: Engine) -> None:
    reply = engine.answer("Warum muss man diesen blöden Beitrag zahlen?")
    assert (reply.kind, reply.id) != ("smalltalk", "insult")


@pytest.mark.parametrize(
    "question",
    [
        "Wer ist Kim Kardashian?",
        "Wer ist Hunter Biden?",
        "Wer ist Malcolm X?",
        "Wer ist Sid aus Ice Age?",
        "Was ist ein U-Boot?",
        "Wer ist Kim Possible?",
    ],
)
def test_a_name_next_to_an_entrys_name_keeps_it_from_being_answered(
    engine: Engine, question: str
) -> None:
    """Never a confident Kim Jong-un, Joe Biden, X or SID: at most "Meinst du ...?"."""
    assert engine.answer(question).kind == "none"


def test_what_the_knowledge_does_not_have_is_not_answered(tmp_path: Path) -> None:
    """ "Was ist die NATO?" is no question about anything else while NATO has no entry."""
    knowledge = copy_knowledge(tmp_path / "knowledge")
    world = knowledge / "glossary" / "welt.yaml"
    text = world.read_text(encoding="utf-8")
    start = text.index("  - term: NATO")
    end = text.index("\n  - term:", start + 1)
    end = text.rfind("\n  # source:", start, end) if "# source:" in text[start:end] else end
    world.write_text(text[:start] + text[end + 1 :], encoding="utf-8")
    trimmed = knowledge / "glossary" / "welt.yaml"
    trimmed.write_text(
        trimmed.read_text(encoding="utf-8").replace("NATO, ", "").replace(", NATO", ""),
        encoding="utf-8",
    )
    engine = Engine.load(knowledge)
    assert engine.kb.by_name("NATO") is None
    assert engine.answer("Was ist die NATO?").kind == "none"
    assert engine.answer("was ist die nato").kind == "none"


@pytest.mark.parametrize(
    "question",
    ["Von welcher Partei sind Sie?", "Was tun Sie gegen den Krieg?", "Wie finden Sie Trump?"],
)
def test_a_question_put_to_a_person_is_never_answered_as_if_asked_of_the_knowledge(
    engine: Engine, question: str
) -> None:
    reply = engine.answer(question)
    assert reply.kind == "none"  # at most offered: "Meinst du ...?"


def test_a_follow_up_names_a_part_of_what_the_last_answer_links(engine: Engine) -> None:
    conversation = Conversation()
    first = engine.answer("Schickt Nordkorea jetzt Waffen nach Russland?", conversation)
    assert first.kind == "article"
    assert label(engine.answer("und das Abkommen?", conversation), which=True) == (
        "term:Getreideabkommen"
    )
    fresh = Conversation()
    assert engine.answer("und das Abkommen?", fresh).kind == "none"  # nothing to follow


def test_the_second_worry_of_a_kind_gets_a_shorter_reply(engine: Engine) -> None:
    conversation = Conversation()
    first = engine.answer("Ich habe Angst vor den Nachrichten", conversation)
    second = engine.answer("ich hab immer noch angst", conversation)
    worry = engine.kb.texts.worries.kind("news")
    assert worry is not None
    assert (first.text, second.text) == (worry.reply, worry.again)
    assert len(second.text) < len(first.text)


def test_every_comfort_reply_names_the_nummer_gegen_kummer(engine: Engine) -> None:
    kinds = engine.kb.texts.worries.kinds
    assert {kind.name for kind in kinds} >= {"danger", "sorrow", "news", "world"}
    for kind in kinds:
        for text in (kind.reply, kind.again):
            assert "116 111" in text and "nummergegenkummer.de" in text, kind.name
    sorrow = engine.kb.texts.worries.kind("sorrow")
    assert sorrow is not None
    assert "Nachricht" not in sorrow.reply and "Krieg" not in sorrow.reply  # only news worries


def test_when_the_bot_does_not_know_it_never_blames_the_wording(engine: Engine) -> None:
    for question in ["Wer gewinnt die Bundesliga?", "wie alt ist taylor swift"]:
        reply = engine.answer(question)
        assert reply.kind == "none"
        assert "anderen Worten" not in reply.text
        assert reply.text == engine.kb.texts.text("unknown")
        assert 2 <= len(reply.buttons) <= 3  # topics the knowledge does know
    foreign = engine.answer("привет как дела")
    assert foreign.text == engine.kb.texts.text("not_german")
    assert engine.answer("what is the capital of france").text == engine.kb.texts.text("not_german")
    assert engine.answer("😀😀😀").text == engine.kb.texts.text("no_words")
