"""What the shared short-lived state offers: async Protocols, the same in memory and in Redis.

Each piece is kept for a while, never for good: a conversation for CONVERSATION_TTL, a vote
for VOTE_TTL, a handled update for DONE_TTL, and every Redis key expires. A chat is known by
its id here; the Redis backend keeps only a keyed hash of it (keys.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Claim = Literal["new", "busy", "done"]
Verdict = Literal["answer", "warn", "hold"]
Plain = dict[str, Any]  # JSON-able data: strings, numbers, lists, None

CONVERSATION_TTL = 24 * 3600.0  # a day: "mehr" after a night's sleep starts afresh
VOTE_TTL = 30 * 24 * 3600.0  # a month of one vote per answer and chat
DONE_TTL = 24 * 3600.0  # Telegram gives up delivering an update within a day


class SharedStateError(Exception):
    """The shared state cannot be reached (Redis down, refused, wrong password)."""


class ConversationStore(Protocol):
    """What each chat's conversation showed last, as plain data, for a while."""

    async def load(self, chat_id: int) -> Plain | None:
        """The chat's saved state, or None if it has none (or it expired)."""
        ...

    async def save(self, chat_id: int, state: Plain) -> None:
        """Keep the chat's state for the time to live (from now)."""
        ...


class Votes(Protocol):
    """One 👍/👎 per answer and chat."""

    async def cast(self, chat_id: int, message_id: int) -> bool:
        """Record a vote; False if this chat has voted on this message already."""
        ...


@dataclass(frozen=True)
class FloodPolicy:
    """The flood gate's numbers: a bucket of capacity, refilled by refill a second; an empty
    bucket puts the chat on hold for cooldown seconds, with a notice every notice_every."""

    capacity: float
    refill: float
    cooldown: float
    notice_every: float


class FloodCounter(Protocol):
    """The flood gate's bucket per chat (flood.py has the rule)."""

    async def take(self, chat_id: int, cost: float, now: float, policy: FloodPolicy) -> Verdict:
        """Take cost out of the chat's bucket at the moment now (seconds, one clock for all)."""
        ...


class SendRate(Protocol):
    """Send slots within one rate for all processes of the bot (a token bucket, as GCRA)."""

    async def reserve(self, bucket: str, rate: float, per: float, burst: int) -> float:
        """Reserve the next slot of `rate` sends per `per` seconds (bursts of `burst`) in
        the bucket: seconds to wait before the send (0 if at once)."""
        ...


class UpdateLedger(Protocol):
    """Which update ids are being handled or have been: Telegram delivers updates again."""

    async def claim(self, update_id: int, lease: float) -> Claim:
        """ "new": the caller holds the update for lease seconds; "busy": another holder's
        lease still runs; "done": handled already. A lease that ran out is "new" again."""
        ...

    async def done(self, update_id: int) -> None:
        """The update is handled: later claims say "done" (for about a day)."""
        ...

    async def release(self, update_id: int) -> None:
        """Not handled after all: it may be claimed again at once."""
        ...


class ChatLocks(Protocol):
    """One holder per chat at a time, across processes; a holder that dies frees the chat
    when its lease ends."""

    def hold(self, chat_id: int, lease: float) -> AbstractAsyncContextManager[None]:
        """Wait until the chat is free, hold it (for at most lease seconds), then free it."""
        ...


@dataclass
class SharedState:
    """All of the shared state of one process, and how to close it."""

    conversations: ConversationStore
    votes: Votes
    flood: FloodCounter
    send_rate: SendRate
    ledger: UpdateLedger
    locks: ChatLocks
    where: str  # for the log: "memory" or the Redis address without its password
    closer: Callable[[], Awaitable[None]] | None = field(default=None, repr=False)

    async def close(self) -> None:
        """Let go of the connections (memory: nothing to do)."""
        if self.closer is not None:
            await self.closer()
