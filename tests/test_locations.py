"""Where each value of the knowledge stands, packed (issue 16): the same file:line as the
objects it replaced, and the parse trees of the files dropped once their entries are built."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.knowledge import KNOWLEDGE

from bot.knowledge.load import load_knowledge
from bot.knowledge.locations import Locations
from bot.knowledge.yamlfile import read_yaml
from bot.models import Location

NOWHERE = Location("nowhere", 0)


def test_each_value_is_found_at_its_file_and_line() -> None:
    locations = Locations()
    locations.add("t:a", "glossary.yaml", {"aliases": [3, 4], "questions": [6]})
    locations.add("s:b", "sources.yaml", {"questions": [10, 12, 2**31]})
    assert locations.get(("t:a", "aliases", 1), NOWHERE) == Location("glossary.yaml", 4)
    assert locations.get(("t:a", "questions", 0), NOWHERE) == Location("glossary.yaml", 6)
    assert locations.get(("s:b", "questions", 2), NOWHERE) == Location("sources.yaml", 2**31)
    assert len(locations) == 2


@pytest.mark.parametrize(
    "key",
    [("t:a", "aliases", 2), ("t:a", "aliases", -1), ("t:a", "more", 0), ("t:x", "aliases", 0)],
)
def test_what_was_not_recorded_is_the_default(key: tuple[str, str, int]) -> None:
    locations = Locations()
    locations.add("t:a", "glossary.yaml", {"aliases": [3, 4], "questions": []})
    assert locations.get(key, NOWHERE) is NOWHERE


def test_recording_an_entry_again_replaces_it() -> None:
    locations = Locations()
    locations.add("t:a", "one.yaml", {"aliases": [3]})
    locations.add("t:a", "two.yaml", {"aliases": [7]})
    assert locations.get(("t:a", "aliases", 0), NOWHERE) == Location("two.yaml", 7)


def test_the_shipped_questions_stand_at_their_lines() -> None:
    kb = load_knowledge(KNOWLEDGE)
    checked = 0
    for term in kb.terms:
        for i, question in enumerate(term.questions):
            where = kb.locations.get((term.ref, "questions", i), NOWHERE)
            path = KNOWLEDGE.parent / where.path
            line = path.read_text(encoding="utf-8").splitlines()[where.line - 1]
            assert question.split()[0] in line, (where, question)
            checked += 1
    assert checked > 100


def test_a_released_file_refuses_to_guess_a_line(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text("terms:\n  - term: A\n", encoding="utf-8")
    doc = read_yaml(path, "glossary.yaml")
    assert doc.where(("terms", 0, "term")).line == 2
    doc.problem_at(2, "something - fix it")
    doc.release()
    assert doc.data is None and doc.lines == {} and doc.text == ""
    assert [str(p) for p in doc.problems] == ["glossary.yaml:2: something - fix it"]
    with pytest.raises(RuntimeError):
        doc.where(("terms", 0))
