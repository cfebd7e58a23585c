"""What the newsroom learns from readers: questions without an answer, "Nichts davon", 👍/👎.

The rules of what is counted live here, apart from Telegram; a StatsStore of bot.storage keeps
it without personal data (it cleans every question of numbers, addresses, @names and links,
and never sees who asked). Logs never hold a question. A store that fails (a full disk, a
locked file) costs the statistics, never an answer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from bot.engine import MAX_MESSAGE_CHARS
from bot.models import Reply
from bot.storage.interface import StatsStore, StoreError

logger = logging.getLogger(__name__)


class Recorder:
    """Counts replies and keeps unanswered questions in a StatsStore; without one, does nothing."""

    def __init__(self, stats: StatsStore | None = None) -> None:
        self.stats = stats

    @property
    def active(self) -> bool:
        """True if there is a store to write to."""
        return self.stats is not None

    async def replied(self, question: str, reply: Reply) -> None:
        """Count the reply to a typed question; a reply without an answer keeps the question."""
        if self.stats is None:
            return
        answered = reply.kind != "none"
        with self._failsafe():
            await self.stats.record_reply(answered, reply.ref)
            # A message too long to be a question is not one the newsroom should read.
            if not answered and len(question) <= MAX_MESSAGE_CHARS:
                await self.stats.record_question(question, "unanswered")
                logger.debug("recorded a question without an answer")

    async def nothing(self, question: str) -> None:
        """A reader found none of the offered answers fitting ("Nichts davon")."""
        if self.stats is None:
            return
        with self._failsafe():
            await self.stats.record_question(question, "nothing")
            logger.debug('recorded a question answered with "Nichts davon"')

    async def feedback(self, ref: str, helpful: bool, question: str | None = None) -> None:
        """A 👍 or 👎 for an entry; a 👎 keeps the question that led to the answer, if known."""
        if self.stats is None:
            return
        with self._failsafe():
            await self.stats.record_feedback(ref, helpful, question)
            logger.debug("recorded feedback (%s)", "helpful" if helpful else "not helpful")

    async def purge(self) -> int:
        """Delete what is older than the retention period; the number of rows deleted."""
        if self.stats is None:
            return 0
        deleted = 0
        with self._failsafe():
            deleted = await self.stats.purge()
            logger.info("deleted %d rows older than %d days", deleted, self.stats.retention_days)
        return deleted

    @contextmanager
    def _failsafe(self) -> Iterator[None]:
        try:
            yield
        except (StoreError, OSError) as exc:
            logger.warning("the store could not be written, nothing recorded: %s", exc)
