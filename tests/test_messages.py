"""How check words a moderator's mistake (issue 13): a tab is a tab, a colon in a text needs
quotes, the line is the one to fix, and "did you mean" knows every name and alias."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.base import KnowledgeError
from bot.knowledge.load import load_knowledge

ARTICLE = "articles/putin-kim-treffen.yaml"


def problems(root: Path) -> list[str]:
    try:
        return [str(p) for p in load_knowledge(root).warnings]
    except KnowledgeError as exc:
        return [str(p) for p in exc.problems]


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # Was: "found character that cannot start any token" (or a tab "that violates
        # indentation"), with no word of what to do.
        (
            "\nauthors:",
            "\n\tauthors:",
            f"knowledge/{ARTICLE}:6: a tab is used for indenting - indent with spaces only",
        ),
        # Was: "mapping values are not allowed in this context".
        (
            "title: Schickt Nordkorea jetzt Waffen nach Russland?",
            "title: Nordkorea: Schickt es jetzt Waffen nach Russland?",
            f'knowledge/{ARTICLE}:3: the text of "title" holds a colon followed by a space'
            " - put the text in quotes",
        ),
        (
            "\nsummary: >-",
            "\n summary: >-",
            f"knowledge/{ARTICLE}:7: this line is indented differently",
        ),
        (
            "url: https://www.dasding",
            "  url: https://www.dasding",
            f"knowledge/{ARTICLE}:5: this line is indented more than the field above it",
        ),
        (
            "title: Schickt",
            'title: "Schickt',
            f"knowledge/{ARTICLE}:3: a quote opened on this line is never closed",
        ),
    ],
)
def test_a_syntax_error_says_what_to_do_at_the_line_to_fix(
    kb_copy: Path, old: str, new: str, expected: str
) -> None:
    edit(kb_copy, ARTICLE, old, new)
    found = problems(kb_copy)
    assert len(found) == 1 and found[0].startswith(expected), found


@pytest.mark.parametrize(
    ("field", "wrong", "expected"),
    [
        # Was: did you mean "Nordkorea"?
        ("terms", "esa", 'did you mean the glossary term "ESA"?'),
        # Was: did you mean "AP"? - ESA is a glossary term.
        ("sources", "ESA", '"ESA" is a glossary term, not a source - list it under "terms"'),
        # Was: did you mean "Reuters"? - it is dpa's full name.
        (
            "sources",
            "Deutsche Presse-Agentur",
            'did you mean the source "dpa"? ("Deutsche Presse-Agentur" is another name of it)',
        ),
        ("terms", "dpa", '"dpa" is a source, not a glossary term - list it under "sources"'),
        ("terms", "Sanktionn", 'did you mean the glossary term "Sanktionen"?'),
        ("terms", "Quantenschaum", "add the glossary term first, or remove the reference"),
    ],
)
def test_did_you_mean_searches_names_and_aliases_of_both_kinds(
    kb_copy: Path, field: str, wrong: str, expected: str
) -> None:
    old = "  - Sanktionen\n" if field == "terms" else "sources: [dpa,"
    new = f"  - {wrong}\n" if field == "terms" else f"sources: [{wrong}, dpa,"
    edit(kb_copy, ARTICLE, old, new)
    what = "term" if field == "terms" else "source"
    found = [p for p in problems(kb_copy) if f'unknown {what} "{wrong}"' in p]
    assert len(found) == 1 and found[0].endswith(expected), found


def test_yes_no_on_off_are_text_as_in_the_editor_and_true_is_not(kb_copy: Path) -> None:
    """YAML 1.1 read the keyword `no` as a boolean, the editor (YAML 1.2) as text."""
    edit(kb_copy, ARTICLE, "  - Treffen\n", "  - no\n  - on\n  - Treffen\n")
    kb = load_knowledge(kb_copy)
    assert kb.articles[0].keywords[:2] == ("no", "on")
    edit(kb_copy, ARTICLE, "  - no\n", "  - true\n")
    assert any('"keywords" must be text' in p for p in problems(kb_copy))
