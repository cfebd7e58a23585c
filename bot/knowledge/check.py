"""The rules across files: unique ids, unique names and aliases, references that resolve."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.knowledge.reading import Lines, Reference
from bot.models import Article, Entry, Location, Source, Term
from bot.search.analysis import fold


def check_ids(
    articles: Sequence[tuple[Article, Lines]],
    terms: Sequence[tuple[Term, Lines]],
    sources: Sequence[tuple[Source, Lines]],
) -> None:
    """Two entries with the same id (a term and a source named alike, say) is an error."""
    seen: dict[str, Lines] = {}
    rows: list[tuple[Entry, Lines]] = [*articles, *terms, *sources]
    for entry, lines in rows:
        first = seen.setdefault(entry.ref, lines)
        if first is not lines:
            where = Location(first.doc.path, first.name)
            lines.doc.problem_at(
                lines.name,
                f'{entry.kind} "{entry.name}" has the same id as the entry at {where}'
                " - give one of them another name",
            )


def check_names(
    entries: Sequence[tuple[Entry, Lines]], folding: Callable[[str], str] = fold
) -> None:
    """The same name or alias on two entries (or twice on one) makes answers ambiguous; a
    related word that is an entry's name or another entry's related word too, as well.

    folding: fold, or a faster way to the same result (a reload keeps the names it folded).
    """
    seen: dict[str, tuple[Entry, str, int]] = {}
    related: list[tuple[Term, Lines]] = []
    for entry, lines in entries:
        if isinstance(entry, Article):
            continue
        if isinstance(entry, Term) and entry.related:
            related.append((entry, lines))
        doc = lines.doc
        names = [(lines.name, entry.name)]
        names += list(zip(lines.aliases, entry.aliases, strict=True))
        for line, name in names:
            folded = folding(name)
            if not folded:
                doc.problem_at(line, f'"{name}" has no letters or digits - write a real name')
                continue
            first = seen.get(folded)
            if first is None:
                seen[folded] = (entry, doc.path, line)
            else:
                owner, other = _owner(entry), _owner(first[0])
                where = Location(first[1], first[2])
                if other == owner:
                    doc.problem_at(
                        line,
                        f'"{name}" differs from another name of {owner} only in spelling'
                        " (case, umlauts, hyphens) - remove it, the bot reads those alike",
                        "warning",
                    )
                else:
                    doc.problem_at(
                        line,
                        f'"{name}" is already used by {other} ({where})'
                        " - keep it on one entry only",
                    )
    _check_related(related, seen)


def _owner(entry: Entry) -> str:
    return f'{entry.kind} "{entry.name}"'


def _check_related(
    terms: Sequence[tuple[Term, Lines]], names: Mapping[str, tuple[Entry, str, int]]
) -> None:
    """A related word leads to an entry that is not its name: never a name of an entry."""
    pointing: dict[str, tuple[str, Location]] = {}
    for term, lines in terms:
        doc = lines.doc
        owner = f'term "{term.name}"'
        for line, word in zip(lines.related, term.related, strict=True):
            folded = fold(word)
            if not folded:
                doc.problem_at(line, f'"{word}" has no letters or digits - write a real word')
            elif folded in names:
                entry, path, at = names[folded]
                other, where = _owner(entry), Location(path, at)
                fix = (
                    "remove it from related, it is a name of this entry already"
                    if other == owner
                    else "remove it from related: that entry answers it itself"
                )
                doc.problem_at(line, f'"{word}" is a name of {other} ({where}) - {fix}')
            elif folded in pointing and pointing[folded][0] != owner:
                other, where = pointing[folded]
                doc.problem_at(
                    line,
                    f'"{word}" is a related word of {other} ({where}) too'
                    " - keep it on the entry that helps most",
                )
            else:
                pointing[folded] = (owner, Location(doc.path, line))


def check_references(
    refs: Sequence[Reference],
    names: Mapping[str, Sequence[str]],
    aliases: Mapping[str, Mapping[str, str]] | None = None,
) -> None:
    """Every reference names a known entry of its kind, or gets a "did you mean"."""
    # A set per kind for the membership test: with a list, checking every reference of
    # 100,000 entries took minutes (quadratic); the list stays for suggestions.
    known_names = {what: frozenset(known) for what, known in names.items()}
    catalog: Catalog | None = None
    for doc, owner, field_name, what, values, lines in refs:
        found = [v for v in values if isinstance(v, str)]
        if all(ref in known_names[what] for ref in found):
            continue
        if catalog is None:
            catalog = Catalog.of(names, aliases or {})
        for line, ref in zip(lines, values, strict=True):
            if isinstance(ref, str) and ref not in known_names[what]:
                fix = catalog.suggest(ref, what, field_name)
                doc.problem_at(line, f'{owner} refers to the unknown {what} "{ref}" - {fix}')


KIND_WORDS = {"term": "glossary term", "source": "source"}
LISTED_UNDER = {"term": "terms", "source": "sources"}


@dataclass(frozen=True)
class Catalog:
    """Every name and alias of the terms and sources, folded, for "did you mean"."""

    # kind -> folded name -> (canonical name, the name as written)
    names: dict[str, dict[str, tuple[str, str]]]

    @classmethod
    def of(
        cls, names: Mapping[str, Sequence[str]], aliases: Mapping[str, Mapping[str, str]]
    ) -> Catalog:
        """The catalog of the names and aliases read."""
        catalog: dict[str, dict[str, tuple[str, str]]] = {"term": {}, "source": {}}
        for kind, folded in catalog.items():
            for name in names.get(kind, ()):
                folded.setdefault(fold(name), (name, name))
            for alias, canonical in aliases.get(kind, {}).items():
                folded.setdefault(fold(alias), (canonical, alias))
        return cls(catalog)

    def suggest(self, ref: str, wanted: str, field_name: str) -> str:
        """How to fix a reference to an unknown name: the entry it most likely means.

        Names and aliases of both kinds, case and umlauts aside: first the same name, then
        a close one (rapidfuzz's ratio, at least 80), the kind asked for first.
        """
        key = fold(ref)
        kinds = (wanted, "source" if wanted == "term" else "term")
        found = next(((k, self.names[k][key]) for k in kinds if key in self.names[k]), None)
        for kind in kinds:
            if found is not None or not key:
                break
            best = process.extractOne(
                key, list(self.names[kind]), scorer=fuzz.ratio, score_cutoff=80
            )
            if best is not None:
                found = (kind, self.names[kind][best[0]])
        if found is None:
            return f"add the {KIND_WORDS[wanted]} first, or remove the reference"
        kind, (canonical, written) = found
        how = "" if fold(written) == fold(canonical) else f' ("{written}" is another name of it)'
        if kind == wanted:
            return f'did you mean the {KIND_WORDS[kind]} "{canonical}"?{how}'
        where = (
            f'list it under "{LISTED_UNDER[kind]}"'
            if field_name in LISTED_UNDER.values()
            else "remove it here"
        )
        return f'"{canonical}" is a {KIND_WORDS[kind]}, not a {KIND_WORDS[wanted]}{how} - {where}'
