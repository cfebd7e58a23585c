"""An index for changed knowledge, made from the index of the knowledge before the change.

A reload after an edit changes a few entries among thousands. Building the whole index again
takes seconds per 10,000 entries; here only the changed entries are indexed. The new index
shares the old one's postings of every word the change does not touch (the old index stays
as it was: it answers until the swap). A changed or removed entry's target stays in the
list of targets, unreachable: no posting points to it any more. Once there are as many
unreachable targets as live ones, the caller builds the index from scratch instead.

What the bot's own texts decide (intents, small talk, worries, synonyms) is not updated
here: when they change, None says to build the index anew.
"""

from __future__ import annotations

import dataclasses
from array import array
from collections import defaultdict
from collections.abc import Mapping

from bot.knowledge.base import KnowledgeBase
from bot.models import Article, Entry, Term
from bot.search.index import (
    LENGTH_BITS,
    TYPECODE,
    WEIGHT_BITS,
    Builder,
    FieldKind,
    Index,
    Postings,
    new_postings,
    term_names,
)

# Unreachable targets allowed per live one before the index is built from scratch again.
MAX_DEAD_SHARE = 1.0


def changed_entries(old: KnowledgeBase, new: KnowledgeBase) -> tuple[list[Entry], list[Entry]]:
    """The entries of old to take out of the index and the entries of new to put in: those
    that changed (equal entries read again from an edited file are left alone), and the
    articles that link a term whose names changed."""
    removed = [e for e in old.entries() if not _same(new.get(e.ref), e)]
    added = [e for e in new.entries() if not _same(old.get(e.ref), e)]
    before = term_names(e for e in removed if isinstance(e, Term))
    after = term_names(e for e in added if isinstance(e, Term))
    renamed = {n for n in before.keys() | after.keys() if before.get(n) != after.get(n)}
    if renamed:
        again = {e.ref for e in added}
        for article in new.articles:
            if article.ref not in again and renamed.intersection(article.terms):
                removed.append(article)
                added.append(article)
    return removed, added


def _same(entry: Entry | None, other: Entry) -> bool:
    return entry is other or entry == other


def update_index(
    index: Index,
    old: KnowledgeBase,
    new: KnowledgeBase,
    field_weights: Mapping[FieldKind, float],
    max_join: int,
) -> tuple[Index, list[str]] | None:
    """The index of new, made from index (the index of old), and the words it knows that
    index did not (for the typo table); None if it must be built from scratch."""
    if new.texts is not old.texts and new.texts != old.texts:
        return None
    removed, added = changed_entries(old, new)
    live = len(new.articles) + len(new.terms) + len(new.sources)
    if len(index.targets) + len(added) - live > MAX_DEAD_SHARE * live + 1000:
        return None
    docs = {
        target.key: doc
        for doc, target in enumerate(index.targets)
        if target.kind in ("article", "term", "source")
    }  # a ref's last target is its live one
    dead = {docs[e.ref] for e in removed}
    updated = dataclasses.replace(
        index,
        targets=list(index.targets),
        instances=list(index.instances),
        postings=dict(index.postings),
        text_postings=dict(index.text_postings),
        joined=set(index.joined),
        surface=dict(index.surface),
        related_of=dict(index.related_of),
        pointer_words=dict(index.pointer_words),
    )
    gone = _take_out(updated, removed, dead, old, field_weights, max_join)
    postings, text_postings = _index(updated, added, new, field_weights, max_join)
    # New arrays: the old index's arrays stay as they are.
    for stem_, items in postings.items():
        updated.postings[stem_] = updated.postings.get(stem_, new_postings()) + items
    for stem_, weighted in text_postings.items():
        updated.text_postings[stem_] = updated.text_postings.get(stem_, new_postings()) + weighted
    # A word that no entry holds any more leaves the vocabulary (the typo table skips it).
    for word in gone:
        key = updated.surface.get(word)
        if key is not None and not updated.known(key):
            del updated.surface[word]
    words = [w for w in updated.surface if w not in index.surface] if added else []
    return updated, words


def _take_out(
    index: Index,
    removed: list[Entry],
    dead: set[int],
    old: KnowledgeBase,
    field_weights: Mapping[FieldKind, float],
    max_join: int,
) -> list[str]:
    """Drop the postings of the dead targets: the removed entries are indexed once more
    aside, only to learn which words' postings point to them. Returns their words."""
    if not removed:
        return []
    aside = Index(canon=index.canon, weights=index.weights)
    postings, text_postings = _index(aside, removed, old, field_weights, max_join)
    instances = index.instances
    for stem_ in postings:
        stored = index.postings.get(stem_, ())
        kept = [p for p in stored if instances[p >> LENGTH_BITS].doc not in dead]
        if kept:
            index.postings[stem_] = array(TYPECODE, kept)
        else:
            index.postings.pop(stem_, None)
    for stem_ in text_postings:
        weighted = [p for p in index.text_postings.get(stem_, ()) if p >> WEIGHT_BITS not in dead]
        if weighted:
            index.text_postings[stem_] = array(TYPECODE, weighted)
        else:
            index.text_postings.pop(stem_, None)
    return list(aside.surface)


def _index(
    index: Index,
    entries: list[Entry],
    kb: KnowledgeBase,
    field_weights: Mapping[FieldKind, float],
    max_join: int,
) -> tuple[dict[str, Postings], dict[str, Postings]]:
    """Add entries (of kb) to index, and return their postings and text postings."""
    postings: dict[str, Postings] = defaultdict(new_postings)
    text_postings: dict[str, Postings] = defaultdict(new_postings)
    builder = Builder(index, postings, text_postings, field_weights, max_join)
    names = term_names(_listed_terms(kb, entries))
    for entry in entries:
        builder.entry(entry, names)
    return postings, text_postings


def _listed_terms(kb: KnowledgeBase, entries: list[Entry]) -> list[Term]:
    """The terms of kb that the articles among entries list."""
    names = {name for e in entries if isinstance(e, Article) for name in e.terms}
    found = (kb.by_name(name) for name in names)
    return [t for t in found if isinstance(t, Term)]
