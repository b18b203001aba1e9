"""/progress: the checklist of the letter's requirements, the days left and the next step."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from support import TEACHER_ID, BotUnderTest, MakeBot

from bot import communities
from bot.rules import MemberDraft
from db.models import CommunityStatus

TODAY = dt.date(2022, 10, 20)
MEMBER_ID = 10002


async def seed(bot: BotUnderTest, type_key: str = "co_planning") -> dict[str, object]:
    services = bot.services
    people = [("王大明", True), ("李小華", False), ("陳一心", False), ("林二郎", False)]
    if type_key == "curriculum":
        people += [("張三豐", True), ("趙四海", False)]
    async with services.database.session() as session:
        school = (await communities.search_schools(session, services.program, "正興國小"))[0]
        community = await communities.register_community(
            session,
            services.program,
            TEACHER_ID,
            communities.CommunityDraft(
                type_key, school.id, school.name, "正興社群",
                tuple(MemberDraft(name, gifted) for name, gifted in people),
            ),
        )  # fmt: skip
        # By 10/20 a community logging its activities has been approved (核定).
        community.status = CommunityStatus.APPROVED
        return {
            "id": community.id,
            "codes": {m.name: m.invite_code for m in community.members},
            "members": [m.id for m in community.members],
        }


async def log(bot: BotUnderTest, community: dict[str, object], day: dt.date, kind: str) -> None:
    services = bot.services
    draft = communities.ActivityDraft(day, kind, "主題", tuple(community["members"][:2]))  # type: ignore[index]
    async with services.database.session() as session:
        await communities.log_activity(
            session,
            services.program,
            TEACHER_ID,
            int(community["id"]),
            draft,
            uuid.uuid4().hex,  # type: ignore[call-overload]
        )


@pytest.fixture
async def bot(make_bot: MakeBot) -> BotUnderTest:
    bot = await make_bot(today=TODAY)
    bot.user(TEACHER_ID)
    return bot


async def test_a_new_community_sees_every_requirement_open_and_the_days_left(bot: BotUnderTest):
    await seed(bot)
    reply = await bot.send(TEACHER_ID, "/progress")
    assert "正興社群" in reply.text and "共備精進學習社群" in reply.text
    assert "⬜ 社群運作活動 0/4" in reply.text
    assert "⬜ 專業對話 0/1" in reply.text and "⬜ 公開授課 0/1" in reply.text
    assert "⬜ 成果分享會 0/1" in reply.text
    assert "成果發表會" not in reply.text
    assert "還有 285 天" in reply.text  # 2022-10-20 to 2023-07-31, both counted
    assert "下一步" in reply.text


async def test_logged_activities_tick_the_checklist(bot: BotUnderTest):
    community = await seed(bot)
    for day, kind in [
        (dt.date(2022, 9, 15), "dialogue"),
        (dt.date(2022, 9, 30), "public_lesson"),
        (dt.date(2022, 10, 5), "other"),
        (dt.date(2022, 10, 12), "other"),
        (dt.date(2022, 10, 13), "sharing_session"),
    ]:
        await log(bot, community, day, kind)
    reply = await bot.send(TEACHER_ID, "/progress")
    assert "✅ 社群運作活動 4/4" in reply.text
    assert "✅ 專業對話 1/1" in reply.text and "✅ 公開授課 1/1" in reply.text
    assert "✅ 成果分享會 1/1" in reply.text
    assert "各項要求都已達成" in reply.text


async def test_a_curriculum_community_also_needs_the_showcase(bot: BotUnderTest):
    await seed(bot, "curriculum")
    reply = await bot.send(TEACHER_ID, "/progress")
    assert "⬜ 社群運作活動 0/8" in reply.text and "⬜ 專業對話 0/2" in reply.text
    assert "⬜ 成果發表會 0/1" in reply.text


async def test_members_who_joined_see_the_progress_too(bot: BotUnderTest):
    community = await seed(bot)
    bot.user(MEMBER_ID, "李老師")
    await bot.send(MEMBER_ID, f"/start join_{community['codes']['李小華']}")  # type: ignore[index]
    reply = await bot.send(MEMBER_ID, "/progress")
    assert "⬜ 社群運作活動 0/4" in reply.text
    # The convener logs the meetings; a member is not sent to /log or /apply.
    assert "每次活動由召集人記錄" in reply.text
    assert "/log" not in reply.text and "/apply" not in reply.text


async def test_someone_in_no_community_is_told_how_to_get_one(bot: BotUnderTest):
    await seed(bot)
    bot.user(30003, "路人")
    reply = await bot.send(30003, "/progress")
    assert "/register" in reply.text and "邀請連結" in reply.text
    assert "正興社群" not in reply.text


async def test_progress_in_english(make_bot: MakeBot):
    bot = await make_bot(today=TODAY)
    bot.user(TEACHER_ID, "Mary", language_code="en")
    await seed(bot)
    reply = await bot.send(TEACHER_ID, "/progress")
    assert "正興社群 (co-planning & refinement learning community)" in reply.text
    assert "⬜ Community activities 0/4" in reply.text
    assert "Days left until the period ends (Mon 31 July 2023): 285" in reply.text
