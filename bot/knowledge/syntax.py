"""YAML syntax errors worded for moderators: a tab named as a tab, a colon in a text, the line
whose indentation is wrong, a quote or bracket never closed - each at the line to fix."""

from __future__ import annotations

import re

import yaml

from bot.models import Location, Problem

_KEY = re.compile(r"^(\s*)(-\s+)?([\w-]+):(\s|$)")
_VALUE_WITH_COLON = re.compile(r"^\s*(-\s+)?[\w-]+:\s+[^\s\"'>|\[{#][^#]*:\s")


def tab_problems(text: str, display: str) -> list[Problem]:
    """A problem for every line indented with a tab (YAML allows only spaces there)."""
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        indent = line[: len(line) - len(line.lstrip(" \t-"))]
        if "\t" in indent:
            problems.append(
                Problem(
                    Location(display, number),
                    "a tab is used for indenting - indent with spaces only, two per level"
                    " (let the editor turn the Tab key into spaces)",
                )
            )
    return problems


def syntax_problem(text: str, display: str, error: yaml.MarkedYAMLError) -> Problem:
    """The parser's error as "what is wrong - how to fix it" at the line of the mistake."""
    lines = text.splitlines()
    problem = error.problem or ""
    context = error.context or ""
    line = error.problem_mark.line + 1 if error.problem_mark else 1
    opened = error.context_mark.line + 1 if error.context_mark else line

    def at(number: int, message: str) -> Problem:
        return Problem(Location(display, max(1, number)), message)

    if "quoted scalar" in context:
        return at(opened, "a quote opened on this line is never closed - add the closing quote")
    if "flow sequence" in context or "flow mapping" in context:
        bracket = "[" if "sequence" in context else "{"
        return at(
            opened,
            f'the "{bracket}" on this line is not closed, or an item in it holds a comma or a'
            ' colon - close it, or write one "- item" per line',
        )
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    if "mapping values are not allowed" in problem:
        above = _line_above(lines, line)
        if _VALUE_WITH_COLON.match(source) and _indent(source) <= _indent(above or source):
            key = _KEY.match(source)
            name = key.group(3) if key else "the field"
            return at(
                line,
                f'the text of "{name}" holds a colon followed by a space - put the text in'
                ' quotes ("...") or write it as a block (>-) on the lines below',
            )
        return at(
            line,
            "this line is indented more than the field above it, whose text is already"
            " complete - indent it like the fields of its entry (two spaces per level)",
        )
    if any(word in problem for word in ("expected key", "indicator", "block end")):
        return at(
            line,
            "this line is indented differently from the lines of its entry - give it as many"
            " spaces as the fields beside it (two per level)",
        )
    what = problem or context or "the file is not valid YAML"
    return at(line, f"YAML syntax error: {what} - check indentation, colons and quotes")


def _indent(line: str) -> int:
    """The column where a line's key begins ("  - term: A" -> 4)."""
    match = re.match(r"^[ ]*(-[ ]+)*", line)
    return match.end() if match else 0


def _line_above(lines: list[str], number: int) -> str | None:
    """The nearest line above that holds something other than a comment."""
    for candidate in reversed(lines[: number - 1]):
        if candidate.strip() and not candidate.lstrip().startswith("#"):
            return candidate
    return None
