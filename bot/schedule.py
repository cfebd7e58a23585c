"""Times of day as the digest knows them: Berlin time, times as readers type them, quiet hours.

No storage and no Telegram here: the settings read the quiet hours with these rules, the
digest decides with them when to send and which times to offer.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Europe/Berlin")
DEFAULT_TIME = dt.time(7, 15)
DEFAULT_QUIET = (dt.time(20, 0), dt.time(7, 0))

Clock = Callable[[], dt.datetime]

_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(?:uhr)?\s*$", re.IGNORECASE)


def parse_time(text: str) -> dt.time | None:
    """A time of day as readers write it: 17:30, 7.15, 18, 18 Uhr."""
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def in_quiet_hours(moment: dt.time, quiet: tuple[dt.time, dt.time] = DEFAULT_QUIET) -> bool:
    """True between the start and the end of the quiet hours (which may span midnight)."""
    start, end = quiet
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end


def hhmm(moment: dt.time) -> str:
    """A time as readers read it: 07:15."""
    return moment.strftime("%H:%M")


def clock_from(start: dt.datetime | None) -> Clock:
    """The wall clock in Europe/Berlin; or (a testing aid) one that starts at `start`."""
    if start is None:
        return lambda: dt.datetime.now(TIMEZONE)
    began = time.monotonic()
    return lambda: (start + dt.timedelta(seconds=time.monotonic() - began)).astimezone(TIMEZONE)
