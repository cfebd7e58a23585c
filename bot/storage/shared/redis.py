"""The shared state in Redis, for several processes of one bot (redis-py's asyncio client).

Every key is `prefix:kind:hash` (keys.py): no chat id in it, and every key expires. What
must not race between processes is one command or one Lua script: a vote is SET NX, a
claim and the flood gate's bucket are scripts, the send rate is GCRA on Redis's own clock
(so the processes' clocks need not agree), and a chat lock is SET NX PX with a random token,
freed only by its holder's token.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

from redis.asyncio import Redis

from bot.storage.shared import flood
from bot.storage.shared.interface import (
    CONVERSATION_TTL,
    DONE_TTL,
    VOTE_TTL,
    Claim,
    FloodPolicy,
    Plain,
    Verdict,
)
from bot.storage.shared.keys import Keys

LOCK_BACKOFF = (0.002, 0.05)  # first and longest pause while a chat is held by another

_CLAIM = """
local v = redis.call('GET', KEYS[1])
if v == 'done' then return 'done' end
if v then return 'busy' end
redis.call('SET', KEYS[1], 'lease', 'PX', ARGV[1])
return 'new'
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
# flood.take() in Lua; -1e300 stands for "never" (Lua has no -inf in a hash field).
_FLOOD = """
local now, cost = tonumber(ARGV[1]), tonumber(ARGV[2])
local capacity, refill = tonumber(ARGV[3]), tonumber(ARGV[4])
local cooldown, notice_every = tonumber(ARGV[5]), tonumber(ARGV[6])
local b = redis.call('HMGET', KEYS[1], 'level', 'at', 'until', 'noticed')
local level, at = tonumber(b[1]) or capacity, tonumber(b[2]) or now
local hold_until, noticed = tonumber(b[3]) or -1e300, tonumber(b[4]) or -1e300
local verdict
if now < hold_until then
  verdict = 'hold'
else
  level = math.min(capacity, level + math.max(0, now - at) * refill)
  at = now
  if level >= cost then
    level = level - cost
    verdict = 'answer'
  else
    hold_until = now + cooldown
    if now - noticed < notice_every then
      verdict = 'hold'
    else
      noticed = now
      verdict = 'warn'
    end
  end
end
local f = '%.17g'
redis.call('HSET', KEYS[1], 'level', string.format(f, level), 'at', string.format(f, at),
  'until', string.format(f, hold_until), 'noticed', string.format(f, noticed))
redis.call('PEXPIRE', KEYS[1], ARGV[7])
return verdict
"""
# GCRA: the key holds the theoretical arrival time of the next send, on Redis's clock.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local interval, burst, per = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local arrival = tonumber(redis.call('GET', KEYS[1])) or now
if arrival < now then arrival = now end
local wait = arrival - now - (burst - 1) * interval
if wait < 0 then wait = 0 end
local following = arrival + interval
redis.call('SET', KEYS[1], string.format('%.6f', following),
  'PX', math.ceil((following - now + per) * 1000))
return string.format('%.6f', wait)
"""


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


class RedisStore:
    """The connection and the keys every piece of the Redis state uses."""

    def __init__(self, client: Redis, keys: Keys) -> None:
        self.client = client
        self.keys = keys
        self.claim_script = client.register_script(_CLAIM)
        self.release_script = client.register_script(_RELEASE)
        self.flood_script = client.register_script(_FLOOD)
        self.reserve_script = client.register_script(_RESERVE)

    async def call(self, script: Any, keys: list[str], args: list[Any]) -> str:
        """Run a registered script; its answer as text."""
        answer = await script(keys=keys, args=args)
        return answer.decode() if isinstance(answer, bytes) else str(answer)


class RedisConversations:
    """Each chat's conversation as JSON under its keyed hash, with a time to live."""

    def __init__(self, store: RedisStore, ttl: float = CONVERSATION_TTL) -> None:
        self.store, self.ttl = store, ttl

    async def load(self, chat_id: int) -> Plain | None:
        """The chat's saved state, or None."""
        raw = await self.store.client.get(self.store.keys.key("conversation", chat_id))
        return cast(Plain, json.loads(raw)) if raw is not None else None

    async def save(self, chat_id: int, state: Plain) -> None:
        """Keep the chat's state for the time to live."""
        key = self.store.keys.key("conversation", chat_id)
        await self.store.client.set(key, json.dumps(state), px=_ms(self.ttl))


class RedisVotes:
    """One vote per message and chat: SET NX with a time to live."""

    def __init__(self, store: RedisStore, ttl: float = VOTE_TTL) -> None:
        self.store, self.ttl = store, ttl

    async def cast(self, chat_id: int, message_id: int) -> bool:
        """Record a vote; False if the chat has voted on the message already."""
        key = self.store.keys.key("vote", chat_id, message_id)
        return bool(await self.store.client.set(key, "1", nx=True, px=_ms(self.ttl)))


class RedisFlood:
    """The flood gate's bucket per chat, in one script (flood.py's rule in Lua)."""

    def __init__(self, store: RedisStore) -> None:
        self.store = store

    async def take(self, chat_id: int, cost: float, now: float, policy: FloodPolicy) -> Verdict:
        """Take cost out of the chat's bucket."""
        key = self.store.keys.key("flood", chat_id)
        args = [now, cost, policy.capacity, policy.refill, policy.cooldown, policy.notice_every]
        verdict = await self.store.call(
            self.store.flood_script,
            [key],
            [repr(float(a)) for a in args] + [_ms(flood.lifetime(policy))],
        )
        assert verdict in ("answer", "warn", "hold")
        return cast(Verdict, verdict)


class RedisSendRate:
    """Send slots shared by every process: GCRA in a script, on Redis's clock."""

    def __init__(self, store: RedisStore) -> None:
        self.store = store

    async def reserve(self, bucket: str, rate: float, per: float, burst: int) -> float:
        """Reserve the next slot: seconds to wait before sending."""
        key = self.store.keys.key("rate", bucket)
        args = [repr(per / rate), max(burst, 1), repr(float(per))]
        return float(await self.store.call(self.store.reserve_script, [key], args))


class RedisLedger:
    """Update ids: "lease" while held (PX), "done" once handled (kept a day)."""

    def __init__(self, store: RedisStore) -> None:
        self.store = store

    async def claim(self, update_id: int, lease: float) -> Claim:
        """ "new" (held for lease seconds), "busy" or "done"."""
        key = self.store.keys.key("update", update_id)
        claim = await self.store.call(self.store.claim_script, [key], [_ms(lease)])
        assert claim in ("new", "busy", "done")
        return cast(Claim, claim)

    async def done(self, update_id: int) -> None:
        """Handled: later claims say "done"."""
        key = self.store.keys.key("update", update_id)
        await self.store.client.set(key, "done", px=_ms(DONE_TTL))

    async def release(self, update_id: int) -> None:
        """Not handled after all: free at once (a handled one stays handled)."""
        key = self.store.keys.key("update", update_id)
        await self.store.call(self.store.release_script, [key], ["lease"])


class RedisLocks:
    """One holder per chat across processes: SET NX PX with a random token; a waiter
    tries again after a short pause; the holder frees it by its token."""

    def __init__(self, store: RedisStore) -> None:
        self.store = store

    @asynccontextmanager
    async def hold(self, chat_id: int, lease: float) -> AsyncIterator[None]:
        """Wait until the chat is free (or its holder's lease ended), hold it, free it."""
        key = self.store.keys.key("lock", chat_id)
        token = secrets.token_hex(16)
        pause, longest = LOCK_BACKOFF
        while not await self.store.client.set(key, token, nx=True, px=_ms(lease)):
            await asyncio.sleep(pause)
            pause = min(pause * 2, longest)
        try:
            yield
        finally:
            await asyncio.shield(self.store.call(self.store.release_script, [key], [token]))
