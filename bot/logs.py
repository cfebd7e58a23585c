"""Logging for every command: one format, quiet libraries, no reader data, no secrets.

The bot token and the webhook secret are replaced by [redacted] in every record that reaches
the handler, from any library; python-telegram-bot's loggers never go below INFO, where they
would log whole updates (readers' names and messages).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence

REDACTED = "[redacted]"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Libraries that log every request (httpx with the URL, which holds the token) stay quiet.
QUIET_LOGGERS = (
    "httpx",
    "httpcore",
    "tornado.access",
    "tornado.general",  # a line with the client's address for every oversized request
    "apscheduler",
    "aiohttp.access",
)
# python-telegram-bot logs whole updates and API calls at DEBUG: readers' names, usernames
# and messages. Never below INFO, so that even a DEBUG log holds nothing about a reader.
PRIVATE_LOGGERS = ("telegram",)


def configure_logging(level: str, secrets: Sequence[str] = ()) -> None:
    """Log to standard error at level, with every secret redacted from every record."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    for name in PRIVATE_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.INFO, root.level))


def redact(text: str, secrets_: Iterable[str]) -> str:
    """The text with every secret replaced by [redacted], in any letter case.

    Any case, because python-telegram-bot capitalize()s the descriptions of API errors,
    which lowercases a token quoted in one.
    """
    for secret in secrets_:
        if secret and secret.casefold() in text.casefold():
            text = re.sub(re.escape(secret), REDACTED, text, flags=re.IGNORECASE)
    return text


class RedactingFilter(logging.Filter):
    """Replaces secrets in a log record's message, arguments and traceback text.

    Put it on the handlers (not on loggers): a handler's filters see every record that
    reaches it, from any library.
    """

    def __init__(self, secrets_: Iterable[str]) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets_ if s)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drops it."""
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: logging itself reports it
            return True
        clean = redact(message, self.secrets)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True
