"""The shared state, one suite for both backends: memory (one process) and Redis (several).

Each test runs against both; the Redis one under a key prefix of its own, deleted after
it. What only Redis can show (no chat id in any key or value, every key expiring, the Lua
flood rule equal to the Python one) runs against Redis alone.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator

import pytest
from helpers.shared import SECRET, Backend, backend

from bot.storage.shared.interface import FloodPolicy
from bot.storage.shared.keys import Keys
from bot.storage.shared.memory import MemoryFlood
from bot.telegram.gate import CAPACITY, COOLDOWN, COSTS, NOTICE_EVERY, REFILL
from bot.telegram.state import Chats, ChatState

POLICY = FloodPolicy(CAPACITY, REFILL, COOLDOWN, NOTICE_EVERY)
CHAT = 987_654_321  # a chat id that must appear in no Redis key or value
OTHER_CHAT = -100_123_456_789  # a group
EXPIRED = 0.3  # seconds waited for a time to live of 0.1 s to run out


@pytest.fixture(params=["memory", "redis"])
async def shared(request: pytest.FixtureRequest) -> AsyncIterator[Backend]:
    """Each backend of the shared state in turn; Redis's keys deleted afterwards."""
    found = backend(request.param)
    yield found
    await found.close()


@pytest.fixture
async def redis() -> AsyncIterator[Backend]:
    """The Redis backend alone."""
    found = backend("redis")
    yield found
    await found.close()


# ---- conversations and votes ------------------------------------------------------------------


async def test_a_conversation_saved_by_one_process_is_loaded_by_another(shared: Backend) -> None:
    one, other = Chats(shared.conversations()), Chats(shared.conversations())
    state = await one.load(CHAT)
    state.conversation.last_ref = "t:sanktionen"
    state.conversation.comforted.add("krieg")
    state.answered, state.answered_message_id = "was sind sanktionen", 17
    await one.save(CHAT)
    loaded = await other.load(CHAT)
    assert loaded == state
    assert loaded.voted(17, helpful=False) == "was sind sanktionen"
    assert (await other.load(OTHER_CHAT)) == ChatState()  # another chat has nothing yet


async def test_a_conversation_expires_after_its_time_to_live(shared: Backend) -> None:
    store = shared.conversations(ttl=0.1)  # (kept meanwhile: the test above)
    await store.save(CHAT, {"last_ref": "t:sanktionen"})
    await asyncio.sleep(EXPIRED)
    assert await store.load(CHAT) is None


async def test_the_question_behind_an_offer_is_kept_cleaned(shared: Backend) -> None:
    chats = Chats(shared.conversations())
    state = await chats.load(CHAT)
    state.question, state.question_message_id = "ich bin @max, 0171 1234567, was ist nato", 3
    await chats.save(CHAT)
    loaded = await Chats(shared.conversations()).load(CHAT)
    assert loaded.offer_in(3) == "ich bin , , was ist nato"
    assert "max" not in str(loaded.plain()) and "0171" not in str(loaded.plain())


async def test_one_vote_per_answer_and_chat(shared: Backend) -> None:
    votes, elsewhere = shared.votes(), shared.votes()
    assert await votes.cast(CHAT, 5)
    assert not await elsewhere.cast(CHAT, 5)  # another process knows it too
    assert await votes.cast(CHAT, 6) and await votes.cast(OTHER_CHAT, 5)


async def test_a_vote_is_forgotten_after_its_time_to_live(shared: Backend) -> None:
    votes = shared.votes(ttl=0.1)
    assert await votes.cast(CHAT, 5)
    await asyncio.sleep(EXPIRED)
    assert await votes.cast(CHAT, 5)


# ---- the flood gate's counters and the send rate -----------------------------------------------


async def test_a_flood_gets_one_notice_then_a_cooldown_then_answers(shared: Backend) -> None:
    flood, elsewhere = shared.flood(), shared.flood()
    now = 1000.0
    verdicts = [await flood.take(CHAT, COSTS["text"], now, POLICY) for _ in range(20)]
    assert verdicts[: int(CAPACITY)] == ["answer"] * int(CAPACITY)
    assert verdicts[int(CAPACITY) :] == ["warn"] + ["hold"] * 9
    assert await elsewhere.take(CHAT, COSTS["text"], now + 1, POLICY) == "hold"
    assert await elsewhere.take(OTHER_CHAT, COSTS["text"], now + 1, POLICY) == "answer"
    assert await flood.take(CHAT, COSTS["text"], now + COOLDOWN, POLICY) == "answer"


async def test_the_lua_flood_rule_is_the_python_one(redis: Backend) -> None:
    memory, shared = MemoryFlood(), redis.flood()
    pick = random.Random(15)
    now = 5000.0
    for _ in range(600):
        cost = pick.choice(list(COSTS.values()))
        chat = pick.choice([CHAT, OTHER_CHAT])
        expected = await memory.take(chat, cost, now, POLICY)
        assert await shared.take(chat, cost, now, POLICY) == expected, now
        now += pick.choice([0.0, 0.05, 0.3, 1.0, 4.0, 30.0])


async def test_send_slots_are_spaced_by_the_rate_for_every_process(shared: Backend) -> None:
    one, other = shared.send_rate(), shared.send_rate()
    waits = [await (one, other)[n % 2].reserve("overall", 2.0, 1.0, burst=1) for n in range(5)]
    for n, wait in enumerate(waits):  # one slot every half second, whoever asks
        assert n * 0.5 - 0.2 <= wait <= n * 0.5 + 0.01
    assert await one.reserve(f"group:{OTHER_CHAT}", 20, 60.0, burst=20) == 0.0


async def test_a_burst_goes_at_once_and_the_rest_at_the_rate(shared: Backend) -> None:
    rate = shared.send_rate()
    waits = [await rate.reserve("overall", 1.0, 1.0, burst=3) for _ in range(5)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert 0.7 <= waits[3] <= 1.01 and 1.7 <= waits[4] <= 2.01


# ---- the update ledger -------------------------------------------------------------------------


async def test_an_update_is_claimed_once_then_busy_then_done(shared: Backend) -> None:
    ledger, elsewhere = shared.ledger(), shared.ledger()
    assert await ledger.claim(1001, 60) == "new"
    assert await elsewhere.claim(1001, 60) == "busy"
    await ledger.done(1001)
    assert await elsewhere.claim(1001, 60) == "done"
    await elsewhere.release(1001)  # a handled update stays handled
    assert await ledger.claim(1001, 60) == "done"
    assert await ledger.claim(1002, 60) == "new"


async def test_a_released_update_may_be_claimed_again_at_once(shared: Backend) -> None:
    ledger = shared.ledger()
    assert await ledger.claim(7, 60) == "new"
    await ledger.release(7)
    assert await shared.ledger().claim(7, 60) == "new"


async def test_a_claim_whose_lease_ran_out_is_new_again(shared: Backend) -> None:
    ledger = shared.ledger()
    assert await ledger.claim(8, 0.1) == "new"  # its holder dies before done()
    await asyncio.sleep(EXPIRED)
    assert await shared.ledger().claim(8, 60) == "new"


# ---- chat locks --------------------------------------------------------------------------------


async def test_two_holders_of_a_chat_take_turns(shared: Backend) -> None:
    one, other = shared.locks(), shared.locks()
    events: list[str] = []
    first_in, go_on = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with one.hold(CHAT, 60):
            events.append("first in")
            first_in.set()
            await go_on.wait()
            events.append("first out")

    async def second() -> None:
        await first_in.wait()
        async with other.hold(CHAT, 60):
            events.append("second in")

    async def elsewhere() -> None:
        await first_in.wait()
        async with other.hold(OTHER_CHAT, 60):
            events.append("other chat in")

    tasks = [asyncio.create_task(job()) for job in (first, second, elsewhere)]
    await asyncio.wait_for(tasks[2], 5)  # another chat is never held up
    await asyncio.sleep(0.1)
    assert events == ["first in", "other chat in"]
    go_on.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 5)
    assert events[2:] == ["first out", "second in"]


async def test_a_dead_holder_frees_its_chat_when_its_lease_ends(shared: Backend) -> None:
    dead = shared.locks().hold(CHAT, 0.2)
    await dead.__aenter__()  # the holder dies: it never leaves
    async with shared.locks().hold(CHAT, 60):
        # ... the chat is free after the lease; the dead holder's late exit frees nothing
        await dead.__aexit__(None, None, None)
        waiting = asyncio.create_task(_enter(shared, CHAT))
        await asyncio.sleep(0.1)
        assert not waiting.done()
    await asyncio.wait_for(waiting, 5)


async def _enter(shared: Backend, chat_id: int) -> None:
    async with shared.locks().hold(chat_id, 60):
        pass


# ---- what Redis holds --------------------------------------------------------------------------


async def test_redis_holds_no_chat_id_and_every_key_expires(redis: Backend) -> None:
    chats = Chats(redis.conversations())
    state = await chats.load(CHAT)
    state.conversation.last_ref, state.answered, state.answered_message_id = "t:nato", "nato", 4
    await chats.save(CHAT)
    assert await redis.votes().cast(CHAT, 4) and await redis.votes().cast(OTHER_CHAT, 4)
    await redis.flood().take(CHAT, 1.0, 1000.0, POLICY)
    await redis.flood().take(OTHER_CHAT, 1.0, 1000.0, POLICY)
    await redis.send_rate().reserve(f"group:{OTHER_CHAT}", 20, 60.0, burst=20)
    await redis.ledger().claim(CHAT, 60)  # an update id that happens to be a chat id
    async with redis.locks().hold(CHAT, 60):
        stored = redis.stored()
    assert len(stored) == 8
    for key, (value, ttl) in stored.items():
        for chat in (CHAT, OTHER_CHAT):
            assert str(abs(chat)) not in key and str(abs(chat)) not in str(value), key
        assert ttl > 0, f"{key} never expires"


def test_the_keyed_hash_depends_on_the_secret_and_hides_the_id() -> None:
    ours, theirs = Keys("newsbot", SECRET), Keys("newsbot", SECRET[::-1])
    assert ours.key("lock", CHAT) == Keys("newsbot", SECRET).key("lock", CHAT)
    assert ours.key("lock", CHAT) != theirs.key("lock", CHAT)
    assert ours.key("lock", CHAT) != ours.key("flood", CHAT) != ours.key("lock", CHAT + 1)
    assert str(CHAT) not in ours.key("vote", CHAT, 5) and ours.key("lock", 1).startswith(
        "newsbot:lock:"
    )
    with pytest.raises(ValueError):
        Keys("newsbot", "")
