"""Hot reload of the knowledge: load, validate and index aside, then swap in one assignment.

The knowledge directory is polled for changes (file names, sizes and modification times):
polling needs no extra thread or library, works on every file system, and a second of
delay is nothing for moderators. Broken knowledge is never swapped in; the last good
engine keeps answering and the problems are reported until a later save fixes them.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.engine import Engine
from bot.knowledge.base import KnowledgeError
from bot.models import Location, Problem

logger = logging.getLogger(__name__)

Fingerprint = tuple[tuple[str, int, int], ...]


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
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Reloader:
    """Keeps the current engine and replaces it only with knowledge that loads cleanly."""

    root: Path
    engine: Engine
    today: Callable[[], dt.date] | None = None
    _seen: Fingerprint = ()
    broken: bool = False

    def __post_init__(self) -> None:
        self._seen = fingerprint(self.root)

    def check(self, force: bool = False) -> ReloadResult:
        """Reload if the files changed (or when forced); swap only valid knowledge."""
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
            fresh_days = self.engine.composer.fresh_days
            engine = Engine.load(self.root, self.today() if self.today else None, fresh_days)
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
        return ReloadResult(changed=True, swapped=True, recovered=recovered)
