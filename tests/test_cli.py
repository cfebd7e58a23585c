"""The command-line contract our evaluation tools depend on, run through a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.knowledge import copy_knowledge

KINDS = {"article", "term", "source", "sources", "news", "help", "smalltalk", "comfort", "none"}
FIELDS = {"kind", "id", "title", "score", "text", "links", "buttons", "suggestions"}


def newsbot(*args: str, stdin: str | bytes = "") -> subprocess.CompletedProcess[bytes]:
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=data, capture_output=True, check=False
    )


def test_ask_json_answers_each_line_in_order() -> None:
    questions = ["Was sind Sanktionen?", "Wer ist Billie Eilish?", "Woher habt ihr das?"]
    run = newsbot("ask", "--json", stdin="\n".join(questions) + "\n")
    assert run.returncode == 0, run.stderr
    answers = [json.loads(line) for line in run.stdout.decode().splitlines()]
    assert [a["kind"] for a in answers] == ["term", "none", "sources"]
    assert answers[0]["title"] == "Sanktionen"
    for answer in answers:
        assert set(answer) == FIELDS
        assert answer["kind"] in KINDS
        assert 0 <= answer["score"] <= 100
        assert answer["text"]


def test_ask_takes_the_question_as_arguments() -> None:
    run = newsbot("ask", "--json", "Was", "ist", "dpa?")
    answer = json.loads(run.stdout)
    assert (answer["kind"], answer["title"]) == ("source", "dpa")


BAD_LINES = [
    "",
    "   \t ",
    "x" * 20_000,
    "\x00\x01\x07\x1b[31m",
    "\u200b\u200d\ufeff",
    "😀😀😀🙈",
    "Привет, как дела?",
    "مرحبا",
    "<script>alert(1)</script><b>fett",
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
]


def test_bad_lines_never_stop_the_lines_after_them() -> None:
    stdin = "\n".join([*BAD_LINES, "Was ist dpa?"]).encode("utf-8") + b"\n\xff\xfe broken\n"
    run = newsbot("ask", "--json", stdin=stdin)
    assert run.returncode == 0, run.stderr
    answers = [json.loads(line) for line in run.stdout.decode().splitlines()]
    assert len(answers) == len(BAD_LINES) + 2
    for answer in answers[: len(BAD_LINES)]:
        assert answer["kind"] in ("none", "help", "smalltalk")
        assert answer["text"]
    assert answers[len(BAD_LINES)]["title"] == "dpa"
    assert b"Traceback" not in run.stderr


def test_chat_keeps_context_for_where_the_news_comes_from() -> None:
    run = newsbot("chat", "--json", stdin="Putin Kim Treffen\nWoher wisst ihr das?\nmehr\n")
    first, second, third = (json.loads(line) for line in run.stdout.decode().splitlines())
    assert first["kind"] == "article"
    assert (second["kind"], second["id"]) == ("sources", first["id"])
    assert third["kind"] == "article"


def test_chat_numbers_press_buttons() -> None:
    run = newsbot("chat", "--json", stdin="Was sind Sanktionen?\n1\n")
    first, second = (json.loads(line) for line in run.stdout.decode().splitlines())
    assert first["buttons"]
    assert second["text"] != first["text"]


@pytest.mark.parametrize("command", ["ask", "chat", "check", "report", "run"])
def test_every_command_has_help(command: str) -> None:
    run = newsbot(command, "--help")
    assert run.returncode == 0
    assert b"--kb" in run.stdout


def test_a_broken_knowledge_dir_is_one_clear_message(tmp_path: object) -> None:
    run = newsbot("ask", "--kb", "/nonexistent/knowledge", "hallo")
    assert run.returncode == 1
    assert b"does not exist" in run.stderr
    assert b"Traceback" not in run.stderr


def test_importing_the_engine_does_not_import_telegram() -> None:
    code = (
        "import sys, bot.engine, bot.cli, bot.search.index, bot.answers, bot.knowledge.load,"
        " bot.config, bot.telegram.render, bot.newsroom.recorder, bot.digest,"
        " bot.schedule, bot.storage.backend;"
        "print('telegram' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert run.stdout.strip() == b"False"


def test_every_command_reads_the_knowledge_folder_from_dot_env(tmp_path: Path) -> None:
    """A NEWSBOT_KNOWLEDGE set only in .env counts for ask and check, not only for run."""
    knowledge = tmp_path / "elsewhere"
    copy_knowledge(knowledge)
    glossary = knowledge / "glossary.yaml"
    glossary.write_text(
        glossary.read_text(encoding="utf-8").replace("term: FYI", "term: Quallenpudding"),
        encoding="utf-8",
    )
    work = tmp_path / "work"
    work.mkdir()
    (work / ".env").write_text(f"NEWSBOT_KNOWLEDGE={knowledge}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSBOT_")}
    run = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "Was heißt Quallenpudding?"],
        capture_output=True,
        cwd=work,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    assert (answer["kind"], answer["title"]) == ("term", "Quallenpudding")
    check = subprocess.run(
        [sys.executable, "-m", "bot", "check", "--no-selftest"],
        capture_output=True,
        cwd=work,
        env=env,
        check=False,
    )
    assert check.returncode == 0 and "153 terms" in check.stdout.decode(), check.stdout
