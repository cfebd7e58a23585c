"""Rendering replies for Telegram: escaping, links, keyboards, and the length limits."""

from __future__ import annotations

import dataclasses
import re

import pytest
from helpers.html import parse_html
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.conversation import Conversation
from bot.engine import Engine
from bot.models import BotTexts, Button, Image, Link, Reply
from bot.telegram.render import (
    CALLBACK_DATA_LIMIT,
    CAPTION_LIMIT,
    TEXT_LIMIT,
    description,
    keyboard,
    render,
    share,
    shorten,
    split_text,
    utf16_length,
    visible_length,
)

SENTENCE = "Das ist ein ganz normaler Satz über Sanktionen und Völkerrecht. "


@pytest.fixture
def texts(engine: Engine) -> BotTexts:
    """The bot texts of the shipped knowledge."""
    return engine.kb.texts


def words(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from([*"abc äöü.!?\n😀&<>", "Satz. ", "Wort ", "\n\n"]), max_size=300).map(
        "".join
    ),
    st.integers(min_value=5, max_value=120),
)
def test_split_text_keeps_every_word_and_stays_within_the_limit(text: str, limit: int) -> None:
    chunks = split_text(text, limit)
    assert all(0 < utf16_length(chunk) <= limit for chunk in chunks)
    assert words("".join(chunks)) == words(text)


def test_split_text_cuts_after_sentences_when_it_can() -> None:
    text = SENTENCE * 100  # about 6300 characters
    chunks = split_text(text, TEXT_LIMIT)
    assert len(chunks) == 2
    assert all(chunk.endswith(".") for chunk in chunks)


def test_split_text_cuts_a_giant_word_and_counts_emoji_as_two() -> None:
    chunks = split_text("😀" * 10, 5)
    assert chunks == ["😀😀", "😀😀", "😀😀", "😀😀", "😀😀"]


def test_shorten_ends_after_a_sentence_with_an_ellipsis() -> None:
    assert shorten("Erster Satz. Zweiter Satz ist lang.", 20) == "Erster Satz. …"
    assert shorten("Kurz.", 20) == "Kurz."


def test_visible_length_counts_what_telegram_counts() -> None:
    assert visible_length('<b>a&amp;b</b> <a href="https://x.org/?a=1&amp;b=2">x</a>') == 5


def test_every_text_is_escaped_and_links_are_real_links(texts: BotTexts) -> None:
    reply = Reply(
        kind="term",
        id="x",
        title="<Titel & Co>",
        text='Ein <script>alert("x")</script> & ein > Zeichen',
        links=(Link("Seite <1>", 'https://example.org/a?b=1&c="2"'),),
    )
    (out,) = render(reply, texts)
    assert parse_html(out.html) == (
        '<Titel & Co>\nEin <script>alert("x")</script> & ein > Zeichen\n\nSeite <1>'
    )
    assert '<a href="https://example.org/a?b=1&amp;c=&quot;2&quot;">' in out.html
    assert out.preview_url == 'https://example.org/a?b=1&c="2"'


def test_a_long_answer_is_split_with_title_first_and_buttons_and_link_last(texts: BotTexts) -> None:
    reply = Reply(
        kind="term",
        id="x",
        title="Titel",
        text=SENTENCE * 150,
        links=(Link("mehr", "https://example.org"),),
        buttons=(Button("Mehr erfahren", "more:t:x"),),
    )
    messages = render(reply, texts)
    assert len(messages) == 3
    for out in messages:
        assert visible_length(out.html) <= TEXT_LIMIT
        parse_html(out.html)
    assert messages[0].html.startswith("<b>Titel</b>")
    assert "<a href" in messages[-1].html and "<a href" not in messages[0].html
    assert [bool(m.keyboard) for m in messages] == [False, False, True]
    assert [m.preview_url for m in messages] == [None, None, "https://example.org"]


def test_short_buttons_pair_up_and_page_turning_comes_last() -> None:
    rows = keyboard(
        [
            Button("Woher wissen wir das?", "src:a"),
            Button("Mehr erfahren", "more:a:a"),
            Button("Sanktionen", "t:sanktionen"),
            Button("Weiter", "g:2"),
            Button("Völkerrecht", "t:voelkerrecht"),
        ]
    )
    labels = [[key.label for key in row] for row in rows]
    assert labels == [
        ["Woher wissen wir das?"],
        ["Mehr erfahren", "Sanktionen"],
        ["Völkerrecht"],
        ["Weiter"],
    ]


def test_a_button_whose_action_is_too_long_for_telegram_is_left_out() -> None:
    rows = keyboard([Button("ok", "t:" + "a" * 62), Button("zu lang", "t:" + "ä" * 32)])
    assert [key.label for row in rows for key in row] == ["ok"]


def test_every_button_of_the_shipped_knowledge_fits_in_callback_data(engine: Engine) -> None:
    replies = [engine.composer.entry(entry) for entry in engine.kb.entries()]
    replies += [engine.composer.more(entry.ref) for entry in engine.kb.entries()]
    replies += [
        engine.press(action, Conversation()) for action in ("news", "sources", "g:1", "g:2")
    ]
    for reply in replies:
        for button in reply.buttons:
            assert len(button.action.encode()) <= CALLBACK_DATA_LIMIT, button
        assert sum(len(row) for row in keyboard(reply.buttons)) == len(reply.buttons)


def _article(summary: str, credit: str | None = "dpa") -> Reply:
    return Reply(
        kind="article",
        id="a",
        title="Schlagzeile",
        text=summary,
        links=(Link("Zum Artikel", "https://example.org/artikel"),),
        buttons=(Button("Woher wissen wir das?", "src:a"),),
        image=Image("Zwei Männer auf einem Bahnhof.", credit, "https://example.org/bild.jpg"),
    )


def test_an_article_photo_carries_the_answer_as_its_caption_when_it_fits(texts: BotTexts) -> None:
    (out,) = render(_article("Kurze Antwort."), texts)
    assert out.photo_url == "https://example.org/bild.jpg"
    plain = parse_html(out.html)
    assert "Kurze Antwort." in plain and "Zwei Männer" in plain and "Foto: dpa" in plain
    assert visible_length(out.html) <= CAPTION_LIMIT
    assert out.keyboard


def test_a_long_article_answer_follows_the_photo_as_text(texts: BotTexts) -> None:
    photo, text = render(_article(SENTENCE * 20), texts)
    assert photo.photo_url and not photo.keyboard
    assert "Foto: dpa" in parse_html(photo.html)
    assert text.photo_url is None and text.keyboard
    assert SENTENCE.strip() in parse_html(text.html)


def test_without_an_image_url_no_photo_is_sent(texts: BotTexts) -> None:
    reply = _article("Kurz.")
    reply = dataclasses.replace(reply, image=Image("Bild", None, None))
    assert [m.photo_url for m in render(reply, texts)] == [None]
    assert [m.photo_url for m in render(_article("Kurz."), texts, photo=False)] == [None]


def test_a_shared_answer_is_one_message_with_a_link_button() -> None:
    reply = Reply(
        kind="term", id="x", title="X", text=SENTENCE * 100, links=(Link("l", "https://e.org"),)
    )
    text, keys = share(reply, "https://t.me/bot?start=begriff_x", "Im Bot öffnen")
    assert visible_length(text) <= TEXT_LIMIT
    assert parse_html(text).endswith("…\n\nl")
    assert keys[0][0].url == "https://t.me/bot?start=begriff_x"
    assert len(description(reply)) <= 100


@pytest.mark.parametrize("question", ["Was sind Sanktionen?", "Putin Kim Treffen", "/news"])
def test_shipped_answers_render_to_valid_telegram_html(engine: Engine, question: str) -> None:
    reply = engine.answer(question)
    for out in render(reply, engine.kb.texts):
        assert re.sub(r"\s+", " ", parse_html(out.html)).strip()
