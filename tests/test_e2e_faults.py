"""End to end: faults found by attacking the running bot (issue 17), each held by a test.

The real `newsbot run` process against the fake Bot API, with the fault injected where it
happens: a disk that fills up under the bot (a file-size limit on the process), updates the
library cannot read, a token revoked while polling, a 429 for one chat, a burst of 5xx
answers, a webhook update delivered twice, and requests to the webhook that are too big or
come without the secret.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest
from helpers.api import JSON, TOKEN
from helpers.digest import OLD_KEY, prepare
from helpers.fake import FakeTelegram
from helpers.process import (
    BotProcess,
    Running,
    clean_env,
    free_port,
    launch,
    started,
    stopped,
    wait,
)
from helpers.replies import text_of
from helpers.server import FakeTelegramServer
from helpers.stores import database_url

QUESTION = "was sind sanktionen"
DISK_LIMIT = 64 * 1024  # bytes a file of the bot may grow to: the database file is 48 kB


def _pump(source: IO[bytes], log: Path) -> None:
    with source, log.open("ab") as out:
        for line in source:
            out.write(line)
            out.flush()


def launch_with_file_limit(tmp: Path, name: str, limit: int, **env: str) -> BotProcess:
    """`newsbot run` whose files cannot grow past `limit` bytes: a full disk for the bot.

    Its log goes through a pipe (a pipe has no size), copied into a file by this process.
    """
    log = tmp / f"{name}.log"
    log.write_bytes(b"")
    limited = (
        "import os, resource, sys;"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}));"
        "os.execv(sys.executable, [sys.executable, '-m', 'bot', 'run'])"
    )
    environment = clean_env(**env)
    process = subprocess.Popen(
        [sys.executable, "-c", limited],
        cwd=tmp,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert process.stdout is not None
    threading.Thread(target=_pump, args=(process.stdout, log), daemon=True).start()
    return BotProcess(process, log, environment.get("NEWSBOT_REDIS_PREFIX"))


@pytest.fixture
def server() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer() as started_server:
        yield started_server


@pytest.fixture(scope="module")
def polling(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """One `newsbot run` in polling mode for the faults that leave it running."""
    tmp = tmp_path_factory.mktemp("faults")
    with FakeTelegramServer() as fake_server:
        bot = launch(
            tmp, "faults", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=fake_server.base_url
        )
        try:
            started(bot, fake_server.fake, "polling")
            yield Running(bot, fake_server.fake, tmp / "data")
        finally:
            code = bot.stop()
        assert code == 0, bot.output()
        assert "Traceback" not in bot.output()


# ---- 1: the daily digest on a full disk --------------------------------------------------------


def test_a_full_disk_never_sends_a_digest_twice(tmp_path: Path, server: FakeTelegramServer) -> None:
    database_url(tmp_path / "data", "sqlite")  # the scaled mode too: the limit is the file's
    setup, fake = prepare(tmp_path, server, 40, OLD_KEY), server.fake
    assert (tmp_path / "data" / "newsbot.sqlite3").stat().st_size < DISK_LIMIT
    bot = launch_with_file_limit(
        tmp_path, "full", DISK_LIMIT, **setup.env(NEWSBOT_RATE_LIMIT="100000")
    )
    try:
        wait(bot, fake, lambda: setup.delivered(), 30)
        time.sleep(3.0)  # twelve more checks: before, each sent the same digests again
        delivered = setup.delivered()
        running = Running(bot, fake, tmp_path / "data")
        (answer,) = running.ask(600, QUESTION)  # readers are answered all the same
        assert text_of(answer).startswith("Sanktionen")
    finally:
        output = stopped(bot)
    assert delivered and max(delivered.values()) == 1, delivered.most_common(3)
    assert sum(delivered.values()) < 40  # the disk really filled up during the run
    assert output.count("the database cannot be written") == 1
    assert setup.delivered() - Counter({600: 1}) == delivered  # and nothing after the snapshot


# ---- 6: a 429 for one chat ---------------------------------------------------------------------


def test_a_429_for_one_chat_holds_up_no_other_chat(polling: Running) -> None:
    fake = polling.fake
    fake.fail("sendMessage", 429, "Too Many Requests: retry after 5", retry_after=5, chat_id=700)
    fake.send_text(fake.private_chat(700), QUESTION)
    (refused,) = wait(polling.bot, fake, lambda: fake.recorded("sendMessage", 700))
    (other,) = polling.ask(701, "was ist völkerrecht")
    assert text_of(other).startswith("Völkerrecht")
    assert other.at - refused.at < 2.0  # it waited the 5 s with chat 700 before
    (held,) = polling.new_messages(700, 0, 1, timeout=15)
    assert text_of(held).startswith("Sanktionen") and held.at - refused.at >= 5.0


# ---- 7: a burst of 5xx answers -----------------------------------------------------------------


def test_a_burst_of_5xx_answers_delays_the_answer_but_does_not_lose_it(polling: Running) -> None:
    fake = polling.fake
    fake.fail("sendMessage", 502, "Bad Gateway", chat_id=710, seconds=2.5)
    (answer,) = polling.ask(710, QUESTION, timeout=20)
    assert text_of(answer).startswith("Sanktionen")  # before: given up after 1.5 s
    calls = fake.recorded("sendMessage", 710)
    assert [c.status for c in calls[:-1]] == [502] * (len(calls) - 1) and len(calls) >= 4
    assert calls[-1].params == calls[0].params and calls[-1].at - calls[0].at >= 2.5
    (after,) = polling.ask(710, "was ist völkerrecht")
    assert text_of(after).startswith("Völkerrecht")


# ---- 2: an update the library cannot read -----------------------------------------------------

READER = 987654720  # a number that appears nowhere else in a log
READER_NAMES = {"first_name": "Xqvzrtlp", "username": "poisonreader_xq"}
READER_TEXT = "mein geheimer text xqz"


def poison(fake: FakeTelegram, **fields: Any) -> JSON:
    """An update Telegram could send but python-telegram-bot cannot read (a date in the year
    3 trillion), from a reader whose name and text must not reach the log."""
    chat = fake.private_chat(READER, **READER_NAMES)
    message = {
        "message_id": 1,
        "date": 10**20,
        "chat": chat,
        "from": fake.user(READER, **READER_NAMES),
        "text": READER_TEXT,
        **fields,
    }
    return fake.add_update({"message": message})


def skipped(running: Running, update: JSON) -> None:
    """The bot logged the update as skipped, and nothing of the reader or the message."""
    line = f"update {update['update_id']} cannot be read and is skipped"
    wait(running.bot, running.fake, lambda: line in running.bot.output())
    output = running.bot.output()
    for private in (str(READER), *READER_NAMES.values(), READER_TEXT):
        assert private not in output


@pytest.mark.parametrize(
    "fields",
    [{}, {"date": "gestern"}, {"text": 42}, {"chat": {"id": "x", "type": "private"}}],
    ids=["date in the year 3 trillion", "date as text", "text as a number", "chat id as text"],
)
def test_polling_skips_an_update_it_cannot_read_and_the_rest_flow(
    polling: Running, fields: JSON
) -> None:
    fake = polling.fake
    polls = fake.received.count("getUpdates")
    update = poison(fake, **fields)
    (answer,) = polling.ask(721, QUESTION)  # the update behind it: nothing for 30 s before
    assert text_of(answer).startswith("Sanktionen")
    assert fake.received.count("getUpdates") - polls < 10  # thousands of polls before
    skipped(polling, update)
    assert fake.sent(READER) == []


# ---- 5: the token revoked while polling -------------------------------------------------------


def test_a_revoked_token_ends_the_bot_with_one_clear_line(tmp_path: Path) -> None:
    with FakeTelegramServer() as fake_server:
        fake = fake_server.fake
        bot = launch(
            tmp_path,
            "revoked",
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=fake_server.base_url,
        )
        try:
            started(bot, fake, "polling")
            fake.fail("getUpdates", 401, "Unauthorized", times=10**6)
            fake.send_text(fake.private_chat(730), QUESTION)  # ends the long poll under way
            code = bot.process.wait(timeout=20)  # polled on, silent, for good before
        finally:
            bot.stop()
        assert fake.sent(730)  # the update taken before was answered on the way out
    output = bot.output()
    assert code == 1, output
    assert output.rstrip().splitlines()[-1] == (
        "newsbot: Telegram no longer accepts TELEGRAM_BOT_TOKEN (Unauthorized)"
        " - it was revoked or changed: copy the current one from @BotFather"
    )
    assert "Traceback" not in output and TOKEN not in output


# ---- webhook: 2 again, 8 and 12 -----------------------------------------------------------------


@dataclass
class Webhook:
    running: Running
    port: int
    secret: str


@pytest.fixture(scope="module")
def webhook(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Webhook]:
    """One `newsbot run` in webhook mode; the fake posts to it as Telegram would."""
    tmp, port = tmp_path_factory.mktemp("webhook"), free_port()
    with FakeTelegramServer() as fake_server:
        fake = fake_server.fake
        fake.proxy_webhook_to(f"http://127.0.0.1:{port}")
        bot = launch(
            tmp,
            "webhook",
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=fake_server.base_url,
            NEWSBOT_WEBHOOK_URL="https://newsbot.example/telegram/hook",
            NEWSBOT_WEBHOOK_PORT=str(port),
        )
        try:
            started(bot, fake, "webhook")
            (hook,) = fake.recorded("setWebhook")
            running = Running(bot, fake, tmp / "data")
            running.ask(749, "/start")  # the webhook answers: it listens
            yield Webhook(running, port, hook.params["secret_token"])
        finally:
            code = bot.stop()
        assert code == 0, bot.output()
        assert "Traceback" not in bot.output()


def test_the_webhook_skips_an_update_it_cannot_read_and_the_rest_flow(webhook: Webhook) -> None:
    running, fake = webhook.running, webhook.running.fake
    update = poison(fake)
    (answer,) = running.ask(740, QUESTION)  # stuck behind the 400s before
    assert text_of(answer).startswith("Sanktionen")
    skipped(running, update)
    assert 400 not in fake.webhook_answers


def test_an_update_delivered_twice_is_answered_once(webhook: Webhook) -> None:
    running, fake = webhook.running, webhook.running.fake
    fake.lose_webhook_answers(1)  # Telegram does not hear our 200 and posts the update again
    (answer,) = running.ask(741, QUESTION)
    assert text_of(answer).startswith("Sanktionen")
    wait(running.bot, fake, lambda: "came again and is skipped" in running.bot.output())
    running.settled(741, 1)  # answered twice before
    (after,) = running.ask(741, "was ist völkerrecht")
    assert text_of(after).startswith("Völkerrecht")


def request_head(port: int, length: int, secret: str | None, chunked: bool = False) -> bytes:
    head = [
        "POST /telegram/hook HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Content-Type: application/json",
        "Transfer-Encoding: chunked" if chunked else f"Content-Length: {length}",
    ]
    if secret is not None:
        head.append(f"X-Telegram-Bot-Api-Secret-Token: {secret}")
    return ("\r\n".join(head) + "\r\n\r\n").encode()


def first_answer(port: int, head: bytes) -> bytes:
    """The status line the webhook answers with after the headers alone, or b"" if none."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(head)
        try:
            return connection.recv(64)
        except TimeoutError:
            return b""  # it waits for the body: reading 10 MB before it decides


@contextmanager
def bodies_held_open(port: int, head: bytes, size: int, count: int) -> Iterator[None]:
    """`count` requests, each sending all of a `size` byte body but its last byte, held open:
    a server that reads bodies before deciding holds them all in memory meanwhile."""
    connections = []
    try:
        for _ in range(count):
            connection = socket.create_connection(("127.0.0.1", port), timeout=5)
            connections.append(connection)
            with suppress(OSError):  # refused and closed before the body was read
                connection.sendall(head)
                block = b"x" * 65536
                for _ in range((size - 1) // len(block)):
                    connection.sendall(block)
        yield
    finally:
        for connection in connections:
            connection.close()


def memory(pid: int) -> int:
    """The resident memory of a process, in bytes."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    return (
        int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1])
        * 1024
    )


@pytest.mark.parametrize(
    ("secret", "status"),
    [(None, b"403"), ("wrong-secret", b"403"), ("the secret", b"413")],
)
def test_the_webhook_refuses_before_reading_the_body(
    webhook: Webhook, secret: str | None, status: bytes
) -> None:
    secret = webhook.secret if secret == "the secret" else secret
    answer = first_answer(webhook.port, request_head(webhook.port, 10_000_000, secret))
    assert answer.startswith(b"HTTP/1.1 " + status), answer


def test_big_bodies_do_not_fill_the_memory_and_updates_flow(webhook: Webhook) -> None:
    port, pid = webhook.port, webhook.running.bot.process.pid
    before = memory(pid)
    with bodies_held_open(port, request_head(port, 10_000_000, None), 10_000_000, 20):
        grown = memory(pid) - before  # 131 MB -> 344 MB before
    chunked = request_head(port, 0, webhook.secret, chunked=True)
    with bodies_held_open(port, chunked + b"10000000\r\n", 10_000_000, 5):
        grown = max(grown, memory(pid) - before)
    assert grown < 20_000_000
    (answer,) = webhook.running.ask(742, QUESTION)
    assert text_of(answer).startswith("Sanktionen")
