"""The unanswered-questions store and the report: cleaned questions, counts, retention."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from helpers.clock import TODAY, Clock
from helpers.stores import open_database, stored

from bot.engine import Engine
from bot.newsroom.report import build_report, group_questions, render
from bot.storage.interface import Asked, Database, StatsStore, StoreError
from bot.storage.scrub import scrub
from bot.storage.sqlite.database import SQLiteDatabase
from bot.storage.sqlite.migrations import SCHEMA_VERSION


@pytest.fixture
def clock() -> Clock[dt.date]:
    return Clock(TODAY)


@pytest.fixture
async def database(tmp_path: Path, clock: Clock[dt.date], backend: str) -> AsyncIterator[Database]:
    """The store on each backend in turn (PostgreSQL in a schema of the test's own)."""
    opened = await open_database(tmp_path / "data", retention_days=90, today=clock, backend=backend)
    yield opened
    await opened.close()


@pytest.fixture
def store(database: Database) -> StatsStore:
    return database.stats


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Ich bin 12 und wohne in Köln", "Ich bin und wohne in Köln"),
        ("schreib mir an max.muster@example.org", "schreib mir an"),
        ("ruf an: +49 170 1234567 bitte", "ruf an: bitte"),
        ("frag @lisa_2014 mal", "frag mal"),
        ("siehe https://example.org/x?y=1 oder www.test.de", "siehe oder"),
        ("\x00\u200bwas ist das", "was ist das"),
        # A bot token, whole or its secret half alone, and a webhook secret (issue 17).
        ("geht 1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw so?", "geht so?"),
        ("was heißt bot987654:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "was heißt bot"),
        ("und AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw?", "und ?"),
        ("und AAHdqTcvCHvGWJxfSeofSAsKPALDsawx?", "und ?"),  # no digit: a case change
        ("geheim: Hk3_x-9QpLr2vV8yTgN0aBcDeFgHiJkLmNoPqRs", "geheim:"),
        # Long words are no keys: a compound, a hyphenated name.
        (
            "was ist das Rindfleischetikettierungsueberwachungsaufgabenuebertragungsgesetz",
            "was ist das Rindfleischetikettierungsueberwachungsaufgabenuebertragungsgesetz",
        ),
        ("wer ist Karl-Theodor-Maria-Nikolaus", "wer ist Karl-Theodor-Maria-Nikolaus"),
    ],
)
def test_questions_are_cleaned_of_personal_data(raw: str, clean: str) -> None:
    assert scrub(raw) == clean


async def test_same_question_counts_up(store: StatsStore) -> None:
    for _ in range(3):
        await store.record_question("Was ist Fortnite?", "unanswered")
    await store.record_question("Wer gewinnt die Bundesliga?", "nothing")
    assert await store.asked(7) == [
        Asked("Was ist Fortnite?", 3, "unanswered"),
        Asked("Wer gewinnt die Bundesliga?", 1, "nothing"),
    ]


async def test_feedback_and_stats(store: StatsStore) -> None:
    await store.record_reply(True, "t:sanktionen")
    await store.record_reply(True, "t:sanktionen")
    await store.record_reply(False)
    await store.record_feedback("t:sanktionen", helpful=False, question="sanktionen 2024")
    await store.record_feedback("t:sanktionen", helpful=True)
    assert [(d.answered, d.unanswered) for d in await store.days(7)] == [(2, 1)]
    assert await store.top_entries(7) == [("t:sanktionen", 2)]
    assert await store.asked(7) == [Asked("sanktionen", 1, "thumbs_down", "t:sanktionen")]


async def test_old_records_are_deleted(store: StatsStore, clock: Clock[dt.date]) -> None:
    await store.record_question("alt", "unanswered")
    clock.now += dt.timedelta(days=91)
    await store.record_question("neu", "unanswered")
    assert await store.purge() == 1
    assert [a.question for a in await store.asked(365)] == ["neu"]


async def test_nothing_identifying_is_stored(
    database: Database, store: StatsStore, tmp_path: Path
) -> None:
    await store.record_question("Ich heiße Zyxwvutsrq, meine Nummer 0170 9876543", "unanswered")
    await database.close()
    text, tables = stored(tmp_path / "data")
    assert "Ich heiße" in text or "Ich hei" in text  # the question is there, cleaned
    assert "9876543" not in text
    columns = {c for t in ("questions", "daily", "feedback", "entry_hits") for c in tables[t]}
    assert not columns & {"user_id", "chat_id", "user", "chat", "name", "username"}


async def test_schema_is_versioned(tmp_path: Path, clock: Clock[dt.date]) -> None:
    path = tmp_path / "s.sqlite3"
    await (await SQLiteDatabase.open(path, today=clock)).close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT value FROM meta").fetchone() == (str(SCHEMA_VERSION),)
        db.execute("UPDATE meta SET value = '99'")
    with pytest.raises(StoreError):
        await SQLiteDatabase.open(path, today=clock)


def test_similar_questions_are_grouped() -> None:
    groups = group_questions(
        [
            Asked("Was ist Fortnite?", 2, "unanswered"),
            Asked("was ist fortnite", 1, "unanswered"),
            Asked("Wer gewinnt die Bundesliga?", 1, "nothing"),
        ]
    )
    assert [(g.question, g.count) for g in groups] == [
        ("Was ist Fortnite?", 3),
        ("Wer gewinnt die Bundesliga?", 1),
    ]


def test_report_suggests_alias_or_new_entry(engine: Engine) -> None:
    groups = build_report(
        [Asked("Was ist Fortnite?", 2, "unanswered"), Asked("sanktionen im sport", 1, "nothing")],
        engine,
    )
    by_question = {g.question: g for g in groups}
    assert by_question["Was ist Fortnite?"].suggestion == "write a new entry"
    assert by_question["sanktionen im sport"].suggestion == (
        'add "sanktionen sport" as a related word to term "Sanktionen", or write a new entry'
    )
    assert json.loads(render(groups, "json"))[0]["count"] == 2
    assert render(groups, "csv").splitlines()[0].startswith("count,question")


async def test_report_command(tmp_path: Path, clock: Clock[dt.date]) -> None:
    database = await open_database(tmp_path, backend="sqlite")  # --data: the folder's file
    await database.stats.record_question("Was ist Fortnite?", "unanswered")
    await database.close()
    run = subprocess.run(
        [sys.executable, "-m", "bot", "report", "--data", str(tmp_path), "--format", "json"],
        capture_output=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)[0]["question"] == "Was ist Fortnite?"
