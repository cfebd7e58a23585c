"""The SeenUpdates of one process: the ids of the last updates, in memory, bounded.

Telegram numbers updates in ascending order and delivers a lost one again within minutes,
so the last MAX_IDS ids are plenty; older ones are forgotten first. A restart forgets all
of them, as it should: the updates Telegram still holds then were never answered.
"""

from __future__ import annotations

from collections import OrderedDict

MAX_IDS = 10_000


class RecentUpdates:
    """The last max_ids update ids, in the order they came."""

    def __init__(self, max_ids: int = MAX_IDS) -> None:
        self.max_ids = max_ids
        self._ids: OrderedDict[int, None] = OrderedDict()

    async def first_time(self, update_id: int) -> bool:
        """True the first time an update id is offered (and remember it), False after that."""
        if update_id in self._ids:
            return False
        self._ids[update_id] = None
        if len(self._ids) > self.max_ids:
            self._ids.popitem(last=False)
        return True

    def __len__(self) -> int:
        return len(self._ids)
