"""The JSON Schemas editors use while moderators type, generated from the models of schema.py.

Besides the models' rules they carry German descriptions of every file and group, and the
names of the known terms and sources for completion where a field refers to them. Written by
`newsbot schema`; `newsbot check` warns when the written ones are out of date.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bot.knowledge.schema import FILE_MODELS

DIALECT = "https://json-schema.org/draft/2020-12/schema"

# The models' docstrings are for developers; editors show these instead.
DESCRIPTIONS = {
    "ImageFile": "Das Foto zum Artikel. Ohne `url` zeigt der Bot kein Bild.",
    "ArticleFile": "Ein Artikel für junge Leser: knowledge/articles/<id>.yaml.",
    "TermFile": "Ein Eintrag im Glossar.",
    "GlossaryFile": "Das Glossar: knowledge/glossary.yaml oder knowledge/glossary/*.yaml.",
    "SourceFile": "Eine Quelle: Nachrichtenagentur, Sender oder soziales Netzwerk.",
    "SourcesFile": "Die Quellen: knowledge/sources.yaml.",
    "TextsFile": "Alle Sätze, die der Bot selbst sagt.",
    "ButtonsFile": "Die Beschriftungen der Knöpfe.",
    "CommandsFile": "Was jeder Befehl tut, wie Telegram es im Befehlsmenü zeigt.",
    "IntentFile": "Beispiel-Sätze für eine Absicht.",
    "IntentsFile": "Was Leser außer Fragen zu Einträgen wollen.",
    "SmallTalkFile": "Eine Smalltalk-Gruppe mit den Antworten des Bots.",
    "WorryFile": "Eine Art von Sorge und die tröstenden Antworten des Bots darauf.",
    "WorriesFile": "Wann der Bot tröstet, statt zu antworten.",
    "BotFile": "knowledge/bot.yaml: alles, was der Bot selbst sagt.",
    "SynonymsFile": "knowledge/synonyms.yaml: Wörter, die in Fragen dasselbe bedeuten.",
}


def json_schemas(names: Mapping[str, Sequence[str]] | None = None) -> dict[str, str]:
    """The JSON Schema of each knowledge file kind, as the text of its .schema.json file.

    names: the known "term" and "source" names, offered for completion in `terms`,
    `sources` and `see` (any other text stays allowed there: `check` reports unknown ones).
    """
    names = names or {}
    result = {}
    for kind, model in FILE_MODELS.items():
        schema = model.model_json_schema()
        _describe(schema, model.__name__)
        for definition, data in schema.get("$defs", {}).items():
            _describe(data, definition)
        _complete(schema, kind, names)
        schema["$schema"] = DIALECT
        schema["$comment"] = (
            "Erzeugt von `newsbot schema` aus bot/knowledge/schema.py - nicht von Hand ändern."
        )
        result[f"{kind}.schema.json"] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return result


def _describe(schema: dict[str, Any], name: str) -> None:
    if name in DESCRIPTIONS:
        schema["description"] = DESCRIPTIONS[name]


def _complete(schema: dict[str, Any], kind: str, names: Mapping[str, Sequence[str]]) -> None:
    """Offer the known names where a field refers to them."""
    fields: list[tuple[dict[str, Any], str]] = []
    if kind == "article":
        fields = [(schema, "terms"), (schema, "sources")]
    elif kind == "glossary":
        fields = [(schema["$defs"]["TermFile"], "see")]
    for owner, field_name in fields:
        known = sorted(set(names.get("source" if field_name == "sources" else "term", ())))
        if known:
            items = owner["properties"][field_name]["items"]
            items["anyOf"] = [{"enum": known}, {"type": "string"}]


def write_json_schemas(
    directory: Path, names: Mapping[str, Sequence[str]] | None = None
) -> list[Path]:
    """Write every knowledge file's JSON Schema into directory; return the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in json_schemas(names).items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(directory: Path, names: Mapping[str, Sequence[str]]) -> list[Path]:
    """The schema files in directory that differ from what `newsbot schema` would write."""
    if not directory.is_dir():
        return []
    stale = []
    for name, text in json_schemas(names).items():
        path = directory / name
        try:
            if path.read_text(encoding="utf-8") != text:
                stale.append(path)
        except OSError:
            stale.append(path)
    return stale
