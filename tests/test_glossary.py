"""The shipped glossary: what every term must have, and children's questions about the base
glossary (knowledge/glossary/) as they type them, each to its term."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers.answers import label

from bot.engine import Engine
from bot.models import Term

BASE = Path(__file__).resolve().parent.parent / "knowledge" / "glossary"
MIN_TERMS = 140

# Entries about a person or an office: what they say ages with every election, so each
# carries a `date` (shown as "Stand"). A new person or office entry belongs in this list.
PERSONS = (
    "Kim Jong-un",
    "Wladimir Putin",
    "Joe Biden",
    "Donald Trump",
    "Wolodymyr Selenskyj",
    "Friedrich Merz",
    "Frank-Walter Steinmeier",
)
OFFICES = (
    "Bundeskanzler",
    "Bundespräsident",
    "Staatschef",
    "Bundesregierung",
    "Minister",
    "Abgeordnete",
    "Bürgermeister",
    "Außenministerium",
)


def terms(engine: Engine) -> dict[str, Term]:
    return {t.name: t for t in engine.kb.terms}


def test_the_shipped_glossary_has_at_least_140_terms(engine: Engine) -> None:
    assert len(engine.kb.terms) >= MIN_TERMS


def test_every_term_has_short_more_link_and_an_example_question(engine: Engine) -> None:
    lacking = [
        (t.name, field)
        for t in engine.kb.terms
        for field, value in (("short", t.short), ("more", t.more), ("link", t.link))
        if not (value or "").strip()
    ]
    lacking += [(t.name, "questions") for t in engine.kb.terms if not t.questions]
    assert lacking == []


@pytest.mark.parametrize("name", PERSONS + OFFICES)
def test_every_person_and_office_has_a_date(engine: Engine, name: str) -> None:
    term = terms(engine).get(name)
    assert term is not None, f"{name} is no longer in the glossary - update PERSONS/OFFICES"
    assert term.date is not None, f'{name} needs a "date" (Stand) - see knowledge/README.md'


@pytest.mark.parametrize("path", sorted(BASE.glob("*.yaml")), ids=lambda p: p.name)
def test_every_base_term_keeps_its_source_comment(path: Path) -> None:
    """The `# source:` line above each base term is the record of where its facts come from."""
    lines = path.read_text(encoding="utf-8").splitlines()
    missing = [
        line.split(":", 1)[1].strip()
        for i, line in enumerate(lines)
        if line.startswith("  - term:")
        and not re.match(r"  # source: https?://", lines[i - 1] if i else "")
    ]
    assert missing == []


def test_source_full_names_carry_nothing_in_brackets(engine: Engine) -> None:
    """The composer writes "name (full name)"; a bracket inside reads "X (X (früher ...))"."""
    assert [s.name for s in engine.kb.sources if "(" in s.full_name] == []


# Children's questions about the base glossary, as they type them: lowercase, without a
# question mark, with typos, inflected, in the plural, compounds written apart or together.
# Each must find its term with today's matcher.
CHILDREN_ASK = [
    # the state in Germany
    ("wer ist bundeskanzler", "Bundeskanzler"),
    ("bundeskanzlr", "Bundeskanzler"),
    ("was macht die kanzlerin", "Bundeskanzler"),
    ("bundespresident", "Bundespräsident"),
    ("was macht der bundes tag", "Bundestag"),
    ("was ist der bundesrat", "Bundesrat"),
    ("wer regiert deutschland", "Bundesregierung"),
    ("grundgesez", "Grundgesetz"),
    ("was is das grundgesetz", "Grundgesetz"),
    ("wie funktionieren wahlen", "Wahl"),
    ("was ist eine bundestagswahl", "Wahl"),
    ("was sind parteien", "Partei"),
    ("was ist die fünf prozent hürde", "Partei"),
    ("was ist ein koalitionsvertrag", "Koalition"),
    ("was heist opposition", "Opposition"),
    ("demokratie was ist das", "Demokratie"),
    ("was machen gerichte", "Gericht"),
    ("was ist das bundesverfassungsgericht", "Bundesverfassungsgericht"),
    ("was macht die bundespolizei", "Polizei"),
    ("was ist die bundeswehr", "Bundeswehr"),
    ("wie viele bundesländer gibt es", "Bundesland"),
    ("was ist ein ministerpräsident", "Bundesland"),
    ("was macht ein minister", "Minister"),
    ("was ist ein ministerium", "Ministerium"),
    ("was machen abgeordnete", "Abgeordnete"),
    ("warum gibt es demos", "Demonstration"),
    ("was ist ein warnstreik", "Streik"),
    ("was ist eine gewerkschaft", "Gewerkschaft"),
    ("was ist eine botschaft", "Botschaft"),
    ("was macht der bürgermeister", "Bürgermeister"),
    ("ab wie viel jahren darf man wählen", "Wahlrecht"),
    ("was bedeutet diskriminierung", "Diskriminierung"),
    ("was ist ein rechtsstaat", "Rechtsstaat"),
    ("wie alt ist merz", "Friedrich Merz"),
    ("wer ist steinmeier", "Frank-Walter Steinmeier"),
    # the world
    ("WAS IST DIE EU", "Europäische Union"),
    ("was sind eu länder", "Europäische Union"),
    ("was is die nato", "NATO"),
    ("Was ist die NATO???", "NATO"),
    ("warum gibt es krieg", "Krieg"),
    ("was ist ein friedensvertrag", "Frieden"),
    ("was ist eine waffen ruhe", "Waffenstillstand"),
    ("was ist ein diktator", "Diktatur"),
    ("was sind flüchtlinge", "Flüchtling"),
    ("was heißt geflüchtete", "Flüchtling"),
    ("was ist ein asylantrag", "Asyl"),
    ("was ist eine atom bombe", "Atomwaffen"),
    ("was ist ein embargo", "Embargo"),
    ("menschenrechte was ist das", "Menschenrechte"),
    ("welche rechte haben kinder", "Kinderrechte"),
    ("was ist entwicklungshilfe", "Entwicklungshilfe"),
    ("wo liegt die ukraine", "Ukraine"),
    ("wie groß ist russland", "Russland"),
    ("was ist die hauptstadt von amerika", "USA"),
    ("was sind terroristen", "Terrorismus"),
    ("was ist ein bürgerkrieg", "Bürgerkrieg"),
    ("wer ist der us präsident", "Donald Trump"),
    ("wie alt ist donald trump", "Donald Trump"),
    ("wer ist selenski", "Wolodymyr Selenskyj"),
    ("was heißt ICC", "Internationaler Strafgerichtshof"),
    ("was sind kriegsverbrechen", "Kriegsverbrechen"),
    ("was ist genozid", "Völkermord"),
    ("was war der kalte krieg", "Kalter Krieg"),
    ("was machen diplomaten", "Diplomatie"),
    ("was machen soldaten", "Soldat"),
    ("wo liegt israel", "Israel"),
    ("was ist die zwei staaten lösung", "Nahostkonflikt"),
    ("was ist die hamas", "Gazastreifen"),
    ("was ist ein gipfeltreffen", "Gipfeltreffen"),
    # money, climate, science, health
    ("inflazion", "Inflation"),
    ("warum wird alles teurer", "Inflation"),
    ("was sind steuern", "Steuer"),
    ("was ist der leitzins", "Zinsen"),
    ("was sind exporte", "Export"),
    ("was sind strafzölle", "Zoll"),
    ("seit wann gibt es den euro", "Euro"),
    ("was ist ein kredit", "Schulden"),
    ("was ist kinderarmut", "Armut"),
    ("was heißt arbeitslos", "Arbeitslosigkeit"),
    ("wie hoch ist der mindestlohn", "Mindestlohn"),
    ("was sind rentner", "Rente"),
    ("klimawandl", "Klimawandel"),
    ("was ist klima wandel", "Klimawandel"),
    ("was ist co2", "Treibhausgas"),
    ("was sind treibhausgase", "Treibhausgas"),
    ("erneuerbare energie", "Erneuerbare Energien"),
    ("was sind atomkraftwerke", "Atomkraft"),
    ("wie funktioniert ein kohle kraftwerk", "Kohlekraftwerk"),
    ("was ist das pariser klimaabkommen", "Pariser Klimaabkommen"),
    ("was bedeutet cop", "Klimakonferenz"),
    ("raum sonde", "Raumsonde"),
    ("was ist die iss", "Internationale Raumstation"),
    ("wie wird man astronaut", "Astronaut"),
    ("was ist eine pandemi", "Pandemie"),
    ("warum muss man sich impfen", "Impfung"),
    # media and the digital world
    ("was machen journalisten", "Journalist"),
    ("was ist eine reporterin", "Journalist"),
    ("was sind fakenews", "Fake News"),
    ("was ist desinformation", "Desinformation"),
    ("was ist ein faktencheck", "Faktencheck"),
    ("was heißt öffentlich rechtlich", "Öffentlich-rechtlicher Rundfunk"),
    ("was ist die gez", "Rundfunkbeitrag"),
    ("was ist schleichwerbung", "Influencer"),
    ("was ist ein algoritmus", "Algorithmus"),
    ("was ist künstliche inteligenz", "Künstliche Intelligenz"),
    ("ab wann darf man tiktok", "TikTok"),
    ("was sind youtuber", "YouTube"),
    ("ab wie viel jahren whatsapp", "WhatsApp"),
    ("was ist pressefreiheit", "Pressefreiheit"),
    ("was ist zensur", "Zensur"),
    ("was sind deep fakes", "Deepfake"),
    ("was ist chatgpt", "Chatbot"),
    ("was ist hate speech", "Hassrede"),
    ("was ist eine verschwörungstheorie", "Verschwörungserzählung"),
    ("filter blase", "Filterblase"),
    ("was ist eine tageszeitung", "Zeitung"),
    ("was sind podcasts", "Podcast"),
    ("was heißt repräsentativ", "Umfrage"),
]


@pytest.mark.parametrize(("question", "term"), CHILDREN_ASK)
def test_children_find_the_base_glossary_as_they_type(
    engine: Engine, question: str, term: str
) -> None:
    assert label(engine.answer(question)) == f"term:{term}"


def test_the_table_covers_enough_questions_and_asks_only_about_the_base(engine: Engine) -> None:
    base = {t.name for t in engine.kb.terms if Path(t.where.path).parent.name == "glossary"}
    asked = {term for _, term in CHILDREN_ASK}
    assert len(CHILDREN_ASK) >= 60
    assert asked <= base, asked - base


@pytest.mark.parametrize(
    "question",
    [
        "Wie prüft ihr, ob etwas stimmt?",
        "Wie finden Journalisten die Wahrheit heraus?",
        "Kann man alles glauben, was im Fernsehen kommt?",
        "wie prüft ihr eure nachrichten",
        "wie arbeiten journalisten",
    ],
)
def test_questions_about_the_newsrooms_work_reach_the_quellencheck_or_its_terms(
    engine: Engine, question: str
) -> None:
    """Issue 12, point 5: how the news is checked is answered, not "weiß ich noch nicht"."""
    assert label(engine.answer(question)) in ("sources", "term:Journalist", "term:Faktencheck")
