"""The rules across files: unique ids, unique names and aliases, references that resolve."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

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
    for doc, key, owner, field_name, what in refs:
        data = doc.data
        for part in key:
            data = data[part]  # type: ignore[index]
        values = data.get(field_name) if isinstance(data, dict) else None
        if isinstance(values, list):
            found = [v for v in values if isinstance(v, str)]
            if all(ref in known_names[what] for ref in found):
                continue
            if catalog is None:
                catalog = Catalog.of(names, aliases or {})
            for i, ref in enumerate(values):
                if isinstance(ref, str) and ref not in known_names[what]:
                    fix = catalog.suggest(ref, what, field_name)
                    doc.problem(
                        (*key, field_name, i),
                        f'{owner} refers to the unknown {what} "{ref}" - {fix}',
                    )


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
