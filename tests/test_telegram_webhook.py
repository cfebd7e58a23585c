"""The webhook server answers 200 only for what is handled, and tells the load balancer when it
is ready (issue 15). The end-to-end tests run it inside `newsbot run` behind nginx
(test_e2e_scaled.py); these check its answers in process, over real HTTP."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from helpers.api import TOKEN
from telegram import Bot, Update

from bot.storage.shared.memory import MemoryLedger
from bot.telegram.intake import Intake
from bot.telegram.webhook import SECRET_HEADER, WebhookServer

BOT = Bot(TOKEN)
SECRET = "the-secret"


def update(update_id: int) -> dict[str, Any]:
    """A message update as Telegram posts it."""
    chat = {"id": 77, "type": "private", "first_name": "Lea"}
    message = {"message_id": 5, "date": 1_764_000_000, "chat": chat, "text": "hallo"}
    return {"update_id": update_id, "message": {**message, "from": {**chat, "is_bot": False}}}


@dataclass
class Hook:
    """A webhook server on a free port, its handlers held until `release` is set."""

    server: WebhookServer
    url: str
    release: asyncio.Event
    handled: list[int]

    async def post(self, client: httpx.AsyncClient, data: object) -> int:
        """Post an update as Telegram does; the HTTP status."""
        answer = await client.post(f"{self.url}/hook", json=data, headers={SECRET_HEADER: SECRET})
        return answer.status_code


@pytest.fixture
async def hook() -> AsyncIterator[Hook]:
    """A listening, not yet ready webhook server."""
    release, handled = asyncio.Event(), []

    async def handle(update: Update) -> None:
        await release.wait()
        handled.append(update.update_id)

    server = WebhookServer(Intake(BOT, handle, MemoryLedger(), busy_wait=0), "hook", SECRET)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server.listen("127.0.0.1", port)
    yield Hook(server, f"http://127.0.0.1:{port}", release, handled)
    release.set()
    await server.stop(drain=0)


async def test_health_says_ready_only_between_start_and_stop(hook: Hook) -> None:
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"{hook.url}/healthz")).status_code == 503
        assert await hook.post(client, update(1)) == 503  # not ready: another replica takes it
        hook.server.ready()
        health = await client.get(f"{hook.url}/healthz")
        assert (health.status_code, health.text) == (200, "ready\n")
        hook.release.set()
        stopping = asyncio.create_task(hook.server.stop(drain=0))
        await stopping
        with pytest.raises(httpx.ConnectError):
            await client.get(f"{hook.url}/healthz")
    assert hook.handled == []


async def test_the_answer_comes_once_the_update_is_handled(hook: Hook) -> None:
    hook.server.ready()
    async with httpx.AsyncClient(timeout=5) as client:
        first = asyncio.create_task(hook.post(client, update(10)))
        await asyncio.sleep(0.2)
        assert not first.done() and hook.handled == []  # no 200 before it is handled
        assert await hook.post(client, update(10)) == 503  # held here: deliver it again later
        hook.release.set()
        assert await first == 200 and hook.handled == [10]
        assert await hook.post(client, update(10)) == 200  # handled: at once, not again
        assert await hook.post(client, {"update_id": "x"}) == 200  # unreadable: skipped
    assert hook.handled == [10]


async def test_stopping_finishes_the_updates_in_hand_and_refuses_new_ones(hook: Hook) -> None:
    hook.server.ready()
    async with httpx.AsyncClient(timeout=5) as client:
        in_hand = asyncio.create_task(hook.post(client, update(20)))
        await asyncio.sleep(0.2)
        stopping = asyncio.create_task(hook.server.stop(drain=5))
        await asyncio.sleep(0.1)
        assert (await client.get(f"{hook.url}/healthz")).status_code == 503
        assert await hook.post(client, update(21)) == 503
        hook.release.set()
        assert await in_hand == 200
        await stopping
    assert hook.handled == [20]
