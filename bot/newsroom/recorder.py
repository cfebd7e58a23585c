"""What the newsroom learns from readers: questions without an answer, "Nichts davon", 👍/👎.

The rules of what is counted live here, apart from Telegram; a StatsStore of bot.storage keeps
it without personal data (it cleans every question of numbers, addresses, @names, links and
anything shaped like a key, and never sees who asked); the bot's own secrets (its token, the
webhook secret) are taken out here, before a question leaves. Logs never hold a question.

A reader's reply never waits for a statistics write: each record is written beside the
reply, in a task of its own, and a store that fails (a full disk, a locked file) costs the
statistics, never an answer - the failure is logged. flush() waits for what is on its way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable

from bot.models import Reply
from bot.search.analysis import MAX_MESSAGE_CHARS
from bot.storage.interface import StatsStore, StoreError
from bot.storage.scrub import without_secrets

logger = logging.getLogger(__name__)

# Records on their way at most; while the store is this far behind (a file locked for
# seconds under a flood of questions), further records are dropped, not queued without end.
MAX_PENDING = 1000

Write = Callable[[StatsStore], Awaitable[None]]


class Recorder:
    """Counts replies and keeps unanswered questions in a StatsStore; without one, does nothing."""

    def __init__(
        self,
        stats: StatsStore | None = None,
        max_pending: int = MAX_PENDING,
        secrets: Iterable[str] = (),
    ) -> None:
        self.stats = stats
        self.max_pending = max_pending
        self.secrets = tuple(secrets)
        self._pending: set[asyncio.Task[None]] = set()
        self._dropping = False

    @property
    def active(self) -> bool:
        """True if there is a store to write to."""
        return self.stats is not None

    def replied(self, question: str, reply: Reply) -> None:
        """Count the reply to a typed question; a reply without an answer keeps the question."""
        answered = reply.kind != "none"
        question = without_secrets(question, self.secrets)

        async def write(stats: StatsStore) -> None:
            await stats.record_reply(answered, reply.ref)
            # A message too long to be a question is not one the newsroom should read.
            if not answered and len(question) <= MAX_MESSAGE_CHARS:
                await stats.record_question(question, "unanswered")
                logger.debug("recorded a question without an answer")

        self._beside(write)

    def nothing(self, question: str) -> None:
        """A reader found none of the offered answers fitting ("Nichts davon")."""
        question = without_secrets(question, self.secrets)

        async def write(stats: StatsStore) -> None:
            await stats.record_question(question, "nothing")
            logger.debug('recorded a question answered with "Nichts davon"')

        self._beside(write)

    def feedback(self, ref: str, helpful: bool, question: str | None = None) -> None:
        """A 👍 or 👎 for an entry; a 👎 keeps the question that led to the answer, if known."""
        if question is not None:
            question = without_secrets(question, self.secrets)

        async def write(stats: StatsStore) -> None:
            await stats.record_feedback(ref, helpful, question)
            logger.debug("recorded feedback (%s)", "helpful" if helpful else "not helpful")

        self._beside(write)

    async def purge(self) -> int:
        """Delete what is older than the retention period; the number of rows deleted."""
        if self.stats is None:
            return 0
        try:
            deleted = await self.stats.purge()
        except (StoreError, OSError) as exc:
            logger.warning("the store could not be written, nothing recorded: %s", exc)
            return 0
        logger.info("deleted %d rows older than %d days", deleted, self.stats.retention_days)
        return deleted

    async def flush(self) -> None:
        """Wait until every record made so far is written (or its failure logged)."""
        while self._pending:
            await asyncio.gather(*self._pending)

    def _beside(self, write: Write) -> None:
        """Start a write in a task of its own; the caller goes on at once."""
        if self.stats is None:
            return
        if len(self._pending) >= self.max_pending:
            if not self._dropping:
                logger.warning("the store is %d records behind; dropping some", self.max_pending)
            self._dropping = True
            return
        self._dropping = False
        task = asyncio.get_running_loop().create_task(self._failsafe(write, self.stats))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _failsafe(self, write: Write, stats: StatsStore) -> None:
        try:
            await write(stats)
        except (StoreError, OSError) as exc:
            logger.warning("the store could not be written, nothing recorded: %s", exc)
        except Exception:
            logger.exception("recording failed")
