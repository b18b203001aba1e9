"""/mycommunity and invite links: who may see and change a community, checked on every press."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select
from support import ADMIN_ID, TEACHER_ID, BotUnderTest, MakeBot

from bot import communities
from bot.rules import MemberDraft
from db.models import Activity, Community, CommunityStatus, Member

TODAY = dt.date(2022, 10, 20)
MEMBER_ID = 10002
OTHER_CONVENER = 20001
STRANGER = 30003


async def seed(
    bot: BotUnderTest, convener: int = TEACHER_ID, name: str = "正興數學共備社群"
) -> dict[str, object]:
    services = bot.services
    people = [("王大明", True), ("李小華", False), ("陳一心", False), ("林二郎", False)]
    if convener != TEACHER_ID:
        people = [(f"{person}{convener}", gifted) for person, gifted in people]
    async with services.database.session() as session:
        school = (await communities.search_schools(session, services.program, "正興國小"))[0]
        community = await communities.register_community(
            session,
            services.program,
            convener,
            communities.CommunityDraft(
                "co_planning", school.id, school.name, name,
                tuple(MemberDraft(person, gifted) for person, gifted in people),
            ),
        )  # fmt: skip
        members = [m.id for m in community.members]
        activity, _ = await communities.log_activity(
            session,
            services.program,
            convener,
            community.id,
            communities.ActivityDraft(
                dt.date(2022, 10, 5), "dialogue", "差異化教學", tuple(members)
            ),
            uuid.uuid4().hex,
        )
        return {
            "id": community.id,
            "codes": {m.name: m.invite_code for m in community.members},
            "members": {m.name: m.id for m in community.members},
            "activity": activity.id,
        }


@pytest.fixture
async def bot(make_bot: MakeBot) -> BotUnderTest:
    bot = await make_bot(today=TODAY)
    bot.user(TEACHER_ID, "王老師")
    bot.user(MEMBER_ID, "李老師")
    bot.user(OTHER_CONVENER, "趙老師")
    bot.user(STRANGER, "路人")
    return bot


def labels(reply) -> list[str]:
    return [label for row in reply.last.buttons for label, _ in row]


def nonce_of(reply) -> str:
    return str(reply.last.buttons[0][0][1]).split(":")[1]


async def activity_exists(bot: BotUnderTest, activity_id: object) -> bool:
    async with bot.services.database.session() as session:
        return await session.get(Activity, activity_id) is not None


async def join(bot: BotUnderTest, user_id: int, code: object):
    return await bot.send(user_id, f"/start join_{code}")


# --- invite links ---------------------------------------------------------------------------


async def test_a_member_joins_with_their_own_invite_link(bot: BotUnderTest):
    community = await seed(bot)
    reply = await join(bot, MEMBER_ID, community["codes"]["李小華"])  # type: ignore[index]
    assert "以「李小華」的身分加入社群「正興數學共備社群」" in reply.text
    async with bot.services.database.session() as session:
        member = await session.get(Member, community["members"]["李小華"])  # type: ignore[index]
    assert member is not None and member.user_id == MEMBER_ID
    again = await join(bot, MEMBER_ID, community["codes"]["李小華"])  # type: ignore[index]
    assert "已經是社群" in again.text


async def test_an_invite_link_already_used_cannot_be_taken_over(bot: BotUnderTest):
    community = await seed(bot)
    await join(bot, MEMBER_ID, community["codes"]["李小華"])  # type: ignore[index]
    reply = await join(bot, STRANGER, community["codes"]["李小華"])  # type: ignore[index]
    assert "已經有人使用" in reply.text
    other = await join(bot, MEMBER_ID, community["codes"]["陳一心"])  # type: ignore[index]
    assert "不能再代表另一位成員" in other.text


async def test_a_withdrawn_community_shows_no_invites_and_takes_no_new_members(bot: BotUnderTest):
    community = await seed(bot)
    page = await bot.send(TEACHER_ID, "/mycommunity")
    assert "邀請連結" in page.text
    async with bot.services.database.session() as session:
        row = await session.get(Community, community["id"])
        assert row is not None
        row.status = CommunityStatus.WITHDRAWN
    withdrawn = await bot.send(TEACHER_ID, "/mycommunity")
    assert "邀請連結" not in withdrawn.text
    reply = await join(bot, MEMBER_ID, community["codes"]["李小華"])  # type: ignore[index]
    assert "已撤回計畫，無法再加入" in reply.text
    async with bot.services.database.session() as session:
        member = await session.get(Member, community["members"]["李小華"])  # type: ignore[index]
    assert member is not None and member.user_id is None
    log = await bot.send(TEACHER_ID, "/log")
    assert "目前不在計畫中（已撤回），不能再記錄活動" in log.text and "劉書伶" in log.text


async def test_with_the_line_account_set_each_invite_also_has_a_line_link(make_bot: MakeBot):
    bot = await make_bot(today=TODAY, LINE_ACCOUNT_ID="@123abcde")
    bot.user(TEACHER_ID)
    community = await seed(bot)
    page = await bot.send(TEACHER_ID, "/mycommunity")
    code = community["codes"]["李小華"]  # type: ignore[index]
    link = f"https://line.me/R/oaMessage/%40123abcde/?%E5%8A%A0%E5%85%A5%20{code}"
    assert f"LINE：{link}" in page.text
    from handlers.line.community import join_code_of

    assert join_code_of(f"加入 {code}", "en") == code


async def test_a_guessed_invite_code_is_refused(bot: BotUnderTest):
    await seed(bot)
    for code in ("1", "AAAAAAAAAAAAAAAA", "../../etc", "x" * 60):
        reply = await join(bot, STRANGER, code)
        assert "邀請連結無效" in reply.text


# --- viewing --------------------------------------------------------------------------------


async def test_the_convener_sees_members_invite_links_and_progress(bot: BotUnderTest):
    community = await seed(bot)
    await join(bot, MEMBER_ID, community["codes"]["李小華"])  # type: ignore[index]
    reply = await bot.send(TEACHER_ID, "/mycommunity")
    assert "正興數學共備社群" in reply.text and "高雄市三民區正興國民小學" in reply.text
    assert "1. 王大明（召集人、資優班教師） ✅" in reply.text
    assert "2. 李小華 ✅" in reply.text and "3. 陳一心 ⏳ 尚未加入" in reply.text
    assert reply.text.count("?start=join_") == 2
    assert "社群運作活動 1/4" in reply.text
    assert labels(reply) == ["👥 成員", "📋 活動紀錄", "關閉"]


async def test_a_member_sees_the_community_without_ways_to_change_it(bot: BotUnderTest):
    community = await seed(bot)
    await join(bot, MEMBER_ID, community["codes"]["李小華"])  # type: ignore[index]
    reply = await bot.send(MEMBER_ID, "/mycommunity")
    assert "正興數學共備社群" in reply.text and "?start=join_" not in reply.text
    assert "修改請洽召集人" in reply.text
    assert labels(reply) == ["📋 活動紀錄", "關閉"]
    listing = await bot.press(MEMBER_ID, "活動紀錄")
    details = await bot.press(MEMBER_ID, "差異化教學")
    assert "差異化教學" in details.text
    assert "✏️ 修改" not in labels(details) and "🗑 刪除" not in labels(details)
    assert listing.last.message_id == details.last.message_id


async def test_a_stranger_sees_no_community(bot: BotUnderTest):
    await seed(bot)
    reply = await bot.send(STRANGER, "/mycommunity")
    assert "正興" not in reply.text and "/register" in reply.text


# --- managing -------------------------------------------------------------------------------


async def test_a_member_is_replaced_and_the_new_person_gets_a_new_link(bot: BotUnderTest):
    community = await seed(bot)
    await join(bot, MEMBER_ID, community["codes"]["李小華"])  # type: ignore[index]
    await bot.send(TEACHER_ID, "/mycommunity")
    await bot.press(TEACHER_ID, "成員")
    await bot.press(TEACHER_ID, "2. 李小華")
    await bot.press(TEACHER_ID, "換人或修改資料")
    await bot.send(TEACHER_ID, "吳五湖")
    await bot.press(TEACHER_ID, "不是")
    reply = await bot.send(TEACHER_ID, "自然")
    assert "已更新成員「吳五湖」" in reply.text
    assert "2. 吳五湖（自然） ⏳ 尚未加入" in reply.text
    async with bot.services.database.session() as session:
        member = await session.get(Member, community["members"]["李小華"])  # type: ignore[index]
    assert member is not None and member.user_id is None
    assert member.invite_code != community["codes"]["李小華"]  # type: ignore[index]
    old_link = await join(bot, MEMBER_ID, community["codes"]["李小華"])  # type: ignore[index]
    assert "邀請連結無效" in old_link.text


async def test_a_replacement_that_breaks_the_rules_is_refused_with_the_reason(bot: BotUnderTest):
    await seed(bot)
    await bot.send(TEACHER_ID, "/mycommunity")
    await bot.press(TEACHER_ID, "成員")
    await bot.press(TEACHER_ID, "1. 王大明")
    await bot.press(TEACHER_ID, "換人或修改資料")
    await bot.send(TEACHER_ID, "王大明")
    await bot.press(TEACHER_ID, "不是")
    reply = await bot.press(TEACHER_ID, "略過")
    assert "不符合規定" in reply.text and "資優班教師至少1人，目前0人" in reply.text
    duplicate = await bot.press(TEACHER_ID, "成員")
    await bot.press(TEACHER_ID, "3. 陳一心")
    await bot.press(TEACHER_ID, "換人或修改資料")
    same = await bot.send(TEACHER_ID, "李小華")
    await bot.press(TEACHER_ID, "不是")
    refused = await bot.press(TEACHER_ID, "略過")
    assert "重複" in refused.text, (duplicate.text, same.text)


async def test_an_activity_is_edited_from_mycommunity_through_the_log_summary(bot: BotUnderTest):
    community = await seed(bot)
    await bot.send(TEACHER_ID, "/mycommunity")
    await bot.press(TEACHER_ID, "活動紀錄")
    await bot.press(TEACHER_ID, "差異化教學")
    summary = await bot.press(TEACHER_ID, "✏️ 修改")
    assert "修改活動紀錄" in summary.text and "差異化教學" in summary.text
    await bot.press(TEACHER_ID, "✏️ 主題")
    await bot.send(TEACHER_ID, "分組合作學習")
    saved = await bot.press(TEACHER_ID, "儲存修改")
    assert "已儲存修改" in saved.text
    async with bot.services.database.session() as session:
        activity = await session.get(Activity, community["activity"])
        count = len(list(await session.scalars(select(Activity))))
    assert activity is not None and activity.topic == "分組合作學習" and count == 1


async def test_an_activity_is_deleted_after_a_confirmation(bot: BotUnderTest):
    community = await seed(bot)
    await bot.send(TEACHER_ID, "/mycommunity")
    await bot.press(TEACHER_ID, "活動紀錄")
    await bot.press(TEACHER_ID, "差異化教學")
    ask = await bot.press(TEACHER_ID, "🗑 刪除")
    assert "確定要刪除" in ask.text
    done = await bot.press(TEACHER_ID, "確定刪除")
    assert "已刪除" in done.text and "還沒有記錄任何活動" in done.text
    assert not await activity_exists(bot, community["activity"])


async def test_a_long_activity_list_pages_and_back_returns_to_the_same_page(bot: BotUnderTest):
    community = await seed(bot)  # one meeting on 10/5, topic 差異化教學
    everyone = tuple(community["members"].values())  # type: ignore[attr-defined]
    async with bot.services.database.session() as session:
        for day in range(1, 25):  # 24 more, in September: older than the seeded one
            meeting = communities.ActivityDraft(
                dt.date(2022, 9, day), "dialogue", f"第{day}次共備", everyone
            )
            await communities.log_activity(
                session, bot.services.program, TEACHER_ID, int(community["id"]), meeting,
                uuid.uuid4().hex,
            )  # fmt: skip
    await bot.send(TEACHER_ID, "/mycommunity")
    first = await bot.press(TEACHER_ID, "活動紀錄")
    assert "已記錄 25 筆活動" in first.text and "第 1–20 筆" in first.text
    assert "差異化教學" in " ".join(labels(first)) and "較舊的 ›" in labels(first)
    assert "‹ 較新的" not in labels(first)

    older = await bot.press(TEACHER_ID, "較舊的 ›")
    assert "第 21–25 筆" in older.text
    assert any("第1次共備" in label for label in labels(older))
    assert "‹ 較新的" in labels(older) and "較舊的 ›" not in labels(older)

    await bot.press(TEACHER_ID, "第1次共備")
    back = await bot.press(TEACHER_ID, "返回")
    assert "第 21–25 筆" in back.text


async def test_staff_can_open_any_community_by_its_number(bot: BotUnderTest):
    community = await seed(bot)
    bot.user(ADMIN_ID, "賴承辦")
    reply = await bot.send(ADMIN_ID, f"/mycommunity {community['id']}")
    assert "正興數學共備社群" in reply.text and "👥 成員" in labels(reply)
    stranger = await bot.send(STRANGER, f"/mycommunity {community['id']}")
    assert "正興" not in stranger.text


# --- forged and replayed buttons ------------------------------------------------------------


@pytest.mark.parametrize("action", ["adel_yes", "adel", "aedit", "activity"])
async def test_a_convener_forging_a_button_for_another_communitys_activity_is_refused(
    bot: BotUnderTest, action: str
):
    mine = await seed(bot)
    theirs = await seed(bot, OTHER_CONVENER, "別校社群")
    menu = await bot.send(TEACHER_ID, "/mycommunity")
    forged = f"mc:{nonce_of(menu)}:{action}:{theirs['activity']}"
    reply = await bot.driver.press_data(TEACHER_ID, menu.last.message_id, forged, forge=True)
    assert "沒有權限" in reply.text
    assert await activity_exists(bot, theirs["activity"])
    assert await activity_exists(bot, mine["activity"])


async def test_a_convener_forging_a_button_for_another_communitys_member_is_refused(
    bot: BotUnderTest,
):
    await seed(bot)
    theirs = await seed(bot, OTHER_CONVENER, "別校社群")
    menu = await bot.send(TEACHER_ID, "/mycommunity")
    other_member = next(iter(theirs["members"].values()))  # type: ignore[attr-defined]
    forged = f"mc:{nonce_of(menu)}:member:{other_member}"
    reply = await bot.driver.press_data(TEACHER_ID, menu.last.message_id, forged, forge=True)
    assert "沒有權限" in reply.text


@pytest.mark.parametrize("action", ["adel_yes", "aedit", "members", "adel"])
async def test_a_member_forging_a_change_button_is_refused(bot: BotUnderTest, action: str):
    community = await seed(bot)
    await join(bot, MEMBER_ID, community["codes"]["李小華"])  # type: ignore[index]
    menu = await bot.send(MEMBER_ID, "/mycommunity")
    forged = f"mc:{nonce_of(menu)}:{action}:{community['activity']}"
    reply = await bot.driver.press_data(MEMBER_ID, menu.last.message_id, forged, forge=True)
    assert "沒有權限" in reply.text
    assert await activity_exists(bot, community["activity"])
    log = await bot.send(MEMBER_ID, "/log")
    assert "只有召集人" in log.text


async def test_a_stranger_replaying_the_conveners_buttons_changes_nothing(bot: BotUnderTest):
    community = await seed(bot)
    menu = await bot.send(TEACHER_ID, "/mycommunity")
    for data in (
        f"mc:{nonce_of(menu)}:adel_yes:{community['activity']}",
        f"lg:{nonce_of(menu)}:confirm",
        f"rg:{nonce_of(menu)}:confirm",
    ):
        reply = await bot.driver.press_data(STRANGER, 1, data, forge=True)
        assert "過期" in reply.text or "沒有權限" in reply.text
    assert await activity_exists(bot, community["activity"])


async def test_a_member_who_was_removed_loses_access_on_the_next_press(bot: BotUnderTest):
    community = await seed(bot)
    await join(bot, MEMBER_ID, community["codes"]["李小華"])  # type: ignore[index]
    menu = await bot.send(MEMBER_ID, "/mycommunity")
    async with bot.services.database.session() as session:
        await communities.new_invite(
            session,
            TEACHER_ID,
            int(community["id"]),
            community["members"]["李小華"],  # type: ignore[arg-type,index]
        )
    reply = await bot.press(MEMBER_ID, "活動紀錄", message_id=menu.last.message_id)
    assert "沒有權限" in reply.text


async def test_the_log_edit_entry_refuses_another_communitys_activity(bot: BotUnderTest):
    await seed(bot)
    theirs = await seed(bot, OTHER_CONVENER, "別校社群")
    menu = await bot.send(TEACHER_ID, "/mycommunity")
    forged = f"mc:{nonce_of(menu)}:aedit:{theirs['activity']}"
    reply = await bot.driver.press_data(TEACHER_ID, menu.last.message_id, forged, forge=True)
    assert "沒有權限" in reply.text
    assert "flow:log" not in bot.application.user_data[TEACHER_ID]


async def test_a_question_typed_on_the_community_page_is_answered(bot: BotUnderTest):
    await seed(bot)
    page = await bot.send(TEACHER_ID, "/mycommunity")
    assert "正興數學共備社群" in page.text
    answer = await bot.send(TEACHER_ID, "申請截止日是什麼時候？")
    assert "9月21日" in answer.text
    assert "請按" not in answer.text  # not "please press a button"
