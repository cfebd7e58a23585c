"""What the Telegram adapter keeps: per chat, the conversation; for the bot, Newsbot.

Plain data without python-telegram-bot. One Newsbot lives in application.bot_data; handlers
reach it, and everything in it, through the typed context (context.py). A chat's state is
loaded from the shared state (memory, or Redis when several processes share it) before its
update is handled and saved after it, as plain data: entry refs, message ids, and the
question behind an offer cleaned as the store would keep it.
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
from bot.storage.scrub import scrub
from bot.storage.shared.interface import ConversationStore, Plain, SharedState
from bot.storage.shared.memory import MAX_CHATS, memory_state


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

    def plain(self) -> Plain:
        """The state as plain data for the shared state (questions cleaned as for the store)."""
        talk = self.conversation
        return {
            "last_ref": talk.last_ref,
            "more_of": talk.more_of,
            "comforted": sorted(talk.comforted),
            "question": _cleaned(self.question),
            "question_message_id": self.question_message_id,
            "answered": _cleaned(self.answered),
            "answered_message_id": self.answered_message_id,
        }

    @classmethod
    def from_plain(cls, data: Plain) -> ChatState:
        """The state saved by plain() (a field missing or of the wrong type: empty)."""
        talk = Conversation(
            last_ref=_text(data.get("last_ref")),
            comforted={c for c in data.get("comforted") or () if isinstance(c, str)},
            more_of=_text(data.get("more_of")),
        )
        return cls(
            talk,
            question=_text(data.get("question")),
            question_message_id=_number(data.get("question_message_id")),
            answered=_text(data.get("answered")),
            answered_message_id=_number(data.get("answered_message_id")),
        )


def _cleaned(question: str | None) -> str | None:
    return scrub(question) if question is not None else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class Chats:
    """The states of the chats being handled, loaded from the conversation store and saved
    back when changed; beyond max_chats the least recently used is dropped from memory."""

    def __init__(self, store: ConversationStore | None = None, max_chats: int = MAX_CHATS) -> None:
        self.store = store if store is not None else memory_state().conversations
        self.max_chats = max_chats
        self._states: OrderedDict[int, ChatState] = OrderedDict()
        self._loaded: dict[int, Plain] = {}  # as loaded, to save only what changed

    async def load(self, chat_id: int) -> ChatState:
        """The chat's state from the store (new if it has none), for its update's handlers."""
        saved = await self.store.load(chat_id)
        state = ChatState.from_plain(saved) if saved is not None else ChatState()
        self._states.pop(chat_id, None)
        self._states[chat_id] = state
        self._loaded[chat_id] = state.plain()
        if len(self._states) > self.max_chats:
            gone, _ = self._states.popitem(last=False)
            self._loaded.pop(gone, None)
        return state

    async def save(self, chat_id: int) -> None:
        """Save the chat's state to the store if its update changed it."""
        state = self._states.get(chat_id)
        if state is None:
            return
        plain = state.plain()
        if plain != self._loaded.get(chat_id):
            await self.store.save(chat_id, plain)
            self._loaded[chat_id] = plain

    def get(self, chat_id: int) -> ChatState:
        """The state of a chat, new if the chat is unknown or was forgotten."""
        state = self._states.get(chat_id)
        if state is None:
            state = self._states[chat_id] = ChatState()
            self._loaded[chat_id] = state.plain()
            if len(self._states) > self.max_chats:
                gone, _ = self._states.popitem(last=False)
                self._loaded.pop(gone, None)
        else:
            self._states.move_to_end(chat_id)
        return state

    def __len__(self) -> int:
        return len(self._states)


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
    shared: SharedState = field(default_factory=memory_state)
    chats: Chats = field(init=False)
    recorder: Recorder = field(default_factory=Recorder)

    def __post_init__(self) -> None:
        self.chats = Chats(self.shared.conversations)
