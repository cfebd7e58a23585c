"""The fake Bot API refuses what Telegram refuses; otherwise the other tests prove little."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from helpers.api import TOKEN, ApiError
from helpers.fake import FakeTelegram
from helpers.html import parse_html
from helpers.requests import FakeBotApiRequest
from helpers.server import FakeTelegramServer
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Conflict, InvalidToken, RetryAfter


@pytest.mark.parametrize(
    ("markup", "plain"),
    [
        ("<b>fett</b> &amp; <i>schräg</i>", "fett & schräg"),
        ('<a href="https://e.org/?a=1&amp;b=2">Link</a>', "Link"),
        ("&lt;b&gt; &quot;x&quot; &#228; &#xE4;", '<b> "x" ä ä'),
        ("<b><i>a</i></b><code>c</code><pre>p</pre><tg-spoiler>s</tg-spoiler>", "acps"),
        ('<span class="tg-spoiler">s</span><blockquote>z</blockquote>', "sz"),
    ],
)
def test_valid_telegram_html_is_accepted(markup: str, plain: str) -> None:
    assert parse_html(markup) == plain


@pytest.mark.parametrize(
    ("markup", "reason"),
    [
        ("a < b", 'unexpected "<"'),
        ("a > b", 'unexpected ">"'),
        ("Tom & Jerry", 'unexpected "&"'),
        ("&nbsp;", 'unexpected "&"'),
        ("<script>x</script>", 'unsupported start tag "script"'),
        ("<br>", 'unsupported start tag "br"'),
        ("<b>x", 'can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
        ("x</b>", 'unexpected end tag "b"'),
        ("<a>x</a>", '"a" must have a non-empty "href"'),
        ('<b class="x">y</b>', 'unsupported attribute "class"'),
        ('<a href="https://e.org/?a=1&b=2">x</a>', 'unexpected "&" in an attribute'),
    ],
)
def test_invalid_html_is_refused_like_telegram_does(markup: str, reason: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_html(markup)
    assert caught.value.code == 400
    assert caught.value.description.startswith("Bad Request: can't parse entities: ")
    assert reason in caught.value.description


async def call(fake: FakeTelegram, method: str, **params: Any) -> tuple[int, Any]:
    status, body = await fake.api(TOKEN, method, params)
    return status, body.get("result", body.get("description"))


async def test_message_length_is_counted_like_telegram_after_parsing() -> None:
    fake = FakeTelegram()
    fake.private_chat(1)
    assert (await call(fake, "sendMessage", chat_id=1, text="x" * 4096))[0] == 200
    assert (
        await call(
            fake, "sendMessage", chat_id=1, text="<b>" + "x" * 4096 + "</b>", parse_mode="HTML"
        )
    )[0] == 200
    assert await call(fake, "sendMessage", chat_id=1, text="x" * 4097) == (
        400,
        "Bad Request: message is too long",
    )
    assert (await call(fake, "sendMessage", chat_id=1, text="😀" * 2049))[0] == 400
    assert await call(fake, "sendMessage", chat_id=1, text="<b> </b>", parse_mode="HTML") == (
        400,
        "Bad Request: message text is empty",
    )
    status, _ = await call(
        fake, "sendPhoto", chat_id=1, photo="https://e.org/p.jpg", caption="x" * 1025
    )
    assert status == 400
    assert await call(fake, "sendMessage", chat_id=2, text="x") == (
        400,
        "Bad Request: chat not found",
    )


async def test_buttons_are_checked_like_telegram_does() -> None:
    fake = FakeTelegram()
    fake.private_chat(1)

    def keyboard(**button: Any) -> dict[str, Any]:
        return {"inline_keyboard": [[{"text": "Knopf", **button}]]}

    ok = await call(
        fake, "sendMessage", chat_id=1, text="x", reply_markup=keyboard(callback_data="a" * 64)
    )
    assert ok[0] == 200
    for bad, error in [
        (keyboard(callback_data="a" * 65), "BUTTON_DATA_INVALID"),
        (keyboard(callback_data="ä" * 33), "BUTTON_DATA_INVALID"),
        (keyboard(), "Text buttons are unallowed"),
        (keyboard(url="javascript:alert(1)"), "BUTTON_URL_INVALID"),
        ({"inline_keyboard": [[{"text": "", "callback_data": "a"}]]}, "BUTTON_TEXT_INVALID"),
    ]:
        status, description = await call(fake, "sendMessage", chat_id=1, text="x", reply_markup=bad)
        assert (status, error in description) == (400, True)


async def test_an_edit_that_changes_nothing_is_refused() -> None:
    fake = FakeTelegram()
    fake.private_chat(1)
    markup = {"inline_keyboard": [[{"text": "Weiter", "callback_data": "g:2"}]]}
    _, sent = await call(
        fake,
        "sendMessage",
        chat_id=1,
        text="<b>Seite 1</b>",
        parse_mode="HTML",
        reply_markup=markup,
    )
    same = {
        "chat_id": 1,
        "message_id": sent["message_id"],
        "parse_mode": "HTML",
        "reply_markup": markup,
    }
    status, description = await call(fake, "editMessageText", text="<b>Seite 1</b>", **same)
    assert status == 400 and description.startswith("Bad Request: message is not modified")
    assert (await call(fake, "editMessageText", text="<b>Seite 2</b>", **same))[0] == 200
    assert fake.message(1, sent["message_id"])["text"] == "Seite 2"
    status, description = await call(fake, "editMessageText", chat_id=1, message_id=999, text="x")
    assert description == "Bad Request: message to edit not found"


async def test_command_menus_are_kept_per_scope() -> None:
    fake = FakeTelegram()
    fake.private_chat(42)
    public = [{"command": "start", "description": "Los"}]
    admin = [*public, {"command": "reload", "description": "Neu laden"}]
    assert (await call(fake, "setMyCommands", commands=public))[0] == 200
    chat_scope = {"type": "chat", "chat_id": 42}
    assert (await call(fake, "setMyCommands", commands=admin, scope=chat_scope))[0] == 200
    assert fake.commands == public
    assert await call(fake, "getMyCommands", scope=chat_scope) == (200, admin)
    unknown = {"type": "chat", "chat_id": 43}
    status, description = await call(fake, "setMyCommands", commands=admin, scope=unknown)
    assert (status, description) == (400, "Bad Request: chat not found")


async def test_queries_must_be_answered_once_and_in_time(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeTelegram()
    chat = fake.private_chat(1)
    message = fake.send_text(chat, "hallo")
    first = fake.press(message, "x")
    assert fake.unanswered_queries() == [first]
    assert await call(fake, "answerCallbackQuery", callback_query_id=first) == (200, True)
    assert (await call(fake, "answerCallbackQuery", callback_query_id=first))[0] == 400
    late = fake.press(message, "y")
    now = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: now + 16)
    status, description = await call(fake, "answerCallbackQuery", callback_query_id=late)
    assert status == 400 and "query is too old" in description


async def test_get_updates_confirms_below_offset_and_long_polls() -> None:
    fake = FakeTelegram()
    fake.bind(asyncio.get_running_loop())
    chat = fake.private_chat(1)
    fake.send_text(chat, "eins")
    fake.send_text(chat, "zwei")
    _, updates = await call(fake, "getUpdates", offset=0, timeout=0)
    assert [u["message"]["text"] for u in updates] == ["eins", "zwei"]
    _, again = await call(fake, "getUpdates", offset=updates[0]["update_id"] + 1, timeout=0)
    assert [u["message"]["text"] for u in again] == ["zwei"]
    offset = updates[1]["update_id"] + 1
    started = time.monotonic()
    _, empty = await call(fake, "getUpdates", offset=offset, timeout=0.3)
    assert empty == [] and time.monotonic() - started >= 0.25
    poll = asyncio.create_task(call(fake, "getUpdates", offset=offset, timeout=10))
    await asyncio.sleep(0.05)
    fake.send_text(chat, "drei")
    _, woken = await asyncio.wait_for(poll, 2)
    assert [u["message"]["text"] for u in woken] == ["drei"]


async def test_a_second_poller_ends_the_first_and_a_webhook_forbids_polling() -> None:
    fake = FakeTelegram()
    fake.bind(asyncio.get_running_loop())
    first = asyncio.create_task(call(fake, "getUpdates", timeout=5))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(call(fake, "getUpdates", timeout=0.1))
    status, description = await asyncio.wait_for(first, 2)
    assert status == 409 and "terminated by other getUpdates request" in description
    await second
    assert (await call(fake, "setWebhook", url="http://insecure.example/hook"))[0] == 400
    assert (await call(fake, "setWebhook", url="https://bot.example/hook", secret_token="abc"))[
        0
    ] == 200
    status, description = await call(fake, "getUpdates", timeout=0)
    assert status == 409 and "webhook is active" in description
    await call(fake, "deleteWebhook")
    await fake.stop_delivery()
    assert (await call(fake, "getUpdates", timeout=0))[0] == 200


async def test_injected_failures_and_slow_answers() -> None:
    fake = FakeTelegram()
    fake.private_chat(1)
    fake.fail("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
    status, body = await fake.api(TOKEN, "sendMessage", {"chat_id": 1, "text": "x"})
    assert status == 429 and body["parameters"] == {"retry_after": 3}
    fake.slow("sendMessage", 0.2)
    started = time.monotonic()
    assert (await call(fake, "sendMessage", chat_id=1, text="x"))[0] == 200
    assert time.monotonic() - started >= 0.2
    assert (await call(fake, "sendMessage", chat_id=1, text="x"))[0] == 200
    assert [c.status for c in fake.recorded("sendMessage")] == [429, 200, 200]


async def test_python_telegram_bot_talks_to_the_fake_over_http() -> None:
    with FakeTelegramServer() as server:
        server.fake.private_chat(5)
        async with Bot(TOKEN, base_url=server.base_url) as bot:
            assert bot.username == "newsbot_test_bot"
            markup = InlineKeyboardMarkup(
                [[InlineKeyboardButton("Mehr", callback_data="more:t:x")]]
            )
            message = await bot.send_message(
                5, "<b>Hallo</b>", parse_mode="HTML", reply_markup=markup
            )
            assert message.text == "Hallo"
            with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
                await bot.send_message(5, "<b>Hallo", parse_mode="HTML")
            server.fake.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
            with pytest.raises(RetryAfter):
                await bot.send_message(5, "x")
            await bot.set_webhook("https://bot.example/hook")
            with pytest.raises(Conflict):
                await bot.get_updates()
        (sent, *_) = server.fake.recorded("sendMessage")
        assert sent.params["chat_id"] == 5 and sent.params["reply_markup"] == markup.to_dict()
        with pytest.raises(InvalidToken):
            async with Bot("1:wrong", base_url=server.base_url):
                pass


async def test_the_in_process_request_fails_the_test_for_any_other_address() -> None:
    request = FakeBotApiRequest(FakeTelegram())
    with pytest.raises(pytest.fail.Exception, match="network access"):
        await request.do_request("https://api.telegram.org/bot1:x/getMe", "POST")
