"""The reader's side of issue 14 in the engine and the handlers: fresh news, link labels,
buttons under an answer, "mehr" that has nothing more, groups, captions, /abo refusals and
"abo" typed without the slash."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers.api import BOT_USERNAME
from helpers.application import Bot, open_store, start_bot, state, stop_bot
from helpers.clock import TODAY
from helpers.knowledge import add_article
from helpers.replies import buttons_of, text_of

from bot.cards import MAX_BUTTONS
from bot.conversation import Conversation
from bot.engine import Engine
from bot.lists import DEFAULT_FRESH_DAYS
from bot.models import Article
from bot.sites import site_label

SITES = {
    "hanisauland.de": "HanisauLand",
    "zdf.de": "ZDF",
    "zdf.de/kinder/logo": "logo!",
    "wdr.de/kinder/radio/kiraka": "WDR KiRaKa",
}


# ---- link labels --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("https://www.hanisauland.de/wissen/lexikon/s/sanktionen", "HanisauLand"),
        ("https://live.hanisauland.de/index.php/node/3077", "HanisauLand"),  # a subdomain
        ("https://zdf.de/kinder/logo/voelkerrecht-100.html", "logo!"),  # the longest key
        ("https://www.zdf.de/kinder/logo", "logo!"),
        ("https://www.zdf.de/kinder/logos-anderswo", "ZDF"),  # a path starts at a "/"
        ("https://www.zdf.de/nachrichten/politik", "ZDF"),
        ("http://www1.wdr.de/kinder/radio/kiraka/hoeren/klicker/nordkorea.html", "WDR KiRaKa"),
        ("https://kinder.wdr.de/tv/neuneinhalb/lexikon.html", "kinder.wdr.de"),  # not listed
        ("https://www.example.org/seite", "example.org"),  # the host without "www."
        ("https://nothanisauland.de/x", "nothanisauland.de"),  # no look-alike
    ],
)
def test_a_link_is_labelled_with_the_sites_name(url: str, label: str) -> None:
    assert site_label(url, SITES) == label


def test_most_links_of_the_shipped_knowledge_get_a_sites_name(engine: Engine) -> None:
    sites = engine.kb.texts.sites
    links = [e.link for e in engine.kb.entries() if not isinstance(e, Article)]
    named = [url for url in links if site_label(url, sites) != site_label(url, {})]
    assert len(named) >= 0.8 * len(links)  # the rest are labelled by their host
    assert all(site_label(url, sites) for url in links)
    assert site_label("https://www1.wdr.de/kinder/radio/kiraka/x.html", sites) == "WDR KiRaKa"


def test_term_answers_name_the_site_not_a_bare_host(engine: Engine) -> None:
    reply = engine.answer("was sind sanktionen")
    assert [link.label for link in reply.links] == ["HanisauLand"]


# ---- buttons and "mehr" -------------------------------------------------------------------------


def test_no_answer_has_more_than_four_buttons_and_mehr_comes_first(engine: Engine) -> None:
    for entry in engine.kb.entries():
        reply = engine.composer.entry(entry)
        assert len(reply.buttons) <= MAX_BUTTONS, entry.ref
        more = engine.composer.more(entry.ref)
        assert len(more.buttons) <= MAX_BUTTONS, entry.ref
    article = engine.composer.entry(engine.kb.articles[0])
    assert [b.label for b in article.buttons[:2]] == ["Mehr erfahren", "Woher wissen wir das?"]


def test_noch_mehr_after_mehr_says_so_and_offers_the_sources(engine: Engine) -> None:
    texts = engine.kb.texts
    chat = Conversation()
    engine.answer("Putin Kim Treffen", chat)
    more = engine.answer("mehr", chat)
    assert "Wostotschny" in more.text
    again = engine.answer("noch mehr davon", chat)
    assert again.text == texts.text("no_more")
    assert [(b.label, b.action) for b in again.buttons] == [
        ("Woher wissen wir das?", "src:putin-kim-treffen")
    ]
    assert [link.label for link in again.links] == ["Zum Artikel"]
    assert again.ref is None  # no 👍/👎 under "nothing more"
    # The same by button, and for a term: its page, labelled with the site's name.
    press = engine.press("more:t:sanktionen", chat)
    assert "Vereinten Nationen" in press.text
    nothing = engine.press("more:t:sanktionen", chat)
    assert nothing.text == texts.text("no_more")
    assert [link.label for link in nothing.links] == ["HanisauLand"]


def test_after_another_entry_mehr_shows_the_details_again(engine: Engine) -> None:
    chat = Conversation()
    engine.answer("Putin Kim Treffen", chat)
    engine.answer("mehr", chat)
    engine.answer("was sind sanktionen", chat)
    engine.answer("Putin Kim Treffen", chat)
    assert "Wostotschny" in engine.answer("mehr", chat).text


# ---- /news: fresh or not ------------------------------------------------------------------------


def news_engine(knowledge: Path, *articles: tuple[str, dt.date, dt.date | None]) -> Engine:
    for id_, day, expires in articles:
        add_article(knowledge, id_, day, f"Artikel {id_}")
        if expires is not None:
            path = knowledge / "articles" / f"{id_}.yaml"
            path.write_text(path.read_text("utf-8") + f"expires: {expires}\n", "utf-8")
    return Engine.load(knowledge, today=TODAY)


def test_news_says_neueste_only_while_the_newest_article_is_fresh(kb_copy: Path) -> None:
    engine = news_engine(kb_copy, ("frisch", TODAY - dt.timedelta(days=3), None))
    texts = engine.kb.texts
    fresh = engine.press("news")
    assert fresh.text.startswith(texts.text("news_intro"))
    assert "neuesten" in fresh.text
    assert f"• Artikel frisch ({(TODAY - dt.timedelta(days=3)).day}. November 2026)" in fresh.text
    old = Engine.load(kb_copy, today=TODAY + dt.timedelta(days=DEFAULT_FRESH_DAYS + 4))
    stale = old.press("news")
    assert stale.text.startswith("Diese Nachrichten kann ich dir erklären")
    assert "neueste" not in stale.text
    assert "13. September 2023" in stale.text  # full dates


def test_the_shipped_article_from_2023_is_no_neueste(engine: Engine) -> None:
    reply = engine.press("news")
    assert reply.text.startswith("Diese Nachrichten kann ich dir erklären")
    assert "• Schickt Nordkorea jetzt Waffen nach Russland? (13. September 2023)" in reply.text


def test_the_fresh_days_come_from_the_setting(kb_copy: Path) -> None:
    add_article(kb_copy, "monat", TODAY - dt.timedelta(days=30), "Artikel monat")
    assert "neuesten" not in Engine.load(kb_copy, today=TODAY).press("news").text
    engine = Engine.load(kb_copy, today=TODAY, fresh_days=31)
    assert "neuesten" in engine.press("news").text


def test_an_expired_article_leaves_the_news_and_stays_answerable_with_its_stand(
    kb_copy: Path,
) -> None:
    engine = news_engine(kb_copy, ("vorbei", TODAY - dt.timedelta(days=2), TODAY))
    assert "a:vorbei" in [b.action for b in engine.press("news").buttons]
    later = Engine.load(kb_copy, today=TODAY + dt.timedelta(days=1))
    assert "a:vorbei" not in [b.action for b in later.press("news").buttons]
    answer = later.press("a:vorbei")
    assert answer.id == "vorbei" and "Stand: November 2026" in answer.text
    assert isinstance(later.kb.get("a:vorbei"), Article)


# ---- the handlers -------------------------------------------------------------------------------


async def test_added_to_a_group_the_bot_says_hello_once_and_nothing_else(bot: Bot) -> None:
    fake = bot.fake
    group = fake.group_chat(-1009000)
    fake.add_bot_to_group(group, fake.user(7))
    await bot.feed(fake.take_last_update())
    (hello,) = fake.sent(-1009000)
    expected = state(bot).engine.kb.texts.text("group_hello", bot=f"@{BOT_USERNAME}")
    assert text_of(hello) == expected and f"@{BOT_USERNAME} Was sind Sanktionen?" in expected
    # Made an administrator, then a message not meant for the bot: silence, as before.
    fake.add_bot_to_group(group, fake.user(7), status="administrator")
    update = fake.take_last_update()
    update["my_chat_member"]["old_chat_member"]["status"] = "member"
    await bot.feed(update)
    await bot.say(group, "was sind sanktionen", user=fake.user(8))
    assert len(fake.sent(-1009000)) == 1
    fake.remove_bot_from_group(group, fake.user(7))
    await bot.feed(fake.take_last_update())
    assert len(fake.sent(-1009000)) == 1


async def test_a_private_chat_or_a_channel_gets_no_group_hello(bot: Bot) -> None:
    fake = bot.fake
    fake.add_bot_to_group(fake.private_chat(9001), fake.user(9001))
    await bot.feed(fake.take_last_update())
    assert fake.sent(9001) == []


async def test_a_photo_with_a_caption_answers_the_caption(bot: Bot) -> None:
    fake = bot.fake
    chat = fake.private_chat(9002)
    fake.send_photo(chat, "was sind sanktionen")
    await bot.feed(fake.take_last_update())
    (answer,) = fake.sent(9002)
    assert text_of(answer).startswith("Sanktionen\nSanktionen sind Strafen")
    fake.send_photo(chat)
    await bot.feed(fake.take_last_update())
    assert text_of(fake.sent(9002)[-1]) == state(bot).engine.kb.texts.text("not_text")
    group = fake.group_chat(-1009002)
    fake.send_photo(group, "was sind sanktionen", user=fake.user(7))  # not meant for the bot
    fake.send_photo(group, f"@{BOT_USERNAME} was sind sanktionen", user=fake.user(7))
    await bot.feed(fake.take_last_update())
    await bot.feed(fake.take_last_update())
    (reply,) = fake.sent(-1009002)
    assert text_of(reply).startswith("Sanktionen")


async def test_one_small_link_preview_and_none_after_a_photo(bot: Bot) -> None:
    (answer,) = await bot.say(bot.fake.private_chat(9003), "was sind sanktionen")
    options = answer.params["link_preview_options"]
    assert options["prefer_small_media"] is True and options["is_disabled"] is False
    assert len(buttons_of(answer)) <= MAX_BUTTONS + 2  # the buttons and 👍/👎


@pytest.fixture
async def abo_bot(engine: Engine, tmp_path: Path) -> Bot:
    return await start_bot(engine, store=await open_store(tmp_path))


async def test_a_refused_time_keeps_the_subscription_and_says_so(abo_bot: Bot) -> None:
    bot = abo_bot
    texts = state(bot).engine.kb.texts
    try:
        chat = bot.fake.private_chat(9004)
        await bot.say(chat, "/abo 17:30")
        for wanted in ("22:00", "25:99"):
            bot.clock.now += 10
            (refused,) = await bot.say(chat, f"/abo {wanted}")
            assert texts.text("abo_kept", time="17:30") in text_of(refused)
            assert ("✓ 17:30", "abo:17:30") in buttons_of(refused)
            assert ("Abo beenden", "abo:aus") in buttons_of(refused)
        assert (await state(bot).digest.subscriptions.get(9004)).at == dt.time(17, 30)  # type: ignore[union-attr]
        other = bot.fake.private_chat(9005)  # no subscription: the choices, nothing "kept"
        (refused,) = await bot.say(other, "/abo 22:00")
        assert "bleibt" not in text_of(refused) and buttons_of(refused)
    finally:
        await stop_bot(bot)


async def test_abo_typed_without_the_slash_works(abo_bot: Bot) -> None:
    bot = abo_bot
    texts = state(bot).engine.kb.texts
    try:
        chat = bot.fake.private_chat(9006)
        for typed, expected in [
            ("Abo aus", texts.text("abo_not_subscribed")),
            ("abo", texts.text("abo_started", time="07:15")),
            ("abo 17:30", texts.text("abo_changed", time="17:30")),
            ("Abo", texts.text("abo_status", time="17:30")),
            ("abo_aus", texts.text("abo_stopped")),
        ]:
            bot.clock.now += 10
            (reply,) = await bot.say(chat, typed)
            assert text_of(reply) == expected, typed
        bot.clock.now += 10
        (question,) = await bot.say(chat, "abo ist was")  # not the command: a question
        assert text_of(question) != texts.text("abo_none")
        assert not (await bot.say(chat, "/abo_aus"))[0].params.get("reply_markup")
    finally:
        await stop_bot(bot)
