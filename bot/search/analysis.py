"""The one text normalisation used for both the search index and the reader's question."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# A question is cut to this many characters before it is analysed: a 20,000-character
# paste costs the same as a sentence, and nothing a reader asks needs more.
MAX_QUESTION_CHARS = 400
# Longer messages are not questions a reader typed; worry is still looked for this far.
MAX_MESSAGE_CHARS = 1000
MAX_TOKENS = 40

_UMLAUT_PAIRS = (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("ẞ", "ss"))
_REPEATS = re.compile(r"(.)\1{2,}")
_TOKEN = re.compile(r"[^\W_]+")
# The polite "Sie" (and "Ihre", "Ihnen") inside a sentence: a question put to a person.
_POLITE = re.compile(r"(?<=[^\W\d_]|,)[ \t]+(?:Sie|Ihre[nmrs]?|Ihnen|Ihr)\b")
_NON_WORD = re.compile(r"[^a-z0-9]+")

# Words that carry no topic: question words, articles, pronouns, particles, the filler
# children put around a question ("erklär mal", "bitte", "eigentlich") and greetings.
# They are written folded (ae for ä, ss for ß), as fold() produces them.
_FILLER = """
    a aber als also am an ans auch auf aus bei beim bin bis bist bitte bitteschoen da
    dann das dass de dem den denn der des dessen die doch dort du durch eigentlich einfach
    einmal er erklaer erklaere erklaert erklaerung erklaeren erklaerst es etwas euch
    fuer gar gegen genau gerade gern gerne gib gibt gibts gut hab habe haben habt hast
    hat hatte hatten heisst heissen ich ihm ihn ihnen im in ins irgendwie ist ja jemand
    jetzt kann kannst kurz lol mal man mich mir mit moechte nicht noch nochmal nun nur ob
    oder ok okay schon sehr sei seid sich sie sind so soll sollen sollte um und uns unter
    von vom vor war waere waren was weiss wem wen wenn wer werden wie wieso wird wirklich wo
    wohl womit worum wozu wuerde zu zum zur ueber ueberhaupt bedeutet bedeuten bedeutung
    meint meinen begriff wort woerter definition definiere sag sage sagen sagt weisst wisst
    erzaehl erzaehle what is the a an who what whats hallo hi hey huhu moin servus hoi
    hallihallo hier bot newsbot ne nen versteh verstehe verstehen versteht kapier kapiere
    heist hiess echt voll total richtig ziemlich wofuer woran worueber wodurch dich dir
    wir zeig zeige zeigen nenn nenne eben halt sowas sonst trotzdem euer
"""
# Words that are filler in every inflected form: "ganz, ganze, ganzen, ganzes ...".
_DECLINED = """
    all ander dies ein ganz jed jen kein manch mein dein sein ihr unser eur solch welch
"""
_ENDINGS = ("", "e", "em", "en", "er", "es")
STOPWORDS: frozenset[str] = frozenset(
    _FILLER.split() + [base + ending for base in _DECLINED.split() for ending in _ENDINGS]
) - {"all"}  # "ins All" is the universe

# Words that say little about the topic of a question but are not filler either
# ("Was hat Biden gesagt?", "Welche Quellen nutzt ihr?"). They count a little when
# they are not found in the knowledge, so they neither carry nor sink an answer.
WEAK_WORDS: frozenset[str] = frozenset(
    """
    gesagt sagte passiert passieren geht gehen ging machen macht machte gemacht nutzt nutzen
    benutzt benutzen gemeint wollen will wollte wollten koennen koennte muss muessen darf
    duerfen denkt denken glaubt glauben findet finden heute gestern morgen neu neue neues
    neuen neuste neueste aktuell aktuelle aktuellen los dabei damit dazu davon darum deshalb
    warum weshalb wann wohin eigentlich steckt stecken hinter gleiche gleich gleiches
    stellen stelle mehr viel viele vielen wirklich immer alle jeder bald schon wieder
    bekommt bekommen zusammen stimmt stimmts brauchen braucht brauche arbeiten arbeitet
    steht stehen funktioniert funktionieren klappt tun tut getan kommt kommen kam weiter
    kostet kosten gibt gab gelten gilt
    """.split()
)

_stemmer = snowballstemmer.stemmer("german")


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """Reduce a folded token to its stem (sanktionen -> sanktion, satelliten -> satellit)."""
    if len(token) <= 3 or token.isdigit():
        return token
    # Snowball keeps the genitive and plural s after a vowel (Nordkoreas, Infos, Fotos).
    if len(token) >= 5 and token[-1] == "s" and token[-2] in "aiouy":
        token = token[:-1]
    result: str = _stemmer.stemWord(token)
    return result


def _strip_marks(text: str) -> str:
    if text.isascii():
        # Nothing to decompose; after the umlauts are spelled out this is most German text,
        # and the loop below was a fifth of the index build.
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lower-case, spell umlauts and ß out, drop accents, emoji and punctuation."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if not text.isascii():
        # str.replace per letter present is several times faster than translate() with a
        # dict, and gives the same text: the replacements are ASCII.
        for letter, spelled in _UMLAUT_PAIRS:
            if letter in text:
                text = text.replace(letter, spelled)
        text = _strip_marks(text)
    if _REPEATS.search(text):
        text = _REPEATS.sub(r"\1", text)
    return _NON_WORD.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class Analysis:
    """A text as the matcher sees it: folded words, and the stems of the topic words."""

    words: tuple[str, ...]
    content: tuple[str, ...]

    @property
    def stems(self) -> tuple[str, ...]:
        """Stems of the content words, in order."""
        return tuple(stem(word) for word in self.content)


def analyze(text: str, limit: bool = False) -> Analysis:
    """Fold a text and split it into words, keeping apart the words that carry the topic."""
    if limit:
        text = text[:MAX_QUESTION_CHARS]
    words = tuple(fold(text).split())
    if limit:
        words = words[:MAX_TOKENS]
    content = tuple(word for word in words if word not in STOPWORDS)
    return Analysis(words=words, content=content)


_WEAK_STEMS = frozenset(stem(word) for word in WEAK_WORDS)
# Verb endings Snowball keeps: sanktioniert, verstößt, bestraft, wirkt. Query words the
# knowledge does not hold are tried without them (see verb_forms).
_VERB_ENDINGS = ("est", "et", "st", "t")
# The regular inflections of a word a moderator listed (synonyms): Krieg, Kriege, Krieges.
INFLECTIONS = ("", "s", "es", "e", "en", "n")


def verb_forms(word: str) -> list[str]:
    """The word without a verb ending, longest ending first: wirkt -> wirk, bestraft -> bestraf."""
    return [
        word[: -len(ending)]
        for ending in _VERB_ENDINGS
        if word.endswith(ending) and len(word) - len(ending) >= 4
    ]


def is_weak(word: str) -> bool:
    """True for words that say little about a question's topic (in any inflection)."""
    return word in WEAK_WORDS or stem(word) in _WEAK_STEMS


def written_forms(text: str) -> dict[str, str]:
    """Each folded word of a text with the word as written (lower case, umlauts kept), so
    that a word can be looked up in a word list as it is spelled: "gefaehrlich" -> "gefährlich"."""
    forms: dict[str, str] = {}
    for token in _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold()):
        for word in fold(token).split():
            forms.setdefault(word, token)
    return forms


def addresses_someone(text: str) -> bool:
    """True if the text speaks to a person with the polite "Sie" ("Was tun Sie gegen den
    Krieg?", "Von welcher Partei sind Sie?"): a question for that person, not the knowledge.
    Children speak to the bot with "du"."""
    return bool(_POLITE.search(text))
