"""How updates leave the fake, as Telegram hands them out: getUpdates with real `offset`
semantics, long polling and the 409 of a second poller, or a webhook that gets each update
posted in order until it answers 200 (through the proxy address a test gives)."""

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
        """Post each update to the webhook until it answers 200, in order, like Telegram."""
        changed = self._changed_event()
        async with aiohttp.ClientSession() as session:
            while self.webhook_url:
                changed.clear()
                with self._condition:
                    update = self._updates[0] if self._updates else None
                if update is None or self.webhook_proxy is None:
                    with suppress(TimeoutError):
                        await asyncio.wait_for(changed.wait(), 0.5)
                    continue
                target = self.webhook_proxy + urlsplit(self.webhook_url).path
                headers = {"Content-Type": "application/json"}
                if self.webhook_secret:
                    headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
                try:
                    async with session.post(target, data=json.dumps(update), headers=headers) as r:
                        delivered = r.status == 200
                        self.webhook_answers.append(r.status)
                except aiohttp.ClientError:
                    delivered = False
                with self._condition:
                    if delivered and self._lost_answers:
                        self._lost_answers -= 1
                        continue  # the answer never arrived: the same update again
                if delivered:
                    with self._condition:
                        if self._updates and self._updates[0] is update:
                            self._updates.pop(0)
                else:
                    await asyncio.sleep(0.1)

    async def stop_delivery(self) -> None:
        """Stop posting to the webhook."""
        if self._delivery is not None:
            self._delivery.cancel()
            with suppress(asyncio.CancelledError, Exception):
                await self._delivery
