"""Outgoing requests within Telegram's limits, retried only where they surely did not arrive.

The limits: about 30 messages a second for the bot, 20 a minute per group. Telegram counts
them per bot, not per process: one process counts its sends itself (aiolimiter, when
they go), several share the send rate in Redis (the shared state's SendRate, a slot
reserved). A 429 (retry_after) holds back the one chat it was for, for that long, and then
the request is tried again; other chats go on meanwhile (AIORateLimiter held back every
chat).

What is tried again follows one rule: never a request that may have reached Telegram, only
one that surely did not - Telegram answered 429 or 5xx, or no connection was made (refused,
or a connect or pool timeout). A read timeout or a connection lost mid-request may have
delivered the message: sending it again could show the reader the answer twice, so the
error goes to the error handler, which logs it. 5xx answers and refused connections are
retried in the background of the chat they are for (its later updates wait, other chats
go on), with a pause that doubles up to MAX_PAUSE, for at most RETRY_SECONDS: the answer is
kept until it is delivered or clearly undeliverable (a 4xx answer, the time is up, or the
bot stops). Only what a reader waits for (send*, edit*) is retried so long; button and
inline answers (answer*) expire after seconds, so they get ANSWER_SECONDS; start-up calls
(getMe, setWebhook, ...) fail at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import time
from collections.abc import Callable, Coroutine
from contextlib import suppress
from typing import Any

import httpx
from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import BaseRateLimiter

from bot.storage.shared.interface import SendRate

logger = logging.getLogger(__name__)

# Opt in to python-telegram-bot's coming behaviour (time periods as timedelta): without it,
# every RetryAfter (HTTP 429) warns that its int retry_after is deprecated. Set on import,
# before the application (app.py imports this module) can meet a 429.
os.environ.setdefault("PTB_TIMEDELTA", "true")

Result = bool | dict[str, Any] | list[dict[str, Any]]
Callback = Callable[..., Coroutine[Any, Any, Result]]

RATE_LIMIT_RETRIES = 3  # after a 429, wait retry_after and try again this often
FIRST_PAUSE = 0.5  # seconds before the first retry after a 5xx; doubled for each further one
MAX_PAUSE = 15.0
RETRY_SECONDS = 60.0  # a message is given up after this long of 5xx answers
ANSWER_SECONDS = 10.0  # ... a button's or inline query's answer after this long
RETRIED = ("send", "edit")  # endpoints retried for RETRY_SECONDS
ANSWERS = ("answer",)  # endpoints retried for ANSWER_SECONDS
GROUP_RATE = 20  # messages a minute to one group
OVERALL = "overall"  # the send rate's bucket for the bot's messages to all chats
# The whole bot's sends after a pause may go at once up to this share of a second's rate:
# Telegram counts about 30 a second as they arrive, and a full second's burst on top of the
# rate made up to 60 in one second (68 with the sends' own jitter, in the kill test).
OVERALL_BURST = 0.5
MAX_LOCAL_LIMITERS = 512  # beyond this many groups, idle limiters of one process are forgotten
# Causes of errors that prove the request never left: no connection, or none to be had.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def surely_not_delivered(error: Exception) -> bool:
    """True if Telegram surely did not act on the request: it answered 5xx, or no
    connection was made. False for 4xx answers and whatever may have arrived."""
    if isinstance(error, BadRequest) or not isinstance(error, NetworkError):
        return False  # 4xx (and 429, which has its own rule), or not about the network
    cause = error.__cause__
    if isinstance(error, TimedOut):
        return isinstance(cause, _NOT_SENT)  # a read or write timeout may have arrived
    # A plain NetworkError: Telegram's answer had a 5xx status (no cause, or a body that
    # was no JSON), or the connection failed (the httpx error is the cause).
    return cause is None or isinstance(cause, (TelegramError, *_NOT_SENT))


def _budget(endpoint: str) -> float:
    """How long an endpoint's request is retried after 5xx answers (0: not at all)."""
    if endpoint.startswith(RETRIED):
        return RETRY_SECONDS
    if endpoint.startswith(ANSWERS):
        return ANSWER_SECONDS
    return 0.0


class RetryingRateLimiter(BaseRateLimiter[int]):
    """Telegram's rate limits; a 429 holds back its chat only; 5xx and refused connections
    retried for a while; nothing retried that may have arrived."""

    def __init__(
        self,
        *,
        max_retries: int = RATE_LIMIT_RETRIES,
        overall_max_rate: float = 30,
        first_pause: float = FIRST_PAUSE,
        retry_seconds: float = RETRY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        send_rate: SendRate | None = None,
    ) -> None:
        self.max_retries = max_retries
        self.first_pause = first_pause
        self.retry_seconds = retry_seconds
        self.clock = clock
        self.overall_max_rate = overall_max_rate
        # Shared by every process (Redis), or None: this process's own limiters, which count
        # a send when it goes, not when its slot was reserved.
        self.send_rate = send_rate
        self._local: dict[str, AsyncLimiter] = {}
        self._held: dict[int | str, float] = {}  # chat -> clock() until which a 429 holds it
        self._stopping = asyncio.Event()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    def stop(self) -> None:
        """The bot stops: requests waiting for their next try give up now."""
        self._stopping.set()

    def held(self, chat: int | str) -> float:
        """Seconds a chat is still held back by a 429 (0 if it is not)."""
        return max(0.0, self._held.get(chat, 0.0) - self.clock())

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        """Send the request within the limits; retry it while it surely did not arrive."""
        chat = _chat(data)
        budget = min(_budget(endpoint), self.retry_seconds)
        started = self.clock()
        pause = self.first_pause
        limited = 0
        while True:
            if chat is not None:
                await self._wait_until_free(chat)
            try:
                return await self._send(callback, args, kwargs, chat)
            except RetryAfter as exc:
                limited += 1
                if limited > (rate_limit_args or self.max_retries) or self._stopping.is_set():
                    logger.warning("%s given up after %d rate limit answers", endpoint, limited)
                    raise
                wait = exc.retry_after
                seconds = (wait.total_seconds() if isinstance(wait, dt.timedelta) else wait) + 0.1
                logger.info(
                    "rate limit hit (429) for %s: %s, trying again in %.1f s%s",
                    endpoint,
                    "this chat waits" if chat is not None else "this request waits",
                    seconds,
                    ", other chats go on" if chat is not None else "",
                )
                if chat is None:
                    await self._sleep(seconds)
                else:
                    self._held[chat] = max(self._held.get(chat, 0.0), self.clock() + seconds)
            except NetworkError as exc:
                if not (budget and surely_not_delivered(exc)):
                    raise
                waited = self.clock() - started
                if waited + pause > budget or self._stopping.is_set():
                    logger.warning(
                        "%s given up after %.0f s: %s: %s", endpoint, waited, _name(exc), exc
                    )
                    raise
                logger.info(
                    "%s failed (%s: %s), trying again in %.1f s",
                    endpoint,
                    _name(exc),
                    exc,
                    pause,
                )
                if not await self._sleep(pause):
                    logger.warning("%s given up, the bot stops: %s: %s", endpoint, _name(exc), exc)
                    raise
                pause = min(pause * 2, MAX_PAUSE)

    async def _send(
        self, callback: Callback, args: Any, kwargs: dict[str, Any], chat: int | str | None
    ) -> Result:
        """One try, within the bot's overall rate and, for a group, the group's."""
        if isinstance(chat, str) or (chat is not None and chat < 0):
            await self._slot(f"group:{chat}", GROUP_RATE, 60.0)
        if chat is not None and self.overall_max_rate:
            await self._slot(OVERALL, self.overall_max_rate, 1.0)
        return await callback(*args, **kwargs)

    async def _slot(self, bucket: str, rate: float, per: float) -> None:
        """Wait for the next send slot of the bucket (shared by every process of the bot).

        The slot was counted about halfway through the round trip to the shared state (in
        Redis, on its clock): the wait is counted from then, not from the answer's arrival.
        """
        if self.send_rate is None:
            await self._local_limiter(bucket, rate, per).acquire()
            return
        burst = int(rate * OVERALL_BURST) if bucket == OVERALL else int(rate)
        asked = time.monotonic()
        wait = await self.send_rate.reserve(bucket, rate, per, burst=max(1, burst))
        wait -= (time.monotonic() - asked) / 2
        if wait > 0:
            await asyncio.sleep(wait)

    def _local_limiter(self, bucket: str, rate: float, per: float) -> AsyncLimiter:
        if len(self._local) > MAX_LOCAL_LIMITERS:
            for key, limiter in list(self._local.items()):
                if key not in (bucket, OVERALL) and limiter.has_capacity(limiter.max_rate):
                    del self._local[key]
        if bucket not in self._local:
            self._local[bucket] = AsyncLimiter(rate, per)
        return self._local[bucket]

    async def _wait_until_free(self, chat: int | str) -> None:
        """Wait while a 429 holds the chat back (the holding may be extended meanwhile)."""
        while (seconds := self.held(chat)) > 0:
            if not await self._sleep(seconds):
                return
        self._held.pop(chat, None)

    async def _sleep(self, seconds: float) -> bool:
        """Pause; False if the bot began to stop meanwhile."""
        with suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
        return not self._stopping.is_set()


def _chat(data: dict[str, Any]) -> int | str | None:
    """The chat a request is for, as Telegram counts its limits: an id or a @channel."""
    chat = data.get("chat_id")
    if chat is None:
        return None
    try:
        return int(chat)
    except (TypeError, ValueError):
        return str(chat)


def _name(error: Exception) -> str:
    return type(error).__name__
