"""`newsbot check` as a library: load with drafts, readability and self-test, limited to some
files if asked, with the problems grouped for the report. The CLI only prints the result."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.engine import Engine
from bot.knowledge.base import KnowledgeBase, KnowledgeError, known_names
from bot.knowledge.editor import stale_schemas
from bot.knowledge.load import DRAFTS, load_knowledge
from bot.knowledge.readability import start_readability
from bot.knowledge.selftest import self_test
from bot.models import Location, Problem

# Told (stage, done, total) as `check` goes: "reading" files, "indexing" entries,
# "readability" entries, "self-test" questions.
Progress = Callable[[str, int, int], None]


@dataclass
class CheckResult:
    """What `newsbot check` found in a folder (or in some of its files)."""

    root: Path
    kb: KnowledgeBase | None
    problems: list[Problem] = field(default_factory=list)
    # Errors in other files of the folder (when checking some files): the folder cannot load.
    elsewhere: int = 0

    @property
    def errors(self) -> list[Problem]:
        """The problems that keep the knowledge from being used."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems `check --strict` fails on too."""
        return [p for p in self.problems if p.severity == "warning"]

    def by_kind(self) -> list[tuple[str, list[Problem]]]:
        """The warnings grouped by kind, the most frequent kind first."""
        counts = Counter(p.kind or "other" for p in self.warnings)
        return [
            (kind, [p for p in self.warnings if (p.kind or "other") == kind])
            for kind, _ in counts.most_common()
        ]

    def contents(self) -> str:
        """What the folder holds: "2 articles (1 draft), 153 terms, 7 sources"."""
        if self.kb is None:
            return "not loaded"
        kb = self.kb
        articles = len({a.id for a in kb.articles} | {a.id for a in kb.drafts})
        drafts = (
            f" ({len(kb.drafts)} draft{'s' if len(kb.drafts) != 1 else ''})" if kb.drafts else ""
        )
        return (
            f"{_count(articles, 'article')}{drafts}, {_count(len(kb.terms), 'term')},"
            f" {_count(len(kb.sources), 'source')}"
        )


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def knowledge_root(path: Path) -> Path | None:
    """The knowledge folder a file belongs to: the nearest folder above it with a bot.yaml."""
    for folder in path.resolve().parents:
        if (folder / "bot.yaml").is_file():
            return folder
    return None


def run_check(
    root: Path,
    files: Sequence[Path] = (),
    selftest: bool = True,
    today: dt.date | None = None,
    progress: Progress | None = None,
    jobs: int | None = None,
) -> CheckResult:
    """Check a knowledge folder; with files, report only what stands in them.

    jobs: how many processes read for readability and ask the self-test's questions (None:
    one per core for large knowledge, one for small)."""
    wanted = {f.resolve() for f in files}
    # An article's glossary candidates (drafts/<id>.yaml) belong to its check.
    wanted |= {root.resolve() / DRAFTS / f.name for f in wanted if f.parent.name == "articles"}

    def keep(where: Location) -> bool:
        if not wanted:
            return True
        path = Path(where.path)
        full = path if path.is_absolute() else root.resolve().parent / path
        return full.resolve() in wanted

    def stage(name: str) -> Callable[[int, int], None] | None:
        if progress is None:
            return None
        return lambda done, total: progress(name, done, total)

    try:
        # What Engine.load does, in two steps that show their progress.
        kb = load_knowledge(root, drafts=True, progress=stage("reading"))
    except KnowledgeError as exc:
        mine = [p for p in exc.problems if keep(p.where)]
        others = sum(1 for p in exc.errors if not keep(p.where))
        return CheckResult(root, None, mine, others)
    # Readability needs no index: the other cores read while this one builds it.
    reading = start_readability(kb, jobs=jobs)
    try:
        entries = len(kb.articles) + len(kb.terms) + len(kb.sources)
        if progress is not None:
            progress("indexing", 0, entries)
        engine = Engine.build(kb, today)
        if progress is not None:
            progress("indexing", entries, entries)
    except BaseException:
        reading.cancel()
        raise
    readability = reading.result(stage("readability"))
    problems = [*engine.kb.warnings, *readability, *_schemas(engine.kb)]
    if selftest:
        problems += self_test(engine, keep if wanted else None, stage("self-test"), jobs)
    return CheckResult(root, engine.kb, [p for p in problems if keep(p.where)])


def _schemas(kb: KnowledgeBase) -> list[Problem]:
    """A warning for each editor schema that no longer matches the knowledge."""
    base = kb.root.parent if kb.root.name else kb.root
    problems = []
    for path in stale_schemas(kb.root / "schema", known_names(kb)):
        try:
            shown = str(path.relative_to(base))
        except ValueError:
            shown = str(path)
        problems.append(
            Problem(
                Location(shown, 1),
                "the editor's schema is out of date (a new term or source, say) - run"
                " `newsbot schema`",
                "warning",
                "schema",
            )
        )
    return problems
