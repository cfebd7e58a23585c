"""Whether a word the knowledge does not know looks like a name of its own ("Kardashian").

A word next to an entry's name can be an aspect the reader asks about ("Wie gefährlich ist
Kim Jong-un?") or part of another name ("Kim Kardashian", "Hunter Biden", "Malcolm X"). The
knowledge cannot tell, but the language can: an everyday German word is far more frequent in
German than in English, while names and English words are about as frequent in both, or
rare in German. wordfreq's frequency lists (a dependency already, for the readability
check) give both numbers.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.search.analysis import fold

# A word rarer than this in German (Zipf scale: 3 is about once in a million words) is no
# everyday word; one at least this close to its English frequency is no German-only word.
RARE_IN_GERMAN = 3.0
ENGLISH_MARGIN = 0.3
_TOKEN = re.compile(r"[^\W_]+")


@lru_cache(maxsize=4096)
def looks_like_name(word: str) -> bool:
    """True for a word that is rare in German or as common in English: a name, not an aspect."""
    import wordfreq  # loaded on first use: most questions never need it

    german = float(wordfreq.zipf_frequency(word, "de"))
    if german < RARE_IN_GERMAN:
        return True
    return float(wordfreq.zipf_frequency(word, "en")) >= german - ENGLISH_MARGIN


def written_forms(text: str) -> dict[str, str]:
    """Each folded word of a text with the word as written (lower case, umlauts kept)."""
    forms: dict[str, str] = {}
    for token in _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold()):
        for word in fold(token).split():
            forms.setdefault(word, token)
    return forms
