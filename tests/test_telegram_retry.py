"""Retries of outgoing requests: 5xx answers and timeouts a bounded number of times."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.telegram.retry import SERVER_RETRIES, RetryingRateLimiter


def failing(errors: list[Exception]) -> tuple[Callable[..., Any], list[int]]:
    """A request that raises these errors one after another, then succeeds."""
    attempts: list[int] = []

    async def request(*args: Any, **kwargs: Any) -> bool:
        attempts.append(1)
        if len(attempts) <= len(errors):
            raise errors[len(attempts) - 1]
        return True

    return request, attempts


async def send(limiter: RetryingRateLimiter, request: Any, endpoint: str = "sendMessage") -> Any:
    return await limiter.process_request(request, (), {}, endpoint, {"chat_id": 1}, None)


@pytest.mark.parametrize(
    "error", [NetworkError("Internal Server Error (500)"), NetworkError("Bad Gateway"), TimedOut()]
)
async def test_a_5xx_or_a_timeout_is_tried_again(error: Exception) -> None:
    request, attempts = failing([error] * SERVER_RETRIES)
    assert await send(RetryingRateLimiter(first_pause=0), request) is True
    assert len(attempts) == 1 + SERVER_RETRIES


async def test_after_the_last_retry_the_request_is_given_up_with_a_log_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    request, attempts = failing([TimedOut()] * (SERVER_RETRIES + 1))
    with pytest.raises(TimedOut):
        await send(RetryingRateLimiter(first_pause=0), request)
    assert len(attempts) == 1 + SERVER_RETRIES
    (gave_up,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert gave_up.getMessage() == "sendMessage failed 3 times, giving up: TimedOut: Timed out"


@pytest.mark.parametrize(
    "error", [BadRequest("Message is too long"), Forbidden("Bot was blocked by the user")]
)
async def test_what_a_retry_cannot_fix_is_not_retried(error: Exception) -> None:
    request, attempts = failing([error])
    with pytest.raises(type(error)):
        await send(RetryingRateLimiter(first_pause=0), request)
    assert len(attempts) == 1


async def test_start_up_calls_fail_at_once() -> None:
    request, attempts = failing([NetworkError("httpx.ConnectError: All connection attempts")])
    with pytest.raises(NetworkError):
        await send(RetryingRateLimiter(first_pause=0), request, "getMe")
    assert len(attempts) == 1


async def test_a_429_is_still_waited_out_by_the_rate_limiter() -> None:
    request, attempts = failing([RetryAfter(0)])
    assert await send(RetryingRateLimiter(max_retries=1, first_pause=0), request) is True
    assert len(attempts) == 2
