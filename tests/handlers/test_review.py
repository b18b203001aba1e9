"""Conveners submit their community with /apply; staff approve or reject it with /review."""

from __future__ import annotations

import datetime as dt
import logging
import secrets

import pytest
from sqlalchemy import select
from support import ADMIN_ID, TEACHER_ID, BotUnderTest, MakeBot

from db.models import Community, CommunityStatus, Member, School, User

CONVENER_ID = 20001
OTHER_CONVENER_ID = 20002


async def add_community(
    bot: BotUnderTest,
    convener_id: int,
    *,
    name: str = "數學資優共備社群",
    type_key: str = "co_planning",
    school: str = "高雄市立左營高級中學",
    status: CommunityStatus = CommunityStatus.DRAFT,
    gifted: int | None = None,
    members: int | None = None,
) -> int:
    """A community straight in the database, as registration would leave it."""
    community_type = bot.services.program.community_type(type_key)
    count = community_type.member_count if members is None else members
    gifted = community_type.min_gifted_teachers if gifted is None else gifted
    async with bot.services.database.session() as session:
        found = await session.scalar(select(School).where(School.name == school))
        school_row = found or School(name=school, in_letter=True)
        if await session.get(User, convener_id) is None:
            session.add(User(id=convener_id, display_name=f"召集人{convener_id}"))
        community = Community(
            program_year=bot.services.program.program.year,
            type_key=type_key,
            school=school_row,
            name=name,
            convener_user_id=convener_id,
            status=status,
            invite_code=secrets.token_hex(8),
            submitted_at=dt.datetime(2022, 9, 5, 2, tzinfo=dt.UTC)
            if status != CommunityStatus.DRAFT
            else None,
            members=[
                Member(
                    position=i,
                    name=f"老師{convener_id}-{i}",
                    gifted_teacher=i < gifted,
                    is_convener=i == 0,
                    user_id=convener_id if i == 0 else None,
                )
                for i in range(count)
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
        return community.status


# --- /apply ---------------------------------------------------------------------------------


async def test_a_teacher_without_a_community_is_pointed_to_register(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    reply = await bot.send(TEACHER_ID, "/apply")
    assert "/register" in reply.text


async def test_a_convener_submits_and_is_told_what_to_deliver_on_paper(bot: BotUnderTest):
    bot.user(CONVENER_ID, "林召集人")
    community_id = await add_community(bot, CONVENER_ID)
    preview = await bot.send(CONVENER_ID, "/apply")
    assert "數學資優共備社群" in preview.text
    for fact in ("申請計畫", "核章經費概算表", "一式兩份", "免備文", "資源中心", "111年9月21日"):
        assert fact in preview.text
    done = await bot.press(CONVENER_ID, "送出申請")
    assert "已送出" in done.text and "核章經費概算表" in done.text
    assert await status_of(bot, community_id) == CommunityStatus.SUBMITTED
    again = await bot.send(CONVENER_ID, "/apply")
    assert "等候審核" in again.text


async def test_with_its_own_extension_the_paper_date_after_submitting_is_the_extended_one(
    make_bot: MakeBot,
):
    bot = await make_bot(today=dt.date(2022, 9, 28))
    bot.user(ADMIN_ID)
    bot.user(CONVENER_ID, "林召集人")
    community_id = await add_community(bot, CONVENER_ID)
    await bot.send(ADMIN_ID, f"/extend {community_id} 2022-10-05")
    preview = await bot.send(CONVENER_ID, "/apply")
    assert "111年10月5日" in preview.text
    done = await bot.press(CONVENER_ID, "送出申請")
    assert "已送出" in done.text
    assert "111年10月5日" in done.text and "111年9月21日" not in done.text


async def test_not_now_submits_nothing_and_takes_the_buttons_away(bot: BotUnderTest):
    bot.user(CONVENER_ID)
    community_id = await add_community(bot, CONVENER_ID)
    await bot.send(CONVENER_ID, "/apply")
    later = await bot.press(CONVENER_ID, "先不要送出")
    assert "尚未送出" in later.text and "/apply" in later.text
    assert not later.messages[-1].buttons
    assert await status_of(bot, community_id) != CommunityStatus.SUBMITTED


async def test_pressing_submit_twice_submits_once(bot: BotUnderTest):
    bot.user(CONVENER_ID)
    await add_community(bot, CONVENER_ID)
    preview = await bot.send(CONVENER_ID, "/apply")
    message_id, data = preview.last.message_id, preview.last.buttons[0][0][1]
    await bot.press(CONVENER_ID, "送出申請", message_id=message_id)
    second = await bot.process(
        bot.standin.user_presses_button(CONVENER_ID, message_id, data, forge=True)
    )
    assert "已經送出申請" in second.text


async def test_a_community_breaking_the_rules_cannot_be_submitted(bot: BotUnderTest):
    bot.user(CONVENER_ID)
    community_id = await add_community(bot, CONVENER_ID, gifted=0)
    reply = await bot.send(CONVENER_ID, "/apply")
    assert "資優班教師至少1人" in reply.text
    assert reply.last.buttons == []
    assert await status_of(bot, community_id) == CommunityStatus.DRAFT


async def test_after_the_deadline_applications_are_closed(make_bot: MakeBot):
    bot = await make_bot(today=dt.date(2022, 9, 22))
    bot.user(CONVENER_ID)
    community_id = await add_community(bot, CONVENER_ID)
    reply = await bot.send(CONVENER_ID, "/apply")
    assert "已於111年9月21日（三）截止" in reply.text
    assert await status_of(bot, community_id) == CommunityStatus.DRAFT


async def test_someone_elses_submit_button_is_refused(bot: BotUnderTest):
    bot.user(CONVENER_ID)
    bot.user(TEACHER_ID)
    community_id = await add_community(bot, CONVENER_ID)
    reply = await bot.process(
        bot.standin.user_presses_button(TEACHER_ID, 999, f"ap:go:{community_id}", forge=True)
    )
    assert "只有社群的召集人" in reply.text
    assert await status_of(bot, community_id) == CommunityStatus.DRAFT


# --- /review --------------------------------------------------------------------------------


async def test_staff_see_pending_applications_with_the_quota(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    await add_community(bot, CONVENER_ID, status=CommunityStatus.SUBMITTED)
    await add_community(bot, OTHER_CONVENER_ID, name="研創社群", type_key="curriculum")
    reply = await bot.send(ADMIN_ID, "/review")
    assert "待審核的申請：1 件" in reply.text
    assert "共備精進學習社群：已核定 0/15 組" in reply.text
    assert "數學資優共備社群" in reply.text and "研創社群" not in reply.text


async def test_approving_tells_the_convener_and_counts_toward_the_quota(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    bot.user(CONVENER_ID)
    community_id = await add_community(bot, CONVENER_ID, status=CommunityStatus.SUBMITTED)
    await bot.send(ADMIN_ID, "/review")
    done = await bot.press(ADMIN_ID, "核定")
    assert "已核定「數學資優共備社群」" in done.text and "1/15" in done.text
    assert "已通知召集人" in done.text
    told = bot.standin.last_message(CONVENER_ID)
    assert told is not None and "申請已核定" in (told.text or "")
    assert await status_of(bot, community_id) == CommunityStatus.APPROVED


async def test_approving_twice_changes_nothing_the_second_time(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    bot.user(CONVENER_ID)
    await add_community(bot, CONVENER_ID, status=CommunityStatus.SUBMITTED)
    listing = await bot.send(ADMIN_ID, "/review")
    message = listing.last
    data = message.buttons[0][0][1]
    await bot.process(bot.standin.user_presses_button(ADMIN_ID, message.message_id, data))
    second = await bot.process(
        bot.standin.user_presses_button(ADMIN_ID, message.message_id, data, forge=True)
    )
    assert "已經核定過了" in second.text
    assert len(bot.standin.sent_messages(CONVENER_ID)) == 1


async def test_approving_past_the_quota_is_refused(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    for number in range(15):
        await add_community(
            bot, 30000 + number, name=f"已核定社群{number}", status=CommunityStatus.APPROVED
        )
    waiting = await add_community(bot, CONVENER_ID, status=CommunityStatus.SUBMITTED)
    listing = await bot.send(ADMIN_ID, "/review")
    assert "已核定 15/15 組（已額滿）" in listing.text
    refused = await bot.press(ADMIN_ID, "核定")
    assert "名額已滿" in refused.text
    assert await status_of(bot, waiting) == CommunityStatus.SUBMITTED


async def test_rejecting_needs_a_reason_which_the_convener_reads(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    bot.user(CONVENER_ID)
    community_id = await add_community(bot, CONVENER_ID, status=CommunityStatus.SUBMITTED)
    await bot.send(ADMIN_ID, "/review")
    asked = await bot.press(ADMIN_ID, "不通過")
    assert "不通過的原因" in asked.text
    blank = await bot.send(ADMIN_ID, "   ")
    assert "不能空白" in blank.text
    assert await status_of(bot, community_id) == CommunityStatus.SUBMITTED
    done = await bot.send(ADMIN_ID, "經費概算表 <未核章>")
    assert "不通過" in done.text and "&lt;未核章&gt;" not in done.text
    told = bot.standin.last_message(CONVENER_ID)
    assert told is not None and "經費概算表 <未核章>" in (told.text or "")
    assert await status_of(bot, community_id) == CommunityStatus.REJECTED


async def test_a_rejected_convener_can_correct_and_submit_again(bot: BotUnderTest):
    bot.user(CONVENER_ID)
    await add_community(bot, CONVENER_ID, status=CommunityStatus.REJECTED)
    reply = await bot.send(CONVENER_ID, "/apply")
    assert "上次申請未通過" in reply.text
    done = await bot.press(CONVENER_ID, "送出申請")
    assert "已送出" in done.text


async def test_teachers_are_refused_review_and_the_refusal_is_logged(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
):
    bot.user(TEACHER_ID)
    with caplog.at_level(logging.WARNING):
        reply = await bot.send(TEACHER_ID, "/review")
    assert "僅供教育局與資源中心人員使用" in reply.text
    assert any("Refused staff action /review" in r.getMessage() for r in caplog.records)


async def test_a_forged_approve_button_from_a_teacher_is_refused(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    community_id = await add_community(bot, CONVENER_ID, status=CommunityStatus.SUBMITTED)
    for data in (f"rv:ok:{community_id}", f"rv:no:{community_id}"):
        reply = await bot.process(
            bot.standin.user_presses_button(TEACHER_ID, 999, data, forge=True)
        )
        assert "僅供教育局與資源中心人員使用" in reply.text
    assert await status_of(bot, community_id) == CommunityStatus.SUBMITTED


async def test_several_applications_come_in_one_message_and_the_list_updates(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    bot.user(CONVENER_ID)
    bot.user(OTHER_CONVENER_ID)
    await add_community(bot, CONVENER_ID, name="甲社群", status=CommunityStatus.SUBMITTED)
    second = await add_community(
        bot, OTHER_CONVENER_ID, name="乙社群", status=CommunityStatus.SUBMITTED
    )
    listing = await bot.send(ADMIN_ID, "/review")
    assert len(listing.messages) == 1
    assert "1. 甲社群" in listing.text and "2. 乙社群" in listing.text
    updated = await bot.press(ADMIN_ID, "核定 2")
    assert "已核定「乙社群」" in updated.text
    assert "待審核的申請：1 件" in updated.text and "1. 甲社群" in updated.text
    assert await status_of(bot, second) == CommunityStatus.APPROVED


async def test_a_reason_typed_after_starting_another_flow_still_rejects(bot: BotUnderTest):
    # /register is registered before the review: without ending it, it would take the reason.
    bot.user(ADMIN_ID)
    bot.user(CONVENER_ID)
    community_id = await add_community(bot, CONVENER_ID, status=CommunityStatus.SUBMITTED)
    await bot.send(ADMIN_ID, "/register")
    await bot.press(ADMIN_ID, "共備精進")
    review = await bot.send(ADMIN_ID, "/review")
    # After the review list, /register asks its pending question again (a message below).
    assert "還沒完成" in review.last.text
    await bot.press(ADMIN_ID, "不通過", message_id=review.messages[0].message_id)
    done = await bot.send(ADMIN_ID, "缺少經費概算表")
    assert "不通過" in done.text
    assert await status_of(bot, community_id) == CommunityStatus.REJECTED


async def test_staff_cannot_approve_the_community_they_convene(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    community_id = await add_community(bot, ADMIN_ID, status=CommunityStatus.SUBMITTED)
    await bot.send(ADMIN_ID, "/review")
    refused = await bot.press(ADMIN_ID, "核定")
    assert "無法審核自己社群的申請" in refused.text
    assert await status_of(bot, community_id) == CommunityStatus.SUBMITTED


async def test_staff_who_are_members_cannot_reject_their_community(bot: BotUnderTest):
    bot.user(ADMIN_ID, language_code="en")
    community_id = await add_community(bot, CONVENER_ID, status=CommunityStatus.SUBMITTED)
    async with bot.services.database.session() as session:
        member = await session.scalar(
            select(Member).where(Member.community_id == community_id, Member.position == 1)
        )
        assert member is not None
        session.add(User(id=ADMIN_ID, display_name="Admin"))
        await session.flush()
        member.user_id = ADMIN_ID
    await bot.send(ADMIN_ID, "/review")
    refused = await bot.press(ADMIN_ID, "Reject")
    assert "you are its convener or a member" in refused.text
    assert await status_of(bot, community_id) == CommunityStatus.SUBMITTED
