"""Readers are answered while another process holds the SQLite file's write lock for seconds.

A backup, `newsbot report` or a second bot by mistake may lock the file; the bot's writes
then wait up to the busy timeout (5 s). They wait in the database's own thread, beside the
replies: real Updates through the Application and the in-process fake Bot API, as in
test_telegram_app.py, with another sqlite3 connection holding BEGIN EXCLUSIVE meanwhile.
The three ways a locked file held up readers before the storage layer moved off the event
loop (issue 17, point 3): /abo, an answer's statistics, and a digest run writing its records.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from helpers.application import Bot, open_store, start_bot, state, stop_bot
from helpers.clock import MORNING, TODAY
from helpers.knowledge import add_article
from helpers.locks import write_lock
from helpers.replies import text_of

from bot.engine import Engine
from bot.storage.backend import open_database
from bot.storage.sqlite.database import SQLiteDatabase
from bot.telegram.digest import send_digests

LOCK_SECONDS = 3.5  # the other connection holds the write lock this long
ANSWER_WITHIN = 1.0  # a reader's answer arrives within this, lock or not
QUESTION = "was sind sanktionen"


@pytest.fixture
async def bot(engine: Engine, tmp_path: Path) -> AsyncIterator[Bot]:
    """The bot over the SQLite file, in the scaled mode too: the locks here are the file's."""
    started = await start_bot(engine, store=await open_store(tmp_path, backend="sqlite"))
    yield started
    await stop_bot(started)


def database_file(bot: Bot) -> Path:
    assert isinstance(bot.database, SQLiteDatabase)
    return bot.database.path


async def test_a_question_is_answered_within_a_second_while_the_file_is_locked(bot: Bot) -> None:
    chat = bot.fake.private_chat(90)
    async with write_lock(database_file(bot), LOCK_SECONDS):
        asked = time.monotonic()
        (reply,) = await bot.say(chat, QUESTION)  # returns once the statistics are written
        written = time.monotonic()
    assert text_of(reply).startswith("Sanktionen\n")
    assert reply.at - asked < ANSWER_WITHIN  # the answer did not wait for the lock ...
    assert written - asked > LOCK_SECONDS - ANSWER_WITHIN  # ... the statistics did,
    assert bot.store is not None
    assert [(d.answered, d.unanswered) for d in await bot.store.days(7)] == [(1, 0)]  # and kept it


async def test_abo_waiting_for_the_lock_holds_up_no_other_chats_answer(bot: Bot) -> None:
    subscriber, reader = bot.fake.private_chat(91), bot.fake.private_chat(92)
    async with write_lock(database_file(bot), LOCK_SECONDS):
        asked = time.monotonic()
        abo = asyncio.create_task(bot.say(subscriber, "/abo"))
        await asyncio.sleep(0.2)
        assert not abo.done()  # /abo writes the subscription: it waits for the lock
        (answer,) = await bot.say(reader, QUESTION)
        (started,) = await abo
    assert text_of(answer).startswith("Sanktionen\n")
    assert answer.at - asked < ANSWER_WITHIN  # the other chat was answered meanwhile
    assert started.at - asked > LOCK_SECONDS - ANSWER_WITHIN  # /abo only after the lock
    assert text_of(started) == state(bot).engine.kb.texts.text("abo_started", time="07:15")
    digest = state(bot).digest
    assert digest is not None
    subscription = await digest.subscriptions.get(91)
    assert subscription is not None


async def test_readers_are_answered_while_a_digest_run_waits_for_the_lock(
    kb_copy: Path, tmp_path: Path
) -> None:
    add_article(kb_copy, "rakete-mond", TODAY, "Eine Rakete fliegt zum Mond")
    engine = Engine.load(kb_copy, today=TODAY)
    bot = await start_bot(
        engine, store=await open_database(tmp_path), data_dir=tmp_path, clock_start=MORNING
    )
    try:
        subscribers = range(300, 316)
        for chat_id in subscribers:
            bot.fake.private_chat(chat_id)
            await state(bot).digest.subscriptions.subscribe(chat_id, dt.time(7, 15), "")
        reader = bot.fake.private_chat(93)
        async with write_lock(database_file(bot), LOCK_SECONDS):
            run = asyncio.create_task(send_digests(bot.application, lambda: True))
            while not bot.fake.sent(300):  # the run is under way: its records wait for the lock
                await asyncio.sleep(0.01)
            asked = time.monotonic()
            (answer,) = await bot.say(reader, QUESTION)
        report = await run
    finally:
        await stop_bot(bot)
    assert text_of(answer).startswith("Sanktionen\n")
    assert answer.at - asked < ANSWER_WITHIN  # the reader did not wait for the digest's writes
    assert report.sent == len(subscribers) and not report.stopped  # which all got through
