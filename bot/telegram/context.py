"""The typed context every handler and job gets: the adapter's state as typed properties.

python-telegram-bot builds one NewsbotContext per update (and per job run), because the
application is built with CONTEXT_TYPES. The Newsbot behind it is read on every access, so
a handler sees a reloaded engine from its next access on.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.digest import Digest
from bot.engine import Engine
from bot.models import BotTexts
from bot.newsroom.recorder import Recorder
from bot.telegram.state import ChatState, Newsbot, Newsroom

STATE_KEY = "newsbot"  # where application.bot_data keeps the Newsbot


class NewsbotContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """CallbackContext with the Newsbot's state: engine, the chat's state, recorder, digest."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self.chat_id = chat_id

    @property
    def newsbot(self) -> Newsbot:
        """Everything the adapter keeps (application.bot_data["newsbot"])."""
        newsbot = self.bot_data[STATE_KEY]
        assert isinstance(newsbot, Newsbot)
        return newsbot

    @property
    def engine(self) -> Engine:
        """The engine that answers now (a reload replaces it)."""
        return self.newsbot.engine

    @property
    def texts(self) -> BotTexts:
        """What the bot says itself, from knowledge/bot.yaml of the current engine."""
        return self.newsbot.engine.kb.texts

    @property
    def chat_state(self) -> ChatState:
        """The state of the update's chat: its conversation and the questions behind answers."""
        if self.chat_id is None:
            raise RuntimeError("this update has no chat")
        return self.newsbot.chats.get(self.chat_id)

    @property
    def recorder(self) -> Recorder:
        """What the newsroom learns from readers (unanswered questions, 👍/👎)."""
        return self.newsbot.recorder

    @property
    def newsroom(self) -> Newsroom:
        """The admins' side: who they are, the reloader, what they were told."""
        return self.newsbot.newsroom

    @property
    def digest(self) -> Digest:
        """The daily digest: subscriptions and runs (only a bot with a store has one)."""
        digest = self.newsbot.digest
        if digest is None:
            raise RuntimeError("this bot keeps no data, so it has no digest")
        return digest


CONTEXT_TYPES = ContextTypes(context=NewsbotContext)
NewsbotApplication = Application[Any, NewsbotContext, Any, Any, Any, Any]
