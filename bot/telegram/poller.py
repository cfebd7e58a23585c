"""Long polling of getUpdates, ours rather than python-telegram-bot's Updater.

Two faults of the Updater made this module (issue 17): one update it cannot read stalls the
poll for everyone (intake.py reads each on its own instead), and a 401 ends its polling task
for good while the process lives on, silent. Here every failure of getUpdates is one log
line and another try after a pause that grows to MAX_PAUSE; Telegram's retry_after is waited
out; only a refused token (401, or 404 for a malformed one) ends the poller, with a Fatal
error that stops the bot with one clear line and exit status 1, so that a supervisor starts
it again.

The offset confirms only handled updates (issue 15): the updates of a batch are handled at
the same time (one chat's in order, by the chat-ordered processor), and the poller asks for
more meanwhile, with the offset of the oldest update still in hand; what Telegram hands out
again that is in hand or handled already is passed over. When nothing new came, the poller
waits for an update in hand to be done (at most HELD_REPOLL) before it asks again. When the
bot stops, the updates in hand get DRAIN_SECONDS to be handled, and a last short call confirms
those that were, so that none of them comes again after a restart.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Sequence
from contextlib import suppress
from typing import Any

import httpx
from telegram import Update

from bot.telegram.intake import Intake, Outcome, update_id

logger = logging.getLogger(__name__)

POLL_SECONDS = 10  # how long Telegram holds a getUpdates open when there is nothing new
READ_MARGIN = 5.0  # seconds more that the answer may take to arrive
FIRST_PAUSE = 1.0  # after a failed poll; grows by half each time, up to MAX_PAUSE
MAX_PAUSE = 30.0
DRAIN_SECONDS = 20.0  # stopping, how long the updates in hand may take to be handled
# While an update is in hand, Telegram hands it out again at once: the poller asks again after
# this long even if none is done, so that one slow chat (a 429) holds up no other chat's update.
HELD_REPOLL = 0.5
FATAL = (401, 404)  # the token is refused (revoked, or malformed): no retry can help


class Fatal(Exception):
    """Polling cannot go on: Telegram refuses the token. The message says what to do."""


class PollFailed(Exception):
    """One getUpdates failed in a way another try may mend; wait retry_after if given."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Poller:
    """Fetches updates from `{base_url}/getUpdates` and hands each to the intake."""

    def __init__(
        self,
        base_url: str,
        intake: Intake,
        allowed_updates: Sequence[str],
        poll_seconds: int = POLL_SECONDS,
        transport: httpx.AsyncBaseTransport | None = None,
        first_pause: float = FIRST_PAUSE,
    ) -> None:
        self.url = f"{base_url}/getUpdates"
        self.intake = intake
        self.allowed_updates = list(allowed_updates)
        self.poll_seconds = poll_seconds
        self.transport = transport  # tests answer in process
        self.first_pause = first_pause
        self._next = 0  # one past the newest update id seen (0: whatever Telegram holds)
        self._held: dict[int, asyncio.Task[object]] = {}  # update id: its handling
        self._finished: set[int] = set()  # handled, but an older one is still in hand

    @property
    def offset(self) -> int:
        """The first update not handled yet: the oldest in hand, else one past the newest."""
        return min(self._held) if self._held else self._next

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until stop is set; raise Fatal if Telegram refuses the token."""
        timeout = httpx.Timeout(5.0, read=self.poll_seconds + READ_MARGIN)
        async with httpx.AsyncClient(timeout=timeout, transport=self.transport) as client:
            pause = 0.0
            while not stop.is_set():
                poll = asyncio.ensure_future(self._poll(client, self.poll_seconds))
                stopping = asyncio.ensure_future(stop.wait())
                await asyncio.wait((poll, stopping), return_when=asyncio.FIRST_COMPLETED)
                stopping.cancel()
                if stop.is_set():
                    poll.cancel()
                    with suppress(asyncio.CancelledError, Exception):
                        await poll
                    break
                try:
                    updates = poll.result()
                except PollFailed as exc:
                    pause = min(MAX_PAUSE, pause * 1.5 or self.first_pause)
                    wait = max(pause, exc.retry_after or 0.0)
                    logger.warning("getting updates failed, trying again in %.1f s: %s", wait, exc)
                    with suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), wait)
                    continue
                pause = 0.0
                if updates and all(update_id(data) is None for data in updates):
                    logger.warning("getting updates: %d without an update_id", len(updates))
                    with suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), MAX_PAUSE)
                    continue
                if not await self._take(updates) and self._held:
                    await self._one_done(stop)  # nothing new: asking again would bring the same
            if self._held:
                await asyncio.wait(list(self._held.values()), timeout=DRAIN_SECONDS)
            await self._confirm(client)

    async def _take(self, updates: list[Any]) -> bool:
        """Hand the new updates to the intake, each handled in a task of its own; the offset
        moves past each once it is handled (or skipped). True if any was new."""
        new = False
        for data in updates:
            number = update_id(data)
            if number is not None and (number in self._held or number in self._finished):
                continue
            admitted = await self.intake.admit(data)
            if admitted is Outcome.FAILED:  # the ledger does not answer: this one again later
                await asyncio.sleep(self.first_pause)
                break
            if number is None:
                continue
            self._next = max(self._next, number + 1)
            new = True
            if isinstance(admitted, Update):
                task: asyncio.Task[object] = asyncio.create_task(self.intake.finish(admitted))
                task.add_done_callback(functools.partial(self._handled, number))
                self._held[number] = task
        return new

    def _handled(self, number: int, _: object) -> None:
        """An update's handling ended: the offset may move past it."""
        del self._held[number]
        self._finished.add(number)
        self._finished = {n for n in self._finished if n >= self.offset}

    async def _one_done(self, stop: asyncio.Event) -> None:
        """Wait until an update in hand is done, stop is set, or HELD_REPOLL has passed."""
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait(
            [stopping, *self._held.values()],
            timeout=HELD_REPOLL,
            return_when=asyncio.FIRST_COMPLETED,
        )
        stopping.cancel()

    async def _confirm(self, client: httpx.AsyncClient) -> None:
        """Tell Telegram which updates were taken (a getUpdates that does not wait)."""
        if not self.offset:
            return
        try:
            await self._poll(client, 0)
        except (PollFailed, Fatal) as exc:
            logger.warning("could not confirm the last updates; they may come again: %s", exc)

    async def _poll(self, client: httpx.AsyncClient, seconds: int) -> list[Any]:
        """One getUpdates: the updates, PollFailed, or Fatal."""
        request = {"timeout": seconds, "allowed_updates": self.allowed_updates}
        if self.offset:
            request["offset"] = self.offset
        try:
            response = await client.post(self.url, json=request)
        except httpx.TimeoutException:
            if seconds:  # a long poll that outlived its read timeout: simply poll again
                return []
            raise PollFailed("timed out") from None
        except httpx.HTTPError as exc:
            raise PollFailed(f"{type(exc).__name__}: {exc}") from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise PollFailed(f"HTTP {response.status_code}, and the answer is no JSON object")
        description = str(body.get("description") or f"HTTP {response.status_code}")
        if response.status_code in FATAL:
            raise Fatal(
                f"Telegram no longer accepts TELEGRAM_BOT_TOKEN ({description})"
                " - it was revoked or changed: copy the current one from @BotFather"
            )
        if response.status_code != 200 or body.get("ok") is not True:
            parameters = body.get("parameters")
            retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
            wait = float(retry_after) if isinstance(retry_after, int | float) else None
            raise PollFailed(f"{response.status_code} {description}", wait)
        result = body.get("result")
        if not isinstance(result, list):
            raise PollFailed("the answer holds no list of updates")
        return result
