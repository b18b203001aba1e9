"""/log: the convener records a meeting in a few taps; replays never save it twice."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import func, select
from support import TEACHER_ID, BotUnderTest, MakeBot

from bot import communities
from bot.rules import MemberDraft
from db import persistence_store
from db.models import Activity, ConversationState, StoredData

TODAY = dt.date(2022, 10, 20)  # a Thursday
MEMBER_ID = 10002
MEMBERS = (("王大明", True), ("李小華", False), ("陳一心", False), ("林二郎", False))


async def seed_community(bot: BotUnderTest, convener: int = TEACHER_ID) -> dict[str, object]:
    """A registered 共備 community of four; returns its id and invite codes by name."""
    services = bot.services
    async with services.database.session() as session:
        school = (await communities.search_schools(session, services.program, "正興國小"))[0]
        community = await communities.register_community(
            session,
            services.program,
            convener,
            communities.CommunityDraft(
                "co_planning",
                school.id,
                school.name,
                "正興數學共備社群",
                tuple(MemberDraft(name, gifted) for name, gifted in MEMBERS),
            ),
        )
        return {
            "id": community.id,
            "codes": {m.name: m.invite_code for m in community.members},
            "members": {m.name: m.id for m in community.members},
        }


@pytest.fixture
async def bot(make_bot: MakeBot) -> BotUnderTest:
    """A bot on 111-10-20 with the teacher's community registered."""
    bot = await make_bot(today=TODAY)
    bot.user(TEACHER_ID)
    await seed_community(bot)
    return bot


async def activities(bot: BotUnderTest) -> list[Activity]:
    async with bot.services.database.session() as session:
        return list(await session.scalars(select(Activity).order_by(Activity.id)))


async def log_until_summary(bot: BotUnderTest, day: str = "10/5", kind: str = "專業對話"):
    await bot.send(TEACHER_ID, "/log")
    await bot.send(TEACHER_ID, day)
    await bot.press(TEACHER_ID, kind)
    await bot.send(TEACHER_ID, "差異化教學討論")
    await bot.press(TEACHER_ID, "全部出席")
    await bot.press(TEACHER_ID, "完成")
    await bot.send(TEACHER_ID, "1.5小時")
    await bot.send(TEACHER_ID, "下午2點到3點半")
    await bot.send(TEACHER_ID, "本校會議室（二樓）")
    await bot.send(TEACHER_ID, "先試行分組討論，下次檢討")
    await bot.send(TEACHER_ID, "下次改到週三")
    return await bot.press(TEACHER_ID, "略過")


def labels(reply) -> list[str]:
    return [label for row in reply.last.buttons for label, _ in row]


def confirm_button(reply) -> tuple[int, str]:
    data = next(d for row in reply.last.buttons for label, d in row if "儲存" in label)
    return reply.last.message_id, data


async def test_a_convener_logs_a_meeting_and_sees_the_progress(bot: BotUnderTest):
    summary = await log_until_summary(bot)
    assert "111年10月5日（三）" in summary.text
    assert "專業對話" in summary.text and "差異化教學討論" in summary.text
    assert "出席（4人）：王大明、李小華、陳一心、林二郎" in summary.text
    assert "1 小時 30 分鐘" in summary.text and "下次改到週三" in summary.text
    assert "開始／結束時間：14:00–15:30" in summary.text
    assert "地點：本校會議室（二樓）" in summary.text
    assert "會議紀錄／省思：先試行分組討論，下次檢討" in summary.text
    saved = await bot.press(TEACHER_ID, "儲存")
    assert "已記錄" in saved.text
    assert "社群運作活動 1/4" in saved.text and "✅ 專業對話 1/1" in saved.text
    [activity] = await activities(bot)
    assert activity.day == dt.date(2022, 10, 5) and activity.kind == "dialogue"
    assert activity.duration_minutes == 90 and activity.notes == "下次改到週三"
    assert (activity.start_time, activity.end_time) == (dt.time(14, 0), dt.time(15, 30))
    # Kept as typed: the full-width brackets and comma are not turned into ASCII.
    assert activity.place == "本校會議室（二樓）"
    assert activity.reflection == "先試行分組討論，下次檢討"
    assert len(activity.attendee_member_ids) == 4 and activity.photo_file_ids == []
    assert activity.created_by == TEACHER_ID


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2022-10-05", dt.date(2022, 10, 5)),
        ("111/10/5", dt.date(2022, 10, 5)),
        ("10/5", dt.date(2022, 10, 5)),
        ("10月5日", dt.date(2022, 10, 5)),
        ("今天", TODAY),
        ("昨天", dt.date(2022, 10, 19)),
        ("上週三", dt.date(2022, 10, 12)),
    ],
)
async def test_the_date_can_be_typed_the_way_teachers_write_it(
    bot: BotUnderTest, typed: str, expected: dt.date
):
    await bot.send(TEACHER_ID, "/log")
    reply = await bot.send(TEACHER_ID, typed)
    assert "哪一種活動" in reply.text
    assert bot.application.user_data[TEACHER_ID]["flow:log"]["day"] == expected.isoformat()


async def test_a_date_outside_the_period_is_refused_with_the_period_shown(bot: BotUnderTest):
    await bot.send(TEACHER_ID, "/log")
    reply = await bot.send(TEACHER_ID, "2022-08-31")
    assert "實施期程內（111年9月1日（四）至112年7月31日（一））" in reply.text
    assert "flow:log" in bot.application.user_data[TEACHER_ID]
    assert "day" not in bot.application.user_data[TEACHER_ID]["flow:log"]


async def test_a_future_date_needs_a_confirmation(bot: BotUnderTest):
    await bot.send(TEACHER_ID, "/log")
    reply = await bot.send(TEACHER_ID, "10/25")
    assert "還沒到" in reply.text
    again = await bot.press(TEACHER_ID, "重新輸入日期")
    assert "活動是哪一天" in again.text
    await bot.send(TEACHER_ID, "10/25")
    confirmed = await bot.press(TEACHER_ID, "是，登錄這一天")
    assert "哪一種活動" in confirmed.text
    assert bot.application.user_data[TEACHER_ID]["flow:log"]["day"] == "2022-10-25"


async def test_a_date_typed_instead_of_confirming_a_future_one_is_the_new_date(bot: BotUnderTest):
    await bot.send(TEACHER_ID, "/log")
    await bot.send(TEACHER_ID, "10/22")  # not yet: the bot asks to confirm
    corrected = await bot.send(TEACHER_ID, "10/20")
    assert "哪一種活動" in corrected.text
    assert bot.application.user_data[TEACHER_ID]["flow:log"]["day"] == "2022-10-20"


async def test_unexpected_input_is_met_with_a_reprompt(bot: BotUnderTest):
    await bot.send(TEACHER_ID, "/log")
    sticker = await bot.process(bot.standin.user_sends_sticker(TEACHER_ID))
    assert "文字" in sticker.text and "活動是哪一天" in sticker.text
    impossible = await bot.send(TEACHER_ID, "2月30日")
    assert "沒有這個日期" in impossible.text
    nonsense = await bot.send(TEACHER_ID, "找時間")
    assert "看不懂這個日期" in nonsense.text
    await bot.send(TEACHER_ID, "10/5")
    typed = await bot.send(TEACHER_ID, "專業對話")
    assert "請按下方的按鈕" in typed.text
    await bot.press(TEACHER_ID, "專業對話")
    long_topic = await bot.send(TEACHER_ID, "主" * 4096)
    assert "太長" in long_topic.text
    blank = await bot.send(TEACHER_ID, "　 ")
    assert "不能空白" in blank.text
    await bot.send(TEACHER_ID, "主題")
    none = await bot.press(TEACHER_ID, "完成")
    assert "至少勾選一位" in none.text
    await bot.press(TEACHER_ID, "王大明")
    await bot.press(TEACHER_ID, "完成")
    duration = await bot.send(TEACHER_ID, "很久")
    assert "看不懂這個時間長度" in duration.text
    photo = await bot.process(bot.standin.user_sends_photo(TEACHER_ID))
    assert "文字" in photo.text
    assert await activities(bot) == []


async def test_attendees_are_ticked_and_unticked(bot: BotUnderTest):
    await bot.send(TEACHER_ID, "/log")
    await bot.send(TEACHER_ID, "10/5")
    await bot.press(TEACHER_ID, "公開授課")
    await bot.send(TEACHER_ID, "公開觀課")
    ticked = await bot.press(TEACHER_ID, "李小華")
    assert "☑ 李小華" in labels(ticked) and "☐ 王大明" in labels(ticked)
    await bot.press(TEACHER_ID, "陳一心")
    unticked = await bot.press(TEACHER_ID, "李小華")
    assert "☐ 李小華" in labels(unticked) and "完成（1人）" in labels(unticked)
    await bot.press(TEACHER_ID, "完成")
    for _ in range(5):  # duration, time, place, reflection, notes
        await bot.press(TEACHER_ID, "略過")
    summary = await bot.press(TEACHER_ID, "略過")
    assert "出席（1人）：陳一心" in summary.text and "時間長度：（無）" in summary.text
    assert "開始／結束時間：（無）" in summary.text and "地點：（無）" in summary.text


async def test_attendees_can_be_typed_by_number_or_name(bot: BotUnderTest):
    await bot.send(TEACHER_ID, "/log")
    await bot.send(TEACHER_ID, "10/5")
    await bot.press(TEACHER_ID, "公開授課")
    asked = await bot.send(TEACHER_ID, "公開觀課")
    assert "也可以直接輸入姓名或名單上的順序號碼" in asked.text
    unknown = await bot.send(TEACHER_ID, "1 99")
    assert "看不懂這份出席名單" in unknown.text and "☐ 李小華" in labels(unknown)
    moved_on = await bot.send(TEACHER_ID, "李小華、陳一心")
    assert "活動進行多久" in moved_on.text
    for _ in range(5):  # duration, time, place, reflection, notes
        await bot.press(TEACHER_ID, "略過")
    summary = await bot.press(TEACHER_ID, "略過")
    assert "出席（2人）：" in summary.text
    assert "李小華" in summary.text and "陳一心" in summary.text


async def test_photos_are_kept_by_their_telegram_file_id(bot: BotUnderTest):
    await bot.send(TEACHER_ID, "/log")
    await bot.send(TEACHER_ID, "10/5")
    await bot.press(TEACHER_ID, "其他社群運作活動")
    await bot.send(TEACHER_ID, "讀書會")
    await bot.press(TEACHER_ID, "全部出席")
    await bot.press(TEACHER_ID, "完成")
    await bot.send(TEACHER_ID, "60")
    for _ in range(4):  # time, place, reflection, notes
        await bot.press(TEACHER_ID, "略過")
    first = await bot.process(bot.standin.user_sends_photo(TEACHER_ID))
    assert "已收到 1 張照片" in first.text
    second = await bot.process(bot.standin.user_sends_photo(TEACHER_ID, caption="合照"))
    assert "已收到 2 張照片" in second.text
    # The "done" button of the first reply still works: receiving photos does not expire it.
    summary = await bot.press(TEACHER_ID, "完成", message_id=first.last.message_id)
    assert "照片：2 張" in summary.text
    await bot.press(TEACHER_ID, "儲存", message_id=summary.last.message_id)
    [activity] = await activities(bot)
    assert len(activity.photo_file_ids) == 2
    assert all(isinstance(file_id, str) and file_id for file_id in activity.photo_file_ids)


async def test_any_field_can_be_changed_from_the_summary_without_starting_over(
    bot: BotUnderTest,
):
    await log_until_summary(bot)
    await bot.press(TEACHER_ID, "✏️ 主題")
    summary = await bot.send(TEACHER_ID, "素養導向評量")
    assert "主題：素養導向評量" in summary.text and "1 小時 30 分鐘" in summary.text
    await bot.press(TEACHER_ID, "✏️ 日期")
    summary = await bot.send(TEACHER_ID, "111/10/6")
    assert "111年10月6日（四）" in summary.text
    await bot.press(TEACHER_ID, "✏️ 類別")
    summary = await bot.press(TEACHER_ID, "公開授課")
    assert "類別：公開授課" in summary.text
    await bot.press(TEACHER_ID, "✏️ 出席")
    await bot.press(TEACHER_ID, "林二郎")
    summary = await bot.press(TEACHER_ID, "完成")
    assert "出席（3人）" in summary.text
    await bot.press(TEACHER_ID, "✏️ 時間")
    summary = await bot.send(TEACHER_ID, "45分鐘")
    assert "45 分鐘" in summary.text
    await bot.press(TEACHER_ID, "✏️ 備註")
    summary = await bot.press(TEACHER_ID, "略過")
    assert "備註：（無）" in summary.text
    await bot.press(TEACHER_ID, "儲存")
    [activity] = await activities(bot)
    assert (activity.topic, activity.kind, activity.day) == (
        "素養導向評量", "public_lesson", dt.date(2022, 10, 6),
    )  # fmt: skip
    assert activity.duration_minutes == 45 and activity.notes is None


async def test_the_same_confirm_handled_twice_saves_one_activity(bot: BotUnderTest):
    summary = await log_until_summary(bot)
    message_id, data = confirm_button(summary)
    update = bot.standin.user_presses_button(TEACHER_ID, message_id, data)
    await bot.process(update)
    await bot.process(update)  # getUpdates delivers at least once
    double_tap = await bot.driver.press_data(TEACHER_ID, message_id, data, forge=True)
    assert "過期" in double_tap.text
    assert len(await activities(bot)) == 1


async def test_a_confirm_redelivered_after_a_crash_before_the_state_was_saved_is_not_doubled(
    make_bot: MakeBot,
):
    bot = await make_bot(today=TODAY)
    bot.user(TEACHER_ID)
    await seed_community(bot)
    summary = await log_until_summary(bot)
    async with bot.services.database.session() as session:
        states = await persistence_store.load_conversations(session, "log")
        data = await persistence_store.load_data(session, "user")
    message_id, button = confirm_button(summary)
    update = bot.standin.user_presses_button(TEACHER_ID, message_id, button)
    await bot.process(update)
    await bot.application.stop()
    # The crash: the activity was committed but the conversation and draft were not saved.
    async with bot.services.database.session() as session:
        for key, state in states.items():
            await persistence_store.save_conversation(
                session, "log", key, state, bot.services.clock.now() + dt.timedelta(minutes=30)
            )
        await persistence_store.save_data(session, "user", TEACHER_ID, data[TEACHER_ID])
    restarted = await make_bot(today=TODAY)
    await restarted.process(update)  # the same update, if it is delivered again
    # The user, seeing no answer, presses "save" again: a new update, the same draft.
    again = await restarted.driver.press_data(TEACHER_ID, message_id, button, forge=True)
    assert "先前已經儲存過了" in again.text
    assert len(await activities(restarted)) == 1
    async with restarted.services.database.session() as session:
        assert await session.scalar(select(func.count()).select_from(ConversationState)) == 0
        row = await session.get(StoredData, ("user", TEACHER_ID))
        assert row is not None and "flow:log" not in row.data


async def test_members_cannot_log_and_strangers_are_told_to_register(bot: BotUnderTest):
    community = await seed_member(bot)
    bot.user(MEMBER_ID, "李老師")
    await bot.send(MEMBER_ID, f"/start join_{community['codes']['李小華']}")
    member = await bot.send(MEMBER_ID, "/log")
    assert "只有召集人可以記錄" in member.text
    bot.user(30003, "路人")
    stranger = await bot.send(30003, "/log")
    assert "/register" in stranger.text


async def seed_member(bot: BotUnderTest) -> dict[str, object]:
    async with bot.services.database.session() as session:
        community = await communities.convened_by(session, 111, TEACHER_ID)
        assert community is not None
        return {"codes": {m.name: m.invite_code for m in community.members}}


async def test_cancel_works_at_every_step_of_logging(bot: BotUnderTest):
    steps = [[], ["10/5"], ["10/5", "press:專業對話"], ["10/5", "press:專業對話", "主題"]]
    for actions in steps:
        await bot.send(TEACHER_ID, "/log")
        for action in actions:
            if action.startswith("press:"):
                await bot.press(TEACHER_ID, action.removeprefix("press:"))
            else:
                await bot.send(TEACHER_ID, action)
        reply = await bot.send(TEACHER_ID, "/cancel")
        assert "已取消" in reply.text
    await log_until_summary(bot)
    cancelled = await bot.press(TEACHER_ID, "取消")
    assert "已取消" in cancelled.text
    assert await activities(bot) == []


async def test_logging_speaks_english(make_bot: MakeBot):
    bot = await make_bot(today=TODAY)
    bot.user(TEACHER_ID, "Mary", language_code="en")
    await seed_community(bot)
    await bot.send(TEACHER_ID, "/log")
    reply = await bot.send(TEACHER_ID, "yesterday")
    assert "What kind of activity" in reply.text
    await bot.press(TEACHER_ID, "professional dialogue")
    await bot.send(TEACHER_ID, "Differentiation")
    await bot.press(TEACHER_ID, "Everyone")
    await bot.press(TEACHER_ID, "Done")
    await bot.send(TEACHER_ID, "90 min")
    await bot.send(TEACHER_ID, "2pm to 3:30pm")
    await bot.send(TEACHER_ID, "Room 201")
    await bot.send(TEACHER_ID, "We agreed to try group work")
    await bot.press(TEACHER_ID, "Skip")
    summary = await bot.press(TEACHER_ID, "Skip")
    assert "Start / end time: 14:00–15:30" in summary.text and "Place: Room 201" in summary.text
    assert "Minutes / reflection: We agreed to try group work" in summary.text
    assert "Wed 19 October 2022" in summary.text and "1 h 30 min" in summary.text
    saved = await bot.press(TEACHER_ID, "Save")
    assert "Logged" in saved.text


async def test_the_time_is_read_the_way_teachers_write_it_and_a_range_gives_the_duration(
    bot: BotUnderTest,
):
    await bot.send(TEACHER_ID, "/log")
    await bot.send(TEACHER_ID, "10/5")
    await bot.press(TEACHER_ID, "專業對話")
    await bot.send(TEACHER_ID, "閱讀理解")
    await bot.press(TEACHER_ID, "全部出席")
    await bot.press(TEACHER_ID, "完成")
    asked = await bot.press(TEACHER_ID, "略過")  # no duration typed
    assert "幾點開始" in asked.text
    nonsense = await bot.send(TEACHER_ID, "放學後")
    assert "看不懂這個時間" in nonsense.text and "幾點開始" in nonsense.text
    backwards = await bot.send(TEACHER_ID, "16:00-14:00")
    assert "結束時間要晚於開始時間" in backwards.text
    vague = await bot.send(TEACHER_ID, "2點")
    assert "上午還是下午" in vague.text
    place = await bot.send(TEACHER_ID, "１４：００～１６：００")
    assert "在哪裡舉行" in place.text
    for _ in range(3):  # place, reflection, notes
        await bot.press(TEACHER_ID, "略過")
    summary = await bot.press(TEACHER_ID, "略過")
    assert "開始／結束時間：14:00–16:00" in summary.text
    assert "時間長度：2 小時" in summary.text and "地點：（無）" in summary.text
    await bot.press(TEACHER_ID, "✏️ 起訖時刻")
    summary = await bot.send(TEACHER_ID, "下午3點")
    assert "開始／結束時間：15:00 開始" in summary.text and "時間長度：2 小時" in summary.text
    await bot.press(TEACHER_ID, "✏️ 地點")
    summary = await bot.send(TEACHER_ID, "圖書館")
    assert "地點：圖書館" in summary.text
    asked = await bot.press(TEACHER_ID, "✏️ 紀錄／省思")
    assert "會議紀錄或省思" in asked.text
    too_long = await bot.send(TEACHER_ID, "思" * 2001)
    assert "太長了（最多 2000 字）" in too_long.text
    summary = await bot.send(TEACHER_ID, "學生反應熱烈")
    assert "會議紀錄／省思：學生反應熱烈" in summary.text
    await bot.press(TEACHER_ID, "儲存")
    [activity] = await activities(bot)
    assert (activity.start_time, activity.end_time) == (dt.time(15, 0), None)
    assert activity.duration_minutes == 120 and activity.place == "圖書館"
    assert activity.reflection == "學生反應熱烈"
    # The saved activity shows its place and time wherever it is read.
    await bot.send(TEACHER_ID, "/mycommunity")
    await bot.press(TEACHER_ID, "活動紀錄")
    shown = await bot.press(TEACHER_ID, "閱讀理解")
    assert "地點：圖書館" in shown.text and "開始／結束時間：15:00 開始" in shown.text


async def test_text_is_kept_as_typed_in_the_record_sent_to_the_bureau(bot: BotUnderTest):
    await bot.send(TEACHER_ID, "/log")
    await bot.send(TEACHER_ID, "10/5")
    await bot.press(TEACHER_ID, "專業對話")
    await bot.send(TEACHER_ID, "閱讀策略（一）：預測，提問")
    await bot.press(TEACHER_ID, "全部出席")
    await bot.press(TEACHER_ID, "完成")
    await bot.send(TEACHER_ID, "９０分鐘")  # full-width digits are still read as a number
    for _ in range(3):  # time, place, reflection
        await bot.press(TEACHER_ID, "略過")
    await bot.send(TEACHER_ID, "第一段：分組\n\n\n\n第二段：  分享（ＡＢ組）  ")
    summary = await bot.press(TEACHER_ID, "略過")
    assert "主題：閱讀策略（一）：預測，提問" in summary.text
    await bot.press(TEACHER_ID, "儲存")
    [activity] = await activities(bot)
    assert activity.topic == "閱讀策略（一）：預測，提問" and activity.duration_minutes == 90
    assert activity.notes == "第一段：分組\n\n第二段： 分享（ＡＢ組）"
    await bot.send(TEACHER_ID, "/export")
    await bot.press(TEACHER_ID, "Word")
    [document] = [m.document for m in bot.standin.sent_messages(TEACHER_ID) if m.document]
    assert document is not None
    from docx import Document

    data = bot.standin.files[document["file_id"]].data
    record = Document(io.BytesIO(data))
    text = "\n".join(
        [p.text for p in record.paragraphs]
        + [c.text for t in record.tables for r in t.rows for c in r.cells]
    )
    assert "閱讀策略（一）：預測，提問" in text and "(一)" not in text


async def _log_until_duration(bot: BotUnderTest) -> None:
    await bot.send(TEACHER_ID, "/log")
    await bot.send(TEACHER_ID, "10/5")
    await bot.press(TEACHER_ID, "專業對話")
    await bot.send(TEACHER_ID, "共備")
    await bot.press(TEACHER_ID, "全部出席")
    await bot.press(TEACHER_ID, "完成")


async def test_a_duration_in_class_periods_counts_the_school_levels_period(bot: BotUnderTest):
    await _log_until_duration(bot)  # 正興國民小學: an elementary school, 40 minutes a period
    asked = await bot.send(TEACHER_ID, "兩節課")
    assert "幾點開始" in asked.text
    assert bot.application.user_data[TEACHER_ID]["flow:log"]["details"]["duration_minutes"] == 80


async def test_when_the_school_level_is_unknown_the_bot_asks_it(make_bot: MakeBot):
    bot = await make_bot(today=TODAY)
    bot.user(TEACHER_ID)
    services = bot.services
    async with services.database.session() as session:
        school = await communities.add_school(session, "高雄市星空實驗教育機構")
        await communities.register_community(
            session,
            services.program,
            TEACHER_ID,
            communities.CommunityDraft(
                "co_planning", school.id, school.name, "星空共備社群",
                tuple(MemberDraft(name, gifted) for name, gifted in MEMBERS),
            ),
        )  # fmt: skip
    await _log_until_duration(bot)
    asked = await bot.send(TEACHER_ID, "2節")
    assert "一節課多長要看學制" in asked.text
    assert ["國小（一節 40 分鐘）", "國中（一節 45 分鐘）", "高中（一節 50 分鐘）"] == labels(
        asked
    )[:3]
    typed = await bot.send(TEACHER_ID, "國中")
    assert "請按下方的按鈕" in typed.text
    chosen = await bot.press(TEACHER_ID, "國中（一節 45 分鐘）")
    assert "幾點開始" in chosen.text
    for _ in range(4):  # time, place, reflection, notes
        await bot.press(TEACHER_ID, "略過")
    summary = await bot.press(TEACHER_ID, "略過")
    assert "時間長度：1 小時 30 分鐘" in summary.text
    # Asked once: the same /log reads periods with that length from now on.
    await bot.press(TEACHER_ID, "✏️ 時間")
    summary = await bot.send(TEACHER_ID, "一節")
    assert "時間長度：45 分鐘" in summary.text


async def test_a_range_fills_the_duration_only_where_the_convener_typed_none(bot: BotUnderTest):
    await _log_until_duration(bot)
    await bot.send(TEACHER_ID, "90分鐘")
    await bot.send(TEACHER_ID, "14:00-16:00")  # the meeting had a break: 90 minutes stays
    for _ in range(3):  # place, reflection, notes
        await bot.press(TEACHER_ID, "略過")
    summary = await bot.press(TEACHER_ID, "略過")
    assert "時間長度：1 小時 30 分鐘" in summary.text and "14:00–16:00" in summary.text
    await bot.press(TEACHER_ID, "✏️ 時間")
    await bot.press(TEACHER_ID, "略過")
    await bot.press(TEACHER_ID, "✏️ 起訖時刻")
    summary = await bot.send(TEACHER_ID, "14:00-16:00")
    assert "時間長度：2 小時" in summary.text
    # A duration that came from the range follows a corrected range.
    await bot.press(TEACHER_ID, "✏️ 起訖時刻")
    summary = await bot.send(TEACHER_ID, "14:00-15:00")
    assert "時間長度：1 小時" in summary.text and "14:00–15:00" in summary.text


async def test_a_duration_that_disagrees_with_the_times_is_pointed_out_in_the_summary(
    bot: BotUnderTest,
):
    await _log_until_duration(bot)
    await bot.send(TEACHER_ID, "兩節課")  # 80 minutes at an elementary school
    reply = await bot.send(TEACHER_ID, "下午2點到3點")
    for _ in range(6):
        if "不一致" in reply.text or "略過" not in labels(reply):
            break
        reply = await bot.press(TEACHER_ID, "略過")
    assert "1 小時 20 分鐘" in reply.text and "14:00–15:00" in reply.text
    assert "時間長度與起訖時刻（共1 小時）不一致" in reply.text


async def test_a_showcase_logged_on_another_day_is_saved_but_the_summary_says_it_will_not_count(
    make_bot: MakeBot,
):
    bot = await make_bot(today=dt.date(2023, 7, 30))
    bot.user(TEACHER_ID)
    await seed_community(bot)
    summary = await log_until_summary(bot, day="112/7/28", kind="成果發表會")
    assert "不會計入成果發表會" in summary.text and "112年7月第1週" in summary.text
    await bot.press(TEACHER_ID, "取消")
    in_week = await log_until_summary(bot, day="112/7/5", kind="成果發表會")
    assert "不會計入" not in in_week.text


async def test_typed_skip_words_skip_a_detail_and_the_photos(bot: BotUnderTest):
    await _log_until_duration(bot)
    asked = await bot.send(TEACHER_ID, "略過")  # typed, as the 「略過」 button
    assert "幾點開始" in asked.text
    await bot.send(TEACHER_ID, "跳过")  # time, in Simplified Chinese
    await bot.send(TEACHER_ID, "本校會議室")
    await bot.send(TEACHER_ID, "skip")
    await bot.send(TEACHER_ID, "略過")  # notes
    summary = await bot.send(TEACHER_ID, "略過")  # no photos
    assert "時間長度：（無）" in summary.text and "開始／結束時間：（無）" in summary.text
    assert "地點：本校會議室" in summary.text and "備註：（無）" in summary.text


async def test_a_member_asking_to_apply_is_told_only_the_convener_can(bot: BotUnderTest):
    community = await seed_member(bot)
    bot.user(MEMBER_ID, "李老師")
    await bot.send(MEMBER_ID, f"/start join_{community['codes']['李小華']}")  # type: ignore[index]
    answer = await bot.send(MEMBER_ID, "/apply")
    assert "只有召集人（王大明）可以送出申請" in answer.text
    assert "/register" not in answer.text and answer.last.buttons == []
