"""What the newsroom learns from readers: questions without an answer, "Nichts davon", 👍/👎.

The rules of what is counted live here, apart from Telegram; bot.storage.stats keeps it without
personal data (it cleans every question of numbers, addresses, @names and links, and never
sees who asked). Logs never hold a question. A store that fails (a full disk, a locked file)
costs the statistics, never an answer.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from bot.engine import MAX_MESSAGE_CHARS
from bot.models import Reply
from bot.storage.stats import Store

logger = logging.getLogger(__name__)


class Recorder:
    """Counts replies and keeps unanswered questions in a Store; without one, does nothing."""

    def __init__(self, store: Store | None = None) -> None:
        self.store = store

    @property
    def active(self) -> bool:
        """True if there is a store to write to."""
        return self.store is not None

    def replied(self, question: str, reply: Reply) -> None:
        """Count the reply to a typed question; a reply without an answer keeps the question."""
        if self.store is None:
            return
        answered = reply.kind != "none"
        with self._failsafe():
            self.store.record_reply(answered, reply.ref)
            # A message too long to be a question is not one the newsroom should read.
            if not answered and len(question) <= MAX_MESSAGE_CHARS:
                self.store.record_question(question, "unanswered")
                logger.debug("recorded a question without an answer")

    def nothing(self, question: str) -> None:
        """A reader found none of the offered answers fitting ("Nichts davon")."""
        if self.store is None:
            return
        with self._failsafe():
            self.store.record_question(question, "nothing")
            logger.debug('recorded a question answered with "Nichts davon"')

    def feedback(self, ref: str, helpful: bool, question: str | None = None) -> None:
        """A 👍 or 👎 for an entry; a 👎 keeps the question that led to the answer, if known."""
        if self.store is None:
            return
        with self._failsafe():
            self.store.record_feedback(ref, helpful, question)
            logger.debug("recorded feedback (%s)", "helpful" if helpful else "not helpful")

    def purge(self) -> int:
        """Delete what is older than the retention period; the number of rows deleted."""
        if self.store is None:
            return 0
        deleted = 0
        with self._failsafe():
            deleted = self.store.purge()
            logger.info("deleted %d rows older than %d days", deleted, self.store.retention_days)
        return deleted

    @contextmanager
    def _failsafe(self) -> Iterator[None]:
        try:
            yield
        except (sqlite3.Error, OSError) as exc:
            logger.warning("the store could not be written, nothing recorded: %s", exc)
