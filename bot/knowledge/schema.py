"""The knowledge file formats: one pydantic model per file kind.

These models are the single definition of what moderators may write. The validator checks
files against them, and the JSON Schemas under knowledge/schema/ that editors use are
generated from them, so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
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
Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=40),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ImageFile(_Strict):
    """The photo an article opens with."""

    caption: Text = Field(description="What the picture shows, in one sentence.")
    credit: Name | None = Field(None, description="Who took the photo, e.g. an agency.")
    url: Url | None = Field(None, description="The web address of the image file.")


class ArticleFile(_Strict):
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
    draft: bool = Field(
        False,
        description="true while the article is a draft (newsbot draft): readers do not see it.",
    )


class TermFile(_Strict):
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
    date: dt.date | None = Field(
        None, description='For facts that age: the date they are true for ("Stand").'
    )


class GlossaryFile(_Strict):
    """knowledge/glossary.yaml or knowledge/glossary/*.yaml."""

    terms: list[TermFile] = Field(description="The glossary entries.")


class SourceFile(_Strict):
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


class SourcesFile(_Strict):
    """knowledge/sources.yaml."""

    sources: list[SourceFile] = Field(description="The news sources.")


class TextsFile(_Strict):
    """Every sentence the bot says on its own."""

    welcome: Text = Field(description="/start: what the bot is, what to ask, privacy in a line.")
    help: Text = Field(description="What readers can ask and the commands.")
    unknown: Text = Field(description='"Das weiß ich noch nicht" and a hint.')
    unknown_suggest: Text = Field(description="Not sure: offers the closest entries.")
    did_you_mean: Text = Field(description='Two answers are close: "Meinst du ...?"')
    comfort: Text = Field(description="For worried readers; names Nummer gegen Kummer.")
    news_intro: Text = Field(description="Above the list of the latest articles.")
    news_empty: Text = Field(description="When there are no current articles.")
    sources_check: Text = Field(description="How the newsroom picks and checks its sources.")
    article_sources: Text = Field(description="Above one article's sources; {title}.")
    privacy: Text = Field(description="/datenschutz: what is kept, how long, why.")
    not_text: Text = Field(description="Reply to stickers, photos and voice messages.")
    too_fast: Text = Field(description="Flood control: the reader writes too fast.")
    error: Text = Field(description="Something went wrong on our side.")
    no_more: Text = Field(description="There is nothing more on this.")
    no_context: Text = Field(description='"Mehr" or "Woher?" with nothing shown before.')
    stand: Text = Field(description="The date line for facts that age; {date}.")
    glossary_intro: Text = Field(description="Above the A-Z list of glossary terms.")
    sources_list_intro: Text = Field(description="Above the list of sources.")
    too_long: Text = Field(description="The question was very long and was shortened.")
    page: Text = Field(description="Below a list that has pages; {page} and {pages}.")
    photo_credit: Text = Field(description="Who took an article's photo; {credit}.")
    unknown_command: Text = Field(description="A /command the bot does not know.")
    digest_intro: Text = Field(description="Above the daily digest of new articles.")
    digest_outro: Text = Field(description="Below the daily digest: tap an article, /abo.")
    abo_started: Text = Field(description="/abo: the daily digest is switched on; {time}.")
    abo_changed: Text = Field(description="/abo 17:30: the digest comes at another time; {time}.")
    abo_status: Text = Field(
        description="/abo when subscribed: the current time ({time}) and how to change it."
    )
    abo_none: Text = Field(description="No subscription yet: what the digest is, pick a time.")
    abo_quiet: Text = Field(
        description="A time in the quiet hours is refused; {time}, {start} and {end}."
    )
    abo_bad_time: Text = Field(description="/abo with something that is no time of day.")
    abo_stopped: Text = Field(description="/abo_aus: the subscription and its data are deleted.")
    abo_not_subscribed: Text = Field(description="/abo_aus without a subscription.")
    abo_private: Text = Field(description="/abo in a group: subscriptions are for private chats.")
    feedback_thanks: Text = Field(
        description="The short thanks for a 👍 or 👎 (at most 200 chars)."
    )
    admin_reload_done: Text = Field(
        description="Admins, /reload worked; {articles}, {terms} and {sources} are the counts."
    )
    admin_reload_broken: Text = Field(
        description="Admins: new knowledge has errors, the last good one answers; the list follows."
    )
    admin_reload_more: Text = Field(
        description="Admins: below a shortened list of errors; {count} errors were left out."
    )
    admin_reload_failed: Text = Field(
        description="Admins: reloading failed without a list of errors (see the log)."
    )
    admin_reload_fixed: Text = Field(
        description="Admins: a later save fixed the errors, the new knowledge answers now."
    )
    admin_open_intro: Text = Field(
        description="Admins, /offen: above the most asked open questions of {days} days."
    )
    admin_open_empty: Text = Field(description="Admins, /offen: no open questions in {days} days.")
    admin_stats_intro: Text = Field(
        description="Admins, /stats: above the questions per day of the last {days} days."
    )
    admin_stats_day: Text = Field(
        description="Admins, /stats: one day; {day}, {asked} questions, {answered} answered."
    )
    admin_stats_share: Text = Field(
        description="Admins, /stats: {share} percent of {asked} questions were answered."
    )
    admin_stats_top: Text = Field(description="Admins, /stats: above the entries shown most.")


class ButtonsFile(_Strict):
    """The labels of the bot's buttons."""

    sources: Name = Field(description='"Woher wissen wir das?"')
    more: Name = Field(description='"Mehr erfahren"')
    nothing: Name = Field(description='"Nichts davon"')
    article: Name = Field(description='"Zum Artikel"')
    next: Name = Field(description='"Weiter"')
    back: Name = Field(description='"Zurück"')
    open_bot: Name = Field(
        description='Under an answer shared in another chat: opens it in the bot ("Im Bot öffnen").'
    )
    abo_change: Name = Field(description='Under the digest: "Abo ändern".')
    abo_end: Name = Field(description='"Abo beenden"')
    abo_again: Name = Field(description='After /abo_aus: "Wieder abonnieren".')
    helpful: Name = Field(description='Under an answer: it helped ("👍").')
    unhelpful: Name = Field(description='Under an answer: it did not help ("👎").')


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
    reload: Name = Field(description="/reload, only in the admins' menu")
    offen: Name = Field(description="/offen, only in the admins' menu")
    stats: Name = Field(description="/stats, only in the admins' menu")


class IntentFile(_Strict):
    """Example phrasings of one thing readers want."""

    phrases: list[Text] = Field(min_length=1, description="How readers say it.")
    words: list[Name] = Field(
        default_factory=list,
        description="Triggers that always mean this intent: a word, or words that must all"
        ' occur in the message (e.g. "krieg uns").',
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
    ] = Field(description="A name for the pattern, e.g. greeting or how_are_you.")
    phrases: list[Text] = Field(min_length=1, description="How readers say it.")
    replies: list[Text] = Field(min_length=1, description="What the bot answers.")
    words: list[Name] = Field(
        default_factory=list,
        description="Triggers that mean this small talk when no entry is named: a word, or"
        " words that must all occur in the message.",
    )


class BotFile(_Strict):
    """knowledge/bot.yaml: every text the bot itself says."""

    texts: TextsFile
    buttons: ButtonsFile
    commands: CommandsFile
    months: list[Name] = Field(min_length=12, max_length=12, description="Month names.")
    intents: IntentsFile
    smalltalk: list[SmallTalkFile] = Field(default_factory=list)


class SynonymsFile(_Strict):
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
