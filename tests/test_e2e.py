"""End to end: the real `newsbot run` process against the fake Bot API on 127.0.0.1.

One bot process per mode serves most tests (each test in a chat of its own); restarts and
start-up failures get processes of their own. Waiting is on conditions (calls the fake
recorded) with bounded timeouts; only "nothing else arrives" needs a short settle time.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from helpers.api import BOT_USERNAME, CLIENT_GONE, TOKEN, Call, scope_key
from helpers.knowledge import NEW_TERM, copy_knowledge
from helpers.process import (
    START_TIMEOUT,
    Running,
    clean_env,
    free_port,
    launch,
    started,
    stored,
    wait,
)
from helpers.replies import button, text_of
from helpers.scaled import shared_backends
from helpers.server import FakeTelegramServer

QUESTION = "was sind sanktionen"


@pytest.fixture(scope="module")
def polling(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """One `newsbot run` in polling mode for the tests of this module."""
    tmp = tmp_path_factory.mktemp("polling")
    with FakeTelegramServer() as server:
        bot = launch(
            tmp,
            "polling",
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=server.base_url,
            NEWSBOT_LOG_LEVEL="INFO",
        )
        try:
            started(bot, server.fake, "polling")
            yield Running(bot, server.fake, tmp / "data")
        finally:
            code = bot.stop()
        output = bot.output()
        assert code == 0, output
        assert TOKEN not in output
        assert QUESTION not in output  # at INFO, no message text is logged


# ---- polling ----------------------------------------------------------------------------------


def test_start_registers_the_menu_and_welcomes(polling: Running) -> None:
    (welcome,) = polling.ask(100, "/start")
    assert text_of(welcome).startswith("Hallo! Ich bin newsbot.")
    (menu,) = polling.fake.recorded("setMyCommands")
    assert [c["command"] for c in menu.params["commands"]][:3] == ["start", "hilfe", "news"]
    assert polling.fake.recorded("deleteWebhook")


def test_a_question_with_its_buttons(polling: Running) -> None:
    (answer,) = polling.ask(101, QUESTION)
    assert text_of(answer).startswith("Sanktionen\nSanktionen sind Strafen")
    assert '<a href="https://www.hanisauland.de/' in answer.params["text"]
    (more,) = polling.press(answer, "Mehr erfahren")
    assert "Vereinten Nationen" in text_of(more)
    (term,) = polling.press(answer, "Völkerrecht")
    assert text_of(term).startswith("Völkerrecht\n")


def test_meinst_du_and_nichts_davon(polling: Running) -> None:
    (offer,) = polling.ask(102, "Wladimir")
    labels = [k["text"] for row in offer.params["reply_markup"]["inline_keyboard"] for k in row]
    assert labels[-1] == "Nichts davon" and len(labels) >= 2
    (reply,) = polling.press(offer, "Nichts davon")
    assert text_of(reply).startswith("Darüber weiß ich noch nichts.")
    reasons = lambda: {r[1] for r in stored(polling.data) if r[2] == "Wladimir"}  # noqa: E731
    wait(polling.bot, polling.fake, lambda: reasons() == {"unanswered", "nothing"})
    assert "Wladimir" not in polling.bot.output()


def test_follow_ups_refer_to_the_last_article(polling: Running) -> None:
    polling.ask(103, "Putin Kim Treffen")
    (sources,) = polling.ask(103, "Woher wisst ihr das?")
    assert "Schickt Nordkorea jetzt Waffen nach Russland?" in text_of(sources)
    (more,) = polling.ask(103, "mehr")
    assert "Wostotschny" in text_of(more)


def test_news_and_glossary_pages(polling: Running) -> None:
    (news,) = polling.ask(104, "/news")
    assert button(news, "Schickt Nordkorea jetzt Waffen nach Russland?") == "a:putin-kim-treffen"
    (glossary,) = polling.ask(104, "/begriffe")
    assert "Seite 1 von 20" in text_of(glossary)
    polling.fake.press(glossary.result, "g:2")
    edit = wait(polling.bot, polling.fake, lambda: polling.fake.recorded("editMessageText"))[-1]
    assert edit.ok and "Seite 2 von 20" in text_of(edit)


def test_inline_query(polling: Running) -> None:
    polling.fake.inline_query(polling.fake.user(105), "sanktionen")
    (answer,) = wait(polling.bot, polling.fake, lambda: polling.fake.recorded("answerInlineQuery"))
    assert answer.ok
    assert answer.params["results"][0]["title"] == "Sanktionen"
    link = answer.params["results"][0]["reply_markup"]["inline_keyboard"][0][0]["url"]
    assert link == f"https://t.me/{BOT_USERNAME}?start=begriff_sanktionen"


def test_groups_get_answers_only_when_they_address_the_bot(polling: Running) -> None:
    fake = polling.fake
    group = fake.group_chat(-100106)
    fake.send_text(group, QUESTION, user=fake.user(7))
    fake.send_text(group, f"@{BOT_USERNAME} {QUESTION}", user=fake.user(7))
    (answer,) = polling.new_messages(-100106, 0, 1)
    assert text_of(answer).startswith("Sanktionen")
    polling.settled(-100106, 1)


def test_a_sticker_gets_a_playful_reply(polling: Running) -> None:
    polling.fake.send_sticker(polling.fake.private_chat(107))
    (reply,) = polling.new_messages(107, 0, 1)
    assert text_of(reply).startswith("Oh, ein Sticker!")


@pytest.mark.parametrize(
    ("chat_id", "status", "description", "retry_after", "times", "first"),
    [
        (110, 400, "Bad Request: message to be replied not found", None, 1, "Oh, da ist"),
        (111, 403, "Forbidden: bot was blocked by the user", None, 1, None),
        (112, 429, "Too Many Requests: retry after 1", 1, 1, "Sanktionen"),
        (113, 500, "Internal Server Error", None, 1, "Sanktionen"),
        (116, 502, "Bad Gateway", None, 2, "Sanktionen"),
        (117, 500, "Internal Server Error", None, 3, "Sanktionen"),  # given up before issue 17
    ],
)
def test_a_telegram_error_never_stops_the_bot(
    polling: Running,
    chat_id: int,
    status: int,
    description: str,
    retry_after: int | None,
    times: int,
    first: str | None,
) -> None:
    fake = polling.fake
    fake.fail(
        "sendMessage", status, description, retry_after=retry_after, times=times, chat_id=chat_id
    )
    if first is not None:
        (reply,) = polling.ask(chat_id, QUESTION)
        assert text_of(reply).startswith(first)
    else:
        fake.send_text(fake.private_chat(chat_id), QUESTION)
        wait(polling.bot, fake, lambda: fake.recorded("sendMessage", chat_id))
    (after,) = polling.ask(chat_id, "was ist völkerrecht")
    assert text_of(after).startswith("Völkerrecht")
    calls = fake.recorded("sendMessage", chat_id)
    failed = calls[0]
    assert [c.status for c in calls[:times]] == [status] * times
    if status == 429:  # waited retry_after, then sent the same answer
        retried = calls[1]
        assert retried.ok and retried.params == failed.params
        assert retried.at - failed.at >= 1
    if status >= 500:  # tried again, after growing pauses, and it arrived
        retried = calls[times]
        assert retried.ok and retried.params == failed.params
        assert retried.at - failed.at >= 0.5 * (2**times - 1)
    if status == 403:  # a reader who blocked the bot is no error worth a traceback
        assert "a chat blocked the bot or removed it" in polling.bot.output()


def test_a_read_timeout_is_not_sent_again_and_the_bot_goes_on(polling: Running) -> None:
    # Telegram may have delivered a message whose answer timed out: sending it again could
    # show the reader the answer twice (issue 15's rule; before issue 17 it was sent again).
    polling.fake.slow("sendMessage", 6.0, chat_id=114)  # longer than the 5 s read timeout
    polling.fake.send_text(polling.fake.private_chat(114), QUESTION)
    line = "an answer did not reach Telegram, or may have (TimedOut: Timed out)"
    wait(polling.bot, polling.fake, lambda: line in polling.bot.output(), 15)
    # The fake records the call once it notices that the bot hung up: a moment later.
    (gave_up,) = wait(polling.bot, polling.fake, lambda: polling.fake.recorded("sendMessage", 114))
    assert gave_up.status == CLIENT_GONE and text_of(gave_up).startswith("Sanktionen")
    (after,) = polling.ask(114, "was ist völkerrecht")
    assert text_of(after).startswith("Völkerrecht")
    assert len(polling.fake.recorded("sendMessage", 114)) == 2


def test_an_error_that_names_the_token_is_logged_without_it(polling: Running) -> None:
    polling.fake.fail("sendMessage", 400, f"Bad Request: {TOKEN} is odd", chat_id=118)
    (reply,) = polling.ask(118, QUESTION)
    assert text_of(reply).startswith("Oh, da ist")
    wait(polling.bot, polling.fake, lambda: "BadRequest: [redacted] is odd" in polling.bot.output())
    assert TOKEN.casefold() not in polling.bot.output().casefold()


def test_failed_polls_are_retried(polling: Running) -> None:
    polling.fake.fail("getUpdates", 500, "Internal Server Error", times=2)
    polling.ask(115, QUESTION)
    (after,) = polling.ask(115, "was ist völkerrecht", timeout=15)
    assert text_of(after).startswith("Völkerrecht")
    assert [c.status for c in polling.fake.recorded("getUpdates") if c.status != 200] == [500, 500]
    assert "getting updates failed, trying again" in polling.bot.output()


def test_the_error_handler_logs_a_traceback(polling: Running) -> None:
    output = polling.bot.output()
    assert "handling an update failed" in output and "Traceback" in output


# ---- restart ----------------------------------------------------------------------------------


def test_old_buttons_work_after_a_restart_and_no_update_is_lost(tmp_path: Path) -> None:
    with FakeTelegramServer() as server:
        fake = server.fake
        env = {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": server.base_url,
            "NEWSBOT_LOG_LEVEL": "DEBUG",  # even then, no token in the log
        }
        first = launch(tmp_path, "first", **env)
        try:
            started(first, fake, "polling")
            running = Running(first, fake, tmp_path / "data")
            (article,) = running.ask(200, "Putin Kim Treffen")
        finally:
            assert first.stop() == 0, first.output()
        fake.press(article.result, button(article, "Woher wissen wir das?"))
        fake.send_text(fake.private_chat(201), QUESTION)
        second = launch(tmp_path, "second", **env)
        try:
            running = Running(second, fake, tmp_path / "data")
            (sources,) = running.new_messages(200, 1, 1, timeout=START_TIMEOUT)
            assert "Das sind die Quellen" in text_of(sources)
            (answer,) = running.new_messages(201, 0, 1)
            assert text_of(answer).startswith("Sanktionen")
            running.settled(200, 2)  # the first question was not answered twice
            assert fake.unanswered_queries() == []
        finally:
            assert second.stop() == 0, second.output()
        for bot in (first, second):
            assert TOKEN not in bot.output()
            assert TOKEN.split(":")[1] not in bot.output()


# ---- webhook ----------------------------------------------------------------------------------


def post_update(port: int, update: dict[str, Any], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/telegram/hook", json.dumps(update).encode(), headers
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_webhook_mode_answers_and_refuses_requests_without_the_secret(tmp_path: Path) -> None:
    port = free_port()
    with FakeTelegramServer() as server:
        fake = server.fake
        fake.proxy_webhook_to(f"http://127.0.0.1:{port}")
        bot = launch(
            tmp_path,
            "webhook",
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=server.base_url,
            NEWSBOT_WEBHOOK_URL="https://newsbot.example/telegram/hook",
            NEWSBOT_WEBHOOK_PORT=str(port),
        )
        try:
            started(bot, fake, "webhook")
            (hook,) = fake.recorded("setWebhook")
            assert hook.params["url"] == "https://newsbot.example/telegram/hook"
            secret = hook.params["secret_token"]
            assert len(secret) >= 32
            running = Running(bot, fake, tmp_path / "data")
            (answer,) = running.ask(300, QUESTION)
            assert text_of(answer).startswith("Sanktionen")
            (more,) = running.press(answer, "Mehr erfahren")
            assert "Vereinten Nationen" in text_of(more)
            fake.private_chat(301)
            forged = {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "chat": {"id": 301, "type": "private"},
                    "from": fake.user(301),
                    "text": QUESTION,
                },
            }
            assert post_update(port, forged, None) == 403
            assert post_update(port, forged, "wrong-secret") == 403
            (answer,) = running.ask(300, "was ist völkerrecht")  # later updates still flow
            assert text_of(answer).startswith("Völkerrecht")
            assert fake.sent(301) == []
            assert not fake.recorded("getUpdates")
        finally:
            code = bot.stop()
        assert code == 0, bot.output()
        assert TOKEN not in bot.output() and secret not in bot.output()


# ---- privacy ----------------------------------------------------------------------------------

READER_ID = 987654321
READER_NAMES = {"first_name": "Zqxjkvbnm", "last_name": "Wqrtplkx", "username": "ploughwomanxyz"}
MAIL, PHONE = "zqx.reader@example.org", "0170 9876543"


@pytest.mark.parametrize("mode", ["sqlite", "scaled"])
@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
def test_nothing_about_a_reader_is_kept_in_the_data_or_the_logs(
    tmp_path: Path, level: str, mode: str
) -> None:
    # Scaled (issue 15): the store in a Postgres schema of the test's own, the shared state
    # under a Redis prefix of its own; every row and every key and value is searched too.
    data = tmp_path / "data"
    with ExitStack() as stack:
        shared = stack.enter_context(shared_backends()) if mode == "scaled" else None
        server = stack.enter_context(FakeTelegramServer())
        fake = server.fake
        bot = launch(
            tmp_path,
            "privacy",
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=server.base_url,
            NEWSBOT_DATA_DIR=str(data),
            NEWSBOT_LOG_LEVEL=level,
            **(shared.env if shared else {}),
        )

        def rows() -> list[tuple[Any, ...]]:
            return shared.postgres_contents()["questions"] if shared else stored(data)

        try:
            started(bot, fake, "polling")
            running = Running(bot, fake, data)
            chat = fake.private_chat(READER_ID, **READER_NAMES)
            reader = fake.user(READER_ID, **READER_NAMES)

            def say(text: str) -> Call:
                before = len(fake.sent(READER_ID))
                fake.send_text(chat, text, user=reader)
                return running.new_messages(READER_ID, before, 1)[-1]

            def press(message: Call, label: str) -> None:
                query = fake.press(message.result, button(message, label), user=reader)
                wait(bot, fake, lambda: query not in fake.unanswered_queries())

            say("/start")
            answer = say("was sind sanktionen")
            press(answer, "👎")
            press(answer, "👎")  # a double tap: counted once, still nothing about the reader
            group = fake.group_chat(-100987654321, title="Klasse von Zqxjkvbnm")
            fake.add_bot_to_group(group, reader)
            running.new_messages(-100987654321, 0, 1)
            before = len(fake.sent(READER_ID))
            fake.send_photo(chat, "was ist völkerrecht", user=reader)
            running.new_messages(READER_ID, before, 1)
            offer = say("Wladimir")
            press(offer, "Nichts davon")
            say(f"Meine Mail ist {MAIL} und meine Nummer {PHONE}. Was ist ein Quasar?")
            say(f"Was heißt {TOKEN} und {TOKEN.split(':')[1]}?")  # the bot's own token
            reasons = lambda: sorted(r[1] for r in rows())  # noqa: E731
            wait(bot, fake, lambda: reasons() == ["nothing", "thumbs_down", *["unanswered"] * 3])
            # Read while the bot runs: stopping it removes the test's keys (process.py).
            kept = shared.everything_kept() if shared else []
            keys = shared.redis_contents() if shared else []
        finally:
            assert bot.stop() == 0, bot.output()
        questions = [row[2] for row in rows()]
    assert "Meine Mail ist und meine Nummer . Was ist ein Quasar?" in questions
    assert "Was heißt und ?" in questions
    secrets = [str(READER_ID), *READER_NAMES.values(), MAIL, "example.org", PHONE, "9876543"]
    secrets += [TOKEN, TOKEN.split(":")[1]]
    files = [path for path in data.rglob("*") if path.is_file()]
    assert files or mode == "scaled"  # newsbot.sqlite3 at least, unless it is Postgres
    if mode == "scaled":
        assert kept and keys  # the questions' rows at least, the conversation's key
        assert all(ttl > 0 for _, _, ttl in keys)  # every Redis key expires
    for content in (item.lower() for item in kept):
        for secret in secrets:
            assert secret.lower().encode() not in content, (content[:60], secret)
    for path in files:
        content = path.read_bytes().lower()
        for secret in secrets:
            assert secret.lower().encode() not in content, (path.name, secret)
        assert READER_ID.to_bytes(4, "big") not in content  # as SQLite stores an integer
    output = bot.output().lower()
    for secret in [*secrets, "sanktionen", "quasar", "wladimir"]:  # no message text either
        assert secret.lower() not in output, secret
    assert TOKEN.lower() not in output


# ---- crash and restart ------------------------------------------------------------------------


def test_after_a_crash_the_updates_telegram_still_holds_are_answered(tmp_path: Path) -> None:
    with FakeTelegramServer() as server:
        fake = server.fake
        env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": server.base_url}
        first = launch(tmp_path, "crash", **env)
        try:
            started(first, fake, "polling")
            polls = fake.received.count("getUpdates")
            # The bot is killed while it answers and while its next poll, which would confirm
            # the update it got, has not reached Telegram's bookkeeping yet.
            fake.slow("getUpdates", 30.0)
            fake.slow("sendMessage", 30.0, chat_id=400)
            fake.send_text(fake.private_chat(400), QUESTION)
            wait(first, fake, lambda: fake.received.count("getUpdates") >= polls + 1)
            wait(first, fake, lambda: "sendMessage" in fake.received)
        finally:
            first.process.kill()  # kill -9: no clean shutdown, no last offset confirmed
            first.process.wait(timeout=10)
        assert fake.pending_updates() == 1  # Telegram still holds it
        fake.send_text(fake.private_chat(401), "was ist völkerrecht")  # sent while the bot is down
        second = launch(tmp_path, "restart", **env)
        try:
            running = Running(second, fake, tmp_path / "data")
            (answer,) = running.new_messages(400, 0, 1, timeout=START_TIMEOUT)
            assert text_of(answer).startswith("Sanktionen")
            (later,) = running.new_messages(401, 0, 1)
            assert text_of(later).startswith("Völkerrecht")
            wait(second, fake, lambda: fake.pending_updates() == 0)
        finally:
            assert second.stop() == 0, second.output()


# ---- hot reload, with admins ------------------------------------------------------------------

ADMIN = 42


def test_knowledge_edited_broken_and_fixed_while_the_bot_runs(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    copy_knowledge(knowledge)
    glossary = knowledge / "glossary.yaml"
    good = glossary.read_text(encoding="utf-8")
    with FakeTelegramServer() as server:
        fake = server.fake
        fake.private_chat(ADMIN)  # the other admin, 43, never started the bot
        bot = launch(
            tmp_path,
            "reload",
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=server.base_url,
            NEWSBOT_KNOWLEDGE=str(knowledge),
            NEWSBOT_ADMIN_IDS=f"{ADMIN}, 43",
        )
        try:
            started(bot, fake, "polling")
            running = Running(bot, fake, tmp_path / "data")
            admin_menu = scope_key({"type": "chat", "chat_id": ADMIN})
            wait(bot, fake, lambda: admin_menu in fake.scoped_commands)
            assert [c["command"] for c in fake.scoped_commands[admin_menu]][-3:] == [
                "reload",
                "offen",
                "stats",
            ]
            (unknown,) = running.ask(500, "Was ist Weltraumschrott?")
            assert text_of(unknown).startswith("Darüber weiß ich noch nichts")

            glossary.write_text(good + NEW_TERM, encoding="utf-8")
            wait(bot, fake, lambda: "154 terms" in bot.output())
            (answer,) = running.ask(500, "Was ist Weltraumschrott?")
            assert text_of(answer).startswith("Weltraumschrott\n")

            glossary.write_text((good + NEW_TERM).replace("short:", "shrot:", 1), "utf-8")
            (problems,) = running.new_messages(ADMIN, 0, 1)
            assert text_of(problems).startswith("Das neue Wissen hat Fehler.")
            assert "\nknowledge/glossary.yaml:" in text_of(problems)
            (still,) = running.ask(500, "Was ist Weltraumschrott?")  # the last good knowledge
            assert text_of(still).startswith("Weltraumschrott\n")

            glossary.write_text(good, encoding="utf-8")  # fixed, and the new term is gone
            (fixed,) = running.new_messages(ADMIN, 1, 1)
            assert text_of(fixed).startswith("Die Fehler sind behoben.")
            (gone,) = running.ask(500, "Was ist Weltraumschrott?")
            assert text_of(gone).startswith("Darüber weiß ich noch nichts")

            (reloaded,) = running.ask(ADMIN, "/reload")
            assert text_of(reloaded).startswith("Neu geladen: 1 Artikel, 153 Begriffe")
            (refused,) = running.ask(500, "/reload")
            assert text_of(refused).startswith("Diesen Befehl kenne ich nicht.")
            running.settled(ADMIN, 3)
        finally:
            assert bot.stop() == 0, bot.output()
    output = bot.output()
    assert "knowledge not reloaded: knowledge/glossary.yaml:" in output
    assert "an admin could not be told about the knowledge" in output


# ---- starting without or with a wrong token ---------------------------------------------------


def run_to_end(
    tmp_path: Path, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", *args],
        cwd=tmp_path,
        env=clean_env(**env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_without_a_token_run_exits_2_and_names_botfather(tmp_path: Path) -> None:
    run = run_to_end(tmp_path)
    assert run.returncode == 2
    assert "@BotFather" in run.stderr and "TELEGRAM_BOT_TOKEN" in run.stderr
    assert "Traceback" not in run.stderr


def test_without_a_token_the_fallback_is_the_terminal_chat(tmp_path: Path) -> None:
    run = run_to_end(tmp_path, "--fallback-chat", stdin="Was sind Sanktionen?\n")
    assert run.returncode == 0
    assert "@BotFather" in run.stderr
    assert run.stdout.startswith("** Sanktionen **")


def test_a_wrong_token_from_a_dotenv_file_is_one_clear_line(tmp_path: Path) -> None:
    with FakeTelegramServer() as server:
        wrong = "999:not-the-right-token"
        (tmp_path / ".env").write_text(
            f"TELEGRAM_BOT_TOKEN={wrong}\nTELEGRAM_API_BASE_URL={server.base_url}\n",
            encoding="utf-8",
        )
        run = run_to_end(tmp_path)
    assert run.returncode == 1
    lines = [line for line in (run.stdout + run.stderr).splitlines() if line.strip()]
    assert lines == [
        "newsbot: Telegram did not accept TELEGRAM_BOT_TOKEN - copy the token again from @BotFather"
    ]
    assert wrong not in run.stderr


def test_an_unreachable_api_is_one_clear_line(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{free_port()}/bot"
    run = run_to_end(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=base)
    assert run.returncode == 1
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(
        f"newsbot: cannot reach the Telegram Bot API at {base}"
    )
    assert TOKEN not in run.stderr


def test_a_data_directory_that_cannot_be_used_is_one_clear_line(tmp_path: Path) -> None:
    taken = tmp_path / "a-file"
    taken.write_text("not a directory", encoding="utf-8")
    with FakeTelegramServer() as server:
        run = run_to_end(
            tmp_path,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=server.base_url,
            NEWSBOT_DATA_DIR=str(taken / "data"),
        )
    assert run.returncode == 1
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"newsbot: cannot keep data in {taken}")
