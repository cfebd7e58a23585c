"""Hot reload: edit, break, fix and delete knowledge while questions keep being answered."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
import weakref
from pathlib import Path

import pytest
from helpers.knowledge import add_term

from bot import pieces, snapshot
from bot.engine import Engine
from bot.newsroom import reload
from bot.newsroom.reload import Reloader


def break_glossary(root: Path) -> None:
    path = root / "glossary.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("short:", "shrot:", 1), "utf-8")


@pytest.mark.parametrize("child", [False, True], ids=["in this process", "in a child process"])
def test_valid_changes_go_live_and_broken_ones_never_do(
    kb_copy: Path, tmp_path: Path, child: bool
) -> None:
    cache = tmp_path / "cache" if child else None
    reloader = Reloader(kb_copy, Engine.load(kb_copy), cache_dir=cache, child_from_bytes=0)
    assert reloader.check().changed is False

    add_term(kb_copy)
    result = reloader.check()
    assert result.swapped
    assert reloader.engine.answer("Was ist Weltraumschrott?").title == "Weltraumschrott"

    break_glossary(kb_copy)
    result = reloader.check()
    assert not result.swapped
    assert any(str(p).startswith("knowledge/glossary.yaml:") for p in result.problems)
    # the last good knowledge keeps answering, new term included
    assert reloader.engine.answer("Was ist Weltraumschrott?").title == "Weltraumschrott"

    path = kb_copy / "glossary.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("shrot:", "short:", 1), "utf-8")
    result = reloader.check()
    assert result.swapped and result.recovered
    if cache is not None:  # the child kept what it loaded: the next start reads it
        key = snapshot.knowledge_key(kb_copy, dt.date.today())
        assert key is not None
        loaded = snapshot.load(snapshot.snapshot_path(cache, kb_copy), key)
        assert loaded is not None and loaded[0].by_name("Weltraumschrott") is not None


def test_a_vanished_folder_keeps_the_last_good_knowledge(kb_copy: Path) -> None:
    reloader = Reloader(kb_copy, Engine.load(kb_copy))
    shutil.rmtree(kb_copy)
    result = reloader.check()
    assert result.changed and not result.swapped and result.problems
    assert reloader.engine.answer("Was sind Sanktionen?").title == "Sanktionen"


def test_a_link_in_a_circle_is_reported_with_its_file_and_line(kb_copy: Path) -> None:
    reloader = Reloader(kb_copy, Engine.load(kb_copy))
    (kb_copy / "articles" / "loop.yaml").symlink_to("loop.yaml")
    result = reloader.check()
    assert result.changed and not result.swapped
    assert [str(p).split(" - ")[0] for p in result.problems] == [
        "knowledge/articles/loop.yaml:1: the file is a link in a circle (it leads back to itself)"
    ]


def test_questions_are_answered_throughout_edits(kb_copy: Path) -> None:
    reloader = Reloader(kb_copy, Engine.load(kb_copy))
    stop = threading.Event()
    answers: list[tuple[str, str | None]] = []
    errors: list[str] = []

    def ask_in_a_loop() -> None:
        while not stop.is_set():
            engine = reloader.engine  # one read: a whole, consistent engine
            reply = engine.answer("Was sind Sanktionen?")
            if reply.text == engine.kb.texts.text("error"):
                errors.append("error reply")
            answers.append((reply.kind, reply.title))

    thread = threading.Thread(target=ask_in_a_loop)
    thread.start()
    try:
        for _ in range(3):
            add_term(kb_copy)
            reloader.check()
            break_glossary(kb_copy)
            reloader.check()
            (kb_copy / "sources.yaml").unlink()
            reloader.check()
            shutil.copy(Path(__file__).parent.parent / "knowledge" / "sources.yaml", kb_copy)
            shutil.copy(Path(__file__).parent.parent / "knowledge" / "glossary.yaml", kb_copy)
            assert reloader.check().swapped
    finally:
        stop.set()
        thread.join()
    assert not errors
    assert answers
    assert set(answers) == {("term", "Sanktionen")}


def test_a_replaced_engine_is_taken_apart_only_when_nothing_uses_it(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reload, "RETIRE_GRACE", 0.0)
    in_use = Engine.load(kb_copy)
    assert reload.retire([in_use]) is False  # a reader still holds it: left alone
    assert in_use.answer("Was sind Sanktionen?").title == "Sanktionen"

    holder = [Engine.load(kb_copy)]
    index = holder[0].matcher.index  # (a cycle through the composer's cache keeps it alive)
    assert reload.retire(holder) is True
    assert holder == [] and index.postings == {} and index.instances == []


def test_dismantle_empties_the_large_containers_and_holds_the_rest(kb_copy: Path) -> None:
    engine = Engine.load(kb_copy)
    assert len(engine.matcher.index.postings) > pieces.PIECE
    remains = pieces.dismantle(engine)
    assert engine.matcher.index.postings == {}
    assert engine.matcher.index.instances == []
    pieces.release(remains)
    assert remains == []
    # a tuple cannot be emptied: its items are held, to be released after it
    entries = tuple([n] for n in range(2 * pieces.PIECE))
    remains = pieces.dismantle({"entries": entries})
    assert len(remains) == len(entries) and remains[0] is entries[0]


def test_a_replaced_engine_is_freed_by_reference_counting(kb_copy: Path) -> None:
    # The composer's cache of its own method made a cycle that gc.freeze() kept for good.
    engine = Engine.load(kb_copy)
    engine.answer("Warum gibt es Sanktionen?")  # fills the composer's caches
    index = weakref.ref(engine.matcher.index)
    Engine.load(kb_copy)  # another build freezes whatever is alive
    del engine
    assert index() is None


def test_small_knowledge_is_reloaded_in_this_process(kb_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    reloader = Reloader(kb_copy, Engine.load(kb_copy), cache_dir=cache)
    add_term(kb_copy)
    assert reloader.check().swapped
    assert reloader.engine.answer("Was ist Weltraumschrott?").title == "Weltraumschrott"
    assert not cache.exists()  # no child was started, so no snapshot written
