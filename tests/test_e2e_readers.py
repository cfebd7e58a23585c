"""End to end, the reader's side: the real `newsbot run` against the fake Bot API, as a child
would use it - tapping at a human pace, flooding, double 👍, a class group, /news, "mehr",
/abo, inline mode, stickers and photos.

One bot process serves the module (each test in a chat of its own), over a copy of the
shipped knowledge with one more article that is already past its `expires` date.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.api import BOT_USERNAME, TOKEN
from helpers.knowledge import add_article, copy_knowledge
from helpers.process import START_TIMEOUT, Running, launch, started, stored, wait
from helpers.replies import button, button_rows, buttons_of, text_of
from helpers.server import FakeTelegramServer

from bot.telegram.gate import CAPACITY, COOLDOWN

TODAY = dt.date.today()
QUESTION = "was sind sanktionen"
EXPIRED_TITLE = "Ein Fest im Weltall ist vorbei"


def knowledge_with_an_expired_article(tmp: Path) -> Path:
    knowledge = copy_knowledge(tmp / "knowledge")
    add_article(knowledge, "fest-weltall", TODAY - dt.timedelta(days=3), EXPIRED_TITLE)
    path = knowledge / "articles" / "fest-weltall.yaml"
    yesterday = TODAY - dt.timedelta(days=1)
    path.write_text(
        path.read_text("utf-8") + f"expires: {yesterday.isoformat()}\nkeywords: [Weltallfest]\n",
        "utf-8",
    )
    return knowledge


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """One `newsbot run` (polling, with a data folder) for the tests of this module."""
    tmp = tmp_path_factory.mktemp("readers")
    with FakeTelegramServer() as server:
        bot = launch(
            tmp,
            "readers",
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=server.base_url,
            NEWSBOT_KNOWLEDGE=str(knowledge_with_an_expired_article(tmp)),
            NEWSBOT_LOG_LEVEL="INFO",
        )
        try:
            started(bot, server.fake, "polling")
            yield Running(bot, server.fake, tmp / "data")
        finally:
            code = bot.stop()
        assert code == 0, bot.output()


# ---- the flood gate -----------------------------------------------------------------------------


def test_tapping_word_after_word_is_never_stopped(reader: Running) -> None:
    fake = reader.fake
    (glossary,) = reader.ask(600, "/begriffe")
    words = [
        key["callback_data"]
        for row in glossary.params["reply_markup"]["inline_keyboard"]
        for key in row
        if key["callback_data"].startswith("t:")
    ]
    taps = 25  # more than the old gate's 20 a minute, faster than a child taps
    for tap in range(taps):
        fake.press(glossary.result, words[tap % len(words)])
        time.sleep(0.3)
    answers = reader.new_messages(600, 1, taps, timeout=20)
    reader.settled(600, 1 + taps)
    assert not any(text_of(a).startswith("Puh") for a in answers)
    assert all(
        text_of(a).split("\n")[0] in {label for label, _ in buttons_of(glossary)} for a in answers
    )
    assert fake.unanswered_queries() == []


def test_a_flood_gets_one_notice_a_cooldown_and_then_simply_works(reader: Running) -> None:
    fake = reader.fake
    chat = fake.private_chat(601)
    for _ in range(30):  # dozens of messages within a moment
        fake.send_text(chat, QUESTION)
    replies = reader.new_messages(601, 0, int(CAPACITY) + 1, timeout=20)
    notice = replies[-1]
    assert text_of(notice).startswith("Puh, das waren viele Nachrichten auf einmal!")
    assert all(text_of(r).startswith("Sanktionen") for r in replies[:-1])
    reader.settled(601, int(CAPACITY) + 1)  # the rest of the flood: no answers
    # A tap in the cool-down: no answer message, but the button says why.
    query = fake.press(replies[0].result, "t:voelkerrecht")
    wait(reader.bot, fake, lambda: query not in fake.unanswered_queries())
    (toast,) = [
        c for c in fake.recorded("answerCallbackQuery") if c.params["callback_query_id"] == query
    ]
    assert toast.params["text"] == "Nicht so schnell! In ein paar Sekunden geht es weiter."
    # After the cool-down (a few seconds, not a minute), the next question simply works.
    time.sleep(max(0.0, notice.at + COOLDOWN + 0.2 - time.monotonic()))
    (after,) = reader.ask(601, "was ist völkerrecht")
    assert text_of(after).startswith("Völkerrecht")
    assert after.at - notice.at < COOLDOWN + 5


# ---- 👍/👎 --------------------------------------------------------------------------------------


def test_a_double_thumbs_up_counts_once(reader: Running) -> None:
    fake = reader.fake
    (answer,) = reader.ask(602, "was ist ein satellit")
    ref = button(answer, "👍").removeprefix("fb:+:")
    queries = [fake.press(answer.result, data) for data in (f"fb:+:{ref}", f"fb:+:{ref}")]
    queries.append(fake.press(answer.result, f"fb:-:{ref}"))  # and a 👎 from a second device
    wait(reader.bot, fake, lambda: not set(queries) & set(fake.unanswered_queries()))
    rows = lambda: [r[1:] for r in stored(reader.data, "feedback") if r[1] == ref]  # noqa: E731
    wait(reader.bot, fake, rows)
    time.sleep(0.5)  # no second write arrives
    assert rows() == [(ref, 1, 0)]
    edits = [c for c in fake.recorded("editMessageReplyMarkup") if c.chat_id == 602]
    assert [c.ok for c in edits] == [True]  # the thumbs went once; no "not modified" error
    assert "handling an update failed" not in reader.bot.output()


# ---- groups -------------------------------------------------------------------------------------


def test_added_to_a_class_group_the_bot_says_hello_once(reader: Running) -> None:
    fake = reader.fake
    group = fake.group_chat(-100603, title="Klasse 6b")
    fake.add_bot_to_group(group, fake.user(7))
    (hello,) = reader.new_messages(-100603, 0, 1)
    assert text_of(hello).startswith("Hallo zusammen! Ich bin newsbot.")
    assert f"@{BOT_USERNAME} Was sind Sanktionen?" in text_of(hello)
    fake.send_text(group, "hat jemand die hausaufgaben?", user=fake.user(8))
    fake.send_text(group, f"@{BOT_USERNAME} {QUESTION}", user=fake.user(8))
    (answer,) = reader.new_messages(-100603, 1, 1)
    assert text_of(answer).startswith("Sanktionen")
    reader.settled(-100603, 2)
    (welcome,) = reader.ask(603, "/start")
    assert f"In einer Gruppe antworte ich, wenn jemand @{BOT_USERNAME} und" in text_of(welcome)


# ---- news, answers, "mehr" ----------------------------------------------------------------------


def test_news_from_2023_is_not_called_the_newest_and_shows_full_dates(reader: Running) -> None:
    (news,) = reader.ask(604, "/news")
    text = text_of(news)
    assert text.startswith("Diese Nachrichten kann ich dir erklären")
    assert "neueste" not in text
    assert "Schickt Nordkorea jetzt Waffen nach Russland? (13. September 2023)" in text
    assert EXPIRED_TITLE not in text  # past its expires date: no news ...
    (answer,) = reader.ask(604, "Weltallfest")  # ... but still answered, with its "Stand"
    assert text_of(answer).startswith(EXPIRED_TITLE)
    assert "Stand: " in text_of(answer)


def test_fresh_news_is_the_newest(tmp_path: Path) -> None:
    knowledge = copy_knowledge(tmp_path / "knowledge")
    add_article(knowledge, "frisch", TODAY - dt.timedelta(days=2), "Eine Rakete fliegt zum Mond")
    with FakeTelegramServer() as server:
        bot = launch(
            tmp_path,
            "fresh",
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=server.base_url,
            NEWSBOT_KNOWLEDGE=str(knowledge),
            NEWSBOT_FRESH_DAYS="1",  # two days old is old for this bot ...
        )
        try:
            started(bot, server.fake, "polling")
            running = Running(bot, server.fake, tmp_path / "data")
            (news,) = running.ask(605, "/news")
            assert text_of(news).startswith("Diese Nachrichten kann ich dir erklären")
        finally:
            assert bot.stop() == 0, bot.output()
        bot = launch(
            tmp_path,
            "fresh-default",
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=server.base_url,
            NEWSBOT_KNOWLEDGE=str(knowledge),
        )
        try:  # ... and fresh with the default of 14 days
            running = Running(bot, server.fake, tmp_path / "data")
            (news,) = running.ask(605, "/news", timeout=START_TIMEOUT)
            assert text_of(news).startswith("Das sind die neuesten Nachrichten.")
            day = TODAY - dt.timedelta(days=2)
            assert f"Eine Rakete fliegt zum Mond ({day.day}. " in text_of(news)
        finally:
            assert bot.stop() == 0, bot.output()


def test_an_answer_has_four_buttons_a_site_name_and_one_small_preview(reader: Running) -> None:
    (term,) = reader.ask(606, QUESTION)
    assert '">HanisauLand</a>' in term.params["text"]  # not "www.hanisauland.de"
    options = term.params["link_preview_options"]
    assert options["prefer_small_media"] is True and options["url"].startswith("https://www.")
    (article,) = reader.ask(606, "Putin Kim Treffen")
    rows = button_rows(article)
    assert rows[-1] == ["👍", "👎"]
    others = [label for row in rows[:-1] for label in row]
    assert len(others) <= 4 and others[:2] == ["Mehr erfahren", "Woher wissen wir das?"]


def test_noch_mehr_after_mehr_says_so_and_offers_the_sources(reader: Running) -> None:
    reader.ask(607, "Putin Kim Treffen")
    (more,) = reader.ask(607, "mehr")
    assert "Wostotschny" in text_of(more)
    (nothing,) = reader.ask(607, "noch mehr davon")
    assert "Mehr weiß ich dazu gerade nicht." in text_of(nothing)
    assert "Wostotschny" not in text_of(nothing)
    assert button_rows(nothing) == [["Woher wissen wir das?"]]  # the sources, and no 👍/👎
    (sources,) = reader.press(nothing, "Woher wissen wir das?")
    assert "Das sind die Quellen" in text_of(sources)


# ---- /abo ---------------------------------------------------------------------------------------


def test_abo_refusals_keep_the_time_and_abo_works_without_the_slash(reader: Running) -> None:
    reader.ask(608, "/abo 17:30")
    (refused,) = reader.ask(608, "/abo 22:00")
    assert "Von 20:00 bis 07:00 Uhr ist Ruhezeit." in text_of(refused)
    assert "Dein Abo bleibt bei 17:30 Uhr." in text_of(refused)
    assert any("✓ 17:30" in row for row in button_rows(refused))
    assert any("Abo beenden" in row for row in button_rows(refused))
    (status,) = reader.ask(608, "abo")
    assert text_of(status).startswith("Du hast ein Abo. Ich schicke dir jeden Tag um 17:30 Uhr")
    (stopped,) = reader.ask(608, "Abo aus")
    assert text_of(stopped).startswith("Dein Abo ist beendet.")
    (none,) = reader.ask(608, "/abo_aus")
    assert text_of(none).startswith("Du hast kein Abo.")
    assert button_rows(none) == []  # no "Wieder abonnieren"


# ---- inline mode, stickers, photos --------------------------------------------------------------


def test_an_inline_query_that_finds_nothing_says_so_and_offers_the_bot(reader: Running) -> None:
    fake = reader.fake
    query = fake.inline_query(fake.user(609), "qwrtzp xyzzy")
    wait(reader.bot, fake, lambda: query not in fake.unanswered_queries())
    (answer,) = [
        c for c in fake.recorded("answerInlineQuery") if c.params["inline_query_id"] == query
    ]
    assert answer.ok
    (result,) = answer.params["results"]
    assert result["title"] == "Dazu weiß ich noch nichts"
    (key,) = result["reply_markup"]["inline_keyboard"][0]
    assert key["url"] == f"https://t.me/{BOT_USERNAME}"


def test_a_sticker_gets_a_playful_reply_and_a_photo_its_caption_answered(
    reader: Running,
) -> None:
    fake = reader.fake
    chat = fake.private_chat(610)
    fake.send_sticker(chat)
    (playful,) = reader.new_messages(610, 0, 1)
    assert text_of(playful).startswith("Oh, ein Sticker!")
    fake.send_photo(chat, "was ist völkerrecht")
    (answer,) = reader.new_messages(610, 1, 1)
    assert text_of(answer).startswith("Völkerrecht")
