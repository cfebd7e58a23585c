"""Where each value of the knowledge stands, packed: one integer per value, not an object.

An example question, an alias or a text of an entry is reported at its own line by the
self-test and the readability check. At 100,000 entries there are half a million such
values; a `Location` and a tuple key for each took about 110 MB. Here each entry is one
offset into an array of 64-bit integers: a header per field (field number, count) followed
by one integer per value (file number << 32 | line).
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping, Sequence

from bot.models import Location

_LOW = 0xFFFFFFFF


class Locations:
    """(entry ref, field, position) -> file:line, for the messages about single values."""

    def __init__(self) -> None:
        self._paths: list[str] = []
        self._path_ids: dict[str, int] = {}
        self._fields: list[str] = []
        self._field_ids: dict[str, int] = {}
        self._start: dict[str, int] = {}
        self._data = array("q")

    def add(self, ref: str, path: str, fields: Mapping[str, Sequence[int]]) -> None:
        """Record the line of every value of an entry's fields, all in one file (replaces
        what was recorded for ref before)."""
        file_id = _number(self._path_ids, self._paths, path)
        data = self._data
        self._start[ref] = len(data)
        data.append(len(fields))
        for name, lines in fields.items():
            data.append(_number(self._field_ids, self._fields, name) << 32 | len(lines))
            data.extend(file_id << 32 | (line & _LOW) for line in lines)

    def copy(self) -> Locations:
        """A copy to add to while this one stays as it is (the next load of the knowledge)."""
        other = Locations()
        other._paths = list(self._paths)
        other._path_ids = dict(self._path_ids)
        other._fields = list(self._fields)
        other._field_ids = dict(self._field_ids)
        other._start = dict(self._start)
        other._data = array("q", self._data)
        return other

    def get(self, key: tuple[str, str, int], default: Location) -> Location:
        """Where the value at key stands: (ref, field, position); default when not known."""
        ref, name, position = key
        start = self._start.get(ref)
        field_id = self._field_ids.get(name)
        if start is None or field_id is None:
            return default
        data = self._data
        at = start + 1
        for _ in range(data[start]):
            head = data[at]
            count = head & _LOW
            if head >> 32 == field_id:
                if 0 <= position < count:
                    packed = data[at + 1 + position]
                    return Location(self._paths[packed >> 32], packed & _LOW)
                return default
            at += 1 + count
        return default

    def __len__(self) -> int:
        """How many entries have locations recorded."""
        return len(self._start)


def _number(ids: dict[str, int], names: list[str], name: str) -> int:
    """The number of a name in a table, added when new."""
    found = ids.get(name)
    if found is None:
        found = ids[name] = len(names)
        names.append(name)
    return found
