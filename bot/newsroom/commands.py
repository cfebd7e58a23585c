"""The newsroom's commands: check, draft, report and schema (the CLI's parser wires them).

Each turns what the library finds into lines for people: the folder checked and what is in
it, the files written, the database read - and an exit status.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.config import Settings
from bot.engine import Engine
from bot.knowledge.base import KnowledgeError, known_names
from bot.lists import DEFAULT_FRESH_DAYS
from bot.snapshot import warm_engine


def load_engine(
    root: Path,
    err: TextIO,
    fresh_days: int = DEFAULT_FRESH_DAYS,
    cache_dir: Path | None = None,
    background: bool = False,
) -> Engine | None:
    """The engine over a knowledge directory (from its snapshot in cache_dir if that is
    current; a new one written by a thread if background), or None after printing what is
    wrong."""
    try:
        return warm_engine(root, cache_dir, fresh_days=fresh_days, background=background)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=err)
        print(
            f"newsbot: the knowledge in {root} has {len(exc.errors)} error(s)"
            " - fix them (see `newsbot check`)",
            file=err,
        )
        return None


def cmd_check(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """Validate the knowledge (or some of its files) and run the self-test; exit 1 on errors."""
    from bot.knowledge.checking import knowledge_root, run_check

    root = settings.knowledge_dir
    files: list[Path] = args.files
    if files and args.kb is None:
        found = knowledge_root(files[0])
        if found is None:
            print(
                f"newsbot: {files[0]} is in no knowledge folder (none above it has a bot.yaml)",
                file=err,
            )
            return 2
        root = found
    missing = [f for f in files if not f.is_file()]
    if missing:
        print(f"newsbot: {missing[0]} does not exist - check the path", file=err)
        return 2
    shown = f"{root.resolve()}/"
    # Progress only on a terminal: pipes and tests get the report alone.
    progress = stage_progress(err) if err.isatty() else None
    result = run_check(
        root, files, selftest=not args.no_selftest, progress=progress, jobs=args.jobs
    )
    print(f"{shown}: {result.contents()}", file=out)
    if files:
        print("checking only: " + ", ".join(str(f) for f in files), file=out)
    for problem in result.errors:
        print(problem, file=out)
    for kind, problems in result.by_kind():
        print(f"-- {kind}: {len(problems)} warning(s)", file=out)
        for problem in problems:
            print(problem, file=out)
    if result.elsewhere:
        print(
            f"{result.elsewhere} error(s) in other files keep the folder from loading, so not"
            " every check ran - run `newsbot check` to see them",
            file=out,
        )
    kinds = ", ".join(f"{len(group)} {kind}" for kind, group in result.by_kind())
    print(
        f"{shown}: {len(result.errors)} error(s), {len(result.warnings)} warning(s)"
        + (f" ({kinds})" if kinds else ""),
        file=out,
    )
    if result.errors or result.elsewhere or (args.strict and result.warnings):
        return 1
    return 0


# What the progress of each stage of `check` counts, and from how many on it is shown.
STAGES = {
    "reading": ("files", 100),
    "indexing": ("entries", 10_000),
    "readability": ("entries", 2_000),
    "self-test": ("questions", 500),
}


def progress_bar(
    err: TextIO, label: str = "self-test", unit: str = "questions", minimum: int = 500
) -> Callable[[int, int], None]:
    """A one-line progress bar on the terminal for a long stage of `check` (the self-test of
    a large folder: from 500 questions on)."""
    shown = -1

    def show(done: int, total: int) -> None:
        nonlocal shown
        if total < minimum or total <= 0:
            return
        percent = done * 100 // total
        if percent != shown:
            shown = percent
            bar = "#" * (percent // 5)
            end = "\n" if done == total else ""
            err.write(f"\r{label} [{bar:<20}] {done}/{total} {unit}{end}")
            err.flush()

    return show


def stage_progress(err: TextIO) -> Callable[[str, int, int], None]:
    """The progress of every stage of `check`, one bar per stage (see STAGES)."""
    bars: dict[str, Callable[[int, int], None]] = {}

    def show(stage: str, done: int, total: int) -> None:
        if stage not in bars:
            unit, minimum = STAGES.get(stage, ("", 500))
            bars[stage] = progress_bar(err, stage, unit, minimum)
        bars[stage](done, total)

    return show


def cmd_schema(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """Write the JSON Schemas that editors use to check knowledge files while typing."""
    from bot.knowledge.editor import write_json_schemas

    directory = args.out or settings.knowledge_dir / "schema"
    engine = load_engine(settings.knowledge_dir, err, settings.fresh_days)
    if engine is None:
        return 1
    for path in write_json_schemas(directory, known_names(engine.kb)):
        print(path, file=out)
    return 0


def cmd_report(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """Print the unanswered questions of the last days, grouped by topic, with suggestions."""
    from bot.newsroom.report import build_report, render
    from bot.storage.backend import SQLITE_FILE, open_database
    from bot.storage.interface import Asked, StoreError

    data_dir: Path = args.data or settings.data_dir
    path = data_dir / SQLITE_FILE
    # --data names a data folder: its SQLite file, even where NEWSBOT_DATABASE_URL is set.
    url = None if args.data else settings.database_url
    where = "NEWSBOT_DATABASE_URL" if url else str(path)
    if not url and not path.is_file():
        # Opening it would create an empty database and report "nothing": a typo in --data
        # looked like a quiet week.
        print(
            f"newsbot: there is no database {path} - give the bot's data folder with --data"
            " (or NEWSBOT_DATA_DIR)",
            file=err,
        )
        return 1
    engine = load_engine(settings.knowledge_dir, err, settings.fresh_days)
    if engine is None:
        return 1

    async def stored() -> tuple[list[Asked], dt.date]:
        database = await open_database(data_dir, settings.retention_days, database_url=url)
        try:
            return await database.stats.asked(args.days), database.stats.today()
        finally:
            await database.close()

    try:
        asked, today = asyncio.run(stored())
    except StoreError as exc:
        print(f"newsbot: cannot read the data in {where if url else data_dir}: {exc}", file=err)
        return 1
    first = today - dt.timedelta(days=args.days - 1)
    source = f"{where} for the {args.days} days {first.isoformat()} to {today.isoformat()}"
    out.write(render(build_report(asked, engine), args.format, source))
    return 0


def cmd_draft(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """Write a draft article (and its glossary candidates) from a raw article text."""
    from bot.newsroom.draft import draft

    source: str = args.file
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"newsbot: cannot read {source}: {exc} - give a UTF-8 text file", file=err)
        return 2
    engine = load_engine(settings.knowledge_dir, err, settings.fresh_days)
    if engine is None:
        return 1
    root = settings.knowledge_dir
    result = draft(text, engine.kb, dt.date.today(), "" if source == "-" else Path(source).name)
    if args.id:
        result.id = args.id
        result.article = result.article.replace(
            f"\nid: {_id_of(result.article)}\n", f"\nid: {args.id}\n", 1
        )
    article = root / "articles" / f"{result.id}.yaml"
    terms = root / "drafts" / f"{result.id}.yaml"
    for path in (article, terms):
        if path.exists():
            print(
                f"newsbot: {path} exists already - finish or delete it, or give the draft"
                " another id with --id",
                file=err,
            )
            return 1
    article.parent.mkdir(parents=True, exist_ok=True)
    article.write_text(result.article, encoding="utf-8")
    print(f"wrote {article} (draft: true - readers do not see it yet)", file=out)
    if result.candidates:
        terms.parent.mkdir(parents=True, exist_ok=True)
        terms.write_text(result.glossary(), encoding="utf-8")
        words = ", ".join(c.word for c in result.candidates)
        print(f"wrote {terms}: {len(result.candidates)} glossary candidates ({words})", file=out)
    print(
        f"next: do every TODO in {article.name}, then run `newsbot check {article}`"
        " until it reports nothing",
        file=out,
    )
    return 0


def _id_of(article: str) -> str:
    for line in article.splitlines():
        if line.startswith("id: "):
            return line[4:]
    return ""
