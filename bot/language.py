"""How common a word is in German (and in English): rare words, compounds, names.

One home for the judgments wordfreq's frequency lists make possible (the Zipf scale: 3 is
about once in a million words, 6 once in a thousand). The readability check asks whether a
word is hard for young readers; the matcher asks whether a word it does not know looks like
a name of its own ("Kardashian") rather than an everyday word ("gefährlich").
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

# A word this common in German (or an inflection of it) is no hard word.
COMMON_ZIPF = 3.0
# Both parts of a compound this common make it an easy one (Zusammen+arbeit).
COMPOUND_PART_ZIPF = 4.0
# A word at least this close to its English frequency is no German-only word.
ENGLISH_MARGIN = 0.3

_ENDINGS = (
    *("esten", "sten", "ten", "est", "ern", "en", "er", "es"),
    *("et", "st", "te", "e", "n", "s", "t"),
)


# The bot (matching) reads wordfreq's "small" lists: every word of Zipf 3 or more, all its
# thresholds ask about, in about 10 MB. The readability check of `newsbot check` reads the
# "best" (large) ones, about 90 MB more, for words right at the edge ("Zufluchtsort", 3.0).
Wordlist = Literal["small", "best"]


@lru_cache(maxsize=65536)
def zipf(word: str, language: str = "de", wordlist: Wordlist = "small") -> float:
    """How common a word is (wordfreq's Zipf scale); loaded on first use."""
    import wordfreq

    return float(wordfreq.zipf_frequency(word, language, wordlist=wordlist))


def warm() -> None:
    """Load the lists that answering reads (German and English, small) now, not on the first
    question that needs them: loading the English list took 0.1-0.7 s inside one answer."""
    for language in ("de", "en"):
        zipf("und", language)


def is_common(word: str, threshold: float = COMMON_ZIPF, wordlist: Wordlist = "small") -> bool:
    """True if the word, or a simple inflection of it (speichere -> speichern), is common."""
    lower = word.lower()
    forms = {lower, lower + "n", lower + "en"}
    for ending in _ENDINGS:
        if lower.endswith(ending) and len(lower) - len(ending) >= 3:
            base = lower[: -len(ending)]
            forms.update({base, base + "en", base + "n", base + "e"})
    return any(zipf(form, "de", wordlist) >= threshold for form in forms)


def is_compound_of_common(
    word: str, part_threshold: float = COMPOUND_PART_ZIPF, wordlist: Wordlist = "small"
) -> bool:
    """True for a compound of two common words: Kleider+ordnung, Zusammen+arbeit."""
    lower = word.lower()
    for cut in range(3, len(lower) - 2):
        head, tail = lower[:cut], lower[cut:]
        heads = (head, head[:-1]) if head.endswith("s") else (head,)
        common = zipf(tail, "de", wordlist) >= part_threshold
        if common and any(zipf(h, "de", wordlist) >= part_threshold for h in heads):
            return True
    return False


def is_hard(
    word: str, common: float = COMMON_ZIPF, compound_part: float = COMPOUND_PART_ZIPF
) -> bool:
    """A rare word that is not a compound of two common ones (each part of a hyphenated one)."""
    return any(
        len(part) > 3
        and not is_common(part, common, "best")
        and not is_compound_of_common(part, compound_part, "best")
        for part in word.split("-")
        if part
    )


@lru_cache(maxsize=4096)
def looks_like_name(word: str) -> bool:
    """True for a word that is about as common in English as in German, or rare in German and
    not a compound of common words: a name ("Kardashian", "Hunter"), not an aspect word."""
    german = zipf(word)
    if german < COMMON_ZIPF:
        # A German compound of words readers know ("Wahlperiode") is no name.
        return not is_compound_of_common(word, COMMON_ZIPF)
    return zipf(word, "en") >= german - ENGLISH_MARGIN


# A message is taken as German unless at least this share of its words says otherwise.
FOREIGN_SHARE = 0.6
MIN_FOREIGN_WORDS = 2


def is_foreign(words: list[str]) -> bool:
    """True for a message in another language: written in another script (Cyrillic,
    Arabic ...), or most of its words far more common in English than in German, or unknown
    to German altogether ("what is nato", "привет", "merhaba nasılsın")."""
    letters = [ch for word in words for ch in word if ch.isalpha()]
    if not letters:
        return False
    latin = sum(1 for ch in letters if ch.isascii() or ch in "äöüßéèêàáâçñ")
    if latin < len(letters) / 2:
        return True
    if len(words) < MIN_FOREIGN_WORDS:
        return False
    foreign = 0
    for word in words:
        german = zipf(word)
        if german < 1.5 or zipf(word, "en") > german + 1.0:
            foreign += 1
    return foreign >= FOREIGN_SHARE * len(words)
