"""The assistant on LINE, driven through the real webhook app against the LINE stand-in."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web
from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, Configuration
from sqlalchemy import select
from support import make_settings

from bot.clock import Clock
from bot.program import load_program
from bot.services import Services
from bot.standin.line import LineStandin, LineStandinServer
from db.engine import Database
from db.models import QuestionAsked, User
from handlers.line.webhook import WEBHOOK_PATH, build_line_webhook


@dataclass
class LineBot:
    standin: LineStandin
    url: str
    database: Database


@pytest.fixture
async def line_bot(database_url: str) -> AsyncIterator[LineBot]:
    standin = LineStandin()
    settings = make_settings("http://127.0.0.1:9/bot", database_url)
    database = Database(settings.database_url)
    services = Services(
        settings=settings,
        clock=Clock(settings.timezone, today=dt.date(2022, 9, 5)),
        database=database,
        program=load_program(settings.PROGRAM_FILE),
    )
    await services.load_knowledge()
    async with LineStandinServer(standin) as server:
        configuration = Configuration(host=server.base_url, access_token=standin.access_token)
        async with AsyncApiClient(configuration) as client:
            api = AsyncMessagingApi(client)
            api.line_base_path = server.base_url
            runner = web.AppRunner(build_line_webhook(services, api, standin.channel_secret))
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            url = f"http://127.0.0.1:{runner.addresses[0][1]}{WEBHOOK_PATH}"
            try:
                yield LineBot(standin, url, database)
            finally:
                await runner.cleanup()
                await database.dispose()


async def test_a_teacher_asks_on_line_and_gets_the_answer_on_the_reply_token(
    line_bot: LineBot,
) -> None:
    standin = line_bot.standin
    teacher = standin.add_user("林老師")
    status = await standin.deliver(
        line_bot.url, standin.text_event(teacher.user_id, "申請截止日是什麼時候？")
    )
    assert status == 200
    [answer] = standin.messages_to(teacher.user_id)
    assert answer.via == "reply"
    assert "9月21日" in answer.text
    assert standin.pushes_this_month == 0
    async with line_bot.database.session() as session:
        user = (await session.scalars(select(User))).one()
        asked = (await session.scalars(select(QuestionAsked))).one()
    assert user.display_name == "林老師"
    assert user.id < 0
    assert asked.user_id == user.id


async def test_faq_keyword_browses_topics_with_quick_replies_within_lines_limits(
    line_bot: LineBot,
) -> None:
    standin = line_bot.standin
    teacher = standin.add_user("林老師")
    await standin.deliver(line_bot.url, standin.text_event(teacher.user_id, "常見問題"))
    [topics] = standin.messages_to(teacher.user_id)
    assert "請選擇主題" in topics.text
    assert 1 <= len(topics.quick_reply_labels) <= 13
    first_topic = topics.message["quickReply"]["items"][0]["action"]["data"]
    await standin.deliver(line_bot.url, standin.postback_event(teacher.user_id, first_topic))
    questions = standin.messages_to(teacher.user_id)[-1]
    assert "1. " in questions.text
    entry = questions.message["quickReply"]["items"][0]["action"]["data"]
    await standin.deliver(line_bot.url, standin.postback_event(teacher.user_id, entry))
    answer = standin.messages_to(teacher.user_id)[-1]
    assert "來源" in answer.text
    assert standin.rejected == []


async def test_a_forged_or_unsigned_call_is_refused_and_nothing_is_handled(
    line_bot: LineBot,
) -> None:
    standin = line_bot.standin
    teacher = standin.add_user("林老師")
    event = standin.text_event(teacher.user_id, "申請截止日？")
    assert await standin.deliver(line_bot.url, event, signature="Zm9yZ2Vk") == 401
    assert await standin.deliver(line_bot.url, event, signature="") == 400
    assert standin.messages_to(teacher.user_id) == []
    async with line_bot.database.session() as session:
        assert (await session.scalars(select(User))).all() == []


async def test_junk_bodies_with_a_valid_signature_get_400(line_bot: LineBot) -> None:
    import aiohttp

    standin = line_bot.standin
    async with aiohttp.ClientSession() as session:
        for body in (b"[]", b"null", b'{"events": 3}', b"\xff\xfe", b"{"):
            headers = {"X-Line-Signature": standin.sign(body)}
            async with session.post(line_bot.url, data=body, headers=headers) as response:
                assert response.status == 400, body


async def test_follow_welcomes_unfollow_marks_blocked_and_a_group_gets_a_polite_note(
    line_bot: LineBot,
) -> None:
    standin = line_bot.standin
    teacher = standin.add_user("林老師")
    await standin.deliver(line_bot.url, standin.follow_event(teacher.user_id))
    assert "小幫手" in standin.messages_to(teacher.user_id)[0].text
    await standin.deliver(line_bot.url, standin.unfollow_event(teacher.user_id))
    async with line_bot.database.session() as session:
        user = (await session.scalars(select(User))).one()
    assert user.active is False
    await standin.deliver(line_bot.url, standin.join_event("C" + "1" * 32))
    assert "一對一" in standin.messages_to("C" + "1" * 32)[0].text


async def test_an_expired_reply_token_still_gets_the_answer_through_as_a_push(
    line_bot: LineBot,
) -> None:
    standin = line_bot.standin
    now = [0.0]
    standin.clock = lambda: now[0]
    teacher = standin.add_user("林老師")
    event = standin.text_event(teacher.user_id, "共備社群要幾個人？")
    now[0] = 120.0  # the bot got to it after the token expired
    await standin.deliver(line_bot.url, event)
    [answer] = standin.messages_to(teacher.user_id)
    assert answer.via == "push"
    assert standin.pushes_this_month == 1


async def test_flow_keywords_without_a_community_say_how_to_get_one_instead_of_answering(
    line_bot: LineBot,
) -> None:
    standin = line_bot.standin
    teacher = standin.add_user("林老師")
    for keyword in ("記錄活動", "進度"):
        await standin.deliver(line_bot.url, standin.text_event(teacher.user_id, keyword))
        answer = standin.messages_to(teacher.user_id)[-1].text
        assert "登錄社群" in answer and "加入" in answer


async def test_a_question_delivered_again_is_answered_once(line_bot: LineBot) -> None:
    standin = line_bot.standin
    teacher = standin.add_user("林老師")
    question = standin.text_event(teacher.user_id, "申請截止日是什麼時候？")
    assert await standin.deliver(line_bot.url, question) == 200
    redelivered = {**question, "deliveryContext": {"isRedelivery": True}}
    assert await standin.deliver(line_bot.url, redelivered) == 200
    assert await standin.deliver(line_bot.url, question, question) == 200
    [answer] = standin.messages_to(teacher.user_id)
    assert "9月21日" in answer.text
    async with line_bot.database.session() as session:
        assert len((await session.scalars(select(QuestionAsked))).all()) == 1
