"""LineFinder finds the line of a fragment as yamlfile.find_line does, in one pass per file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.knowledge.lines import LineFinder
from bot.knowledge.yamlfile import find_line

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"

TEXT = (
    "terms:\n- term: Wahl\n  short: >-\n    Bei einer Wahl\n    stimmen alle ab. Die Wahl-Urne\r\n"
    "  more: 'Die Wahl\\n ist ''geheim''.'\u2028next\x0cpage\n  aa aab: aaab\n"
)


@pytest.mark.parametrize(
    ("start", "fragment"),
    [
        (1, "Bei einer Wahl stimmen alle ab."),
        (3, "stimmen alle"),
        (5, "Wahl-Urne"),
        (6, "Die Wahl ist geheim"),
        (1, "next page"),
        (1, "aab"),
        (1, "aa aab"),
        (6, "Wahl"),  # only before start: start
        (99, "Wahl"),  # past the end
        (0, "term"),
        (-3, "term"),
        (1, "..."),  # no words: start
        (2, "nirgends"),
        (1, "ab. Die Wahl Urne und mehr"),  # the first four words only
    ],
)
def test_it_finds_what_find_line_finds(start: int, fragment: str) -> None:
    assert LineFinder(TEXT).find(start, fragment) == find_line(TEXT, start, fragment)


def test_an_empty_text_gives_the_start() -> None:
    assert LineFinder("").find(4, "Wahl") == find_line("", 4, "Wahl") == 4


def test_every_sentence_and_word_of_the_shipped_knowledge_is_found_on_the_same_line() -> None:
    for path in sorted(KNOWLEDGE.rglob("*.yaml")):
        text = path.read_text("utf-8")
        lines = LineFinder(text)
        fragments = re.findall(r"[^.!?\n]+", text)[:300] + re.findall(r"\w+", text)[:300]
        for start in (1, 5, 40):
            for fragment in fragments:
                assert lines.find(start, fragment) == find_line(text, start, fragment), (
                    path,
                    start,
                    fragment,
                )
