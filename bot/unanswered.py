"""Questions the bot could not answer, noted for the newsroom so it can write new answers."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def record_unanswered(question: str) -> None:
    """Note that a reader found none of the offered answers fitting.

    For now this is a log line without the question itself, so that logs never hold what
    readers typed; the question will be kept in the data directory (deleted after 90 days,
    as /datenschutz promises) once that store exists.
    """
    logger.info("unanswered question recorded (%d characters)", len(question))
