"""Pickle a large object graph as a stream of small records, and read it back piece by piece.

One `pickle.loads` of the whole index holds the interpreter lock for seconds: a thread that
loads a snapshot that way stalls the event loop as badly as loading the knowledge did. Here
every container with more than PIECE items is written as its own records of about PIECE
items each (counting the items of the containers in them), so that no single `loads` runs
long and the loop between records lets other threads run. A large container referenced
twice stays one object: it is written once and read back once.

Reading is restricted: only the classes of newsbot and a few plain types of the standard
library can be built, whatever a file holds.
"""

from __future__ import annotations

import io
import pickle
import struct
from array import array
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO

PIECE = 256  # items of a large container per record (a few ms to read on a busy machine)
PROTOCOL = 5

_BEGIN, _PART, _END, _ROOT, _OBJECT, _ARRAY = range(6)
# A typed array this large (bytes) is written raw, as a record of its own: pickled, it was
# copied twice on the way out and twice on the way in (the typo table: 40 MB at 100,000
# entries, 160 MB more at the peak of a start).
RAW_FROM = 1 << 20
_RAW_TYPES = frozenset("bBhHiIlLqQfd")
_HEADER = struct.Struct("<BQI")  # kind, object id, length of the data that follows
_CONTAINERS: dict[type, bytes] = {
    list: b"l",
    tuple: b"t",
    dict: b"d",
    set: b"s",
    frozenset: b"f",
}
_FINISH: dict[bytes, Callable[[list[Any]], object]] = {
    b"l": lambda parts: parts,
    b"t": tuple,
    b"d": dict,
    b"s": set,
    b"f": frozenset,
}

# What a snapshot may build besides newsbot's own classes.
_ALLOWED = {
    "builtins": frozenset({"set", "frozenset", "slice", "bytearray", "complex", "getattr"}),
    "datetime": frozenset({"date", "datetime", "time", "timedelta", "timezone"}),
    "pathlib": frozenset({"Path", "PosixPath", "WindowsPath", "PurePosixPath"}),
    "collections": frozenset({"OrderedDict", "defaultdict", "Counter", "deque"}),
    "array": frozenset({"array", "_array_reconstructor"}),
    "copyreg": frozenset({"_reconstructor"}),
}


class SnapshotError(Exception):
    """The stream is not a snapshot this program can read."""


class _Writer:
    """Writes records to a stream; remembers what it has written by object id."""

    def __init__(self, out: BinaryIO, shared: frozenset[type] = frozenset()) -> None:
        self.out = out
        self.shared = shared
        self.ids: dict[int, int] = {}
        self.alive: list[object] = []  # keeps written objects alive, so ids stay unique

    def record(self, kind: int, oid: int, data: bytes) -> None:
        self.out.write(_HEADER.pack(kind, oid, len(data)))
        self.out.write(data)

    def dumps(self, obj: object, references: bool) -> bytes:
        """Pickle obj; with references, large containers inside it become records of their
        own (a Python call per object: only where such a container is)."""
        if not references:
            return pickle.dumps(obj, protocol=PROTOCOL)
        buffer = io.BytesIO()
        _Pickler(buffer, self, obj).dump(obj)
        return buffer.getvalue()

    def reference(self, obj: object) -> int | None:
        """The id of a large container or a shared object, written on first sight; None for
        anything else."""
        kind = type(obj)
        code = _CONTAINERS.get(kind)
        if code is None:
            if isinstance(obj, array) and len(obj) * obj.itemsize >= RAW_FROM:
                return self._raw(obj)
            return self._shared(obj) if kind in self.shared else None
        if len(obj) <= PIECE:  # type: ignore[arg-type]
            return None
        known, oid = self._number(obj)
        if known:
            return oid
        self.record(_BEGIN, oid, code)
        items: Iterable[Any] = obj.items() if isinstance(obj, dict) else obj  # type: ignore[assignment]
        part: list[Any] = []
        weight = 0
        nested = False
        shared = bool(self.shared)
        for item in items:
            size = _size(item)
            # A piece that may hold a shared object is pickled with references too.
            nested = nested or size > PIECE or (shared and not _plain(item))
            part.append(item)
            weight += 1 + size
            if weight >= PIECE:
                self.record(_PART, oid, self.dumps(part, nested))
                part, weight, nested = [], 0, False
        if part:
            self.record(_PART, oid, self.dumps(part, nested))
        self.record(_END, oid, b"")
        return oid

    def _raw(self, obj: array[Any]) -> int:
        """The id of a large typed array, written as its type code and its bytes."""
        known, oid = self._number(obj)
        if not known:
            data = memoryview(obj).cast("B")
            self.out.write(_HEADER.pack(_ARRAY, oid, 1 + len(data)))
            self.out.write(obj.typecode.encode())
            self.out.write(data)
        return oid

    def _number(self, obj: object) -> tuple[bool, int]:
        """Whether obj was written already, and its id."""
        known = self.ids.get(id(obj))
        if known is not None:
            return True, known
        oid = self.ids[id(obj)] = len(self.ids)
        self.alive.append(obj)
        return False, oid

    def _shared(self, obj: object) -> int:
        """The id of an object that several containers may hold, written as a record of its
        own on first sight: pickled with each piece that holds it, it would come back as
        one copy per piece."""
        known, oid = self._number(obj)
        if not known:
            self.record(_OBJECT, oid, self.dumps(obj, references=True))
        return oid


def _plain(item: object) -> bool:
    """True for an item that holds no object of newsbot's: a number, a string, or a tuple
    of them (a posting), or a dict item of such."""
    if type(item) is tuple:
        return all(type(x) in _ATOMS or (type(x) is tuple and _plain(x)) for x in item)
    return type(item) in _ATOMS


def _size(item: object) -> int:
    """How many items a container holds one level down (a dict's item: its value's)."""
    if type(item) is tuple and len(item) == 2 and type(item[1]) in _CONTAINERS:
        item = item[1]
    return len(item) if type(item) in _CONTAINERS else 0  # type: ignore[arg-type]


class _Pickler(pickle.Pickler):
    def __init__(self, out: BinaryIO, writer: _Writer, root: object) -> None:
        super().__init__(out, protocol=PROTOCOL)
        self.writer = writer
        self.root = root

    def persistent_id(self, obj: Any) -> int | None:
        if obj is self.root:
            return None
        return self.writer.reference(obj)


def dump(obj: object, out: BinaryIO, shared: frozenset[type] = frozenset()) -> None:
    """Write obj to out as records of at most PIECE items. Objects of the shared types
    stay one object each, however many containers hold them (a record each: for objects
    that are held more than once, not for the many small ones)."""
    writer = _Writer(out, shared)
    writer.record(_ROOT, 0, writer.dumps(obj, references=True))


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, done: dict[int, object]) -> None:
        super().__init__(io.BytesIO(data))
        self.done = done

    def persistent_load(self, pid: Any) -> object:
        try:
            return self.done[pid]
        except (KeyError, TypeError):
            raise SnapshotError(f"a reference to {pid!r}, which was never written") from None

    def find_class(self, module: str, name: str) -> Any:
        if module == "bot" or module.startswith("bot."):
            return super().find_class(module, name)
        if name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise SnapshotError(f"a snapshot may not build {module}.{name}")


def load(stream: BinaryIO) -> object:
    """Read back what dump wrote; raise SnapshotError for anything else."""
    done: dict[int, object] = {}
    parts: dict[int, tuple[bytes, list[Any]]] = {}
    while True:
        header = stream.read(_HEADER.size)
        if len(header) < _HEADER.size:
            raise SnapshotError("the snapshot ends early")
        kind, oid, length = _HEADER.unpack(header)
        if kind == _ARRAY:
            done[oid] = _read_raw(stream, length)
            continue
        data = stream.read(length)
        if len(data) < length:
            raise SnapshotError("the snapshot ends early")
        try:
            if kind == _ROOT:
                return _Unpickler(data, done).load()
            if kind == _BEGIN:
                if data not in _FINISH:
                    raise SnapshotError(f"unknown container {data!r}")
                parts[oid] = (data, [])
            elif kind == _PART:
                parts[oid][1].extend(_Unpickler(data, done).load())
            elif kind == _END:
                code, items = parts.pop(oid)
                done[oid] = _FINISH[code](items)
            elif kind == _OBJECT:
                done[oid] = _Unpickler(data, done).load()
            else:
                raise SnapshotError(f"unknown record {kind}")
        except SnapshotError:
            raise
        except Exception as exc:  # a damaged record: whatever pickle or a container raises
            raise SnapshotError(f"a damaged record: {exc!r}") from None


def _read_raw(stream: BinaryIO, length: int) -> array[Any]:
    """A typed array written by _raw, read straight into the array (no copy on the way)."""
    code = stream.read(1).decode("ascii", "replace")
    if code not in _RAW_TYPES:
        raise SnapshotError(f"unknown array type {code!r}")
    count, rest = divmod(length - 1, array(code).itemsize)
    if rest:
        raise SnapshotError("a damaged array record")
    items = array(code, [0]) * count
    view = memoryview(items).cast("B")
    read = 0
    while read < len(view):
        got = stream.readinto(view[read:])  # type: ignore[attr-defined]
        if not got:
            raise SnapshotError("the snapshot ends early")
        read += got
    view.release()  # the array may grow later (a reload adds to the lines it holds)
    return items


def dismantle(root: object) -> list[object]:
    """Empty the large lists, dicts and sets reachable from root a piece at a time; return
    the items of its large tuples and frozensets, to be released with release() once root
    is dropped (they cannot be emptied, but so they go in pieces too).

    Freeing a whole index at once is one long run of C code: the thread that drops the last
    reference holds the interpreter until millions of objects are gone. Taken apart in
    pieces, other threads get their turn between them. Only for what nobody uses any more.
    """
    stack: list[object] = [root]
    seen: set[int] = set()
    remains: list[object] = []
    while stack:
        obj = stack.pop()
        kind = type(obj)
        if kind in _ATOMS or id(obj) in seen:
            continue
        seen.add(id(obj))
        if kind in _CONTAINERS and len(obj) > PIECE:  # type: ignore[arg-type]
            _empty(obj, stack, remains)
        elif kind is dict:
            stack.extend(obj.values())  # type: ignore[attr-defined]
        elif kind in _CONTAINERS:
            stack.extend(obj)  # type: ignore[arg-type]
        else:
            stack.extend(getattr(obj, "__dict__", {}).values())
            for name in getattr(kind, "__slots__", ()):
                stack.append(getattr(obj, name, None))
    return remains


def release(remains: list[object]) -> None:
    """Drop what dismantle returned, a piece at a time."""
    while remains:
        del remains[-PIECE:]


def _empty(obj: Any, stack: list[object], remains: list[object]) -> None:
    """Drop a large container's items a piece at a time; its large inner containers are
    emptied later, the small items (an entry, a posting) go with their piece."""
    if isinstance(obj, dict):
        while obj:
            batch = [obj.popitem()[1] for _ in range(min(PIECE, len(obj)))]
            stack.extend(v for v in batch if _large(v))
            del batch
    elif isinstance(obj, list | set):
        while obj:
            batch = [obj.pop() for _ in range(min(PIECE, len(obj)))]
            stack.extend(v for v in batch if _large(v))
            del batch
    else:  # tuples and frozensets cannot be emptied: their items are held, to go later
        remains.extend(obj)
        stack.extend(v for v in obj if _large(v))


def _large(obj: object) -> bool:
    return type(obj) in _CONTAINERS and len(obj) > PIECE  # type: ignore[arg-type]


_ATOMS = frozenset({str, int, float, bool, bytes, type(None)})
