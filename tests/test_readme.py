"""The README and docs/ stay true: every path they name in bot/, tests/, benchmarks/, docs/ or
knowledge/ exists, and so does every module they name by its file name alone.
(knowledge/README.md has its own test in test_knowledge.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers.knowledge import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FOLDERS = ("bot", "tests", "benchmarks", "docs", "knowledge")
PATH = re.compile(rf"(?<![\w/.<])((?:{'|'.join(FOLDERS)})/[\w./*-]*)")
MODULE = re.compile(r"`([\w-]+\.py)`")


def named_paths(text: str) -> set[str]:
    """Paths under the project's folders a page names, in prose, tables or code blocks."""
    return {match.rstrip(".,:;") for match in PATH.findall(text)}


def named_modules(text: str) -> set[str]:
    """Python files a page names by their file name alone, in backticks."""
    return set(MODULE.findall(text))


def test_the_path_finder_sees_paths_in_prose_tables_and_pictures() -> None:
    text = (
        "see `bot/telegram/app.py`, | `tests/helpers/` |\n  --bot/search/ (Matcher)--> Match,"
        " knowledge/*.yaml. Not ../shared/bot/x or t.me/<bot>?start=x; `normalize.py`."
    )
    assert named_paths(text) == {
        "bot/telegram/app.py",
        "tests/helpers/",
        "bot/search/",
        "knowledge/*.yaml",
    }
    assert named_modules(text) == {"normalize.py"}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_path_a_page_names_exists(page: Path) -> None:
    paths = named_paths(page.read_text(encoding="utf-8"))
    missing = [path for path in sorted(paths) if not any(ROOT.glob(path.rstrip("/")))]
    assert missing == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_a_page_names_by_file_name_exists(page: Path) -> None:
    modules = named_modules(page.read_text(encoding="utf-8"))
    missing = [
        name
        for name in sorted(modules)
        if not any(any((ROOT / folder).rglob(name)) for folder in ("bot", "tests", "benchmarks"))
    ]
    assert missing == []


def test_the_readme_names_paths_in_bot_and_tests() -> None:
    paths = named_paths((ROOT / "README.md").read_text(encoding="utf-8"))
    assert any(p.startswith("bot/") for p in paths) and any(p.startswith("tests/") for p in paths)
