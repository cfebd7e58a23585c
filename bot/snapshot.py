"""The warm start: the loaded, validated and indexed knowledge kept on disk between runs.

A snapshot holds the KnowledgeBase and the Matcher (the composer is rebuilt: it is cheap and
holds caches). Its key is a hash of the program's own source, the Python version, the
knowledge folder's path, every knowledge file's name, link and content, and the day the
knowledge was validated for (dates make articles expire). A snapshot is used only when its
key is the one of the files as they are now and the checksum of its content is right; a
missing, stale, foreign or damaged snapshot is ignored (and rebuilt by the caller), never
trusted. Files are written to a temporary name and renamed, so a crash leaves no half file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import logging
import os
import pickle
import struct
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from bot import pieces
from bot.engine import Engine
from bot.gcpause import gc_paused
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.filecache import FileCache
from bot.knowledge.yamlfile import YamlDocument
from bot.lists import DEFAULT_FRESH_DAYS
from bot.models import Article, Source, Term
from bot.search.matcher import Matcher

logger = logging.getLogger(__name__)

MAGIC = b"NEWSBOT-SNAPSHOT-1\n"
_SIZES = struct.Struct("<Q")
_BLOCK = 1 << 20
_DIGEST = 32
_PROGRAM: list[str] = []
# While a snapshot is read in a thread, the interpreter passes between threads this often
# (seconds; Python's default is 0.005): a reply waits less for each turn it needs.
SWITCH_INTERVAL = 0.001


def program_version() -> str:
    """A hash of newsbot's own source files and the Python version: any change, new key."""
    if not _PROGRAM:
        digest = hashlib.blake2b(digest_size=_DIGEST)
        digest.update(f"{sys.version}|{pieces.PROTOCOL}|{pieces.PIECE}".encode())
        package = Path(__file__).resolve().parent
        for path in sorted(package.rglob("*.py")):
            digest.update(str(path.relative_to(package)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
        _PROGRAM.append(digest.hexdigest())
    return _PROGRAM[0]


def knowledge_key(root: Path, today: dt.date, drafts: bool = False) -> bytes | None:
    """What the knowledge is now (its files' names and contents, the day, the program), as
    a hash; None if a file cannot be read (loading then says why, and nothing is kept)."""
    digest = hashlib.blake2b(digest_size=_DIGEST)
    digest.update(f"{program_version()}|{root.resolve()}|{root}|{today}|{drafts}".encode())
    try:
        for directory, folders, files in sorted(os.walk(root)):
            linked = [f for f in folders if os.path.islink(os.path.join(directory, f))]
            for name in sorted(files) + sorted(linked):
                path = os.path.join(directory, name)
                digest.update(os.path.relpath(path, root).encode() + b"\0")
                if os.path.islink(path):
                    digest.update(b"link:" + os.readlink(path).encode() + b"\0")
                if name.endswith((".yaml", ".yml")) and os.path.isfile(path):
                    with open(path, "rb") as stream:
                        digest.update(hashlib.blake2b(stream.read()).digest())
    except (OSError, ValueError):
        return None
    return digest.digest()


def snapshot_path(cache_dir: Path, root: Path) -> Path:
    """The snapshot file of one knowledge folder (several folders keep one each)."""
    name = hashlib.blake2b(str(root.resolve()).encode(), digest_size=8).hexdigest()
    return cache_dir / f"knowledge-{name}.snapshot"


# Held by several containers of a snapshot (an entry by the knowledge and by its file's
# reading, a file's document by each of its entries' lines): written once, read back once.
SHARED = frozenset({Article, Term, Source, YamlDocument})


def save(
    path: Path, key: bytes, kb: KnowledgeBase, matcher: Matcher, files: FileCache | None = None
) -> None:
    """Write the snapshot of kb, matcher and the readings of kb's files under key
    (atomically: a temporary file renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".snapshot-")
    try:
        with os.fdopen(handle, "w+b") as out:
            out.write(MAGIC + key + _SIZES.pack(0) + bytes(_DIGEST))
            start = out.tell()
            # The knowledge without its lookup tables, which it rebuilds from its entries:
            # written beside them, every entry would be read back as two objects.
            fields = {f.name: getattr(kb, f.name) for f in dataclasses.fields(kb)}
            fields = {name: value for name, value in fields.items() if not name.startswith("_")}
            with gc_paused():
                pieces.dump((fields, matcher, files), out, SHARED)
            end = out.tell()
            out.seek(start)
            digest = hashlib.blake2b(digest_size=_DIGEST)
            while block := out.read(_BLOCK):
                digest.update(block)
            out.seek(len(MAGIC) + len(key))
            out.write(_SIZES.pack(end - start) + digest.digest())
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


Parts = tuple[KnowledgeBase, Matcher, FileCache | None]


def load(path: Path, key: bytes) -> Parts | None:
    """The knowledge, matcher and file readings of the snapshot at path if its key is key
    and its content is intact; None (and a log line) for a missing, stale, foreign or
    damaged snapshot."""
    try:
        with path.open("rb") as stream:
            problem = _check(stream, key)
            if problem is None:
                with gc_paused(), switching(SWITCH_INTERVAL):
                    loaded = _engine_parts(pieces.load(stream))
                if loaded is not None:
                    gc.freeze()  # as Engine.build: the collector leaves the index alone
                    return loaded
                problem = "it does not hold knowledge and a matcher"
    except (FileNotFoundError, NotADirectoryError):  # none kept yet (or no folder for it)
        return None
    except (OSError, pieces.SnapshotError, MemoryError, RecursionError) as exc:
        problem = str(exc)
    logger.info("snapshot %s not used: %s", path.name, problem)
    return None


def _check(stream: BinaryIO, key: bytes) -> str | None:
    """What is wrong with the snapshot's header and checksum, or None; leaves the stream at
    the start of the content."""
    head = stream.read(len(MAGIC) + len(key) + _SIZES.size + _DIGEST)
    if not head.startswith(MAGIC):
        return "not a snapshot of this program"
    written = head[len(MAGIC) : len(MAGIC) + len(key)]
    if written != key:
        return "stale: the knowledge, the day or the program changed since"
    (length,) = _SIZES.unpack_from(head, len(MAGIC) + len(key))
    expected = head[-_DIGEST:]
    start = stream.tell()
    digest = hashlib.blake2b(digest_size=_DIGEST)
    read = 0
    while block := stream.read(_BLOCK):
        digest.update(block)
        read += len(block)
    if read != length or digest.digest() != expected:
        return "damaged: its checksum does not match"
    stream.seek(start)
    return None


@contextmanager
def switching(interval: float) -> Iterator[None]:
    """Run the block with the interpreter's thread switch interval set to interval."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _engine_parts(loaded: object) -> Parts | None:
    """The knowledge (rebuilt from its fields), the matcher and the readings read, or None."""
    if not (isinstance(loaded, tuple) and len(loaded) == 3 and isinstance(loaded[1], Matcher)):
        return None
    fields, matcher, files = loaded
    if not isinstance(fields, dict) or not isinstance(files, FileCache | None):
        return None
    try:
        return KnowledgeBase(**fields), matcher, files
    except TypeError:
        return None


def warm_engine(
    root: Path,
    cache_dir: Path | None,
    today: dt.date | None = None,
    fresh_days: int = DEFAULT_FRESH_DAYS,
    background: bool = False,
) -> Engine:
    """The engine over root: from its snapshot in cache_dir if that is current and intact,
    else loaded, validated and indexed, and then kept as the snapshot (raises
    KnowledgeError like Engine.load). cache_dir None: no snapshot at all. background: the
    snapshot is written by a thread while the caller goes on (the bot starts polling)."""
    if cache_dir is None:
        return Engine.load(root, today, fresh_days)
    path = snapshot_path(cache_dir, root)
    key = knowledge_key(root, dt.date.today())
    loaded = load(path, key) if key is not None else None
    if loaded is not None:
        kb, matcher, files = loaded
        return Engine.build(kb, today, fresh_days, matcher=matcher, files=files)
    engine = Engine.load(root, today, fresh_days, files=FileCache())
    if background:
        threading.Thread(
            target=keep, args=(path, key, engine, root), name="snapshot", daemon=True
        ).start()
    else:
        keep(path, key, engine, root)
    return engine


def keep(path: Path, key: bytes | None, engine: Engine, root: Path) -> bool:
    """Save the engine's snapshot if the files are still what key says (an edit during the
    load would make it a snapshot of other files); a failure is logged, never raised."""
    if key is None or knowledge_key(root, dt.date.today()) != key:
        return False
    try:
        save(path, key, engine.kb, engine.matcher, engine.files)
    except (OSError, pickle.PicklingError, RecursionError, RuntimeError) as exc:
        # RuntimeError: a cache of the engine grew while a thread wrote it; kept next time.
        # A cache folder that cannot be made is the data folder's problem, reported there.
        log = logger.warning if path.parent.is_dir() else logger.debug
        log("the knowledge's snapshot could not be written: %s", exc)
        return False
    return True
