"""FakeTelegram: a fake Telegram Bot API, as strict as Telegram where bots usually break.

It joins the reader's side (updates.py), the methods that send and answer (methods.py) and the
ways updates leave it (delivery.py) over one state (state.py), and adds what a test needs
around them: injected failures (429 with retry_after, 500, 403, for some calls or for some
seconds; slow answers), a record of every call so tests can assert what the reader saw, and
waiting for a condition. Serve it over HTTP with server.py or in process with requests.py.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

import pytest

from helpers.api import CLIENT_GONE, JSON, ApiError, Call, public
from helpers.delivery import UpdateDelivery
from helpers.methods import BotApiMethods
from helpers.state import Fault
from helpers.updates import ReaderSide

T = TypeVar("T")
SENDS = ("sendMessage", "sendPhoto", "editMessageText", "editMessageReplyMarkup")


class FakeTelegram(ReaderSide, UpdateDelivery, BotApiMethods):
    """The Bot API's state and rules for one bot; thread-safe for the test's side."""

    # ---- the test's side -------------------------------------------------------------------

    def fail(
        self,
        method: str,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
        seconds: float | None = None,
    ) -> None:
        """The next `times` calls of a method (for one chat, if given) fail like this; or,
        with `seconds`, every call for that long from now (a burst of 5xx answers)."""
        until = None if seconds is None else time.monotonic() + seconds
        with self._condition:
            self._faults.append(
                Fault(
                    method,
                    times if seconds is None else 10**9,
                    status,
                    description,
                    retry_after,
                    0.0,
                    chat_id,
                    until,
                )
            )

    def slow(
        self, method: str, seconds: float, *, times: int = 1, chat_id: int | None = None
    ) -> None:
        """The next `times` calls of a method answer only after `seconds`."""
        with self._condition:
            self._faults.append(Fault(method, times, None, None, None, seconds, chat_id))

    def clear_faults(self) -> None:
        """Forget every failure and slow answer still waiting to happen."""
        with self._condition:
            self._faults.clear()

    def recorded(self, method: str | None = None, chat_id: int | None = None) -> list[Call]:
        """The calls so far, of one method and for one chat if given."""
        with self._condition:
            return [
                c
                for c in self.calls
                if (method is None or c.method == method)
                and (chat_id is None or c.chat_id == chat_id)
            ]

    def sent(self, chat_id: int) -> list[Call]:
        """The messages the bot sent to a chat (text and photos) that Telegram accepted."""
        return [
            c
            for c in self.recorded(chat_id=chat_id)
            if c.ok and c.method in ("sendMessage", "sendPhoto")
        ]

    def most_sends_in_a_second(self) -> int:
        """The most messages Telegram accepted from the bot within any one second, over the
        whole bot (every process): what Telegram's limit of about 30 a second counts."""
        with self._condition:
            times = sorted(c.at for c in self.calls if c.ok and c.method in SENDS)
        most, first = 0, 0
        for last, at in enumerate(times):
            while at - times[first] >= 1.0:
                first += 1
            most = max(most, last - first + 1)
        return most

    def unanswered_queries(self) -> list[str]:
        """Callback and inline queries the bot has not answered."""
        with self._condition:
            return [qid for qid, q in self._queries.items() if not q.answered]

    def message(self, chat_id: int, message_id: int) -> JSON:
        """A message as the chat shows it now (after edits)."""
        with self._condition:
            return public(self.messages[(chat_id, message_id)])

    def wait_for(self, predicate: Callable[[], T], timeout: float = 10.0) -> T:
        """Wait (in the test's thread) until predicate() is truthy; return its value."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                value = predicate()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    pytest.fail(f"timed out after {timeout} s; calls: {self._summary()}")
                self._condition.wait(min(remaining, 0.5))

    def wait_for_sent(self, chat_id: int, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """The first `count` messages sent to a chat, once there are that many."""
        return self.wait_for(
            lambda: self.sent(chat_id) if len(self.sent(chat_id)) >= count else [], timeout
        )[:count]

    def _summary(self) -> str:
        return ", ".join(f"{c.method}:{c.status}" for c in self.calls[-30:])

    # ---- the bot's side --------------------------------------------------------------------

    async def api(self, token: str, method: str, params: JSON) -> tuple[int, JSON]:
        """Answer one Bot API request: (HTTP status, JSON body)."""
        if token != self.token:
            return 401, ApiError(401, "Unauthorized").body()
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return 404, ApiError(404, "Not Found").body()
        with self._condition:
            self.received.append(method)
            self._condition.notify_all()
        fault = self._take_fault(method, params.get("chat_id"))
        try:
            if fault is not None and fault.delay:
                await asyncio.sleep(fault.delay)
            if fault is not None and fault.status is not None:
                raise ApiError(fault.status, fault.description or "", fault.retry_after)
            result = await handler(params)
        except ApiError as exc:
            self._record(Call(method, params, exc.code, error=exc.description))
            return exc.code, exc.body()
        except asyncio.CancelledError:  # the bot hung up (a timeout): nothing was sent
            self._record(Call(method, params, CLIENT_GONE, error="the client closed the request"))
            raise
        self._record(Call(method, params, 200, result=result))
        return 200, {"ok": True, "result": result}

    def _take_fault(self, method: str, chat_id: object) -> Fault | None:
        with self._condition:
            now = time.monotonic()
            self._faults = [f for f in self._faults if f.until is None or f.until > now]
            for fault in self._faults:
                if fault.method == method and fault.chat_id in (None, chat_id) and fault.times:
                    fault.times -= 1
                    return fault
        return None

    def _record(self, call: Call) -> None:
        with self._condition:
            self.calls.append(call)
            self.counts[call.method] += 1
            self._condition.notify_all()
