"""Updates coming in: each read on its own, unreadable ones and repeats skipped (issue 17).

The end-to-end tests (test_e2e_faults.py) send such updates through the real `newsbot run`;
these check the rules one by one, and the poller against Telegram's answers in process.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from helpers.api import TOKEN
from telegram import Bot, Update

from bot.storage.shared.interface import Claim
from bot.storage.shared.memory import MemoryLedger
from bot.telegram.intake import Intake, Outcome, Unreadable, read_update
from bot.telegram.poller import Fatal, Poller

BOT = Bot(TOKEN)
URL = "http://telegram.invalid/botX"  # never reached: an httpx transport answers in process
NAME, TEXT = "Xqvzrtlp", "mein geheimer text"


def update(update_id: int = 1, **fields: Any) -> dict[str, Any]:
    """A message update as Telegram sends it, with some fields replaced."""
    message: dict[str, Any] = {
        "message_id": 5,
        "date": 1_764_000_000,
        "chat": {"id": 77, "type": "private", "first_name": NAME},
        "from": {"id": 77, "is_bot": False, "first_name": NAME},
        "text": TEXT,
    }
    message.update(fields)
    return {"update_id": update_id, "message": message}


def test_an_update_as_telegram_sends_it_is_read() -> None:
    read = read_update(update(), BOT)
    assert isinstance(read, Update) and read.message is not None and read.message.text == TEXT


@pytest.mark.parametrize(
    "data",
    [
        update(date=10**20),  # the year 3 trillion: what stalled polling before
        update(date=-(10**20)),
        update(date="gestern"),
        update(date=None),
        update(text=42),
        update(text="was ist \ud800"),  # a lone surrogate: JSON allows it, UTF-16 does not
        update(text=["a"]),
        update(message_id="fünf"),
        update(message_thread_id="x"),
        update(chat={"id": "77", "type": "private"}),
        update(chat={"id": 77, "type": 5}),
        update(chat="77"),
        update(**{"from": {"id": "77", "is_bot": False, "first_name": NAME}}),
        update(**{"from": {"id": 77, "is_bot": False, "first_name": NAME, "username": 5}}),
        update(entities=[{"type": "bot_command", "offset": -1, "length": 5}]),
        update(entities=[{"type": "bot_command", "offset": "0", "length": 5}]),
        update(entities="viele"),
        update(reply_to_message={"message_id": 1, "date": 10**20, "chat": {"id": 1}}),
        {"update_id": "1", "message": update()["message"]},
        {"update_id": True, "message": update()["message"]},
        {"update_id": 1, "message": "hallo"},
        {"update_id": 1, "callback_query": {"id": 5, "from": {"id": 1}, "chat_instance": "x"}},
        {
            "update_id": 1,
            "callback_query": {
                "id": "5",
                "from": {"id": 1, "is_bot": False, "first_name": NAME},
                "chat_instance": "x",
                "data": 12,
            },
        },
        {
            "update_id": 1,
            "inline_query": {
                "id": "5",
                "from": {"id": 1, "is_bot": False, "first_name": NAME},
                "query": None,
                "offset": "",
            },
        },
        [update()],
        "update",
        None,
    ],
)
def test_an_update_the_handlers_could_not_use_is_unreadable(data: Any) -> None:
    with pytest.raises(Unreadable) as raised:
        read_update(data, BOT)
    assert NAME not in str(raised.value) and TEXT not in str(raised.value)


async def test_the_intake_queues_what_it_can_read_once(caplog: pytest.LogCaptureFixture) -> None:
    queue: asyncio.Queue[object] = asyncio.Queue()
    intake = Intake(BOT, queue.put, MemoryLedger())
    for data in (update(1), update(2, date=10**20), update(1), update(3), update(3)):
        await intake.take(data)
    taken = [queue.get_nowait() for _ in range(queue.qsize())]
    assert [u.update_id for u in taken if isinstance(u, Update)] == [1, 3]
    assert (intake.unreadable, intake.repeated) == (1, 2)
    assert "update 2 cannot be read and is skipped (1 so far): OverflowError" in caplog.text
    assert NAME not in caplog.text and TEXT not in caplog.text


async def test_the_update_ids_kept_in_memory_are_bounded() -> None:
    ledger = MemoryLedger(max_ids=3)
    for n in (1, 2, 3):
        assert await ledger.claim(n, 60) == "new"
        await ledger.done(n)
    assert await ledger.claim(1, 60) == "done"
    assert await ledger.claim(4, 60) == "new" and len(ledger.items) == 3
    assert await ledger.claim(2, 60) == "new"  # the least recently used was forgotten


# ---- the poller against Telegram's answers -----------------------------------------------------


def telegram(answers: list[httpx.Response], asked: list[dict[str, Any]]) -> httpx.MockTransport:
    """getUpdates answered with these responses, one per call; the requests are kept."""

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(json.loads(request.content))
        return answers.pop(0) if answers else httpx.Response(200, json={"ok": True, "result": []})

    return httpx.MockTransport(answer)


async def test_the_poller_moves_past_an_unreadable_update() -> None:
    queue: asyncio.Queue[object] = asyncio.Queue()
    stop = asyncio.Event()
    asked: list[dict[str, Any]] = []
    batch = [update(10), update(11, date=10**20), update(12)]
    answers = [httpx.Response(200, json={"ok": True, "result": batch})]
    poller = Poller(
        "http://telegram.invalid/botX", Intake(BOT, queue.put, MemoryLedger()), ["message"]
    )
    poller.transport = telegram(answers, asked)
    running = asyncio.create_task(poller.run(stop))
    while not any(a.get("offset") == 13 for a in asked):  # once the two are handled
        await asyncio.sleep(0.01)
    stop.set()
    await running
    assert queue.qsize() == 2 and poller.offset == 13  # the unreadable one moved past too
    assert [a.get("offset") for a in asked[:2]] == [None, 10]  # 10 and 12 were still in hand


@pytest.mark.parametrize("status", [401, 404])
async def test_a_refused_token_ends_the_poller(status: int) -> None:
    answers = [httpx.Response(status, json={"ok": False, "description": "Unauthorized"})]
    poller = Poller(
        "http://telegram.invalid/botX", Intake(BOT, asyncio.Queue().put, MemoryLedger()), []
    )
    poller.transport = telegram(answers, [])
    with pytest.raises(Fatal, match="no longer accepts TELEGRAM_BOT_TOKEN"):
        await asyncio.wait_for(poller.run(asyncio.Event()), 5)


async def test_the_poller_tries_again_after_what_telegram_may_recover_from(
    caplog: pytest.LogCaptureFixture,
) -> None:
    queue: asyncio.Queue[object] = asyncio.Queue()
    stop = asyncio.Event()
    asked: list[dict[str, Any]] = []
    answers = [
        httpx.Response(502, text="<html>Bad Gateway</html>"),
        httpx.Response(409, json={"ok": False, "description": "Conflict: terminated by other"}),
        httpx.Response(
            429, json={"ok": False, "description": "Too Many", "parameters": {"retry_after": 0}}
        ),
        httpx.Response(500, json={"ok": False, "description": "Internal Server Error"}),
        httpx.Response(200, json={"ok": True, "result": [update(20)]}),
    ]
    intake = Intake(BOT, queue.put, MemoryLedger())
    poller = Poller(URL, intake, [], transport=telegram(answers, asked), first_pause=0.01)
    running = asyncio.create_task(poller.run(stop))
    await asyncio.wait_for(queue.get(), 5)
    stop.set()
    await running
    failures = [r.getMessage() for r in caplog.records if "getting updates failed" in r.message]
    assert [line.split(": ", 1)[1] for line in failures] == [
        "HTTP 502, and the answer is no JSON object",
        "409 Conflict: terminated by other",
        "429 Too Many",
        "500 Internal Server Error",
    ]
    assert all("trying again in 0.0" in line for line in failures)  # pauses grow from 0.01


# ---- handled before acknowledged (issue 15) -----------------------------------------------------


class Handlers:
    """Handlers that record what they got, and hold an update until the test lets it go."""

    def __init__(self) -> None:
        self.got: list[int] = []
        self.gate = asyncio.Event()
        self.fail_on: set[int] = set()

    async def __call__(self, update: Update) -> None:
        self.got.append(update.update_id)
        await self.gate.wait()
        if update.update_id in self.fail_on:
            raise RuntimeError("outside the handlers")


async def test_an_update_counts_as_taken_only_once_the_handlers_are_done() -> None:
    handlers, ledger = Handlers(), MemoryLedger()
    intake = Intake(BOT, handlers, ledger, lease=60, busy_wait=0)
    taking = asyncio.create_task(intake.take(update(5)))
    while not handlers.got:
        await asyncio.sleep(0)
    assert not taking.done()  # the webhook has not answered yet
    assert await Intake(BOT, handlers, ledger, busy_wait=0).take(update(5)) is Outcome.BUSY
    handlers.gate.set()
    assert await taking is Outcome.HANDLED
    assert await intake.take(update(5)) is Outcome.SKIPPED and intake.repeated == 1
    assert handlers.got == [5]


async def test_a_busy_update_is_waited_for_a_moment() -> None:
    handlers, ledger = Handlers(), MemoryLedger()
    first = asyncio.create_task(Intake(BOT, handlers, ledger).take(update(6)))
    while not handlers.got:
        await asyncio.sleep(0)
    second = asyncio.create_task(Intake(BOT, handlers, ledger, busy_wait=5).take(update(6)))
    await asyncio.sleep(0.2)
    handlers.gate.set()  # the holder finishes within the wait: no need to deliver it again
    assert (await first, await second) == (Outcome.HANDLED, Outcome.SKIPPED)
    assert handlers.got == [6]


async def test_an_update_whose_handling_broke_off_is_taken_again() -> None:
    handlers, ledger = Handlers(), MemoryLedger()
    handlers.gate.set()
    handlers.fail_on.add(8)
    intake = Intake(BOT, handlers, ledger, busy_wait=0)
    assert await intake.take(update(8)) is Outcome.FAILED
    handlers.fail_on.clear()
    assert await intake.take(update(8)) is Outcome.HANDLED
    assert handlers.got == [8, 8]


async def test_the_poller_confirms_only_handled_updates() -> None:
    handlers, stop = Handlers(), asyncio.Event()
    asked: list[dict[str, Any]] = []
    first = [update(30), update(31)]
    answers = [httpx.Response(200, json={"ok": True, "result": first})] * 2
    poller = Poller(URL, Intake(BOT, handlers, MemoryLedger()), [], poll_seconds=0)
    poller.transport = telegram(answers, asked)
    running = asyncio.create_task(poller.run(stop))
    while len(asked) < 2:
        await asyncio.sleep(0.01)
    assert asked[1]["offset"] == 30 and handlers.got == [30, 31]  # in hand: not confirmed
    handlers.gate.set()
    while poller.offset != 32:
        await asyncio.sleep(0.01)
    stop.set()
    await running
    assert asked[-1]["offset"] == 32 and handlers.got == [30, 31]  # each handled once


class UnreachableLedger(MemoryLedger):
    """A ledger whose server stops answering (Redis down) from some step on."""

    def __init__(self, broken: set[str]) -> None:
        super().__init__()
        self.broken = broken

    async def claim(self, update_id: int, lease: float) -> Claim:
        if "claim" in self.broken:
            raise ConnectionError("Redis does not answer")
        return await super().claim(update_id, lease)

    async def done(self, update_id: int) -> None:
        if "done" in self.broken:
            raise ConnectionError("Redis does not answer")
        await super().done(update_id)


async def test_without_the_ledger_an_update_is_asked_for_again_not_lost() -> None:
    handlers = Handlers()
    handlers.gate.set()
    ledger = UnreachableLedger({"claim"})
    assert await Intake(BOT, handlers, ledger).take(update(40)) is Outcome.FAILED  # 503
    assert handlers.got == []
    ledger.broken = {"done"}  # handled, but not marked: still 200, the lease ends the claim
    assert await Intake(BOT, handlers, ledger).take(update(40)) is Outcome.HANDLED
    assert handlers.got == [40]
