"""The knowledge file formats: one pydantic model per file kind.

These models are the single definition of what moderators may write. The validator checks
files against them, and the JSON Schemas under knowledge/schema/ that editors use are
generated from them (bot/knowledge/editor.py), so the two cannot drift apart. The field
descriptions are German: editors show them to moderators while they type.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema

_URL = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$", re.IGNORECASE)


def _check_url(value: str) -> str:
    if not _URL.match(value):
        raise ValueError("not a web address")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Url = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=500),
    AfterValidator(_check_url),
    WithJsonSchema({"type": "string", "format": "uri", "pattern": "^https?://", "maxLength": 500}),
]
# A day on the calendar as YYYY-MM-DD: the editor (which reads dates as text) refuses
# 2023-02-30 as `check` does.
CALENDAR_DAY = (
    r"^(?:\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)"
    r"|02-(?:0[1-9]|1\d|2[0-8]))"
    r"|(?:\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)$"
)
Day = Annotated[
    dt.date,
    WithJsonSchema({"type": "string", "format": "date", "pattern": CALENDAR_DAY}),
]
Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=40),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ImageFile(_Strict):
    """The photo an article opens with."""

    caption: Text = Field(description="Was auf dem Bild zu sehen ist, in eigenen Worten, ein Satz.")
    credit: Name | None = Field(
        None, description="Wer das Foto gemacht hat, z. B. eine Agentur (freiwillig)."
    )
    url: Url | None = Field(
        None,
        description="Die Adresse der Bilddatei, mit https://. Ohne sie zeigt der Bot kein Bild.",
    )


class ArticleFile(_Strict):
    """knowledge/articles/<id>.yaml: one news article for young readers."""

    id: Slug = Field(
        description="Kleinbuchstaben, Ziffern und Bindestriche; gleich dem Dateinamen ohne .yaml."
    )
    title: Name = Field(description="Die Überschrift des Artikels.")
    date: Day = Field(
        description="„Stand“ des Artikels, JJJJ-MM-TT, höchstens heute (nicht fürs Abo)."
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


class TermFile(_Strict):
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
    date: Day | None = Field(
        None,
        description="Für Fakten, die veralten: der Tag, für den sie stimmen („Stand“), JJJJ-MM-TT.",
    )


class GlossaryFile(_Strict):
    """knowledge/glossary.yaml or knowledge/glossary/*.yaml."""

    terms: list[TermFile] = Field(description="Die Einträge des Glossars.")


class SourceFile(_Strict):
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


class SourcesFile(_Strict):
    """knowledge/sources.yaml."""

    sources: list[SourceFile] = Field(description="Die Quellen.")


class TextsFile(_Strict):
    """Every sentence the bot says on its own."""

    welcome: Text = Field(
        description="/start: was der Bot ist, 2 bis 3 Beispiel-Fragen, eine Zeile zum Datenschutz."
    )
    help: Text = Field(description="/hilfe: was man fragen kann und die Befehle.")
    unknown: Text = Field(description="„Das weiß ich noch nicht“ und ein Tipp.")
    unknown_suggest: Text = Field(description="Nicht sicher: bietet die nächsten Einträge an.")
    did_you_mean: Text = Field(description="Zwei Antworten liegen nah beieinander: „Meinst du …?“")
    comfort: Text = Field(
        description="Für Leser, die sich Sorgen machen; nennt die Nummer gegen Kummer (116 111)."
    )
    news_intro: Text = Field(description="Über der Liste der neuesten Artikel (/news).")
    news_empty: Text = Field(description="Wenn es keine aktuellen Artikel gibt.")
    sources_check: Text = Field(
        description="Der Quellencheck: wie die Redaktion Quellen auswählt und prüft."
    )
    article_sources: Text = Field(
        description="Über den Quellen eines Artikels; muss {title} enthalten."
    )
    privacy: Text = Field(description="/datenschutz: was gespeichert wird, wie lange und warum.")
    not_text: Text = Field(description="Antwort auf Sticker, Fotos und Sprachnachrichten.")
    too_fast: Text = Field(
        description="Wenn jemand sehr viele Nachrichten schnell hintereinander schreibt."
    )
    error: Text = Field(description="Bei uns ist etwas schiefgegangen.")
    no_more: Text = Field(description="Dazu gibt es nichts mehr.")
    no_context: Text = Field(
        description="„Mehr“ oder „Woher?“, ohne dass vorher etwas gezeigt wurde."
    )
    stand: Text = Field(
        description="Die Zeile mit dem Stand unter Fakten, die veralten; muss {date} enthalten."
    )
    glossary_intro: Text = Field(description="Über der Liste der Begriffe von A bis Z (/begriffe).")
    sources_list_intro: Text = Field(description="Über der Liste der Quellen (/quellen).")
    too_long: Text = Field(description="Die Frage war sehr lang.")
    page: Text = Field(description="Unter Listen mit mehreren Seiten; {page} und {pages}.")
    photo_credit: Text = Field(description="Wer das Foto eines Artikels gemacht hat; {credit}.")
    unknown_command: Text = Field(description="Ein /Befehl, den der Bot nicht kennt.")
    digest_intro: Text = Field(description="Über dem täglichen Abo mit den neuen Artikeln.")
    digest_outro: Text = Field(description="Unter dem täglichen Abo: einen Artikel antippen, /abo.")
    abo_started: Text = Field(description="/abo: das tägliche Abo ist bestellt; {time}.")
    abo_changed: Text = Field(
        description="/abo 17:30: das Abo kommt zu einer anderen Uhrzeit; {time}."
    )
    abo_status: Text = Field(
        description="/abo mit Abo: die Uhrzeit ({time}) und wie man sie ändert."
    )
    abo_none: Text = Field(description="Noch kein Abo: was das Abo ist, eine Uhrzeit wählen.")
    abo_quiet: Text = Field(
        description="Eine Uhrzeit in der Ruhezeit geht nicht; {time}, {start} und {end}."
    )
    abo_bad_time: Text = Field(description="/abo mit etwas, das keine Uhrzeit ist.")
    abo_stopped: Text = Field(description="/abo_aus: das Abo und seine Daten sind gelöscht.")
    abo_not_subscribed: Text = Field(description="/abo_aus ohne Abo.")
    abo_private: Text = Field(
        description="/abo in einer Gruppe: Abos gibt es nur im privaten Chat."
    )
    feedback_thanks: Text = Field(
        description="Der kurze Dank für 👍 oder 👎 (höchstens 200 Zeichen)."
    )
    admin_reload_done: Text = Field(
        description="Admins, /reload hat geklappt; Anzahlen {articles}, {terms}, {sources}."
    )
    admin_reload_broken: Text = Field(
        description="Admins: das neue Wissen hat Fehler, der letzte gute Stand antwortet."
    )
    admin_reload_more: Text = Field(
        description="Admins: unter einer gekürzten Fehlerliste; {count} Fehler fehlen."
    )
    admin_reload_failed: Text = Field(
        description="Admins: Neuladen ging schief, ohne Fehlerliste (siehe Log)."
    )
    admin_reload_fixed: Text = Field(
        description="Admins: die Fehler sind behoben, das neue Wissen antwortet."
    )
    admin_open_intro: Text = Field(
        description="Admins, /offen: über den häufigsten offenen Fragen von {days} Tagen."
    )
    admin_open_empty: Text = Field(
        description="Admins, /offen: keine offenen Fragen in {days} Tagen."
    )
    admin_stats_intro: Text = Field(
        description="Admins, /stats: über den Fragen pro Tag der letzten {days} Tage."
    )
    admin_stats_day: Text = Field(
        description="Admins, /stats: ein Tag; {day}, {asked} Fragen, {answered} beantwortet."
    )
    admin_stats_share: Text = Field(
        description="Admins, /stats: {share} Prozent von {asked} Fragen wurden beantwortet."
    )
    admin_stats_top: Text = Field(description="Admins, /stats: über den meistgezeigten Einträgen.")


class ButtonsFile(_Strict):
    """The labels of the bot's buttons."""

    sources: Name = Field(description='"Woher wissen wir das?"')
    more: Name = Field(description='"Mehr erfahren"')
    nothing: Name = Field(description='"Nichts davon"')
    article: Name = Field(description='"Zum Artikel"')
    next: Name = Field(description='"Weiter"')
    back: Name = Field(description='"Zurück"')
    open_bot: Name = Field(
        description="Unter geteilten Antworten: öffnet den Bot („Im Bot öffnen“)."
    )
    abo_change: Name = Field(description="Unter dem Abo: „Abo ändern“.")
    abo_end: Name = Field(description='"Abo beenden"')
    abo_again: Name = Field(description="Nach /abo_aus: „Wieder abonnieren“.")
    helpful: Name = Field(description="Unter einer Antwort: sie hat geholfen („👍“).")
    unhelpful: Name = Field(description="Unter einer Antwort: sie hat nicht geholfen („👎“).")


class CommandsFile(_Strict):
    """What each command does, as Telegram lists it in the command menu (at most 256 chars)."""

    start: Name = Field(description="/start")
    hilfe: Name = Field(description="/hilfe")
    news: Name = Field(description="/news")
    begriffe: Name = Field(description="/begriffe")
    quellen: Name = Field(description="/quellen")
    abo: Name = Field(description="/abo")
    abo_aus: Name = Field(description="/abo_aus")
    datenschutz: Name = Field(description="/datenschutz")
    reload: Name = Field(description="/reload, nur im Menü der Admins")
    offen: Name = Field(description="/offen, nur im Menü der Admins")
    stats: Name = Field(description="/stats, nur im Menü der Admins")


class IntentFile(_Strict):
    """Example phrasings of one thing readers want."""

    phrases: list[Text] = Field(min_length=1, description="Wie Leser es sagen.")
    words: list[Name] = Field(
        default_factory=list,
        description="Auslöser, die immer diese Absicht bedeuten: ein Wort oder mehrere Wörter,"
        " die alle in der Nachricht vorkommen müssen (z. B. „krieg uns“).",
    )


class IntentsFile(_Strict):
    """What readers want besides entries."""

    news: IntentFile
    help: IntentFile
    sources: IntentFile
    more: IntentFile
    comfort: IntentFile


class SmallTalkFile(_Strict):
    """A small-talk pattern and the bot's replies."""

    name: Annotated[
        str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9]+([-_][a-z0-9]+)*$")
    ] = Field(description="Ein Name für die Gruppe, z. B. greeting oder how_are_you.")
    phrases: list[Text] = Field(min_length=1, description="Wie Leser es sagen.")
    replies: list[Text] = Field(
        min_length=1, description="Was der Bot antwortet (er wählt eine Antwort aus)."
    )
    words: list[Name] = Field(
        default_factory=list,
        description="Auslöser für diesen Smalltalk, wenn die Nachricht keinen Eintrag nennt: ein"
        " Wort oder mehrere Wörter, die alle in der Nachricht vorkommen müssen.",
    )


class BotFile(_Strict):
    """knowledge/bot.yaml: every text the bot itself says."""

    texts: TextsFile
    buttons: ButtonsFile
    commands: CommandsFile
    months: list[Name] = Field(min_length=12, max_length=12, description="Die zwölf Monatsnamen.")
    intents: IntentsFile
    smalltalk: list[SmallTalkFile] = Field(default_factory=list)


class SynonymsFile(_Strict):
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
