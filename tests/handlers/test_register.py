"""/register: a convener registers the community and its members in the chat."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from support import TEACHER_ID, BotUnderTest, MakeBot

from bot import communities
from db.models import Community, Member, School

GIFTED = "是，資優班教師"
NOT_GIFTED = "不是"


async def start_to_members(bot: BotUnderTest, user_id: int = TEACHER_ID, kind: str = "共備精進"):
    """/register up to the first member's name."""
    await bot.send(user_id, "/register")
    await bot.press(user_id, kind)
    await bot.send(user_id, "正興國小")
    await bot.press(user_id, "正興國民小學")
    return await bot.send(user_id, "正興數學共備社群")


async def add_member(bot: BotUnderTest, name: str, gifted: bool, subject: str | None = None):
    await bot.send(TEACHER_ID, name)
    await bot.press(TEACHER_ID, GIFTED if gifted else NOT_GIFTED)
    if subject is None:
        return await bot.press(TEACHER_ID, "略過")
    return await bot.send(TEACHER_ID, subject)


async def register_four(bot: BotUnderTest, gifted_first: bool = True):
    await start_to_members(bot)
    await add_member(bot, "王大明", gifted_first, "數學")
    await add_member(bot, "李小華", False)
    await add_member(bot, "陳一心", False)
    return await add_member(bot, "林二郎", False)


async def count(bot: BotUnderTest, model: type) -> int:
    async with bot.services.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def labels(reply) -> list[str]:
    return [label for row in reply.last.buttons for label, _ in row]


async def test_a_convener_registers_a_community_and_gets_one_invite_link_per_member(
    bot: BotUnderTest,
):
    bot.user(TEACHER_ID)
    summary = await register_four(bot)
    assert "請確認社群資料" in summary.text
    assert "高雄市三民區正興國民小學" in summary.text
    assert "王大明（召集人、資優班教師、數學）" in summary.text
    saved = await bot.press(TEACHER_ID, "確認登錄")
    assert "已登錄社群「正興數學共備社群」" in saved.text
    assert saved.text.count("https://t.me/") == 3
    assert "李小華：https://t.me/gifted_community_bot?start=join_" in saved.text
    async with bot.services.database.session() as session:
        community = await session.scalar(select(Community))
        assert community is not None
        assert community.convener_user_id == TEACHER_ID
        assert community.type_key == "co_planning"
        members = community.members
    assert [m.name for m in members] == ["王大明", "李小華", "陳一心", "林二郎"]
    assert members[0].is_convener and members[0].user_id == TEACHER_ID
    assert [m.gifted_teacher for m in members] == [True, False, False, False]
    assert len({m.invite_code for m in members[1:]}) == 3 and members[0].invite_code is None


async def test_the_type_buttons_come_with_each_types_rules(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    reply = await bot.send(TEACHER_ID, "/register")
    assert "成員4人，其中資優班教師至少1人" in reply.text
    assert "成員6人，其中資優班教師至少2人" in reply.text
    assert "社群運作活動至少8次" in reply.text and "公開成果發表會" in reply.text
    assert labels(reply)[:2] == ["共備精進學習社群", "課程研創學習社群"]


async def test_the_school_is_found_by_its_everyday_short_name(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    await bot.send(TEACHER_ID, "/register")
    await bot.press(TEACHER_ID, "共備精進")
    reply = await bot.send(TEACHER_ID, "正興國小")
    assert labels(reply)[0] == "高雄市三民區正興國民小學"
    assert "高雄市立正興國民中學" not in labels(reply)
    assert await count(bot, School) == len(bot.services.program.recipients.schools)


@pytest.mark.parametrize(
    ("typed", "school"), [("雄中", "高雄市立高雄高級中學"), ("左中", "高雄市立左營高級中學")]
)
async def test_a_school_is_found_by_the_name_teachers_call_it(
    bot: BotUnderTest, typed: str, school: str
):
    bot.user(TEACHER_ID)
    await bot.send(TEACHER_ID, "/register")
    await bot.press(TEACHER_ID, "共備精進")
    reply = await bot.send(TEACHER_ID, typed)
    assert labels(reply)[0] == school


async def test_a_kaohsiung_school_missing_from_the_letter_can_be_added(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    await bot.send(TEACHER_ID, "/register")
    await bot.press(TEACHER_ID, "共備精進")
    reply = await bot.send(TEACHER_ID, "高雄市立星空實驗小學")
    assert "找不到" in reply.text
    await bot.press(TEACHER_ID, "新增")
    await bot.send(TEACHER_ID, "星空社群")
    await add_member(bot, "王大明", True)
    await add_member(bot, "李小華", False)
    await add_member(bot, "陳一心", False)
    summary = await add_member(bot, "林二郎", False)
    assert "高雄市立星空實驗小學（新增的學校）" in summary.text
    await bot.press(TEACHER_ID, "確認登錄")
    async with bot.services.database.session() as session:
        school = await session.scalar(select(School).where(School.name == "高雄市立星空實驗小學"))
    assert school is not None and not school.in_letter


async def test_the_summary_says_exactly_what_is_missing_and_offers_no_confirm_until_fixed(
    bot: BotUnderTest,
):
    bot.user(TEACHER_ID)
    summary = await register_four(bot, gifted_first=False)
    assert "資優班教師至少1人，目前0人" in summary.text
    assert "✅ 確認登錄" not in labels(summary)
    await bot.press(TEACHER_ID, "2. 李小華")
    await bot.press(TEACHER_ID, "重新輸入")
    await bot.send(TEACHER_ID, "李小華")
    await bot.press(TEACHER_ID, GIFTED)
    fixed = await bot.press(TEACHER_ID, "略過")
    assert "李小華（資優班教師）" in fixed.text
    assert "✅ 確認登錄" in labels(fixed)


async def test_while_members_are_added_the_bot_says_how_many_are_still_needed(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    first = await start_to_members(bot)
    assert "第 1 位就是您" in first.text
    after_one = await add_member(bot, "王大明", False)
    assert "還需要 3 位成員" in after_one.text
    assert "資優班教師至少1人，目前0人" in after_one.text
    assert "第 2 位成員（共 4 位）" in after_one.text


async def test_changing_the_type_to_curriculum_asks_for_two_more_members(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    await register_four(bot)
    await bot.press(TEACHER_ID, "✏️ 類型")
    summary = await bot.press(TEACHER_ID, "課程研創學習社群")
    assert "還需要 2 位成員" in summary.text
    assert "資優班教師至少2人，目前1人" in summary.text
    await bot.press(TEACHER_ID, "新增成員")
    await add_member(bot, "張三豐", True)
    await bot.press(TEACHER_ID, "新增成員")
    summary = await add_member(bot, "趙四海", False)
    assert "成員（6/6）" in summary.text
    await bot.press(TEACHER_ID, "確認登錄")
    async with bot.services.database.session() as session:
        community = await session.scalar(select(Community))
    assert community is not None and community.type_key == "curriculum"
    assert len(community.members) == 6


async def test_name_and_school_can_be_changed_from_the_summary(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    await register_four(bot)
    await bot.press(TEACHER_ID, "✏️ 名稱")
    summary = await bot.send(TEACHER_ID, "正興數學二社群")
    assert "名稱：正興數學二社群" in summary.text
    await bot.press(TEACHER_ID, "✏️ 學校")
    await bot.send(TEACHER_ID, "正興國中")
    summary = await bot.press(TEACHER_ID, "高雄市立正興國民中學")
    assert "學校：高雄市立正興國民中學" in summary.text
    assert "成員（4/4）" in summary.text


async def test_a_member_can_be_removed_and_another_added_from_the_summary(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    await register_four(bot)
    await bot.press(TEACHER_ID, "4. 林二郎")
    summary = await bot.press(TEACHER_ID, "移除")
    assert "林二郎" not in summary.text and "還需要 1 位成員" in summary.text
    await bot.press(TEACHER_ID, "新增成員")
    summary = await add_member(bot, "吳五湖", False, "自然")
    assert "吳五湖（自然）" in summary.text


async def test_the_convener_cannot_be_removed(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    await register_four(bot)
    menu = await bot.press(TEACHER_ID, "1. 王大明")
    assert "移除" not in labels(menu)


async def test_unexpected_input_gets_a_reprompt_that_says_what_is_expected(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    await bot.send(TEACHER_ID, "/register")
    typed = await bot.send(TEACHER_ID, "共備")
    assert "請按下方的按鈕" in typed.text
    await bot.press(TEACHER_ID, "共備精進")
    sticker = await bot.process(bot.standin.user_sends_sticker(TEACHER_ID))
    assert "文字" in sticker.text and "學校名稱" in sticker.text
    await bot.send(TEACHER_ID, "正興國小")
    await bot.press(TEACHER_ID, "正興國民小學")
    photo = await bot.process(bot.standin.user_sends_photo(TEACHER_ID))
    assert "文字" in photo.text and "社群名稱" in photo.text
    long_name = await bot.send(TEACHER_ID, "社" * 4096)
    assert "太長" in long_name.text
    await bot.send(TEACHER_ID, "正興社群")
    spaces = await bot.send(TEACHER_ID, "   　 ")
    assert "不能空白" in spaces.text
    huge = await bot.send(TEACHER_ID, "王" * 4096)
    assert "太長" in huge.text
    await add_member(bot, "王大明", True)
    duplicate = await bot.send(TEACHER_ID, "王 大明")
    assert "重複" in duplicate.text
    assert await count(bot, Community) == 0


async def test_pressing_confirm_twice_registers_one_community(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    summary = await register_four(bot)
    confirm = next(data for row in summary.last.buttons for label, data in row if "確認" in label)
    message_id = summary.last.message_id
    await bot.driver.press_data(TEACHER_ID, message_id, confirm)
    again = await bot.driver.press_data(TEACHER_ID, message_id, confirm, forge=True)
    assert "過期" in again.text
    assert await count(bot, Community) == 1
    assert await count(bot, Member) == 4


async def test_a_convener_has_one_community_per_program_year(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    await register_four(bot)
    await bot.press(TEACHER_ID, "確認登錄")
    reply = await bot.send(TEACHER_ID, "/register")
    assert "已登錄社群「正興數學共備社群」" in reply.text and "/mycommunity" in reply.text


async def test_cancel_works_in_every_step(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    steps = [
        [],
        ["press:共備精進"],
        ["press:共備精進", "正興國小"],
        ["press:共備精進", "正興國小", "press:正興國民小學"],
        ["press:共備精進", "正興國小", "press:正興國民小學", "社群"],
        ["press:共備精進", "正興國小", "press:正興國民小學", "社群", "王大明"],
        ["press:共備精進", "正興國小", "press:正興國民小學", "社群", "王大明", f"press:{GIFTED}"],
    ]
    for actions in steps:
        await bot.send(TEACHER_ID, "/register")
        for action in actions:
            if action.startswith("press:"):
                await bot.press(TEACHER_ID, action.removeprefix("press:"))
            else:
                await bot.send(TEACHER_ID, action)
        reply = await bot.send(TEACHER_ID, "/cancel")
        assert "已取消" in reply.text, actions
        assert "flow:register" not in bot.application.user_data[TEACHER_ID]
    summary = await register_four(bot)
    cancelled = await bot.press(TEACHER_ID, "取消")
    assert "已取消" in cancelled.text
    assert summary.last.message_id == cancelled.last.message_id
    assert await count(bot, Community) == 0


async def test_sending_register_again_mid_way_resumes_the_same_step(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    await start_to_members(bot)
    await add_member(bot, "王大明", True)
    reply = await bot.send(TEACHER_ID, "/register")
    assert "接續" in reply.text and "第 2 位成員" in reply.text


async def test_registration_speaks_english_to_english_users(bot: BotUnderTest):
    bot.user(TEACHER_ID, "Mary", language_code="en")
    reply = await bot.send(TEACHER_ID, "/register")
    assert "4 members, at least 1 of them gifted-class teachers" in reply.text
    await bot.press(TEACHER_ID, "co-planning")
    school = await bot.send(TEACHER_ID, "正興國小")
    assert "Schools matching" in school.text


async def test_a_number_or_a_stray_mark_is_not_taken_as_a_members_name(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    await start_to_members(bot)
    for slip in ("2", "。", "--"):
        reply = await bot.send(TEACHER_ID, slip)
        assert "這不像是姓名" in reply.text
    accepted = await bot.send(TEACHER_ID, "王小明")
    assert "資優班" in accepted.text  # the next question: is the member a gifted-class teacher


async def test_a_confirm_replayed_after_its_community_was_saved_sends_the_invites_again(
    bot: BotUnderTest,
):
    """A crash after the community was committed but before the conversation moved on: the
    confirm handled again finds its own community, saves nothing twice and finishes."""
    bot.user(TEACHER_ID)
    await register_four(bot)
    draft = dict(bot.application.user_data[TEACHER_ID]["flow:register"])
    services = bot.services
    first = await communities.register(
        services.database, services.program, TEACHER_ID, draft, today=services.clock.today()
    )
    saved = await bot.press(TEACHER_ID, "確認登錄")
    assert "已登錄社群「正興數學共備社群」" in saved.text
    assert saved.text.count("https://t.me/") == 3
    assert all(code in saved.text for _, code in first.invites)
    assert await count(bot, Community) == 1
    assert await count(bot, Member) == 4
    after = await bot.send(TEACHER_ID, "/progress")
    assert "還沒完成" not in after.text


async def test_a_second_registration_is_refused_by_name(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    await register_four(bot)
    draft = dict(bot.application.user_data[TEACHER_ID]["flow:register"])
    services = bot.services
    other = {**draft, "name": "另一個社群"}
    await communities.register(
        services.database, services.program, TEACHER_ID, other, today=services.clock.today()
    )
    refused = await bot.press(TEACHER_ID, "確認登錄")
    assert "另一個社群" in refused.text
    assert await count(bot, Community) == 1


async def test_registering_after_the_deadline_says_so_instead_of_a_date_gone_by(
    make_bot: MakeBot,
):
    bot = await make_bot(today=dt.date(2022, 9, 25))
    bot.user(TEACHER_ID)
    await register_four(bot)
    saved = await bot.press(TEACHER_ID, "確認登錄")
    assert "已登錄社群「正興數學共備社群」" in saved.text
    assert "申請已於111年9月21日（三）截止" in saved.text and "劉書伶" in saved.text
    assert "前送出申請" not in saved.text
    progress = await bot.send(TEACHER_ID, "/progress")
    assert "無法再送出" in progress.text
    # Out of the program unless staff reopen it: no showcase, no activities asked for.
    assert "下一步" not in progress.text and "還差" not in progress.text


async def test_a_typed_skip_word_skips_the_subject(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    await start_to_members(bot)
    await bot.send(TEACHER_ID, "王大明")
    await bot.press(TEACHER_ID, GIFTED)
    added = await bot.send(TEACHER_ID, "略過")
    assert "王大明（召集人、資優班教師）" in added.text and "略過" not in added.text
    await bot.send(TEACHER_ID, "李小華")
    await bot.press(TEACHER_ID, NOT_GIFTED)
    added = await bot.send(TEACHER_ID, "跳過")
    assert "李小華" in added.text and "跳過" not in added.text


async def test_a_question_typed_at_a_button_step_is_answered_and_the_step_asked_again(
    bot: BotUnderTest,
):
    bot.user(TEACHER_ID)
    await start_to_members(bot)
    await bot.send(TEACHER_ID, "王大明")  # now: is 王大明 a gifted-class teacher? (buttons)
    reply = await bot.send(TEACHER_ID, "申請截止日是什麼時候？")
    assert "111年9月21日" in reply.text and "請按下方的按鈕選擇" in reply.text
    assert GIFTED in labels(reply)
    plain = await bot.send(TEACHER_ID, "是")
    assert "請按下方的按鈕選擇" in plain.text and "111年9月21日" not in plain.text
