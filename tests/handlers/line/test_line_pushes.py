"""Reminders and broadcasts reach LINE users by push, within the monthly budget setting."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from zoneinfo import ZoneInfo

import time_machine
from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, Configuration
from sqlalchemy import select
from support import ADMIN_ID, BotUnderTest, MakeBot

from bot.standin.line import LineStandin
from bot.standin.line_inprocess import use_standin
from db.models import Delivery, DeliveryStatus
from handlers.line.push import LinePusher
from handlers.line.webhook import LineWebhook


@asynccontextmanager
async def line_beside(bot: BotUnderTest, line: LineStandin) -> AsyncIterator[LineWebhook]:
    """LINE served by the bot's process, on its services (as `run` does with both set)."""
    configuration = Configuration(host="https://line.invalid", access_token=line.access_token)
    async with AsyncApiClient(configuration) as client:
        await use_standin(client, line)
        api = AsyncMessagingApi(client)
        api.line_base_path = "https://line.invalid"
        bot.services.push_channel = LinePusher(bot.services, api)
        try:
            yield LineWebhook(bot.services, api, line.channel_secret)
        finally:
            bot.services.push_channel = None


async def follow(line: LineStandin, webhook: LineWebhook, name: str) -> str:
    teacher = line.add_user(name)
    body = line.webhook_body(line.follow_event(teacher.user_id))
    status, _ = await webhook.call(body, line.sign(body))
    assert status == 200
    return teacher.user_id


async def broadcast_to_everyone(bot: BotUnderTest, text: str) -> str:
    await bot.send(ADMIN_ID, "/broadcast")
    await bot.send(ADMIN_ID, text)
    await bot.press(ADMIN_ID, "所有使用者")
    await bot.press(ADMIN_ID, "確認發送")
    await bot.standin.wait_until(
        lambda: any("發送完成" in (m.text or "") for m in bot.standin.sent_messages(ADMIN_ID)),
        within=10,
    )
    return next(
        m.text or "" for m in bot.standin.sent_messages(ADMIN_ID) if "發送完成" in (m.text or "")
    )


async def test_a_broadcast_reaches_line_users_by_push_as_plain_text(make_bot: MakeBot):
    bot = await make_bot(today=dt.date(2022, 9, 5))
    bot.user(ADMIN_ID)
    line = LineStandin()
    async with line_beside(bot, line) as webhook:
        teacher = await follow(line, webhook, "林老師")
        report = await broadcast_to_everyone(bot, "<b>研習通知</b>：9/21 截止")
    assert "已送達 2" in report  # the LINE teacher and the sender on Telegram
    pushed = [m for m in line.messages_to(teacher) if m.via == "push"]
    assert [m.text for m in pushed] == ["研習通知：9/21 截止"]


async def test_over_the_monthly_budget_nothing_more_is_pushed_and_staff_see_the_use(
    make_bot: MakeBot,
):
    bot = await make_bot(today=dt.date(2022, 9, 5), LINE_MONTHLY_PUSH_BUDGET=1)
    bot.user(ADMIN_ID)
    line = LineStandin()
    async with line_beside(bot, line) as webhook:
        first = await follow(line, webhook, "林老師")
        second = await follow(line, webhook, "陳老師")
        report = await broadcast_to_everyone(bot, "研習通知")
        stats = (await bot.send(ADMIN_ID, "/stats")).text
    pushed = [m for user in (first, second) for m in line.messages_to(user) if m.via == "push"]
    assert len(pushed) == 1 and line.pushes_this_month == 1
    assert "已送達 2" in report and "失敗 1" in report
    async with bot.services.database.session() as session:
        held_back = (
            await session.scalars(select(Delivery).where(Delivery.status == DeliveryStatus.FAILED))
        ).one()
    assert held_back.user_id < 0 and "budget" in (held_back.error or "")
    assert "LINE 推播" in stats and "已用 1／1 則" in stats
    assert "LINE 官方帳號本月共用 1／200 則" in stats


async def test_without_line_in_the_process_a_line_user_is_told_apart_not_sent_to_telegram(
    make_bot: MakeBot,
):
    bot = await make_bot(today=dt.date(2022, 9, 5))
    bot.user(ADMIN_ID)
    line = LineStandin()
    async with line_beside(bot, line) as webhook:
        await follow(line, webhook, "林老師")
    report = await broadcast_to_everyone(bot, "研習通知")
    assert "已送達 1" in report and "失敗 1" in report
    assert bot.standin.rejected == []  # nothing went to Telegram for a LINE user


async def test_a_teacher_on_line_gets_the_deadline_reminder_by_push(make_bot: MakeBot):
    taipei = ZoneInfo("Asia/Taipei")
    with time_machine.travel(dt.datetime(2022, 9, 13, 10, tzinfo=taipei), tick=False) as clock:
        bot = await make_bot()
        line = LineStandin()
        async with line_beside(bot, line) as webhook:
            teacher = await follow(line, webhook, "林老師")
            clock.move_to(dt.datetime(2022, 9, 14, 9, 1, tzinfo=taipei))
            await bot.services.scheduler.run_due()
    pushed = [m.text for m in line.messages_to(teacher) if m.via == "push"]
    assert len(pushed) == 1
    assert "申請截止提醒" in pushed[0] and "111年9月21日（三）" in pushed[0]
    assert "<" not in pushed[0]  # plain text, not Telegram's HTML



async def test_with_line_served_alone_line_users_get_reminders_and_telegram_users_wait(
    database_url: str,
):
    from support import make_settings

    from bot.line_runner import build_services
    from db.models import User
    from reminders.scheduler import ReminderScheduler

    taipei = ZoneInfo("Asia/Taipei")
    with time_machine.travel(dt.datetime(2022, 9, 13, 10, tzinfo=taipei), tick=False) as clock:
        line = LineStandin()
        settings = make_settings("http://telegram.invalid/bot", database_url)
        services = build_services(settings, None)
        await services.load_knowledge()
        async with services.database.session() as session:
            session.add(User(id=10001, display_name="王老師", language="zh-TW"))
        configuration = Configuration(host="https://line.invalid", access_token=line.access_token)
        async with AsyncApiClient(configuration) as client:
            await use_standin(client, line)
            api = AsyncMessagingApi(client)
            api.line_base_path = "https://line.invalid"
            services.push_channel = LinePusher(services, api)
            webhook = LineWebhook(services, api, line.channel_secret)
            teacher = await follow(line, webhook, "林老師")
            scheduler = ReminderScheduler(services, None)
            services.scheduler = scheduler
            await scheduler.start()
            try:
                clock.move_to(dt.datetime(2022, 9, 14, 9, 1, tzinfo=taipei))
                await scheduler.run_due()
            finally:
                await scheduler.stop()
        async with services.database.session() as session:
            waiting = list(
                await session.scalars(select(Delivery).where(Delivery.user_id == 10001))
            )
        await services.database.dispose()
    pushed = [m.text for m in line.messages_to(teacher) if m.via == "push"]
    assert len(pushed) == 1 and "申請截止提醒" in pushed[0]
    assert [delivery.status for delivery in waiting] == [DeliveryStatus.PENDING]


async def test_a_decision_on_a_line_conveners_community_reaches_her_by_push(make_bot: MakeBot):
    from bot import communities
    from bot.rules import MemberDraft
    from db.identities import user_for_line

    bot = await make_bot(today=dt.date(2022, 9, 15))
    bot.user(ADMIN_ID)
    line = LineStandin()
    async with line_beside(bot, line) as webhook:
        teacher = await follow(line, webhook, "蔡老師")
        services = bot.services
        async with services.database.session() as session:
            convener = (
                await user_for_line(session, teacher, display_name="蔡老師", language="zh-TW")
            ).id
            school = (await communities.search_schools(session, services.program, "正興國小"))[0]
            community = await communities.register_community(
                session,
                services.program,
                convener,
                communities.CommunityDraft(
                    "co_planning", school.id, school.name, "正興共備社群",
                    tuple(MemberDraft(f"老師{n}", n == 0) for n in range(4)),
                ),
            )  # fmt: skip
            community_id = community.id
        reply = await bot.send(ADMIN_ID, f"/decide {community_id} 撤回 學校撤案")
    assert "無法通知" not in reply.text
    pushed = [m.text for m in line.messages_to(teacher) if m.via == "push"]
    assert any("正興共備社群" in text and "學校撤案" in text for text in pushed)
