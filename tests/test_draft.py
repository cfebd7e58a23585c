"""`newsbot draft` (issue 13): a raw article text of any of four layouts becomes a draft that
holds only what the text says, marked where a moderator still has work, hidden from readers."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers.knowledge import KNOWLEDGE, ROOT

from bot.engine import Engine
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.load import load_knowledge
from bot.newsroom.draft import draft
from bot.newsroom.rawtext import parse

SEED = ROOT.parent / "shared" / "seed" / "article.txt"
RAW = ROOT / "tests" / "data" / "raw"
TODAY = dt.date(2026, 12, 1)

# What each text says, as a moderator reads it (the seed is ../shared/seed/article.txt).
EXPECTED = {
    "seed": {
        "id": "schickt-nordkorea-waffen-nach-russland",
        "title": "Schickt Nordkorea jetzt Waffen nach Russland?",
        "authors": ["Jonas Neugebauer", "Katharina Kunz"],
        "date": None,
        "url": None,
        "terms": {"Sanktionen", "Kim Jong-un", "Weltraumbahnhof", "Atom-U-Boot", "Artillerie"},
        # The Quellencheck names Reuters and SID too ("Weitere Nachrichtenagenturen ...").
        "sources": {"dpa", "AFP", "AP", "Reuters", "SID", "ARD", "X"},
        "questions": [
            "Schickt Nordkorea jetzt Waffen nach Russland?",
            "Geht es um Waffen für den Krieg?",
        ],
        "explained": [("Sanktionen", "Sanktionen sind Strafen, die sich Länder gegenseitig")],
        "points": 3,
    },
    "markdown-schulgarten.md": {
        "id": "roboter-giesst-schulgarten",
        "title": "Ein Roboter gießt den Schulgarten",
        "authors": ["Lena Muster", "Tim Probe"],
        "date": dt.date(2026, 3, 12),
        "url": "https://www.example.org/nachrichten/roboter-schulgarten",
        "terms": set(),
        "sources": {"dpa"},
        "questions": ["Wie funktioniert der Roboter?"],
        "explained": [("Sensoren", "Sensoren sind kleine Messgeräte")],
        "points": 3,
    },
    "felder-komet.txt": {
        "id": "forschende-entdecken-neuen-kometen",
        "title": "Forschende entdecken einen neuen Kometen",
        "authors": ["Mara Beispiel"],
        "date": dt.date(2026, 2, 5),
        "url": "https://www.example.org/wissen/komet-2026",
        "terms": set(),
        "sources": {"AFP"},
        "questions": ["Wann kann man den Kometen sehen?"],
        "explained": [("Komet", "Ein Komet ist ein Brocken aus Eis und Staub")],
        "points": 3,
    },
    "newsletter-radweg.txt": {
        "id": "neuer-radweg-kinder-duerfen-mitbestimmen",
        "title": "NEUER RADWEG: KINDER DÜRFEN MITBESTIMMEN",
        "authors": ["Jonas Erfunden"],
        "date": dt.date(2026, 6, 3),
        "url": None,
        "terms": set(),
        "sources": {"dpa"},
        "questions": ["Warum ist das wichtig?"],
        "explained": [("Gemeinderat", "Ein Gemeinderat ist eine Gruppe von gewählten Leuten")],
        "points": 3,
    },
    # A web page copied as text: a kicker before the headline, pictures with their credits
    # between the paragraphs, a subheading that states what it explains.
    "webseite-pandas.txt": {
        "id": "warum-bekommt-zoo-zwei-pandas",
        "title": "Warum bekommt der Zoo zwei Pandas?",
        "authors": None,
        "date": None,
        "url": None,
        # The photos' credits (dpa, Reuters) are not sources of the text.
        "terms": {"Nachrichtenagentur"},
        "sources": {"AFP"},
        "questions": ["Warum bekommt der Zoo zwei Pandas?", "Was ist der Panda-Plan?"],
        "explained": [("Gehege", "Ein Gehege ist ein abgegrenzter Platz")],
        "points": 3,
    },
}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge(KNOWLEDGE)


def raw_text(name: str) -> str:
    path = SEED if name == "seed" else RAW / name
    if not path.exists():
        pytest.skip(f"{path} is not there")
    return path.read_text(encoding="utf-8")


def words(text: str) -> str:
    return " ".join(re.sub(r"\b(FYI|Info|Gut zu wissen)\s*:\s*", "", text).split())


@pytest.mark.parametrize("name", list(EXPECTED))
def test_a_draft_holds_what_the_text_says_and_nothing_else(kb: KnowledgeBase, name: str) -> None:
    text = raw_text(name)
    want = EXPECTED[name]
    result = draft(text, kb, TODAY)
    data = yaml.safe_load(result.article)
    assert data["id"] == result.id == want["id"]
    assert data["draft"] is True
    assert data["title"] == want["title"]
    assert data.get("authors") == want["authors"]
    # No date in the text: none in the draft either (check fails once it is no draft).
    assert data.get("date") == want["date"]
    assert ("TODO: the text names no date" in result.article) is (want["date"] is None)
    assert data["url"] == (want["url"] or "https://example.org/TODO")
    # Summary, details and points are the text's own sentences: nothing is invented.
    original = words(text)
    for field in ("summary", "details"):
        for sentence in re.split(r"(?<=[.!?])\s+", data[field]):
            assert sentence in original, (field, sentence)
    assert len(data.get("points", [])) >= want["points"]
    for point in data.get("points", []):
        assert point in original
    assert 10 <= len(data["summary"].split()) <= 60
    assert len(data["details"].split()) <= 200
    assert want["terms"] <= set(data["terms"]) <= {t.name for t in kb.terms}
    assert set(data["sources"]) == want["sources"]
    assert data["questions"][: len(want["questions"])] == want["questions"]
    explained = {c.word: c.short for c in result.candidates}
    for word, start in want["explained"]:
        if kb.by_name(word) is None:
            assert explained[word].startswith(start)
    assert parse(text).explained[0][1].startswith(want["explained"][0][1])


def test_the_seed_draft_finds_inflected_and_compound_glossary_words(kb: KnowledgeBase) -> None:
    result = draft(raw_text("seed"), kb, TODAY)
    terms = yaml.safe_load(result.article)["terms"]
    # "Satelliten", "Raketen" (inflected), "Artilleriegeschosse" (a compound), "Atom-U-Boote"
    assert {"Satellit", "Rakete", "Artillerie", "Atom-U-Boot"} <= set(terms)
    assert "#   caption: Das Bild zeigt Wladimir Putin" in result.article  # a picture, no address


def newsbot(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def test_draft_writes_a_draft_that_readers_do_not_see_and_check_lists_its_todos(
    kb_copy: Path,
) -> None:
    run = newsbot("draft", "--kb", str(kb_copy), str(RAW / "felder-komet.txt"))
    assert run.returncode == 0, run.stderr
    article = kb_copy / "articles" / "forschende-entdecken-neuen-kometen.yaml"
    candidates = kb_copy / "drafts" / "forschende-entdecken-neuen-kometen.yaml"
    assert (
        run.stdout.splitlines()[0] == f"wrote {article} (draft: true - readers do not see it yet)"
    )
    assert "Komet" in candidates.read_text(encoding="utf-8")
    assert yaml.safe_load(candidates.read_text(encoding="utf-8"))["terms"][0]["short"].startswith(
        "Ein Komet ist ein Brocken aus Eis und Staub"
    )
    engine = Engine.load(kb_copy)
    assert [a.id for a in engine.kb.articles] == ["putin-kim-treffen"]
    assert (
        engine.answer("Wann kann man den Kometen sehen?").id != "forschende-entdecken-neuen-kometen"
    )
    check = newsbot("check", "--no-selftest", str(article))
    assert check.returncode == 0
    assert "still to do" in check.stdout and 'delete the line "draft: true"' in check.stdout
    assert newsbot("check", "--strict", "--no-selftest", str(article)).returncode == 1


def test_draft_refuses_to_overwrite(kb_copy: Path) -> None:
    text = (RAW / "newsletter-radweg.txt").read_text(encoding="utf-8")
    assert newsbot("draft", "--kb", str(kb_copy), "-", stdin=text).returncode == 0
    again = newsbot("draft", "--kb", str(kb_copy), "-", stdin=text)
    assert again.returncode == 1
    assert "exists already" in again.stderr
    other = newsbot("draft", "--kb", str(kb_copy), "--id", "radweg-musterhausen", "-", stdin=text)
    assert other.returncode == 0, other.stderr
    written = kb_copy / "articles" / "radweg-musterhausen.yaml"
    assert yaml.safe_load(written.read_text(encoding="utf-8"))["id"] == "radweg-musterhausen"


def test_draft_help_says_what_it_does() -> None:
    assert "raw article text" in newsbot("draft", "--help").stdout


def test_a_press_release_dateline_is_the_date_not_the_first_words() -> None:
    raw = parse(
        "Pressemitteilung\n\nEin Zoo bekommt zwei Pandas\n\n"
        "Zoostadt, 3. Mai 2026 – Der Zoo bekommt zwei Pandas. Sie kommen im Juni.\n\n"
        "Kontakt: presse@example.org\n"
    )
    assert (raw.headline, raw.date) == ("Ein Zoo bekommt zwei Pandas", dt.date(2026, 5, 3))
    assert raw.lead == "Der Zoo bekommt zwei Pandas. Sie kommen im Juni."
    assert raw.paragraphs == []


def test_a_web_page_s_pictures_are_an_image_block_not_text_and_their_credits_no_sources(
    kb: KnowledgeBase,
) -> None:
    result = draft(raw_text("webseite-pandas.txt"), kb, TODAY)
    data = yaml.safe_load(result.article)
    assert "#   caption: Zwei Pandas sitzen in einem Gehege und fressen Bambus." in result.article
    assert "#   credit: dpa" in result.article
    for field in ("summary", "details"):
        assert "Quelle" not in data[field] and "Foto" not in data[field]
        assert "Tierpfleger trägt einen Korb" not in data[field]
    assert data["sources"] == ["AFP"]
    # The kicker is not the title, and the moderator is told it was there.
    assert 'the headline began with "Kinderseite:"' in result.article


def test_a_draft_without_a_date_cannot_lose_its_mark_without_getting_one(kb_copy: Path) -> None:
    text = raw_text("webseite-pandas.txt")
    assert newsbot("draft", "--kb", str(kb_copy), "-", stdin=text).returncode == 0
    article = kb_copy / "articles" / "warum-bekommt-zoo-zwei-pandas.yaml"
    assert newsbot("check", "--no-selftest", str(article)).returncode == 0
    finished = article.read_text(encoding="utf-8").replace("draft: true\n", "")
    article.write_text(finished, encoding="utf-8")
    check = newsbot("check", "--no-selftest", str(article))
    assert check.returncode == 1
    assert re.search(
        r'warum-bekommt-zoo-zwei-pandas.yaml:\d+: .* has no "date" - add', check.stdout
    )
    dated = finished.replace("# date: JJJJ-MM-TT", "date: 2026-11-30")
    article.write_text(dated, encoding="utf-8")
    assert newsbot("check", "--no-selftest", str(article)).returncode == 0


def test_checking_an_article_reminds_of_its_glossary_candidates(kb_copy: Path) -> None:
    text = raw_text("webseite-pandas.txt")
    assert newsbot("draft", "--kb", str(kb_copy), "-", stdin=text).returncode == 0
    article = kb_copy / "articles" / "warum-bekommt-zoo-zwei-pandas.yaml"
    check = newsbot("check", "--no-selftest", str(article))
    assert "drafts/warum-bekommt-zoo-zwei-pandas.yaml:1: warning: drafted glossary terms" in (
        check.stdout
    )
    (kb_copy / "drafts" / "warum-bekommt-zoo-zwei-pandas.yaml").unlink()
    assert "drafted glossary terms" not in newsbot("check", "--no-selftest", str(article)).stdout
