"""The command menus Telegram shows: the readers' for everyone, the admins' in their own chats.

The descriptions come from knowledge/bot.yaml. The admins' menu adds their commands to the
readers'; everyone else never sees them.
"""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.telegram.context import NewsbotApplication, NewsbotContext

logger = logging.getLogger(__name__)

# The readers' menu, in this order; then the admins' commands (admin.py answers them).
COMMANDS = ("start", "hilfe", "news", "begriffe", "quellen", "abo", "abo_aus", "datenschutz")
ADMIN_COMMANDS = ("reload", "offen", "stats")


async def register_commands(application: NewsbotApplication) -> None:
    """Publish the readers' command menu (setMyCommands): run once at start-up."""
    described = NewsbotContext(application).texts.commands
    commands = [BotCommand(name, described[name]) for name in COMMANDS if name in described]
    try:
        await application.bot.set_my_commands(commands)
    except TelegramError as exc:
        logger.warning("the command menu could not be set: %s", exc)


async def register_admin_commands(context: NewsbotContext) -> None:
    """The admins' own command menu: the readers' commands and the admin commands (a job)."""
    described = context.texts.commands
    names = [name for name in (*COMMANDS, *ADMIN_COMMANDS) if name in described]
    commands = [BotCommand(name, described[name]) for name in names]
    for admin_id in sorted(context.newsroom.admin_ids):
        try:
            await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(admin_id))
        except TelegramError as exc:  # an admin who never started the bot
            logger.info("an admin's command menu could not be set: %s", exc)
