"""python-telegram-bot request classes answered inside the test process: by a FakeTelegram for
handler tests, failing the test for any other address (as python-telegram-bot's own
OfflineRequest does), or failing it for any call at all (polling in a handler test)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from telegram.request import BaseRequest, RequestData

from helpers.api import JSON
from helpers.fake import FakeTelegram

FAKE_BASE_URL = "http://fake-telegram.invalid/bot"


class LocalRequest(BaseRequest):
    """A request layer answered inside the process: nothing to open, close or wait for."""

    @property
    def read_timeout(self) -> float:
        """Long polls would wait this long (in-process requests do not poll)."""
        return 1.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Hand the call to answer()."""
        params = dict(request_data.parameters) if request_data is not None else {}
        return await self.answer(url, method, params)

    async def answer(self, url: str, method: str, params: JSON) -> tuple[int, bytes]:
        """The HTTP status and body for one Bot API call."""
        raise NotImplementedError


class FakeBotApiRequest(LocalRequest):
    """python-telegram-bot's request layer answered by a FakeTelegram, without any network.

    Any URL that is not the fake's fails the test, as python-telegram-bot's own OfflineRequest
    does: handler tests cannot reach Telegram even by mistake.
    """

    def __init__(self, fake: FakeTelegram, base_url: str = FAKE_BASE_URL) -> None:
        self.fake = fake
        self.base_url = base_url

    async def answer(self, url: str, method: str, params: JSON) -> tuple[int, bytes]:
        """Answer from the fake; fail the test for any other address."""
        if not url.startswith(self.base_url):
            pytest.fail(f"network access in a handler test: {method} {urlsplit(url).netloc}")
        token, _, api_method = url[len(self.base_url) :].partition("/")
        status, body = await self.fake.api(token, api_method, params)
        return status, json.dumps(body).encode("utf-8")


class OfflineRequest(LocalRequest):
    """A request class for what a test must never do (such as polling): it fails the test."""

    async def answer(self, url: str, method: str, params: JSON) -> tuple[int, bytes]:
        """Fail the test: no network here."""
        pytest.fail(f"OfflineRequest: network access disallowed in this test ({method})")
