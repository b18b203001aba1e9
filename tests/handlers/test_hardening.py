"""Whatever arrives, the bot answers politely, never crashes and never makes an invalid call."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import ADMIN_ID, TEACHER_ID, BotUnderTest

from bot.app import _registered_commands

GROUP_ID = -100777

COMMANDS = (
    "/start", "/help", "/faq", "/register", "/log", "/progress", "/mycommunity", "/reminders",
    "/language", "/cancel", "/apply", "/review", "/stats", "/export", "/broadcast",
    "/broadcasts", "/staff", "/unanswered", "/faqedit", "/remind", "/setdate", "/privacy",
    "/forgetme", "/nonsense",
)  # fmt: skip

# The prefixes the bot's own buttons use, so random presses reach every handler's checks.
CALLBACK_PREFIXES = (
    "qa:e:", "qa:en:", "qa:t:", "lang:", "rg:", "lg:", "mc:", "mc:0:aedit:", "fa:", "fa:u:",
    "ap:go:", "rv:ok:", "rv:no:", "bc:", "rem:on:", "rem:off:", "remc:", "ex:", "st:",
)  # fmt: skip

_telegram_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300
).filter(lambda text: text.strip() != "")

_noise = st.sampled_from(
    ["<script>alert(1)</script>", "&amp; & < >", "*_[`", "\x00\x01\x1b", "😀🎉", "。，！？",
     "共備 經費 <b>", "ＡＢＣ１２３", "申请截止", "a" * 4096, "今天", "1", "2", "是", "否"]
)  # fmt: skip

_command = st.tuples(st.sampled_from(COMMANDS), st.one_of(st.just(""), _telegram_text)).map(
    lambda pair: f"{pair[0]} {pair[1]}".strip()
)

_callback_data = st.one_of(
    st.text(min_size=1, max_size=20),
    st.tuples(
        st.sampled_from(CALLBACK_PREFIXES),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789:_-", max_size=30),
    ).map("".join),
).filter(lambda data: 1 <= len(data.encode()) <= 64)


def _actions() -> st.SearchStrategy[tuple[str, Any]]:
    return st.one_of(
        st.tuples(st.just("text"), st.one_of(_telegram_text, _noise, _command)),
        st.tuples(st.just("press"), _callback_data),
        st.tuples(st.just("sticker"), st.none()),
        st.tuples(st.just("photo"), st.one_of(st.none(), _telegram_text)),
        st.tuples(st.just("voice"), st.none()),
        st.tuples(st.just("edit"), _telegram_text),
        st.tuples(st.just("group"), st.one_of(_telegram_text, _command)),
    )


async def _act(bot: BotUnderTest, user_id: int, kind: str, value: Any) -> tuple[bool, Any]:
    """Perform one action; return whether an answer is owed, and what the bot did."""
    standin = bot.standin
    if kind == "text":
        return True, await bot.process(standin.user_sends_text(user_id, value))
    if kind == "press":
        last = standin.last_message(user_id)
        message_id = last.message_id if last is not None else 1
        update = standin.user_presses_button(user_id, message_id, value, forge=True)
        return True, await bot.process(update)
    if kind == "sticker":
        return True, await bot.process(standin.user_sends_sticker(user_id))
    if kind == "photo":
        return True, await bot.process(standin.user_sends_photo(user_id, caption=value))
    if kind == "voice":
        return True, await bot.process(standin.user_sends_voice(user_id))
    if kind == "edit":
        sent = standin.user_sends_text(user_id, "你好")
        await bot.process(sent)
        edited = standin.user_edits_message(user_id, sent["message"]["message_id"], value)
        return True, await bot.process(edited)
    return False, await bot.process(standin.user_sends_in_group(user_id, GROUP_ID, value))


def _answered(bot: BotUnderTest, calls_before: int, reply: Any) -> bool:
    if reply.messages:
        return True
    later = bot.standin.calls[calls_before:]
    return any(method == "answerCallbackQuery" for method, _ in later)


@pytest.mark.parametrize("user_id", [TEACHER_ID, ADMIN_ID], ids=["teacher", "staff"])
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=st.lists(_actions(), min_size=1, max_size=6))
async def test_random_input_always_gets_a_polite_answer_and_never_crashes(
    bot: BotUnderTest,
    caplog: pytest.LogCaptureFixture,
    user_id: int,
    actions: list[tuple[str, Any]],
):
    if user_id not in bot.standin.users:
        bot.user(user_id, "測試老師")
        bot.standin.add_group(GROUP_ID, "教師群組")
    caplog.set_level(logging.ERROR)
    for kind, value in actions:
        errors_before = len(caplog.records)
        calls_before = len(bot.standin.calls)
        owed, reply = await _act(bot, user_id, kind, value)
        crashes = [r for r in caplog.records[errors_before:] if r.levelno >= logging.ERROR]
        assert crashes == [], (kind, value, [r.getMessage() for r in crashes])
        assert bot.standin.rejected == [], (kind, value)
        if owed:
            assert _answered(bot, calls_before, reply), (kind, value)


async def test_every_command_in_the_menu_is_handled(bot: BotUnderTest):
    registered = _registered_commands(bot.application)
    listed = {command["command"] for command in bot.standin.commands(language_code="")}
    assert listed <= registered
