"""Webhook mode: only Telegram (with the secret token) gets in; /health tells the truth."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from support import TEACHER_ID, BotUnderTest
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

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
