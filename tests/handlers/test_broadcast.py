"""/broadcast: write, choose the audience, preview, confirm; delivered in the background."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select
from support import ADMIN_ID, TEACHER_ID, BotUnderTest, MakeBot

from bot.app import stop_embedded
from db.models import (
    Broadcast,
    BroadcastStatus,
    Community,
    CommunityStatus,
    Delivery,
    DeliveryStatus,
    Member,
    School,
    User,
)
from handlers.broadcast import resume_broadcasts

TEACHERS = (10001, 10002, 10003, 10004)


async def add_users(bot: BotUnderTest, ids: tuple[int, ...] = TEACHERS) -> None:
    """Teachers who have talked to the bot (known to Telegram and to the database)."""
    async with bot.services.database.session() as session:
        for user_id in ids:
            bot.user(user_id, f"老師{user_id}")
            if await session.get(User, user_id) is None:
                session.add(User(id=user_id, display_name=f"老師{user_id}"))


async def add_community(
    bot: BotUnderTest, convener_id: int, *, school: str, type_key: str = "co_planning"
) -> int:
    async with bot.services.database.session() as session:
        found = await session.scalar(select(School).where(School.name == school))
        community = Community(
            program_year=111,
            type_key=type_key,
            school=found or School(name=school, in_letter=True),
            name=f"社群{convener_id}",
            convener_user_id=convener_id,
            status=CommunityStatus.APPROVED,
            invite_code=secrets.token_hex(8),
            members=[Member(position=0, name="召集人", is_convener=True, user_id=convener_id)],
            activities=[],
        )
        session.add(community)
        await session.flush()
        return community.id


def received(bot: BotUnderTest, user_id: int, text: str) -> int:
    return sum(1 for m in bot.standin.sent_messages(user_id) if text in (m.text or ""))


async def wait_for_report(bot: BotUnderTest) -> str:
    await bot.standin.wait_until(lambda: received(bot, ADMIN_ID, "發送完成") >= 1, within=10)
    return next(
        m.text or "" for m in bot.standin.sent_messages(ADMIN_ID) if "發送完成" in (m.text or "")
    )


async def compose(bot: BotUnderTest, text: str, audience: str) -> None:
    await bot.send(ADMIN_ID, "/broadcast")
    await bot.send(ADMIN_ID, text)
    await bot.press(ADMIN_ID, audience)


async def test_staff_broadcast_to_everyone_after_a_preview(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    await add_users(bot)
    asked = await bot.send(ADMIN_ID, "/broadcast")
    assert "公告內容" in asked.text
    menu = await bot.send(ADMIN_ID, "<b>研習通知</b>：9/21 截止 & 請準時")
    assert "所有使用者" in menu.text or "發送給誰" in menu.text
    preview = await bot.press(ADMIN_ID, "所有使用者")
    assert "研習通知：9/21 截止 & 請準時" in preview.text
    assert "收件人數：5 人" in preview.text  # the four teachers and the sender
    assert received(bot, TEACHERS[0], "研習通知") == 0
    await bot.press(ADMIN_ID, "確認發送")
    report = await wait_for_report(bot)
    assert "已送達 5" in report and "已封鎖 0" in report and "失敗 0" in report
    for teacher in TEACHERS:
        assert received(bot, teacher, "研習通知") == 1
        message = bot.standin.sent_messages(teacher)[-1]
        assert {"type": "bold", "offset": 0, "length": 4} in message.entities


async def test_broken_html_gets_a_clear_reply_and_can_be_corrected(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    await add_users(bot)
    await bot.send(ADMIN_ID, "/broadcast")
    broken = await bot.send(ADMIN_ID, "第一行\n<b>重要：<i>截止</b>")
    assert "第 2 行" in broken.text and "<i>" in broken.text and "</i>" in broken.text
    unsupported = await bot.send(ADMIN_ID, "你好<br>再見")
    assert "不支援 <br> 標籤" in unsupported.text
    fixed = await bot.send(ADMIN_ID, "<b>重要</b>：截止")
    assert "發送給誰" in fixed.text
    assert bot.standin.calls_to("sendMessage") and all(
        call["chat_id"] == ADMIN_ID for call in bot.standin.calls_to("sendMessage")
    )


async def test_empty_and_over_long_texts_are_refused(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    await bot.send(ADMIN_ID, "/broadcast")
    empty = await bot.send(ADMIN_ID, "<b> </b>")
    assert "不能空白" in empty.text
    long = await bot.send(ADMIN_ID, "公" * 4097)
    assert "太長了（4097 字）" in long.text


async def test_an_audience_of_nobody_sends_nothing(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    await add_users(bot)
    await compose(bot, "進度提醒", "進度落後")
    reply = bot.standin.sent_messages(ADMIN_ID)[-1]
    assert "目前沒有任何收件人" in (reply.text or "")
    async with bot.services.database.session() as session:
        assert await session.scalar(select(Broadcast)) is None


async def test_conveners_of_chosen_schools_only(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    await add_users(bot)
    await add_community(bot, TEACHERS[0], school="高雄市左營區新民國民小學")
    await add_community(bot, TEACHERS[1], school="高雄市立高雄高級中學")
    await compose(bot, "新民國小的公告", "指定學校")
    listed = await bot.send(ADMIN_ID, "新民國小")
    labels = [label for row in listed.last.buttons for label, _ in row]
    assert any("新民國民小學" in label for label in labels)
    assert not any("高雄高級中學" in label for label in labels)
    await bot.press(ADMIN_ID, "新民國民小學")
    preview = await bot.press(ADMIN_ID, "選好了")
    assert "收件人數：1 人" in preview.text
    await bot.press(ADMIN_ID, "確認發送")
    await wait_for_report(bot)
    assert received(bot, TEACHERS[0], "新民國小的公告") == 1
    assert received(bot, TEACHERS[1], "新民國小的公告") == 0


async def test_one_community_type(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    await add_users(bot)
    await add_community(bot, TEACHERS[0], school="高雄市立高雄高級中學", type_key="curriculum")
    await add_community(bot, TEACHERS[1], school="高雄市立高雄高級中學")
    await compose(bot, "研創社群請注意成果發表會", "課程研創學習社群")
    await bot.press(ADMIN_ID, "確認發送")
    await wait_for_report(bot)
    assert received(bot, TEACHERS[0], "成果發表會") == 1
    assert received(bot, TEACHERS[1], "成果發表會") == 0


async def test_users_who_blocked_the_bot_are_marked_inactive_and_counted(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    await add_users(bot)
    bot.standin.block_user(TEACHERS[2])
    await compose(bot, "公告", "所有使用者")
    await bot.press(ADMIN_ID, "確認發送")
    report = await wait_for_report(bot)
    assert "已送達 4" in report and "已封鎖 1" in report
    async with bot.services.database.session() as session:
        blocked = await session.get(User, TEACHERS[2])
        assert blocked is not None and blocked.active is False
    await compose(bot, "第二則", "所有使用者")
    second = bot.standin.sent_messages(ADMIN_ID)[-1]
    assert "收件人數：4 人" in (second.text or "")


async def test_a_rate_limit_from_telegram_is_waited_out_without_duplicates(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    await add_users(bot)
    bot.standin.inject_fault(
        method="sendMessage",
        chat_id=TEACHERS[1],
        error_code=429,
        description="Too Many Requests: retry after 1",
        retry_after=1,
    )
    await compose(bot, "限速測試", "所有使用者")
    await bot.press(ADMIN_ID, "確認發送")
    report = await wait_for_report(bot)
    assert "已送達 5" in report
    for teacher in TEACHERS:
        assert received(bot, teacher, "限速測試") == 1


async def test_pressing_send_twice_sends_once(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    await add_users(bot)
    await compose(bot, "只發一次", "所有使用者")
    confirm = bot.standin.sent_messages(ADMIN_ID)[-1]
    data = next(d for row in confirm.buttons for label, d in row if "確認發送" in label)
    await bot.press(ADMIN_ID, "確認發送")
    again = await bot.process(
        bot.standin.user_presses_button(ADMIN_ID, confirm.message_id, data, forge=True)
    )
    assert "過期" in again.text
    await wait_for_report(bot)
    async with bot.services.database.session() as session:
        assert len(list(await session.scalars(select(Broadcast)))) == 1
    assert received(bot, TEACHERS[0], "只發一次") == 1


async def test_a_forged_broadcast_button_from_a_teacher_is_refused(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    reply = await bot.process(
        bot.standin.user_presses_button(TEACHER_ID, 999, "bc:abcd:send", forge=True)
    )
    assert "僅供教育局與資源中心人員使用" in reply.text


async def test_past_broadcasts_are_listed_with_their_figures(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    await add_users(bot)
    bot.standin.block_user(TEACHERS[3])
    await compose(bot, "第一則公告內容", "所有使用者")
    await bot.press(ADMIN_ID, "確認發送")
    await wait_for_report(bot)
    listing = await bot.send(ADMIN_ID, "/broadcasts")
    assert "#1" in listing.text and "已完成" in listing.text
    assert "第一則公告內容" in listing.text
    assert "共 5 人：已送達 4、已封鎖 1、失敗 0、未確定 0、待發送 0" in listing.text


async def left_by_a_crash(bot: BotUnderTest, text: str, statuses: list[DeliveryStatus]) -> None:
    """A broadcast to the four teachers as a stopped process left it, one status each."""
    bot.user(ADMIN_ID)
    await add_users(bot)
    async with bot.services.database.session() as session:
        broadcast = Broadcast(
            created_by=ADMIN_ID,
            text_html=text,
            audience={"kind": "everyone", "sender_language": "zh-TW"},
            status=BroadcastStatus.SENDING,
            progress_chat_id=ADMIN_ID,
        )
        session.add(broadcast)
        await session.flush()
        for user_id, status in zip(TEACHERS, statuses, strict=True):
            session.add(
                Delivery(broadcast_id=broadcast.id, user_id=user_id, text=text, status=status)
            )


async def test_a_broadcast_interrupted_by_a_restart_resumes_with_the_pending_rows_only(
    make_bot: MakeBot,
):
    bot = await make_bot(today=dt.date(2022, 9, 2))
    await left_by_a_crash(bot, "續傳公告", [DeliveryStatus.SENT] * 2 + [DeliveryStatus.PENDING] * 2)
    await resume_broadcasts(bot.application)
    report = await wait_for_report(bot)
    assert "已送達 4" in report
    assert [received(bot, user_id, "續傳公告") for user_id in TEACHERS] == [0, 0, 1, 1]


async def test_a_message_cut_short_by_a_crash_is_unknown_and_the_broadcast_still_finishes(
    make_bot: MakeBot,
):
    bot = await make_bot(today=dt.date(2022, 9, 2))
    # The crash came while the first teacher's message was in flight.
    await left_by_a_crash(bot, "中斷公告", [DeliveryStatus.SENDING] + [DeliveryStatus.PENDING] * 3)
    await resume_broadcasts(bot.application)
    report = await wait_for_report(bot)
    assert "已送達 3" in report and "未確定 1" in report
    assert [received(bot, user_id, "中斷公告") for user_id in TEACHERS] == [0, 1, 1, 1]
    listing = await bot.send(ADMIN_ID, "/broadcasts")
    assert "已完成" in listing.text


async def test_stopping_mid_broadcast_and_starting_again_sends_everyone_exactly_once(
    make_bot: MakeBot,
):
    first = await make_bot(today=dt.date(2022, 9, 2), BROADCAST_RATE_PER_SECOND=4)
    first.user(ADMIN_ID)
    many = tuple(range(11001, 11013))
    await add_users(first, many)
    await compose(first, "大量公告", "所有使用者")
    await first.press(ADMIN_ID, "確認發送")
    await first.standin.wait_until(
        lambda: sum(received(first, user_id, "大量公告") for user_id in many) >= 3, within=10
    )
    await stop_embedded(first.application)
    delivered = sum(received(first, user_id, "大量公告") for user_id in many)
    assert delivered < len(many)

    second = await make_bot(today=dt.date(2022, 9, 2), BROADCAST_RATE_PER_SECOND=30)
    await resume_broadcasts(second.application)
    await wait_for_report(second)
    counts = [received(second, user_id, "大量公告") for user_id in many]
    assert max(counts) == 1
    async with second.services.database.session() as session:
        statuses = list(await session.scalars(select(Delivery.status)))
    # A message whose Telegram call was cut short has an unknown outcome, never sent twice.
    assert statuses.count(DeliveryStatus.SENT) + statuses.count(DeliveryStatus.UNKNOWN) == 13
    assert sum(counts) == statuses.count(DeliveryStatus.SENT) - 1  # minus the sender's copy


async def test_timeouts_are_reported_as_outcome_unknown_and_staff_can_list_each_group(
    bot: BotUnderTest,
):
    bot.user(ADMIN_ID)
    people = (*TEACHERS, 10005)
    await add_users(bot, people)
    late, blocked, refused = (10001, 10002), 10003, 10004
    for user_id in late:
        # Delivered, but Telegram answers after the client's read timeout (5 s).
        bot.standin.inject_delay("sendMessage", 6.0, after_doing_it=True, chat_id=user_id)
    bot.standin.block_user(blocked)
    bot.standin.inject_fault(
        method="sendMessage", chat_id=refused, error_code=400,
        description="Bad Request: chat not found",
    )  # fmt: skip
    await compose(bot, "逾時公告", "所有使用者")
    await bot.press(ADMIN_ID, "確認發送")
    await bot.standin.wait_until(lambda: received(bot, ADMIN_ID, "發送完成") >= 2, within=30)
    # The last one: the progress message above it says the same, without the buttons.
    report = [m for m in bot.standin.sent_messages(ADMIN_ID) if "發送完成" in (m.text or "")][-1]

    # Nobody got it twice: a timed-out send is not repeated.
    assert [received(bot, user_id, "逾時公告") for user_id in people] == [1, 1, 0, 0, 1]
    # Sent: 10005 and the sender's own copy; the two late ones are "unknown", not "failed".
    assert "已送達 2　已封鎖 1　失敗 1　未確定 2" in (report.text or "")
    labels = [label for row in report.buttons for label, _ in row]
    assert labels == ["已送達名單（2）", "已封鎖名單（1）", "失敗名單（1）", "未確定名單（2）"]

    unknown = await bot.press(ADMIN_ID, "未確定名單", message_id=report.message_id)
    assert "未確定" in unknown.text and "（2 人）" in unknown.text
    assert "老師10001" in unknown.text and "老師10002" in unknown.text
    assert "老師10005" not in unknown.text
    failed = await bot.press(ADMIN_ID, "失敗名單", message_id=report.message_id)
    assert "老師10004" in failed.text and "老師10001" not in failed.text

    listing = await bot.send(ADMIN_ID, "/broadcasts")
    assert "已送達 2、已封鎖 1、失敗 1、未確定 2、待發送 0" in listing.text


async def test_staff_list_a_group_with_the_recipients_command_in_english(bot: BotUnderTest):
    bot.user(ADMIN_ID, language_code="en")
    await add_users(bot)
    async with bot.services.database.session() as session:
        broadcast = Broadcast(
            created_by=ADMIN_ID, text_html="x", audience={"kind": "everyone"},
            status=BroadcastStatus.DONE,
        )  # fmt: skip
        session.add(broadcast)
        await session.flush()
        statuses = (DeliveryStatus.SENT, DeliveryStatus.UNKNOWN, DeliveryStatus.BLOCKED)
        for user_id, status in zip(TEACHERS, statuses, strict=False):
            session.add(
                Delivery(broadcast_id=broadcast.id, user_id=user_id, text="x", status=status)
            )
        broadcast_id = broadcast.id
    summary = await bot.send(ADMIN_ID, f"/recipients {broadcast_id}")
    assert "sent 1, blocked 1, failed 0, outcome unknown 1" in summary.text
    listed = await bot.send(ADMIN_ID, f"/recipients {broadcast_id} unknown")
    assert "Outcome unknown" in listed.text and "老師10002" in listed.text
    assert "老師10001" not in listed.text
    wrong = await bot.send(ADMIN_ID, "/recipients banana")
    assert "/recipients" in wrong.text
    teacher = await bot.send(TEACHERS[0], f"/recipients {broadcast_id}")
    assert "老師10002" not in teacher.text


async def test_a_javascript_link_is_refused_at_the_draft_step_saying_which(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    await add_users(bot)
    await bot.send(ADMIN_ID, "/broadcast")
    refused = await bot.send(ADMIN_ID, '請看<a href="javascript:alert(1)">這裡</a>')
    assert "不允許使用連結「javascript:alert(1)」" in refused.text
    assert "https://" in refused.text
    fixed = await bot.send(ADMIN_ID, '請看<a href="https://gifted.kh.edu.tw/">這裡</a>')
    assert "不允許" not in fixed.text
    assert all(received(bot, teacher, "請看") == 0 for teacher in TEACHERS)


async def test_broadcast_again_goes_on_from_the_message_already_typed(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    await add_users(bot)
    await bot.send(ADMIN_ID, "/broadcast")
    await bot.send(ADMIN_ID, "打好的公告")
    again = await bot.send(ADMIN_ID, "/broadcast")  # e.g. after a restart
    assert "接續您上次進行到的步驟" in again.text
    preview = await bot.press(ADMIN_ID, "所有使用者")
    assert "打好的公告" in preview.text
