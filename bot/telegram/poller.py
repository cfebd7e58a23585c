"""Long polling of getUpdates, ours rather than python-telegram-bot's Updater.

Two faults of the Updater made this module (issue 17): one update it cannot read stalls the
poll for everyone (intake.py reads each on its own instead), and a 401 ends its polling task
for good while the process lives on, silent. Here every failure of getUpdates is one log
line and another try after a pause that grows to MAX_PAUSE; Telegram's retry_after is waited
out; only a refused token (401, or 404 for a malformed one) ends the poller, with a Fatal
error that stops the bot with one clear line and exit status 1, so that a supervisor starts
it again. When the bot stops, a last short call confirms the updates taken, as the Updater
does, so that none of them comes again after a restart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from contextlib import suppress
from typing import Any

import httpx

from bot.telegram.intake import Intake, update_id

logger = logging.getLogger(__name__)

POLL_SECONDS = 10  # how long Telegram holds a getUpdates open when there is nothing new
READ_MARGIN = 5.0  # seconds more that the answer may take to arrive
FIRST_PAUSE = 1.0  # after a failed poll; grows by half each time, up to MAX_PAUSE
MAX_PAUSE = 30.0
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
        self.offset = 0  # the first update not taken yet (0: whatever Telegram holds)

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
                before = self.offset
                await self._take(updates)
                if updates and self.offset == before:  # none had an id to move past
                    logger.warning("getting updates: %d without an update_id", len(updates))
                    with suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), MAX_PAUSE)
            await self._confirm(client)

    async def _take(self, updates: list[Any]) -> None:
        """Hand the updates to the intake; the offset moves past each, readable or not."""
        for data in updates:
            await self.intake.take(data)
            number = update_id(data)
            if number is not None:
                self.offset = max(self.offset, number + 1)

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
