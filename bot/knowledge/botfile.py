"""The format of knowledge/bot.yaml: every text the bot says itself, its buttons and commands,
the intents, the worries it comforts, small talk and the names of linked sites."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from bot.knowledge.fields import Name, SiteKey, Strict, Text


class TextsFile(Strict):
    """Every sentence the bot says on its own."""

    welcome: Text = Field(
        description="/start: was der Bot ist, 2 bis 3 Beispiel-Fragen, eine Zeile zum Datenschutz."
    )
    help: Text = Field(description="/hilfe: was man fragen kann und die Befehle.")
    unknown: Text = Field(
        description="„Darüber weiß ich noch nichts“: gibt nie der Frage die Schuld; danach Knöpfe"
        " mit Themen, die der Bot kennt."
    )
    not_german: Text = Field(
        description="Eine Nachricht in einer anderen Sprache: der Bot versteht nur Deutsch."
    )
    no_words: Text = Field(description="Eine Nachricht ohne Wörter (nur Emoji oder Zeichen).")
    unknown_suggest: Text = Field(description="Nicht sicher: bietet die nächsten Einträge an.")
    did_you_mean: Text = Field(description="Zwei Antworten liegen nah beieinander: „Meinst du …?“")
    related_intro: Text = Field(
        description="Ein Wort führt zu einem Eintrag, ist aber nicht sein Name; {word} ist das Wort"
        " aus `related`, {name} der Eintrag. Danach kommt seine kurze Antwort."
    )
    source_full_name: Text = Field(
        description="Unter der kurzen Antwort zu einer Quelle: ihr voller Name; {full_name}."
    )
    aspect_unknown: Text = Field(
        description="Eine Frage zu einem Eintrag fragt etwas, das der Eintrag nicht sagt; {name}"
        " ist der Eintrag. Danach kommt seine kurze Antwort."
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
    feedback_again: Text = Field(
        description="Ein zweites 👍 oder 👎 auf dieselbe Antwort im selben Chat, wird nicht gezählt"
        " (höchstens 200 Zeichen)."
    )
    news_intro_old: Text = Field(
        description="Über der Liste der Artikel, wenn auch der neueste nicht mehr frisch ist."
    )
    too_fast_tap: Text = Field(
        description="Zu schnell getippt: ein Knopf in der kurzen Pause (höchstens 200 Zeichen)."
    )
    group_hello: Text = Field(
        description="Der Bot wurde in eine Gruppe geholt: Hallo, und wie man ihn dort fragt; {bot}."
    )
    sticker: Text = Field(description="Die verspielte Antwort auf einen Sticker.")
    inline_nothing_title: Text = Field(
        description="Inline-Suche ohne Treffer: der Titel des Ergebnisses."
    )
    inline_nothing_hint: Text = Field(description="Inline-Suche ohne Treffer: die graue Zeile.")
    inline_nothing: Text = Field(
        description="Inline-Suche ohne Treffer: die Nachricht, wenn jemand das Ergebnis schickt."
    )
    abo_kept: Text = Field(description="Nach einer abgelehnten Uhrzeit: das Abo bleibt; {time}.")
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


class ButtonsFile(Strict):
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
    reload: Name = Field(description="/reload, nur im Menü der Admins")
    offen: Name = Field(description="/offen, nur im Menü der Admins")
    stats: Name = Field(description="/stats, nur im Menü der Admins")


class IntentFile(Strict):
    """Example phrasings of one thing readers want."""

    phrases: list[Text] = Field(min_length=1, description="Wie Leser es sagen.")
    words: list[Name] = Field(
        default_factory=list,
        description="Auslöser, die immer diese Absicht bedeuten: ein Wort oder mehrere Wörter,"
        " die alle in der Nachricht vorkommen müssen (z. B. „krieg uns“).",
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


class WorryFile(Strict):
    """One kind of worry and the bot's replies to it."""

    name: Annotated[
        str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9]+([-_][a-z0-9]+)*$")
    ] = Field(description="Ein Name für die Art der Sorge, z. B. danger oder sorrow.")
    needs: Literal["me", "self", "near", "nothing"] = Field(
        description="Was die Nachricht außerdem braucht: me (das Kind spricht von sich),"
        " self (von sich oder von „wir“),"
        " near (ein Wort, das eine Gefahr nahe bringt, oder ein Kommen-Wort mit einem"
        " Nah-Wort) oder nothing (nichts)."
    )
    words: list[Name] = Field(
        min_length=1,
        description="Wortstämme der Sorge: der Bot findet sie in jeder Form und mit kleinem"
        " Tippfehler; mehrere Wörter müssen alle vorkommen.",
    )
    phrases: list[Text] = Field(default_factory=list, description="Ganze Nachrichten dieser Sorge.")
    reply: Text = Field(
        description="Die tröstende Antwort; nennt die Nummer gegen Kummer (116 111)."
    )
    again: Text = Field(
        description="Eine kürzere Antwort, wenn dieselbe Sorge im Chat wiederkommt."
    )


class WorriesFile(Strict):
    """When the bot comforts instead of answering."""

    self_words: list[Name] = Field(
        alias="self",
        min_length=1,
        description="Wörter, mit denen ein Kind von sich spricht (ich, mir ...).",
    )
    us: list[Name] = Field(
        default_factory=list,
        description="Wörter, mit denen ein Kind von sich und anderen spricht (wir, uns).",
    )
    others: list[Name] = Field(
        default_factory=list,
        description="Wörter, mit denen ein Kind von anderen spricht (jemandem, andere).",
    )
    near: list[Name] = Field(
        min_length=1, description="Wörter, die eine Gefahr nahe bringen (uns, hier)."
    )
    home: list[Name] = Field(
        default_factory=list,
        description="Das eigene Land: bringt eine Gefahr nur mit einem Kommen-Wort nahe"
        " („Kommt der Krieg nach Deutschland?“).",
    )
    arrive: list[Name] = Field(
        default_factory=list, description="Wörter, mit denen eine Gefahr kommt (kommt, passieren)."
    )
    past: list[Name] = Field(
        default_factory=list,
        description="Wörter direkt vor einer Gefahr, die sie in die Vergangenheit legen"
        " (Zweiter Weltkrieg).",
    )
    kinds: list[WorryFile] = Field(
        min_length=1, description="Die Arten der Sorge; die erste, die passt, gilt."
    )


class BotFile(Strict):
    """knowledge/bot.yaml: every text the bot itself says."""

    texts: TextsFile
    buttons: ButtonsFile
    sites: dict[SiteKey, Name] = Field(
        default_factory=dict,
        description="Namen für Links: eine Adresse (auch mit Pfad-Anfang) und der Name der"
        " Seite („zdf.de/kinder/logo“: „logo!“). Gilt auch für Unteradressen.",
    )
    commands: CommandsFile
    months: list[Name] = Field(min_length=12, max_length=12, description="Die zwölf Monatsnamen.")
    intents: IntentsFile
    worries: WorriesFile
    smalltalk: list[SmallTalkFile] = Field(default_factory=list)
