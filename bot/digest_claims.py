"""Which due chats this process's digest run holds: claims with a lease, taken in batches.

Several processes may run the digest over one database (the scaled mode). A run sends only
the chats it claimed (SubscriptionStore.claim_due), so each chat gets one digest a day
whichever process sends it. A claim ends when the chat is recorded (mark_sent), is given back
when the run leaves the chat due (a failed send, the quiet hours, a stop), and is taken over
by another process when its lease ends (its process was killed). A chat whose record the
database refused stays claimed until that record is written, so no other process sends it
meanwhile - unless the database stays unusable for longer than the lease.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Collection

from bot.storage.interface import Subscription, SubscriptionStore

# How long a claim lasts: a batch is sent in seconds at Telegram's rate, far within it; the
# batch of a killed process waits this long for another.
LEASE = dt.timedelta(minutes=5)
BATCH_PER_WORKER = 4  # chats one claim takes, per digest worker


class Claims:
    """The claims of one process's digest: taken, finished, given back."""

    def __init__(
        self,
        subscriptions: SubscriptionStore,
        workers: int,
        lease: dt.timedelta = LEASE,
        owner: str | None = None,
    ) -> None:
        self.subscriptions = subscriptions
        self.lease = lease
        self.batch = max(1, workers) * BATCH_PER_WORKER
        # Who holds this process's claims: random, nothing about the machine or a reader.
        self.owner = owner or f"digest-{secrets.token_hex(8)}"
        # Chats claimed and neither recorded nor given back yet.
        self.held: set[int] = set()

    async def take(self, now: dt.datetime) -> list[Subscription]:
        """Claim the next batch of due chats nobody holds; [] when there are none.

        A chat this process still works on (its send outlasted the lease) is claimed again
        but not returned: it is not sent twice.
        """
        claimed = await self.subscriptions.claim_due(now, self.owner, self.lease, self.batch)
        due = [s for s in claimed if s.chat_id not in self.held]
        self.held.update(s.chat_id for s in due)
        return due

    def done(self, chat_id: int) -> None:
        """The chat was recorded (or deleted): the store ended its claim."""
        self.held.discard(chat_id)

    async def give_back(self, keep: Collection[int] = ()) -> None:
        """Release the claims held on chats left due, except `keep` (their records wait)."""
        for chat_id in sorted(self.held - set(keep)):
            await self.subscriptions.release(chat_id, self.owner)
            self.held.discard(chat_id)
