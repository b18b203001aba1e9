"""「記錄活動」, 「進度」 and 「加入 <code>」 on LINE, on the same domain as /log, /progress and
Telegram's invite links."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest
from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, Configuration
from sqlalchemy import select
from support import make_settings

from bot import communities
from bot.clock import Clock
from bot.program import load_program
from bot.rules import MemberDraft
from bot.services import Services
from bot.standin.line import DeliveredMessage, LineStandin
from bot.standin.line_inprocess import use_standin
from db import identities, persistence_store
from db.engine import Database
from db.models import Activity, Member
from handlers.line.webhook import LineWebhook

TODAY = dt.date(2022, 11, 10)
MEMBERS = ("王老師", "林老師", "陳老師", "張老師")


@dataclass
class Bot:
    """A fresh bot process on the test database, and the LINE users talking to it."""

    standin: LineStandin
    make_webhook: Callable[[], LineWebhook]
    webhook: LineWebhook
    invites: dict[str, str] = field(default_factory=dict)

    async def send(self, user_id: str, event: dict) -> DeliveredMessage:
        body = self.standin.webhook_body(event)
        assert await self.webhook.call(body, self.standin.sign(body)) == (200, "")
        return self.standin.messages_to(user_id)[-1]

    def restart(self) -> None:
        self.webhook = self.make_webhook()

    @property
    def services(self) -> Services:
        return self.webhook.services


@dataclass
class Chat:
    bot: Bot
    user_id: str

    async def say(self, text: str) -> DeliveredMessage:
        return await self.bot.send(self.user_id, self.bot.standin.text_event(self.user_id, text))

    async def photo(self) -> DeliveredMessage:
        event = self.bot.standin.image_event(self.user_id, b"\xff\xd8photo")
        return await self.bot.send(self.user_id, event)

    def button(self, label_start: str, message: DeliveredMessage | None = None) -> str:
        message = message or self.bot.standin.messages_to(self.user_id)[-1]
        items = message.message["quickReply"]["items"]
        actions = [item["action"] for item in items]
        [data] = [a["data"] for a in actions if a["label"].startswith(label_start)]
        return data

    async def press(
        self, label_start: str, message: DeliveredMessage | None = None
    ) -> DeliveredMessage:
        return await self.postback(self.button(label_start, message))

    async def postback(self, data: str) -> DeliveredMessage:
        event = self.bot.standin.postback_event(self.user_id, data)
        return await self.bot.send(self.user_id, event)


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[Bot]:
    standin = LineStandin()
    settings = make_settings("http://127.0.0.1:9/bot", database_url)
    databases: list[Database] = []
    configuration = Configuration(host="https://line.invalid", access_token=standin.access_token)
    async with AsyncApiClient(configuration) as client:
        await use_standin(client, standin)
        api = AsyncMessagingApi(client)
        api.line_base_path = "https://line.invalid"

        def make_webhook() -> LineWebhook:
            databases.append(Database(database_url))
            services = Services(
                settings=settings,
                clock=Clock(settings.timezone, today=TODAY),
                database=databases[-1],
                program=load_program(settings.PROGRAM_FILE),
            )
            return LineWebhook(services, api, standin.channel_secret)

        try:
            yield Bot(standin, make_webhook, make_webhook())
        finally:
            for database in databases:
                await database.dispose()


@pytest.fixture
async def convener(bot: Bot) -> Chat:
    """王老師 on LINE, convener of a registered 共備 community of four."""
    chat = Chat(bot, bot.standin.add_user("王老師").user_id)
    await chat.say("你好")  # the account is added: the LINE user has a bot user id
    services = bot.services
    async with services.database.session() as session:
        user = await identities.user_for_line(session, chat.user_id, display_name="", language=None)
        draft = communities.CommunityDraft(
            type_key="co_planning",
            school_id=None,
            school_name="高雄市三民區正興國民小學",
            name="正興數學共備社群",
            members=tuple(
                MemberDraft(name, number == 0, None) for number, name in enumerate(MEMBERS)
            ),
        )
        community = await communities.register_community(session, services.program, user.id, draft)
        bot.invites = {m.name: m.invite_code for m in community.members if m.invite_code}
        await session.commit()
    return chat


async def _activities(bot: Bot) -> list[Activity]:
    async with bot.services.database.session() as session:
        return list(await session.scalars(select(Activity)))


async def _up_to_summary(chat: Chat) -> DeliveredMessage:
    intro = await chat.say("記錄活動")
    assert "記錄社群活動（正興數學共備社群）" in intro.text
    assert "活動是哪一天？" in intro.text
    assert "<b>" not in intro.text
    kinds = await chat.say("111/10/5")
    assert "這是哪一種活動？" in kinds.text
    await chat.press("專業對話")
    await chat.say("分數的教學")
    attendees = await chat.press("☐ 2. 林老師")
    assert "2. ☑ 林老師" in attendees.text
    assert chat.button("完成（1人）")
    await chat.press("☐ 1. 王老師")
    asked = await chat.press("完成（2人）")
    assert "活動進行多久？" in asked.text
    await chat.say("90分鐘")
    for _ in ("time", "place", "reflection", "notes"):
        await chat.press("略過")
    photos = await chat.photo()
    assert "已收到 1 張照片" in photos.text
    done = chat.button("完成")
    await chat.photo()
    return await chat.postback(done)  # the first photo's 「完成」 is still good


async def test_a_convener_logs_a_meeting_step_by_step_and_sees_the_progress(
    bot: Bot, convener: Chat
):
    summary = await _up_to_summary(convener)
    assert "請確認活動紀錄" in summary.text
    assert "日期：111年10月5日" in summary.text
    assert "主題：分數的教學" in summary.text
    assert "出席（2人）：王老師、林老師" in summary.text
    assert "時間長度：1 小時 30 分鐘" in summary.text
    assert "照片：2 張" in summary.text
    assert len(summary.quick_reply_labels) <= 13
    saved = await convener.press("✅ 儲存")
    assert "✅ 已記錄" in saved.text
    assert "專業對話" in saved.text and "1/" in saved.text  # the checklist counts it
    assert bot.standin.rejected == []
    [activity] = await _activities(bot)
    assert activity.topic == "分數的教學"
    assert activity.duration_minutes == 90
    assert len(activity.attendee_member_ids) == 2
    assert [p.startswith("line:") for p in activity.photo_file_ids] == [True, True]
    async with bot.services.database.session() as session:
        kept = await communities.kept_photos(session, activity.photo_file_ids)
    # Kept for the exported record: LINE deletes a message's content after a while.
    assert list(kept.values()) == [b"\xff\xd8photo", b"\xff\xd8photo"]
    progress = await convener.say("進度")
    assert "正興數學共備社群（共備精進學習社群）" in progress.text
    assert "申請狀態" in progress.text
    assert "/log" not in progress.text


async def test_attendees_can_be_typed_as_numbers_and_a_field_edited_from_the_summary(
    bot: Bot, convener: Chat
):
    await convener.say("記錄活動")
    await convener.say("111/10/5")
    await convener.press("專業對話")
    await convener.say("分數")
    wrong = await convener.say("1 9")
    assert "請輸入成員的號碼（1 到 4）" in wrong.text
    await convener.say("1、3、4")
    for _ in range(5):
        await convener.press("略過")
    summary = await convener.press("略過")  # no photos
    assert "出席（3人）：王老師、陳老師、張老師" in summary.text
    await convener.press("✏️ 主題")
    summary = await convener.say("小數的教學")
    assert "主題：小數的教學" in summary.text
    await convener.press("✅ 儲存")
    [activity] = await _activities(bot)
    assert activity.topic == "小數的教學"


async def test_cancel_saves_nothing_and_old_buttons_only_ask_again(bot: Bot, convener: Chat):
    intro = await convener.say("記錄活動")
    kinds = await convener.say("111/10/5")
    await convener.press("專業對話", kinds)
    again = await convener.press("公開授課", kinds)  # an older message's button
    assert "活動主題是什麼？" in again.text
    cancelled = await convener.say("取消")
    assert "已取消記錄活動" in cancelled.text
    gone = await convener.press("✖ 取消", intro)
    assert "要記錄新的活動請輸入「記錄活動」" in gone.text
    assert await _activities(bot) == []


async def test_a_replayed_save_saves_the_meeting_once(bot: Bot, convener: Chat):
    await _up_to_summary(convener)
    save = convener.button("✅ 儲存")
    async with bot.services.database.session() as session:
        user = await identities.user_for_line(
            session, convener.user_id, display_name="", language=None
        )
        stored = await persistence_store.load_one(session, "line", user.id)
    await convener.postback(save)
    replayed = await convener.postback(save)  # LINE redelivers the postback
    assert "沒有再儲存一次" in replayed.text
    # The bot stopped after saving but before dropping the draft: the same save again.
    async with bot.services.database.session() as session:
        await persistence_store.save_data(session, "line", user.id, stored)
        await session.commit()
    bot.restart()
    again = await convener.postback(save)
    assert "先前已經儲存過了，沒有重複記錄" in again.text
    assert len(await _activities(bot)) == 1


async def test_a_draft_survives_a_restart_and_a_question_midway_leaves_it_waiting(
    bot: Bot, convener: Chat
):
    await convener.say("記錄活動")
    await convener.say("111/10/5")
    await convener.press("專業對話")
    assert "請選擇主題" in (await convener.say("常見問題")).text
    bot.restart()
    resumed = await convener.say("記錄活動")
    assert resumed.text.startswith("接續您上次進行到的步驟")
    assert "活動主題是什麼？" in resumed.text
    assert "哪些成員出席？" in (await convener.say("分數")).text


async def test_a_member_joins_on_line_with_the_invite_code_and_sees_the_progress(
    bot: Bot, convener: Chat
):
    member = Chat(bot, bot.standin.add_user("林老師").user_id)
    before = await member.say("進度")
    assert "您還不在任何社群中" in before.text
    unknown = await member.say("加入 Zz9Zz9Zz9Zz9")
    assert "邀請碼無效" in unknown.text
    joined = await member.say(f"加入 {bot.invites['林老師']}")
    assert "已以「林老師」的身分加入社群「正興數學共備社群」" in joined.text
    progress = await member.say("進度")
    assert "正興數學共備社群（共備精進學習社群）" in progress.text
    assert "⬜" in progress.text  # the checklist
    only = await member.say("記錄活動")
    assert "只有召集人可以記錄社群活動" in only.text
    other = Chat(bot, bot.standin.add_user("路人").user_id)
    taken = await other.say(f"/start join_{bot.invites['林老師']}")
    assert "已經有人使用了" in taken.text
    again = await member.say(f"join join_{bot.invites['林老師']}")
    assert "您已經是社群「正興數學共備社群」的成員「林老師」了" in again.text


async def test_a_question_that_starts_with_join_is_still_a_question(bot: Bot):
    teacher = Chat(bot, bot.standin.add_user("林老師").user_id)
    answer = await teacher.say("加入社群要什麼條件")
    assert "邀請碼" not in answer.text


async def test_a_photo_outside_the_log_says_where_photos_go(bot: Bot):
    teacher = Chat(bot, bot.standin.add_user("林老師").user_id)
    assert "請輸入「記錄活動」" in (await teacher.photo()).text


async def test_my_community_lists_members_invites_and_activities(bot: Bot, convener: Chat):
    await _up_to_summary(convener)
    await convener.press("✅ 儲存")
    page = await convener.say("我的社群")
    assert "正興數學共備社群" in page.text and "高雄市三民區正興國民小學" in page.text
    assert "⏳ 尚未加入" in page.text
    assert f"加入 {bot.invites['林老師']}" in page.text
    assert "活動紀錄（共 1 次）" in page.text and "分數的教學" in page.text
    assert "<b>" not in page.text
    member = Chat(bot, bot.standin.add_user("林老師").user_id)
    await member.say(f"加入 {bot.invites['林老師']}")
    seen = await member.say("/mycommunity")  # Telegram's command names work on LINE too
    assert "正興數學共備社群" in seen.text and "修改請洽召集人" in seen.text
    assert "加入 " not in seen.text  # members see no invites


async def test_privacy_reminders_and_language_on_line(bot: Bot, convener: Chat):
    notice = await convener.say("隱私")
    assert "LINE 帳號識別碼" in notice.text and "「刪除我的資料」" in notice.text
    reminders = await convener.say("提醒")
    assert "您的提醒" in reminders.text
    switched = await convener.press("🔔 申請截止")
    assert "已關閉「申請截止」提醒" in switched.text
    assert "🔕 申請截止：已關閉" in switched.quick_reply_labels
    await convener.say("語言")
    english = await convener.press("English")
    assert "English" in english.text
    assert "Your personal data" in (await convener.say("privacy")).text


async def test_deleting_my_data_on_line_asks_first_and_only_the_latest_button_counts(
    bot: Bot, convener: Chat
):
    teacher = Chat(bot, bot.standin.add_user("林老師").user_id)
    await teacher.say(f"加入 {bot.invites['林老師']}")
    first = await teacher.say("刪除我的資料")
    assert "確定要刪除您的個人資料嗎？" in first.text
    second = await teacher.say("刪除我的資料")
    stale = await teacher.press("確定刪除", first)
    assert "已經過期，沒有刪除任何資料" in stale.text
    kept = await teacher.press("取消", second)
    assert "沒有刪除任何資料" in kept.text
    third = await teacher.say("刪除我的資料")
    done = await teacher.press("確定刪除", third)
    assert "已刪除您的個人資料" in done.text
    async with bot.services.database.session() as session:
        names = list(await session.scalars(select(Member.name)))
    assert "林老師" not in names and "—" in names
    replayed = await teacher.press("確定刪除", third)
    assert "已經過期" in replayed.text
    assert "您還不在任何社群中" in (await teacher.say("進度")).text


async def test_a_convener_changes_then_deletes_a_saved_meeting_from_my_community(
    bot: Bot, convener: Chat
):
    await _up_to_summary(convener)
    await convener.press("✅ 儲存")
    page = await convener.say("我的社群")
    opened = await convener.press("✏️ 111/10/05", page)
    assert "修改活動紀錄" in opened.text and len(opened.quick_reply_labels) <= 13
    await convener.press("✏️ 主題")  # 修改主題
    summary = await convener.say("分數的除法")
    assert "主題：分數的除法" in summary.text
    saved = await convener.press("✅ 儲存修改")
    assert "已儲存修改" in saved.text
    [activity] = await _activities(bot)
    assert activity.topic == "分數的除法" and activity.duration_minutes == 90
    again = await convener.press("✏️ 111/10/05", await convener.say("我的社群"))
    asked = await convener.press("🗑 刪除", again)
    assert "確定要刪除這筆活動紀錄嗎" in asked.text
    deleted = await convener.press("確定刪除", asked)
    assert "已刪除" in deleted.text and "分數的除法" in deleted.text
    assert await _activities(bot) == []
    stale = await convener.press("✏️ 111/10/05", page)  # a button of the old page
    assert "找不到這筆活動紀錄" in stale.text


async def test_a_half_logged_meeting_is_not_dropped_for_an_edit(bot: Bot, convener: Chat):
    await _up_to_summary(convener)
    await convener.press("✅ 儲存")
    page = await convener.say("我的社群")
    await convener.say("記錄活動")
    await convener.say("111年10月12日")
    opened = await convener.press("✏️ 111/10/05", page)
    assert "還沒完成的活動紀錄" in opened.text and "這是哪一種活動？" in opened.text


async def test_a_convener_submits_the_application_on_line(
    bot: Bot, convener: Chat, monkeypatch: pytest.MonkeyPatch
):
    late = await convener.say("送出申請")
    assert "截止" in late.text and late.quick_reply_labels == []  # 111年11月10日 is too late
    monkeypatch.setitem(globals(), "TODAY", dt.date(2022, 9, 15))
    bot.restart()
    page = await convener.say("送出申請")
    assert "確認送出申請嗎？" in page.text and "<b>" not in page.text
    later = await convener.press("先不要送出", page)
    assert "申請尚未送出" in later.text
    forged = await convener.postback("ap:999999")
    assert "只有社群的召集人可以送出申請" in forged.text
    submitted = await convener.press("送出申請", page)
    assert "已送出「正興數學共備社群」的申請" in submitted.text and "一式兩份" in submitted.text
    again = await convener.say("送出申請")
    assert again.quick_reply_labels == []
    assert "送審日期" in again.text


async def test_a_convener_replaces_a_member_and_renews_an_invite_on_line(
    bot: Bot, convener: Chat
):
    old_code = bot.invites["陳老師"]
    page = await convener.say("我的社群")
    listing = await convener.press("👥 修改成員", page)
    assert "要修改哪一位成員？" in listing.text
    await convener.press("3. 陳老師", listing)
    await convener.press("換人或修改資料")
    gifted = await convener.say("黃老師")
    assert "黃老師是資優班教師嗎？" in gifted.text
    await convener.press("不是")
    saved = await convener.press("略過")
    assert "已更新成員「黃老師」" in saved.text and "加入 " in saved.text
    lost = Chat(bot, bot.standin.add_user("陳老師").user_id)
    assert "邀請碼無效" in (await lost.say(f"加入 {old_code}")).text  # the old invite is gone
    await convener.press("4. 張老師", saved)
    renewed = await convener.press("重發邀請碼")
    assert "已為張老師產生新的邀請碼" in renewed.text
    stale = await convener.press("3. 陳老師", listing)  # an older message's button
    assert "要修改哪一位成員？" in stale.text
    closed = await convener.say("取消")
    assert "成員沒有再修改" in closed.text
    member = Chat(bot, bot.standin.add_user("林老師").user_id)
    await member.say(f"加入 {bot.invites['林老師']}")
    assert "👥 修改成員" not in (await member.say("我的社群")).quick_reply_labels
    assert "只有召集人可以修改成員" in (await member.postback("mb:open")).text


async def test_typed_skip_words_skip_a_detail_and_the_photos(bot: Bot, convener: Chat):
    await convener.say("記錄活動")
    await convener.say("111/10/5")
    await convener.press("專業對話")
    await convener.say("分數")
    await convener.say("1、2")
    await convener.say("略過")  # duration
    await convener.say("跳过")  # time, in Simplified Chinese
    await convener.say("本校會議室")
    await convener.say("SKIP")
    await convener.say("略過")  # notes
    summary = await convener.say("略過")  # no photos
    assert "請確認活動紀錄" in summary.text
    assert "地點：本校會議室" in summary.text
    assert "略過" not in summary.text.replace("（可略過）", "")
    await convener.press("✅ 儲存")
    [activity] = await _activities(bot)
    assert activity.place == "本校會議室"
    assert activity.duration_minutes is None and activity.notes is None


async def test_a_member_asking_to_apply_is_told_only_the_convener_can(bot: Bot, convener: Chat):
    member = Chat(bot, bot.standin.add_user("林老師").user_id)
    await member.say(f"加入 {bot.invites['林老師']}")
    answer = await member.say("送出申請")
    assert "只有召集人（王老師）可以送出申請" in answer.text
    assert "正興數學共備社群" in answer.text
    assert "/register" not in answer.text and "/apply" not in answer.text
    assert answer.quick_reply_labels == []
    stranger = Chat(bot, bot.standin.add_user("路人").user_id)
    none = await stranger.say("送出申請")
    assert "「登錄社群」" in none.text and "/register" not in none.text


async def test_a_date_typed_instead_of_confirming_a_future_one_is_the_new_date(convener: Chat):
    await convener.say("記錄活動")
    future = await convener.say("11/20")  # not yet: the bot asks to confirm
    assert "還沒到" in future.text
    corrected = await convener.say("11/8")
    assert "哪一種活動" in corrected.text
