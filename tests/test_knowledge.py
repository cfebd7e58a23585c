"""Loading and validation: every moderator mistake is reported as file:line - what - fix."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.knowledge.base import KnowledgeError
from bot.knowledge.load import load_knowledge
from bot.models import Problem

GLOSSARY_OK = """\
terms:
  - term: Sanktionen
    aliases: [Sanktion]
    short: Sanktionen sind Strafen für ein Land.
    link: https://example.org/sanktionen
  - term: Völkerrecht
    short: Das Völkerrecht sind Regeln für Länder.
    link: https://example.org/voelkerrecht
    see: [Sanktionen]
"""


def problems_for(root: Path) -> list[Problem]:
    try:
        kb = load_knowledge(root)
    except KnowledgeError as exc:
        return exc.problems
    return list(kb.warnings)


def lines(root: Path) -> list[str]:
    return [str(p) for p in problems_for(root)]


def write(root: Path, name: str, text: str) -> None:
    (root / name).write_text(text, encoding="utf-8")


def test_the_shipped_knowledge_loads_without_problems(kb_copy: Path) -> None:
    assert lines(kb_copy) == []


def test_a_valid_small_glossary_loads(kb_copy: Path) -> None:
    write(kb_copy, "glossary.yaml", GLOSSARY_OK)
    shutil.rmtree(kb_copy / "glossary")
    (kb_copy / "articles" / "putin-kim-treffen.yaml").unlink()
    kb = load_knowledge(kb_copy)
    assert [t.name for t in kb.terms] == ["Sanktionen", "Völkerrecht"]


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (
            GLOSSARY_OK.replace("    short: Sanktionen", "    shrot: Sanktionen"),
            [
                'glossary.yaml:2: term "Sanktionen" has no "short" - add a one-to-three sentence',
                'glossary.yaml:4: term "Sanktionen" has an unknown field "shrot"'
                ' - did you mean "short"?',
            ],
        ),
        (
            GLOSSARY_OK.replace("aliases: [Sanktion]", "aliases: [Sanktion]\n    aliases: [x]"),
            ['glossary.yaml:4: the key "aliases" appears twice (first on line 3)'],
        ),
        (
            GLOSSARY_OK.replace("short: Das Völkerrecht sind Regeln für Länder.", 'short: ""'),
            ['glossary.yaml:7: term "Völkerrecht": "short" is empty'],
        ),
        (
            GLOSSARY_OK.replace("link: https://example.org/voelkerrecht", "link: example org"),
            ['glossary.yaml:8: term "Völkerrecht": "link" is not a web address'],
        ),
        (
            GLOSSARY_OK.replace("see: [Sanktionen]", "see: [Sanktionn]"),
            [
                'glossary.yaml:9: term "Völkerrecht" refers to the unknown term "Sanktionn"'
                ' - did you mean the glossary term "Sanktionen"?'
            ],
        ),
        (
            GLOSSARY_OK.replace("see: [Sanktionen]", "see: [Sanktionen]\n    date: 13.09.2023"),
            ['glossary.yaml:10: term "Völkerrecht": "date" is not a valid date'],
        ),
        (
            GLOSSARY_OK.replace("see: [Sanktionen]", "aliases: [sanktion]"),
            ['glossary.yaml:9: "sanktion" is already used by term "Sanktionen"'],
        ),
        (
            GLOSSARY_OK.replace("term: Völkerrecht", "term: Sanktionen"),
            ['glossary.yaml:6: term "Sanktionen" has the same id as the entry at'],
        ),
        (
            GLOSSARY_OK.replace("aliases: [Sanktion]", "aliases: Sanktion"),
            ['glossary.yaml:3: term "Sanktionen": "aliases" must be a list'],
        ),
        (
            GLOSSARY_OK.replace("short: Sanktionen sind", "short: [Sanktionen sind"),
            # The line where the bracket opens (the parser's own message named the next one).
            ['glossary.yaml:4: the "[" on this line is not closed'],
        ),
        (
            GLOSSARY_OK.replace(
                "aliases: [Sanktion]", "aliases: !!python/object/apply:os.system [ls]"
            ),
            [
                "glossary.yaml:3: the tag 'tag:yaml.org,2002:python/object/apply:os.system'"
                " is not allowed"
            ],
        ),
    ],
)
def test_each_mistake_is_reported_with_file_and_line(
    kb_copy: Path, broken: str, expected: list[str]
) -> None:
    write(kb_copy, "glossary.yaml", broken)
    (kb_copy / "articles" / "putin-kim-treffen.yaml").unlink()
    found = lines(kb_copy)
    for want in expected:
        assert any(line.startswith(f"knowledge/{want}") for line in found), (want, found)
    assert all(" - " in line for line in found), found


def test_all_problems_are_reported_at_once(kb_copy: Path) -> None:
    write(kb_copy, "glossary.yaml", GLOSSARY_OK.replace("link: https://example.org/v", "link: v"))
    write(kb_copy, "sources.yaml", "sources:\n  - name: dpa\n")
    found = lines(kb_copy)
    assert any(line.startswith("knowledge/glossary.yaml:8:") for line in found)
    assert any(line.startswith("knowledge/sources.yaml:2:") for line in found)


def test_an_article_refers_only_to_known_terms_and_sources(kb_copy: Path) -> None:
    path = kb_copy / "articles" / "putin-kim-treffen.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("sources:", "sources:\n  - Bild-Zeitung\n  - dpa-x\nold_sources:", 1)
    path.write_text(text, encoding="utf-8")
    found = "\n".join(lines(kb_copy))
    assert 'refers to the unknown source "Bild-Zeitung"' in found
    assert 'has an unknown field "old_sources"' in found


def test_an_article_id_must_match_its_file_name(kb_copy: Path) -> None:
    source = kb_copy / "articles" / "putin-kim-treffen.yaml"
    source.rename(kb_copy / "articles" / "anders.yaml")
    assert any("differs from the file name" in line for line in lines(kb_copy))


def test_a_long_summary_and_missing_questions_are_warnings(kb_copy: Path) -> None:
    path = kb_copy / "articles" / "putin-kim-treffen.yaml"
    text = path.read_text(encoding="utf-8")
    long = "summary: " + " ".join(["Wort"] * 70) + "\nold_summary:"
    text = text.replace("summary:", long, 1)
    path.write_text(text, encoding="utf-8")
    found = lines(kb_copy)
    assert any("old_summary" in line for line in found)


def test_non_utf8_binary_and_huge_files_are_refused(kb_copy: Path) -> None:
    (kb_copy / "glossary.yaml").write_bytes(GLOSSARY_OK.encode("latin-1"))
    (kb_copy / "sources.yaml").write_bytes(b"\x00\x01\x02binary")
    big = kb_copy / "articles" / "gross.yaml"
    big.write_text("id: gross\n" + "# filler\n" * 200_000, encoding="utf-8")
    found = "\n".join(lines(kb_copy))
    assert "knowledge/glossary.yaml:4: the file is not UTF-8 text" in found
    assert "knowledge/sources.yaml:1: the file is binary" in found
    assert "knowledge/articles/gross.yaml:1: the file is" in found


def test_an_alias_bomb_is_refused_quickly(kb_copy: Path) -> None:
    bomb = ["terms:", '  - term: &a0 "lol"']
    for i in range(1, 12):
        bomb.append(f"    x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    write(kb_copy, "glossary.yaml", "\n".join(bomb) + "\n")
    found = "\n".join(lines(kb_copy))
    assert "anchors and aliases" in found


def test_deep_nesting_is_refused(kb_copy: Path) -> None:
    write(kb_copy, "glossary.yaml", "terms: " + "[" * 5000 + "]" * 5000 + "\n")
    assert any("nested too deeply" in line for line in lines(kb_copy))


def test_a_link_out_of_the_knowledge_folder_is_refused(kb_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text(GLOSSARY_OK, encoding="utf-8")
    (kb_copy / "glossary.yaml").unlink()
    (kb_copy / "glossary.yaml").symlink_to(outside)
    assert any("link to outside" in line for line in lines(kb_copy))


@pytest.mark.parametrize(
    ("links", "problem"),
    [
        ({"articles/loop.yaml": "loop.yaml"}, "articles/loop.yaml:1: the file is a link in"),
        ({"articles/a.yaml": "b.yaml", "articles/b.yaml": "a.yaml"}, "articles/a.yaml:1: the file"),
        ({"glossary": "glossary"}, None),  # a folder that is a link to itself: nothing in it
    ],
)
def test_links_in_a_circle_are_problems_not_crashes(
    kb_copy: Path, links: dict[str, str], problem: str | None
) -> None:
    for name, target in links.items():
        if (kb_copy / name).is_dir():
            shutil.rmtree(kb_copy / name)
        (kb_copy / name).symlink_to(target)
    found = lines(kb_copy)  # raised RuntimeError("Symlink loop") before
    if problem is not None:
        assert any(line.startswith(f"knowledge/{problem}") for line in found), found


@pytest.mark.parametrize("command", ["check", "run"])
def test_a_link_in_a_circle_stops_check_and_run_with_file_and_line(
    kb_copy: Path, command: str
) -> None:
    (kb_copy / "articles" / "loop.yaml").symlink_to("loop.yaml")
    env = {"PATH": "", "TELEGRAM_BOT_TOKEN": "123:not-used-the-knowledge-fails-first"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", command, "--kb", str(kb_copy)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=kb_copy,
        timeout=60,
    )
    assert done.returncode == 1
    output = done.stdout + done.stderr
    assert "Traceback" not in output
    assert "knowledge/articles/loop.yaml:1: the file is a link in a circle" in output


def test_a_folder_linked_to_outside_is_not_read(kb_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.yaml").write_text(GLOSSARY_OK, encoding="utf-8")
    shutil.rmtree(kb_copy / "glossary")
    (kb_copy / "glossary").symlink_to(outside)
    assert "knowledge/glossary/secret.yaml:1: the file is a link to outside" in "\n".join(
        lines(kb_copy)
    )


def test_check_exit_codes(kb_copy: Path) -> None:
    def check(*args: str) -> int:
        return subprocess.run(
            [sys.executable, "-m", "bot", "check", "--kb", str(kb_copy), *args],
            capture_output=True,
            check=False,
        ).returncode

    assert check() == 0
    assert check("--strict") == 0
    path = kb_copy / "articles" / "putin-kim-treffen.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("questions:", "unused_questions:", 1), encoding="utf-8")
    assert check() == 1


def test_every_path_the_moderators_guide_names_exists() -> None:
    """knowledge/README.md names folders and files (bot/knowledge/readability.py, glossary/...):
    bot/ is being moved about, and a guide that points nowhere sends a moderator nowhere."""
    knowledge = Path(__file__).resolve().parent.parent / "knowledge"
    guide = (knowledge / "README.md").read_text(encoding="utf-8")
    paths = {
        token
        for token in re.findall(r"`([^`\s]+)`", guide)
        if "/" in token and re.fullmatch(r"[\w.-]+(/[\w.*-]+)*/?", token)
    }
    assert paths, "the guide names no paths any more - is this test still looking right?"
    missing = [
        path
        for path in sorted(paths)
        if not any(any(base.glob(path.rstrip("/"))) for base in (knowledge, knowledge.parent))
    ]
    assert missing == []
