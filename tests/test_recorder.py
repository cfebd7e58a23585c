"""The recorder writes beside the replies: at once for the caller, failures logged, bounded."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from helpers.clock import TODAY
from helpers.stores import open_database

from bot.models import Reply
from bot.newsroom.recorder import Recorder
from bot.storage.interface import Database

ANSWERED = Reply(kind="term", text="Sanktionen sind Strafen.", id="sanktionen")
NONE = Reply(kind="none", text="Das weiß ich noch nicht.")


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    opened = await open_database(tmp_path, today=lambda: TODAY)
    yield opened
    await opened.close()


async def test_records_are_written_after_the_call_returns(database: Database) -> None:
    recorder = Recorder(database.stats)
    recorder.replied("was sind sanktionen", ANSWERED)
    recorder.replied("Wer gewinnt die Liga?", NONE)
    recorder.nothing("wer hat die pyramiden gebaut")
    recorder.feedback("t:sanktionen", helpful=False, question="sanktionen 2024")
    await recorder.flush()
    stats = database.stats
    assert [(d.answered, d.unanswered) for d in await stats.days(7)] == [(1, 1)]
    asked = {(a.reason, a.question) for a in await stats.asked(7)}
    assert asked == {
        ("unanswered", "Wer gewinnt die Liga?"),
        ("nothing", "wer hat die pyramiden gebaut"),
        ("thumbs_down", "sanktionen"),
    }


async def test_the_bots_own_secrets_never_reach_the_store(database: Database) -> None:
    token, secret = "123456:TEST-token-for-the-fake-api", "webhook-secret-of-the-bot"
    recorder = Recorder(database.stats, secrets=(token, secret))
    recorder.replied(f"was ist {token}", NONE)
    recorder.nothing("was heißt test-token-for-the-fake-api")  # the secret half, any case
    recorder.feedback("t:sanktionen", helpful=False, question=f"und {secret.upper()}?")
    await recorder.flush()
    asked = {(a.reason, a.question) for a in await database.stats.asked(7)}
    assert asked == {("unanswered", "was ist"), ("nothing", "was heißt"), ("thumbs_down", "und ?")}


async def test_a_failing_store_is_logged_and_nobody_waits(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = Recorder(database.stats)
    await database.close()
    recorder.replied("Wer gewinnt die Liga?", NONE)
    await recorder.flush()
    assert "the store could not be written, nothing recorded" in caplog.text
    assert "Liga" not in caplog.text


async def test_a_store_far_behind_drops_records_instead_of_queueing_them(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = Recorder(database.stats, max_pending=3)
    for _ in range(5):
        recorder.replied("was sind sanktionen", ANSWERED)
    await recorder.flush()
    assert [(d.answered, d.unanswered) for d in await database.stats.days(7)] == [(3, 0)]
    assert caplog.text.count("records behind") == 1
    recorder.replied("was sind sanktionen", ANSWERED)  # caught up: counted again
    await recorder.flush()
    assert (await database.stats.days(7))[0].answered == 4


async def test_without_a_store_nothing_is_started(tmp_path: Path) -> None:
    recorder = Recorder()
    recorder.replied("was sind sanktionen", ANSWERED)
    assert not recorder.active
    await asyncio.wait_for(recorder.flush(), 1)
    assert not list(tmp_path.iterdir())
