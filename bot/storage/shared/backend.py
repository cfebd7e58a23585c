"""Which shared state a process uses: memory without NEWSBOT_REDIS_URL, else Redis.

The one place that picks it; the rest of the bot sees only interface.py.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.config import Settings
from bot.storage.shared.interface import SharedState, SharedStateError
from bot.storage.shared.keys import Keys
from bot.storage.shared.memory import memory_state
from bot.storage.shared.redis import (
    RedisConversations,
    RedisFlood,
    RedisLedger,
    RedisLocks,
    RedisSendRate,
    RedisStore,
    RedisVotes,
)

logger = logging.getLogger(__name__)

# Seconds before a call to Redis fails rather than holding an update forever.
CONNECT_TIMEOUT = 5.0
TIMEOUT = 10.0


def where(url: str) -> str:
    """The Redis address for a log line: scheme, host, port and database, no password."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}:{parts.port or 6379}{parts.path}"


async def open_shared_state(settings: Settings) -> SharedState:
    """The process's shared state; SharedStateError if Redis is set and does not answer."""
    if settings.redis_url is None:
        return memory_state()
    assert settings.state_secret is not None  # config.py insists on it with a Redis URL
    return await open_redis_state(settings.redis_url, settings.state_secret, settings.redis_prefix)


async def open_redis_state(url: str, secret: str, prefix: str) -> SharedState:
    """The shared state in Redis under prefix; SharedStateError if Redis does not answer."""
    client = Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=TIMEOUT)
    try:
        await client.ping()
    except RedisError as exc:
        await client.aclose()
        raise SharedStateError(f"Redis at {where(url)} does not answer: {exc}") from None
    store = RedisStore(client, Keys(prefix, secret))
    logger.debug("the shared state is in Redis at %s under %s:", where(url), prefix)
    return SharedState(
        conversations=RedisConversations(store),
        votes=RedisVotes(store),
        flood=RedisFlood(store),
        send_rate=RedisSendRate(store),
        ledger=RedisLedger(store),
        locks=RedisLocks(store),
        where=where(url),
        closer=client.aclose,
    )


async def forget_all(url: str, prefix: str) -> int:
    """Delete every key under prefix (tests clean up after themselves); how many."""
    client = Redis.from_url(url)
    try:
        found = [key async for key in client.scan_iter(match=f"{prefix}:*", count=1000)]
        if found:
            await client.delete(*found)
        return len(found)
    finally:
        await client.aclose()
