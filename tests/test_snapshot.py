"""The warm start: a snapshot is used only when it is current and intact, and the bot answers
the same with it as without it. Large containers are written and read in small pieces."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import pickle
import struct
import subprocess
import sys
import threading
from array import array
from pathlib import Path

import pytest
import yaml
from helpers.knowledge import add_term

from bot import pieces, snapshot
from bot.engine import Engine

DATA = Path(__file__).resolve().parent / "data"


def questions() -> list[str]:
    """The real children's questions of the working set, the fresh ones and a few more."""
    asked = [
        item["q"]
        for name in ("questions_real.yaml", "questions_fresh.yaml")
        for item in yaml.safe_load((DATA / name).read_text(encoding="utf-8")) or []
        if isinstance(item, dict) and isinstance(item.get("q"), str)
    ]
    return [*asked, "Was sind Sanktionen?", "wer is kim jong", "hallo", "Was gibt's Neues?"]


def snapshot_file(cache: Path) -> Path:
    [path] = cache.glob("*.snapshot")
    return path


def key_of(root: Path) -> bytes:
    key = snapshot.knowledge_key(root, dt.date.today())
    assert key is not None
    return key


def replies(engine: Engine) -> list[dict[str, object]]:
    return [engine.answer(q).to_json() for q in questions()]


def test_a_current_snapshot_is_used_and_answers_like_a_fresh_load(
    kb_copy: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    fresh = snapshot.warm_engine(kb_copy, cache)  # nothing kept yet: loads and keeps
    path = snapshot_file(cache)
    loaded = snapshot.load(path, key_of(kb_copy))
    assert loaded is not None
    kb, matcher, files = loaded
    assert kb.get("t:sanktionen") == fresh.kb.get("t:sanktionen")
    warm = Engine.build(kb, matcher=matcher, files=files)
    assert replies(warm) == replies(fresh)
    assert len(questions()) > 30


def test_the_file_readings_come_back_sharing_the_entries_and_documents(
    kb_copy: Path, tmp_path: Path
) -> None:
    # The readings hold the same entries as the knowledge and each file's document once:
    # copies would double the memory, and problems added to a copy would be lost.
    cache = tmp_path / "cache"
    snapshot.warm_engine(kb_copy, cache)
    loaded = snapshot.load(snapshot_file(cache), key_of(kb_copy))
    assert loaded is not None
    kb, _, files = loaded
    assert files is not None
    glossary = files.files[kb_copy / "glossary.yaml"]
    terms = glossary.value
    assert isinstance(terms, list) and terms
    for term, lines in terms:
        assert kb.get(term.ref) is term
        assert lines.doc is glossary.reading.docs[0]
    assert all(ref.doc is glossary.reading.docs[0] for ref in glossary.reading.refs)


def test_an_edit_makes_the_snapshot_stale_and_the_edit_is_answered(
    kb_copy: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    snapshot.warm_engine(kb_copy, cache)
    before = key_of(kb_copy)
    add_term(kb_copy)
    assert key_of(kb_copy) != before
    assert snapshot.load(snapshot_file(cache), key_of(kb_copy)) is None
    engine = snapshot.warm_engine(kb_copy, cache)
    assert engine.answer("Was ist Weltraumschrott?").title == "Weltraumschrott"
    assert snapshot.load(snapshot_file(cache), key_of(kb_copy)) is not None  # rebuilt


@pytest.mark.parametrize("damage", ["truncated", "garbage", "flipped byte", "other version"])
def test_a_damaged_or_foreign_snapshot_is_ignored_and_rebuilt(
    kb_copy: Path, tmp_path: Path, damage: str
) -> None:
    cache = tmp_path / "cache"
    fresh = snapshot.warm_engine(kb_copy, cache)
    path = snapshot_file(cache)
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(os.urandom(len(data)))
    elif damage == "flipped byte":
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    else:  # the same knowledge, written by another program (its source hashes differently)
        other = bytes(b ^ 1 for b in key_of(kb_copy))
        snapshot.save(path, other, fresh.kb, fresh.matcher)
    assert snapshot.load(path, key_of(kb_copy)) is None
    rebuilt = snapshot.warm_engine(kb_copy, cache)
    assert replies(rebuilt) == replies(fresh)
    assert snapshot.load(path, key_of(kb_copy)) is not None


def test_the_key_covers_the_program_the_day_and_the_folder(kb_copy: Path, tmp_path: Path) -> None:
    today = dt.date.today()
    key = snapshot.knowledge_key(kb_copy, today)
    assert key == snapshot.knowledge_key(kb_copy, today)
    assert key != snapshot.knowledge_key(kb_copy, today + dt.timedelta(days=1))
    other = tmp_path / "elsewhere" / "knowledge"
    other.parent.mkdir()
    kb_copy.rename(other)
    assert snapshot.knowledge_key(other, today) != key
    assert snapshot.program_version() in {snapshot.program_version()}  # computed once, kept


def test_a_snapshot_that_would_build_anything_else_is_refused(tmp_path: Path) -> None:
    stream = io.BytesIO()
    pieces.dump((os.system, "echo unsafe"), stream)
    stream.seek(0)
    with pytest.raises(pieces.SnapshotError, match="may not build"):
        pieces.load(stream)


def test_large_containers_are_written_in_pieces_and_stay_shared() -> None:
    shared = list(range(5 * pieces.PIECE))
    big = {f"k{i}": [(i, i)] * (i % 3) for i in range(3 * pieces.PIECE)}
    big["long"] = [(n, n) for n in range(4 * pieces.PIECE)]
    value = {"a": shared, "b": shared, "big": big, "small": (1, 2, 3)}
    stream = io.BytesIO()
    pieces.dump(value, stream)
    stream.seek(0)
    back = pieces.load(stream)
    assert back == value
    assert isinstance(back, dict) and back["a"] is back["b"]
    # the long list went out in pieces: no record holds it whole
    records = record_sizes(stream.getvalue())
    assert max(records) < len(pickle.dumps(big["long"])) / 2
    assert len(records) > 10


def test_large_typed_arrays_are_written_raw_and_read_back_whole(tmp_path: Path) -> None:
    table = array("q", range(pieces.RAW_FROM // 8 + 5))
    small = array("q", [1, 2, 3])
    value = {"a": table, "b": table, "small": small}
    path = tmp_path / "stream"
    with path.open("wb") as out:
        pieces.dump(value, out)
    data = path.read_bytes()
    assert table.tobytes() in data  # raw: the array's own bytes, not a pickle of them
    with path.open("rb") as stream:
        back = pieces.load(stream)
    assert isinstance(back, dict) and back == value and back["a"] is back["b"]
    path.write_bytes(data[: len(data) // 2])
    with path.open("rb") as stream, pytest.raises(pieces.SnapshotError):
        pieces.load(stream)


def record_sizes(data: bytes) -> list[int]:
    """The size of every record of a stream pieces.dump wrote."""
    header = struct.Struct("<BQI")
    sizes, offset = [], 0
    while offset < len(data):
        _, _, length = header.unpack_from(data, offset)
        sizes.append(length)
        offset += header.size + length
    return sizes


def ask(root: Path, cwd: Path, env: dict[str, str]) -> list[dict[str, object]]:
    """`newsbot ask --json` over every question, one line each, as parsed JSON."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "TELEGRAM_"))}
    run = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--kb", str(root)],
        input="\n".join(questions()) + "\n",
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**clean, **env},
        check=True,
        timeout=300,
    )
    return [json.loads(line) for line in run.stdout.splitlines()]


def test_ask_answers_identically_with_and_without_a_snapshot(kb_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    without = ask(kb_copy, tmp_path, {"NEWSBOT_SNAPSHOT": "off"})
    assert not cache.exists()
    first = ask(kb_copy, tmp_path, {"NEWSBOT_CACHE_DIR": str(cache)})  # loads, keeps
    written = snapshot_file(cache).stat().st_mtime_ns
    warm = ask(kb_copy, tmp_path, {"NEWSBOT_CACHE_DIR": str(cache)})  # reads the snapshot
    assert snapshot_file(cache).stat().st_mtime_ns == written  # used, not rewritten
    assert len(without) == len(questions())
    assert warm == without
    assert first == without


def test_a_snapshot_written_in_the_background_is_used_next_time(
    kb_copy: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    engine = snapshot.warm_engine(kb_copy, cache, background=True)
    assert engine.answer("Was sind Sanktionen?").title == "Sanktionen"  # answers at once
    for thread in threading.enumerate():
        if thread.name == "snapshot":
            thread.join()
    assert snapshot.load(snapshot_file(cache), key_of(kb_copy)) is not None
