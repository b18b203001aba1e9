"""/reminders for everyone, /remind and /setdate for staff."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from support import ADMIN_ID, TEACHER_ID, BotUnderTest

from db.models import Community, CommunityStatus, Member, Reminder, School, User
from db.models.messaging import ReminderStatus

CONVENER_ID = 20001


async def make_convener(bot: BotUnderTest, user_id: int = CONVENER_ID) -> None:
    """A convener of a submitted 共備 community (rows made directly with the models)."""
    bot.user(user_id, "林召集人")
    async with bot.services.database.session() as session:
        session.add(User(id=user_id, display_name="林召集人"))
        school = School(name="高雄市立測試國民中學")
        session.add(school)
        await session.flush()
        community = Community(
            program_year=111,
            type_key="co_planning",
            school_id=school.id,
            name="數學共備社群",
            convener_user_id=user_id,
            status=CommunityStatus.SUBMITTED,
            invite_code=uuid.uuid4().hex[:16],
        )
        session.add(community)
        await session.flush()
        session.add(
            Member(community_id=community.id, name="林召集人", is_convener=True, user_id=user_id)
        )


async def test_a_teacher_who_has_not_applied_sees_the_deadline_reminders(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    reply = await bot.send(TEACHER_ID, "/reminders")
    assert "您的提醒" in reply.text
    assert reply.text.count("申請截止提醒（截止日 111年9月21日（三））") == 3
    assert "111年9月14日（三） 09:00" in reply.text
    labels = [label for row in reply.last.buttons for label, _ in row]
    assert labels == ["🔔 申請截止：開啟中"]


async def test_turning_the_deadline_reminder_off_is_remembered(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    await bot.send(TEACHER_ID, "/reminders")
    reply = await bot.press(TEACHER_ID, "申請截止")
    assert "已關閉「申請截止」提醒" in reply.text
    assert "🔕 申請截止：已關閉" in [label for row in reply.last.buttons for label, _ in row]
    assert "（已關閉）" in reply.last.text
    async with bot.services.database.session() as session:
        user = await session.get(User, TEACHER_ID)
    assert user is not None and user.reminder_opt_outs == ["deadline"]
    again = await bot.press(TEACHER_ID, "申請截止")
    assert "已開啟「申請截止」提醒" in again.text


async def test_a_convener_sees_the_phase_and_progress_reminders_not_the_deadline(
    bot: BotUnderTest,
):
    await make_convener(bot)
    reply = await bot.send(CONVENER_ID, "/reminders")
    assert "經費分期期程結束提醒" in reply.text
    assert "申請截止提醒" not in reply.text
    labels = [label for row in reply.last.buttons for label, _ in row]
    assert labels == ["🔔 經費分期：開啟中", "🔔 社群進度：開啟中"]


async def test_reminders_speak_english_to_english_users(bot: BotUnderTest):
    bot.user(TEACHER_ID, "Mary", language_code="en")
    reply = await bot.send(TEACHER_ID, "/reminders")
    assert "Your reminders" in reply.text
    assert "application deadline reminder" in reply.text


async def test_remind_and_setdate_are_for_staff_only(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    for command in ("/remind", "/remind 111/10/5 09:00 全體 測試", "/setdate 研習 111/10/20"):
        reply = await bot.send(TEACHER_ID, command)
        assert "僅供教育局與資源中心人員使用" in reply.text


async def test_staff_add_a_one_off_reminder_and_see_it_listed(bot: BotUnderTest):
    bot.user(ADMIN_ID, "賴承辦")
    bot.user(TEACHER_ID)
    await bot.send(TEACHER_ID, "/start")
    reply = await bot.send(ADMIN_ID, "/remind 111/10/5 09:30 全體 請記得填寫期中問卷")
    assert "已新增提醒 #" in reply.text
    assert "111年10月5日（三） 09:30" in reply.text and "全體使用者" in reply.text
    listing = await bot.send(ADMIN_ID, "/remind")
    assert "請記得填寫期中問卷" in listing.text
    teacher_view = await bot.send(TEACHER_ID, "/reminders")
    assert "教育局提醒：請記得填寫期中問卷" in teacher_view.text


async def test_staff_cancel_a_one_off_reminder_with_its_button(bot: BotUnderTest):
    bot.user(ADMIN_ID, "賴承辦")
    await bot.send(ADMIN_ID, "/remind 2022-10-05 09:30 召集人 研習報名開始了")
    reply = await bot.press(ADMIN_ID, "取消 #")
    assert "已取消提醒" in reply.text
    async with bot.services.database.session() as session:
        statuses = list(
            await session.scalars(select(Reminder.status).where(Reminder.created_by == ADMIN_ID))
        )
    assert statuses == [ReminderStatus.CANCELLED]
    listing = await bot.send(ADMIN_ID, "/remind")
    assert "目前沒有尚未寄出的提醒" in listing.text


async def test_a_reminder_set_for_the_night_moves_to_seven_in_the_morning(bot: BotUnderTest):
    bot.user(ADMIN_ID, "賴承辦")
    reply = await bot.send(ADMIN_ID, "/remind 111/10/5 22:30 研創 請準備成果發表")
    assert "111年10月6日（四） 07:00" in reply.text
    assert "21:00 至 07:00 不發送" in reply.text


async def test_remind_says_what_it_could_not_read(bot: BotUnderTest):
    bot.user(ADMIN_ID, "賴承辦")
    assert "看不懂日期" in (await bot.send(ADMIN_ID, "/remind 明年某天 09:00 全體 x")).text
    assert "看不懂時間" in (await bot.send(ADMIN_ID, "/remind 111/10/5 早上 全體 x")).text
    assert "看不懂對象" in (await bot.send(ADMIN_ID, "/remind 111/10/5 09:00 校長 x")).text
    assert "請在最後寫上" in (await bot.send(ADMIN_ID, "/remind 111/10/5 09:00 全體")).text
    assert "已經過了" in (await bot.send(ADMIN_ID, "/remind 111/9/1 09:00 全體 x")).text


async def test_setting_the_workshop_date_adds_its_reminders_for_conveners(bot: BotUnderTest):
    bot.user(ADMIN_ID, "賴承辦")
    await make_convener(bot)
    before = await bot.send(CONVENER_ID, "/reminders")
    assert "召集人研習提醒" not in before.text
    reply = await bot.send(ADMIN_ID, "/setdate 研習 111/10/20")
    assert "已將資優教育教師專業成長社群召集人研習設為111年10月20日（四）" in reply.text
    assert bot.services.program.workshop.date is not None
    after = await bot.send(CONVENER_ID, "/reminders")
    assert after.text.count("召集人研習提醒（111年10月20日（四））") == 2
    assert "reminder:workshop:2022-10-20:d7" in bot.services.scheduler.scheduled_job_ids()


async def test_setting_the_showcase_date_moves_its_reminders(bot: BotUnderTest):
    bot.user(ADMIN_ID, "賴承辦")
    await bot.send(ADMIN_ID, "/setdate 成果發表會 112/7/5")
    jobs = bot.services.scheduler.scheduled_job_ids()
    assert "reminder:showcase:2023-07-05:curriculum:d30" in jobs
    assert "reminder:showcase:2023-07-03:curriculum:d30" not in jobs
    usage = await bot.send(ADMIN_ID, "/setdate")
    assert "112年7月5日（三）" in usage.text
    outside = await bot.send(ADMIN_ID, "/setdate 成果發表會 112/8/5")
    assert "實施期程" in outside.text


async def test_setdate_warns_outside_the_showcase_week_and_on_days_off(bot: BotUnderTest):
    bot.user(ADMIN_ID, "賴承辦")
    saturday = await bot.send(ADMIN_ID, "/setdate 成果發表會 112/7/8")
    assert "已將公開成果發表會設為112年7月8日（六）" in saturday.text  # set, with warnings
    assert "公文訂於112年7月第1週（112年7月3日（一）至112年7月7日（五））" in saturday.text
    assert "這一天是週末" in saturday.text
    in_week = await bot.send(ADMIN_ID, "/setdate 成果發表會 112/7/5")
    assert "⚠️" not in in_week.text
    national_day = await bot.send(ADMIN_ID, "/setdate 研習 111/10/10")
    assert "這一天是國定假日（國慶日）" in national_day.text
    assert "公文訂於" not in national_day.text  # the workshop has no week in the letter


async def test_setdate_refuses_a_past_day_and_changes_nothing(bot: BotUnderTest):
    bot.user(ADMIN_ID, "賴承辦")
    # Today is 111年9月2日; 111年9月1日 is inside the period but already over.
    reply = await bot.send(ADMIN_ID, "/setdate 研習 111/9/1")
    assert reply.text == "111年9月1日（四）已經過了，無法設為活動日期；請選擇今天以後的日期。"
    assert bot.services.program.workshop.date is None
