"""The cards of the knowledge: an entry's short answer, more about it, its sources."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.knowledge.base import KnowledgeBase
from bot.models import Article, Button, Entry, Link, Reply, Source, Term
from bot.refs import more_action, sources_action
from bot.search.analysis import fold
from bot.sites import site_label

MAX_BUTTONS = 4  # under an answer, besides 👍/👎: the most useful first
# In a list of an article's sources, a full name this long or shorter follows the name.
SHORT_FULL_NAME = 40


class Cards:
    """Composes the fixed replies of entries; each entry's short answer only once."""

    def __init__(self, kb: KnowledgeBase, folding: Callable[[str], str] = fold) -> None:
        """folding: fold, or a faster way to the same result (a reload's remembered names)."""
        self.kb = kb
        # Every term's names, folded, as keys: finding the names in a text costs a lookup
        # per run of words instead of a scan of every name (100 ms at 100,000).
        self._term_lookup, self._longest_name = _term_name_table(kb.terms, folding)
        # entry() depends on nothing but the (immutable) knowledge: compose each once.
        self._entries: dict[str, Reply] = {}

    def entry(self, entry: Entry) -> Reply:
        """The short answer for an entry, with its link and follow-up buttons."""
        reply = self._entries.get(entry.ref)
        if reply is None:
            reply = self._entries[entry.ref] = self._compose_entry(entry)
        return reply

    def _compose_entry(self, entry: Entry) -> Reply:
        texts = self.kb.texts
        if isinstance(entry, Article):
            text = entry.summary + "\n\n" + texts.text("stand", date=texts.month_year(entry.date))
            buttons = [Button(texts.buttons["more"], more_action(entry.ref))]
            buttons.append(Button(texts.buttons["sources"], sources_action(entry.id)))
            buttons += self.term_buttons(entry.summary, entry.terms, exclude=None)
            return replace(self._article(entry, text, buttons), image=entry.image)
        text = entry.short
        if isinstance(entry, Term) and entry.date is not None:
            text += "\n\n" + texts.text("stand", date=texts.month_year(entry.date))
        buttons = []
        if entry.more:
            buttons.append(Button(texts.buttons["more"], more_action(entry.ref)))
        see = entry.see if isinstance(entry, Term) else ()
        buttons += self.term_buttons(entry.short, see, exclude=entry.ref)
        title = entry.name
        if isinstance(entry, Source) and _spelled_out(entry):
            # What the source is comes first (its short text); its full name after.
            text += "\n\n" + texts.text("source_full_name", full_name=entry.full_name)
        return Reply(
            kind=entry.kind,
            id=entry.id,
            title=title,
            text=text,
            links=(self.link(entry),),
            buttons=tuple(buttons[:MAX_BUTTONS]),
        )

    def _article(self, article: Article, text: str, buttons: Sequence[Button]) -> Reply:
        """An article's card: its title, a text, the link to the original, the buttons."""
        return Reply(
            kind="article",
            id=article.id,
            title=article.title,
            text=text,
            links=(Link(self.kb.texts.buttons["article"], article.url),),
            buttons=tuple(buttons[:MAX_BUTTONS]),
        )

    def term_buttons(self, text: str, listed: Sequence[str], exclude: str | None) -> list[Button]:
        """Buttons for the glossary words that occur in a text, then the listed ones."""
        words = fold(text).split()
        hits: list[tuple[int, Term]] = []
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + self._longest_name) + 1):
                hits += self._term_lookup.get(" ".join(words[start:end]), ())
        # Longest names first, then in the glossary's order, as a scan of them would find.
        hits.sort(key=lambda hit: hit[0])
        found: list[Term] = []
        for _, term in hits:
            if term not in found:
                found.append(term)
        for name in listed:
            entry = self.kb.by_name(name)
            if isinstance(entry, Term) and entry not in found:
                found.append(entry)
        return [Button(term.name, term.ref) for term in found if term.ref != exclude][:MAX_BUTTONS]

    def link(self, entry: Term | Source) -> Link:
        """The link of a term or source, labelled with the site's name."""
        return Link(site_label(entry.link, self.kb.texts.sites), entry.link)

    def nothing_more(self, entry: Entry) -> Reply:
        """There is no more to say about an entry: say so, and offer where it comes from."""
        texts = self.kb.texts
        if isinstance(entry, Article):
            link = Link(texts.buttons["article"], entry.url)
            buttons: tuple[Button, ...] = (
                Button(texts.buttons["sources"], sources_action(entry.id)),
            )
        else:
            link, buttons = self.link(entry), ()
        text = texts.text("no_more")
        return Reply(entry.kind, text, title=entry.name, links=(link,), buttons=buttons)

    def more(self, ref: str | None) -> Reply:
        """The longer explanation of the entry in view."""
        texts = self.kb.texts
        entry = self.kb.get(ref) if ref else None
        if entry is None:
            return Reply(kind="help", text=texts.text("no_context"))
        if isinstance(entry, Article):
            text = entry.details
            if entry.points:
                text += "\n\n" + "\n".join(f"• {point}" for point in entry.points)
            buttons = [Button(texts.buttons["sources"], sources_action(entry.id))]
            buttons += self.term_buttons(entry.details, entry.terms, exclude=None)
            return self._article(entry, text, buttons)
        if not entry.more:
            return self.nothing_more(entry)
        see = entry.see if isinstance(entry, Term) else ()
        return Reply(
            kind=entry.kind,
            id=entry.id,
            title=entry.name,
            text=entry.more,
            links=(self.link(entry),),
            buttons=tuple(self.term_buttons(entry.more, see, exclude=entry.ref)),
        )

    def sources(self, ref: str | None) -> Reply:
        """Where the news comes from: an article's sources, or the general Quellencheck."""
        texts = self.kb.texts
        entry = self.kb.get(ref) if ref else None
        if not isinstance(entry, Article):
            buttons = [Button(s.name, s.ref) for s in self.kb.sources]
            return Reply(kind="sources", text=texts.text("sources_check"), buttons=tuple(buttons))
        lines = [texts.text("article_sources", title=entry.title)]
        buttons = []
        for name in entry.sources:
            source = self.kb.by_name(name)
            if isinstance(source, Source):
                named = source.name
                if _spelled_out(source) and len(source.full_name) <= SHORT_FULL_NAME:
                    named += f" ({source.full_name})"
                lines.append(f"• {named}: {source.short}")
                buttons.append(Button(source.name, source.ref))
        return Reply(
            kind="sources",
            id=entry.id,
            title=entry.title,
            text="\n\n".join(lines),
            buttons=tuple(buttons),
        )


def _spelled_out(source: Source) -> bool:
    """True if the source's full name says more than its name ("dpa"), not for "X" (X)."""
    return fold(source.full_name) != fold(source.name)


_LONGEST = 1 << 16  # names longer than this (none are) sort as if this long


def _term_name_table(
    terms: Sequence[Term], folding: Callable[[str], str]
) -> tuple[dict[str, list[tuple[int, Term]]], int]:
    """Per folded name of a term (of 3 letters or more): the terms, each with its place in
    the order names are looked for in (longest first, then as listed: one integer, not a
    pair, which at 100,000 entries is 20 MB less); and how many words the longest name
    has."""
    table: dict[str, list[tuple[int, Term]]] = {}
    longest = 0
    number = 0
    for term in terms:
        for name in (term.name, *term.aliases):
            folded = folding(name)
            if len(folded) >= 3:
                place = (_LONGEST - min(len(folded), _LONGEST)) << 32 | number
                table.setdefault(folded, []).append((place, term))
                longest = max(longest, len(folded.split()))
                number += 1
    return table, longest
