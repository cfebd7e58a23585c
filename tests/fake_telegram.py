"""A fake Telegram Bot API, as strict as Telegram where bots usually break.

FakeTelegram is the API's state and rules: chats, messages, updates with real `offset`
semantics and long polling, HTML checked the way Telegram parses it, the limits on text,
captions and callback_data, "message is not modified", callback and inline query ids that
must be answered once and in time, and injected failures (429 with retry_after, 500, 403,
slow answers). It records every call so tests can assert what the reader saw.

It is served two ways: over HTTP by FakeTelegramServer (aiohttp on 127.0.0.1, port 0, in a
thread of its own, so that a real `newsbot run` process can poll it or receive webhooks from
it), and in process by FakeBotApiRequest for handler tests, which fails the test for any
address that is not the fake's.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

import aiohttp
import pytest
from aiohttp import web
from telegram.request import BaseRequest, RequestData

TOKEN = "123456:TEST-token-for-the-fake-api"
BOT_ID = 123456
BOT_USERNAME = "newsbot_test_bot"
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
QUERY_TTL = 15.0  # seconds a callback or inline query can be answered
MAX_UPDATES = 100
CLIENT_GONE = 499  # recorded for a request the bot gave up on before the answer

T = TypeVar("T")
JSON = dict[str, Any]

# Tags Telegram's HTML parse mode knows, with the attributes each may carry.
ALLOWED_TAGS: dict[str, set[str]] = {
    "b": set(),
    "strong": set(),
    "i": set(),
    "em": set(),
    "u": set(),
    "ins": set(),
    "s": set(),
    "strike": set(),
    "del": set(),
    "a": {"href"},
    "code": {"class"},
    "pre": set(),
    "tg-spoiler": set(),
    "span": {"class"},
    "blockquote": {"expandable"},
    "tg-emoji": {"emoji-id"},
}
_TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[A-Za-z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*>"
)
_ATTRIBUTE = re.compile(r"([A-Za-z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']+))?")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});")
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}\b")
_BOT_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")

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


def utf16_length(text: str) -> int:
    """The length Telegram counts."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> str:
    """The plain text of a Telegram HTML message; raises ApiError like Telegram does."""
    plain: list[str] = []
    stack: list[str] = []
    position = 0

    def fail(reason: str, at: int) -> ApiError:
        offset = len(text[:at].encode("utf-8"))
        return bad_request(f"can't parse entities: {reason} at byte offset {offset}")

    while position < len(text):
        char = text[position]
        if char == "<":
            tag = _TAG.match(text, position)
            if tag is None:
                raise fail('unexpected "<"; write it as &lt;', position)
            closing, name, attributes = tag.group(1), tag.group(2).lower(), tag.group(3)
            if name not in ALLOWED_TAGS:
                raise fail(f'unsupported start tag "{name}"', position)
            if closing:
                if not stack:
                    raise fail(f'unexpected end tag "{name}"', position)
                if stack[-1] != name:
                    raise fail(
                        f'unmatched end tag, expected "</{stack[-1]}>", found "</{name}>"', position
                    )
                stack.pop()
            else:
                found = {m.group(1).lower(): m.group(2) for m in _ATTRIBUTE.finditer(attributes)}
                unknown = set(found) - ALLOWED_TAGS[name]
                if unknown:
                    raise fail(
                        f'unsupported attribute "{sorted(unknown)[0]}" of "{name}"', position
                    )
                if name == "a" and not (found.get("href") or "").strip("\"'"):
                    raise fail('tag "a" must have a non-empty "href" attribute', position)
                for value in found.values():
                    if value and not _attribute_ok(value.strip("\"'")):
                        raise fail(f'unexpected "&" in an attribute of "{name}"', position)
                stack.append(name)
            position = tag.end()
        elif char == "&":
            entity = _ENTITY.match(text, position)
            if entity is None:
                raise fail('unexpected "&"; write it as &amp;', position)
            plain.append(html.unescape(entity.group(0)))
            position = entity.end()
        elif char == ">":
            raise fail('unexpected ">"; write it as &gt;', position)
        else:
            plain.append(char)
            position += 1
    if stack:
        raise bad_request(
            f"can't parse entities: can't find end tag corresponding to start tag \"{stack[-1]}\""
        )
    return "".join(plain)


def _attribute_ok(value: str) -> bool:
    """Every & in an attribute value starts an entity."""
    return all(_ENTITY.match(value, m.start()) for m in re.finditer("&", value))


def message_entities(text: str) -> list[JSON]:
    """The entities Telegram attaches to a user's message: the command, @mentions."""
    found = []
    command = _COMMAND.match(text)
    if command:
        found.append(("bot_command", command.start(), command.end()))
    found += [("mention", m.start(), m.end()) for m in _MENTION.finditer(text)]
    return [
        {
            "type": kind,
            "offset": utf16_length(text[:start]),
            "length": utf16_length(text[start:end]),
        }
        for kind, start, end in found
    ]


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


@dataclass
class _Fault:
    method: str
    times: int
    status: int | None
    description: str | None
    retry_after: int | None
    delay: float
    chat_id: int | None
    until: float | None = None  # time.monotonic() after which the fault is over


@dataclass
class _Query:
    created: float
    answered: bool = False


class FakeTelegram:
    """The Bot API's state and rules for one bot; thread-safe for the test's side."""

    def __init__(self, token: str = TOKEN, username: str = BOT_USERNAME) -> None:
        self.token = token
        self.bot_user: JSON = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "newsbot",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self.calls: list[Call] = []  # answered calls, in the order of their answers
        self.received: list[str] = []  # methods called, in the order they arrived
        self.counts: Counter[str] = Counter()  # answered calls per method
        self.chats: dict[int, JSON] = {}
        self.messages: dict[tuple[int, int], JSON] = {}
        self.commands: list[JSON] = []  # the menu everyone sees (the default scope)
        self.scoped_commands: dict[str, list[JSON]] = {}  # other scopes, by their JSON
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self.webhook_proxy: str | None = None
        self.webhook_answers: list[int] = []  # the webhook's HTTP status for each post
        self._lost_answers = 0  # posts whose 200 is "lost": the update is posted again
        self._updates: list[JSON] = []
        self._update_ids = itertools.count(1000)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._queries: dict[str, _Query] = {}
        self._query_ids = itertools.count(1)
        self._faults: list[_Fault] = []
        self._condition = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None
        self._poll_generation = 0
        self._delivery: asyncio.Task[None] | None = None

    # ---- the test's side -------------------------------------------------------------------

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Serve from this event loop (long polls and webhooks wait in it)."""
        self._loop = loop

    def user(self, user_id: int, first_name: str = "Kind", **names: str) -> JSON:
        """A reader; names may add last_name and username."""
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            **names,
            "language_code": "de",
        }

    def private_chat(self, user_id: int, first_name: str = "Kind", **names: str) -> JSON:
        """The private chat of a reader with the bot (Telegram names it after the reader)."""
        chat = {"id": user_id, "type": "private", "first_name": first_name, **names}
        with self._condition:
            self.chats[user_id] = chat
        return chat

    def group_chat(self, chat_id: int, title: str = "Klasse 6b") -> JSON:
        """A group the bot is a member of (chat ids of groups are negative)."""
        chat = {"id": chat_id, "type": "supergroup", "title": title}
        with self._condition:
            self.chats[chat_id] = chat
        return chat

    def send_text(
        self, chat: JSON, text: str, user: JSON | None = None, reply_to: JSON | None = None
    ) -> JSON:
        """A reader writes text (a command, a question); returns the message."""
        message = self._user_message(chat, user, {"text": text})
        entities = message_entities(text)
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        self.add_update({"message": message})
        return message

    def edit_text(self, message: JSON, text: str) -> JSON:
        """A reader edits a message they sent."""
        edited = {**message, "text": text, "edit_date": int(time.time())}
        edited.pop("entities", None)
        if message_entities(text):
            edited["entities"] = message_entities(text)
        with self._condition:
            self.messages[(edited["chat"]["id"], edited["message_id"])] = edited
        self.add_update({"edited_message": edited})
        return edited

    def send_sticker(self, chat: JSON, user: JSON | None = None) -> JSON:
        """A reader sends a sticker."""
        sticker = {
            "file_id": "CAACAgIAAxkBAAE",
            "file_unique_id": "AgADsticker",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "😀",
        }
        message = self._user_message(chat, user, {"sticker": sticker})
        self.add_update({"message": message})
        return message

    def send_photo(self, chat: JSON, caption: str | None = None, user: JSON | None = None) -> JSON:
        """A reader sends a photo, with a caption if given."""
        content: JSON = {
            "photo": [
                {
                    "file_id": "AgACreader",
                    "file_unique_id": "AQADreader",
                    "width": 800,
                    "height": 600,
                }
            ]
        }
        if caption is not None:
            content["caption"] = caption
            entities = message_entities(caption)
            if entities:
                content["caption_entities"] = entities
        message = self._user_message(chat, user, content)
        self.add_update({"message": message})
        return message

    def add_bot_to_group(self, chat: JSON, by: JSON, status: str = "member") -> JSON:
        """Someone adds the bot to a group (or makes it an administrator there)."""
        return self._bot_status(chat, by, "left", status)

    def remove_bot_from_group(self, chat: JSON, by: JSON) -> JSON:
        """Someone removes the bot from a group."""
        return self._bot_status(chat, by, "member", "left")

    def _bot_status(self, chat: JSON, by: JSON, old: str, new: str) -> JSON:
        """A my_chat_member update: the bot's status in a chat changed from old to new."""

        def member(status: str) -> JSON:
            extra = (
                {
                    "can_be_edited": False,
                    "is_anonymous": False,
                    "can_manage_chat": True,
                    "can_delete_messages": False,
                    "can_manage_video_chats": False,
                    "can_restrict_members": False,
                    "can_promote_members": False,
                    "can_change_info": False,
                    "can_invite_users": True,
                    "can_post_stories": False,
                    "can_edit_stories": False,
                    "can_delete_stories": False,
                }
                if status == "administrator"
                else {}
            )
            return {"user": self.bot_user, "status": status, **extra}

        return self.add_update(
            {
                "my_chat_member": {
                    "chat": chat,
                    "from": by,
                    "date": int(time.time()),
                    "old_chat_member": member(old),
                    "new_chat_member": member(new),
                }
            }
        )

    def press(self, message: JSON, data: str, user: JSON | None = None) -> str:
        """A reader presses a button of a bot message; returns the callback query id."""
        query_id = f"cq{next(self._query_ids)}"
        user = user or self.user(message["chat"]["id"])
        with self._condition:
            self._queries[query_id] = _Query(time.monotonic())
        self.add_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user,
                    "chat_instance": f"ci{message['chat']['id']}",
                    "message": message,
                    "data": data,
                }
            }
        )
        return query_id

    def register_query(self, query_id: str) -> None:
        """A callback or inline query the test made itself: the bot may answer it (once)."""
        with self._condition:
            self._queries[query_id] = _Query(time.monotonic())

    def inline_query(self, user: JSON, query: str) -> str:
        """A reader types @bot <query> in some chat; returns the inline query id."""
        query_id = f"iq{next(self._query_ids)}"
        with self._condition:
            self._queries[query_id] = _Query(time.monotonic())
        self.add_update(
            {
                "inline_query": {
                    "id": query_id,
                    "from": user,
                    "query": query,
                    "offset": "",
                    "chat_type": "sender",
                }
            }
        )
        return query_id

    def add_update(self, payload: JSON) -> JSON:
        """Queue an update for getUpdates (or the webhook); returns it with its update_id."""
        with self._condition:
            update = {"update_id": next(self._update_ids), **payload}
            self._updates.append(update)
        self._wake()
        return update

    def take_last_update(self) -> JSON:
        """Remove the newest update from the queue and return it (to process it directly)."""
        with self._condition:
            return self._updates.pop()

    def fail(
        self,
        method: str,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
        seconds: float | None = None,
    ) -> None:
        """The next `times` calls of a method (for one chat, if given) fail like this; or,
        with `seconds`, every call for that long from now (a burst of 5xx answers)."""
        until = None if seconds is None else time.monotonic() + seconds
        with self._condition:
            self._faults.append(
                _Fault(
                    method,
                    times if seconds is None else 10**9,
                    status,
                    description,
                    retry_after,
                    0.0,
                    chat_id,
                    until,
                )
            )

    def slow(
        self, method: str, seconds: float, *, times: int = 1, chat_id: int | None = None
    ) -> None:
        """The next `times` calls of a method answer only after `seconds`."""
        with self._condition:
            self._faults.append(_Fault(method, times, None, None, None, seconds, chat_id))

    def clear_faults(self) -> None:
        """Forget every failure and slow answer still waiting to happen."""
        with self._condition:
            self._faults.clear()

    def lose_webhook_answers(self, times: int = 1) -> None:
        """The bot's answers to the next `times` webhook posts get lost on their way back:
        Telegram posts the same update again, as it does when it hears nothing."""
        with self._condition:
            self._lost_answers += times

    def proxy_webhook_to(self, base_url: str) -> None:
        """Deliver webhook updates to base_url + the webhook's path (the TLS proxy's job)."""
        self.webhook_proxy = base_url.rstrip("/")

    def recorded(self, method: str | None = None, chat_id: int | None = None) -> list[Call]:
        """The calls so far, of one method and for one chat if given."""
        with self._condition:
            return [
                c
                for c in self.calls
                if (method is None or c.method == method)
                and (chat_id is None or c.chat_id == chat_id)
            ]

    def sent(self, chat_id: int) -> list[Call]:
        """The messages the bot sent to a chat (text and photos) that Telegram accepted."""
        return [
            c
            for c in self.recorded(chat_id=chat_id)
            if c.ok and c.method in ("sendMessage", "sendPhoto")
        ]

    def pending_updates(self) -> int:
        """How many updates the bot has not confirmed yet."""
        with self._condition:
            return len(self._updates)

    def wait_for(self, predicate: Callable[[], T], timeout: float = 10.0) -> T:
        """Wait (in the test's thread) until predicate() is truthy; return its value."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                value = predicate()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    pytest.fail(f"timed out after {timeout} s; calls: {self._summary()}")
                self._condition.wait(min(remaining, 0.5))

    def wait_for_sent(self, chat_id: int, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """The first `count` messages sent to a chat, once there are that many."""
        return self.wait_for(
            lambda: len(self.sent(chat_id)) >= count and self.sent(chat_id), timeout
        )[:count]

    def _summary(self) -> str:
        return ", ".join(f"{c.method}:{c.status}" for c in self.calls[-30:])

    # ---- the bot's side --------------------------------------------------------------------

    async def api(self, token: str, method: str, params: JSON) -> tuple[int, JSON]:
        """Answer one Bot API request: (HTTP status, JSON body)."""
        if token != self.token:
            return 401, ApiError(401, "Unauthorized").body()
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return 404, ApiError(404, "Not Found").body()
        with self._condition:
            self.received.append(method)
            self._condition.notify_all()
        fault = self._take_fault(method, params.get("chat_id"))
        try:
            if fault is not None and fault.delay:
                await asyncio.sleep(fault.delay)
            if fault is not None and fault.status is not None:
                raise ApiError(fault.status, fault.description or "", fault.retry_after)
            result = await handler(params)
        except ApiError as exc:
            self._record(Call(method, params, exc.code, error=exc.description))
            return exc.code, exc.body()
        except asyncio.CancelledError:  # the bot hung up (a timeout): nothing was sent
            self._record(Call(method, params, CLIENT_GONE, error="the client closed the request"))
            raise
        self._record(Call(method, params, 200, result=result))
        return 200, {"ok": True, "result": result}

    def _take_fault(self, method: str, chat_id: Any) -> _Fault | None:
        with self._condition:
            now = time.monotonic()
            self._faults = [f for f in self._faults if f.until is None or f.until > now]
            for fault in self._faults:
                if fault.method == method and fault.chat_id in (None, chat_id) and fault.times:
                    fault.times -= 1
                    return fault
        return None

    def _record(self, call: Call) -> None:
        with self._condition:
            self.calls.append(call)
            self.counts[call.method] += 1
            self._condition.notify_all()

    def _wake(self) -> None:
        with self._condition:
            self._condition.notify_all()
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._set_changed)

    def _set_changed(self) -> None:
        if self._changed is not None:
            self._changed.set()

    def _user_message(self, chat: JSON, user: JSON | None, content: JSON) -> JSON:
        message = {
            "message_id": self._next_message_id(chat["id"]),
            "from": user or self.user(chat["id"]),
            "chat": chat,
            "date": int(time.time()),
            **content,
        }
        with self._condition:
            self.messages[(chat["id"], message["message_id"])] = message
        return message

    def _next_message_id(self, chat_id: int) -> int:
        with self._condition:
            counter = self._message_ids.setdefault(chat_id, itertools.count(1))
            return next(counter)

    # ---- methods ---------------------------------------------------------------------------

    async def _api_getMe(self, params: JSON) -> JSON:
        return self.bot_user

    async def _api_close(self, params: JSON) -> bool:
        return True

    async def _api_logOut(self, params: JSON) -> bool:
        return True

    async def _api_setMyCommands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be a list of at most 100 commands")
        for command in commands:
            if not _BOT_COMMAND.match(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        scope = params.get("scope") or {"type": "default"}
        if scope.get("type") == "default":
            self.commands = commands
            return True
        if scope.get("type") == "chat":
            self._chat({"chat_id": scope.get("chat_id")})  # a chat the bot does not know: 400
        self.scoped_commands[scope_key(scope)] = commands
        return True

    async def _api_getMyCommands(self, params: JSON) -> list[JSON]:
        scope = params.get("scope") or {"type": "default"}
        if scope.get("type") == "default":
            return self.commands
        return self.scoped_commands.get(scope_key(scope), [])

    async def _api_sendChatAction(self, params: JSON) -> bool:
        self._chat(params)
        return True

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

    def _changed_event(self) -> asyncio.Event:
        if self._changed is None:
            self._changed = asyncio.Event()
        return self._changed

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

    async def _api_sendMessage(self, params: JSON) -> JSON:
        chat = self._chat(params)
        text = str(params.get("text") or "")
        plain = self._message_text(text, params.get("parse_mode"), TEXT_LIMIT, "message")
        markup = self._markup(params)
        self._check_reply_to(chat, params)
        message = {"text": plain}
        return self._bot_message(chat, message, markup, text, params.get("parse_mode"))

    async def _api_sendPhoto(self, params: JSON) -> JSON:
        chat = self._chat(params)
        photo = params.get("photo")
        if not isinstance(photo, str) or not photo:
            raise bad_request("there is no photo in the request")
        caption = str(params.get("caption") or "")
        plain = ""
        if caption:
            plain = self._message_text(caption, params.get("parse_mode"), CAPTION_LIMIT, "caption")
        markup = self._markup(params)
        self._check_reply_to(chat, params)
        content: JSON = {
            "photo": [
                {
                    "file_id": "AgACphoto",
                    "file_unique_id": "AQADphoto",
                    "width": 1280,
                    "height": 720,
                }
            ]
        }
        if plain:
            content["caption"] = plain
        return self._bot_message(chat, content, markup, caption, params.get("parse_mode"))

    async def _api_editMessageText(self, params: JSON) -> JSON:
        chat = self._chat(params)
        key = (chat["id"], int(params.get("message_id") or 0))
        with self._condition:
            stored = self.messages.get(key)
        if stored is None:
            raise bad_request("message to edit not found")
        if not isinstance(stored.get("from"), dict) or stored["from"].get("id") != BOT_ID:
            raise bad_request("message can't be edited")
        if "text" not in stored:
            raise bad_request("there is no text in the message to edit")
        text = str(params.get("text") or "")
        plain = self._message_text(text, params.get("parse_mode"), TEXT_LIMIT, "message")
        markup = self._markup(params)
        source = (stored.get("_source"), stored.get("_parse_mode"), stored.get("reply_markup"))
        if source == (text, params.get("parse_mode"), markup):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are"
                " exactly the same as a current content and reply markup of the message"
            )
        edited = {**stored, "text": plain, "edit_date": int(time.time()), "_source": text}
        edited["_parse_mode"] = params.get("parse_mode")
        edited.pop("reply_markup", None)
        if markup:
            edited["reply_markup"] = markup
        with self._condition:
            self.messages[key] = edited
        return _public(edited)

    async def _api_editMessageReplyMarkup(self, params: JSON) -> JSON:
        chat = self._chat(params)
        key = (chat["id"], int(params.get("message_id") or 0))
        with self._condition:
            stored = self.messages.get(key)
        if stored is None:
            raise bad_request("message to edit not found")
        markup = self._markup(params)
        if stored.get("reply_markup") == markup:
            raise bad_request("message is not modified")
        edited = {**stored}
        edited.pop("reply_markup", None)
        if markup:
            edited["reply_markup"] = markup
        with self._condition:
            self.messages[key] = edited
        return _public(edited)

    async def _api_answerCallbackQuery(self, params: JSON) -> bool:
        self._answer_query(str(params.get("callback_query_id") or ""))
        if len(str(params.get("text") or "")) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        return True

    async def _api_answerInlineQuery(self, params: JSON) -> bool:
        results = params.get("results")
        if not isinstance(results, list) or len(results) > 50:
            raise bad_request("RESULTS_TOO_MUCH")
        ids = set()
        for result in results:
            result_id = str(result.get("id", ""))
            if not 1 <= len(result_id.encode()) <= 64:
                raise bad_request("RESULT_ID_INVALID")
            if result_id in ids:
                raise bad_request("RESULT_ID_DUPLICATE")
            ids.add(result_id)
            if result.get("type") == "article" and not result.get("title"):
                raise bad_request("RESULT_TITLE_EMPTY")
            content = result.get("input_message_content") or {}
            if "message_text" in content:
                self._message_text(
                    content["message_text"], content.get("parse_mode"), TEXT_LIMIT, "message"
                )
            if result.get("reply_markup"):
                self._markup({"reply_markup": result["reply_markup"]})
        self._answer_query(str(params.get("inline_query_id") or ""))
        return True

    # ---- rules -----------------------------------------------------------------------------

    def _chat(self, params: JSON) -> JSON:
        chat_id = params.get("chat_id")
        with self._condition:
            chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _message_text(self, text: str, parse_mode: Any, limit: int, what: str) -> str:
        plain = parse_html(text) if str(parse_mode or "").upper() == "HTML" else text
        if parse_mode and str(parse_mode).upper() != "HTML":
            raise bad_request(f"unsupported parse_mode {parse_mode!r} in this fake")
        if not plain.strip():
            raise bad_request(f"{what} text is empty")
        if utf16_length(plain) > limit:
            raise bad_request(
                f"{what} is too long" if what == "message" else "message caption is too long"
            )
        return plain

    def _markup(self, params: JSON) -> JSON | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
        if not isinstance(rows, list):
            raise bad_request("can't parse reply keyboard markup JSON object")
        for row in rows:
            for button in row:
                if not str(button.get("text") or "").strip():
                    raise bad_request("BUTTON_TEXT_INVALID")
                actions = [
                    k for k in ("callback_data", "url", "switch_inline_query") if k in button
                ]
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

    def _check_reply_to(self, chat: JSON, params: JSON) -> None:
        reply = params.get("reply_parameters")
        if not reply:
            return
        with self._condition:
            known = (chat["id"], reply.get("message_id")) in self.messages
        if not known and not reply.get("allow_sending_without_reply"):
            raise bad_request("message to be replied not found")

    def _bot_message(
        self, chat: JSON, content: JSON, markup: JSON | None, source: str, parse_mode: Any
    ) -> JSON:
        message: JSON = {
            "message_id": self._next_message_id(chat["id"]),
            "from": self.bot_user,
            "chat": chat,
            "date": int(time.time()),
            **content,
        }
        if markup:
            message["reply_markup"] = markup
        stored = {**message, "_source": source, "_parse_mode": parse_mode}
        with self._condition:
            self.messages[(chat["id"], message["message_id"])] = stored
        return message

    def _answer_query(self, query_id: str) -> None:
        with self._condition:
            query = self._queries.get(query_id)
            if query is None or query.answered or time.monotonic() - query.created > QUERY_TTL:
                raise bad_request(
                    "query is too old and response timeout expired or query ID is invalid"
                )
            query.answered = True

    def unanswered_queries(self) -> list[str]:
        """Callback and inline queries the bot has not answered."""
        with self._condition:
            return [qid for qid, q in self._queries.items() if not q.answered]

    def message(self, chat_id: int, message_id: int) -> JSON:
        """A message as the chat shows it now (after edits)."""
        with self._condition:
            return _public(self.messages[(chat_id, message_id)])

    # ---- webhook delivery ------------------------------------------------------------------

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


def scope_key(scope: JSON) -> str:
    """How a BotCommandScope is filed in FakeTelegram.scoped_commands."""
    return json.dumps(scope, sort_keys=True)


def _allowed(update: JSON, allowed: list[str] | None) -> bool:
    return allowed is None or any(kind in update for kind in allowed)


def _public(message: JSON) -> JSON:
    return {k: v for k, v in message.items() if not k.startswith("_")}


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


# ---- serving over HTTP -----------------------------------------------------------------------


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


# ---- serving in process ------------------------------------------------------------------------

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
