"""The intake: poison updates are kept aside, old junk is tolerated, chats run side by side."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from sqlalchemy import select, text
from support import TEACHER_ID, BotUnderTest, MakeBot

from bot.intake import intake_of
from db.models import DeadLetter, InboxUpdate

OTHER_TEACHER_ID = 10002


async def _dead_letters(bot: BotUnderTest) -> list[DeadLetter]:
    async with bot.services.database.session() as session:
        return list(await session.scalars(select(DeadLetter).order_by(DeadLetter.id)))


async def test_an_unparsable_poll_answer_is_dead_lettered_and_later_updates_are_handled(
    bot: BotUnderTest,
):
    bot.user(TEACHER_ID)
    # A poll_answer without the option_ids the Bot API requires: PTB cannot parse it.
    poison = {"update_id": 900, "poll_answer": {"poll_id": "p1", "user": {"id": TEACHER_ID}}}
    question = bot.standin.user_sends_text(TEACHER_ID, "申請截止日是什麼時候？")
    intake = intake_of(bot.application)
    highest = await intake.accept([poison, question])
    assert highest == max(900, question["update_id"])
    reply = await bot.standin.wait_for_message(TEACHER_ID, within=10)
    assert "111年9月21日" in (reply.text or "")
    await intake.lanes.wait_idle()
    letters = await _dead_letters(bot)
    assert [(d.update_id, d.update_type) for d in letters] == [(900, "poll_answer")]
    assert letters[0].error_kind.startswith("unparsable:")
    assert json.loads(letters[0].payload) == poison
    async with bot.services.database.session() as session:
        undone = await session.scalars(
            select(InboxUpdate.update_id).where(InboxUpdate.handled_at.is_(None))
        )
        assert list(undone) == []


async def test_an_update_whose_handler_raises_is_dead_lettered(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    # Telegram refuses the answer: the handler raises, the user is told, the update is kept.
    bot.standin.inject_fault(
        method="sendMessage", chat_id=TEACHER_ID, error_code=400, description="Bad Request: x"
    )
    broken = bot.standin.user_sends_text(TEACHER_ID, "/help")
    intake = intake_of(bot.application)
    await intake.accept([broken])
    await intake.lanes.wait_idle()
    letters = await _dead_letters(bot)
    assert [(d.update_id, d.error_kind) for d in letters] == [
        (broken["update_id"], "handler:BadRequest")
    ]
    assert "抱歉" in (bot.standin.sent_messages(TEACHER_ID)[-1].text or "")
    later = bot.standin.user_sends_text(TEACHER_ID, "/help")
    await intake.accept([later])
    await intake.lanes.wait_idle()
    assert "使用說明" in (bot.standin.sent_messages(TEACHER_ID)[-1].text or "")


async def test_a_junk_row_in_processed_updates_does_not_stop_start_up(make_bot: MakeBot):
    first = await make_bot()
    if not first.services.database.is_sqlite:
        pytest.skip("only SQLite ever stored text in the integer column")
    async with first.services.database.session() as session:
        await session.execute(
            text(
                "INSERT INTO processed_updates (update_id, processed_at) "
                "VALUES ('abc', '2022-09-01 00:00:00'), (7, '2022-09-01 00:00:00')"
            )
        )
    second = await make_bot()
    second.user(TEACHER_ID)
    reply = await second.send(TEACHER_ID, "/help")
    assert "使用說明" in reply.text


async def test_two_chats_are_handled_side_by_side_while_one_is_slow(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    bot.user(OTHER_TEACHER_ID, "李老師")
    bot.standin.inject_delay("sendMessage", 3.0, chat_id=TEACHER_ID)
    intake = intake_of(bot.application)
    slow = bot.standin.user_sends_text(TEACHER_ID, "/help")
    slow_again = bot.standin.user_sends_text(TEACHER_ID, "申請截止日是什麼時候？")
    quick = bot.standin.user_sends_text(OTHER_TEACHER_ID, "/help")
    started = time.perf_counter()
    await intake.accept([slow, slow_again, quick])
    await bot.standin.wait_for_message(OTHER_TEACHER_ID, within=10)
    # The other teacher is answered while the first teacher's answer is still on its way.
    assert time.perf_counter() - started < 2.0
    assert bot.standin.sent_messages(TEACHER_ID) == []
    await intake.lanes.wait_idle()
    texts = [m.text or "" for m in bot.standin.sent_messages(TEACHER_ID)]
    # Within a chat, the order is kept.
    assert len(texts) == 2
    assert "使用說明" in texts[0]
    assert "111年9月21日" in texts[1]


async def test_updates_of_one_chat_are_never_handled_at_the_same_time(
    bot: BotUnderTest, monkeypatch: pytest.MonkeyPatch
):
    bot.user(TEACHER_ID)
    running = 0
    most = 0
    original = type(bot.application).process_update

    async def counting(application: object, update: object) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        try:
            await asyncio.sleep(0.01)
            await original(application, update)  # type: ignore[arg-type]
        finally:
            running -= 1

    monkeypatch.setattr(type(bot.application), "process_update", counting)
    intake = intake_of(bot.application)
    await intake.accept([bot.standin.user_sends_text(TEACHER_ID, "/help") for _ in range(5)])
    await intake.lanes.wait_idle()
    assert most == 1
    assert len(bot.standin.sent_messages(TEACHER_ID)) == 5
