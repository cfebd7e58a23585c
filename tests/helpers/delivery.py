"""How updates leave the fake, as Telegram hands them out: getUpdates with real `offset`
semantics, long polling and the 409 of a second poller, or a webhook that gets each update
posted until it answers 200 (through the proxy address a test gives): up to max_connections
posts at a time (setWebhook's, default 40), one chat's updates one after another and in
order, and an update whose answer is not 200, or does not come within webhook_timeout, is
posted again after a pause that grows, as Telegram does."""

from __future__ import annotations

import asyncio
import json
import re
import time
from contextlib import suppress
from urllib.parse import urlsplit

import aiohttp

from helpers.api import JSON, MAX_UPDATES, ApiError, bad_request
from helpers.state import FakeState

_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


MAX_CONNECTIONS = 40  # setWebhook's default: posts to the webhook at the same time
FIRST_PAUSE = 0.2  # before an update whose post failed is posted again; doubled each time
MAX_PAUSE = 2.0


def chat_of(update: JSON) -> object:
    """The chat (or user) an update belongs to, whose updates are posted one at a time."""
    for kind in ("message", "edited_message", "my_chat_member"):
        if isinstance(update.get(kind), dict):
            return ("chat", update[kind].get("chat", {}).get("id"))
    query = update.get("callback_query") or update.get("inline_query")
    if isinstance(query, dict):
        return ("user", query.get("from", {}).get("id"))
    return ("update", update.get("update_id"))


def _allowed(update: JSON, allowed: list[str] | None) -> bool:
    return allowed is None or any(kind in update for kind in allowed)


class UpdateDelivery(FakeState):
    """getUpdates, setWebhook, deleteWebhook, getWebhookInfo, and the webhook's poster."""

    async def _api_getUpdates(self, params: JSON) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active;"
                " use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or MAX_UPDATES), 1), MAX_UPDATES)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        allowed = params.get("allowed_updates") or None
        self._confirm(offset)
        with self._condition:
            self._poll_generation += 1
            generation = self._poll_generation
        self._set_changed()  # an earlier long poll ends with 409
        deadline = time.monotonic() + timeout
        changed = self._changed_event()
        while True:
            changed.clear()
            with self._condition:
                if generation != self._poll_generation:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request;"
                        " make sure that only one bot instance is running",
                    )
                batch = [u for u in self._updates if _allowed(u, allowed)][:limit]
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0:
                return batch
            with suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    def _confirm(self, offset: int) -> None:
        with self._condition:
            if offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            elif offset < 0:
                self._updates = self._updates[offset:]

    async def _api_setWebhook(self, params: JSON) -> bool:
        url = str(params.get("url") or "")
        if url and urlsplit(url).scheme != "https":
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET.match(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            with self._condition:
                self._updates.clear()
        self.webhook_url, self.webhook_secret = url, secret
        self.webhook_connections = int(params.get("max_connections") or MAX_CONNECTIONS)
        if url:
            self._start_delivery()
        return True

    async def _api_deleteWebhook(self, params: JSON) -> bool:
        if params.get("drop_pending_updates"):
            with self._condition:
                self._updates.clear()
        self.webhook_url, self.webhook_secret = "", None
        return True

    async def _api_getWebhookInfo(self, params: JSON) -> JSON:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": self.pending_updates(),
        }

    # ---- webhook delivery ------------------------------------------------------------------

    def lose_webhook_answers(self, times: int = 1) -> None:
        """The bot's answers to the next `times` webhook posts get lost on their way back:
        Telegram posts the same update again, as it does when it hears nothing."""
        with self._condition:
            self._lost_answers += times

    def proxy_webhook_to(self, base_url: str) -> None:
        """Deliver webhook updates to base_url + the webhook's path (the TLS proxy's job)."""
        self.webhook_proxy = base_url.rstrip("/")

    def _start_delivery(self) -> None:
        if self._delivery is None or self._delivery.done():
            self._delivery = asyncio.get_running_loop().create_task(self._deliver())

    async def _deliver(self) -> None:
        """Post updates to the webhook until each is answered 200, like Telegram: several at
        a time, one chat's in order, a failed one again after a pause."""
        changed = self._changed_event()
        posting: dict[int, asyncio.Task[None]] = {}  # update_id: its post
        busy_chats: set[object] = set()
        timeout = aiohttp.ClientTimeout(total=self.webhook_timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            try:
                while self.webhook_url:
                    changed.clear()
                    now = time.monotonic()
                    with self._condition:
                        waiting = list(self._updates)
                    ready = self.webhook_proxy is not None
                    for update in waiting:
                        if not ready or len(posting) >= self.webhook_connections:
                            break
                        chat, number = chat_of(update), update["update_id"]
                        if chat in busy_chats:
                            continue
                        busy_chats.add(chat)  # later updates of the chat wait behind it
                        if number in posting or self._not_before.get(number, 0.0) > now:
                            continue
                        task = asyncio.create_task(self._post(session, update))
                        posting[number] = task
                        task.add_done_callback(
                            lambda _, n=number: (posting.pop(n, None), self._set_changed())
                        )
                    busy_chats = {chat_of(u) for u in waiting if u["update_id"] in posting}
                    with suppress(TimeoutError):
                        await asyncio.wait_for(changed.wait(), 0.05)
            finally:
                for task in posting.values():
                    task.cancel()
                await asyncio.gather(*posting.values(), return_exceptions=True)

    async def _post(self, session: aiohttp.ClientSession, update: JSON) -> None:
        """Post one update; confirmed on 200, else posted again after a pause."""
        assert self.webhook_proxy is not None
        target = self.webhook_proxy + urlsplit(self.webhook_url).path
        headers = {"Content-Type": "application/json"}
        if self.webhook_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
        number, started = update["update_id"], time.monotonic()
        try:
            # The proxy's certificate is a test's own: not checked (Telegram checks it).
            body = json.dumps(update)
            async with session.post(target, data=body, headers=headers, ssl=False) as answer:
                status = answer.status
        except (aiohttp.ClientError, TimeoutError):
            status = 0  # no answer at all: refused, cut off, or too slow
        with self._condition:
            self.webhook_answers.append(status)
            self.webhook_posts.append((number, started, time.monotonic()))
            if status == 200 and self._lost_answers:
                self._lost_answers -= 1
                status = -1  # the answer never arrived: the same update again
            if status == 200:
                self._updates = [u for u in self._updates if u["update_id"] != number]
                self._not_before.pop(number, None)
                self._attempts.pop(number, None)
                self._condition.notify_all()
                return
            self.redelivered[number] += 1
            tries = self._attempts.get(number, 0)
            self._attempts[number] = tries + 1
            pause = min(MAX_PAUSE, FIRST_PAUSE * 2**tries)
            self._not_before[number] = time.monotonic() + (0 if status == -1 else pause)

    def posts_in_flight(self, moment: float) -> set[int]:
        """The update ids whose post to the webhook had begun and not ended at `moment`
        (time.monotonic()): what a webhook process killed then may have had in hand."""
        with self._condition:
            return {n for n, began, ended in self.webhook_posts if began <= moment <= ended}

    async def stop_delivery(self) -> None:
        """Stop posting to the webhook."""
        if self._delivery is not None:
            self._delivery.cancel()
            with suppress(asyncio.CancelledError, Exception):
                await self._delivery
