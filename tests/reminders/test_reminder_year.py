"""Reminders over a whole program year: who gets what, when, and exactly once.

Time travels with time-machine; the scheduler's run_due is called at the moments a job would
fire (one test checks that APScheduler really fires a job). Bot restarts use make_bot twice on
one database; an outage is a stopped bot while the clock moves on.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select, update
from support import ADMIN_ID, BotUnderTest, MakeBot

from bot.app import stop_embedded
from db import deliveries
from db.deliveries import OUTCOME_UNKNOWN
from db.models import (
    Activity,
    Community,
    CommunityStatus,
    Delivery,
    DeliveryStatus,
    Member,
    Reminder,
    School,
    User,
)
from db.models.messaging import ReminderStatus
from reminders import manage
from reminders.plan import EVERYONE, Audience

TPE = ZoneInfo("Asia/Taipei")

# The cast: teachers who never apply, and two communities in different states.
TEACHER_ZH, TEACHER_EN, OPTED_OUT, BLOCKER = 10001, 10002, 10003, 10004
CO_CONVENER, CO_MEMBER = 20001, 20002
CUR_CONVENER, CUR_MEMBER = 20003, 20004


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, 30, tzinfo=TPE)


# --- a small factory: rows made directly with the models ------------------------------------


async def person(
    bot: BotUnderTest,
    user_id: int,
    *,
    language: str | None = None,
    opt_outs: Iterable[str] = (),
) -> int:
    bot.user(user_id, f"老師{user_id}", language_code="en" if language == "en" else "zh-hant")
    async with bot.services.database.session() as session:
        session.add(
            User(
                id=user_id,
                display_name=f"老師{user_id}",
                language=language,
                reminder_opt_outs=list(opt_outs),
            )
        )
    return user_id


async def community(
    bot: BotUnderTest,
    convener: int,
    type_key: str,
    *,
    name: str,
    status: CommunityStatus = CommunityStatus.SUBMITTED,
    members: Iterable[int] = (),
    activities: Iterable[tuple[dt.date, str]] = (),
) -> int:
    async with bot.services.database.session() as session:
        school = School(name=f"高雄市立第{convener}國民中學")
        session.add(school)
        await session.flush()
        row = Community(
            program_year=111,
            type_key=type_key,
            school_id=school.id,
            name=name,
            convener_user_id=convener,
            status=status,
            invite_code=uuid.uuid4().hex[:16],
        )
        session.add(row)
        await session.flush()
        session.add(
            Member(
                community_id=row.id, position=0, name="召集人", is_convener=True, user_id=convener
            )
        )
        for position, user_id in enumerate(members, start=1):
            session.add(
                Member(community_id=row.id, position=position, name="成員", user_id=user_id)
            )
        await session.flush()
        everyone = list(
            await session.scalars(select(Member.id).where(Member.community_id == row.id))
        )
        for day, kind in activities:
            session.add(
                Activity(
                    community_id=row.id,
                    client_token=uuid.uuid4().hex,
                    day=day,
                    kind=kind,
                    topic="社群活動",
                    attendee_member_ids=everyone,
                )
            )
        return row.id


async def cast(bot: BotUnderTest) -> None:
    await person(bot, TEACHER_ZH)
    await person(bot, TEACHER_EN, language="en")
    await person(bot, OPTED_OUT, opt_outs=["deadline"])
    await person(bot, BLOCKER)
    bot.standin.block_user(BLOCKER)
    await person(bot, ADMIN_ID)
    for user_id in (CO_CONVENER, CO_MEMBER, CUR_CONVENER):
        await person(bot, user_id)
    await person(bot, CUR_MEMBER, language="en")
    await community(
        bot,
        CO_CONVENER,
        "co_planning",
        name="數學共備社群",
        members=[CO_MEMBER],
        activities=[
            (dt.date(2022, 10, 5), "dialogue"),
            (dt.date(2022, 11, 10), "other"),
            (dt.date(2023, 3, 1), "other"),
        ],
    )
    await community(
        bot,
        CUR_CONVENER,
        "curriculum",
        name="科學研創社群",
        status=CommunityStatus.APPROVED,
        members=[CUR_MEMBER],
    )


def inbox(bot: BotUnderTest, user_id: int) -> list[str]:
    return [message.text or "" for message in bot.standin.sent_messages(user_id)]


async def fire(bot: BotUnderTest) -> None:
    await bot.services.scheduler.run_due()


# --- the year -------------------------------------------------------------------------------


async def test_a_whole_year_reaches_each_person_with_the_right_reminders_once_each(
    make_bot: MakeBot,
):
    with time_machine.travel(at(2022, 9, 2, 10), tick=False) as traveller:
        bot = await make_bot()
        await cast(bot)
        day = dt.date(2022, 9, 3)
        received_on: dict[dt.date, dict[int, int]] = {}
        everyone = (TEACHER_ZH, TEACHER_EN, CO_CONVENER, CO_MEMBER, CUR_CONVENER, CUR_MEMBER)
        while day <= dt.date(2023, 8, 1):
            traveller.move_to(at(day.year, day.month, day.day))
            if day == dt.date(2022, 12, 1):
                # A restart mid-year changes nothing.
                await stop_embedded(bot.application)
                bot = await make_bot()
            before = {user_id: len(inbox(bot, user_id)) for user_id in everyone}
            await fire(bot)
            arrived = {u: len(inbox(bot, u)) - before[u] for u in everyone}
            if any(arrived.values()):
                received_on[day] = arrived
            day += dt.timedelta(days=1)

    # Only on school days (no weekend, no national holiday), one message a morning at most.
    weekend_or_holiday = [
        day for day in received_on
        if day.weekday() >= 5 or day in (dt.date(2022, 10, 10), dt.date(2023, 1, 1),
                                         dt.date(2023, 1, 2), dt.date(2023, 4, 4))
    ]  # fmt: skip
    assert weekend_or_holiday == []
    assert all(count <= 1 for counts in received_on.values() for count in counts.values())

    teacher = inbox(bot, TEACHER_ZH)
    assert len(teacher) == 3
    assert all("申請截止" in text for text in teacher)
    # Three days before 111年9月21日 is a Sunday: that one goes out on Friday the 16th.
    assert "還有 7 天" in teacher[0] and "還有 5 天" in teacher[1] and "還有 1 天" in teacher[2]
    assert "一式兩份" in teacher[0] and "111年9月21日（三）" in teacher[0]
    english = inbox(bot, TEACHER_EN)
    assert len(english) == 3 and "7 days left" in english[0]
    assert inbox(bot, OPTED_OUT) == []
    assert inbox(bot, ADMIN_ID) == []  # staff are not applicants
    assert inbox(bot, BLOCKER) == []

    co_convener = inbox(bot, CO_CONVENER)
    assert [text.split("\n")[0] for text in co_convener] == [
        "⏰ 第1期補助款期程即將結束",
        "📅 第2期補助款期程開始",
        "⏳ 實施期程將於112年7月31日（一）結束（還有 31 天）",  # 7/1 is a Saturday
        "⏳ 實施期程將於112年7月31日（一）結束（還有 7 天）",
    ]
    assert (
        "數學共備社群：還差 1 次社群運作活動、還差 1 次公開授課、成果分享會尚未辦理"
        in (co_convener[-1])
    )
    co_member = inbox(bot, CO_MEMBER)
    assert len(co_member) == 2 and all("實施期程" in text for text in co_member)

    cur_convener = inbox(bot, CUR_CONVENER)
    pace = [text for text in cur_convener if "📈 社群進度提醒" in text]
    assert len(pace) == 8  # the 1st of each month, November to June: it logged nothing
    # 112年1月1日 is a Sunday and New Year's Day: that nudge and the phase-2 start go out on
    # Friday 111年12月30日 as one message, with one footer.
    (digest,) = [text for text in cur_convener if text.startswith("☀️")]
    assert digest.startswith("☀️ 今天有 2 則提醒")
    assert "📅 第2期補助款期程開始" in digest and "📈 社群進度提醒" in digest
    assert digest.count("輸入 /reminders") == 1
    assert "科學研創社群" in pace[0]
    showcase = [text for text in cur_convener if "公開成果發表會提醒" in text]
    assert len(showcase) == 2 and "112年7月第1週" in showcase[0]
    assert len(cur_convener) == 8 + 2 + 2 + 2 - 1  # one morning's two in one digest
    cur_member = inbox(bot, CUR_MEMBER)
    assert len(cur_member) == 4
    assert "Still missing" in cur_member[-1] and "public lesson" in cur_member[-1]

    async with bot.services.database.session() as session:
        blocker = await session.get(User, BLOCKER)
        statuses = set(await session.scalars(select(Reminder.status)))
    assert blocker is not None and not blocker.active
    assert statuses == {ReminderStatus.DONE}


async def test_a_crash_during_a_send_neither_repeats_that_message_nor_loses_the_others(
    make_bot: MakeBot,
):
    with time_machine.travel(at(2022, 9, 14, 8), tick=False) as traveller:
        bot = await make_bot()
        await cast(bot)
        traveller.move_to(at(2022, 9, 14))
        scheduler = bot.services.scheduler
        await scheduler._materialise_due(scheduler._now())
        # The process dies while sending to the first teacher; the others are still pending.
        async with bot.services.database.session() as session:
            await session.execute(
                update(Delivery)
                .where(Delivery.user_id == TEACHER_ZH)
                .values(status=DeliveryStatus.SENDING)
            )
        await stop_embedded(bot.application)
        bot = await make_bot()
        await fire(bot)
        await fire(bot)

    assert inbox(bot, TEACHER_ZH) == []  # its outcome is unknown: not sent a second time
    assert len(inbox(bot, TEACHER_EN)) == 1
    async with bot.services.database.session() as session:
        rows = {row.user_id: row for row in await session.scalars(select(Delivery))}
    assert rows[TEACHER_ZH].status == DeliveryStatus.UNKNOWN
    assert rows[TEACHER_ZH].error == OUTCOME_UNKNOWN
    assert rows[TEACHER_EN].status == DeliveryStatus.SENT


async def test_a_two_day_outage_still_sends_the_missed_reminder_before_the_deadline(
    make_bot: MakeBot,
):
    with time_machine.travel(at(2022, 9, 13), tick=False) as traveller:
        bot = await make_bot()
        await cast(bot)
        traveller.move_to(at(2022, 9, 14))
        await fire(bot)
        traveller.move_to(at(2022, 9, 18))
        await fire(bot)
        traveller.move_to(at(2022, 9, 19, 12))
        await stop_embedded(bot.application)
        # Down on the 19th and the 20th, when the one-day reminder was due.
        traveller.move_to(at(2022, 9, 21, 8, 15))
        bot = await make_bot()
        await fire(bot)
        await fire(bot)

    teacher = inbox(bot, TEACHER_ZH)
    assert len(teacher) == 3
    assert "就是今天" in teacher[-1]
    # Sent a day late but still useful: it says the day it was due.
    assert "這則提醒原定於111年9月20日（二）發送" in teacher[-1]
    assert teacher[-1].endswith("（輸入 /reminders 可查看或關閉這類提醒）")
    assert "原定於" not in teacher[0]


async def test_a_one_off_past_its_useful_time_is_skipped_and_its_author_told(
    make_bot: MakeBot,
):
    with time_machine.travel(at(2022, 10, 3, 10), tick=False) as traveller:
        bot = await make_bot()
        await cast(bot)
        services = bot.services
        async with services.database.session() as session:
            await manage.add_staff_reminder(
                session,
                services.program,
                services.settings.timezone,
                when=dt.datetime(2022, 10, 5, 9, 0, tzinfo=TPE),
                audience=Audience(EVERYONE),
                text="請於本週五前繳交期中報告",
                staff_id=ADMIN_ID,
                now=services.clock.now(),
                staff_ids=services.settings.BOT_ADMIN_IDS,
            )
        await stop_embedded(bot.application)
        # The bot next starts on 111年12月25日, 81 days later.
        traveller.move_to(at(2022, 12, 26, 10))
        bot = await make_bot()
        await fire(bot)
        await fire(bot)

    assert not any("期中報告" in text for text in inbox(bot, TEACHER_ZH))
    (told,) = [text for text in inbox(bot, ADMIN_ID) if "期中報告" in text]
    assert told.startswith("⚠️ 您的提醒未發送")
    assert "111年10月5日（三） 09:00" in told and "111年12月26日（一） 10:00" in told
    async with bot.services.database.session() as session:
        row = await session.scalar(select(Reminder).where(Reminder.created_by == ADMIN_ID))
    assert row is not None and row.status == ReminderStatus.SKIPPED


async def test_a_one_off_delayed_within_its_window_says_its_date(make_bot: MakeBot):
    with time_machine.travel(at(2022, 10, 4, 10), tick=False) as traveller:
        bot = await make_bot()
        await cast(bot)
        services = bot.services
        async with services.database.session() as session:
            await manage.add_staff_reminder(
                session,
                services.program,
                services.settings.timezone,
                when=dt.datetime(2022, 10, 4, 17, 0, tzinfo=TPE),
                audience=Audience(EVERYONE),
                text="明天請帶筆電",
                staff_id=ADMIN_ID,
                now=services.clock.now(),
                staff_ids=services.settings.BOT_ADMIN_IDS,
            )
        await stop_embedded(bot.application)
        traveller.move_to(at(2022, 10, 5, 8))  # down overnight, within its 24 hours
        bot = await make_bot()
        await fire(bot)
    (sent,) = inbox(bot, TEACHER_ZH)
    assert sent.startswith("📣 教育局提醒\n明天請帶筆電")
    assert "這則提醒原定於111年10月4日（二）發送" in sent


async def test_a_reminder_whose_event_passed_during_an_outage_is_skipped(make_bot: MakeBot):
    with time_machine.travel(at(2022, 9, 2), tick=False) as traveller:
        bot = await make_bot()
        await cast(bot)
        await stop_embedded(bot.application)
        traveller.move_to(at(2022, 9, 18))  # down since the 2nd: the 7-day reminder was missed
        bot = await make_bot()
        await fire(bot)  # the 7-day one is late but still useful: only the newer 3-day one goes
        await stop_embedded(bot.application)
        traveller.move_to(at(2022, 9, 22, 10))
        bot = await make_bot()
        await fire(bot)

    teacher = inbox(bot, TEACHER_ZH)
    assert len(teacher) == 1 and "還有 3 天" in teacher[0]
    async with bot.services.database.session() as session:
        rows = {row.key: row.status for row in await session.scalars(select(Reminder))}
    assert rows["deadline:2022-09-21:d7"] == ReminderStatus.SKIPPED
    assert rows["deadline:2022-09-21:d3"] == ReminderStatus.DONE
    assert rows["deadline:2022-09-21:d1"] == ReminderStatus.SKIPPED


async def test_too_many_requests_is_retried_after_the_wait_and_arrives_once(make_bot: MakeBot):
    with time_machine.travel(at(2022, 9, 13), tick=False) as traveller:
        bot = await make_bot()
        await cast(bot)
        traveller.move_to(at(2022, 9, 14))
        bot.standin.inject_fault(
            method="sendMessage",
            chat_id=TEACHER_ZH,
            error_code=429,
            description="Too Many Requests: retry after 1",
            retry_after=1,
        )
        await fire(bot)
    assert len(inbox(bot, TEACHER_ZH)) == 1
    to_teacher = [c for c in bot.standin.calls_to("sendMessage") if c["chat_id"] == TEACHER_ZH]
    assert len(to_teacher) == 2  # refused once, then sent


async def test_nothing_is_sent_in_the_quiet_hours_and_it_waits_for_seven(make_bot: MakeBot):
    with time_machine.travel(at(2022, 10, 3, 10), tick=False) as traveller:
        bot = await make_bot()
        await cast(bot)
        services = bot.services
        async with services.database.session() as session:
            added = await manage.add_staff_reminder(
                session,
                services.program,
                services.settings.timezone,
                when=dt.datetime(2022, 10, 3, 22, 0, tzinfo=TPE),
                audience=Audience(EVERYONE),
                text="明天早上請記得填寫問卷",
                staff_id=ADMIN_ID,
                now=services.clock.now(),
                staff_ids=services.settings.BOT_ADMIN_IDS,
            )
        assert added.moved_out_of_quiet_hours
        assert added.fire_at == dt.datetime(2022, 10, 4, 7, 0, tzinfo=TPE)
        traveller.move_to(at(2022, 10, 3, 23))
        await fire(bot)
        assert inbox(bot, TEACHER_ZH) == []
        traveller.move_to(at(2022, 10, 4, 7))
        await fire(bot)
    assert inbox(bot, TEACHER_ZH) == ["📣 教育局提醒\n明天早上請記得填寫問卷"]


async def test_a_reminder_due_during_an_outage_that_ends_at_night_waits_for_the_morning(
    make_bot: MakeBot,
):
    with time_machine.travel(at(2022, 9, 13, 20), tick=False) as traveller:
        bot = await make_bot()
        await cast(bot)
        traveller.move_to(at(2022, 9, 14, 22))  # the 09:00 reminder was missed; now it is night
        await fire(bot)
        assert inbox(bot, TEACHER_ZH) == []
        assert "reminders:wake" in bot.services.scheduler.scheduled_job_ids()
        traveller.move_to(at(2022, 9, 15, 7))
        await fire(bot)
    assert len(inbox(bot, TEACHER_ZH)) == 1


async def test_the_deliveries_table_refuses_a_second_row_for_the_same_person(make_bot: MakeBot):
    bot = await make_bot(today=dt.date(2022, 9, 2))
    await person(bot, TEACHER_ZH)
    async with bot.services.database.session() as session:
        reminder = Reminder(
            key="test", category="staff", program_year=111, fire_at=at(2022, 9, 3), audience={}
        )
        session.add(reminder)
        await session.flush()
        await deliveries.add_pending(session, [(TEACHER_ZH, "一")], reminder_id=reminder.id)
        await deliveries.add_pending(session, [(TEACHER_ZH, "二")], reminder_id=reminder.id)
        rows = await deliveries.for_reminder(session, reminder.id)
    assert [row.text for row in rows] == ["一"]


async def test_only_one_of_two_bot_processes_runs_the_reminders(make_bot: MakeBot):
    first = await make_bot(today=dt.date(2022, 9, 2))
    second = await make_bot(today=dt.date(2022, 9, 2))
    assert first.services.scheduler.is_leader
    assert not second.services.scheduler.is_leader
    jobs = second.services.scheduler.scheduled_job_ids()
    assert not any(job.startswith("reminder:") for job in jobs)
    await stop_embedded(first.application)
    await second.services.scheduler.claim_lease()
    assert second.services.scheduler.is_leader
    assert "reminder:deadline:2022-09-21:d7" in second.services.scheduler.scheduled_job_ids()


async def test_a_restart_rebuilds_the_same_jobs_under_the_same_ids(make_bot: MakeBot):
    bot = await make_bot(today=dt.date(2022, 9, 2))
    before = bot.services.scheduler.scheduled_job_ids()
    await stop_embedded(bot.application)
    bot = await make_bot(today=dt.date(2022, 9, 2))
    after = bot.services.scheduler.scheduled_job_ids()
    assert before == after
    assert "conversations:expire" in after
    async with bot.services.database.session() as session:
        keys = list(await session.scalars(select(Reminder.key)))
    assert len(keys) == len(set(keys)) == 17


async def test_apscheduler_really_fires_a_reminder_job_at_its_time(make_bot: MakeBot):
    with time_machine.travel(at(2022, 10, 3, 10), tick=True):
        bot = await make_bot()
        await person(bot, TEACHER_ZH)
        services = bot.services
        async with services.database.session() as session:
            await manage.add_staff_reminder(
                session,
                services.program,
                services.settings.timezone,
                when=services.clock.now() + dt.timedelta(seconds=1),
                audience=Audience(EVERYONE),
                text="排程測試",
                staff_id=ADMIN_ID,
                now=services.clock.now(),
                staff_ids=services.settings.BOT_ADMIN_IDS,
            )
        await manage.plan_changed(services)
        await bot.standin.wait_for_message(TEACHER_ZH, within=5)
    assert inbox(bot, TEACHER_ZH) == ["📣 教育局提醒\n排程測試"]


async def test_a_telegram_user_with_an_english_client_gets_reminders_in_english(
    make_bot: MakeBot,
):
    with time_machine.travel(dt.datetime(2022, 9, 13, 10, tzinfo=TPE), tick=False) as clock:
        bot = await make_bot()
        teacher = bot.user(10001, "Mary", language_code="en")
        await bot.send(teacher, "hello")  # never chose a language: the client's is kept
        clock.move_to(dt.datetime(2022, 9, 14, 9, 1, tzinfo=TPE))
        await bot.services.scheduler.run_due()
    reminder = bot.standin.sent_messages(teacher)[-1].text or ""
    assert "deadline" in reminder.lower() and "21 September 2022" in reminder
    assert "申請" not in reminder
