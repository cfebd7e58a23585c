"""Outgoing requests that survive a hiccup: 429s waited out, 5xx answers and timeouts retried.

python-telegram-bot's AIORateLimiter keeps to Telegram's limits and waits out a 429's
retry_after. A 5xx answer or a timeout is mostly Telegram having a bad second: the request
is tried again a bounded number of times, with a growing pause, and then given up (the
error handler logs it and tells the reader something kind). Only what a reader waits for
(send*, edit*, answer*) is retried; at start-up an unreachable API should fail at once.
A timed-out request may have arrived after all: an answer twice beats no answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

logger = logging.getLogger(__name__)

SERVER_RETRIES = 2  # after a 5xx or a timeout, try again this often
# Only what a reader waits for is retried; start-up calls (getMe, ...) fail fast instead.
RETRIED = ("send", "edit", "answer")
FIRST_PAUSE = 0.5  # seconds before the first retry; doubled for each further one


def is_transient(error: Exception) -> bool:
    """True for errors worth another try: 5xx answers, lost connections, timeouts."""
    if isinstance(error, TimedOut):
        return True
    # 5xx answers and connection errors are plain NetworkErrors; BadRequest is a subclass.
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter, plus bounded retries of 5xx answers and timeouts."""

    def __init__(
        self,
        *,
        max_retries: int = 0,
        server_retries: int = SERVER_RETRIES,
        first_pause: float = FIRST_PAUSE,
        overall_max_rate: float = 30,
    ) -> None:
        super().__init__(max_retries=max_retries, overall_max_rate=overall_max_rate)
        self.server_retries = server_retries
        self.first_pause = first_pause

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Send the request within the rate limits; retry it after a 5xx or a timeout."""
        attempt = 0
        while True:
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except NetworkError as exc:
                if not (is_transient(exc) and endpoint.startswith(RETRIED)):
                    raise
                attempt += 1
                if attempt > self.server_retries:
                    logger.warning(
                        "%s failed %d times, giving up: %s: %s",
                        endpoint,
                        attempt,
                        type(exc).__name__,
                        exc,
                    )
                    raise
                pause = self.first_pause * 2 ** (attempt - 1)
                logger.info(
                    "%s failed (%s: %s), trying again in %.1f s",
                    endpoint,
                    type(exc).__name__,
                    exc,
                    pause,
                )
                await asyncio.sleep(pause)
