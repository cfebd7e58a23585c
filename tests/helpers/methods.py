"""The Bot API methods a bot calls to talk to readers, with Telegram's rules: who the bot is,
the command menu, sending text and photos, edits ("message is not modified"), and answers to
callback and inline queries (once, and in time)."""

from __future__ import annotations

import re
import time
from typing import Any

from helpers.api import (
    BOT_ID,
    CAPTION_LIMIT,
    JSON,
    QUERY_TTL,
    TEXT_LIMIT,
    bad_request,
    check_markup,
    public,
    scope_key,
)
from helpers.html import check_text
from helpers.state import FakeState

_BOT_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")


class BotApiMethods(FakeState):
    """One `_api_<method>` coroutine per Bot API method: its params in, its result out."""

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

    async def _api_sendMessage(self, params: JSON) -> JSON:
        chat = self._chat(params)
        text = str(params.get("text") or "")
        plain = check_text(text, params.get("parse_mode"), TEXT_LIMIT, "message")
        markup = check_markup(params)
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
            plain = check_text(caption, params.get("parse_mode"), CAPTION_LIMIT, "caption")
        markup = check_markup(params)
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

    def _to_edit(self, params: JSON) -> tuple[tuple[int, int], JSON]:
        """The key and the stored message an edit names; 400 if there is none."""
        chat = self._chat(params)
        key = (chat["id"], int(params.get("message_id") or 0))
        with self._condition:
            stored = self.messages.get(key)
        if stored is None:
            raise bad_request("message to edit not found")
        return key, stored

    def _edited(self, key: tuple[int, int], edited: JSON, markup: object) -> JSON:
        """Store an edited message with its new keyboard (or none)."""
        edited.pop("reply_markup", None)
        if markup:
            edited["reply_markup"] = markup
        with self._condition:
            self.messages[key] = edited
        return public(edited)

    async def _api_editMessageText(self, params: JSON) -> JSON:
        key, stored = self._to_edit(params)
        if not isinstance(stored.get("from"), dict) or stored["from"].get("id") != BOT_ID:
            raise bad_request("message can't be edited")
        if "text" not in stored:
            raise bad_request("there is no text in the message to edit")
        text = str(params.get("text") or "")
        plain = check_text(text, params.get("parse_mode"), TEXT_LIMIT, "message")
        markup = check_markup(params)
        source = (stored.get("_source"), stored.get("_parse_mode"), stored.get("reply_markup"))
        if source == (text, params.get("parse_mode"), markup):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are"
                " exactly the same as a current content and reply markup of the message"
            )
        edited = {**stored, "text": plain, "edit_date": int(time.time()), "_source": text}
        edited["_parse_mode"] = params.get("parse_mode")
        return self._edited(key, edited, markup)

    async def _api_editMessageReplyMarkup(self, params: JSON) -> JSON:
        key, stored = self._to_edit(params)
        markup = check_markup(params)
        if stored.get("reply_markup") == markup:
            raise bad_request("message is not modified")
        return self._edited(key, {**stored}, markup)

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
                check_text(
                    content["message_text"], content.get("parse_mode"), TEXT_LIMIT, "message"
                )
            if result.get("reply_markup"):
                check_markup({"reply_markup": result["reply_markup"]})
        self._answer_query(str(params.get("inline_query_id") or ""))
        return True

    # ---- rules that need the state -----------------------------------------------------------

    def _chat(self, params: JSON) -> JSON:
        chat_id = params.get("chat_id")
        with self._condition:
            chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

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
