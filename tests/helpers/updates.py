"""What readers do, as updates the fake queues: users, private chats and groups, messages and
their edits, stickers and photos, the bot added to or removed from a group, button presses and
inline queries, each shaped as Telegram sends it."""

from __future__ import annotations

import time

from helpers.api import JSON
from helpers.html import message_entities
from helpers.state import FakeState, Query


class ReaderSide(FakeState):
    """The builders a test calls to act as a reader; each queues the update it makes."""

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
            self._queries[query_id] = Query(time.monotonic())
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
            self._queries[query_id] = Query(time.monotonic())

    def inline_query(self, user: JSON, query: str) -> str:
        """A reader types @bot <query> in some chat; returns the inline query id."""
        query_id = f"iq{next(self._query_ids)}"
        with self._condition:
            self._queries[query_id] = Query(time.monotonic())
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

    def take_last_update(self) -> JSON:
        """Remove the newest update from the queue and return it (to process it directly)."""
        with self._condition:
            return self._updates.pop()

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
