"""Follow-up questions resolved through what the conversation showed last.

After an answer about the article on Putin and Kim, "und das Abkommen?" or "was ist mit dem
Getreide?" name a part of one of the entries that article links (Getreideabkommen). Such a
short question that the knowledge alone cannot place is matched against the last entry's
neighbours only: the entries it links (an article's terms and sources, a term's see list)
and the entry itself. Exactly one neighbour must contain every topic word in its name.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.knowledge.base import KnowledgeBase
from bot.models import Article, Entry, Term
from bot.search.analysis import analyze, fold, stem

# A follow-up is short; a longer question stands on its own.
MAX_WORDS = 4
# Words this long are also found inside a compound name ("abkommen" in "Getreideabkommen").
INSIDE = 5


def follow_up(question: str, last_ref: str | None, kb: KnowledgeBase) -> Entry | None:
    """The neighbour of the last entry that a short question names a part of, if exactly one."""
    last = kb.get(last_ref) if last_ref else None
    content = analyze(question, limit=True).content
    if last is None or not content or len(content) > MAX_WORDS:
        return None
    stems = [stem(word) for word in content]
    found = [entry for entry in _neighbours(last, kb) if _names(entry, stems)]
    return found[0] if len(found) == 1 else None


def _neighbours(entry: Entry, kb: KnowledgeBase) -> Iterable[Entry]:
    names: tuple[str, ...] = ()
    if isinstance(entry, Article):
        names = (*entry.terms, *entry.sources)
    elif isinstance(entry, Term):
        names = entry.see
    yield entry
    for name in names:
        neighbour = kb.by_name(name)
        if neighbour is not None:
            yield neighbour


def _names(entry: Entry, stems: list[str]) -> bool:
    """True if every stem is a word of one of the entry's names, or inside a long one."""
    names = [entry.name] if isinstance(entry, Article) else [entry.name, *entry.aliases]
    for name in names:
        words = fold(name).split()
        joined = "".join(words)
        word_stems = {stem(word) for word in words}
        if all(s in word_stems or (len(s) >= INSIDE and s in joined) for s in stems):
            return True
    return False
