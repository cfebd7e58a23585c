"""The moderators' side: admin commands, hot reload with notices, 👍/👎, the store, the purge.

Real Updates through Application.process_update against the in-process FakeTelegram, as in
test_telegram_app.py; the jobs (reload, purge, admin menu) are run directly, one at a time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from helpers.answers import unsure_question
from helpers.api import scope_key
from helpers.application import Bot, open_store, start_bot, state, stop_bot
from helpers.clock import TODAY
from helpers.html import utf16_length
from helpers.knowledge import KNOWLEDGE, add_term, copy_knowledge
from helpers.replies import buttons_of, text_of
from helpers.stores import open_database, select

from bot.engine import Engine
from bot.newsroom.reload import ReloadResult
from bot.newsroom.report import build_report
from bot.telegram.admin import MAX_PROBLEMS, open_text
from bot.telegram.menu import ADMIN_COMMANDS
from bot.telegram.render import feedback_keys
from bot.telegram.state import Newsroom

ADMIN, OTHER_ADMIN, GONE_ADMIN = 42, 43, 45  # GONE_ADMIN never started the bot
READER = 44


@pytest.fixture
async def admin_bot(kb_copy: Path, tmp_path: Path) -> AsyncIterator[Bot]:
    """The bot over a writable copy of the knowledge, with a store and three admins."""
    bot = await start_bot(
        Engine.load(kb_copy, today=TODAY),
        store=await open_store(tmp_path),
        knowledge=kb_copy,
        admin_ids=frozenset({ADMIN, OTHER_ADMIN, GONE_ADMIN}),
    )
    bot.fake.private_chat(ADMIN)
    bot.fake.private_chat(OTHER_ADMIN)
    yield bot
    await stop_bot(bot)


def newsroom(bot: Bot) -> Newsroom:
    return state(bot).newsroom


async def run_job(bot: Bot, name: str) -> None:
    """Run one of the application's jobs now, as the job queue would."""
    queue = bot.application.job_queue
    assert queue is not None
    (job,) = queue.get_jobs_by_name(name)
    await job.run(bot.application)


def texts_to(bot: Bot, chat_id: int) -> list[str]:
    return [text_of(call) for call in bot.fake.sent(chat_id)]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ---- who may use the admin commands -----------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "admin_reply"),
    [
        ("/reload", "Neu geladen: 1 Artikel, 153 Begriffe und 7 Quellen."),
        ("/offen", "In den letzten 7 Tagen gab es keine offenen Fragen."),
        ("/stats", "Fragen der letzten 7 Tage:"),
    ],
)
async def test_admin_commands_answer_admins_and_are_unknown_to_everyone_else(
    admin_bot: Bot, command: str, admin_reply: str
) -> None:
    bot = admin_bot
    unknown = state(bot).engine.kb.texts.text("unknown_command")
    (reader,) = await bot.say(bot.fake.private_chat(READER), command)
    assert text_of(reader) == unknown
    (admin,) = await bot.say(bot.fake.private_chat(ADMIN), command)
    assert text_of(admin).startswith(admin_reply)
    # In a group, even an admin's admin command is a command the bot does not have: silence.
    group = bot.fake.group_chat(-100777)
    assert await bot.say(group, command, user=bot.fake.user(ADMIN)) == []
    assert texts_to(bot, OTHER_ADMIN) == []


async def test_without_admins_the_admin_commands_are_unknown_commands(bot: Bot) -> None:
    for command in ADMIN_COMMANDS:
        (reply,) = await bot.say(bot.fake.private_chat(READER), f"/{command}")
        assert text_of(reply) == state(bot).engine.kb.texts.text("unknown_command")


async def test_admin_commands_are_in_the_admins_menu_only(admin_bot: Bot) -> None:
    bot = admin_bot
    public = [c["command"] for c in bot.fake.commands]
    assert not set(public) & set(ADMIN_COMMANDS)
    await run_job(bot, "admin menu")
    for admin in (ADMIN, OTHER_ADMIN):
        menu = bot.fake.scoped_commands[scope_key({"type": "chat", "chat_id": admin})]
        assert [c["command"] for c in menu] == [*public, *ADMIN_COMMANDS]
    assert scope_key({"type": "chat", "chat_id": READER}) not in bot.fake.scoped_commands
    assert [c["command"] for c in bot.fake.commands] == public


# ---- /offen and /stats ------------------------------------------------------------------------


async def ask(bot: Bot, chat_id: int, question: str) -> list[Any]:
    """A reader asks; the clock moves on so that flood control never steps in."""
    bot.clock.now += 10
    return await bot.say(bot.fake.private_chat(chat_id), question)


async def test_offen_lists_the_most_asked_open_questions_with_the_suggestion(
    admin_bot: Bot,
) -> None:
    bot = admin_bot
    engine = state(bot).engine
    for _ in range(3):
        await ask(bot, READER, "Wer gewinnt die Bundesliga?")
    (offer,) = await ask(bot, READER, unsure_question(engine))
    await bot.press(offer, "Nichts davon")
    (reply,) = await bot.say(bot.fake.private_chat(ADMIN), "/offen")
    text = text_of(reply)
    assert text.startswith("Die häufigsten offenen Fragen der letzten 7 Tage:\n\n")
    assert "3× Wer gewinnt die Bundesliga?\n→ write a new entry" in text
    assert f"2× {unsure_question(engine)}\n→ " in text  # unanswered, then "Nichts davon"
    assert bot.store is not None
    groups = build_report(await bot.store.asked(7), engine)
    assert text == open_text(groups, engine.kb.texts)


async def test_offen_shows_the_top_ten(admin_bot: Bot) -> None:
    bot = admin_bot
    assert bot.store is not None
    questions = [
        "Was ist Fortnite?",
        "Wer gewinnt die Bundesliga?",
        "Wie hoch ist der Mount Everest",
        "gab es dinosaurier wirklich",
        "Warum spucken Vulkane Feuer?",
        "wer hat die pyramiden gebaut",
        "Wann sind die nächsten Olympischen Spiele?",
        "Kann man auf dem Mond wohnen",
        "Warum sterben die Bienen?",
        "Sind Wale Fische?",
        "Kommt eine neue Eiszeit",
        "wieso brennt der regenwald",
    ]
    for count, question in enumerate(questions, 1):
        for _ in range(count):
            await bot.store.record_question(question, "unanswered")
    (reply,) = await bot.say(bot.fake.private_chat(ADMIN), "/offen")
    counts = [line.split("×")[0] for line in text_of(reply).splitlines() if "×" in line]
    assert counts == [str(n) for n in range(12, 2, -1)]


async def test_stats_counts_questions_per_day_the_answered_share_and_the_top_entries(
    admin_bot: Bot,
) -> None:
    bot = admin_bot
    for question in ("was sind sanktionen", "Sanktionen?", "Putin Kim Treffen", "Wer ist Xyzzy?"):
        await ask(bot, READER, question)
    await bot.say(bot.fake.private_chat(READER), "/news")  # a command is no question
    (reply,) = await bot.say(bot.fake.private_chat(ADMIN), "/stats")
    lines = text_of(reply).splitlines()
    assert lines[:8] == [
        "Fragen der letzten 7 Tage:",
        "17. November: 0 Fragen, 0 beantwortet",
        "18. November: 0 Fragen, 0 beantwortet",
        "19. November: 0 Fragen, 0 beantwortet",
        "20. November: 0 Fragen, 0 beantwortet",
        "21. November: 0 Fragen, 0 beantwortet",
        "22. November: 0 Fragen, 0 beantwortet",
        "23. November: 4 Fragen, 3 beantwortet",
    ]
    assert "Beantwortet: 75 Prozent von 4 Fragen" in lines
    top = lines[lines.index("Am häufigsten gezeigt:") + 1 :]
    assert top == ["• Sanktionen: 2", "• Schickt Nordkorea jetzt Waffen nach Russland?: 1"]


# ---- what the store receives ------------------------------------------------------------------


def feedback_rows(bot: Bot) -> list[tuple[object, ...]]:
    assert bot.database is not None
    return select(bot.database, "SELECT entry, up, down FROM feedback ORDER BY entry")


async def test_the_store_gets_cleaned_questions_on_none_nichts_davon_and_thumbs_down(
    admin_bot: Bot,
) -> None:
    bot = admin_bot
    store = bot.store
    assert store is not None
    await ask(bot, READER, "Ich bin kim@example.org, Tel. 0170 1234567: wer gewinnt die Liga?")
    (offer,) = await ask(bot, READER, unsure_question(state(bot).engine))
    await bot.press(offer, "Nichts davon")
    (answer,) = await ask(bot, READER, "was sind sanktionen 3 mal")
    assert buttons_of(answer)[-2:] == [("👍", "fb:+:t:sanktionen"), ("👎", "fb:-:t:sanktionen")]
    await bot.press(answer, "👎")
    asked = {(a.reason, a.question, a.entry) for a in await store.asked(7)}
    assert ("unanswered", "Ich bin , Tel. : wer gewinnt die Liga?", "") in asked
    assert ("nothing", unsure_question(state(bot).engine), "") in asked
    assert ("thumbs_down", "was sind sanktionen mal", "t:sanktionen") in asked
    assert feedback_rows(bot) == [("t:sanktionen", 0, 1)]
    everything = str(asked)
    assert "@" not in everything and not any(c.isdigit() for c in everything)


async def test_thumbs_are_thanked_counted_once_and_taken_away(admin_bot: Bot) -> None:
    bot = admin_bot
    assert bot.store is not None
    (answer,) = await ask(bot, READER, "was ist völkerrecht")
    calls = await bot.press(answer, "👍")
    assert calls == []  # no new message, only the thanks and the edited keyboard
    (thanks,) = bot.fake.recorded("answerCallbackQuery")[-1:]
    assert thanks.params["text"] == state(bot).engine.kb.texts.text("feedback_thanks")
    shown = bot.fake.message(READER, answer.result["message_id"])
    labels = [b["text"] for row in shown["reply_markup"]["inline_keyboard"] for b in row]
    assert "👍" not in labels and "👎" not in labels and "Mehr erfahren" in labels
    assert feedback_rows(bot) == [("t:voelkerrecht", 1, 0)]
    assert [a.reason for a in await bot.store.asked(7)] == []  # a 👍 keeps no question
    # The old buttons pressed again (a double tap, a second device): thanked, never counted
    # twice, and the keyboard is left alone ("message is not modified" never comes up).
    edits = len(bot.fake.recorded("editMessageReplyMarkup"))
    for thumb in ("👍", "👎", "👍"):
        assert await bot.press(answer, thumb) == []
        again = bot.fake.recorded("answerCallbackQuery")[-1]
        assert again.ok and again.params["text"] == state(bot).engine.kb.texts.text(
            "feedback_again"
        )
    assert feedback_rows(bot) == [("t:voelkerrecht", 1, 0)]
    assert await bot.store.asked(7) == []
    assert len(bot.fake.recorded("editMessageReplyMarkup")) == edits
    assert bot.fake.unanswered_queries() == []


async def test_thirty_forged_or_repeated_presses_count_once(admin_bot: Bot) -> None:
    bot = admin_bot
    (answer,) = await ask(bot, READER, "was ist völkerrecht")
    for _ in range(30):
        bot.clock.now += 1  # at a pace the flood gate lets through
        bot.fake.press(answer.result, "fb:+:t:voelkerrecht")
        await bot.feed(bot.fake.take_last_update())
    assert feedback_rows(bot) == [("t:voelkerrecht", 1, 0)]
    # Forged: a button this message does not carry, for another entry, is never counted.
    for data in ("fb:+:t:sanktionen", "fb:-:t:sanktionen"):
        bot.clock.now += 1
        bot.fake.press(answer.result, data)
        await bot.feed(bot.fake.take_last_update())
    assert feedback_rows(bot) == [("t:voelkerrecht", 1, 0)]
    assert bot.fake.unanswered_queries() == []


async def test_in_a_group_one_vote_per_answer_counts_and_the_thumbs_stay(admin_bot: Bot) -> None:
    bot = admin_bot
    group = bot.fake.group_chat(-1004400)
    (answer,) = await bot.say(group, "@newsbot_test_bot was ist völkerrecht", user=bot.fake.user(7))
    for child in (7, 8, 9):
        bot.clock.now += 1
        bot.fake.press(answer.result, "fb:+:t:voelkerrecht", user=bot.fake.user(child))
        await bot.feed(bot.fake.take_last_update())
    assert feedback_rows(bot) == [("t:voelkerrecht", 1, 0)]  # the group's one vote
    assert not bot.fake.recorded("editMessageReplyMarkup")  # the thumbs stay for the others
    shown = bot.fake.message(-1004400, answer.result["message_id"])
    labels = [b["text"] for row in shown["reply_markup"]["inline_keyboard"] for b in row]
    assert "👍" in labels and "👎" in labels


async def test_message_is_not_modified_is_no_error(admin_bot: Bot) -> None:
    bot = admin_bot
    (answer,) = await ask(bot, READER, "was ist völkerrecht")
    # Telegram already shows the answer without its thumbs (taken away for this vote by the
    # bot before a restart), and the press comes with the message as it was.
    stored = bot.fake.messages[(READER, answer.result["message_id"])]
    rows = stored["reply_markup"]["inline_keyboard"]
    stored["reply_markup"] = {"inline_keyboard": [r for r in rows if r[0]["text"] != "👍"]}
    errors = len(bot.fake.recorded("sendMessage", READER))
    assert await bot.press(answer, "👍") == []
    (edit,) = bot.fake.recorded("editMessageReplyMarkup")
    assert not edit.ok and "not modified" in (edit.error or "")
    assert len(bot.fake.recorded("sendMessage", READER)) == errors  # no "Oh, da ist ..."
    assert feedback_rows(bot) == [("t:voelkerrecht", 1, 0)]


async def test_a_thumbs_down_on_a_chosen_suggestion_keeps_the_question_behind_it(
    admin_bot: Bot,
) -> None:
    bot = admin_bot
    assert bot.store is not None
    question = unsure_question(state(bot).engine)
    (offer,) = await ask(bot, READER, question)
    first = buttons_of(offer)[0][0]
    (chosen,) = await bot.press(offer, first)
    await bot.press(chosen, "👎")
    (down,) = [a for a in await bot.store.asked(7) if a.reason == "thumbs_down"]
    assert down.question == question and down.entry == buttons_of(offer)[0][1]


async def test_thumbs_for_an_unknown_entry_are_thanked_and_not_counted(admin_bot: Bot) -> None:
    bot = admin_bot
    assert bot.store is not None
    (news,) = await bot.say(bot.fake.private_chat(READER), "/news")
    for data in ("fb:-:t:gibt-es-nicht", "fb:x:t:sanktionen", "fb:", "fb:+:"):
        bot.fake.press(news.result, data)
        (call, *_) = await bot.feed(bot.fake.take_last_update())
        assert call.method == "answerCallbackQuery" and call.ok
    assert feedback_rows(bot) == [] and await bot.store.asked(7) == []


def test_every_entry_of_the_shipped_knowledge_gets_thumbs_within_64_bytes(engine: Engine) -> None:
    for entry in engine.kb.entries():
        keys = feedback_keys(engine.composer.entry(entry), engine.kb.texts)
        assert len(keys) == 2
        assert all(len((k.action or "").encode()) <= 64 for k in keys)


async def test_a_broken_store_costs_the_statistics_never_an_answer(
    admin_bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = admin_bot
    assert bot.database is not None
    await bot.database.close()  # every write now fails
    (reply,) = await ask(bot, READER, "Wer gewinnt die Liga?")
    assert text_of(reply).startswith("Darüber weiß ich noch nichts")
    (answer,) = await ask(bot, READER, "was sind sanktionen")
    await bot.press(answer, "👎")
    assert "the store could not be written" in caplog.text
    assert "Liga" not in caplog.text
    bot.database = None  # closed already


async def test_the_daily_job_purges_what_is_older_than_the_retention_period(
    admin_bot: Bot, tmp_path: Path
) -> None:
    bot = admin_bot
    assert bot.store is not None
    old_day = TODAY - dt.timedelta(days=91)
    then = await open_database(tmp_path / "data", retention_days=10_000, today=lambda: old_day)
    await then.stats.record_question("Eine alte Frage", "unanswered")
    await then.stats.record_reply(answered=True, entry="t:sanktionen")
    await then.close()
    await bot.store.record_question("Eine neue Frage", "unanswered")
    assert len(await bot.store.asked(365)) == 2
    await run_job(bot, "purge")
    assert [a.question for a in await bot.store.asked(365)] == ["Eine neue Frage"]
    assert await bot.store.top_entries(365) == []


# ---- hot reload -------------------------------------------------------------------------------


async def test_a_valid_change_goes_live_in_one_assignment_without_bothering_the_admins(
    admin_bot: Bot, kb_copy: Path
) -> None:
    bot = admin_bot
    (before,) = await ask(bot, READER, "Was ist Weltraumschrott?")
    assert text_of(before).startswith("Darüber weiß ich noch nichts")
    add_term(kb_copy)
    await run_job(bot, "reload")
    assert state(bot).engine is newsroom(bot).reloader.engine
    (after,) = await ask(bot, READER, "Was ist Weltraumschrott?")
    assert text_of(after).startswith("Weltraumschrott\n")
    await run_job(bot, "reload")  # nothing changed: nothing happens
    assert texts_to(bot, ADMIN) == [] and texts_to(bot, OTHER_ADMIN) == []


async def test_broken_knowledge_is_reported_once_per_state_and_the_fix_is_announced(
    admin_bot: Bot, kb_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bot = admin_bot
    glossary = kb_copy / "glossary.yaml"
    good = state(bot).engine
    edit(glossary, "short:", "shrot:")
    await run_job(bot, "reload")
    assert state(bot).engine is good
    (notice,) = texts_to(bot, ADMIN)
    assert notice.startswith("Das neue Wissen hat Fehler.")
    assert "\nknowledge/glossary.yaml:" in notice
    assert texts_to(bot, OTHER_ADMIN) == [notice]
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.newsroom.reload"]
    assert any(m.startswith("knowledge not reloaded: knowledge/glossary.yaml:") for m in logged)
    assert "an admin could not be told about the knowledge" in caplog.text  # GONE_ADMIN

    await run_job(bot, "reload")  # nothing changed
    glossary.touch()  # saved again, the same mistakes
    await run_job(bot, "reload")
    assert len(texts_to(bot, ADMIN)) == 1
    edit(glossary, "shrot:", "short:")
    edit(glossary, "link:", "lnk:")  # another mistake: another state
    await run_job(bot, "reload")
    assert len(texts_to(bot, ADMIN)) == 2 and "lnk" in texts_to(bot, ADMIN)[1]

    edit(glossary, "lnk:", "link:")
    await run_job(bot, "reload")
    assert state(bot).engine is not good
    assert texts_to(bot, ADMIN)[2:] == [state(bot).engine.kb.texts.text("admin_reload_fixed")]
    assert texts_to(bot, OTHER_ADMIN)[2:] == texts_to(bot, ADMIN)[2:]


async def test_reload_forces_a_check_and_answers_the_admin_who_asked(
    admin_bot: Bot, kb_copy: Path
) -> None:
    bot = admin_bot
    glossary = kb_copy / "glossary.yaml"
    edit(glossary, "short:", "shrot:")
    (problems,) = await bot.say(bot.fake.private_chat(ADMIN), "/reload")
    assert text_of(problems).startswith("Das neue Wissen hat Fehler.")
    assert texts_to(bot, OTHER_ADMIN) == [text_of(problems)]  # the other admin hears of it
    (again,) = await bot.say(bot.fake.private_chat(ADMIN), "/reload")
    assert text_of(again) == text_of(problems)  # asked again: told again, the others not
    assert len(texts_to(bot, OTHER_ADMIN)) == 1
    edit(glossary, "shrot:", "short:")
    (done,) = await bot.say(bot.fake.private_chat(ADMIN), "/reload")
    assert text_of(done).startswith("Neu geladen: 1 Artikel, 153 Begriffe und 7 Quellen.")
    assert texts_to(bot, OTHER_ADMIN)[1:] == [state(bot).engine.kb.texts.text("admin_reload_fixed")]


async def test_a_long_list_of_problems_is_escaped_shortened_and_split(
    admin_bot: Bot, kb_copy: Path
) -> None:
    bot = admin_bot
    names = [f"<Unbekannt & {i:02d}> " + "mit einem sehr langen Namen " * 3 for i in range(40)]
    article = kb_copy / "articles" / "putin-kim-treffen.yaml"
    text = article.read_text(encoding="utf-8")
    start, end = text.index("terms:"), text.index("sources:")
    listed = "".join(f"  - '{name}'\n" for name in names)
    article.write_text(text[:start] + "terms:\n" + listed + text[end:], encoding="utf-8")
    await run_job(bot, "reload")
    messages = bot.fake.sent(ADMIN)
    assert len(messages) >= 2 and all(m.ok for m in messages)
    assert all(utf16_length(text_of(m)) <= 4096 for m in messages)
    everything = "\n".join(text_of(m) for m in messages)
    assert "<Unbekannt & 00>" in everything and "&amp;" not in everything
    assert everything.count("<Unbekannt &") == MAX_PROBLEMS
    assert everything.endswith("Dazu kommen noch 10 weitere Fehler. Alle zeigt newsbot check.")


async def test_questions_are_answered_while_knowledge_is_edited_broken_fixed_and_deleted(
    admin_bot: Bot, kb_copy: Path
) -> None:
    bot = admin_bot
    glossary, sources = kb_copy / "glossary.yaml", kb_copy / "sources.yaml"
    stop = asyncio.Event()
    answers: list[str] = []

    async def ask_in_a_loop() -> None:
        """A reader who never stops asking, in a chat of its own."""
        while not stop.is_set():
            sent = await ask(bot, 900, "Was sind Sanktionen?")
            answers.append(" | ".join(text_of(call) for call in sent))
            await asyncio.sleep(0)

    async def reload_and_ask(question: str) -> str:
        """Run the reload job while the reader keeps asking; then ask this question."""
        await run_job(bot, "reload")
        (reply,) = await ask(bot, READER, question)
        return text_of(reply)

    reader = asyncio.create_task(ask_in_a_loop())
    try:
        add_term(kb_copy)
        assert (await reload_and_ask("Was ist Weltraumschrott?")).startswith("Weltraumschrott\n")

        # One save that changes an answer and breaks something else: none of it goes live.
        edit(glossary, "Sanktionen sind Strafen", "KAPUTT Sanktionen sind Strafen")
        edit(glossary, "link:", "lnk:")
        assert (await reload_and_ask("Was ist Weltraumschrott?")).startswith("Weltraumschrott\n")
        edit(glossary, "lnk:", "link:")
        assert "KAPUTT" in await reload_and_ask("Was sind Sanktionen?")  # fixed: now it is live
        edit(glossary, "KAPUTT ", "")

        sources.unlink()  # the articles name sources that are gone
        assert (await reload_and_ask("dpa")).startswith("dpa\n")
        shutil.copy(KNOWLEDGE / "sources.yaml", sources)
        await reload_and_ask("dpa")

        shutil.rmtree(kb_copy)  # the whole folder
        assert (await reload_and_ask("Was ist Weltraumschrott?")).startswith("Weltraumschrott\n")
        copy_knowledge(kb_copy)
        reply = await reload_and_ask("Was ist Weltraumschrott?")  # the shipped knowledge
        assert reply.startswith("Darüber weiß ich noch nichts")
        # How many questions fit in between depends on the machine's load; wait (bounded)
        # until the reader has asked enough for the counts below to mean something.
        for _ in range(1000):
            if len(answers) > 20:
                break
            await asyncio.sleep(0.01)
    finally:
        stop.set()
        await reader

    assert len(answers) > 20
    sanctions = [a for a in answers if a.startswith("Sanktionen\nSanktionen sind Strafen")]
    kaputt = [a for a in answers if a.startswith("Sanktionen\nKAPUTT Sanktionen sind Strafen")]
    assert len(sanctions) + len(kaputt) == len(answers)  # every question, one answer each
    notices = texts_to(bot, ADMIN)
    fixed = state(bot).engine.kb.texts.text("admin_reload_fixed")
    assert [n.split("\n")[0] for n in notices] == [
        "Das neue Wissen hat Fehler. Der Bot antwortet weiter mit dem letzten guten Stand.",
        fixed,
        "Das neue Wissen hat Fehler. Der Bot antwortet weiter mit dem letzten guten Stand.",
        fixed,
        "Das neue Wissen hat Fehler. Der Bot antwortet weiter mit dem letzten guten Stand.",
        fixed,
    ]
    assert "sources.yaml" in notices[2] or "unknown source" in notices[2]
    assert "missing or empty" in notices[4]


async def test_answering_goes_on_while_the_knowledge_loads(
    admin_bot: Bot, kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = admin_bot
    reloader = newsroom(bot).reloader
    check = reloader.check
    loading, answered = threading.Event(), threading.Event()
    waited: list[bool] = []

    def slow_check(force: bool = False) -> ReloadResult:
        """A load that ends only once a question was answered meanwhile."""
        loading.set()
        waited.append(answered.wait(10))  # on the event loop's thread this would hang
        return check(force)

    monkeypatch.setattr(reloader, "check", slow_check)
    add_term(kb_copy)
    job = asyncio.create_task(run_job(bot, "reload"))
    while not loading.is_set():
        await asyncio.sleep(0.01)
    (reply,) = await ask(bot, READER, "Was ist Weltraumschrott?")
    answered.set()
    await job
    assert waited == [True]
    assert text_of(reply).startswith("Darüber weiß ich noch nichts")  # the old knowledge, meanwhile
    (reply,) = await ask(bot, READER, "Was ist Weltraumschrott?")
    assert text_of(reply).startswith("Weltraumschrott\n")


async def test_the_reload_job_skips_while_a_reload_runs(admin_bot: Bot, kb_copy: Path) -> None:
    bot = admin_bot
    add_term(kb_copy)
    async with newsroom(bot).lock:  # e.g. an admin's /reload
        await run_job(bot, "reload")
    assert newsroom(bot).reloader.engine is state(bot).engine
    (reply,) = await ask(bot, READER, "Was ist Weltraumschrott?")
    assert text_of(reply).startswith("Darüber weiß ich noch nichts")  # not yet: the job stood aside
    await run_job(bot, "reload")
    (reply,) = await ask(bot, READER, "Was ist Weltraumschrott?")
    assert text_of(reply).startswith("Weltraumschrott")
