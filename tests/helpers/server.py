"""The fake Bot API over HTTP, for a real `newsbot run` process: aiohttp on 127.0.0.1 (port 0)
in a thread of its own, at http://127.0.0.1:<port>/bot<token>/<method>, so the bot can poll it
or receive webhooks from it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web

from helpers.api import JSON, ApiError, decode_form
from helpers.fake import FakeTelegram


class FakeTelegramServer:
    """Serves a FakeTelegram at http://127.0.0.1:<port>/bot<token>/<method>, in its own thread."""

    def __init__(self, fake: FakeTelegram | None = None) -> None:
        self.fake = fake or FakeTelegram()
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        """What TELEGRAM_API_BASE_URL is set to: the token is appended to it."""
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> FakeTelegramServer:
        """Listen on a free port."""
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    async def _start(self) -> None:
        self.fake.bind(asyncio.get_running_loop())
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def _handle(self, request: web.Request) -> web.Response:
        fields: dict[str, str] = dict(request.query)
        try:
            if request.content_type == "application/json":
                body = await request.json()
                params: JSON = {**decode_form(fields), **(body or {})}
            else:
                form = await request.post()
                fields.update({k: v for k, v in form.items() if isinstance(v, str)})
                params = decode_form(fields)
        except ApiError as exc:
            return web.json_response(exc.body(), status=exc.code)
        status, body = await self.fake.api(
            request.match_info["token"], request.match_info["method"], params
        )
        return web.json_response(body, status=status)

    def stop(self) -> None:
        """Stop serving and the thread."""

        async def _stop() -> None:
            await self.fake.stop_delivery()
            if self._runner is not None:
                await self._runner.cleanup()

        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(_stop(), self._loop).result(timeout=10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._loop.close()

    def __enter__(self) -> FakeTelegramServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def serving(fake: FakeTelegram | None = None) -> Iterator[FakeTelegramServer]:
    """A started FakeTelegramServer, stopped afterwards."""
    server = FakeTelegramServer(fake)
    with server:
        yield server
