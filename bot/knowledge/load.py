"""Load the knowledge directory into a KnowledgeBase, with every problem as file:line."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from rapidfuzz import process

from bot.gcpause import gc_paused
from bot.knowledge import schema
from bot.knowledge.yamlfile import Key, YamlDocument, read_yaml
from bot.models import (
    Article,
    BotTexts,
    Entry,
    Image,
    Intent,
    Location,
    Problem,
    SmallTalk,
    Source,
    Term,
)
from bot.search.analysis import fold

SUMMARY_MAX_WORDS = 60
MAX_FILES = 200_000

M = TypeVar("M", bound=BaseModel)


class KnowledgeError(Exception):
    """The knowledge cannot be used; carries every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(self.errors)} problem(s) in the knowledge")

    @property
    def errors(self) -> list[Problem]:
        """The problems that make the knowledge unusable."""
        return [p for p in self.problems if p.severity == "error"]


@dataclass(frozen=True)
class KnowledgeBase:
    """All knowledge, validated: articles, glossary terms, sources and the bot's own texts."""

    root: Path
    articles: tuple[Article, ...]
    terms: tuple[Term, ...]
    sources: tuple[Source, ...]
    texts: BotTexts
    warnings: tuple[Problem, ...] = ()
    # Where each example question and alias stands: (ref, field, position) -> file:line.
    locations: dict[tuple[str, str, int], Location] = field(default_factory=dict)
    _by_ref: dict[str, Entry] = field(default_factory=dict, compare=False, repr=False)
    _by_name: dict[str, Entry] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for entry in self.entries():
            self._by_ref[entry.ref] = entry
            if not isinstance(entry, Article):
                self._by_name[entry.name] = entry

    def entries(self) -> Iterable[Entry]:
        """Every entry: articles, then terms, then sources."""
        yield from self.articles
        yield from self.terms
        yield from self.sources

    def get(self, ref: str) -> Entry | None:
        """The entry behind a compact reference such as t:sanktionen, or None."""
        return self._by_ref.get(ref)

    def by_name(self, name: str) -> Entry | None:
        """A term or source by its canonical name."""
        return self._by_name.get(name)

    def current_articles(self, today: dt.date) -> list[Article]:
        """Articles that are still news, newest first."""
        current = [a for a in self.articles if a.is_current(today)]
        return sorted(current, key=lambda a: (a.date, a.id), reverse=True)


def slugify(name: str) -> str:
    """A compact id for a name: "Kim Jong-un" -> "kim-jong-un"."""
    return re.sub(r"\s+", "-", fold(name))[:40].strip("-")


_HINTS = {
    "summary": "add the short answer for young readers (at most 60 words)",
    "short": "add a one-to-three sentence explanation",
    "details": 'add the longer explanation behind "Mehr erfahren"',
    "link": "add one good web address, starting with https://",
    "url": "add the web address, starting with https://",
    "date": "add the date as YYYY-MM-DD, e.g. 2023-09-13",
    "id": "add an id of lowercase letters, digits and hyphens, equal to the file name",
    "title": "add the headline",
    "term": "add the name of the term",
    "name": "add the short name",
    "full_name": "add the full name",
    "kind": "add what it is, e.g. Nachrichtenagentur",
}


def _label(data: object, key_field: str, kind: str) -> str:
    if isinstance(data, dict) and isinstance(data.get(key_field), str):
        return f'{kind} "{data[key_field]}"'
    return kind


def _allowed_fields(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The field names allowed at the parent of loc, following nested models."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return []
        annotation = info.annotation
        for candidate in (annotation, *getattr(annotation, "__args__", ())):
            inner = getattr(candidate, "__args__", (candidate,))
            for option in (candidate, *inner):
                if isinstance(option, type) and issubclass(option, BaseModel):
                    current = option
                    break
    return list(current.model_fields)


def _message(error: Any, label: str, model: type[BaseModel]) -> str:
    loc = tuple(error["loc"])
    name = next((str(p) for p in reversed(loc) if isinstance(p, str)), "value")
    kind = error["type"]
    if kind == "missing":
        hint = _HINTS.get(name, "add it (see knowledge/README.md)")
        return f'{label} has no "{name}" - {hint}'
    if kind == "extra_forbidden":
        allowed = _allowed_fields(model, loc)
        best = process.extractOne(name, allowed, score_cutoff=60) if allowed else None
        fix = f'did you mean "{best[0]}"?' if best else "remove it"
        return f'{label} has an unknown field "{name}" - {fix} (allowed: {", ".join(allowed)})'
    if kind == "string_too_short":
        return f'{label}: "{name}" is empty - write a text or remove the field'
    if kind == "string_too_long":
        return f'{label}: "{name}" is too long - shorten it'
    if kind == "string_type":
        return f'{label}: "{name}" must be text - write it as text, in quotes if needed'
    if kind == "list_type":
        return f'{label}: "{name}" must be a list - write one "- item" per line or [a, b]'
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f'{label}: "{name}" must be a group of fields - see knowledge/README.md'
    if kind.startswith("date") or kind.startswith("datetime"):
        return f'{label}: "{name}" is not a valid date - write it as YYYY-MM-DD, e.g. 2023-09-13'
    if kind == "string_pattern_mismatch":
        return (
            f'{label}: "{name}" may only hold lowercase letters, digits and hyphens'
            " - e.g. putin-kim-treffen"
        )
    if kind == "value_error" and "web address" in str(error.get("msg", "")):
        return f'{label}: "{name}" is not a web address - write it as https://...'
    if kind == "too_short":
        return f'{label}: "{name}" has too few items - add at least one'
    if kind == "too_long":
        return f'{label}: "{name}" has too many items - remove some'
    return f'{label}: "{name}": {error["msg"]} - see knowledge/README.md'


def _validate(doc: YamlDocument, data: object, model: type[M], prefix: Key, label: str) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = (*prefix, *error["loc"])
            doc.problem(loc, _message(error, label, model))
        return None


def _items(doc: YamlDocument, field_name: str) -> list[tuple[int, object]]:
    """The list under the file's top-level key, reporting a wrong shape."""
    if doc.data is None:
        return []
    if not isinstance(doc.data, dict) or field_name not in doc.data:
        doc.problem((), f'the file must start with "{field_name}:" and a list of entries below')
        return []
    extra = [k for k in doc.data if k != field_name]
    for name in extra:
        doc.problem((name,), f'unknown top-level field "{name}" - only "{field_name}:" belongs')
    items = doc.data[field_name]
    if not isinstance(items, list):
        doc.problem((field_name,), f'"{field_name}" must be a list - write one "- " per entry')
        return []
    return list(enumerate(items))


@dataclass
class _Loader:
    root: Path
    problems: list[Problem] = field(default_factory=list)
    docs: list[YamlDocument] = field(default_factory=list)
    locations: dict[tuple[str, str, int], Location] = field(default_factory=dict)
    # Names of every entry, valid or not, so that one broken entry does not make every
    # reference to it an error too.
    names: dict[str, list[str]] = field(default_factory=lambda: {"term": [], "source": []})
    # References to check once every name is known: (doc, key, owner, field, what).
    refs: list[tuple[YamlDocument, Key, str, str, str]] = field(default_factory=list)

    def want_refs(
        self, doc: YamlDocument, key: Key, data: object, owner: str, fields: dict[str, str]
    ) -> None:
        """Remember the references of an entry, read from the raw data, valid or not."""
        if isinstance(data, dict):
            for field_name, what in fields.items():
                self.refs.append((doc, key, owner, field_name, what))

    def display(self, path: Path) -> str:
        try:
            base = self.root.parent if self.root.name else self.root
            return str(path.relative_to(base))
        except ValueError:
            return str(path)

    def read(self, path: Path) -> YamlDocument:
        doc = read_yaml(path, self.display(path))
        if path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(self.root.resolve()):
                doc = YamlDocument(self.display(path))
                doc.problem((), "the file is a link to outside the knowledge folder - copy it in")
        self.docs.append(doc)
        return doc

    def where(self, doc: YamlDocument, key: Key) -> Location:
        return doc.where(key)


def _terms_from(loader: _Loader, path: Path) -> list[tuple[Term, YamlDocument, Key]]:
    doc = loader.read(path)
    result = []
    for i, data in _items(doc, "terms"):
        key: Key = ("terms", i)
        if isinstance(data, dict) and isinstance(data.get("term"), str):
            loader.names["term"].append(data["term"])
            loader.want_refs(doc, key, data, f'term "{data["term"]}"', {"see": "term"})
        item = _validate(doc, data, schema.TermFile, key, _label(data, "term", "term"))
        if item is None:
            continue
        term = Term(
            id=slugify(item.term),
            name=item.term,
            aliases=tuple(item.aliases),
            questions=tuple(item.questions),
            short=item.short,
            more=item.more,
            link=item.link,
            see=tuple(item.see),
            date=item.date,
            where=doc.where(key),
        )
        _remember(
            loader, term.ref, doc, key, {"aliases": term.aliases, "questions": term.questions}
        )
        result.append((term, doc, key))
    return result


def _remember(
    loader: _Loader, ref: str, doc: YamlDocument, key: Key, fields: Mapping[str, Sequence[str]]
) -> None:
    for name, values in fields.items():
        for i in range(len(values)):
            loader.locations[(ref, name, i)] = doc.where((*key, name, i))


def _sources_from(loader: _Loader, path: Path) -> list[tuple[Source, YamlDocument, Key]]:
    doc = loader.read(path)
    result = []
    for i, data in _items(doc, "sources"):
        key: Key = ("sources", i)
        if isinstance(data, dict) and isinstance(data.get("name"), str):
            loader.names["source"].append(data["name"])
        item = _validate(doc, data, schema.SourceFile, key, _label(data, "name", "source"))
        if item is None:
            continue
        source = Source(
            id=slugify(item.name),
            name=item.name,
            full_name=item.full_name,
            aliases=tuple(item.aliases),
            source_kind=item.kind,
            questions=tuple(item.questions),
            short=item.short,
            more=item.more,
            link=item.link,
            where=doc.where(key),
        )
        _remember(
            loader,
            source.ref,
            doc,
            key,
            {
                "aliases": source.aliases,
                "questions": source.questions,
                "short": (source.short,),
                "more": (source.more or "",),
            },
        )
        result.append((source, doc, key))
    return result


def _article_from(loader: _Loader, path: Path) -> tuple[Article, YamlDocument] | None:
    doc = loader.read(path)
    if doc.data is None:
        return None
    label = _label(doc.data, "id", "article")
    loader.want_refs(doc, (), doc.data, label, {"terms": "term", "sources": "source"})
    item = _validate(doc, doc.data, schema.ArticleFile, (), label)
    if item is None:
        return None
    if item.id != path.stem:
        doc.problem(("id",), f'the id "{item.id}" differs from the file name - rename one of them')
    words = len(item.summary.split())
    if words > SUMMARY_MAX_WORDS:
        doc.problem(
            ("summary",),
            f'article "{item.id}": the summary has {words} words, more than {SUMMARY_MAX_WORDS}'
            " - shorten it and move the rest to details",
            "warning",
        )
    if not item.questions:
        doc.problem(
            ("id",),
            f'article "{item.id}" has no example questions - add a few under "questions"',
            "warning",
        )
    image = None
    if item.image is not None:
        image = Image(caption=item.image.caption, credit=item.image.credit, url=item.image.url)
    article = Article(
        id=item.id,
        title=item.title,
        date=item.date,
        url=item.url,
        authors=tuple(item.authors),
        summary=item.summary,
        details=item.details,
        points=tuple(item.points),
        questions=tuple(item.questions),
        keywords=tuple(item.keywords),
        terms=tuple(item.terms),
        sources=tuple(item.sources),
        expires=item.expires,
        image=image,
        where=doc.where(()),
    )
    texts = {"summary": (article.summary,), "details": (article.details,)}
    _remember(
        loader, article.ref, doc, (), {"questions": article.questions, "points": article.points}
    )
    _remember(loader, article.ref, doc, (), texts)
    return article, doc


def _bot_from(loader: _Loader, path: Path) -> BotTexts | None:
    doc = loader.read(path)
    if doc.data is None:
        return None
    item = _validate(doc, doc.data, schema.BotFile, (), "the bot texts")
    if item is None:
        return None
    for name in schema.TextsFile.model_fields:
        loader.locations[("bot", f"texts.{name}", 0)] = doc.where(("texts", name))
    for i, talk in enumerate(item.smalltalk):
        for j in range(len(talk.replies)):
            where = doc.where(("smalltalk", i, "replies", j))
            loader.locations[("bot", f"smalltalk.{talk.name}", j)] = where
    intents = {
        name: Intent(name=name, phrases=tuple(value.phrases), words=tuple(value.words))
        for name, value in item.intents
    }
    smalltalk = tuple(
        SmallTalk(
            name=s.name, phrases=tuple(s.phrases), replies=tuple(s.replies), words=tuple(s.words)
        )
        for s in item.smalltalk
    )
    return BotTexts(
        texts=dict(item.texts),
        buttons=dict(item.buttons),
        months=tuple(item.months),
        intents=intents,
        smalltalk=smalltalk,
        commands=dict(item.commands),
    )


def _synonyms_from(loader: _Loader, path: Path) -> tuple[tuple[str, ...], ...]:
    doc = loader.read(path)
    if doc.data is None:
        return ()
    item = _validate(doc, doc.data, schema.SynonymsFile, (), "the synonyms")
    if item is None:
        return ()
    seen: dict[str, int] = {}
    for i, group in enumerate(item.synonyms):
        for j, word in enumerate(group):
            folded = fold(word)
            if folded in seen and seen[folded] != i:
                doc.problem(
                    ("synonyms", i, j),
                    f'"{word}" is in two synonym groups - keep it in one of them',
                )
            seen[folded] = i
    return tuple(tuple(group) for group in item.synonyms)


def _reference_problems(
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


def _check_names(entries: Sequence[tuple[Entry, YamlDocument, Key]]) -> None:
    """The same name or alias on two entries (or twice on one) makes answers ambiguous."""
    seen: dict[str, tuple[str, Location]] = {}
    for entry, doc, key in entries:
        if isinstance(entry, Article):
            continue
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


def load_knowledge(root: Path) -> KnowledgeBase:
    """Load and validate a knowledge directory; raise KnowledgeError with every problem."""
    with gc_paused():
        return _load(root)


def _load(root: Path) -> KnowledgeBase:
    loader = _Loader(root)
    display_root = loader.display(root)
    if not root.is_dir():
        problem = Problem(
            Location(display_root, 1),
            "the knowledge folder does not exist - check the path or NEWSBOT_KNOWLEDGE",
        )
        raise KnowledgeError([problem])

    terms: list[tuple[Term, YamlDocument, Key]] = []
    glossary_files = [root / "glossary.yaml"] if (root / "glossary.yaml").exists() else []
    glossary_files += sorted((root / "glossary").glob("*.yaml"))
    if not glossary_files:
        loader.problems.append(
            Problem(Location(display_root, 1), "no glossary found - add glossary.yaml")
        )
    for path in glossary_files:
        terms += _terms_from(loader, path)

    sources: list[tuple[Source, YamlDocument, Key]] = []
    if (root / "sources.yaml").exists():
        sources = _sources_from(loader, root / "sources.yaml")
    else:
        loader.problems.append(
            Problem(Location(display_root, 1), "sources.yaml is missing - add it")
        )

    bot: BotTexts | None = None
    if (root / "bot.yaml").exists():
        bot = _bot_from(loader, root / "bot.yaml")
    else:
        loader.problems.append(Problem(Location(display_root, 1), "bot.yaml is missing - add it"))

    if bot is not None and (root / "synonyms.yaml").exists():
        synonyms = _synonyms_from(loader, root / "synonyms.yaml")
        bot = replace(bot, synonyms=synonyms)

    articles: list[tuple[Article, YamlDocument]] = []
    article_paths = sorted((root / "articles").glob("*.yaml"))[:MAX_FILES]
    for path in article_paths:
        loaded = _article_from(loader, path)
        if loaded is not None:
            articles.append(loaded)
    for path in sorted(root.rglob("*.yml")):
        loader.problems.append(
            Problem(Location(loader.display(path), 1), 'rename the file to end in ".yaml"')
        )

    _check_ids(articles, terms, sources)
    every: list[tuple[Entry, YamlDocument, Key]] = [
        *((a, d, ()) for a, d in articles),
        *terms,
        *sources,
    ]
    _check_names(every)

    # A set per kind for the membership test: with a list, checking every reference of
    # 100,000 entries took minutes (quadratic); the list stays for suggestions.
    known_names = {what: frozenset(names) for what, names in loader.names.items()}
    for doc, key, owner, field_name, what in loader.refs:
        data = doc.data
        for part in key:
            data = data[part]  # type: ignore[index]
        values = data.get(field_name) if isinstance(data, dict) else None
        if isinstance(values, list):
            refs = [v for v in values if isinstance(v, str)]
            if all(ref in known_names[what] for ref in refs):
                continue
            _reference_problems((doc, key), owner, field_name, refs, loader.names[what], what)

    problems = [p for doc in loader.docs for p in doc.problems] + loader.problems
    errors = [p for p in problems if p.severity == "error"]
    if errors or bot is None:
        raise KnowledgeError(problems)
    return KnowledgeBase(
        root=root,
        articles=tuple(a for a, _ in articles),
        terms=tuple(t for t, _, _ in terms),
        sources=tuple(s for s, _, _ in sources),
        texts=bot,
        warnings=tuple(problems),
        locations=loader.locations,
    )


def _check_ids(
    articles: Sequence[tuple[Article, YamlDocument]],
    terms: Sequence[tuple[Term, YamlDocument, Key]],
    sources: Sequence[tuple[Source, YamlDocument, Key]],
) -> None:
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
