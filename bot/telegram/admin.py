"""The newsroom's side of the bot: hot reload, admin commands, readers' 👍/👎, the daily purge.

Every RELOAD_INTERVAL seconds a job looks at the knowledge folder and, after a change,
loads it in a thread (answering goes on meanwhile). Knowledge that loads cleanly replaces
the engine in one assignment; broken knowledge never does: the last good engine keeps
answering, every problem is logged as path:line, and the admins (NEWSBOT_ADMIN_IDS) get
the list once per broken state, and a word when a later save fixes it.

/reload, /offen and /stats answer admins in their private chat with the bot; for everyone
else they are unknown commands. 👍/👎 and the purge feed the store behind /offen and /stats.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from typing import Literal

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, JobQueue, filters

from bot.config import Settings
from bot.engine import Engine
from bot.knowledge.base import KnowledgeBase
from bot.models import BotTexts, Problem
from bot.newsroom.reload import Reloader, ReloadResult, retire
from bot.newsroom.report import Group, build_report
from bot.refs import FEEDBACK_ACTION, parse_feedback
from bot.storage.interface import DayStats, StatsStore
from bot.telegram.context import NewsbotContext
from bot.telegram.menu import register_admin_commands
from bot.telegram.send import send_reply, text_reply
from bot.telegram.state import Newsroom

logger = logging.getLogger(__name__)

RELOAD_INTERVAL = 2.0  # seconds between two looks at the knowledge folder
PURGE_INTERVAL = dt.timedelta(days=1)
REPORT_DAYS = 7
REPORT_GROUPS = 10  # /offen lists this many groups of questions
REPORT_VARIANTS = 3  # and this many other wordings of each
TOP_ENTRIES = 5  # /stats lists this many entries
MAX_PROBLEMS = 30  # the admins get at most this many problems, newsbot check shows all

Vote = Literal["counted", "again", "ignored"]


def open_newsroom(settings: Settings, engine: Engine) -> Newsroom:
    """The admin side's state: the admins, and a reloader that starts from this engine."""
    fixed_day = engine.composer.today  # tests pin the day; production has None
    reloader = Reloader(
        settings.knowledge_dir,
        engine,
        today=(lambda: fixed_day) if fixed_day else None,
        cache_dir=settings.cache_dir,
    )
    return Newsroom(settings.admin_ids, reloader)


def handlers(admin_ids: frozenset[int]) -> list[BaseHandler[Update, NewsbotContext, None]]:
    """The admin commands; add them before the readers' handlers, which would take them for
    unknown commands. Flood control leaves them alone."""
    admins = filters.ChatType.PRIVATE & filters.User(user_id=admin_ids)
    return [
        CommandHandler("reload", on_reload, filters=admins),
        CommandHandler("offen", on_open, filters=admins),
        CommandHandler("stats", on_stats, filters=admins),
    ]


def feedback_handler() -> BaseHandler[Update, NewsbotContext, None]:
    """👍/👎; add it before the readers' handlers, which would take any button press."""
    return CallbackQueryHandler(on_feedback, pattern=f"^{FEEDBACK_ACTION}")


def schedule(jobs: JobQueue[NewsbotContext], admin_ids: frozenset[int]) -> None:
    """The jobs: look at the knowledge, purge the store daily, set the admins' menu."""
    jobs.run_repeating(watch_knowledge, RELOAD_INTERVAL, first=RELOAD_INTERVAL, name="reload")
    jobs.run_repeating(purge_store, PURGE_INTERVAL, first=PURGE_INTERVAL, name="purge")
    if admin_ids:
        jobs.run_once(register_admin_commands, 0, name="admin menu")


# ---- hot reload ----------------------------------------------------------------------------


async def watch_knowledge(context: NewsbotContext) -> None:
    """The repeating job: reload the knowledge if it changed."""
    await check_knowledge(context)


async def check_knowledge(
    context: NewsbotContext, force: bool = False, asked_by: int | None = None
) -> ReloadResult | None:
    """Check (and maybe load) the knowledge in a thread; swap it in if valid; tell the admins.

    None if another check is running and this one is not forced. The admin who asked
    (asked_by) hears the outcome as the reply to /reload instead of as a notice.
    """
    newsroom = context.newsroom
    if newsroom.lock.locked() and not force:
        return None
    retired: list[Engine] = []
    async with newsroom.lock:
        result = await asyncio.to_thread(newsroom.reloader.check, force)
        if result.swapped:
            retired.append(context.newsbot.engine)
            context.newsbot.engine = newsroom.reloader.engine  # the one assignment
        notice = _notice(newsroom, result)
        if notice is not None:
            await tell_admins(context, notice, skip=asked_by)
    if retired and newsroom.reloader.cache_dir is not None and not result.shared:
        # The old engine is freed in a thread, in pieces, once no reader uses it.
        asyncio.get_running_loop().run_in_executor(None, retire, retired)
    return result


def _notice(newsroom: Newsroom, result: ReloadResult) -> str | None:
    """What the admins hear about a check: new problems, or that they are fixed."""
    texts = newsroom.reloader.engine.kb.texts
    if result.swapped:
        if newsroom.reported is None:
            return None
        newsroom.reported = None
        return texts.text("admin_reload_fixed")
    if not result.changed:
        return None
    problems = tuple(str(problem) for problem in result.problems)
    if problems == newsroom.reported:
        return None  # this broken state was reported already
    newsroom.reported = problems
    return outcome_text(result, newsroom.reloader.engine)


def outcome_text(result: ReloadResult, engine: Engine) -> str:
    """A reload's outcome for admins: what is live now, or what is wrong."""
    texts = engine.kb.texts
    if result.swapped:
        kb = engine.kb
        return texts.text(
            "admin_reload_done",
            articles=str(len(kb.articles)),
            terms=str(len(kb.terms)),
            sources=str(len(kb.sources)),
        )
    if not result.problems:
        return texts.text("admin_reload_failed")
    return problems_text(result.problems, texts)


def problems_text(problems: Sequence[Problem], texts: BotTexts) -> str:
    """The problems as admins read them: one path:line line each, long lists shortened."""
    lines = [texts.text("admin_reload_broken"), *(str(p) for p in problems[:MAX_PROBLEMS])]
    if len(problems) > MAX_PROBLEMS:
        lines.append(texts.text("admin_reload_more", count=str(len(problems) - MAX_PROBLEMS)))
    return "\n".join(lines)


async def tell_admins(context: NewsbotContext, text: str, skip: int | None = None) -> None:
    """Send a text to every admin (escaped and split by the renderer); failures are logged."""
    for admin_id in sorted(context.newsroom.admin_ids):
        if admin_id == skip:
            continue
        try:
            await send_reply(context, admin_id, text_reply(text))
        except TelegramError as exc:  # the admin never started the bot, or blocked it
            logger.warning("an admin could not be told about the knowledge: %s", exc)


# ---- admin commands ------------------------------------------------------------------------


async def _answer(update: Update, context: NewsbotContext, text: str) -> None:
    chat = update.effective_chat
    assert chat is not None
    await send_reply(context, chat.id, text_reply(text))


async def on_reload(update: Update, context: NewsbotContext) -> None:
    """/reload (admins): check the knowledge now and say what came of it."""
    user = update.effective_user
    result = await check_knowledge(context, force=True, asked_by=user.id if user else None)
    assert result is not None
    await _answer(update, context, outcome_text(result, context.newsroom.reloader.engine))


async def on_open(update: Update, context: NewsbotContext) -> None:
    """/offen (admins): the most asked open questions of the last days, with suggestions."""
    stats, engine = context.recorder.stats, context.engine
    groups = await open_questions(stats, engine) if stats else []
    await _answer(update, context, open_text(groups, engine.kb.texts))


async def open_questions(stats: StatsStore, engine: Engine, days: int = REPORT_DAYS) -> list[Group]:
    """The top groups of the report over the last days (grouped in a thread)."""
    asked = await stats.asked(days)
    groups = await asyncio.to_thread(build_report, asked, engine)
    return groups[:REPORT_GROUPS]


def open_text(groups: Sequence[Group], texts: BotTexts, days: int = REPORT_DAYS) -> str:
    """/offen as text: count and question, other wordings, the report's suggestion as is."""
    if not groups:
        return texts.text("admin_open_empty", days=str(days))
    blocks = [texts.text("admin_open_intro", days=str(days))]
    for group in groups:
        lines = [f"{group.count}× {group.question}"]
        lines += [f"   {variant}" for variant in group.variants[1 : 1 + REPORT_VARIANTS]]
        lines.append(f"→ {group.suggestion}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


async def on_stats(update: Update, context: NewsbotContext) -> None:
    """/stats (admins): questions per day, the answered share, the most asked entries."""
    stats, kb = context.recorder.stats, context.engine.kb
    if stats is None:
        days: list[DayStats] = []
        top: list[tuple[str, int]] = []
        today = dt.date.today()
    else:
        days = await stats.days(REPORT_DAYS)
        top = await stats.top_entries(REPORT_DAYS, TOP_ENTRIES)
        today = stats.today()
    await _answer(update, context, stats_text(days, top, kb, today))


def stats_text(
    days: Sequence[DayStats],
    top: Sequence[tuple[str, int]],
    kb: KnowledgeBase,
    today: dt.date,
    period: int = REPORT_DAYS,
) -> str:
    """/stats as text: every day of the period (oldest first), the share, the top entries."""
    texts = kb.texts
    by_day = {stats.day: stats for stats in days}
    lines = [texts.text("admin_stats_intro", days=str(period))]
    asked = answered = 0
    for back in range(period - 1, -1, -1):
        day = today - dt.timedelta(days=back)
        stats = by_day.get(day, DayStats(day, 0, 0))
        total = stats.answered + stats.unanswered
        asked, answered = asked + total, answered + stats.answered
        label = f"{day.day}. {texts.months[day.month - 1]}"
        lines.append(
            texts.text("admin_stats_day", day=label, asked=str(total), answered=str(stats.answered))
        )
    if asked:
        share = str(round(100 * answered / asked))
        lines += ["", texts.text("admin_stats_share", share=share, asked=str(asked))]
    if top:
        lines += ["", texts.text("admin_stats_top")]
        for ref, count in top:
            entry = kb.get(ref)
            lines.append(f"• {entry.name if entry is not None else ref}: {count}")
    return "\n".join(lines)


# ---- readers' feedback and the store -------------------------------------------------------


async def on_feedback(update: Update, context: NewsbotContext) -> None:
    """👍 or 👎 under an answer: one vote per message and chat, thanked; in a private chat
    the two buttons go, in a group they stay for the others."""
    query = update.callback_query
    assert query is not None
    message = query.message
    vote = await _cast(context, message, query.data) if isinstance(message, Message) else "ignored"
    try:
        await query.answer(
            context.texts.text("feedback_again" if vote == "again" else "feedback_thanks")
        )
    except BadRequest as exc:  # too old, e.g. pressed while the bot was down
        logger.info("a button press could not be answered: %s", exc)
    if vote == "counted" and isinstance(message, Message) and message.chat.type == ChatType.PRIVATE:
        await _drop_feedback_keys(message)


async def _cast(context: NewsbotContext, message: Message, data: str | None) -> Vote:
    """Count a vote once per message and chat. A button the message does not carry, or one
    for an entry that is gone, is ignored (thanked, not counted)."""
    parsed = parse_feedback(data or "")
    if parsed is None or not _offered(message, data) or context.engine.kb.get(parsed[1]) is None:
        return "ignored"
    helpful, ref = parsed
    if not await context.newsbot.shared.votes.cast(message.chat.id, message.message_id):
        logger.debug("a second vote on one answer in one chat: not counted")
        return "again"
    question = context.chat_state.voted(message.message_id, helpful)
    context.recorder.feedback(ref, helpful, question)
    return "counted"


def _offered(message: Message, data: str | None) -> bool:
    """True if the message carries this button: a vote for what the reader saw."""
    markup = message.reply_markup
    keys = markup.inline_keyboard if markup is not None else ()
    return any(key.callback_data == data for row in keys for key in row)


async def _drop_feedback_keys(message: Message) -> None:
    """The message without its 👍/👎 row: the vote is cast."""
    markup = message.reply_markup
    if markup is None:
        return
    rows = [
        [key for key in row if not str(key.callback_data or "").startswith(FEEDBACK_ACTION)]
        for row in markup.inline_keyboard
    ]
    kept = [row for row in rows if row]
    try:
        await message.edit_reply_markup(InlineKeyboardMarkup(kept) if kept else None)
    except BadRequest as exc:  # too old to edit, or "message is not modified"
        logger.debug("the feedback buttons stay: %s", exc)


async def purge_store(context: NewsbotContext) -> None:
    """The daily job: delete what is older than the retention period."""
    await context.recorder.purge()
