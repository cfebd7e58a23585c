"""What the Telegram adapter keeps in memory: per chat, the conversation; for the bot, Newsbot.

Plain data without python-telegram-bot. One Newsbot lives in application.bot_data; handlers
reach it, and everything in it, through the typed context (context.py).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field

from bot.conversation import Conversation
from bot.digest import Digest
from bot.engine import Engine
from bot.models import Reply
from bot.newsroom.recorder import Recorder
from bot.newsroom.reload import Reloader

MAX_CHATS = 10_000
# 👍/👎 remembered (message and chat, in memory only): a vote beyond this many newer ones is
# forgotten, and its message could be voted on again.
MAX_VOTES = 50_000


@dataclass
class ChatState:
    """What the bot keeps for one chat: the conversation, nothing about the reader."""

    conversation: Conversation = field(default_factory=Conversation)
    # The question behind the last "Meinst du ...?", so "Nichts davon" can report it.
    question: str | None = None
    question_message_id: int | None = None
    # The question behind the last answer about an entry, so a 👎 on it can report it.
    answered: str | None = None
    answered_message_id: int | None = None

    def offered(self, question: str, reply: Reply, message_id: int | None) -> None:
        """After a typed question: keep it while its "Meinst du ...?" is the latest offer."""
        if reply.suggestions and message_id is not None:
            self.question, self.question_message_id = question, message_id
        else:
            self.forget_offer()

    def offer_in(self, message_id: int) -> str | None:
        """The question behind the "Meinst du ...?" in this message, if it is the latest."""
        return self.question if self.question_message_id == message_id else None

    def forget_offer(self) -> None:
        """The offer is done with: "Nichts davon" counts once."""
        self.question = self.question_message_id = None

    def shown(self, reply: Reply, message_id: int | None, asked: str | None) -> None:
        """Keep the question behind an answer about an entry (in memory only), for a 👎."""
        if reply.ref is not None and message_id is not None:
            self.answered, self.answered_message_id = asked, message_id

    def voted(self, message_id: int, helpful: bool) -> str | None:
        """A 👍/👎 under a message: the question behind it for a 👎, once; else None."""
        if self.answered_message_id != message_id:
            return None
        question = None if helpful else self.answered
        self.answered = self.answered_message_id = None
        return question


class Chats:
    """Conversation state per chat id; beyond max_chats the least recently used is dropped."""

    def __init__(self, max_chats: int = MAX_CHATS) -> None:
        self.max_chats = max_chats
        self._states: OrderedDict[int, ChatState] = OrderedDict()

    def get(self, chat_id: int) -> ChatState:
        """The state of a chat, new if the chat is unknown or was forgotten."""
        state = self._states.get(chat_id)
        if state is None:
            state = self._states[chat_id] = ChatState()
            if len(self._states) > self.max_chats:
                self._states.popitem(last=False)
        else:
            self._states.move_to_end(chat_id)
        return state

    def __len__(self) -> int:
        return len(self._states)


class Votes:
    """Which answers a chat has voted on, in memory only: one vote per message and chat.

    Nothing of it reaches the disk; a restart forgets it (in private chats the thumbs are
    gone after the vote, so a second vote needs a forged or a very early second press).
    """

    def __init__(self, max_votes: int = MAX_VOTES) -> None:
        self.max_votes = max_votes
        self._votes: OrderedDict[tuple[int, int], bool] = OrderedDict()

    def cast(self, chat_id: int, message_id: int, helpful: bool) -> bool:
        """Record a vote; False if this chat has voted on this message already (it stays)."""
        key = (chat_id, message_id)
        if key in self._votes:
            self._votes.move_to_end(key)
            return False
        self._votes[key] = helpful
        if len(self._votes) > self.max_votes:
            self._votes.popitem(last=False)
        return True

    def __len__(self) -> int:
        return len(self._votes)


@dataclass
class Newsroom:
    """The admin side's state: who the admins are, the reloader, what the admins were told."""

    admin_ids: frozenset[int]
    reloader: Reloader
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # The problems the admins last heard about; None while the knowledge is fine.
    reported: tuple[str, ...] | None = None


@dataclass
class Newsbot:
    """The adapter's state in application.bot_data; assign .engine to reload the knowledge."""

    engine: Engine
    newsroom: Newsroom
    digest: Digest | None
    chats: Chats = field(default_factory=Chats)
    votes: Votes = field(default_factory=Votes)
    recorder: Recorder = field(default_factory=Recorder)
