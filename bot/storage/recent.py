"""The UpdateLedger of one process: the last updates taken and what became of them, in memory.

Telegram numbers updates in ascending order and delivers a lost one again within minutes,
so the last MAX_IDS ids are plenty; older ones are forgotten first. A restart forgets all
of them, as it should: the updates Telegram still holds then were never answered. Several
processes share one ledger in Redis instead (the scaled mode).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from bot.storage.interface import Claim

MAX_IDS = 10_000
_DONE = float("inf")  # the "lease" of a handled update: it never runs out


class RecentUpdates:
    """The last max_ids update ids, each with the moment its lease ends (or done)."""

    def __init__(self, max_ids: int = MAX_IDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_ids = max_ids
        self.clock = clock
        self._until: OrderedDict[int, float] = OrderedDict()

    async def claim(self, update_id: int, lease: float) -> Claim:
        """ "new" (held for lease seconds from now), "busy" or "done"."""
        until = self._until.get(update_id)
        if until == _DONE:
            return "done"
        now = self.clock()
        if until is not None and until > now:
            return "busy"
        self._until[update_id] = now + lease
        if len(self._until) > self.max_ids:
            self._until.popitem(last=False)
        return "new"

    async def done(self, update_id: int) -> None:
        """Every later claim of the update is "done"."""
        self._until[update_id] = _DONE
        if len(self._until) > self.max_ids:
            self._until.popitem(last=False)

    async def release(self, update_id: int) -> None:
        """The next claim of the update is "new"."""
        self._until.pop(update_id, None)

    def __len__(self) -> int:
        return len(self._until)
