"""The editors' JSON Schemas come from the validator's models and must stay in step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.knowledge.schema import json_schemas

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"


def test_committed_schemas_are_up_to_date() -> None:
    for name, text in json_schemas().items():
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
