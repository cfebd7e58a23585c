"""`newsbot report` says what to write next (issue 13): one topic is one group however it is
asked, an alias only for another name of what the entry is, and no silent empty database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers.knowledge import ROOT

from bot.engine import Engine
from bot.newsroom.report import build_report, render
from bot.storage.backend import open_database
from bot.storage.interface import Asked


def test_one_topic_asked_three_ways_is_one_group(engine: Engine) -> None:
    """They ended up in three groups."""
    groups = build_report(
        [
            Asked("Was ist Fortnite?", 3, "unanswered"),
            Asked("fortnite erklärt", 2, "unanswered"),
            Asked("warum spielen alle fortnite", 1, "nothing"),
            Asked("Wer gewinnt die Bundesliga?", 4, "unanswered"),
        ],
        engine,
    )
    assert {g.question: g.count for g in groups} == {
        "Was ist Fortnite?": 6,
        "Wer gewinnt die Bundesliga?": 4,
    }
    assert [g.question for g in groups] == ["Was ist Fortnite?", "Wer gewinnt die Bundesliga?"]


def test_questions_naming_one_entry_are_one_group(engine: Engine) -> None:
    groups = build_report(
        [
            Asked("wer ist kim jong un eigentlich", 2, "thumbs_down"),
            Asked("kim jong-un?", 1, "nothing"),
        ],
        engine,
    )
    assert len(groups) == 1 and groups[0].count == 3
    assert groups[0].suggestion == 'add as question to term "Kim Jong-un"'


def test_an_alias_only_for_another_spelling_of_what_the_entry_is(engine: Engine) -> None:
    """The report suggested a different real thing (U-Boot for Atom-U-Boot) as an alias."""
    suggestions = {
        g.question: g.suggestion
        for g in build_report(
            [
                Asked("was ist ein u-boot", 1, "unanswered"),
                Asked("was sind sanktionenn", 1, "unanswered"),
                Asked("Was ist Fortnite?", 1, "unanswered"),
            ],
            engine,
        )
    }
    assert suggestions == {
        "was ist ein u-boot": 'add "u boot" as a related word to term "Atom-U-Boot",'
        " or write a new entry",
        "was sind sanktionenn": 'add "sanktionenn" as alias to term "Sanktionen"',
        "Was ist Fortnite?": "write a new entry",
    }


def report(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "report", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def test_a_mistyped_data_folder_is_an_error_not_a_new_database(tmp_path: Path) -> None:
    """A typo in --data created an empty database and said "No unanswered questions"."""
    run = report("--data", str(tmp_path / "dtaa"))
    assert run.returncode == 1
    assert run.stderr.startswith(
        f"newsbot: there is no database {tmp_path / 'dtaa'}/newsbot.sqlite3"
    )
    assert not (tmp_path / "dtaa").exists()


async def test_without_questions_it_says_which_database_and_days_it_read(tmp_path: Path) -> None:
    """It said only "No unanswered questions"."""
    database = await open_database(tmp_path)
    today = database.stats.today()
    await database.close()
    run = report("--data", str(tmp_path), "--days", "3")
    assert run.returncode == 0, run.stderr
    start = today.fromordinal(today.toordinal() - 2).isoformat()
    assert run.stdout == (
        f"No unanswered questions in {tmp_path}/newsbot.sqlite3 for the 3 days"
        f" {start} to {today.isoformat()}.\n"
    )


def test_the_text_report_names_its_source(engine: Engine) -> None:
    groups = build_report([Asked("Was ist Fortnite?", 1, "unanswered")], engine)
    text = render(groups, "text", "data/newsbot.sqlite3 for the 7 days")
    assert text.startswith("Unanswered questions in data/newsbot.sqlite3 for the 7 days")
    assert "-> write a new entry" in text


def test_report_help_says_what_it_does() -> None:
    assert "what to write next" in report("--help").stdout
