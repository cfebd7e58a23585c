"""Flood control: a child who taps and asks at a human pace is never stopped; a flood gets one
kind notice, a cool-down of seconds, and then simply works again (docs/flood-gate.md).

The bucket is tested on its own with a clock the test moves (minutes of tapping in no time),
and through the real Application with real Updates against the in-process FakeTelegram.
"""

from __future__ import annotations

import pytest
from helpers.application import Bot, state
from helpers.clock import Clock
from helpers.replies import buttons_of, text_of

from bot.telegram.gate import CAPACITY, COOLDOWN, COSTS, NOTICE_EVERY, REFILL, FloodGate

QUESTION = "was sind sanktionen"


async def paced(
    gate: FloodGate, clock: Clock[float], kind: str, every: float, seconds: float
) -> list[str]:
    """Send one update of a kind every `every` seconds for `seconds`; the verdicts."""
    verdicts = []
    while clock.now < seconds:
        verdicts.append(await gate.check(1, kind))  # type: ignore[arg-type]
        clock.now += every
    return verdicts


# ---- the bucket, on its own ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "every"),
    [
        ("tap", 2.0),  # the child in /begriffe: a word every two seconds
        ("tap", 1.0),  # a tap every second
        ("tap", 0.5),  # twice that, still never stopped
        ("command", 1.0),  # /news, /begriffe from the menu, once a second
        ("text", 2.0),  # a question every two seconds
    ],
)
async def test_a_human_pace_is_never_stopped_for_ten_minutes(kind: str, every: float) -> None:
    clock = Clock(0.0)
    verdicts = await paced(FloodGate(clock=clock), clock, kind, every, seconds=600)
    assert set(verdicts) == {"answer"} and len(verdicts) >= 300


async def test_taps_and_questions_mixed_at_a_human_pace_are_never_stopped() -> None:
    clock = Clock(0.0)
    gate = FloodGate(clock=clock)
    verdicts = []
    for second in range(600):  # a tap every second, a question every four
        verdicts.append(await gate.check(1, "tap"))
        if second % 4 == 0:
            verdicts.append(await gate.check(1, "text"))
        clock.now += 1
    assert set(verdicts) == {"answer"}


async def test_buttons_and_commands_cost_less_than_questions() -> None:
    assert COSTS["tap"] < COSTS["command"] < COSTS["text"]
    for kind, cost in COSTS.items():  # how many fit into a full bucket at once
        gate = FloodGate(clock=Clock(0.0))
        answered = 0
        while await gate.check(1, kind) == "answer":  # type: ignore[arg-type]
            answered += 1
        assert answered == int(CAPACITY / cost), kind


async def test_a_flood_gets_one_notice_then_a_cooldown_then_the_next_message_works() -> None:
    clock = Clock(0.0)
    gate = FloodGate(clock=clock)
    verdicts = [await gate.check(1) for _ in range(40)]  # forty questions within a moment
    assert verdicts[: int(CAPACITY)] == ["answer"] * int(CAPACITY)
    assert verdicts[int(CAPACITY)] == "warn"
    assert set(verdicts[int(CAPACITY) + 1 :]) == {"hold"}
    clock.now += COOLDOWN - 0.1
    assert await gate.check(1) == "hold"  # still cooling down
    clock.now += 0.1
    assert await gate.check(1) == "answer"  # the cool-down refilled enough for the next question
    assert await gate.check(2) == "answer"  # other chats never noticed


async def test_a_flood_that_goes_on_gets_at_most_one_notice_a_minute() -> None:
    clock = Clock(0.0)
    gate = FloodGate(clock=clock)
    verdicts = await paced(gate, clock, "text", 0.1, seconds=180)  # ten a second for three minutes
    assert verdicts.count("warn") == 3
    answered = verdicts.count("answer")
    assert answered <= CAPACITY + 180 * REFILL / COSTS["text"] + 1  # never more than the refill


async def test_updates_held_back_in_the_cooldown_cost_nothing() -> None:
    clock = Clock(0.0)
    gate = FloodGate(clock=clock)
    while await gate.check(1) != "warn":
        pass
    for _ in range(1000):
        assert await gate.check(1) == "hold"
    clock.now += COOLDOWN
    assert [await gate.check(1) for _ in range(int(COOLDOWN * REFILL))] == ["answer"] * int(
        COOLDOWN * REFILL
    )


def test_the_numbers_keep_their_promises() -> None:
    assert COSTS["tap"] / 1.0 < REFILL  # a tap a second refills faster than it costs
    assert COSTS["text"] / 2.0 <= REFILL  # so does a question every two seconds
    assert COSTS["text"] <= COOLDOWN * REFILL  # after the cool-down, the next question works
    assert 1 <= COOLDOWN <= 10 and NOTICE_EVERY >= 30
    with pytest.raises(ValueError):
        FloodGate(cooldown=1, refill=0.1)


async def test_the_gate_forgets_the_least_recent_chats_beyond_its_bound() -> None:
    clock = Clock(0.0)
    gate = FloodGate(clock=clock, max_chats=2)
    while await gate.check(1) != "warn":
        pass
    await gate.check(2)
    await gate.check(3)  # chat 1 is forgotten
    assert await gate.check(1) == "answer"


# ---- through the application ------------------------------------------------------------------


async def test_tapping_glossary_words_every_two_seconds_for_minutes_always_answers(
    bot: Bot,
) -> None:
    chat = bot.fake.private_chat(60)
    (glossary,) = await bot.say(chat, "/begriffe")
    words = [label for label, data in buttons_of(glossary) if data.startswith("t:")]
    answers = []
    for tap in range(90):  # three minutes
        bot.clock.now += 2
        answers += await bot.press(glossary, words[tap % len(words)])
    assert len(answers) == 90
    assert all(not text_of(a).startswith("Puh") for a in answers)
    assert bot.fake.unanswered_queries() == []


async def test_a_flood_of_questions_gets_one_kind_notice_and_then_works_again(bot: Bot) -> None:
    chat = bot.fake.private_chat(61)
    texts = state(bot).engine.kb.texts
    replies = []
    for _ in range(30):
        replies += await bot.say(chat, QUESTION)
    assert len(replies) == int(CAPACITY) + 1
    assert [text_of(r) for r in replies[-1:]] == [texts.text("too_fast")]
    bot.clock.now += COOLDOWN
    (after,) = await bot.say(chat, QUESTION)
    assert text_of(after).startswith("Sanktionen")


async def test_a_tap_held_back_is_answered_with_why(bot: Bot) -> None:
    chat = bot.fake.private_chat(62)
    texts = state(bot).engine.kb.texts
    (answer,) = await bot.say(chat, QUESTION)
    for _ in range(20):
        await bot.say(chat, QUESTION)
    assert await bot.press(answer, "Völkerrecht") == []  # held back: no answer message ...
    toast = bot.fake.recorded("answerCallbackQuery")[-1]
    assert toast.ok and toast.params["text"] == texts.text("too_fast_tap")  # ... but a toast
    assert bot.fake.unanswered_queries() == []


async def test_thumbs_go_through_the_gate_too(bot: Bot) -> None:
    chat = bot.fake.private_chat(63)
    texts = state(bot).engine.kb.texts
    (answer,) = await bot.say(chat, QUESTION)
    for _ in range(20):
        await bot.say(chat, QUESTION)
    await bot.press(answer, "👍")
    toast = bot.fake.recorded("answerCallbackQuery")[-1]
    assert toast.params["text"] == texts.text("too_fast_tap")


async def test_being_added_to_a_group_costs_nothing(bot: Bot) -> None:
    group = bot.fake.group_chat(-1006400)
    for _ in range(30):
        bot.fake.add_bot_to_group(group, bot.fake.user(7))
        await bot.feed(bot.fake.take_last_update())
        bot.fake.remove_bot_from_group(group, bot.fake.user(7))
        await bot.feed(bot.fake.take_last_update())
    assert len(bot.fake.sent(-1006400)) == 30  # a hello for each time it was added
