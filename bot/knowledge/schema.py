"""The knowledge file formats: one pydantic model per file kind.

These models are the single definition of what moderators may write. The validator checks
files against them, and the JSON Schemas under knowledge/schema/ that editors use are
generated from them (bot/knowledge/editor.py), so the two cannot drift apart. bot.yaml's
models are in botfile.py, the field types they all share in fields.py. The field
descriptions are German: editors show them to moderators while they type.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from bot.knowledge.botfile import BotFile
from bot.knowledge.fields import Day, Name, Slug, Strict, Text, Url


class ImageFile(Strict):
    """The photo an article opens with."""

    caption: Text = Field(description="Was auf dem Bild zu sehen ist, in eigenen Worten, ein Satz.")
    credit: Name | None = Field(
        None, description="Wer das Foto gemacht hat, z. B. eine Agentur (freiwillig)."
    )
    url: Url | None = Field(
        None,
        description="Die Adresse der Bilddatei, mit https://. Ohne sie zeigt der Bot kein Bild.",
    )


class ArticleFile(Strict):
    """knowledge/articles/<id>.yaml: one news article for young readers."""

    # `date` is required, except in a draft (the editor's schema says the same).
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "if": {"properties": {"draft": {"const": True}}, "required": ["draft"]},
            "else": {"required": ["date"]},
        },
    )

    id: Slug = Field(
        description="Kleinbuchstaben, Ziffern und Bindestriche; gleich dem Dateinamen ohne .yaml."
    )
    title: Name = Field(description="Die Überschrift des Artikels.")
    date: Day | None = Field(
        None,
        description="„Stand“ des Artikels, JJJJ-MM-TT, höchstens heute (nicht fürs Abo)."
        " Pflicht, nur ein Entwurf (draft: true) darf noch ohne sein.",
    )
    url: Url = Field(
        description="Die Adresse des Original-Artikels (Knopf „Zum Artikel“), mit https://."
    )
    authors: list[Name] = Field(default_factory=list, description="Autorinnen und Autoren.")
    summary: Text = Field(
        description="Die kurze Antwort: höchstens 60 Wörter, 2 bis 4 kurze Sätze."
    )
    details: Text = Field(
        description="Die längere Erklärung hinter „Mehr erfahren“: 80 bis 200 Wörter."
    )
    points: list[Text] = Field(
        default_factory=list, description="Wichtige Fakten, je ein kurzer Satz."
    )
    questions: list[Text] = Field(
        default_factory=list, description="5 bis 10 Fragen, so wie Kinder sie tippen."
    )
    keywords: list[Name] = Field(
        default_factory=list, description="Namen und Wörter, die Leser für das Thema benutzen."
    )
    terms: list[Name] = Field(
        default_factory=list,
        description="Glossar-Begriffe, die der Text benutzt: ihr Name im Glossar (`term`).",
    )
    sources: list[Name] = Field(
        default_factory=list, description="Quellen des Artikels: ihr Name in sources.yaml (`name`)."
    )
    expires: Day | None = Field(
        None,
        description="Ab diesem Tag (JJJJ-MM-TT) keine Neuigkeit mehr (freiwillig).",
    )
    image: ImageFile | None = Field(None, description="Das Foto zum Artikel: caption, url, credit.")
    draft: bool = Field(
        False,
        description="true: ein Entwurf (newsbot draft), Leser sehen ihn nicht.",
    )


class TermFile(Strict):
    """One glossary entry."""

    term: Name = Field(description="Der Name des Begriffs; auf ihn verweisen `terms` und `see`.")
    aliases: list[Name] = Field(
        default_factory=list,
        description="Andere Schreibweisen, die Leser tippen; nie ein anderes Ding.",
    )
    questions: list[Text] = Field(
        default_factory=list, description="Beispiel-Fragen, deren Antwort dieser Eintrag ist."
    )
    short: Text = Field(description="1 bis 3 kurze Sätze: die erste Antwort.")
    more: Text | None = Field(
        None, description="Mehr Erklärung hinter „Mehr erfahren“: 2 bis 6 kurze Sätze (freiwillig)."
    )
    link: Url = Field(
        description="Ein guter Link zum Weiterlesen, wenn möglich eine Seite für Kinder."
    )
    see: list[Name] = Field(
        default_factory=list, description="1 bis 3 verwandte Glossar-Begriffe (ihr `term`)."
    )
    related: list[Name] = Field(
        default_factory=list,
        description="Wörter, die zu diesem Eintrag führen sollen, ohne sein Name zu sein (ein Ding"
        " ohne eigenen Eintrag); die Antwort sagt das ehrlich.",
    )
    date: Day | None = Field(
        None,
        description="Für Fakten, die veralten: der Tag, für den sie stimmen („Stand“), JJJJ-MM-TT.",
    )


class GlossaryFile(Strict):
    """knowledge/glossary.yaml or knowledge/glossary/*.yaml."""

    terms: list[TermFile] = Field(description="Die Einträge des Glossars.")


class SourceFile(Strict):
    """One news source."""

    name: Name = Field(
        description="Der kurze Name, z. B. dpa. Auf ihn verweisen Artikel (`sources`)."
    )
    full_name: Name = Field(description="Der volle Name, z. B. Deutsche Presse-Agentur.")
    aliases: list[Name] = Field(
        default_factory=list, description="Andere Namen und Schreibweisen, die Leser tippen."
    )
    kind: Name = Field(
        description="Was die Quelle ist: Nachrichtenagentur, Sender oder Soziales Netzwerk."
    )
    questions: list[Text] = Field(
        default_factory=list, description="Beispiel-Fragen, deren Antwort dieser Eintrag ist."
    )
    short: Text = Field(description="1 bis 3 kurze Sätze: die erste Antwort.")
    more: Text | None = Field(
        None, description="Mehr Erklärung hinter „Mehr erfahren“: 2 bis 6 kurze Sätze (freiwillig)."
    )
    link: Url = Field(description="Ein guter Link zum Weiterlesen.")


class SourcesFile(Strict):
    """knowledge/sources.yaml."""

    sources: list[SourceFile] = Field(description="Die Quellen.")


class SynonymsFile(Strict):
    """knowledge/synonyms.yaml: words that mean the same in a question."""

    synonyms: list[Annotated[list[Name], Field(min_length=2)]] = Field(
        default_factory=list,
        description="Gruppen von Wörtern; jedes Wort einer Gruppe liest der Bot wie das erste.",
    )


FILE_MODELS: dict[str, type[BaseModel]] = {
    "article": ArticleFile,
    "glossary": GlossaryFile,
    "sources": SourcesFile,
    "bot": BotFile,
    "synonyms": SynonymsFile,
}
