"""The knowledge file formats: one pydantic model per file kind.

These models are the single definition of what moderators may write (bot.yaml's are in
botfile.py, the field types they share in fields.py). The validator checks
files against them, and the JSON Schemas under knowledge/schema/ that editors use are
generated from them, so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field

from bot.knowledge.botfile import BotFile
from bot.knowledge.fields import Name, Slug, Strict, Text, Url


class ImageFile(Strict):
    """The photo an article opens with."""

    caption: Text = Field(description="What the picture shows, in one sentence.")
    credit: Name | None = Field(None, description="Who took the photo, e.g. an agency.")
    url: Url | None = Field(None, description="The web address of the image file.")


class ArticleFile(Strict):
    """knowledge/articles/<id>.yaml: one news article for young readers."""

    id: Slug = Field(description="Lowercase letters, digits and hyphens; equals the file name.")
    title: Name = Field(description="The headline.")
    date: dt.date = Field(description='The "Stand" of the article, as YYYY-MM-DD.')
    url: Url = Field(description="The web address of the full article.")
    authors: list[Name] = Field(default_factory=list, description="Who wrote it.")
    summary: Text = Field(description="The short, simple answer: at most 60 words.")
    details: Text = Field(description='The longer explanation behind "Mehr erfahren".')
    points: list[Text] = Field(default_factory=list, description="Key facts, one sentence each.")
    questions: list[Text] = Field(
        default_factory=list, description="Questions readers ask that this article answers."
    )
    keywords: list[Name] = Field(
        default_factory=list, description="Words and names readers use for this topic."
    )
    terms: list[Name] = Field(
        default_factory=list, description="Glossary terms the article uses (their names)."
    )
    sources: list[Name] = Field(
        default_factory=list, description="Sources the article relies on (their names)."
    )
    expires: dt.date | None = Field(
        None, description="After this date the article is no longer news (YYYY-MM-DD)."
    )
    image: ImageFile | None = Field(None, description="The photo the article opens with.")


class TermFile(Strict):
    """One glossary entry."""

    term: Name = Field(description="The name of the term, as it is written.")
    aliases: list[Name] = Field(
        default_factory=list, description="Other words and spellings readers type for it."
    )
    questions: list[Text] = Field(
        default_factory=list, description="Questions readers ask that this entry answers."
    )
    short: Text = Field(description="One to three short sentences: the first answer.")
    more: Text | None = Field(None, description='More explanation behind "Mehr erfahren".')
    link: Url = Field(description="One good page to read more, for young readers.")
    see: list[Name] = Field(default_factory=list, description="Related glossary terms.")
    related: list[Name] = Field(
        default_factory=list,
        description="Words that should lead a reader here without being this entry's name"
        " (a thing that has no entry of its own yet); the reply says so honestly.",
    )
    date: dt.date | None = Field(
        None, description='For facts that age: the date they are true for ("Stand").'
    )


class GlossaryFile(Strict):
    """knowledge/glossary.yaml or knowledge/glossary/*.yaml."""

    terms: list[TermFile] = Field(description="The glossary entries.")


class SourceFile(Strict):
    """One news source."""

    name: Name = Field(description="The short name, e.g. dpa.")
    full_name: Name = Field(description="The full name, e.g. Deutsche Presse-Agentur.")
    aliases: list[Name] = Field(
        default_factory=list, description="Other names and spellings readers type."
    )
    kind: Name = Field(description="Nachrichtenagentur, Sender, Soziales Netzwerk, ...")
    questions: list[Text] = Field(
        default_factory=list, description="Questions readers ask that this entry answers."
    )
    short: Text = Field(description="One to three short sentences: the first answer.")
    more: Text | None = Field(None, description='More explanation behind "Mehr erfahren".')
    link: Url = Field(description="One good page to read more.")


class SourcesFile(Strict):
    """knowledge/sources.yaml."""

    sources: list[SourceFile] = Field(description="The news sources.")


class SynonymsFile(Strict):
    """knowledge/synonyms.yaml: words that mean the same in a question."""

    synonyms: list[Annotated[list[Name], Field(min_length=2)]] = Field(
        default_factory=list,
        description="Groups of words; every word of a group is read like the first one.",
    )


FILE_MODELS: dict[str, type[BaseModel]] = {
    "article": ArticleFile,
    "glossary": GlossaryFile,
    "sources": SourcesFile,
    "bot": BotFile,
    "synonyms": SynonymsFile,
}


def json_schemas() -> dict[str, str]:
    """The JSON Schema of each knowledge file kind, as the text of its .schema.json file."""
    result = {}
    for kind, model in FILE_MODELS.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$comment"] = "Generated from bot/schema.py by `newsbot schema`; do not edit."
        result[f"{kind}.schema.json"] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return result


def write_json_schemas(directory: Path) -> list[Path]:
    """Write every knowledge file's JSON Schema into directory; return the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in json_schemas().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
