"""The webhook: Telegram posts each update here (through the TLS proxy in front of the bot).

Ours rather than python-telegram-bot's, which reads a whole request body before it looks at
the secret (twenty 10 MB bodies without it took 200 MB) and answers an update it cannot read
with 400, so Telegram sends it again and again and the updates behind it wait (issue 17).
Here the request line and headers decide first, before any of the body is read: a request
without the right secret gets 403, one announcing more than MAX_BODY bytes 413, and a body
that grows past MAX_BODY anyway (chunked) ends the connection. What passes is Telegram's:
its updates go to the intake, which skips what it cannot read, and the answer is always 200
so that Telegram goes on with the next one.
"""

from __future__ import annotations

import hmac
import json
import logging
from http import HTTPStatus
from typing import Any

import tornado.web
from tornado.httpserver import HTTPServer

from bot.telegram.intake import Intake

logger = logging.getLogger(__name__)

# Bytes a request body may have. Telegram's updates are a few kB (a message has at most
# 4,096 characters, a caption 1,024; a reply quotes one message more); 256 kB is plenty.
MAX_BODY = 256 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@tornado.web.stream_request_body
class _UpdateHandler(tornado.web.RequestHandler):
    """One request to the webhook's path: refused at its headers, or read and taken."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, intake: Intake, secret: str) -> None:
        self.intake = intake
        self.secret = secret
        self.body = bytearray()

    def prepare(self) -> None:
        """Look at the headers only: the body has not been read yet."""
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self._refuse(HTTPStatus.FORBIDDEN, "without the webhook secret")
            return
        length = self.request.headers.get("Content-Length", "0")
        if not length.isdigit() or int(length) > MAX_BODY:
            self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "larger than an update can be")
            return
        # A chunked body has no length to look at: tornado ends the connection past this.
        self.request.connection.set_max_body_size(MAX_BODY)  # type: ignore[union-attr]

    def data_received(self, chunk: bytes) -> None:
        """A piece of an accepted request's body."""
        if not self._finished:
            self.body += chunk

    async def post(self) -> None:
        """Take the update (the intake skips what it cannot read) and say 200 in any case."""
        try:
            data: Any = json.loads(self.body)
        except ValueError:  # no JSON at all: no update either; logged without content
            data = None
        await self.intake.take(data)
        self.set_status(HTTPStatus.OK)
        self.finish()

    def _refuse(self, status: HTTPStatus, why: str) -> None:
        logger.debug("a request to the webhook was refused: %s", why)
        self.set_status(status)
        self.finish()

    def log_exception(self, *args: Any) -> None:
        """Tornado's own error log would name the client; our lines say enough."""


class _Routes(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """No access log: requests are refused or taken without a line each."""


class WebhookServer:
    """The HTTP server on listen:port that takes Telegram's posts at /path."""

    def __init__(self, intake: Intake, path: str, secret: str) -> None:
        route = "/" + path.strip("/")
        routes = _Routes([(rf"{route}/?", _UpdateHandler, {"intake": intake, "secret": secret})])
        self._server = HTTPServer(routes, max_body_size=MAX_BODY)

    def listen(self, address: str, port: int) -> None:
        """Start listening; OSError if the port cannot be had."""
        self._server.listen(port, address=address)

    async def stop(self) -> None:
        """Stop listening and close the connections."""
        self._server.stop()
        await self._server.close_all_connections()
