"""Webhook mode: only Telegram (with the secret token) gets in; /health tells the truth."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from support import TEACHER_ID, BotUnderTest, MakeBot
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

from bot.standin.core import BotApiStandin
from bot.webhook import SECRET_HEADER, web_application

SECRET = "s3cret-token_for-tests"


@pytest.fixture
async def webhook(bot: BotUnderTest) -> AsyncIterator[str]:
    sock, port = bind_unused_port()
    server = HTTPServer(web_application(bot.application, "/telegram/hook", SECRET))
    server.add_sockets([sock])
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


async def test_an_update_with_the_secret_token_is_handled(bot: BotUnderTest, webhook: str):
    bot.user(TEACHER_ID)
    update = bot.standin.user_sends_text(TEACHER_ID, "/help")
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{webhook}/telegram/hook", content=json.dumps(update), headers={SECRET_HEADER: SECRET}
        )
    assert response.status_code == 200
    reply = await bot.standin.wait_for_message(TEACHER_ID)
    assert "使用說明" in (reply.text or "")


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong"}])
async def test_a_request_without_the_secret_token_is_refused(
    bot: BotUnderTest, webhook: str, headers: dict[str, str]
):
    bot.user(TEACHER_ID)
    update = bot.standin.user_sends_text(TEACHER_ID, "/help")
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{webhook}/telegram/hook", content=json.dumps(update), headers=headers
        )
    assert response.status_code == 403
    assert bot.standin.sent_messages(TEACHER_ID) == []


async def test_a_malformed_body_is_refused(webhook: str):
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{webhook}/telegram/hook", content=b"{not json", headers={SECRET_HEADER: SECRET}
        )
    assert response.status_code == 400


async def test_health_reports_a_running_bot_with_its_database(webhook: str):
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{webhook}/health")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "running": True, "database": True}


async def _stored_anything(bot: BotUnderTest) -> bool:
    from sqlalchemy import func, select

    from db.models import DeadLetter, InboxUpdate, ProcessedUpdate

    async with bot.services.database.session() as session:
        counts = [
            await session.scalar(select(func.count()).select_from(model))
            for model in (InboxUpdate, DeadLetter, ProcessedUpdate)
        ]
    return any(counts)


@pytest.mark.parametrize(
    "body",
    [
        b'{"update_id": "abc"}',
        b'{"update_id": "abc", "message": {}}',
        b"[1, 2, 3]",
        b"42",
        b"null",
        b'"text"',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"update_id": true, "message": {}}',
        b'{"update_id": 5}',
        b'{"update_id": 5, "message": 3}',
        b'{"update_id": 5, "message": {"message_id": 1, "date": 0, "text": "hi"}}',
        b'{"update_id": 5, "message": {"message_id": 1, "date": 0, "chat": {"id": "x"}}}',
        b'{"update_id": 5, "callback_query": {"id": 1, "from": {"id": 3}}}',
        b"\xff\xfe",
    ],
)
async def test_a_body_that_is_not_an_update_gets_400_and_reaches_no_table(
    bot: BotUnderTest, webhook: str, body: bytes
):
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{webhook}/telegram/hook", content=body, headers={SECRET_HEADER: SECRET}
        )
    assert response.status_code == 400
    assert b"Traceback" not in response.content
    assert not await _stored_anything(bot)


async def test_a_string_update_id_is_refused_and_the_next_start_works(
    make_bot: MakeBot, standin: BotApiStandin
):
    first = await make_bot()
    sock, port = bind_unused_port()
    server = HTTPServer(web_application(first.application, "/telegram/hook", SECRET))
    server.add_sockets([sock])
    try:
        async with httpx.AsyncClient() as client:
            response = await client.post(
                f"http://127.0.0.1:{port}/telegram/hook",
                content=b'{"update_id": "abc"}',
                headers={SECRET_HEADER: SECRET},
            )
    finally:
        server.stop()
    assert response.status_code == 400
    second = await make_bot()
    second.user(TEACHER_ID)
    reply = await second.send(TEACHER_ID, "/help")
    assert "使用說明" in reply.text


async def test_the_200_comes_after_the_update_is_stored(bot: BotUnderTest, webhook: str):
    from sqlalchemy import select

    from db.models import InboxUpdate

    bot.user(TEACHER_ID)
    bot.standin.inject_delay("sendMessage", 2.0, chat_id=TEACHER_ID)
    update = bot.standin.user_sends_text(TEACHER_ID, "/help")
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{webhook}/telegram/hook", content=json.dumps(update), headers={SECRET_HEADER: SECRET}
        )
    assert response.status_code == 200
    # Answered while the reply is still on its way, yet already stored.
    assert bot.standin.sent_messages(TEACHER_ID) == []
    async with bot.services.database.session() as session:
        stored = await session.scalar(
            select(InboxUpdate.update_id).where(InboxUpdate.update_id == update["update_id"])
        )
    assert stored == update["update_id"]
    await bot.standin.wait_for_message(TEACHER_ID, within=10)


async def test_with_line_on_the_same_server_serves_lines_webhook_too(bot: BotUnderTest):
    from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, Configuration

    from bot.standin.line import LineStandin
    from bot.standin.line_inprocess import use_standin
    from handlers.line.webhook import LineWebhook

    line = LineStandin()
    configuration = Configuration(host="https://line.invalid", access_token=line.access_token)
    async with AsyncApiClient(configuration) as api_client:
        await use_standin(api_client, line)
        api = AsyncMessagingApi(api_client)
        api.line_base_path = "https://line.invalid"
        handler = LineWebhook(bot.services, api, line.channel_secret)
        sock, port = bind_unused_port()
        server = HTTPServer(web_application(bot.application, "/telegram/hook", SECRET, handler))
        server.add_sockets([sock])
        try:
            teacher = line.add_user("林老師")
            url = f"http://127.0.0.1:{port}/line/webhook"
            event = line.text_event(teacher.user_id, "申請截止日是什麼時候？")
            assert await line.deliver(url, event, signature="Zm9yZ2Vk") == 401
            assert await line.deliver(url, event) == 200
            [answer] = line.messages_to(teacher.user_id)
            assert "9月21日" in answer.text
        finally:
            server.stop()
