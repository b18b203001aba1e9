"""The HTTP transport speaks Telegram's envelope and status codes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.standin import BotApiStandin, StandinHttpServer

TEACHER_ID = 1001
TOKEN = "123456:TEST"


@pytest.fixture
async def server(standin: BotApiStandin) -> AsyncIterator[StandinHttpServer]:
    async with StandinHttpServer(standin) as running:
        yield running


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


async def test_json_form_and_query_bodies(
    server: StandinHttpServer, session: aiohttp.ClientSession, standin: BotApiStandin
) -> None:
    url = f"{server.base_url}{TOKEN}/sendMessage"
    async with session.post(url, json={"chat_id": TEACHER_ID, "text": "json"}) as response:
        assert response.status == 200
        body = await response.json()
        assert body["ok"] is True and body["result"]["text"] == "json"
    form = {
        "chat_id": str(TEACHER_ID),
        "text": "form",
        "reply_markup": json.dumps({"remove_keyboard": True}),
    }
    async with session.post(url, data=form) as response:
        assert response.status == 200
    async with session.get(f"{server.base_url}{TOKEN}/getMe") as response:
        assert (await response.json())["result"]["is_bot"] is True
    async with session.get(url, params={"chat_id": str(TEACHER_ID), "text": "query"}) as response:
        assert response.status == 200
    assert [m.text for m in standin.sent_messages(TEACHER_ID)] == ["json", "form", "query"]


async def test_errors_use_telegram_envelope(
    server: StandinHttpServer, session: aiohttp.ClientSession, standin: BotApiStandin
) -> None:
    async with session.post(
        f"{server.base_url}{TOKEN}/sendMessage", json={"chat_id": 5, "text": "x"}
    ) as response:
        assert response.status == 400
        assert await response.json() == {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: chat not found",
        }
    async with session.post(f"{server.base_url}{TOKEN}/nope") as response:
        assert response.status == 404
    async with session.post(f"{server.base_url}garbage/getMe") as response:
        assert response.status == 401
    standin.inject_fault(
        error_code=429, description="Too Many Requests: retry after 3", retry_after=3
    )
    async with session.post(f"{server.base_url}{TOKEN}/getMe") as response:
        assert response.status == 429
        assert (await response.json())["parameters"] == {"retry_after": 3}


async def test_multipart_upload_and_file_download(
    server: StandinHttpServer, session: aiohttp.ClientSession, standin: BotApiStandin
) -> None:
    form = aiohttp.FormData()
    form.add_field("chat_id", str(TEACHER_ID))
    form.add_field("document", b"col1,col2\n", filename="data.csv", content_type="text/csv")
    async with session.post(f"{server.base_url}{TOKEN}/sendDocument", data=form) as response:
        result = (await response.json())["result"]
    assert result["document"]["file_name"] == "data.csv"
    async with session.post(
        f"{server.base_url}{TOKEN}/getFile", json={"file_id": result["document"]["file_id"]}
    ) as response:
        file_path = (await response.json())["result"]["file_path"]
    async with session.get(f"{server.base_file_url}{TOKEN}/{file_path}") as response:
        assert await response.read() == b"col1,col2\n"
    async with session.get(f"{server.base_file_url}{TOKEN}/documents/missing") as response:
        assert response.status == 404
