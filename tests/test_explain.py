"""`newsbot ask --explain`: why a question goes where it goes, for moderators."""

from __future__ import annotations

import json
import subprocess
import sys

from bot.engine import Engine


def newsbot(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, check=False
    )


def test_explain_names_each_word_the_top_entries_and_the_deciding_rule() -> None:
    run = newsbot("ask", "--explain", "Wie gefährlich ist Kim Jong-un?")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "question: Wie gefährlich ist Kim Jong-un?"
    assert "  'gefaehrlich' -> gefahr (known, weight 1)" in lines
    assert any("1.00 name of term 'Kim Jong-un'" in line for line in lines)
    assert "subject: Kim Jong-un; the question asks about: gefaehrlich" in lines
    assert "  0.700 term 'Kim Jong-un' (subject)" in lines
    assert "decision: answer - the best scores 0.65 or more" in lines
    assert any(line.startswith("reply: ** Kim Jong-un **") for line in lines)


def test_explain_as_json_adds_the_explanation_to_the_answer() -> None:
    run = newsbot("ask", "--explain", "--json", "Wer ist Kim Kardashian?")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["kind"] == "none"
    explain = data["explain"]
    assert explain["decision"] == "unsure"
    kardashian = next(w for w in explain["words"] if w["word"] == "kardashian")
    assert (kardashian["how"], kardashian["keys"], kardashian["explained_by"]) == (
        "unknown",
        [],
        [],
    )
    assert explain["top"][0]["rule"] == "subject-blocked"


def test_explain_shows_typos_synonyms_and_personal_questions(engine: Engine) -> None:
    typo = engine.matcher.explain("satelit").words[0]
    assert typo.how == "typo of satellit"
    personal = engine.matcher.explain("Von welcher Partei sind Sie?")
    assert personal.personal
    assert any(rule == "personal" for _, _, rule in personal.top)
    assert personal.decision == "unsure"
