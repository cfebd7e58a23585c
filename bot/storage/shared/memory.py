"""The shared state of one process, in memory: bounded, expiring, gone on a restart.

Each piece keeps at most a fixed number of chats (or ids), forgetting the least recently
used first, and forgets what has expired, as Redis would.
"""

from __future__ import annotations

import asyncio
import copy
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Generic, TypeVar

from bot.storage.shared import flood
from bot.storage.shared.interface import (
    CONVERSATION_TTL,
    DONE_TTL,
    VOTE_TTL,
    Claim,
    FloodPolicy,
    Plain,
    SharedState,
    Verdict,
)

K = TypeVar("K")
V = TypeVar("V")
Clock = Callable[[], float]

MAX_CHATS = 10_000  # conversations and flood buckets kept
MAX_VOTES = 50_000
MAX_IDS = 10_000  # update ids: Telegram delivers a lost update again within minutes
LOCK_BACKOFF = (0.002, 0.05)  # first and longest pause while a chat is held by another


class Expiring(Generic[K, V]):
    """A dict of at most max_items, each item gone after its time to live."""

    def __init__(self, max_items: int, clock: Clock = time.monotonic) -> None:
        self.max_items = max_items
        self.clock = clock
        self._items: OrderedDict[K, tuple[V, float]] = OrderedDict()

    def get(self, key: K) -> V | None:
        """The item, if it is there and has not expired."""
        found = self._items.get(key)
        if found is None:
            return None
        if found[1] <= self.clock():
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return found[0]

    def put(self, key: K, value: V, ttl: float) -> None:
        """Keep the item for ttl seconds; the least recently used goes beyond max_items."""
        self._items[key] = (value, self.clock() + ttl)
        self._items.move_to_end(key)
        if len(self._items) > self.max_items:
            self._items.popitem(last=False)

    def pop(self, key: K) -> None:
        """Forget the item."""
        self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)


class MemoryConversations:
    """Conversations per chat, copied in and out (as plain data, like Redis's JSON)."""

    def __init__(self, max_chats: int = MAX_CHATS, ttl: float = CONVERSATION_TTL) -> None:
        self.ttl = ttl
        self.items: Expiring[int, Plain] = Expiring(max_chats)

    async def load(self, chat_id: int) -> Plain | None:
        """The chat's saved state, or None."""
        state = self.items.get(chat_id)
        return copy.deepcopy(state) if state is not None else None

    async def save(self, chat_id: int, state: Plain) -> None:
        """Keep the chat's state for the time to live."""
        self.items.put(chat_id, copy.deepcopy(state), self.ttl)


class MemoryVotes:
    """One vote per message and chat."""

    def __init__(self, max_votes: int = MAX_VOTES, ttl: float = VOTE_TTL) -> None:
        self.ttl = ttl
        self.items: Expiring[tuple[int, int], bool] = Expiring(max_votes)

    async def cast(self, chat_id: int, message_id: int) -> bool:
        """Record a vote; False if the chat has voted on the message already."""
        if self.items.get((chat_id, message_id)) is not None:
            return False
        self.items.put((chat_id, message_id), True, self.ttl)
        return True


class MemoryFlood:
    """The flood gate's buckets; a forgotten chat starts with a full bucket."""

    def __init__(self, max_chats: int = MAX_CHATS) -> None:
        self.items: Expiring[int, flood.Bucket] = Expiring(max_chats)

    async def take(self, chat_id: int, cost: float, now: float, policy: FloodPolicy) -> Verdict:
        """Take cost out of the chat's bucket."""
        bucket = self.items.get(chat_id) or flood.Bucket(policy.capacity, now)
        verdict = flood.take(bucket, policy, cost, now)
        self.items.put(chat_id, bucket, flood.lifetime(policy))
        return verdict


class MemorySendRate:
    """Send slots per bucket as GCRA: the theoretical arrival time of the next send."""

    def __init__(self, clock: Clock = time.monotonic, max_buckets: int = MAX_CHATS) -> None:
        self.clock = clock
        self.items: Expiring[str, float] = Expiring(max_buckets, clock)

    async def reserve(self, bucket: str, rate: float, per: float, burst: int) -> float:
        """Reserve the next slot: seconds to wait before sending."""
        now = self.clock()
        interval = per / rate
        arrival = max(self.items.get(bucket) or now, now)
        wait = max(0.0, arrival - now - (max(burst, 1) - 1) * interval)
        self.items.put(bucket, arrival + interval, arrival + interval - now + per)
        return wait


class MemoryLedger:
    """Update ids being handled (with a lease) or handled."""

    def __init__(self, max_ids: int = MAX_IDS, clock: Clock = time.monotonic) -> None:
        self.items: Expiring[int, str] = Expiring(max_ids, clock)

    async def claim(self, update_id: int, lease: float) -> Claim:
        """ "new" (held for lease seconds), "busy" or "done"."""
        state = self.items.get(update_id)
        if state == "done":
            return "done"
        if state is not None:
            return "busy"
        self.items.put(update_id, "lease", lease)
        return "new"

    async def done(self, update_id: int) -> None:
        """Handled: later claims say "done"."""
        self.items.put(update_id, "done", DONE_TTL)

    async def release(self, update_id: int) -> None:
        """Not handled after all: free at once (a handled one stays handled)."""
        if self.items.get(update_id) == "lease":
            self.items.pop(update_id)


class MemoryLocks:
    """One holder per chat with a lease, as in Redis; within one process the update
    processor orders a chat's updates already, so a holder rarely waits here."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self._held: dict[int, tuple[object, float]] = {}

    @asynccontextmanager
    async def hold(self, chat_id: int, lease: float) -> AsyncIterator[None]:
        """Wait until the chat is free (or its holder's lease ended), hold it, free it."""
        token = object()
        pause, longest = LOCK_BACKOFF
        while True:
            holder = self._held.get(chat_id)
            if holder is None or holder[1] <= self.clock():
                self._held[chat_id] = (token, self.clock() + lease)
                break
            await asyncio.sleep(pause)
            pause = min(pause * 2, longest)
        try:
            yield
        finally:
            if self._held.get(chat_id, (None,))[0] is token:
                del self._held[chat_id]


def memory_state() -> SharedState:
    """The shared state of a process that shares it with no other."""
    return SharedState(
        conversations=MemoryConversations(),
        votes=MemoryVotes(),
        flood=MemoryFlood(),
        send_rate=MemorySendRate(),
        ledger=MemoryLedger(),
        locks=MemoryLocks(),
        where="memory",
    )
