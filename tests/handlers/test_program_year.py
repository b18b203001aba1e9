"""A whole program year of one application: register → apply → reject → reopen → 備取 → promote.

Driven through the stand-in with time-machine, asserting what the convener and staff see.
"""

from __future__ import annotations

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select
from support import ADMIN_ID, TEACHER_ID, BotUnderTest, MakeBot, fill_quota

from db.models import AuditEntry, Community, CommunityStatus, Member, School, User

TPE = ZoneInfo("Asia/Taipei")
CONVENER = 20001
LATE = 20002
FILLER_BASE = 30000


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, 0, 30, tzinfo=TPE)


def inbox(bot: BotUnderTest, user_id: int) -> list[str]:
    return [message.text or "" for message in bot.standin.sent_messages(user_id)]


async def add_community(
    bot: BotUnderTest,
    convener_id: int,
    name: str,
    status: CommunityStatus = CommunityStatus.DRAFT,
    type_key: str = "co_planning",
) -> int:
    """A community straight in the database, with a valid membership for its type."""
    community_type = bot.services.program.community_type(type_key)
    async with bot.services.database.session() as session:
        if await session.get(User, convener_id) is None:
            session.add(User(id=convener_id, display_name=f"召集人{convener_id}"))
        school = School(name=f"高雄市立第{convener_id}國民中學", in_letter=True)
        community = Community(
            program_year=bot.services.program.program.year,
            type_key=type_key,
            school=school,
            name=name,
            convener_user_id=convener_id,
            status=status,
            invite_code=secrets.token_hex(8),
            submitted_at=None if status == CommunityStatus.DRAFT else at(2022, 9, 5),
            members=[
                Member(
                    position=i,
                    name=f"老師{convener_id}-{i}",
                    gifted_teacher=i < community_type.min_gifted_teachers,
                    is_convener=i == 0,
                    user_id=convener_id if i == 0 else None,
                )
                for i in range(community_type.member_count)
            ],
            activities=[],
        )
        session.add(community)
        await session.flush()
        return community.id


async def status_of(bot: BotUnderTest, community_id: int) -> CommunityStatus:
    async with bot.services.database.session() as session:
        community = await session.get(Community, community_id)
        assert community is not None
        await session.refresh(community)
        return community.status


async def test_register_ends_by_pointing_to_apply_and_its_deadline(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    await bot.send(TEACHER_ID, "/register")
    await bot.press(TEACHER_ID, "共備精進")
    await bot.send(TEACHER_ID, "正興國小")
    await bot.press(TEACHER_ID, "正興國民小學")
    await bot.send(TEACHER_ID, "正興數學共備社群")
    for name, gifted in (("王大明", True), ("李小華", False), ("陳一心", False), ("林二郎", False)):
        await bot.send(TEACHER_ID, name)
        await bot.press(TEACHER_ID, "是，資優班教師" if gifted else "不是")
        await bot.press(TEACHER_ID, "略過")
    saved = await bot.press(TEACHER_ID, "確認登錄")
    assert "/apply" in saved.text and "111年9月21日（三）" in saved.text
    progress = await bot.send(TEACHER_ID, "/progress")
    assert "尚未送出申請" in progress.text and "/apply" in progress.text


async def test_a_whole_year_of_one_application(make_bot: MakeBot):
    with time_machine.travel(at(2022, 9, 5), tick=False) as traveller:
        bot = await make_bot()
        bot.user(ADMIN_ID, "教育局承辦")
        bot.user(CONVENER, "林召集人")
        bot.user(LATE, "陳召集人")
        community_id = await add_community(bot, CONVENER, "數學資優共備社群")

        # A registered but unsubmitted community is reminded of the deadline.
        traveller.move_to(at(2022, 9, 14, 9))
        await bot.services.scheduler.run_due()
        assert any("申請截止" in text for text in inbox(bot, CONVENER))

        applying = await bot.send(CONVENER, "/apply")
        assert "111年9月21日" in applying.text and "送審日期：尚未送出" in applying.text
        await bot.press(CONVENER, "送出申請")
        progress = await bot.send(CONVENER, "/progress")
        assert "已送出，等候審核" in progress.text

        # Rejected before the deadline: told they may submit again, by when.
        await bot.send(ADMIN_ID, "/review")
        await bot.press(ADMIN_ID, "不通過 1")
        await bot.send(ADMIN_ID, "成員名單缺少資優班教師證明")
        told = inbox(bot, CONVENER)[-1]
        assert "未通過" in told and "111年9月21日" in told and "/apply" in told
        assert await status_of(bot, community_id) == CommunityStatus.REJECTED
        rejected = await bot.send(CONVENER, "/progress")
        assert "未通過" in rejected.text and "不顯示活動進度" in rejected.text
        assert "社群運作" not in rejected.text  # no checklist as if it ran
        page = await bot.send(CONVENER, "/mycommunity")
        assert "未通過" in page.text and "不顯示活動進度" in page.text
        assert "社群運作活動" not in page.text

        # After the deadline /apply refuses, and a rejection promises nothing /apply refuses.
        traveller.move_to(at(2022, 9, 25))
        late_id = await add_community(bot, LATE, "晚到社群", CommunityStatus.SUBMITTED)
        closed = await bot.send(CONVENER, "/apply")
        assert "截止" in closed.text and closed.last.buttons == []
        await bot.send(ADMIN_ID, "/review")
        await bot.press(ADMIN_ID, "不通過 1")  # the late community, now the only one waiting
        await bot.send(ADMIN_ID, "逾期送件")
        late_told = inbox(bot, LATE)[-1]
        assert "申請已截止" in late_told and "再次送出" not in late_told

        # Staff reopen it (with a reason): the convener may submit once after the deadline.
        reopened = await bot.send(ADMIN_ID, f"/decide {community_id} 重新開放 已補附證明")
        assert "已重新開放" in reopened.text and "已通知召集人" in reopened.text
        assert "重新開放" in inbox(bot, CONVENER)[-1]
        progress = await bot.send(CONVENER, "/progress")
        assert "已補附證明" in progress.text
        await bot.send(CONVENER, "/apply")
        submitted = await bot.press(CONVENER, "送出申請")
        assert "已送出" in submitted.text

        # The quota is full: staff put it on the 備取 list, in order.
        fillers = [
            await add_community(bot, FILLER_BASE + n, f"社群{n}", CommunityStatus.APPROVED)
            for n in range(bot.services.program.community_type("co_planning").quota)
        ]
        listing = await bot.send(ADMIN_ID, "/review")
        assert "已核定 15/15 組（已額滿）" in listing.text
        assert "申請計畫（尚未收到）" in listing.text
        full = await bot.press(ADMIN_ID, "核定 1")
        assert "名額已滿" in " ".join(full.toasts)
        waitlisted = await bot.press(ADMIN_ID, "備取 1")
        assert "備取第 1 順位" in waitlisted.text
        assert "備取第 1 順位" in inbox(bot, CONVENER)[-1]
        mine = await bot.send(CONVENER, "/progress")
        assert "備取（第 1 順位）" in mine.text

        # A place frees: the first of the 備取 list is promoted and its convener told.
        withdrawn = await bot.send(ADMIN_ID, f"/decide {fillers[0]} 撤回 學校撤案")
        assert "遞補核定" in withdrawn.text
        assert await status_of(bot, community_id) == CommunityStatus.APPROVED
        assert "遞補核定" in inbox(bot, CONVENER)[-1]
        approved = await bot.send(CONVENER, "/progress")
        assert "核定" in approved.text and "/log" in approved.text
        assert await status_of(bot, fillers[0]) == CommunityStatus.WITHDRAWN

        # A decision is reversible, with a reason; the place it frees goes to nobody waiting.
        undone = await bot.send(ADMIN_ID, f"/decide {community_id} 撤銷 誤按核定")
        assert "已撤銷" in undone.text
        assert await status_of(bot, community_id) == CommunityStatus.SUBMITTED
        assert "撤銷" in inbox(bot, CONVENER)[-1]
        await bot.send(ADMIN_ID, "/review")
        again = await bot.press(ADMIN_ID, "核定 1")
        assert "已核定「數學資優共備社群」" in again.text

        # The paper documents, marked received with the date.
        received = await bot.send(ADMIN_ID, f"/received {community_id} 1 111/9/20")
        assert "申請計畫" in received.text and "111年9月20日" in received.text
        assert "核章經費概算表（尚未收到）" in received.text

        # The deadline extended from chat, for everyone and for one community.
        extended = await bot.send(ADMIN_ID, "/extend 2022-10-05")
        assert "111年10月5日" in extended.text
        one = await bot.send(ADMIN_ID, f"/extend {late_id} 2022-10-12")
        assert "晚到社群" in one.text and "111年10月12日" in one.text
        assert "111年10月12日" in inbox(bot, LATE)[-1]
        refused = await bot.send(ADMIN_ID, "/extend 2022-09-01")
        assert "不能早於" in refused.text

        # /stats: counts by status and the approved money per type and phase.
        stats = await bot.send(ADMIN_ID, "/stats")
        assert "已核定 15" in stats.text and "已撤回 1" in stats.text
        assert "未通過 1" in stats.text
        assert "75,000 元" in stats.text  # 15 groups × 5,000 in each phase
        assert "共 150,000 元" in stats.text

    async with bot.services.database.session() as session:
        actions = list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    for action in (
        "application_rejected",
        "application_reopened",
        "application_waitlisted",
        "application_withdrawn",
        "application_promoted",
        "decision_undone",
        "application_approved",
        "document_received",
        "deadline_extended",
    ):
        assert action in actions


async def test_decide_explains_itself_when_misused(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    usage = await bot.send(ADMIN_ID, "/decide")
    assert "備取" in usage.text and "目前沒有備取的社群" in usage.text
    community_id = await add_community(bot, CONVENER, "社群", CommunityStatus.SUBMITTED)
    assert "原因" in (await bot.send(ADMIN_ID, f"/decide {community_id} 撤回")).text
    assert "不認得" in (await bot.send(ADMIN_ID, f"/decide {community_id} 亂按")).text
    nothing = await bot.send(ADMIN_ID, f"/decide {community_id} 撤銷 測試")
    assert "沒有可撤銷" in nothing.text
    bot.user(TEACHER_ID)
    refused = await bot.send(TEACHER_ID, f"/decide {community_id} 備取")
    assert await status_of(bot, community_id) == CommunityStatus.SUBMITTED
    assert refused.text


async def test_the_deadline_reminders_move_with_an_extended_deadline(make_bot: MakeBot):
    with time_machine.travel(at(2022, 9, 10), tick=False) as traveller:
        bot = await make_bot()
        bot.user(ADMIN_ID)
        bot.user(CONVENER)
        await add_community(bot, CONVENER, "數學資優共備社群")
        await bot.send(ADMIN_ID, "/extend 111/10/5")
        assert "申請截止日已延到 111年10月5日" in inbox(bot, CONVENER)[-1]
        for day in range(11, 29):
            traveller.move_to(at(2022, 9, day, 9))
            await bot.services.scheduler.run_due()
        # Nothing at the letter's dates (7 days before 9/21); the first at 7 days before 10/5.
        reminders = [text for text in inbox(bot, CONVENER) if "還有" in text]
        assert len(reminders) == 1
        assert "111年10月5日" in reminders[0] and "還有 7 天" in reminders[0]
        # A restart keeps the extension.
        from bot.app import stop_embedded

        await stop_embedded(bot.application)
        bot = await make_bot()
        assert bot.services.application_deadline == dt.date(2022, 10, 5)
        applying = await bot.send(CONVENER, "/apply")
        assert "111年10月5日" in applying.text


async def test_a_deadline_moved_earlier_is_said_so_to_staff_and_to_the_conveners_still_applying(
    make_bot: MakeBot,
):
    with time_machine.travel(at(2022, 9, 10), tick=False):
        bot = await make_bot()
        bot.user(ADMIN_ID)
        bot.user(CONVENER)
        bot.user(LATE)
        await add_community(bot, CONVENER, "草稿社群")
        await add_community(bot, LATE, "已送出社群", CommunityStatus.SUBMITTED)
        later = await bot.send(ADMIN_ID, "/extend 111/10/12")
        assert "從 111年9月21日（三） 延到 111年10月12日（三）" in later.text
        assert "已通知 1 個" in later.text
        earlier = await bot.send(ADMIN_ID, "/extend 111/10/5")
        assert "注意：所有社群的申請截止日已從 111年10月12日（三） 提前到" in earlier.text
        assert "申請截止日改為 111年10月5日" in inbox(bot, CONVENER)[-1]
        assert inbox(bot, LATE) == []
        same = await bot.send(ADMIN_ID, "/extend 111/10/5")
        assert "沒有變更" in same.text
        assert len(inbox(bot, CONVENER)) == 2


async def test_paper_received_on_an_impossible_day_is_refused_and_a_correction_is_named(
    make_bot: MakeBot,
):
    with time_machine.travel(at(2022, 9, 22), tick=False):
        bot = await make_bot()
        bot.user(ADMIN_ID)
        community_id = await add_community(bot, CONVENER, "紙本社群", CommunityStatus.SUBMITTED)
        future = await bot.send(ADMIN_ID, f"/received {community_id} 1 111/9/30")
        assert "還沒到" in future.text
        too_early = await bot.send(ADMIN_ID, f"/received {community_id} 1 2021-09-20")
        assert "早於公文發文日" in too_early.text
        first = await bot.send(ADMIN_ID, f"/received {community_id} 1 111/9/20")
        assert "更正" not in first.text
        corrected = await bot.send(ADMIN_ID, f"/received {community_id} 1 111/9/21")
        assert "原登記為 111年9月20日（二），已更正" in corrected.text
        unknown = await bot.send(ADMIN_ID, "/received 99999 1")
        assert unknown.text == "找不到這件申請。"
        assert (await bot.send(ADMIN_ID, "/decide 99999 撤銷 測試")).text == "找不到這件申請。"
        usage = await bot.send(ADMIN_ID, f"/received {community_id}")
        assert "看不懂" in usage.text and "/received 編號 文件號碼" in usage.text


async def test_extending_a_decided_community_tells_its_convener_what_the_date_means(
    make_bot: MakeBot,
):
    with time_machine.travel(at(2022, 9, 25), tick=False):
        bot = await make_bot()
        bot.user(ADMIN_ID)
        bot.user(CONVENER)
        rejected = await add_community(bot, CONVENER, "被退社群", CommunityStatus.REJECTED)
        staff = await bot.send(ADMIN_ID, f"/extend {rejected} 2022-10-12")
        told = inbox(bot, CONVENER)[-1]
    assert "111年10月12日" in told and "未通過" in told
    assert "請用 /apply 送出申請" not in told  # it cannot, until staff reopen it
    assert "/decide" in staff.text and "未通過" in staff.text


async def test_undoing_a_waitlisting_names_the_status_without_an_empty_place(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    bot.user(CONVENER)
    community_id = await add_community(bot, CONVENER, "社群", CommunityStatus.SUBMITTED)
    await fill_quota(bot)
    await bot.send(ADMIN_ID, f"/decide {community_id} 備取")
    undone = await bot.send(ADMIN_ID, f"/decide {community_id} 撤銷 誤按")
    assert "備取" in undone.text
    assert "第  順位" not in undone.text and "第 順位" not in undone.text


async def test_waitlisting_is_offered_only_once_the_quota_is_full(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    bot.user(CONVENER)
    community_id = await add_community(bot, CONVENER, "社群", CommunityStatus.SUBMITTED)
    listing = await bot.send(ADMIN_ID, "/review")
    labels = [label for row in listing.last.buttons for label, _ in row]
    assert any("核定 1" in label for label in labels)
    assert not any("備取" in label for label in labels)
    refused = await bot.send(ADMIN_ID, f"/decide {community_id} 備取")
    assert "還有名額（已核定 0/15 組）" in refused.text
    assert await status_of(bot, community_id) == CommunityStatus.SUBMITTED
    await fill_quota(bot)
    full = await bot.send(ADMIN_ID, "/review")
    assert any("備取 1" in label for row in full.last.buttons for label, _ in row)


async def test_paper_copies_that_arrive_after_the_deadline_are_flagged_with_the_delay(
    make_bot: MakeBot,
):
    bot = await make_bot(today=dt.date(2022, 10, 1))
    bot.user(ADMIN_ID)
    bot.user(CONVENER)
    community_id = await add_community(bot, CONVENER, "晚交社群", CommunityStatus.SUBMITTED)
    on_time = await bot.send(ADMIN_ID, f"/received {community_id} 1 111/9/21")
    assert "申請計畫（111年9月21日（三）收到）" in on_time.text and "逾期" not in on_time.text
    late = await bot.send(ADMIN_ID, f"/received {community_id} 2 111/9/26")
    assert "核章經費概算表（111年9月26日（一）收到，逾期 5 天）" in late.text
    listing = await bot.send(ADMIN_ID, "/review")
    assert "逾期 5 天" in listing.text


async def test_the_convener_sees_which_paper_copies_arrived_and_what_is_still_owed(
    make_bot: MakeBot,
):
    with time_machine.travel(at(2022, 9, 27), tick=False):
        bot = await make_bot()
        bot.user(ADMIN_ID)
        bot.user(CONVENER)
        community_id = await add_community(bot, CONVENER, "晚交社群", CommunityStatus.SUBMITTED)
        await bot.send(ADMIN_ID, f"/received {community_id} 1 111/9/26")
        progress = (await bot.send(CONVENER, "/progress")).text
        await bot.send(ADMIN_ID, f"/received {community_id} 2 111/9/27")
        complete = (await bot.send(CONVENER, "/progress")).text
    assert "截止日111年9月21日（三）已過" in progress
    assert "申請計畫（111年9月26日（一）收到，逾期 5 天）" in progress
    assert "核章經費概算表（尚未收到）" in progress
    assert progress.count("下一步") <= 1  # the application's state is not a second 下一步
    assert "紙本資料：" in complete and "尚未收到" not in complete
