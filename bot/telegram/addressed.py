"""Which messages are meant for the bot: in groups only mentions of it and replies to it."""

from __future__ import annotations

import re

from telegram import Message, MessageEntity
from telegram.constants import ChatType
from telegram.ext import filters


class _AddressedToBot(filters.MessageFilter):
    """Everything in private chats; in groups only mentions of the bot and replies to it."""

    __slots__ = ()

    def filter(self, message: Message) -> bool:
        """True if the message is meant for the bot."""
        if message.chat.type == ChatType.PRIVATE:
            return True
        me = message.get_bot()
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == me.id:
            return True
        return mentions_bot(message, me.username, me.id)


ADDRESSED = _AddressedToBot(name="newsbot.ADDRESSED")


def mentions_bot(message: Message, username: str, bot_id: int) -> bool:
    """True if the message (or a media caption) names the bot with @username."""
    wanted = f"@{username}".casefold()
    for entity, text in {**message.parse_entities(), **message.parse_caption_entities()}.items():
        if entity.type == MessageEntity.MENTION and text.casefold() == wanted:
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            return True
    return False


def strip_mention(text: str, username: str) -> str:
    """The question without the @mention of the bot."""
    return re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).strip()
