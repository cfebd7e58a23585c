"""End to end: the real `newsbot run` process against the fake Bot API on 127.0.0.1.

One bot process per mode serves most tests (each test in a chat of its own); restarts and
start-up failures get processes of their own. Waiting is on conditions (calls the fake
recorded) with bounded timeouts; only "nothing else arrives" needs a short settle time.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from conftest import KNOWLEDGE
from fake_telegram import (
    BOT_USERNAME,
    CLIENT_GONE,
    TOKEN,
    Call,
    FakeTelegram,
    FakeTelegramServer,
    parse_html,
)

T = TypeVar("T")
START_TIMEOUT = 20.0
SETTLE = 0.5
QUESTION = "was sind sanktionen"


@dataclass
class BotProcess:
    """A running `newsbot run`, its output in a file."""

    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int:
        """SIGTERM, then SIGKILL if it does not end within 10 s; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        return self.process.returncode


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any bot settings of the machine, plus these."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NEWSBOT_"))}
    env["NEWSBOT_KNOWLEDGE"] = str(KNOWLEDGE)
    env.update(extra)
    return env


def launch(tmp_path: Path, name: str, **env: str) -> BotProcess:
    """Start `python -m bot run` in tmp_path (so no .env of the checkout is read)."""
    log = tmp_path / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=clean_env(**env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return BotProcess(process, log)


def wait(bot: BotProcess, fake: FakeTelegram, predicate: Callable[[], T], timeout: float = 10) -> T:
    """Wait for a condition on the fake, failing early (with the log) if the bot died."""
    fake.wait_for(lambda: predicate() or bot.process.poll() is not None, timeout)
    result = predicate()
    if not result:
        pytest.fail(f"the bot exited with {bot.process.returncode}:\n{bot.output()}")
    return result


def started(bot: BotProcess, fake: FakeTelegram, mode: str) -> None:
    """Wait until the bot registered its commands and polls (or set its webhook)."""
    wait(bot, fake, lambda: fake.recorded("setMyCommands"), START_TIMEOUT)
    method = "getUpdates" if mode == "polling" else "setWebhook"
    wait(bot, fake, lambda: method in fake.received, START_TIMEOUT)


def text_of(call: Call) -> str:
    return parse_html(call.params.get("text") or call.params.get("caption") or "")


def button(call: Call, label: str) -> str:
    for row in call.params["reply_markup"]["inline_keyboard"]:
        for key in row:
            if key["text"] == label:
                return str(key["callback_data"])
    raise AssertionError(f"no button {label!r}")


@dataclass
class Running:
    """A bot process with its fake Telegram, and helpers to talk to it as a reader."""

    bot: BotProcess
    fake: FakeTelegram

    def ask(self, chat_id: int, text: str, count: int = 1, timeout: float = 10) -> list[Call]:
        """Send text from a private chat and wait for `count` new messages in return."""
        before = len(self.fake.sent(chat_id))
        self.fake.send_text(self.fake.private_chat(chat_id), text)
        return self.new_messages(chat_id, before, count, timeout)

    def press(self, message: Call, label: str, count: int = 1) -> list[Call]:
        """Press a button of a message and wait for `count` new messages."""
        chat_id = message.result["chat"]["id"]
        before = len(self.fake.sent(chat_id))
        query = self.fake.press(message.result, button(message, label))
        wait(self.bot, self.fake, lambda: query not in self.fake.unanswered_queries())
        return self.new_messages(chat_id, before, count)

    def new_messages(
        self, chat_id: int, before: int, count: int, timeout: float = 10
    ) -> list[Call]:
        wait(self.bot, self.fake, lambda: len(self.fake.sent(chat_id)) >= before + count, timeout)
        return self.fake.sent(chat_id)[before:]

    def settled(self, chat_id: int, count: int) -> None:
        """Nothing more arrives in a chat (a short settle time: silence has no event)."""
        time.sleep(SETTLE)
        assert len(self.fake.sent(chat_id)) == count


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
            yield Running(bot, server.fake)
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
    assert text_of(reply).startswith("Das weiß ich noch nicht.")
    wait(polling.bot, polling.fake, lambda: "unanswered question recorded" in polling.bot.output())
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
    assert "Seite 1 von 3" in text_of(glossary)
    polling.fake.press(glossary.result, "g:2")
    edit = wait(polling.bot, polling.fake, lambda: polling.fake.recorded("editMessageText"))[-1]
    assert edit.ok and "Seite 2 von 3" in text_of(edit)


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


def test_a_sticker_gets_a_kind_reply(polling: Running) -> None:
    polling.fake.send_sticker(polling.fake.private_chat(107))
    (reply,) = polling.new_messages(107, 0, 1)
    assert text_of(reply).startswith("Ich kann nur Text lesen.")


def test_flood_control(polling: Running) -> None:
    chat = polling.fake.private_chat(108)
    for _ in range(25):
        polling.fake.send_text(chat, QUESTION)
    replies = polling.new_messages(108, 0, 21, timeout=20)
    assert text_of(replies[20]).startswith("Nicht so schnell!")
    polling.settled(108, 21)


@pytest.mark.parametrize(
    ("chat_id", "status", "description", "retry_after", "first"),
    [
        (110, 400, "Bad Request: message to be replied not found", None, "Oh, da ist"),
        (111, 403, "Forbidden: bot was blocked by the user", None, None),
        (112, 429, "Too Many Requests: retry after 1", 1, "Sanktionen"),
        (113, 500, "Internal Server Error", None, "Oh, da ist"),
    ],
)
def test_a_telegram_error_never_stops_the_bot(
    polling: Running,
    chat_id: int,
    status: int,
    description: str,
    retry_after: int | None,
    first: str | None,
) -> None:
    polling.fake.fail("sendMessage", status, description, retry_after=retry_after, chat_id=chat_id)
    if first is not None:
        (reply,) = polling.ask(chat_id, QUESTION)
        assert text_of(reply).startswith(first)
    else:
        polling.fake.send_text(polling.fake.private_chat(chat_id), QUESTION)
        wait(polling.bot, polling.fake, lambda: polling.fake.recorded("sendMessage", chat_id))
    (after,) = polling.ask(chat_id, "was ist völkerrecht")
    assert text_of(after).startswith("Völkerrecht")
    failed = polling.fake.recorded("sendMessage", chat_id)[0]
    assert failed.status == status
    if status == 429:  # waited retry_after, then sent the same answer
        retried = polling.fake.recorded("sendMessage", chat_id)[1]
        assert retried.ok and retried.params == failed.params
        assert retried.at - failed.at >= 1


def test_a_slow_telegram_times_out_and_the_bot_goes_on(polling: Running) -> None:
    polling.fake.slow("sendMessage", 6.0, chat_id=114)  # longer than the 5 s read timeout
    (reply,) = polling.ask(114, QUESTION, timeout=15)
    assert text_of(reply).startswith("Oh, da ist")
    gave_up = polling.fake.recorded("sendMessage", 114)[0]
    assert gave_up.status == CLIENT_GONE and text_of(gave_up).startswith("Sanktionen")
    assert "Timed out" in polling.bot.output()
    (after,) = polling.ask(114, "was ist völkerrecht")
    assert text_of(after).startswith("Völkerrecht")


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
            running = Running(first, fake)
            (article,) = running.ask(200, "Putin Kim Treffen")
        finally:
            assert first.stop() == 0, first.output()
        fake.press(article.result, button(article, "Woher wissen wir das?"))
        fake.send_text(fake.private_chat(201), QUESTION)
        second = launch(tmp_path, "second", **env)
        try:
            running = Running(second, fake)
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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
            running = Running(bot, fake)
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
