"""The editors' JSON Schemas come from the validator's models and must stay in step."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker

from bot.knowledge.base import KnowledgeError, known_names
from bot.knowledge.editor import json_schemas
from bot.knowledge.load import load_knowledge

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"


def test_committed_schemas_are_up_to_date() -> None:
    for name, text in json_schemas(known_names(load_knowledge(KNOWLEDGE))).items():
        committed = KNOWLEDGE / "schema" / name
        assert committed.exists(), f"{name} is missing - run `newsbot schema`"
        assert committed.read_text(encoding="utf-8") == text, (
            f"{name} is out of date - run `newsbot schema`"
        )


@pytest.mark.parametrize(
    "path", sorted(p for p in KNOWLEDGE.rglob("*.yaml") if "schema" not in p.parts)
)
def test_every_knowledge_file_names_its_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    target = (path.parent / first.split("=", 1)[1]).resolve()
    assert target.exists(), f"{path} points to a missing schema {target}"
    assert json.loads(target.read_text(encoding="utf-8"))["type"] == "object"


def test_schema_rejects_unknown_fields_like_the_validator() -> None:
    article = json.loads(json_schemas()["article.schema.json"])
    assert article["additionalProperties"] is False
    assert "summary" in article["required"]


# ---- the schema agrees with check (issue 13), checked with a real validator --------------------


class EditorLoader(yaml.SafeLoader):
    """YAML as an editor's language server reads it (YAML 1.2): dates and yes/no are text."""


EditorLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
EditorLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
SCHEMAS = {
    name: json.loads(text)
    for name, text in json_schemas(known_names(load_knowledge(KNOWLEDGE))).items()
}


def editor_errors(text: str, schema: str = "article.schema.json") -> list[str]:
    """What the editor underlines in a file: the messages of a real JSON Schema validator."""
    validator = Draft202012Validator(SCHEMAS[schema], format_checker=FormatChecker())
    data = yaml.load(text, Loader=EditorLoader)
    return [error.message for error in validator.iter_errors(data)]


def check_errors(kb_copy: Path, text: str) -> list[str]:
    (kb_copy / "articles" / "putin-kim-treffen.yaml").write_text(text, encoding="utf-8")
    try:
        kb = load_knowledge(kb_copy)
    except KnowledgeError as exc:
        return [str(p) for p in exc.errors]
    return [str(p) for p in kb.warnings if p.severity == "error"]


SHIPPED = (KNOWLEDGE / "articles" / "putin-kim-treffen.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "path", sorted(p for p in KNOWLEDGE.rglob("*.yaml") if "schema" not in p.parts)
)
def test_every_shipped_file_is_valid_for_the_editor(path: Path) -> None:
    kind = {"articles": "article", "glossary": "glossary"}.get(path.parent.name, path.stem)
    assert editor_errors(path.read_text(encoding="utf-8"), f"{kind}.schema.json") == []


@pytest.mark.parametrize(
    ("day", "valid"),
    [
        ("2023-09-13", True),
        ("2024-02-29", True),
        ("2000-02-29", True),
        ("2023-02-30", False),  # the editor accepted it, check did not
        ("2023-02-29", False),
        ("1900-02-29", False),
        ("2023-13-01", False),
        ("13.09.2023", False),
    ],
)
def test_editor_and_check_agree_on_days_of_the_calendar(
    kb_copy: Path, day: str, valid: bool
) -> None:
    text = SHIPPED.replace("date: 2023-09-13", f"date: {day}")
    assert (editor_errors(text) == []) is valid
    assert (check_errors(kb_copy, text) == []) is valid


@pytest.mark.parametrize(("keyword", "valid"), [("no", True), ("off", True), ("true", False)])
def test_editor_and_check_read_yes_no_on_off_alike(
    kb_copy: Path, keyword: str, valid: bool
) -> None:
    """The keyword `no` was text for the editor and a boolean (an error) for check."""
    text = SHIPPED.replace("  - Treffen\n", f"  - {keyword}\n")
    assert (editor_errors(text) == []) is valid
    assert (check_errors(kb_copy, text) == []) is valid


@pytest.mark.parametrize(
    ("draft", "valid"),
    [("", False), ("draft: true\n", True), ("draft: false\n", False)],
)
def test_editor_and_check_agree_that_only_a_draft_may_lack_its_date(
    kb_copy: Path, draft: str, valid: bool
) -> None:
    """newsbot draft leaves the date out when the raw text has none; a finished article
    needs one, in the editor as in check."""
    text = SHIPPED.replace("date: 2023-09-13\n", draft)
    assert (editor_errors(text) == []) is valid
    assert (check_errors(kb_copy, text) == []) is valid


def test_every_hover_text_is_german() -> None:
    english = re.compile(r"\b(the|of|and|which|what|is|are|with)\b")
    for name, schema in SCHEMAS.items():
        texts = re.findall(r'"description": "([^"]*)"', json.dumps(schema, ensure_ascii=False))
        assert texts, name
        assert [t for t in texts if english.search(t)] == [], name


def test_known_terms_and_sources_are_offered_where_a_field_names_them() -> None:
    article = SCHEMAS["article.schema.json"]["properties"]
    assert "Sanktionen" in article["terms"]["items"]["anyOf"][0]["enum"]
    assert "dpa" in article["sources"]["items"]["anyOf"][0]["enum"]
    see = SCHEMAS["glossary.schema.json"]["$defs"]["TermFile"]["properties"]["see"]
    assert "Völkerrecht" in see["items"]["anyOf"][0]["enum"]


def test_check_warns_when_the_editor_schema_is_out_of_date(kb_copy: Path) -> None:
    from bot.knowledge.checking import run_check

    shutil.copytree(KNOWLEDGE / "schema", kb_copy / "schema")
    assert run_check(kb_copy, selftest=False).warnings == []
    glossary = kb_copy / "glossary.yaml"
    glossary.write_text(
        glossary.read_text(encoding="utf-8")
        + "  - term: Quantenschaum\n    short: Das ist ein Wort.\n    link: https://example.org/q\n",
        encoding="utf-8",
    )
    found = [str(p) for p in run_check(kb_copy, selftest=False).warnings]
    assert found == [
        "knowledge/schema/article.schema.json:1: warning: the editor's schema is out of date"
        " (a new term or source, say) - run `newsbot schema`",
        "knowledge/schema/glossary.schema.json:1: warning: the editor's schema is out of date"
        " (a new term or source, say) - run `newsbot schema`",
    ]


def test_editors_indent_knowledge_files_with_spaces() -> None:
    """One tab gave six editor errors (one a false "Missing property"): the Tab key writes
    spaces in the knowledge files, and check names a tab as a tab (tests/test_messages.py)."""
    root = KNOWLEDGE.parent
    editorconfig = (root / ".editorconfig").read_text(encoding="utf-8")
    assert "[*.{yaml,yml}]\nindent_style = space\nindent_size = 2" in editorconfig
    vscode = json.loads((root / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert vscode["[yaml]"]["editor.insertSpaces"] is True
