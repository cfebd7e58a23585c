"""The shared state's two backends for one test suite: memory, and Redis under a key prefix
of the test's own (deleted afterwards); and the shared state the application helpers use
(Redis when the suite runs scaled, NEWSBOT_TEST_SCALED=1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from redis import Redis as SyncRedis
from redis.asyncio import Redis

from bot.storage.shared.backend import forget_all, open_redis_state
from bot.storage.shared.interface import SharedState
from bot.storage.shared.keys import Keys
from bot.storage.shared.memory import (
    MemoryConversations,
    MemoryFlood,
    MemoryLedger,
    MemoryLocks,
    MemorySendRate,
    MemoryVotes,
)
from bot.storage.shared.redis import (
    RedisConversations,
    RedisFlood,
    RedisLedger,
    RedisLocks,
    RedisSendRate,
    RedisStore,
    RedisVotes,
)
from helpers import servers

# The tests' NEWSBOT_STATE_SECRET (32 characters or more, as config.py asks).
SECRET = "test-secret-for-the-keyed-hash-0123456789"


@dataclass
class Backend:
    """One backend of the shared state; each piece made with the test's parameters."""

    name: str
    url: str = ""
    prefix: str = ""
    clients: list[Redis] = field(default_factory=list)
    # Memory's pieces are one process's: every "process" of a test shares the one object.
    memory: dict[tuple[str, tuple[float, ...]], Any] = field(default_factory=dict)

    def _store(self) -> RedisStore:
        client = Redis.from_url(self.url)
        self.clients.append(client)
        return RedisStore(client, Keys(self.prefix, SECRET))

    def _piece(self, memory: type, redis: type, **ttl: float) -> Any:
        """Another process's piece of the one shared state (in memory: the one object)."""
        if self.name != "memory":
            return redis(self._store(), **ttl)
        made = (memory.__name__, tuple(ttl.values()))
        if made not in self.memory:
            self.memory[made] = memory(**ttl)
        return self.memory[made]

    def conversations(self, **ttl: float) -> Any:
        """A ConversationStore (ttl=... to shorten its time to live)."""
        return self._piece(MemoryConversations, RedisConversations, **ttl)

    def votes(self, **ttl: float) -> Any:
        """Votes (ttl=... to shorten their time to live)."""
        return self._piece(MemoryVotes, RedisVotes, **ttl)

    def flood(self) -> Any:
        """A FloodCounter."""
        return self._piece(MemoryFlood, RedisFlood)

    def send_rate(self) -> Any:
        """A SendRate."""
        return self._piece(MemorySendRate, RedisSendRate)

    def ledger(self) -> Any:
        """An UpdateLedger."""
        return self._piece(MemoryLedger, RedisLedger)

    def locks(self) -> Any:
        """ChatLocks."""
        return self._piece(MemoryLocks, RedisLocks)

    def stored(self) -> dict[str, tuple[object, int]]:
        """Every Redis key of the test: its value (as Redis holds it) and its TTL in ms."""
        client = SyncRedis.from_url(self.url, decode_responses=True)
        found: dict[str, tuple[object, int]] = {}
        with client:
            for key in client.scan_iter(match=f"{self.prefix}:*"):
                kind = client.type(key)
                value = client.hgetall(key) if kind == "hash" else client.get(key)
                found[key] = (value, client.pttl(key))
        return found

    async def close(self) -> None:
        """Close the connections and delete the test's keys."""
        for client in self.clients:
            await client.aclose()
        if self.url:
            await forget_all(self.url, self.prefix)


def backend(name: str) -> Backend:
    """The backend of this name; Redis needs its server (else a skip, under CI a failure)."""
    if name == "memory":
        return Backend(name)
    return Backend(name, servers.need_redis(), servers.unique_name("newsbot_test"))


async def scaled_state() -> tuple[SharedState, str] | None:
    """The shared state in Redis, with its prefix, when the suite runs scaled; else None."""
    if not servers.scaled():
        return None
    prefix = servers.unique_name("newsbot_test")
    return await open_redis_state(servers.need_redis(), SECRET, prefix), prefix


async def close_scaled(shared: SharedState, prefix: str) -> None:
    """Close a scaled_state() and delete its keys."""
    await shared.close()
    await forget_all(servers.REDIS_URL, prefix)


def scaled_env() -> dict[str, str]:
    """The environment of a `newsbot run` process that shares its state in Redis (scaled)."""
    if not servers.scaled():
        return {}
    return {
        "NEWSBOT_REDIS_URL": servers.need_redis(),
        "NEWSBOT_STATE_SECRET": SECRET,
        "NEWSBOT_REDIS_PREFIX": servers.unique_name("newsbot_test"),
    }


def forget_prefix(prefix: str) -> None:
    """Delete a process's keys after it stopped (tests clean up what they wrote)."""
    client = SyncRedis.from_url(servers.REDIS_URL)
    with client:
        found = list(client.scan_iter(match=f"{prefix}:*"))
        if found:
            client.delete(*found)
