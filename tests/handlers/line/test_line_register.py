"""「登錄社群」 on LINE: a convener registers through quick replies, on the same domain."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, Configuration
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from support import make_settings

from bot.clock import Clock
from bot.program import load_program
from bot.services import Services
from bot.standin.line import DeliveredMessage, LineStandin
from bot.standin.line_inprocess import use_standin
from db import identities, line_events
from db.engine import Database
from db.models import Community
from handlers.line.webhook import LineWebhook

TAIPEI = ZoneInfo("Asia/Taipei")


@dataclass
class Chat:
    """One LINE user talking to a fresh bot process on the test database."""

    standin: LineStandin
    user_id: str
    make_webhook: Callable[[], LineWebhook]
    webhook: LineWebhook

    async def say(self, text: str) -> DeliveredMessage:
        return await self._send(self.standin.text_event(self.user_id, text))

    async def press(
        self, label_start: str, message: DeliveredMessage | None = None
    ) -> DeliveredMessage:
        message = message or self.standin.messages_to(self.user_id)[-1]
        items = message.message["quickReply"]["items"]
        [action] = [i["action"] for i in items if i["action"]["label"].startswith(label_start)]
        return await self._send(self.standin.postback_event(self.user_id, action["data"]))

    async def _send(self, event: dict) -> DeliveredMessage:
        body = self.standin.webhook_body(event)
        assert await self.webhook.call(body, self.standin.sign(body)) == (200, "")
        return self.standin.messages_to(self.user_id)[-1]

    def restart(self) -> None:
        self.webhook = self.make_webhook()


@pytest.fixture
async def chat(database_url: str) -> AsyncIterator[Chat]:
    standin = LineStandin()
    teacher = standin.add_user("王老師")
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
                clock=Clock(settings.timezone, today=dt.date(2022, 9, 10)),
                database=databases[-1],
                program=load_program(settings.PROGRAM_FILE),
            )
            return LineWebhook(services, api, standin.channel_secret)

        try:
            yield Chat(standin, teacher.user_id, make_webhook, make_webhook())
        finally:
            for database in databases:
                await database.dispose()


async def _up_to_members(chat: Chat) -> DeliveredMessage:
    types = await chat.say("登錄社群")
    assert "請選擇社群類型" in types.text
    assert "<b>" not in types.text  # Telegram's HTML does not reach LINE
    await chat.press("共備精進學習社群")
    schools = await chat.say("正興")
    assert "1. 高雄市三民區正興國民小學" in schools.text
    await chat.press("1. 高雄市三民區正興國民小學")
    await chat.say("正興<數學>共備社群")
    return await chat.say("王老師")


async def _add_member(chat: Chat, name: str, gifted: bool, subject: str | None) -> DeliveredMessage:
    await chat.say(name)
    await chat.press("是" if gifted else "不是")
    return await chat.say(subject) if subject else await chat.press("略過")


async def test_a_convener_registers_a_community_on_line_with_quick_replies(chat: Chat):
    asked = await _up_to_members(chat)
    assert "王老師是資優班教師嗎？" in asked.text
    await chat.press("是")
    added = await chat.say("數學")
    assert "已加入：王老師（召集人、資優班教師、數學）" in added.text
    await _add_member(chat, "林老師", False, None)
    await _add_member(chat, "陳老師", False, "自然")
    summary = await _add_member(chat, "張老師", True, None)
    assert "名稱：正興<數學>共備社群" in summary.text
    assert "成員（4/4）" in summary.text
    saved = await chat.press("✅ 確認登錄")
    assert "✅ 已登錄社群「正興<數學>共備社群」" in saved.text
    assert saved.text.count("/start join_") == 3  # the members' invites, for Telegram
    assert saved.text.count("在 LINE 上傳「加入 ") == 3  # and for LINE
    assert "111年9月21日" in saved.text
    assert chat.standin.rejected == []
    async with chat.webhook.services.database.session() as session:
        community = (
            await session.scalars(select(Community).options(selectinload(Community.members)))
        ).one()
        convener = await identities.user_for_line(
            session, chat.user_id, display_name="", language=None
        )
    assert community.convener_user_id == convener.id < 0
    assert [m.name for m in community.members] == ["王老師", "林老師", "陳老師", "張老師"]
    again = await chat.say("登錄社群")
    assert "已登錄社群「正興<數學>共備社群」" in again.text


async def test_the_summary_says_what_breaks_the_rules_and_offers_no_confirm(chat: Chat):
    await _up_to_members(chat)
    await chat.press("不是")
    await chat.press("略過")
    for name in ("林老師", "陳老師", "張老師"):
        summary = await _add_member(chat, name, False, None)
    assert "尚未符合規定" in summary.text
    assert not any(label.startswith("✅") for label in summary.quick_reply_labels)
    menu = await chat.press("✏️ 4. 張老師")
    assert "成員：張老師" in menu.text
    await chat.press("重新輸入")
    summary = await _add_member(chat, "張老師", True, None)
    assert "符合規定" in summary.text
    assert summary.quick_reply_labels[0] == "✅ 確認登錄"


async def test_an_older_button_only_asks_the_current_question_again(chat: Chat):
    types = await chat.say("登錄社群")
    await chat.press("共備精進學習社群", types)
    again = await chat.press("課程研創學習社群", types)
    assert "請輸入學校名稱的一部分" in again.text
    await chat.say("正興")
    await chat.press("1. ")
    await chat.say("社群")
    await chat.say("王老師")
    await chat.press("是")
    await chat.press("略過")
    asked = await chat.say("林老師")
    assert "林老師是資優班教師嗎？" in asked.text


async def test_cancel_drops_the_draft_and_its_buttons(chat: Chat):
    types = await chat.say("登錄社群")
    cancelled = await chat.say("取消")
    assert "已取消登錄社群" in cancelled.text
    gone = await chat.press("共備精進學習社群", types)
    assert "要重新開始請輸入「登錄社群」" in gone.text
    assert "請選擇社群類型" in (await chat.say("登錄社群")).text


async def test_a_draft_survives_a_restart_and_other_keywords_leave_it_waiting(chat: Chat):
    await chat.say("登錄社群")
    await chat.press("共備精進學習社群")
    topics = await chat.say("常見問題")
    assert "請選擇主題" in topics.text
    chat.restart()
    resumed = await chat.say("登錄社群")
    assert resumed.text.startswith("接續您上次進行到的步驟")
    assert "請輸入學校名稱的一部分" in resumed.text
    assert "符合「正興」的學校" in (await chat.say("正興")).text


async def test_a_draft_left_for_half_an_hour_is_gone(chat: Chat):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=TAIPEI), tick=False) as clock:
        chat.restart()
        types = await chat.say("登錄社群")
        clock.shift(dt.timedelta(minutes=31))
        gone = await chat.press("共備精進學習社群", types)
        assert "逾時" in gone.text
        fresh = await chat.say("登錄社群")
        assert not fresh.text.startswith("接續")


async def _redeliver(chat: Chat, event: dict) -> None:
    again = {**event, "deliveryContext": {"isRedelivery": True}}
    body = chat.standin.webhook_body(again)
    assert await chat.webhook.call(body, chat.standin.sign(body)) == (200, "")


async def test_an_event_delivered_again_is_not_handled_again(chat: Chat):
    await _up_to_members(chat)
    await chat.press("是")
    subject = chat.standin.text_event(chat.user_id, "數學")
    added = await chat._send(subject)
    assert "已加入：王老師（召集人、資優班教師、數學）" in added.text
    sent = len(chat.standin.messages_to(chat.user_id))
    await _redeliver(chat, subject)
    chat.restart()  # as after a kill -9: LINE redelivers to a fresh process
    await _redeliver(chat, subject)
    assert len(chat.standin.messages_to(chat.user_id)) == sent
    asked = await chat.say("林老師")
    assert "林老師是資優班教師嗎？" in asked.text
    assert "數學是資優班教師嗎" not in asked.text


async def test_typing_the_number_of_a_listed_school_picks_it(chat: Chat):
    await chat.say("登錄社群")
    await chat.press("共備精進學習社群")
    schools = await chat.say("正興")
    assert "1. 高雄市三民區正興國民小學" in schools.text
    asked = await chat.say("１")  # the quick replies are gone; the list is still in the text
    assert "請輸入社群名稱" in asked.text
    await chat.say("正興共備社群")
    await chat.say("王老師")
    await chat.press("是")
    skipped = await chat.say("略過")  # typed, as the 「略過」 button
    assert "已加入：王老師（召集人、資優班教師）" in skipped.text
    await chat.say("林老師")
    await chat.press("不是")
    assert "已加入：林老師" in (await chat.say("skip")).text
    await chat.say("陳老師")
    await chat.press("不是")
    await chat.say("跳过")
    await chat.say("張老師")
    await chat.press("不是")
    summary = await chat.say("自然")
    assert "學校：高雄市三民區正興國民小學" in summary.text
    assert "略過" not in summary.text and "跳" not in summary.text
    assert "自然" in summary.text


async def test_keywords_typed_in_simplified_chinese_are_understood(chat: Chat):
    types = await chat.say("登录社群")
    assert "請選擇社群類型" in types.text
    await chat.say("取消")
    progress = await chat.say("进度")
    assert "登錄社群" in progress.text and "加入" in progress.text  # not a Q&A answer
    log = await chat.say("记录活动")
    assert "登錄社群" in log.text


async def test_a_large_batch_is_acknowledged_once_stored_and_handled_after(chat: Chat):
    webhook = LineWebhook(
        chat.webhook.services, chat.webhook.api, chat.standin.channel_secret, answer_within=0.0
    )
    events = [chat.standin.text_event(chat.user_id, "常見問題") for _ in range(3)]
    body = chat.standin.webhook_body(*events)
    assert await webhook.call(body, chat.standin.sign(body)) == (200, "")
    assert len(chat.standin.messages_to(chat.user_id)) < 3  # answered before all were handled
    await webhook.drain(30.0)
    assert len(chat.standin.messages_to(chat.user_id)) == 3


async def test_events_stored_but_not_handled_before_a_stop_are_handled_at_the_next_start(
    chat: Chat,
):
    asked = chat.standin.text_event(chat.user_id, "登錄社群")
    async with chat.webhook.services.database.session() as session:
        # As if the process stopped right after LINE got its 200.
        await line_events.store(
            session, [(asked["webhookEventId"], asked)], dt.datetime.now(dt.UTC)
        )
    chat.restart()
    assert await chat.webhook.resume() == 1
    assert "請選擇社群類型" in chat.standin.messages_to(chat.user_id)[-1].text
    assert await chat.webhook.resume() == 0
    await _redeliver(chat, asked)
    assert len(chat.standin.messages_to(chat.user_id)) == 1
