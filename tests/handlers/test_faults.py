"""Telegram and the database misbehave; nothing logged is lost and nothing is done twice."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from support import TEACHER_ID, BotUnderTest, registered_community

from bot.app import stop_embedded
from db.models import Activity


async def _activities(bot: BotUnderTest) -> int:
    async with bot.services.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Activity)) or 0)


async def _log_until_summary(bot: BotUnderTest, user_id: int) -> None:
    """Walk /log to its summary; the answers are the ones a convener would give."""
    await bot.send(user_id, "/log")
    await bot.send(user_id, "2022-10-05")
    await bot.press(user_id, "專業對話")
    await bot.send(user_id, "差異化教學設計")
    await bot.press(user_id, "全部")
    await bot.press(user_id, "完成")
    await bot.send(user_id, "90分鐘")
    for _ in range(5):  # time, place, reflection, notes, photos
        await bot.press(user_id, "略過")


async def _save_button(bot: BotUnderTest, user_id: int) -> tuple[int, str]:
    message = bot.standin.last_message(user_id)
    assert message is not None
    for row in message.buttons:
        for label, data in row:
            if "確認" in label or "儲存" in label:
                assert data is not None
                return message.message_id, data
    raise AssertionError(f"no save button in {message.buttons}")


async def test_a_429_on_a_reply_is_waited_out_and_the_reply_arrives(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    bot.standin.inject_fault(
        method="sendMessage", chat_id=TEACHER_ID, error_code=429,
        description="Too Many Requests: retry after 1", retry_after=1,
    )  # fmt: skip
    reply = await bot.send(TEACHER_ID, "/help")
    assert "使用說明" in reply.text


async def test_a_server_error_on_the_reply_after_saving_loses_nothing(make_bot):
    bot = await make_bot(today=dt.date(2022, 10, 6))
    convener = bot.user(TEACHER_ID, "林召集人")
    await registered_community(bot, convener)
    await _log_until_summary(bot, convener)
    message_id, data = await _save_button(bot, convener)
    bot.standin.inject_fault(
        method="editMessageText", chat_id=convener, error_code=502, description="Bad Gateway"
    )
    bot.standin.inject_fault(
        method="sendMessage", chat_id=convener, error_code=502, description="Bad Gateway",
        times=3,
    )  # fmt: skip
    press = bot.standin.user_presses_button(convener, message_id, data)
    await bot.process(press)
    assert await _activities(bot) == 1
    # A client that missed the edit presses again: it is already saved, not saved twice.
    again = await bot.process(
        bot.standin.user_presses_button(convener, message_id, data, forge=True)
    )
    assert await _activities(bot) == 1
    assert again.messages or again.toasts


async def test_a_crash_before_the_update_was_marked_done_does_not_save_twice(make_bot):
    bot = await make_bot(today=dt.date(2022, 10, 6))
    convener = bot.user(TEACHER_ID, "林召集人")
    await registered_community(bot, convener)
    await _log_until_summary(bot, convener)
    message_id, data = await _save_button(bot, convener)
    press = bot.standin.user_presses_button(convener, message_id, data)
    await bot.process(press)
    assert await _activities(bot) == 1
    await stop_embedded(bot.application)
    # Telegram hands the same update to the next run (getUpdates is at-least-once); even if
    # the "done" mark were lost, the save itself is idempotent.
    restarted = await make_bot(today=dt.date(2022, 10, 6))
    async with restarted.services.database.session() as session:
        from db.models import ProcessedUpdate

        await session.execute(ProcessedUpdate.__table__.delete())
    await restarted.process(press)
    assert await _activities(restarted) == 1


async def test_a_briefly_locked_sqlite_database_is_waited_for(bot: BotUnderTest):
    if not bot.services.database.is_sqlite:
        pytest.skip("SQLite only: a file lock held by another connection")
    path = make_url(bot.services.database.url).database
    assert path is not None
    bot.user(TEACHER_ID)
    locker = sqlite3.connect(path, timeout=1)
    locker.execute("BEGIN IMMEDIATE")

    async def release_soon() -> None:
        await asyncio.sleep(0.5)
        locker.rollback()
        locker.close()

    release = asyncio.create_task(release_soon())
    reply = await bot.send(TEACHER_ID, "共備社群要幾個人？")
    await release
    assert "4" in reply.text


async def test_a_dropped_postgresql_connection_is_replaced(bot: BotUnderTest):
    database = bot.services.database
    if database.is_sqlite:
        pytest.skip("PostgreSQL only: server-side connections to terminate")
    bot.user(TEACHER_ID)
    await bot.send(TEACHER_ID, "/help")
    async with database.engine.connect() as connection:
        await connection.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    reply = await bot.send(TEACHER_ID, "共備社群要幾個人？")
    assert "4" in reply.text


async def test_every_update_confirmed_to_telegram_is_stored_first(bot: BotUnderTest):
    # A crash may come at any moment: an update Telegram no longer holds must be in the inbox.
    import asyncio

    from sqlalchemy import select

    from bot.intake import intake_of
    from bot.polling import poll
    from db.models import InboxUpdate

    bot.user(TEACHER_ID)
    sent = [
        bot.standin.user_sends_text(TEACHER_ID, question)["update_id"]
        for question in ("申請截止日？", "經費多少？", "要幾個人？", "成果發表會？", "找誰問？")
    ]
    bot.standin.inject_delay("sendMessage", 1.0)
    stop = asyncio.Event()
    polling = asyncio.create_task(
        poll(bot.application, intake_of(bot.application), stop, poll_seconds=1)
    )
    try:
        await bot.standin.wait_until(lambda: bool(bot.standin.calls_to("sendMessage")))
        at_telegram = {u["update_id"] for u in bot.standin.pending_updates()}
        async with bot.services.database.session() as session:
            stored = set(await session.scalars(select(InboxUpdate.update_id)))
        assert set(sent) - at_telegram <= stored
        await bot.standin.wait_until(
            lambda: len(bot.standin.sent_messages(TEACHER_ID)) == 5, within=15
        )
        await bot.standin.wait_until(lambda: not bot.standin.pending_updates())
    finally:
        stop.set()
        await polling


async def test_a_reply_that_times_out_arrives_once_with_no_apology(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    # Telegram delivers the message but answers after the client's read timeout (PTB's
    # default, 5 s): the reply arrived, so it is neither sent again nor apologised for.
    bot.standin.inject_delay("sendMessage", 6.0, after_doing_it=True)
    first = await bot.send(TEACHER_ID, "/help")
    texts = [m.text or "" for m in bot.standin.sent_messages(TEACHER_ID)]
    assert len(texts) == 1 and "使用說明" in texts[0]
    assert not any("發生問題" in text for text in first.texts + texts)

    second = await bot.send(TEACHER_ID, "/help")
    assert "使用說明" in second.text


async def test_a_server_error_on_a_reply_is_retried_and_the_answer_arrives_once(
    bot: BotUnderTest,
):
    bot.user(TEACHER_ID)
    bot.standin.inject_fault(
        method="sendMessage", chat_id=TEACHER_ID, error_code=500,
        description="Internal Server Error",
    )  # fmt: skip
    reply = await bot.send(TEACHER_ID, "/help")
    assert len(reply.messages) == 1
    assert "使用說明" in reply.text


async def test_a_dropped_connection_on_a_reply_is_retried_and_the_answer_arrives(
    bot: BotUnderTest,
):
    bot.user(TEACHER_ID)
    bot.standin.inject_dropped_connection(method="sendMessage", chat_id=TEACHER_ID, times=2)
    reply = await bot.send(TEACHER_ID, "/help")
    assert len(reply.messages) == 1
    assert "使用說明" in reply.text


async def test_several_429s_on_a_reply_are_waited_out_and_the_answer_arrives(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    bot.standin.inject_fault(
        method="sendMessage", chat_id=TEACHER_ID, error_code=429,
        description="Too Many Requests: retry after 1", retry_after=1, times=3,
    )  # fmt: skip
    reply = await bot.send(TEACHER_ID, "/help")
    assert len(reply.messages) == 1
    assert "使用說明" in reply.text


async def test_a_flow_step_whose_edit_timed_out_takes_the_next_answer(make_bot):
    bot = await make_bot(today=dt.date(2022, 10, 6))
    convener = bot.user(TEACHER_ID, "林召集人")
    await registered_community(bot, convener)
    await bot.send(convener, "/log")
    await bot.send(convener, "2022-10-05")
    # The edit that asks for the topic arrives, but its answer is late (twice: the one
    # repeat of an edit times out too).
    bot.standin.inject_delay("editMessageText", 6.0, times=2, after_doing_it=True)
    pressed = await bot.press(convener, "專業對話")
    assert not any("發生問題" in text for text in pressed.texts)
    shown = bot.standin.last_message(convener)
    assert shown is not None and "主題" in (shown.text or "")
    # The convener answers what the message asks: the topic is taken, the flow goes on.
    reply = await bot.send(convener, "差異化教學設計")
    assert "全部" in str(reply.last.buttons)


async def test_a_failed_button_answer_does_not_stop_the_press_from_working(make_bot):
    bot = await make_bot(today=dt.date(2022, 10, 6))
    convener = bot.user(TEACHER_ID, "林召集人")
    await registered_community(bot, convener)
    await bot.send(convener, "/log")
    await bot.send(convener, "2022-10-05")
    bot.standin.inject_fault(
        method="answerCallbackQuery", chat_id=None, error_code=500,
        description="Internal Server Error",
    )  # fmt: skip
    reply = await bot.press(convener, "專業對話")
    assert "主題" in reply.text


async def test_polling_survives_server_errors_from_get_updates(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    bot.standin.inject_fault(
        method="getUpdates", chat_id=None, error_code=502, description="Bad Gateway", times=2
    )
    bot.standin.user_sends_text(TEACHER_ID, "/help")
    updater = bot.application.updater
    assert updater is not None
    await updater.start_polling()
    try:
        await bot.standin.wait_until(lambda: bool(bot.standin.sent_messages(TEACHER_ID)), within=15)
        assert "使用說明" in bot.standin.sent_messages(TEACHER_ID)[0].text
    finally:
        await updater.stop()


Rows = list[dict[str, object]]


async def _saved_state(bot: BotUnderTest) -> tuple[Rows, Rows]:
    """Every stored conversation state and user_data row, as plain values."""
    from db.models import ConversationState, StoredData

    async with bot.services.database.session() as session:
        states = (await session.execute(select(ConversationState.__table__))).mappings().all()
        data = (await session.execute(select(StoredData.__table__))).mappings().all()
    return [dict(row) for row in states], [dict(row) for row in data]


async def test_a_save_replayed_after_its_bookkeeping_was_lost_says_already_saved(make_bot):
    # The activity is committed in its own transaction; the conversation state, the draft and
    # the "done" mark follow in another one. A crash between the two leaves the draft at its
    # summary, so Telegram's redelivery presses "save" again: only the draft's client_token
    # keeps that from being a second activity (or an error).
    from db.models import ConversationState, ProcessedUpdate, StoredData

    bot = await make_bot(today=dt.date(2022, 10, 6))
    convener = bot.user(TEACHER_ID, "林召集人")
    await registered_community(bot, convener)
    await _log_until_summary(bot, convener)
    message_id, data = await _save_button(bot, convener)
    states, user_data = await _saved_state(bot)
    press = bot.standin.user_presses_button(convener, message_id, data)
    first = await bot.process(press)
    assert "已記錄" in first.messages[-1].text
    await stop_embedded(bot.application)
    # Lose the second transaction: back to the state before the press, no "done" mark.
    async with bot.services.database.session() as session:
        await session.execute(ProcessedUpdate.__table__.delete())
        await session.execute(ConversationState.__table__.delete())
        await session.execute(StoredData.__table__.delete())
        if states:
            await session.execute(ConversationState.__table__.insert(), states)
        await session.execute(StoredData.__table__.insert(), user_data)
    restarted = await make_bot(today=dt.date(2022, 10, 6))
    again = await restarted.process(press)
    assert await _activities(restarted) == 1
    texts = [message.text for message in again.messages]
    assert any("先前已經儲存過了" in text for text in texts), texts


async def test_a_rate_limited_poll_waits_what_telegram_says_then_answers(
    bot: BotUnderTest, monkeypatch: pytest.MonkeyPatch
):
    from bot import polling
    from bot.intake import intake_of

    waits: list[float] = []
    sleep = polling._sleep_unless_stopped

    async def recorded(stop: asyncio.Event, seconds: float) -> None:
        waits.append(seconds)
        await sleep(stop, min(seconds, 0.1))

    monkeypatch.setattr(polling, "_sleep_unless_stopped", recorded)
    bot.user(TEACHER_ID)
    bot.standin.inject_fault(
        method="getUpdates", error_code=429, description="Too Many Requests: retry after 2",
        retry_after=2, times=3,
    )  # fmt: skip
    bot.standin.user_sends_text(TEACHER_ID, "申請截止日？")
    stop = asyncio.Event()
    task = asyncio.create_task(
        polling.poll(bot.application, intake_of(bot.application), stop, poll_seconds=1)
    )
    try:
        await bot.standin.wait_until(lambda: bool(bot.standin.sent_messages(TEACHER_ID)))
    finally:
        stop.set()
        await task
    assert waits[:3] == [2.0, 2.0, 2.0]  # retry_after each time, no growing back-off
