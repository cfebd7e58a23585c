"""A chat's state around its update: loaded before the handlers, saved after them.

Two TypeHandlers, one in a group before all others and one in a group after them (so the
gate, which asks the groups after its own who takes an update, must exempt the saver).
python-telegram-bot goes on to the next group after a handler's error, so the state is
saved then too; an update the gate holds back changes nothing and is not saved.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import TypeHandler

from bot.telegram.context import NewsbotContext


async def load(update: Update, context: NewsbotContext) -> None:
    """Load the chat's state from the shared state, for the handlers to come."""
    if update.effective_chat is not None:
        await context.newsbot.chats.load(update.effective_chat.id)


async def save(update: Update, context: NewsbotContext) -> None:
    """Save the chat's state to the shared state if the handlers changed it."""
    if update.effective_chat is not None:
        await context.newsbot.chats.save(update.effective_chat.id)


def loader() -> TypeHandler[Update, NewsbotContext, None]:
    """The handler that loads a chat's state, first of all."""
    return TypeHandler(Update, load)


def saver() -> TypeHandler[Update, NewsbotContext, None]:
    """The handler that saves a chat's state, last of all."""
    return TypeHandler(Update, save)
