"""Hot reload of the knowledge: load, validate and index aside, then swap in one assignment.

The knowledge directory is polled for changes (file names, sizes and modification times):
polling needs no extra thread or library, works on every file system, and a second of
delay is nothing for moderators. Broken knowledge is never swapped in; the last good
engine keeps answering and the problems are reported until a later save fixes them.

With a cache folder, the knowledge is loaded, validated and indexed in a child process,
which writes it as the snapshot of the warm start (bot/snapshot.py); this process only
reads the snapshot back, in small pieces, so the thread that does it never holds the
interpreter for long and readers are answered meanwhile. Without one (the switch that turns
this off), the whole work runs in this process, as it always did.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bot import pieces, snapshot
from bot.engine import Engine
from bot.knowledge.base import KnowledgeError
from bot.knowledge.filecache import FileCache
from bot.knowledge.load import load_knowledge
from bot.models import Location, Problem

logger = logging.getLogger(__name__)

Fingerprint = tuple[tuple[str, int, int], ...]
CHILD_NICENESS = 10
CHILD_FROM_BYTES = 500_000
# Seconds a replaced engine is kept before it is taken apart: a reader's answer that began
# with it ends meanwhile (and an engine still in use is left alone, see retire).
RETIRE_GRACE = 1.0
KEEP_AFTER = 30.0


def fingerprint(root: Path) -> Fingerprint:
    """What identifies the knowledge's state: every YAML file's path, size and mtime."""
    rows = []
    try:
        for directory, _, files in os.walk(root, followlinks=False):
            for name in files:
                if not name.endswith((".yaml", ".yml")):
                    continue
                path = os.path.join(directory, name)
                try:
                    info = os.stat(path)
                except OSError:  # a link to nothing or in a circle: loading reports it
                    try:
                        info = os.lstat(path)
                    except OSError:
                        continue
                rows.append((path, info.st_size, info.st_mtime_ns))
    except OSError:
        return ()
    return tuple(sorted(rows))


@dataclass
class ReloadResult:
    """What a reload attempt did."""

    changed: bool
    swapped: bool = False
    recovered: bool = False
    # The new engine shares most of the old one (only changed files were read and indexed):
    # the old one is then freed as usual, never taken apart (see retire).
    shared: bool = False
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Reloader:
    """Keeps the current engine and replaces it only with knowledge that loads cleanly."""

    root: Path
    engine: Engine
    today: Callable[[], dt.date] | None = None
    # Where the child process writes the snapshot; None: load in this process instead.
    cache_dir: Path | None = None
    # Smaller knowledge (all files together, bytes) is loaded in this process all the same:
    # that takes less than starting a child, and holds readers for no more than a moment.
    child_from_bytes: int = CHILD_FROM_BYTES
    # Seconds without another change before an updated engine is kept as the snapshot.
    keep_after: float = KEEP_AFTER
    _seen: Fingerprint = ()
    broken: bool = False
    # Held while the knowledge is loaded and while a snapshot of it is written: the file
    # readings an update changes are part of the snapshot.
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # When an engine updated in this process was swapped in, not kept yet (monotonic s).
    _unkept: float | None = None

    def __post_init__(self) -> None:
        self._seen = fingerprint(self.root)

    def check(self, force: bool = False) -> ReloadResult:
        """Reload if the files changed (or when forced); swap only valid knowledge. An
        engine updated in this process (a child writes the snapshot after a full load) is
        kept as the snapshot once the files have rested keep_after seconds: the next start
        is then warm again."""
        with self._lock:
            result = self._check(force)
            if result.changed:
                self._unkept = time.monotonic() if result.shared else None
            elif self._unkept is not None and time.monotonic() - self._unkept >= self.keep_after:
                self._unkept = None
                self._keep(self.engine)
        return result

    def keep(self, engine: Engine) -> bool:
        """Write engine's snapshot if it is still the current engine and the files are
        still those it was loaded from; True if written."""
        with self._lock:
            return self._keep(engine)

    def _keep(self, engine: Engine) -> bool:
        # Broken files: the engine is not theirs, and a snapshot under their key would be.
        if self.cache_dir is None or engine is not self.engine or self.broken:
            return False
        if fingerprint(self.root) != self._seen:
            return False  # a reload of newer files is due
        with snapshot.switching(snapshot.SWITCH_INTERVAL):
            path = snapshot.snapshot_path(self.cache_dir, self.root)
            key = snapshot.knowledge_key(self.root, dt.date.today())
            return snapshot.keep(path, key, engine, self.root)

    def _check(self, force: bool) -> ReloadResult:
        current = fingerprint(self.root)
        if current == self._seen and not force:
            return ReloadResult(changed=False)
        self._seen = current
        if not current:
            problem = Problem(
                Location(str(self.root), 1),
                "the knowledge folder is missing or empty - the bot keeps the last good knowledge",
            )
            self.broken = True
            logger.warning("knowledge not reloaded: %s", problem)
            return ReloadResult(changed=True, problems=[problem])
        try:
            engine, shared = self._load()
        except KnowledgeError as exc:
            self.broken = True
            for problem in exc.errors:
                logger.warning("knowledge not reloaded: %s", problem)
            return ReloadResult(changed=True, problems=exc.errors)
        except Exception:
            logger.exception("reloading the knowledge failed; keeping the last good knowledge")
            self.broken = True
            return ReloadResult(changed=True)
        self.engine = engine  # the one assignment that swaps the knowledge in
        recovered, self.broken = self.broken, False
        logger.info(
            "knowledge reloaded: %d articles, %d terms, %d sources",
            len(engine.kb.articles),
            len(engine.kb.terms),
            len(engine.kb.sources),
        )
        return ReloadResult(changed=True, swapped=True, recovered=recovered, shared=shared)

    def _load(self) -> tuple[Engine, bool]:
        """The engine over the knowledge as it is now, and whether it shares the old one's
        parts (raises KnowledgeError)."""
        today = self.today() if self.today else None
        fresh_days = self.engine.composer.fresh_days
        if self.cache_dir is None:
            return Engine.load(self.root, today, fresh_days), False
        files = self.engine.files
        if files is not None:
            try:
                engine = self._update(files, today, fresh_days)
            except KnowledgeError:
                raise
            except Exception:  # never worse than loading it whole
                logger.exception("updating the knowledge failed; loading all of it")
                files.clear()
                engine = None
            if engine is not None:
                return engine, True
        if sum(row[1] for row in self._seen) < self.child_from_bytes:
            return Engine.load(self.root, today, fresh_days, files=FileCache()), False
        return self._child(self.cache_dir, today, fresh_days), False

    def _update(self, files: FileCache, today: dt.date | None, fresh_days: int) -> Engine | None:
        """The engine after reading only the files that changed and indexing only their
        entries; None if the change needs a new index (the bot's own texts changed)."""
        with snapshot.switching(snapshot.SWITCH_INTERVAL):
            started = time.monotonic()
            # Validated for the real day, as a fresh load is (today is the composer's day).
            kb = load_knowledge(self.root, cache=files)
            matcher = self.engine.matcher.updated(self.engine.kb, kb)
            if matcher is None:
                return None
            engine = Engine.build(kb, today, fresh_days, matcher=matcher, files=files)
        logger.info(
            "knowledge updated from %d changed file(s) in %.1f s",
            files.read,
            time.monotonic() - started,
        )
        return engine

    def _child(self, cache_dir: Path, today: dt.date | None, fresh_days: int) -> Engine:
        """The engine loaded, validated and indexed by a child process (raises
        KnowledgeError)."""
        path = snapshot.snapshot_path(cache_dir, self.root)
        spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited threads
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            problems, key = pool.submit(build_snapshot, self.root, path).result()
        if problems:
            raise KnowledgeError(problems)
        loaded = snapshot.load(path, key) if key is not None else None
        if loaded is None:  # the folder changed meanwhile, or the snapshot was not written
            return Engine.load(self.root, today, fresh_days, files=FileCache())
        kb, matcher, files = loaded
        return Engine.build(kb, today, fresh_days, matcher=matcher, files=files)


def build_snapshot(root: Path, path: Path) -> tuple[list[Problem], bytes | None]:
    """In the child process: load, validate and index root and write its snapshot to path.

    Returns the problems that keep the knowledge from loading (nothing written), or none and
    the snapshot's key (None if the files changed during the load, and nothing was kept).
    """
    os.nice(CHILD_NICENESS)  # the bot that answers readers comes first on a busy machine
    key = snapshot.knowledge_key(root, dt.date.today())
    try:
        engine = Engine.load(root, files=FileCache())
    except KnowledgeError as exc:
        return exc.problems, None
    return [], key if snapshot.keep(path, key, engine, root) else None


def retire(holder: list[Engine]) -> bool:
    """Free a replaced engine (the only item of holder) in pieces, in the calling thread,
    once nothing else refers to it; False if something still did (it is then freed as
    usual, when that lets go of it)."""
    time.sleep(RETIRE_GRACE)
    engine = holder.pop()
    if sys.getrefcount(engine) > 2:  # this name and getrefcount's argument
        return False
    try:
        remains = pieces.dismantle(engine)
    except Exception:  # never let freeing memory take the bot down
        logger.exception("taking the old knowledge apart failed")
        return False
    del engine
    pieces.release(remains)
    return True
