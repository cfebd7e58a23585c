"""The format of knowledge/bot.yaml: every text the bot says itself, its buttons and commands,
the intents, the worries it comforts, small talk and the names of linked sites."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from bot.knowledge.fields import Name, SiteKey, Strict, Text


class TextsFile(Strict):
    """Every sentence the bot says on its own."""

    welcome: Text = Field(description="/start: what the bot is, what to ask, privacy in a line.")
    help: Text = Field(description="What readers can ask and the commands.")
    unknown: Text = Field(
        description='"Darüber weiß ich noch nichts": never blames the wording; buttons with'
        " topics the bot knows follow."
    )
    not_german: Text = Field(description="A message in another language: the bot reads German.")
    no_words: Text = Field(description="A message without words (only emoji or signs).")
    unknown_suggest: Text = Field(description="Not sure: offers the closest entries.")
    did_you_mean: Text = Field(description='Two answers are close: "Meinst du ...?"')
    related_intro: Text = Field(
        description="A word that leads to an entry without being it; {word} is the word as"
        " written in the entry's related list, {name} the entry. Its short answer follows."
    )
    aspect_unknown: Text = Field(
        description="A question about an entry asks something the entry does not say;"
        " {name} is the entry. The entry's short answer follows."
    )
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
    feedback_again: Text = Field(
        description="A second 👍 or 👎 on one answer in one chat, not counted (at most 200 chars)."
    )
    news_intro_old: Text = Field(
        description="Above the list of articles when even the newest is no longer fresh."
    )
    too_fast_tap: Text = Field(
        description="Flood control: a button pressed in the cool-down (at most 200 chars)."
    )
    group_hello: Text = Field(
        description="The bot was added to a group: hello, and how to ask it there; {bot}."
    )
    sticker: Text = Field(description="The playful reply to a sticker.")
    inline_nothing_title: Text = Field(description="Inline mode found nothing: the result's title.")
    inline_nothing_hint: Text = Field(description="Inline mode found nothing: the grey line.")
    inline_nothing: Text = Field(
        description="Inline mode found nothing: the message if the reader sends the result."
    )
    abo_kept: Text = Field(description="After a refused time: the subscription stays; {time}.")
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


class ButtonsFile(Strict):
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


class CommandsFile(Strict):
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


class IntentFile(Strict):
    """Example phrasings of one thing readers want."""

    phrases: list[Text] = Field(min_length=1, description="How readers say it.")
    words: list[Name] = Field(
        default_factory=list,
        description="Triggers that always mean this intent: a word, or words that must all"
        ' occur in the message (e.g. "krieg uns").',
    )


class IntentsFile(Strict):
    """What readers want besides entries."""

    news: IntentFile
    help: IntentFile
    sources: IntentFile
    more: IntentFile


class SmallTalkFile(Strict):
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


class WorryFile(Strict):
    """One kind of worry and the bot's replies to it."""

    name: Annotated[
        str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9]+([-_][a-z0-9]+)*$")
    ] = Field(description="A name for the kind, e.g. danger or sorrow.")
    needs: Literal["self", "near", "nothing"] = Field(
        description="What else the message must hold: self (the reader speaks of themself),"
        " near (a word that brings a danger close, or an arrive word with a near word)"
        " or nothing."
    )
    words: list[Name] = Field(
        min_length=1,
        description="Roots of the worry, found in any form and with a small typo; a text of"
        " several words needs all of them.",
    )
    phrases: list[Text] = Field(default_factory=list, description="Whole messages of this worry.")
    reply: Text = Field(description="The comfort reply; names the Nummer gegen Kummer.")
    again: Text = Field(description="A shorter reply for the next worry of this kind in a chat.")


class WorriesFile(Strict):
    """When the bot comforts instead of answering."""

    self_words: list[Name] = Field(
        alias="self", min_length=1, description="Words of a reader who speaks of themself."
    )
    others: list[Name] = Field(
        default_factory=list,
        description="Words of a reader who speaks of someone else: jemandem, andere.",
    )
    near: list[Name] = Field(min_length=1, description="Words that bring a danger close: uns.")
    home: list[Name] = Field(
        default_factory=list,
        description="Words of the reader's country: they bring a danger close only with an"
        " arrive word (Kommt der Krieg nach Deutschland?).",
    )
    arrive: list[Name] = Field(
        default_factory=list, description="Words of a danger coming: kommt, passieren."
    )
    past: list[Name] = Field(
        default_factory=list,
        description='Words that put a danger in the past, right before it: "Zweiter Weltkrieg".',
    )
    kinds: list[WorryFile] = Field(min_length=1, description="First match first.")


class BotFile(Strict):
    """knowledge/bot.yaml: every text the bot itself says."""

    texts: TextsFile
    buttons: ButtonsFile
    sites: dict[SiteKey, Name] = Field(
        default_factory=dict,
        description="Link labels: a host, or a host and the start of a path, and the name of"
        ' the site ("zdf.de/kinder/logo": "logo!"). A host counts for its subdomains too.',
    )
    commands: CommandsFile
    months: list[Name] = Field(min_length=12, max_length=12, description="Month names.")
    intents: IntentsFile
    worries: WorriesFile
    smalltalk: list[SmallTalkFile] = Field(default_factory=list)
