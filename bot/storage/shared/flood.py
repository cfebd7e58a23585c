"""The flood gate's rule for one chat's bucket, in plain Python (redis.py has it in Lua).

A bucket holds up to capacity and fills by refill a second; an update takes its cost out.
When it cannot, the chat is on hold for cooldown seconds, and gets a notice ("warn") unless
it had one within notice_every. While on hold, updates cost nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.storage.shared.interface import FloodPolicy, Verdict


@dataclass
class Bucket:
    """One chat's bucket: its level at `at`, the end of its hold, its last notice."""

    level: float
    at: float
    until: float = -math.inf
    noticed: float = -math.inf


def take(bucket: Bucket, policy: FloodPolicy, cost: float, now: float) -> Verdict:
    """Weigh one update of cost at the moment now; the bucket is changed in place."""
    if now < bucket.until:
        return "hold"
    bucket.level = min(policy.capacity, bucket.level + max(0.0, now - bucket.at) * policy.refill)
    bucket.at = now
    if bucket.level >= cost:
        bucket.level -= cost
        return "answer"
    bucket.until = now + policy.cooldown
    if now - bucket.noticed < policy.notice_every:
        return "hold"
    bucket.noticed = now
    return "warn"


def lifetime(policy: FloodPolicy) -> float:
    """Seconds after which an untouched bucket is full again and its notice forgotten:
    after that, forgetting it changes nothing."""
    return policy.capacity / policy.refill + policy.cooldown + policy.notice_every
