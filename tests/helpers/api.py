"""The Bot API's wire as the fake speaks it: the bot's token and name, Telegram's limits, error
answers, the calls it records, how form fields are typed, and the rules for reply markup."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

TOKEN = "123456:TEST-token-for-the-fake-api"
BOT_ID = 123456
BOT_USERNAME = "newsbot_test_bot"
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
QUERY_TTL = 15.0  # seconds a callback or inline query can be answered
MAX_UPDATES = 100
CLIENT_GONE = 499  # recorded for a request the bot gave up on before the answer

JSON = dict[str, Any]

# How form fields are typed; everything else stays a string (Telegram knows its fields).
JSON_FIELDS = {
    "reply_markup",
    "results",
    "commands",
    "allowed_updates",
    "link_preview_options",
    "reply_parameters",
    "entities",
    "caption_entities",
    "scope",
    "button",
}
INT_FIELDS = {
    "chat_id",
    "message_id",
    "offset",
    "limit",
    "timeout",
    "cache_time",
    "message_thread_id",
    "max_connections",
}
BOOL_FIELDS = {"is_personal", "show_alert", "drop_pending_updates", "disable_notification"}


class ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after

    def body(self) -> JSON:
        """The JSON body Telegram sends with the error."""
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(text: str) -> ApiError:
    """A 400 with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {text}")


@dataclass
class Call:
    """One request the bot made, with Telegram's answer."""

    method: str
    params: JSON
    status: int
    result: Any = None
    error: str | None = None
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        """True if Telegram accepted the call."""
        return self.status == 200

    @property
    def chat_id(self) -> Any:
        """The chat the call was for, if any."""
        return self.params.get("chat_id")


def decode_form(fields: dict[str, str]) -> JSON:
    """Form fields as Telegram reads them: JSON objects, integers, booleans, else text."""
    params: JSON = {}
    for name, value in fields.items():
        if name in JSON_FIELDS:
            try:
                params[name] = json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        elif name in INT_FIELDS:
            try:
                params[name] = int(value)
            except ValueError:
                params[name] = value
        elif name in BOOL_FIELDS:
            params[name] = value.lower() == "true"
        else:
            params[name] = value
    return params


def scope_key(scope: JSON) -> str:
    """How a BotCommandScope is filed in FakeTelegram.scoped_commands."""
    return json.dumps(scope, sort_keys=True)


def public(message: JSON) -> JSON:
    """A stored message without the fake's own bookkeeping (keys that start with "_")."""
    return {k: v for k, v in message.items() if not k.startswith("_")}


def check_markup(params: JSON) -> JSON | None:
    """The reply_markup of a call if Telegram would take it; raises ApiError like Telegram."""
    markup: JSON | None = params.get("reply_markup")
    if markup is None:
        return None
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if not isinstance(rows, list):
        raise bad_request("can't parse reply keyboard markup JSON object")
    for row in rows:
        for button in row:
            if not str(button.get("text") or "").strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            actions = [k for k in ("callback_data", "url", "switch_inline_query") if k in button]
            if len(actions) != 1:
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the"
                    " inline keyboard"
                )
            if "callback_data" in button:
                size = len(str(button["callback_data"]).encode("utf-8"))
                if not 1 <= size <= CALLBACK_DATA_LIMIT:
                    raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button and urlsplit(str(button["url"])).scheme not in (
                "http",
                "https",
                "tg",
            ):
                raise bad_request("BUTTON_URL_INVALID")
    return markup
