"""Every staff action is logged; admins read the log with /audit, nobody else can."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from support import ADMIN_ID, TEACHER_ID, BotUnderTest, fill_quota, registered_community

from bot import audit
from db.models import AuditEntry, Community, CommunityStatus

COLLEAGUE_ID = 90002
CONVENER_ID = 20001


async def add_community(
    bot: BotUnderTest, convener_id: int, *, status: CommunityStatus, name: str = "數學資優共備社群"
) -> int:
    """A registered community in the given status."""
    community_id = await registered_community(bot, convener_id, name=name)
    async with bot.services.database.session() as session:
        community = await session.get(Community, community_id)
        assert community is not None
        community.status = status
        community.submitted_at = dt.datetime(2022, 9, 1, tzinfo=dt.UTC)
    return community_id


async def entries(bot: BotUnderTest) -> int:
    async with bot.services.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


async def test_an_approval_is_logged_and_admins_read_it_in_roc_dates_with_names(
    bot: BotUnderTest,
):
    bot.user(ADMIN_ID, "賴承辦")
    bot.user(CONVENER_ID)
    await add_community(bot, CONVENER_ID, status=CommunityStatus.SUBMITTED)
    await bot.send(ADMIN_ID, "/start")
    await bot.send(ADMIN_ID, "/review")
    await bot.press(ADMIN_ID, "核定")
    log = await bot.send(ADMIN_ID, "/audit")
    assert "核定「數學資優共備社群」的申請" in log.text
    assert "111年9月2日" in log.text and "賴承辦" in log.text


async def test_staff_changes_broadcasts_and_dates_are_logged_in_english_too(bot: BotUnderTest):
    bot.user(ADMIN_ID, "Lai", language_code="en")
    bot.user(COLLEAGUE_ID)
    await bot.send(ADMIN_ID, f"/staff add {COLLEAGUE_ID}")
    await bot.press(ADMIN_ID, "Add")
    await bot.send(ADMIN_ID, "/setdate 研習 111/10/20")
    await bot.send(ADMIN_ID, "/broadcast")
    await bot.send(ADMIN_ID, "<b>Workshop</b> on Thursday")
    await bot.press(ADMIN_ID, "Everyone")
    await bot.press(ADMIN_ID, "Send")
    log = await bot.send(ADMIN_ID, "/audit")
    assert f"added {COLLEAGUE_ID} as staff" in log.text
    assert "to Thu 20 October 2022" in log.text
    assert "sent announcement #1 to everyone" in log.text
    assert "2 September 2022" in log.text


async def test_a_refused_action_leaves_no_entry(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    for number in range(15):
        await add_community(
            bot, 30000 + number, name=f"社群{number}", status=CommunityStatus.APPROVED
        )
    await add_community(bot, CONVENER_ID, status=CommunityStatus.SUBMITTED)
    await bot.send(ADMIN_ID, "/review")
    await bot.press(ADMIN_ID, "核定")
    assert await entries(bot) == 0
    assert "目前還沒有人員操作紀錄" in (await bot.send(ADMIN_ID, "/audit")).text


async def test_the_log_is_paged_newest_first(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    start = dt.datetime(2022, 9, 1, 1, tzinfo=dt.UTC)
    async with bot.services.database.session() as session:
        for number in range(25):
            await audit.record(
                session,
                ADMIN_ID,
                audit.STAFF_ADDED,
                {"user_id": 50000 + number},
                start + dt.timedelta(minutes=number),
            )
    first = await bot.send(ADMIN_ID, "/audit")
    assert "第 1/3 頁" in first.text and "50024" in first.text and "50014" not in first.text
    second = await bot.press(ADMIN_ID, "較早")
    assert "第 2/3 頁" in second.text and "50014" in second.text and "50024" not in second.text
    back = await bot.press(ADMIN_ID, "較新")
    assert "第 1/3 頁" in back.text


async def test_staff_who_are_not_admins_and_teachers_cannot_read_the_log(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    bot.user(COLLEAGUE_ID)
    bot.user(TEACHER_ID, language_code="en")
    await bot.send(ADMIN_ID, f"/staff add {COLLEAGUE_ID}")
    await bot.press(ADMIN_ID, "確定加入")
    refused = await bot.send(COLLEAGUE_ID, "/audit")
    assert "只有設定檔 BOT_ADMIN_IDS 裡的管理者可以查看" in refused.text
    english = await bot.send(TEACHER_ID, "/audit")
    assert "only the admins" in english.text
    forged = await bot.process(bot.standin.user_presses_button(TEACHER_ID, 999, "au:0", forge=True))
    assert "only the admins" in forged.text


async def test_an_undone_waitlisting_is_logged_with_the_status_in_the_readers_language(
    bot: BotUnderTest,
):
    bot.user(ADMIN_ID, "賴承辦")
    bot.user(CONVENER_ID)
    community_id = await add_community(bot, CONVENER_ID, status=CommunityStatus.SUBMITTED)
    await fill_quota(bot)
    await bot.send(ADMIN_ID, f"/decide {community_id} 備取")
    await bot.send(ADMIN_ID, f"/decide {community_id} 撤銷 誤按")
    log = await bot.send(ADMIN_ID, "/audit")
    assert "原為 備取" in log.text
    assert "waitlisted" not in log.text
