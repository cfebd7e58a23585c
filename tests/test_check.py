"""`newsbot check` agrees with the moderators' guide (issue 13): the fields it calls required,
its lengths and dates, the image, the glossary words an article uses, drafts; and the command
says which folder it checked, checks single files, and groups its warnings."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.knowledge import KNOWLEDGE, ROOT

from bot.knowledge.base import KnowledgeError
from bot.knowledge.load import load_knowledge

ARTICLE = "articles/putin-kim-treffen.yaml"


def problems(root: Path) -> list[str]:
    try:
        return [str(p) for p in load_knowledge(root, drafts=True).warnings]
    except KnowledgeError as exc:
        return [str(p) for p in exc.problems]


def edit(root: Path, old: str, new: str, name: str = ARTICLE) -> None:
    """Replace old by new; old "keywords:..." replaces the whole field, down to the next one."""
    path = root / name
    text = path.read_text(encoding="utf-8")
    if old.endswith(":..."):
        old = re.search(rf"(?m)^{old[:-4]}:.*\n(?:[ \n].*\n)*", text).group()  # type: ignore[union-attr]
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def newsbot(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NEWSBOT_KNOWLEDGE"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env={**env, "PYTHONPATH": str(ROOT)},
    )


TERMS_BLOCK = """terms:
  - Sanktionen"""
LATER = (dt.date.today() + dt.timedelta(days=30)).isoformat()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # The guide calls them required; they could be left out without a word.
        (
            "sources: [dpa, AFP, AP, ARD, X]",
            "",
            ':2: warning: article "putin-kim-treffen" has no "sources" - list the sources',
        ),
        ("keywords:...", "", ':2: warning: article "putin-kim-treffen" has no "keywords"'),
        # Lengths the guide states: details 80 to 200 words, 5 to 10 questions.
        (
            "details:...",
            "details: Zu kurz.\n",
            ':12: warning: article "putin-kim-treffen": "details" has 2 words, fewer than 80',
        ),
        (
            "questions:...",
            "questions: [Wo, Wann, Wer]\n",
            ': warning: article "putin-kim-treffen" has 3 questions - write 5 to 10',
        ),
        # A typo in the future passed and held back the digest; now an error.
        (
            "date: 2023-09-13",
            "date: 2031-09-13",
            ': article "putin-kim-treffen": the date 2031-09-13 is in the future',
        ),
        # A day that is not on the calendar.
        (
            "date: 2023-09-13",
            "date: 2023-02-30",
            ":4: 2023-02-30 is not a day on the calendar",
        ),
        (
            "\nsummary:",
            "\nexpires: 2024-01-31\nsummary:",
            ':7: warning: article "putin-kim-treffen" expired on 2024-01-31',
        ),
        # A caption without an image url was never shown, without a word.
        (
            "\nsummary:",
            "\nimage:\n  caption: Zwei Männer geben sich die Hand.\nsummary:",
            ':7: warning: article "putin-kim-treffen": the image has no "url"',
        ),
        # A glossary word in the text that is not under terms: no hint before.
        (
            "  - Sanktionen\n",
            "",
            ': warning: article "putin-kim-treffen" uses the glossary word'
            ' "Sanktionen" but does not list it',
        ),
        # A term under terms that the text never uses: no hint before.
        (
            "  - Sanktionen\n",
            "  - Sanktionen\n  - Inflation\n",
            ": warning: article"
            ' "putin-kim-treffen" lists the term "Inflation", which its text never uses',
        ),
    ],
)
def test_check_states_every_rule_of_the_guide(
    kb_copy: Path, old: str, new: str, expected: str | None
) -> None:
    edit(kb_copy, old, new)
    found = problems(kb_copy)
    if expected is None:
        assert any("warning:" in line for line in found), found
    else:
        assert any(expected in line for line in found), found
    assert all(line.startswith("knowledge/") and " - " in line for line in found), found


def test_the_glossary_word_is_reported_at_the_line_of_the_sentence(kb_copy: Path) -> None:
    edit(kb_copy, "  - Völkerrecht\n", "")
    found = [line for line in problems(kb_copy) if '"Völkerrecht"' in line]
    text = (kb_copy / ARTICLE).read_text(encoding="utf-8").splitlines()
    line = int(found[0].split(":")[1])
    assert "Völkerrecht" in text[line - 1], found


def test_a_draft_is_checked_but_never_shown_to_readers(kb_copy: Path) -> None:
    edit(kb_copy, "\nsummary:", "\ndraft: true\nsummary:")
    edit(kb_copy, "url: https", "# TODO: the article's address\nurl: https")
    found = problems(kb_copy)
    assert any(
        "is a draft, which readers do not see - when every TODO is done" in line for line in found
    )
    assert any(
        ": warning: " in line and 'still to do: "TODO: the article\'s address"' in line
        for line in found
    )
    assert load_knowledge(kb_copy).articles == ()
    assert [a.id for a in load_knowledge(kb_copy).drafts] == ["putin-kim-treffen"]
    assert [a.id for a in load_knowledge(kb_copy, drafts=True).articles] == ["putin-kim-treffen"]


def test_check_names_the_folder_it_checked_and_what_is_in_it(kb_copy: Path) -> None:
    run = newsbot("check", "--no-selftest", "--kb", str(kb_copy))
    assert run.returncode == 0, run.stdout + run.stderr
    first, *_, last = run.stdout.splitlines()
    assert first == f"{kb_copy.resolve()}/: 1 article, 153 terms, 7 sources"
    assert last == f"{kb_copy.resolve()}/: 0 error(s), 0 warning(s)"


def test_in_a_copied_checkout_check_checks_the_copy(tmp_path: Path) -> None:
    """The installed newsbot of the original checked the original's knowledge folder."""
    copy = tmp_path / "copy"
    shutil.copytree(KNOWLEDGE, copy / "knowledge")
    edit(copy / "knowledge", "  - Sanktionen\n", "  - Sanktionen\n  - Inflation\n")
    run = newsbot("check", "--no-selftest", cwd=copy)
    assert run.stdout.startswith(f"{(copy / 'knowledge').resolve()}/: "), run.stdout
    assert '"Inflation"' in run.stdout


def test_check_files_reports_only_those_files_in_the_context_of_their_folder(
    kb_copy: Path,
) -> None:
    edit(kb_copy, "  - Sanktionen\n", "  - Sanktionen\n  - Inflation\n")
    edit(
        kb_copy,
        "  - term: Sanktionen\n",
        "  - term: Sanktionen\n    see: [Inflatio]\n",
        "glossary.yaml",
    )
    article = kb_copy / ARTICLE
    run = newsbot("check", "--no-selftest", str(article))
    assert "checking only: " in run.stdout
    assert '"Inflation"' in run.stdout and 'Inflatio"' not in run.stdout, run.stdout
    assert run.returncode == 1  # the glossary's error keeps the folder from loading: an error
    whole = newsbot("check", "--no-selftest", "--kb", str(kb_copy))
    assert '"Inflatio"' in whole.stdout


def test_warnings_are_grouped_by_kind_with_counts(kb_copy: Path) -> None:
    edit(kb_copy, "  - Sanktionen\n", "  - Sanktionen\n  - Inflation\n  - Klimawandel\n")
    edit(kb_copy, "\nsummary:", "\ndraft: true\nsummary:")
    run = newsbot("check", "--no-selftest", "--kb", str(kb_copy))
    out = run.stdout.splitlines()
    assert "-- terms: 2 warning(s)" in out and "-- draft: 1 warning(s)" in out
    assert out.index("-- terms: 2 warning(s)") < out.index("-- draft: 1 warning(s)")
    assert out[-1].endswith("0 error(s), 3 warning(s) (2 terms, 1 draft)")


def test_check_help_says_what_it_does() -> None:
    run = newsbot("check", "--help")
    assert "moderators' guide" in run.stdout and "FILE" in run.stdout


def test_a_long_self_test_shows_its_progress() -> None:
    import io

    from bot.newsroom.commands import progress_bar

    err = io.StringIO()
    show = progress_bar(err)
    for done in range(1, 1001):
        show(done, 1000)
    assert err.getvalue().count("\r") == 101  # 0 % to 100 %, once each
    assert err.getvalue().endswith("\rself-test [####################] 1000/1000 questions\n")
    quiet = io.StringIO()
    progress_bar(quiet)(1, 10)
    assert quiet.getvalue() == ""


EXTRA_TERMS = """terms:
""" + "".join(
    f"""  - term: Testwort{n}
    aliases: [Probewort{n}]
    questions:
      - Was ist ein Journalist?
    short: >-
      Das Testwort{n} ist ein Wort. Die Donaudampfschifffahrtsgesellschaftskapitäne und
      ihre Ornithopterkonstrukteure besprechen mit den Quästoren und Präfekten der alten
      Provinzverwaltung, ob die Thesaurierung der Emolumente opportun ist.
    link: https://example.org/testwort{n}
"""
    for n in range(6)
)


def test_check_on_several_cores_prints_what_one_core_prints(kb_copy: Path) -> None:
    (kb_copy / "glossary" / "zz-test.yaml").write_text(EXTRA_TERMS, encoding="utf-8")
    one = newsbot("check", "--kb", str(kb_copy), "--jobs", "1")
    two = newsbot("check", "--kb", str(kb_copy), "--jobs", "2")
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout
    assert one.stdout.count("self-test:") == 6
    assert one.stdout.count("is a very long word") == 6
    # Not on a terminal: no progress bars, nothing but the report.
    assert one.stderr == two.stderr == ""


def test_check_shows_the_progress_of_each_stage_on_a_terminal() -> None:
    import io

    from bot.newsroom.commands import stage_progress

    err = io.StringIO()
    show = stage_progress(err)
    show("reading", 50, 100)
    show("reading", 100, 100)
    show("indexing", 0, 5)  # small: no bar
    show("self-test", 600, 600)
    assert err.getvalue() == (
        "\rreading [##########          ] 50/100 files"
        "\rreading [####################] 100/100 files\n"
        "\rself-test [####################] 600/600 questions\n"
    )


COLLIDING_TERMS = """terms:
  - term: Pressebüro
    aliases: [Pressestelle]
    questions:
      - Was ist ein Journalist?
      - Was ist ein Pressebüro?
      - Was macht ein Büro?
    short: Ein Pressebüro schreibt Nachrichten für eine Firma oder ein Amt.
    link: https://example.org/pressebuero
  - term: Meldebüro
    questions:
      - Was ist Völkerrecht?
      - Was macht ein Büro?
    short: Ein Meldebüro schreibt auf, wer in einer Stadt wohnt.
    link: https://example.org/meldebuero
"""


def test_the_self_test_finds_what_asking_the_bot_finds(kb_copy: Path) -> None:
    """The self-test reads the entry off the match instead of composing each reply: its
    findings are those of asking the bot every question and alias, one by one."""
    from bot.conversation import Conversation
    from bot.engine import Engine
    from bot.knowledge.selftest import self_test
    from bot.models import Article, Term

    (kb_copy / "glossary" / "zz-test.yaml").write_text(COLLIDING_TERMS, encoding="utf-8")
    engine = Engine.load(kb_copy, drafts=True)
    wrong = []
    for entry in engine.kb.entries():
        asked = [*entry.questions]
        asked += [] if isinstance(entry, Article) else entry.aliases
        asked += entry.related if isinstance(entry, Term) else []
        wrong += [text for text in asked if engine.answer(text, Conversation()).ref != entry.ref]
    found = self_test(engine, jobs=1)
    assert len(wrong) >= 3  # the journalist, international law, the office of both
    assert [re.search(r'"(.*?)" should find', p.message).group(1) for p in found] == wrong  # type: ignore[union-attr]
    assert all(p.severity == "error" and p.kind == "self-test" for p in found)
