"""Outgoing requests: a 429 holds back its chat only, and only what surely did not reach
Telegram (5xx, no connection) is tried again, for a while; a read timeout never is."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.telegram.retry import RetryingRateLimiter, surely_not_delivered


def caused(error: Exception, cause: BaseException) -> Exception:
    """error as python-telegram-bot raises it: `raise error from cause`."""
    error.__cause__ = cause
    return error


def failing(errors: list[Exception]) -> tuple[Callable[..., Any], list[int]]:
    """A request that raises these errors one after another, then succeeds."""
    attempts: list[int] = []

    async def request(*args: Any, **kwargs: Any) -> bool:
        attempts.append(1)
        if len(attempts) <= len(errors):
            raise errors[len(attempts) - 1]
        return True

    return request, attempts


async def send(
    limiter: RetryingRateLimiter, request: Any, endpoint: str = "sendMessage", chat: int = 1
) -> Any:
    return await limiter.process_request(request, (), {}, endpoint, {"chat_id": chat}, None)


SERVER_ERROR = NetworkError("Internal Server Error")  # Telegram answered 500
REFUSED = caused(NetworkError("httpx.ConnectError: refused"), httpx.ConnectError("refused"))


@pytest.mark.parametrize(
    ("error", "retried"),
    [
        (SERVER_ERROR, True),
        (NetworkError("Bad Gateway"), True),
        (REFUSED, True),
        (caused(TimedOut(), httpx.ConnectTimeout("connect")), True),
        (caused(TimedOut("Pool timeout"), httpx.PoolTimeout("pool")), True),
        # May have reached Telegram: never sent again.
        (caused(TimedOut(), httpx.ReadTimeout("read")), False),
        (caused(TimedOut(), httpx.WriteTimeout("write")), False),
        (TimedOut(), False),
        (caused(NetworkError("httpx.ReadError: "), httpx.ReadError("reset")), False),
        (caused(NetworkError("httpx.RemoteProtocolError"), httpx.RemoteProtocolError("x")), False),
        # Telegram's answer says no: another try gets the same.
        (BadRequest("Message is too long"), False),
        (Forbidden("Bot was blocked by the user"), False),
    ],
)
def test_only_what_surely_did_not_arrive_is_sent_again(error: Exception, retried: bool) -> None:
    assert surely_not_delivered(error) is retried


@pytest.mark.parametrize("error", [SERVER_ERROR, REFUSED])
async def test_5xx_and_refused_connections_are_tried_again_with_growing_pauses(
    error: Exception, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    request, attempts = failing([error] * 4)  # three tries more than before issue 17
    assert await send(RetryingRateLimiter(first_pause=0.01), request) is True
    assert len(attempts) == 5
    pauses = [r.getMessage().rsplit(" in ", 1)[1] for r in caplog.records if "trying" in r.message]
    assert pauses == ["0.0 s", "0.0 s", "0.0 s", "0.1 s"]  # 0.01, 0.02, 0.04, 0.08


async def test_after_the_retry_time_the_request_is_given_up_with_a_log_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    request, attempts = failing([SERVER_ERROR] * 100)
    limiter = RetryingRateLimiter(first_pause=0.01, retry_seconds=0.1)
    with pytest.raises(NetworkError):
        await send(limiter, request)
    assert 2 <= len(attempts) < 10
    (gave_up,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert gave_up.getMessage().startswith("sendMessage given up after 0 s: NetworkError")


@pytest.mark.parametrize(
    "error",
    [
        caused(TimedOut(), httpx.ReadTimeout("read")),
        BadRequest("Message is too long"),
        Forbidden("Bot was blocked by the user"),
    ],
)
async def test_what_may_have_arrived_or_a_retry_cannot_fix_is_not_retried(error: Exception) -> None:
    request, attempts = failing([error])
    with pytest.raises(type(error)):
        await send(RetryingRateLimiter(first_pause=0), request)
    assert len(attempts) == 1


async def test_start_up_calls_fail_at_once() -> None:
    request, attempts = failing([REFUSED])
    with pytest.raises(NetworkError):
        await send(RetryingRateLimiter(first_pause=0), request, "getMe")
    assert len(attempts) == 1


async def test_a_429_holds_back_its_chat_only() -> None:
    limiter = RetryingRateLimiter()
    limited, attempts = failing([RetryAfter(1)])
    held = asyncio.create_task(send(limiter, limited, chat=1))
    while not attempts:  # chat 1 got its 429
        await asyncio.sleep(0)
    assert limiter.held(1) > 0.5 and limiter.held(2) == 0
    other, _ = failing([])
    assert await send(limiter, other, chat=2) is True  # before issue 17 it waited too
    assert not held.done()
    assert await held is True and len(attempts) == 2


async def test_a_429_is_given_up_after_the_rate_limit_retries() -> None:
    request, attempts = failing([RetryAfter(0)] * 5)
    with pytest.raises(RetryAfter):
        await send(RetryingRateLimiter(max_retries=2), request)
    assert len(attempts) == 3


async def test_when_the_bot_stops_waiting_retries_give_up_at_once() -> None:
    limiter = RetryingRateLimiter(first_pause=30)
    request, attempts = failing([SERVER_ERROR] * 5)
    waiting = asyncio.create_task(send(limiter, request))
    while not attempts:
        await asyncio.sleep(0)
    limiter.stop()
    with pytest.raises(NetworkError):
        await asyncio.wait_for(waiting, 5)
    assert len(attempts) == 1
