"""The rules across files: unique ids, unique names and aliases, references that resolve."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rapidfuzz import process

from bot.knowledge.reading import Reference
from bot.knowledge.yamlfile import Key, YamlDocument
from bot.models import Article, Entry, Location, Source, Term
from bot.search.analysis import fold


def check_ids(
    articles: Sequence[tuple[Article, YamlDocument]],
    terms: Sequence[tuple[Term, YamlDocument, Key]],
    sources: Sequence[tuple[Source, YamlDocument, Key]],
) -> None:
    """Two entries with the same id (a term and a source named alike, say) is an error."""
    seen: dict[str, Location] = {}
    rows: list[tuple[Entry, YamlDocument, Key]] = [
        *((a, d, ("id",)) for a, d in articles),
        *((t, d, (*k, "term")) for t, d, k in terms),
        *((s, d, (*k, "name")) for s, d, k in sources),
    ]
    for entry, doc, key in rows:
        where = doc.where(key)
        if entry.ref in seen:
            doc.problem(
                key,
                f'{entry.kind} "{entry.name}" has the same id as the entry at {seen[entry.ref]}'
                " - give one of them another name",
            )
        else:
            seen[entry.ref] = where


def check_names(entries: Sequence[tuple[Entry, YamlDocument, Key]]) -> None:
    """The same name or alias on two entries (or twice on one) makes answers ambiguous; a
    related word that is an entry's name or another entry's related word too, as well."""
    seen: dict[str, tuple[str, Location]] = {}
    related: list[tuple[Term, YamlDocument, Key]] = []
    for entry, doc, key in entries:
        if isinstance(entry, Article):
            continue
        if isinstance(entry, Term) and entry.related:
            related.append((entry, doc, key))
        names = [("term" if entry.kind == "term" else "name", entry.name)]
        names += [("aliases", alias) for alias in entry.aliases]
        for position, (field_name, name) in enumerate(names):
            folded = fold(name)
            sub: Key = (
                (*key, field_name) if field_name != "aliases" else (*key, field_name, position - 1)
            )
            if not folded:
                doc.problem(sub, f'"{name}" has no letters or digits - write a real name')
                continue
            owner = f'{entry.kind} "{entry.name}"'
            if folded in seen:
                other, where = seen[folded]
                if other == owner:
                    doc.problem(
                        sub,
                        f'"{name}" differs from another name of {owner} only in spelling'
                        " (case, umlauts, hyphens) - remove it, the bot reads those alike",
                        "warning",
                    )
                else:
                    doc.problem(
                        sub,
                        f'"{name}" is already used by {other} ({where})'
                        " - keep it on one entry only",
                    )
                continue
            seen[folded] = (owner, doc.where(sub))
    _check_related(related, seen)


def _check_related(
    terms: Sequence[tuple[Term, YamlDocument, Key]], names: Mapping[str, tuple[str, Location]]
) -> None:
    """A related word leads to an entry that is not its name: never a name of an entry."""
    pointing: dict[str, tuple[str, Location]] = {}
    for term, doc, key in terms:
        owner = f'term "{term.name}"'
        for i, word in enumerate(term.related):
            folded, sub = fold(word), (*key, "related", i)
            if not folded:
                doc.problem(sub, f'"{word}" has no letters or digits - write a real word')
            elif folded in names:
                other, where = names[folded]
                fix = (
                    "remove it from related, it is a name of this entry already"
                    if other == owner
                    else "remove it from related: that entry answers it itself"
                )
                doc.problem(sub, f'"{word}" is a name of {other} ({where}) - {fix}')
            elif folded in pointing and pointing[folded][0] != owner:
                other, where = pointing[folded]
                doc.problem(
                    sub,
                    f'"{word}" is a related word of {other} ({where}) too'
                    " - keep it on the entry that helps most",
                )
            else:
                pointing[folded] = (owner, doc.where(sub))


def check_references(refs: Sequence[Reference], names: Mapping[str, Sequence[str]]) -> None:
    """Every reference names a known entry of its kind, or gets a "did you mean"."""
    # A set per kind for the membership test: with a list, checking every reference of
    # 100,000 entries took minutes (quadratic); the list stays for suggestions.
    known_names = {what: frozenset(known) for what, known in names.items()}
    for doc, key, owner, field_name, what in refs:
        data = doc.data
        for part in key:
            data = data[part]  # type: ignore[index]
        values = data.get(field_name) if isinstance(data, dict) else None
        if isinstance(values, list):
            found = [v for v in values if isinstance(v, str)]
            if all(ref in known_names[what] for ref in found):
                continue
            _unknown((doc, key), owner, field_name, found, names[what], what)


def _unknown(
    where: tuple[YamlDocument, Key],
    owner: str,
    field_name: str,
    refs: Sequence[str],
    known: Sequence[str],
    what: str,
) -> None:
    doc, key = where
    for i, ref in enumerate(refs):
        if ref in known:
            continue
        best = process.extractOne(ref, list(known), score_cutoff=60) if known else None
        fix = f'did you mean "{best[0]}"?' if best else f"add the {what} or remove the reference"
        doc.problem((*key, field_name, i), f'{owner} refers to the unknown {what} "{ref}" - {fix}')
