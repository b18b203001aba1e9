"""Flows survive restarts, time out (also across restarts), and refuse buttons of old menus."""

from __future__ import annotations

import datetime as dt

import time_machine
from sqlalchemy import func, select
from support import ADMIN_ID, TEACHER_ID, BotUnderTest, MakeBot

from db.models import Community, ConversationState
from handlers.flows import expire_conversations
from reminders.scheduler import EXPIRE_JOB

TODAY = dt.date(2022, 10, 20)


async def begin_registration(bot: BotUnderTest) -> None:
    await bot.send(TEACHER_ID, "/register")
    await bot.press(TEACHER_ID, "共備精進")
    await bot.send(TEACHER_ID, "正興國小")
    await bot.press(TEACHER_ID, "正興國民小學")


async def finish_registration(bot: BotUnderTest) -> None:
    await bot.send(TEACHER_ID, "正興數學共備社群")
    for name, gifted in (("王大明", True), ("李小華", False), ("陳一心", False), ("林二郎", False)):
        await bot.send(TEACHER_ID, name)
        await bot.press(TEACHER_ID, "是，資優班教師" if gifted else "不是")
        await bot.press(TEACHER_ID, "略過")
    await bot.press(TEACHER_ID, "確認登錄")


async def conversation_rows(bot: BotUnderTest) -> int:
    async with bot.services.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(ConversationState)) or 0)


async def communities(bot: BotUnderTest) -> int:
    async with bot.services.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Community)) or 0)


def later(minutes: int) -> time_machine.travel:
    return time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes), tick=True)


async def test_a_registration_continues_where_it_was_after_a_restart(make_bot: MakeBot):
    first = await make_bot(today=TODAY)
    first.user(TEACHER_ID)
    await begin_registration(first)
    await first.application.stop()
    second = await make_bot(today=TODAY)
    reply = await second.send(TEACHER_ID, "正興數學共備社群")
    assert "第 1 位就是您" in reply.text
    await second.send(TEACHER_ID, "王大明")
    await second.press(TEACHER_ID, "是，資優班教師")
    third = await make_bot(today=TODAY)
    await third.press(TEACHER_ID, "略過")
    for name in ("李小華", "陳一心", "林二郎"):
        await third.send(TEACHER_ID, name)
        await third.press(TEACHER_ID, "不是")
        await third.press(TEACHER_ID, "略過")
    saved = await third.press(TEACHER_ID, "確認登錄")
    assert "已登錄社群" in saved.text
    assert await communities(third) == 1


async def test_a_step_after_thirty_quiet_minutes_says_the_flow_timed_out(make_bot: MakeBot):
    bot = await make_bot(today=TODAY)
    bot.user(TEACHER_ID)
    await begin_registration(bot)
    with later(31):
        reply = await bot.send(TEACHER_ID, "正興數學共備社群")
        assert "逾時" in reply.text and "草稿已捨棄" in reply.text and "/register" in reply.text
        again = await bot.send(TEACHER_ID, "/register")
        assert "請選擇社群類型" in again.text


async def test_a_step_within_thirty_minutes_goes_on(make_bot: MakeBot):
    bot = await make_bot(today=TODAY)
    bot.user(TEACHER_ID)
    await begin_registration(bot)
    with later(25):
        reply = await bot.send(TEACHER_ID, "正興數學共備社群")
        assert "第 1 位就是您" in reply.text
        with later(25):  # 50 minutes after the start, 25 after that step: the timeout moved
            reply = await bot.send(TEACHER_ID, "王大明")
            assert "資優班教師嗎" in reply.text


async def test_the_schedulers_minute_job_ends_abandoned_conversations(make_bot: MakeBot):
    # bot.app hands handlers.flows.expire_conversations to the reminders' scheduler.
    bot = await make_bot(today=TODAY)
    bot.user(TEACHER_ID)
    await begin_registration(bot)
    scheduler = bot.services.scheduler
    assert scheduler is not None and scheduler._apscheduler is not None
    job = scheduler._apscheduler.get_job(EXPIRE_JOB)
    assert job is not None
    with later(31):
        await job.func()
    assert "flow:register" not in bot.application.user_data[TEACHER_ID]


async def test_expire_conversations_tells_the_quiet_user_once_and_ends_their_flow(
    make_bot: MakeBot,
):
    bot = await make_bot(today=TODAY)
    bot.user(TEACHER_ID)
    await begin_registration(bot)
    assert await expire_conversations(bot.application) == 0
    sent_before = len(bot.standin.sent_messages(TEACHER_ID))
    with later(31):
        assert await expire_conversations(bot.application) == 1
        assert await expire_conversations(bot.application) == 0
    messages = bot.standin.sent_messages(TEACHER_ID)[sent_before:]
    assert len(messages) == 1 and "逾時" in (messages[0].text or "")
    assert await conversation_rows(bot) == 0
    assert "flow:register" not in bot.application.user_data[TEACHER_ID]
    # The flow is over: the buttons of its last question have expired.
    stale = await bot.press(TEACHER_ID, "取消")
    assert "過期" in stale.text


async def test_the_timeout_survives_a_restart(make_bot: MakeBot):
    first = await make_bot(today=TODAY)
    first.user(TEACHER_ID)
    await begin_registration(first)
    await first.application.stop()
    second = await make_bot(today=TODAY)
    with later(31):
        assert await expire_conversations(second.application) == 1
    third = await make_bot(today=TODAY)
    reply = await third.send(TEACHER_ID, "/register")
    assert "請選擇社群類型" in reply.text and "接續" not in reply.text


async def test_a_user_active_since_the_row_was_written_is_not_expired(make_bot: MakeBot):
    bot = await make_bot(today=TODAY)
    bot.user(TEACHER_ID)
    await begin_registration(bot)
    draft = bot.application.user_data[TEACHER_ID]["flow:register"]
    draft["expires_at"] = (bot.services.clock.now() + dt.timedelta(hours=2)).isoformat()
    with later(31):
        assert await expire_conversations(bot.application) == 0


async def test_a_button_of_an_earlier_menu_says_the_menu_expired_and_changes_nothing(
    make_bot: MakeBot,
):
    bot = await make_bot(today=TODAY)
    bot.user(TEACHER_ID)
    first = await bot.send(TEACHER_ID, "/register")
    type_message = first.last.message_id
    curriculum = next(d for row in first.last.buttons for label, d in row if "課程研創" in label)
    await bot.press(TEACHER_ID, "共備精進")
    await bot.send(TEACHER_ID, "正興國小")
    await bot.press(TEACHER_ID, "正興國民小學")
    stale = await bot.driver.press_data(TEACHER_ID, type_message, curriculum, forge=True)
    assert "這個選單已過期" in stale.text
    reply = await bot.send(TEACHER_ID, "正興數學共備社群")
    assert "第 1 位就是您" in reply.text
    draft = bot.application.user_data[TEACHER_ID]["flow:register"]
    assert draft["type_key"] == "co_planning"


async def test_buttons_of_a_finished_flow_say_the_menu_expired(make_bot: MakeBot):
    bot = await make_bot(today=TODAY)
    bot.user(TEACHER_ID)
    first = await bot.send(TEACHER_ID, "/register")
    data = first.last.buttons[0][0][1]
    await bot.send(TEACHER_ID, "/cancel")
    stale = await bot.driver.press_data(TEACHER_ID, first.last.message_id, data, forge=True)
    assert "這個選單已過期" in stale.text


async def test_starting_another_flow_ends_the_first(make_bot: MakeBot):
    bot = await make_bot(today=TODAY)
    bot.user(TEACHER_ID)
    await begin_registration(bot)
    await finish_registration(bot)
    await bot.send(TEACHER_ID, "/log")
    await bot.send(TEACHER_ID, "/mycommunity")
    assert "flow:log" not in bot.application.user_data[TEACHER_ID]
    reply = await bot.send(TEACHER_ID, "昨天")
    # The log flow no longer owns the chat: "昨天" is no activity date now.
    assert "哪一種活動" not in reply.text


async def test_the_draft_and_state_are_stored_as_plain_json(make_bot: MakeBot):
    bot = await make_bot(today=TODAY)
    bot.user(TEACHER_ID)
    await begin_registration(bot)
    async with bot.services.database.session() as session:
        row = await session.scalar(select(ConversationState))
    assert row is not None and row.name == "register" and row.state == '"rg_name"'
    assert row.expires_at is not None
    assert row.expires_at > bot.services.clock.now() + dt.timedelta(minutes=29)


async def test_a_staff_conversation_started_in_the_middle_of_a_flow_owns_the_next_message(
    make_bot: MakeBot,
):
    bot = await make_bot(today=TODAY)
    bot.user(ADMIN_ID, "劉老師")
    await bot.send(ADMIN_ID, "/register")
    await bot.press(ADMIN_ID, "共備精進")  # now /register waits for a school name
    await bot.send(ADMIN_ID, "/faqedit")
    await bot.press(ADMIN_ID, "新增")
    typed = await bot.send(ADMIN_ID, "可以跨校組社群嗎")
    # /register (registered before /faqedit) no longer owns the chat: the wording went to
    # /faqedit, which now asks for the answer.
    assert "flow:register" not in bot.application.user_data[ADMIN_ID]
    assert "中文回答" in typed.text

    await bot.send(ADMIN_ID, "/broadcast")
    await bot.send(ADMIN_ID, "各位老師好，研習改到週三。")
    assert "faqedit" not in bot.application.user_data[ADMIN_ID]
    await bot.send(ADMIN_ID, "/register")
    assert "broadcast_draft" not in bot.application.user_data[ADMIN_ID]


async def test_a_quiet_staff_member_is_told_their_broadcast_timed_out(make_bot: MakeBot):
    bot = await make_bot(today=TODAY)
    bot.user(ADMIN_ID, "劉老師")
    await bot.send(ADMIN_ID, "/broadcast")
    sent_before = len(bot.standin.sent_messages(ADMIN_ID))
    with later(31):
        assert await expire_conversations(bot.application) == 1
        assert await expire_conversations(bot.application) == 0
    messages = bot.standin.sent_messages(ADMIN_ID)[sent_before:]
    assert len(messages) == 1 and "沒有發送任何訊息" in (messages[0].text or "")
    assert "broadcast_draft" not in bot.application.user_data[ADMIN_ID]
    assert await conversation_rows(bot) == 0


async def test_a_side_command_in_the_middle_of_log_asks_the_pending_question_again(
    make_bot: MakeBot,
):
    bot = await make_bot(today=TODAY)
    bot.user(TEACHER_ID)
    await begin_registration(bot)
    await finish_registration(bot)
    await bot.send(TEACHER_ID, "/log")
    await bot.send(TEACHER_ID, "10/5")
    await bot.press(TEACHER_ID, "專業對話")  # now /log waits for the topic
    progress = await bot.send(TEACHER_ID, "/progress")
    assert "社群運作活動" in progress.texts[0]
    # The reply to /progress comes first, then the question the convener still has to answer.
    assert "/log 還沒完成" in progress.last.text and "活動主題是什麼" in progress.last.text
    helped = await bot.send(TEACHER_ID, "/help")
    assert len(helped.messages) == 2 and "活動主題是什麼" in helped.last.text
    attendees = await bot.send(TEACHER_ID, "差異化教學")
    assert "哪些成員出席" in attendees.text
    assert bot.application.user_data[TEACHER_ID]["flow:log"]["topic"] == "差異化教學"
    # A button question is shown again with fresh buttons, which work.
    again = await bot.send(TEACHER_ID, "/reminders")
    assert "哪些成員出席" in again.last.text
    ticked = await bot.press(TEACHER_ID, "全部出席", message_id=again.last.message_id)
    assert "☑ 王大明" in str(ticked.last.buttons)


async def test_a_side_command_in_the_middle_of_register_asks_the_pending_question_again(
    make_bot: MakeBot,
):
    bot = await make_bot(today=TODAY)
    bot.user(TEACHER_ID)
    await begin_registration(bot)  # now /register waits for the community's name
    helped = await bot.send(TEACHER_ID, "/help")
    assert "/register 還沒完成" in helped.last.text and "請輸入社群名稱" in helped.last.text
    unknown = await bot.send(TEACHER_ID, "/nonsense")
    assert "請輸入社群名稱" in unknown.last.text


async def test_commands_that_end_or_restart_a_flow_ask_nothing_more(make_bot: MakeBot):
    bot = await make_bot(today=TODAY)
    bot.user(TEACHER_ID)
    await begin_registration(bot)
    cancelled = await bot.send(TEACHER_ID, "/cancel")
    assert cancelled.texts == [cancelled.last.text] and "已取消" in cancelled.text
    await begin_registration(bot)
    resumed = await bot.send(TEACHER_ID, "/register")
    assert len(resumed.messages) == 1 and "還沒完成" not in resumed.text
