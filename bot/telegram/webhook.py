"""The webhook: Telegram posts each update here (through the TLS proxy in front of the bot).

Ours rather than python-telegram-bot's, which reads a whole request body before it looks at
the secret (twenty 10 MB bodies without it took 200 MB) and answers an update it cannot read
with 400, so Telegram sends it again and again and the updates behind it wait (issue 17).
Here the request line and headers decide first, before any of the body is read: a request
without the right secret gets 403, one announcing more than MAX_BODY bytes 413, and a body
that grows past MAX_BODY anyway (chunked) ends the connection. What passes is Telegram's:
its updates go to the intake, which skips what it cannot read.

The answer is 200 only once the update is handled, or was handled before, or cannot be read
(so that Telegram goes on with the next one): a process killed with updates in hand has
acknowledged none of them, and Telegram delivers them again, through the load balancer to
another replica (issue 15). 503 says "deliver it again": another replica holds the update,
handling it broke off, or this process is stopping. GET /healthz is the load balancer's:
200 once the bot is ready (knowledge loaded, Telegram told where to post), 503 before and
while it stops; stopping, the server first finishes the updates it holds (DRAIN_SECONDS).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from http import HTTPStatus
from typing import Any

import tornado.web
from tornado.httpserver import HTTPServer

from bot.telegram.intake import Intake, Outcome

logger = logging.getLogger(__name__)

# Bytes a request body may have. Telegram's updates are a few kB (a message has at most
# 4,096 characters, a caption 1,024; a reply quotes one message more); 256 kB is plenty.
MAX_BODY = 256 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
DRAIN_SECONDS = 20.0  # stopping, how long the updates in hand may take to be handled
_ACKNOWLEDGED = (Outcome.HANDLED, Outcome.SKIPPED)


class Readiness:
    """Whether the process takes updates: ready once started, not while it stops; and how
    many updates it holds right now."""

    def __init__(self) -> None:
        self.ready = False
        self.in_hand = 0


@tornado.web.stream_request_body
class _UpdateHandler(tornado.web.RequestHandler):
    """One request to the webhook's path: refused at its headers, or read and taken."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, intake: Intake, secret: str, readiness: Readiness) -> None:
        self.intake = intake
        self.secret = secret
        self.readiness = readiness
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
        """Take the update; 200 once handled (or skipped), 503 for "deliver it again"."""
        try:
            data: Any = json.loads(self.body)
        except ValueError:  # no JSON at all: no update either; logged without content
            data = None
        if not self.readiness.ready:  # starting or stopping: another replica takes it
            self._refuse(HTTPStatus.SERVICE_UNAVAILABLE, "not ready")
            return
        self.readiness.in_hand += 1
        try:
            outcome = await self.intake.take(data)
        finally:
            self.readiness.in_hand -= 1
        fine = outcome in _ACKNOWLEDGED
        self.set_status(HTTPStatus.OK if fine else HTTPStatus.SERVICE_UNAVAILABLE)
        self.finish()

    def _refuse(self, status: HTTPStatus, why: str) -> None:
        logger.debug("a request to the webhook was refused: %s", why)
        self.set_status(status)
        self.finish()

    def log_exception(self, *args: Any) -> None:
        """Tornado's own error log would name the client; our lines say enough."""


class _HealthHandler(tornado.web.RequestHandler):
    """GET /healthz: 200 while the bot takes updates, 503 before and while it stops."""

    SUPPORTED_METHODS = ("GET", "HEAD")

    def initialize(self, readiness: Readiness) -> None:
        self.readiness = readiness

    def get(self) -> None:
        """The state as the status code, and one word for people."""
        self.set_header("Content-Type", "text/plain")
        self.set_header("Cache-Control", "no-store")
        if self.readiness.ready:
            self.finish("ready\n")
        else:
            self.set_status(HTTPStatus.SERVICE_UNAVAILABLE)
            self.finish("not ready\n")

    def head(self) -> None:
        """As GET, without the body."""
        if not self.readiness.ready:
            self.set_status(HTTPStatus.SERVICE_UNAVAILABLE)
        self.finish()

    def log_exception(self, *args: Any) -> None:
        """No client addresses in the log."""


class _Routes(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """No access log: requests are refused or taken without a line each."""


class WebhookServer:
    """The HTTP server on listen:port that takes Telegram's posts at /path, and /healthz."""

    def __init__(self, intake: Intake, path: str, secret: str) -> None:
        route = "/" + path.strip("/")
        self.readiness = Readiness()
        handlers: list[Any] = [
            (HEALTH_PATH, _HealthHandler, {"readiness": self.readiness}),
            (
                rf"{route}/?",
                _UpdateHandler,
                {"intake": intake, "secret": secret, "readiness": self.readiness},
            ),
        ]
        self._server = HTTPServer(_Routes(handlers), max_body_size=MAX_BODY)

    def listen(self, address: str, port: int) -> None:
        """Start listening (not ready yet); OSError if the port cannot be had."""
        self._server.listen(port, address=address)

    def ready(self) -> None:
        """Take updates from now on, and say so at /healthz."""
        self.readiness.ready = True

    async def stop(self, drain: float = DRAIN_SECONDS) -> None:
        """Refuse new updates (503), finish those in hand for up to drain seconds, then stop
        listening and close the connections."""
        self.readiness.ready = False
        deadline = time.monotonic() + drain
        while self.readiness.in_hand and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        if self.readiness.in_hand:
            logger.warning("stopping with %d updates in hand", self.readiness.in_hand)
        self._server.stop()
        await self._server.close_all_connections()
