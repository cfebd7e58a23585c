"""The Telegram handlers: real Updates through Application.process_update, no network.

Every API call is answered by the in-process FakeTelegram, which refuses what Telegram
refuses (invalid HTML, long texts, long callback_data, ...); any other address fails the
test (FakeBotApiRequest), and polling is impossible (OfflineRequest).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from helpers.answers import unsure_question
from helpers.api import BOT_USERNAME
from helpers.application import Bot, settings_for, start_bot, state, stop_bot
from helpers.clock import TODAY
from helpers.replies import buttons_of, text_of
from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.engine import Engine
from bot.refs import deep_link_action
from bot.telegram.app import build_application
from bot.telegram.context import STATE_KEY
from bot.telegram.processor import ChatOrderedProcessor
from bot.telegram.retry import RetryingRateLimiter
from bot.telegram.state import Chats, ChatState


def welcome_text(bot: Bot) -> str:
    return state(bot).engine.kb.texts.text("welcome", bot=f"@{BOT_USERNAME}")


# ---- commands ----------------------------------------------------------------------------------


async def test_start_welcomes_and_the_german_command_menu_is_registered(bot: Bot) -> None:
    chat = bot.fake.private_chat(1)
    (welcome,) = await bot.say(chat, "/start")
    assert text_of(welcome) == welcome_text(bot)
    assert f"In einer Gruppe antworte ich, wenn jemand @{BOT_USERNAME} und" in text_of(welcome)
    (menu,) = bot.fake.recorded("setMyCommands")
    assert [c["command"] for c in menu.params["commands"]] == [
        "start",
        "hilfe",
        "news",
        "begriffe",
        "quellen",
        "abo",
        "abo_aus",
        "datenschutz",
    ]
    assert all(c["description"] for c in menu.params["commands"])


@pytest.mark.parametrize(
    ("command", "key"),
    [
        ("/hilfe", "help"),
        ("/help", "help"),
        ("/datenschutz", "privacy"),
        ("/gibtsnicht", "unknown_command"),
    ],
)
async def test_text_commands_answer_with_their_bot_text(bot: Bot, command: str, key: str) -> None:
    (reply,) = await bot.say(bot.fake.private_chat(2), command)
    assert text_of(reply) == state(bot).engine.kb.texts.text(key)


async def test_quellen_lists_every_source_as_a_button(bot: Bot) -> None:
    (reply,) = await bot.say(bot.fake.private_chat(3), "/quellen")
    sources = state(bot).engine.kb.sources
    assert buttons_of(reply) == [(s.name, s.ref) for s in sources]
    (dpa,) = await bot.press(reply, "dpa")
    source = state(bot).engine.kb.by_name("dpa")
    # The title, then what dpa is in simple words; its full name only after that.
    assert text_of(dpa).startswith(f"dpa\n{source.short}")
    assert "Deutsche Presse-Agentur" in text_of(dpa).split(source.short, 1)[1]


@pytest.mark.parametrize(
    ("payload", "title"),
    [
        ("begriff_sanktionen", "Sanktionen"),
        ("quelle_dpa", "dpa"),
        ("artikel_putin-kim-treffen", "Schickt Nordkorea jetzt Waffen nach Russland?"),
    ],
)
async def test_deep_links_open_an_entry_directly(bot: Bot, payload: str, title: str) -> None:
    (reply,) = await bot.say(bot.fake.private_chat(4), f"/start {payload}")
    assert text_of(reply).startswith(title + "\n")


def test_unknown_deep_links_are_no_action() -> None:
    assert deep_link_action("begriff_") is None
    assert deep_link_action("something") is None
    assert deep_link_action("news") == "news"


@pytest.mark.parametrize("payload", ["begriff_gibtsnicht", "quatsch", "artikel_"])
async def test_a_deep_link_to_nothing_known_gets_the_welcome(bot: Bot, payload: str) -> None:
    (reply,) = await bot.say(bot.fake.private_chat(5), f"/start {payload}")
    assert text_of(reply) == welcome_text(bot)


# ---- questions, buttons and context ------------------------------------------------------------


async def test_a_question_gets_html_with_a_link_and_follow_up_buttons(bot: Bot) -> None:
    (reply,) = await bot.say(bot.fake.private_chat(10), "was sind sanktionen")
    html = reply.params["text"]
    assert html.startswith("<b>Sanktionen</b>\n")
    assert '<a href="https://www.hanisauland.de/' in html
    assert reply.params["parse_mode"] == "HTML"
    assert reply.params["link_preview_options"]["url"].startswith("https://www.hanisauland.de/")
    labels = [label for label, _ in buttons_of(reply)]
    assert labels[0] == "Mehr erfahren"
    assert "Völkerrecht" in labels
    assert all(len(data.encode()) <= 64 for _, data in buttons_of(reply))


async def test_an_article_offers_where_it_comes_from_and_more(bot: Bot) -> None:
    chat = bot.fake.private_chat(11)
    (article,) = await bot.say(chat, "Putin Kim Treffen")
    labels = [label for label, _ in buttons_of(article)]
    assert labels[:2] == ["Mehr erfahren", "Woher wissen wir das?"]
    (sources,) = await bot.press(article, "Woher wissen wir das?")
    assert "Das sind die Quellen" in text_of(sources)
    assert ("dpa", "s:dpa") in buttons_of(sources)
    (more,) = await bot.press(article, "Mehr erfahren")
    assert "Wostotschny" in text_of(more)


async def test_typed_follow_ups_refer_to_what_the_chat_saw_last(bot: Bot) -> None:
    chat = bot.fake.private_chat(12)
    other = bot.fake.private_chat(13)
    await bot.say(chat, "Putin Kim Treffen")
    (sources,) = await bot.say(chat, "Woher wisst ihr das?")
    assert "Schickt Nordkorea" in text_of(sources)
    (more,) = await bot.say(chat, "mehr")
    assert "Wostotschny" in text_of(more)
    (lost,) = await bot.say(other, "mehr")
    assert text_of(lost) == state(bot).engine.kb.texts.text("no_context")


async def test_meinst_du_offers_the_candidates_and_nichts_davon(bot: Bot) -> None:
    engine = state(bot).engine
    question = unsure_question(engine)
    (reply,) = await bot.say(bot.fake.private_chat(14), question)
    expected = engine.answer(question)
    assert text_of(reply) == expected.text
    labels = [label for label, _ in buttons_of(reply)]
    assert labels == [s.title for s in expected.suggestions] + ["Nichts davon"]
    (chosen,) = await bot.press(reply, labels[0])
    assert text_of(chosen).startswith(labels[0])


async def recorded(bot: Bot, reason: str) -> list[tuple[str, int]]:
    """The questions the store holds for a reason: (cleaned question, count)."""
    assert bot.store is not None
    return [(a.question, a.count) for a in await bot.store.asked(7) if a.reason == reason]


async def test_nichts_davon_records_the_question_once(bot: Bot) -> None:
    chat = bot.fake.private_chat(15)
    question = unsure_question(state(bot).engine)
    (older,) = await bot.say(chat, question)
    (offer,) = await bot.say(chat, f"{question} 2023?")  # a year the knowledge names
    (answer,) = await bot.press(older, "Nichts davon")  # an older offer: its question is gone
    assert await recorded(bot, "nothing") == []
    assert text_of(answer) == state(bot).engine.kb.texts.text("unknown")
    await bot.press(offer, "Nichts davon")
    await bot.press(offer, "Nichts davon")
    assert await recorded(bot, "nothing") == [(f"{question} ?", 1)]  # cleaned: no numbers


async def test_questions_are_recorded_but_never_logged(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    chat = bot.fake.private_chat(16)
    question = unsure_question(state(bot).engine)
    (offer,) = await bot.say(chat, question)
    await bot.press(offer, "Nichts davon")
    await bot.say(chat, "Wer gewinnt die Bundesliga?")
    assert await recorded(bot, "nothing") == [(question, 1)]
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot."))
    assert "Bundesliga" not in ours and question not in ours
    assert "recorded a question" in ours


async def test_every_button_press_is_answered_even_for_unknown_buttons(bot: Bot) -> None:
    chat = bot.fake.private_chat(17)
    (news,) = await bot.say(chat, "/news")
    message = news.result
    for data in ("t:gibt-es-nicht", "more:t:weg", "src:weg", "x" * 64, "g:999"):
        bot.fake.press(message, data)
        calls = await bot.feed(bot.fake.take_last_update())
        assert calls[0].method == "answerCallbackQuery" and calls[0].ok
        assert all(c.ok for c in calls)
    assert bot.fake.unanswered_queries() == []


async def test_news_lists_the_latest_articles_newest_first_without_expired(kb_copy: Path) -> None:
    articles = kb_copy / "articles"
    for name, date, expires in [
        ("neu", "2026-11-20", None),
        ("mittel", "2026-10-01", "2027-01-01"),
        ("abgelaufen", "2026-11-21", "2026-11-22"),
    ]:
        text = (
            f"id: {name}\ntitle: Artikel {name}\ndate: {date}\nurl: https://example.org/{name}\n"
            f"summary: Kurz {name}.\ndetails: Lang {name}.\nquestions: [Was ist mit {name}?]\n"
        )
        if expires:
            text += f"expires: {expires}\n"
        (articles / f"{name}.yaml").write_text(text, encoding="utf-8")
    bot = await start_bot(Engine.load(kb_copy, today=TODAY))
    try:
        (reply,) = await bot.say(bot.fake.private_chat(20), "/news")
        assert [data for _, data in buttons_of(reply)] == [
            "a:neu",
            "a:mittel",
            "a:putin-kim-treffen",
        ]
        (article,) = await bot.press(reply, "Artikel neu")
        assert text_of(article).startswith("Artikel neu\nKurz neu.")
    finally:
        await stop_bot(bot)


async def test_begriffe_pages_through_the_glossary_in_one_message(bot: Bot) -> None:
    chat = bot.fake.private_chat(21)
    (first,) = await bot.say(chat, "/begriffe")
    assert "Seite 1 von 20" in text_of(first)
    assert ("Weiter", "g:2") in buttons_of(first)
    assert await bot.press(first, "Weiter") == []  # no new message: the page is edited
    edited = bot.fake.recorded("editMessageText")[-1]
    assert edited.ok and "Seite 2 von 20" in text_of(edited)
    shown = bot.fake.message(21, first.result["message_id"])
    assert ("Zurück", "g:1") in [
        (b["text"], b["callback_data"]) for r in shown["reply_markup"]["inline_keyboard"] for b in r
    ]
    # The old "Weiter" pressed again asks for the page on show: Telegram says "not modified".
    assert await bot.press(first, "Weiter") == []
    assert "not modified" in (bot.fake.recorded("editMessageText")[-1].error or "")
    assert not [c for c in bot.fake.sent(21) if "schiefgegangen" in text_of(c)]
    (term,) = await bot.press(first, "Artillerie")
    assert text_of(term).startswith("Artillerie\n")


# ---- groups ------------------------------------------------------------------------------------


GROUP = -100123


@pytest.mark.parametrize(
    ("text", "answered"),
    [
        ("was sind sanktionen", False),
        (f"@{BOT_USERNAME} was sind sanktionen", True),
        (f"Hey @{BOT_USERNAME.upper()}, was sind sanktionen?", True),
        ("@someone_else was sind sanktionen", False),
        ("/news", True),
        (f"/news@{BOT_USERNAME}", True),
        ("/news@other_bot", False),
        ("/gibtsnicht", False),
    ],
)
async def test_in_groups_the_bot_answers_only_commands_and_mentions(
    bot: Bot, text: str, answered: bool
) -> None:
    group = bot.fake.group_chat(GROUP)
    sent = await bot.say(group, text, user=bot.fake.user(7))
    assert bool(sent) == answered
    if sent:  # in a group the answer quotes the question
        assert sent[0].params["reply_parameters"]["message_id"] == bot.last_asked["message_id"]
    if answered and "sanktionen" in text:
        assert text_of(sent[0]).startswith("Sanktionen\n")


async def test_in_groups_replies_to_the_bot_are_answered_and_others_not(bot: Bot) -> None:
    group = bot.fake.group_chat(GROUP)
    user = bot.fake.user(7)
    (answer,) = await bot.say(group, f"@{BOT_USERNAME} Putin Kim Treffen", user=user)
    (more,) = await bot.say(group, "und woher wisst ihr das?", user=user, reply_to=answer.result)
    assert "Das sind die Quellen" in text_of(more)
    someone = bot.fake.send_text(group, "hallo", user=bot.fake.user(8))
    bot.fake.take_last_update()
    assert await bot.say(group, "was sind sanktionen", user=user, reply_to=someone) == []
    sticker = bot.fake.send_sticker(group, user)
    assert sticker and not [c for c in await bot.feed(bot.fake.take_last_update()) if c.ok]


# ---- other kinds of messages -------------------------------------------------------------------


async def test_stickers_get_a_playful_reply_of_their_own(bot: Bot) -> None:
    chat = bot.fake.private_chat(30)
    bot.fake.send_sticker(chat)
    (reply,) = [c for c in await bot.feed(bot.fake.take_last_update()) if c.method == "sendMessage"]
    assert text_of(reply) == state(bot).engine.kb.texts.text("sticker")


async def test_an_edited_question_is_answered_again(bot: Bot) -> None:
    chat = bot.fake.private_chat(31)
    await bot.say(chat, "was sind sanktionen")
    asked = bot.fake.messages[(31, 1)]
    bot.fake.edit_text(asked, "was ist völkerrecht")
    calls = await bot.feed(bot.fake.take_last_update())
    (reply,) = [c for c in calls if c.method == "sendMessage"]
    assert text_of(reply).startswith("Völkerrecht\n")


async def test_inline_mode_offers_up_to_five_entries_to_share(bot: Bot) -> None:
    bot.fake.inline_query(bot.fake.user(40), "sanktionen")
    (call,) = await bot.feed(bot.fake.take_last_update())
    assert call.method == "answerInlineQuery" and call.ok
    results = call.params["results"]
    assert 1 <= len(results) <= 5
    first = results[0]
    assert first["title"] == "Sanktionen"
    assert first["description"].startswith("Sanktionen sind Strafen")
    content = first["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert '<a href="https://www.hanisauland.de/' in content["message_text"]
    (button,) = first["reply_markup"]["inline_keyboard"][0]
    assert button["url"] == f"https://t.me/{BOT_USERNAME}?start=begriff_sanktionen"
    assert deep_link_action("begriff_sanktionen") == "t:sanktionen"


async def test_an_empty_inline_query_offers_the_news_and_nonsense_nothing(bot: Bot) -> None:
    bot.fake.inline_query(bot.fake.user(41), "")
    (call,) = await bot.feed(bot.fake.take_last_update())
    assert [r["id"] for r in call.params["results"]] == ["article:putin-kim-treffen"]
    bot.fake.inline_query(bot.fake.user(41), "qwrtzp xyzzy")
    (call,) = await bot.feed(bot.fake.take_last_update())
    texts = state(bot).engine.kb.texts
    (nothing,) = call.params["results"]
    assert nothing["title"] == texts.text("inline_nothing_title")
    (button,) = nothing["reply_markup"]["inline_keyboard"][0]
    assert button["url"] == f"https://t.me/{BOT_USERNAME}"


# ---- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "description", "error", "kind_message"),
    [
        (400, "Bad Request: chat not found", BadRequest, True),
        (403, "Forbidden: bot was blocked by the user", Forbidden, False),
        (429, "Too Many Requests: retry after 1", RetryAfter, True),
        # Telegram failing (after the retries of the rate limiter, which this bot has not):
        # one line in the log, and no second message that would fail the same way.
        (500, "Internal Server Error", NetworkError, False),
        (502, "Bad Gateway", NetworkError, False),
    ],
)
async def test_a_telegram_error_is_logged_and_the_next_update_is_answered(
    bot: Bot,
    caplog: pytest.LogCaptureFixture,
    status: int,
    description: str,
    error: type[Exception],
    kind_message: bool,
) -> None:
    caplog.set_level(logging.INFO)
    chat = bot.fake.private_chat(60)
    retry_after = 1 if status == 429 else None
    bot.fake.fail("sendMessage", status, description, retry_after=retry_after, chat_id=60)
    sent = await bot.say(chat, "was sind sanktionen")
    kind = state(bot).engine.kb.texts.text("error")
    assert [text_of(c) for c in sent] == ([kind] if kind_message else [])
    logged = [r for r in caplog.records if r.name == "bot.telegram.app"]
    if kind_message:
        (record,) = [r for r in logged if r.levelno == logging.ERROR]
        assert record.exc_info and type(record.exc_info[1]) is error
    else:
        level = logging.INFO if status == 403 else logging.WARNING
        assert [(r.levelno, r.exc_info) for r in logged] == [(level, None)]
    (next_answer,) = await bot.say(chat, "was ist völkerrecht")
    assert text_of(next_answer).startswith("Völkerrecht")


async def test_a_timeout_is_logged_and_nothing_is_sent_after_it(
    bot: Bot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer may have arrived: no "something went wrong" after it (issue 17)."""
    from telegram.error import TimedOut

    chat = bot.fake.private_chat(61)
    original = bot.fake.api
    calls = {"n": 0}

    async def time_out_once(token: str, method: str, params: dict[str, Any]) -> Any:
        if method == "sendMessage" and not calls["n"]:
            calls["n"] += 1
            raise TimedOut("Timed out")
        return await original(token, method, params)

    monkeypatch.setattr(bot.fake, "api", time_out_once)
    sent = await bot.say(chat, "was sind sanktionen")
    assert sent == []
    assert "an answer did not reach Telegram, or may have (TimedOut: Timed out)" in caplog.text


async def test_a_photo_telegram_cannot_fetch_falls_back_to_text(kb_copy: Path) -> None:
    bot = await start_bot(photo_engine(kb_copy))
    try:
        bot.fake.fail("sendPhoto", 400, "Bad Request: wrong file identifier/HTTP URL specified")
        (reply,) = await bot.say(bot.fake.private_chat(62), "Putin Kim Treffen")
        assert reply.method == "sendMessage"
        assert text_of(reply).startswith("Schickt Nordkorea")
    finally:
        await stop_bot(bot)


# ---- articles with photos, long texts, escaping -------------------------------------------------


def photo_engine(kb_copy: Path, summary: str | None = None) -> Engine:
    """The shipped knowledge with an image (and maybe another summary) for the article."""
    path = kb_copy / "articles" / "putin-kim-treffen.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "\nsummary: >-",
        "\nimage:\n  url: https://example.org/putin-kim.jpg\n  credit: Vladimir Smirnov/TASS/dpa\n"
        "  caption: Putin und Kim auf dem Weltraumbahnhof Wostotschny.\nsummary: >-",
    )
    if summary is not None:
        start = text.index("summary: >-")
        end = text.index("details: >-")
        text = text[:start] + f"summary: {summary}\n" + text[end:]
    path.write_text(text, encoding="utf-8")
    return Engine.load(kb_copy, today=TODAY)


async def test_an_article_with_an_image_is_a_photo_with_the_answer_as_caption(
    kb_copy: Path,
) -> None:
    bot = await start_bot(photo_engine(kb_copy))
    try:
        (photo,) = await bot.say(bot.fake.private_chat(70), "Putin Kim Treffen")
        assert photo.method == "sendPhoto"
        assert photo.params["photo"] == "https://example.org/putin-kim.jpg"
        caption = text_of(photo)
        assert caption.startswith("Schickt Nordkorea jetzt Waffen nach Russland?\nDas vermuten")
        assert "Wostotschny" in caption and "Foto: Vladimir Smirnov/TASS/dpa" in caption
        assert buttons_of(photo)[:2] == [
            ("Mehr erfahren", "more:a:putin-kim-treffen"),
            ("Woher wissen wir das?", "src:putin-kim-treffen"),
        ]
    finally:
        await stop_bot(bot)


async def test_a_long_article_answer_comes_after_the_photo(kb_copy: Path) -> None:
    long_summary = " ".join(["Das ist ein langer Satz für die Zusammenfassung."] * 25)
    bot = await start_bot(photo_engine(kb_copy, long_summary))
    try:
        photo, text = await bot.say(bot.fake.private_chat(71), "Putin Kim Treffen")
        assert (photo.method, text.method) == ("sendPhoto", "sendMessage")
        assert "Foto:" in text_of(photo) and not buttons_of(photo)
        assert text_of(text).startswith("Schickt Nordkorea") and buttons_of(text)
    finally:
        await stop_bot(bot)


async def test_knowledge_with_html_characters_and_long_texts_reaches_telegram_intact(
    kb_copy: Path,
) -> None:
    glossary = kb_copy / "glossary"
    glossary.mkdir(exist_ok=True)
    long_more = " ".join(["Dieser Satz steht hier, damit der Text sehr lang wird."] * 85)
    (glossary / "zeichen.yaml").write_text(
        "terms:\n"
        "  - term: Zeichentest\n"
        "    short: 'Ein <b>fett</b> & ein <script>alert(1)</script> sind nur Text, 3 > 2.'\n"
        '    link: https://example.org/suche?a=1&b="2"\n'
        f"    more: {long_more}\n",
        encoding="utf-8",
    )
    bot = await start_bot(Engine.load(kb_copy, today=TODAY))
    try:
        (reply,) = await bot.say(bot.fake.private_chat(72), "Zeichentest")
        assert text_of(reply) == (
            "Zeichentest\nEin <b>fett</b> & ein <script>alert(1)</script> sind nur Text, 3 > 2."
            "\n\nexample.org"
        )
        parts = await bot.press(reply, "Mehr erfahren")
        assert len(parts) == 2 and all(len(text_of(p)) <= 4096 for p in parts)
        assert not buttons_of(parts[0]) and text_of(parts[1]).endswith("example.org")
    finally:
        await stop_bot(bot)


async def test_the_echo_of_a_question_in_a_mention_is_never_rendered_as_html(bot: Bot) -> None:
    group = bot.fake.group_chat(GROUP)
    sent = await bot.say(
        group, f"@{BOT_USERNAME} <b>was</b> & <i>sanktionen", user=bot.fake.user(9)
    )
    assert sent and all(c.ok for c in sent)


# ---- safety ------------------------------------------------------------------------------------


async def test_a_worried_reader_gets_comfort_before_any_facts(bot: Bot) -> None:
    (reply,) = await bot.say(bot.fake.private_chat(80), "Ich habe Angst wegen der Sanktionen")
    worry = state(bot).engine.kb.texts.worries.kind("news")
    assert worry is not None and text_of(reply) == worry.reply  # the news worry's reply
    assert "116 111" in text_of(reply)


@pytest.mark.parametrize("insult", ["du bist doof", "Blöder Bot!!", "du idiot", "ich hasse dich"])
async def test_an_insult_gets_a_calm_reply_that_does_not_repeat_it(bot: Bot, insult: str) -> None:
    (reply,) = await bot.say(bot.fake.private_chat(81), insult)
    calm = next(t for t in state(bot).engine.kb.texts.smalltalk if t.name == "insult").replies
    assert text_of(reply) in calm
    assert not {"doof", "blöd", "idiot", "hasse"} & set(text_of(reply).lower().split())


HOSTILE = [
    "<b>zqmark</b> was sind sanktionen",
    '</a><a href="javascript:alert(1)">zqmark</a>',
    "<script>alert('zqmark')</script>",
    "zqmark &amp; &lt;b&gt; & < > \" '",
    "{title} {date} zqmark {credit}",
    "zqmark'); DROP TABLE questions; --",
    "@newsbot_test_bot <i>zqmark",
    "zqmark\u202e\u0000\ufeff",
]


@pytest.mark.parametrize("text", HOSTILE)
async def test_what_a_reader_types_is_never_echoed(bot: Bot, text: str) -> None:
    chat = bot.fake.private_chat(82)
    sent = await bot.say(chat, text)
    (offer, *_) = sent
    if buttons_of(offer) and buttons_of(offer)[-1][0] == "Nichts davon":
        sent += await bot.press(offer, "Nichts davon")
    calls = bot.fake.recorded(chat_id=82)
    assert calls and all(c.ok for c in calls)  # valid HTML, whatever came in
    for call in calls:
        assert "zqmark" not in str(call.params)
    assert bot.store is not None  # stored as plain text, the tables intact
    assert all("zqmark" in a.question for a in await bot.store.asked(7))
    assert await bot.store.days(7)


# ---- state and concurrency ---------------------------------------------------------------------


def test_chat_state_is_bounded_and_holds_nothing_but_the_conversation() -> None:
    chats = Chats(max_chats=3)
    for chat_id in (1, 2, 3):
        chats.get(chat_id).conversation.last_ref = f"t:{chat_id}"
    chats.get(1)
    chats.get(4)
    assert len(chats) == 3
    assert chats.get(1).conversation.last_ref == "t:1"
    assert chats.get(2).conversation.last_ref is None  # the least recently used was forgotten
    assert set(vars(ChatState())) == {
        "conversation",
        "question",
        "question_message_id",
        "answered",
        "answered_message_id",
    }


async def test_updates_of_one_chat_run_in_order_and_other_chats_meanwhile() -> None:
    processor = ChatOrderedProcessor(8)
    events: list[str] = []
    gate = asyncio.Event()

    def update(chat_id: int) -> Update:
        return Update.de_json(
            {
                "update_id": chat_id,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": chat_id, "type": "private"},
                    "text": "x",
                },
            },
            None,
        )

    async def work(name: str, wait: bool) -> None:
        events.append(f"{name} start")
        if wait:
            await gate.wait()
        events.append(f"{name} end")

    first = asyncio.create_task(processor.process_update(update(1), work("a1", True)))
    second = asyncio.create_task(processor.process_update(update(1), work("a2", False)))
    other = asyncio.create_task(processor.process_update(update(2), work("b", False)))
    await asyncio.wait_for(other, 5)
    assert events == ["a1 start", "b start", "b end"]
    gate.set()
    await asyncio.wait_for(asyncio.gather(first, second), 5)
    assert events[3:] == ["a1 end", "a2 start", "a2 end"]


async def test_a_chat_with_too_many_updates_waiting_loses_the_extra_ones() -> None:
    processor = ChatOrderedProcessor(8, max_waiting=2)
    gate = asyncio.Event()
    done: list[int] = []

    async def work(number: int) -> None:
        await gate.wait()
        done.append(number)

    update = Update.de_json(
        {
            "update_id": 1,
            "message": {"message_id": 1, "date": 0, "chat": {"id": 9, "type": "private"}},
        },
        None,
    )
    tasks = [asyncio.create_task(processor.process_update(update, work(n))) for n in range(4)]
    await asyncio.sleep(0.01)
    gate.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 5)
    assert done == [0, 1]


def test_the_real_application_limits_its_rate_and_orders_updates_per_chat(engine: Engine) -> None:
    application = build_application(settings_for(), engine)
    assert isinstance(application.bot.rate_limiter, RetryingRateLimiter)
    assert isinstance(application.update_processor, ChatOrderedProcessor)
    assert application.bot_data[STATE_KEY].engine is engine
