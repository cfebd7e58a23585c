"""Updates with hostile field values, through the bot's intake and handlers (benchmarks/fuzz.py).

Each update is one Telegram could send - a message, an edited one, a button press, an inline
query, a reply, a group message - with one to three fields replaced by something hostile:
dates far outside any calendar, ids beyond 64 bits or of the wrong type, texts, names and
button data far too long, entities pointing past the text, lists where objects belong,
fields missing. Each goes the way of a real update: the intake (bot/telegram/intake.py)
reads it and skips what the handlers could not use; the rest goes through
Application.process_update to the strict fake Bot API of the test tree.

Found are crashes (an exception out of process_update, an error in a handler, an API call
the fake refuses) and stalls (an update that takes longer than STALL_SECONDS, or a reader
whose plain question after a batch of hostile updates is not answered).
"""

from __future__ import annotations

import asyncio
import copy
import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from bot.engine import Engine

STALL_SECONDS = 5.0
# Telegram's refusals that hostile input earns by itself (a button under a message that is
# not the bot's, a reply to a message that is gone): Telegram would refuse them too, the
# error handler takes them, and they are counted apart from crashes.
INPUT_REFUSALS = (
    "message can't be edited",
    "message to edit not found",
    "chat not found",
    "message to be replied not found",
    "query is too old",
)
PROBE_EVERY = 100  # a plain question from a new reader after this many hostile updates
JSON = dict[str, Any]

HUGE = [10**20, -(10**20), 2**63, -(2**63) - 1, 2**64, 10**300]
ODD_NUMBERS = [0, -1, 1.5, float("inf"), True, False, 2**31, -(2**31)]
WRONG_TYPES: list[Any] = [None, "", "1", "x" * 100, [], [1, 2], {}, {"id": 1}]
LONG_TEXTS = ["", " ", "a" * 4097, "ä" * 20_000, "x" * 100_000, "\x00" * 50, "\ud800"]


def hostile_value(rng: random.Random, like: Any = None) -> Any:
    """One value no well-behaved field holds; half the time of the type `like` has (a huge
    number for a number, a very long or broken text for a text), which the library reads
    and hands to the handlers, else of any type."""
    if rng.random() < 0.5 and type(like) is int:
        return rng.choice(HUGE + [n for n in ODD_NUMBERS if type(n) is int])
    if rng.random() < 0.5 and isinstance(like, str):
        return rng.choice(LONG_TEXTS)
    pool = rng.choice([HUGE, ODD_NUMBERS, WRONG_TYPES, LONG_TEXTS])
    return copy.deepcopy(rng.choice(pool))


def base_updates(chat_id: int, user_id: int) -> list[JSON]:
    """The shapes of update the bot handles, as Telegram sends them."""
    user = {"id": user_id, "is_bot": False, "first_name": "Kind", "username": "kind_1"}
    private = {"id": chat_id, "type": "private", "first_name": "Kind"}
    group = {"id": -chat_id, "type": "supergroup", "title": "Klasse 6b"}
    now = int(time.time())
    message = {"message_id": 7, "date": now, "chat": private, "from": user, "text": "was ist nato"}
    command = {
        **message,
        "text": "/begriffe 2",
        "entities": [{"type": "bot_command", "offset": 0, "length": 9}],
    }
    mention = {
        **message,
        "chat": group,
        "text": "@newsbot_test_bot sanktionen",
        "entities": [{"type": "mention", "offset": 0, "length": 17}],
        "reply_to_message": {**message, "message_id": 6, "chat": group, "from": user},
        "message_thread_id": 3,
    }
    bot_message = {**message, "from": {"id": 123456, "is_bot": True, "first_name": "newsbot"}}
    query = {"id": "cq1", "from": user, "chat_instance": "ci", "message": bot_message}
    return [
        {"message": message},
        {"message": command},
        {"message": mention},
        {"edited_message": {**message, "edit_date": now}},
        {"message": {**message, "text": None, "sticker": {"file_id": "s", "type": "regular"}}},
        {"callback_query": {**query, "data": "t:sanktionen"}},
        {"callback_query": {**query, "data": "g:2"}},
        {"callback_query": {**query, "data": "fb:+:t:sanktionen"}},
        {"callback_query": {**query, "data": "abo:17:30"}},
        {"inline_query": {"id": "iq1", "from": user, "query": "nato", "offset": ""}},
    ]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every field path in a JSON tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*prefix, index)
            yield from _paths(value, (*prefix, index))


def _replace(tree: JSON, path: tuple[Any, ...], rng: random.Random, delete: bool) -> None:
    node: Any = tree
    for step in path[:-1]:
        node = node[step]
    if delete and isinstance(node, dict):
        node.pop(path[-1], None)
    else:
        node[path[-1]] = hostile_value(rng, node[path[-1]])


def hostile_updates(count: int, seed: int) -> Iterator[tuple[int, JSON]]:
    """(chat id, update) pairs, each update with one to three hostile fields."""
    rng = random.Random(seed)
    for number in range(count):
        chat_id = 50_000 + number % 1000
        update = copy.deepcopy(rng.choice(base_updates(chat_id, chat_id)))
        for _ in range(rng.randint(1, 3)):
            paths = list(_paths(update))
            if not paths:
                break
            path = rng.choice(paths)
            try:
                _replace(update, path, rng, delete=rng.random() < 0.15)
            except (KeyError, IndexError, TypeError):
                continue  # an earlier change took the path away
        update["update_id"] = 1_000_000 + number if rng.random() > 0.1 else hostile_value(rng)
        yield chat_id, update


@dataclass
class HostileOutcome:
    """What the hostile run found."""

    count: int = 0
    skipped: int = 0  # unreadable: the intake refused them, as it should
    repeated: int = 0  # an update_id that came before (hostile ids repeat): skipped too
    handled: int = 0
    refused: int = 0  # calls Telegram refuses because of what the update said
    crashes: list[tuple[str, str]] = field(default_factory=list)
    stalls: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    slowest: float = 0.0


async def run_hostile(engine: Engine, count: int, seed: int) -> HostileOutcome:
    """Send count hostile updates through the intake and the handlers; what went wrong."""
    from helpers.api import TOKEN
    from helpers.fake import FakeTelegram
    from helpers.requests import FakeBotApiRequest, OfflineRequest
    from telegram import Update
    from telegram.error import TelegramError

    from bot.config import Settings
    from bot.storage.shared.memory import MemoryLedger
    from bot.telegram.app import build_application
    from bot.telegram.gate import FloodGate
    from bot.telegram.intake import Intake

    # The intake logs every update it skips, the error handler every failure: counted here.
    logging.getLogger().addHandler(logging.NullHandler())
    fake = FakeTelegram()
    base_url = "http://127.0.0.1:1/bot"
    settings = Settings(
        token=TOKEN,
        api_base_url=base_url,
        knowledge_dir=engine.kb.root,
        data_dir=engine.kb.root,  # never written: no store
        admin_ids=frozenset(),
        log_level="WARNING",
    )
    application = build_application(
        settings,
        engine,
        request=FakeBotApiRequest(fake, base_url),
        get_updates_request=OfflineRequest(),
        rate_limiter=False,
        flood=FloodGate(capacity=10**9),
    )
    outcome = HostileOutcome()
    current: list[str] = [""]

    async def crashed(update: object, context: Any) -> None:
        error = context.error
        if isinstance(error, TelegramError) and _input_refusal(str(error)):
            return  # counted where the fake refused the call
        outcome.crashes.append((current[0], f"handler error {type(error).__name__}: {error}"))

    application.add_error_handler(crashed)
    await application.initialize()
    queue: asyncio.Queue[object] = asyncio.Queue()
    intake = Intake(application.bot, queue.put, MemoryLedger())

    async def handle(update: object, label: str, check: Callable[[], str | None]) -> None:
        current[0] = label
        before = len(fake.calls)
        started = time.perf_counter()
        try:
            await asyncio.wait_for(application.process_update(update), STALL_SECONDS)
        except TimeoutError:
            outcome.stalls.append((label, f"took more than {STALL_SECONDS} s"))
        except Exception as exc:
            outcome.crashes.append((label, f"{type(exc).__name__}: {exc}"))
        outcome.slowest = max(outcome.slowest, time.perf_counter() - started)
        for call in fake.calls[before:]:
            if call.ok:
                continue
            if _input_refusal(call.error or ""):
                outcome.refused += 1
            else:
                outcome.crashes.append((label, f"{call.method} refused: {call.error}"))
        problem = check()
        if problem:
            outcome.stalls.append((label, problem))

    started = time.perf_counter()
    for number, (chat_id, data) in enumerate(hostile_updates(count, seed)):
        if number % 1000 == 0:
            fake.calls.clear()
            fake.messages.clear()
        for chat in _chats(data):
            fake.chats[chat["id"]] = chat  # sends to the update's chat go through
        fake.private_chat(chat_id)
        _known_queries(fake, data)
        skipped, repeated = intake.unreadable, intake.repeated
        await intake.take(data)
        outcome.count += 1
        outcome.skipped += intake.unreadable - skipped
        outcome.repeated += intake.repeated - repeated
        while not queue.empty():
            outcome.handled += 1
            await handle(queue.get_nowait(), repr(data)[:200], lambda: None)
        if number % PROBE_EVERY == PROBE_EVERY - 1:
            reader = fake.private_chat(900_000 + number)
            fake.send_text(reader, "was sind sanktionen")
            probe = Update.de_json(fake.take_last_update(), application.bot)
            await handle(probe, "probe", _answered(fake, reader["id"]))
    outcome.seconds = time.perf_counter() - started
    await application.shutdown()
    return outcome


def _answered(fake: Any, chat_id: int) -> Callable[[], str | None]:
    """A check that the chat got an answer."""
    return lambda: None if fake.sent(chat_id) else "a plain question was not answered"


def _input_refusal(description: str) -> bool:
    return any(reason in description.lower() for reason in INPUT_REFUSALS)


def _chats(data: Any) -> Iterator[JSON]:
    """The chats an update names with an integer id (the fake knows them from then on)."""
    if isinstance(data, dict):
        chat = data.get("chat")
        if isinstance(chat, dict) and type(chat.get("id")) is int and "type" in chat:
            yield chat
        for value in data.values():
            yield from _chats(value)
    elif isinstance(data, list):
        for value in data:
            yield from _chats(value)


def _known_queries(fake: Any, data: JSON) -> None:
    """Register the update's button press or inline query, so that the bot may answer it,
    and the message a button is under, so that the bot may edit it."""
    for kind in ("callback_query", "inline_query"):
        query = data.get(kind)
        if isinstance(query, dict) and isinstance(query.get("id"), str):
            fake.register_query(query["id"])
    query = data.get("callback_query")
    message = query.get("message") if isinstance(query, dict) else None
    chat = message.get("chat") if isinstance(message, dict) else None
    if isinstance(chat, dict) and type(chat.get("id")) is int:
        message_id = message.get("message_id") if isinstance(message, dict) else None
        if type(message_id) is int and isinstance(message, dict):
            fake.messages[(chat["id"], message_id)] = message
