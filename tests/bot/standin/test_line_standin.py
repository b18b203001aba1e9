"""The LINE stand-in accepts what LINE accepts and rejects what LINE rejects, as the official
SDK sees it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    PushMessageRequest,
    ReplyMessageRequest,
    TextMessage,
)
from linebot.v3.webhook import SignatureValidator

from bot.standin.line import LineStandin, LineStandinServer


@pytest.fixture
async def line() -> AsyncIterator[tuple[LineStandin, AsyncMessagingApi]]:
    standin = LineStandin()
    async with LineStandinServer(standin) as server:
        configuration = Configuration(host=server.base_url, access_token=standin.access_token)
        async with AsyncApiClient(configuration) as client:
            api = AsyncMessagingApi(client)
            api.line_base_path = server.base_url
            yield standin, api


def _text(text: str, **extra: object) -> TextMessage:
    return TextMessage(text=text, **extra)  # type: ignore[arg-type]


async def test_a_reply_token_works_once(line: tuple[LineStandin, AsyncMessagingApi]) -> None:
    standin, api = line
    teacher = standin.add_user("林老師")
    event = standin.text_event(teacher.user_id, "申請截止日？")
    request = ReplyMessageRequest(replyToken=event["replyToken"], messages=[_text("9月21日")])
    await api.reply_message(request)
    with pytest.raises(ApiException) as refused:
        await api.reply_message(request)
    assert refused.value.status == 400
    assert "Invalid reply token" in str(refused.value.body)
    assert [message.text for message in standin.messages_to(teacher.user_id)] == ["9月21日"]


async def test_an_expired_reply_token_is_refused() -> None:
    now = [0.0]
    standin = LineStandin(clock=lambda: now[0])
    async with LineStandinServer(standin) as server:
        configuration = Configuration(host=server.base_url, access_token=standin.access_token)
        async with AsyncApiClient(configuration) as client:
            api = AsyncMessagingApi(client)
            api.line_base_path = server.base_url
            teacher = standin.add_user("林老師")
            event = standin.text_event(teacher.user_id, "你好")
            now[0] = 61.0
            with pytest.raises(ApiException) as refused:
                await api.reply_message(
                    ReplyMessageRequest(replyToken=event["replyToken"], messages=[_text("您好")])
                )
    assert refused.value.status == 400


async def _post(server_url: str, standin: LineStandin, path: str, body: object) -> tuple[int, str]:
    """Raw JSON, for what the SDK itself would refuse to send."""
    headers = {"Authorization": f"Bearer {standin.access_token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(server_url + path, json=body, headers=headers) as response,
    ):
        return response.status, await response.text()


async def test_too_many_messages_and_quick_reply_items_are_refused() -> None:
    standin = LineStandin()
    teacher = standin.add_user("林老師")
    token = standin.text_event(teacher.user_id, "hi")["replyToken"]
    six = [{"type": "text", "text": str(n)} for n in range(6)]
    items = [
        {"type": "action", "action": {"type": "postback", "label": f"選項{n}", "data": f"n:{n}"}}
        for n in range(14)
    ]
    fourteen = [{"type": "text", "text": "請選擇", "quickReply": {"items": items}}]
    async with LineStandinServer(standin) as server:
        for messages, expected in ((six, "between 1 and 5"), (fourteen, "between 1 and 13")):
            status, body = await _post(
                server.base_url,
                standin,
                "/v2/bot/message/reply",
                {"replyToken": token, "messages": messages},
            )
            assert (status, expected in body) == (400, True)
        # A refused request does not use up the token.
        status, _ = await _post(
            server.base_url,
            standin,
            "/v2/bot/message/reply",
            {"replyToken": token, "messages": [{"type": "text", "text": "ok"}]},
        )
    assert status == 200
    assert [message.text for message in standin.messages_to(teacher.user_id)] == ["ok"]


async def test_oversized_text_label_and_postback_data_are_refused() -> None:
    standin = LineStandin()
    teacher = standin.add_user("林老師")
    # 2,501 emoji outside the BMP count as 5,002 units.
    too_long = {"type": "text", "text": "😀" * 2501}
    postback = {"type": "postback", "label": "好", "data": "x" * 301}
    long_label = {"type": "postback", "label": "一" * 21, "data": "ok"}
    async with LineStandinServer(standin) as server:
        for message in (
            too_long,
            {
                "type": "text",
                "text": "選",
                "quickReply": {"items": [{"type": "action", "action": postback}]},
            },
            {
                "type": "text",
                "text": "選",
                "quickReply": {"items": [{"type": "action", "action": long_label}]},
            },
        ):
            status, _ = await _post(
                server.base_url,
                standin,
                "/v2/bot/message/push",
                {"to": teacher.user_id, "messages": [message]},
            )
            assert status == 400
    assert standin.messages_to(teacher.user_id) == []
    assert standin.pushes_this_month == 0


async def test_a_retried_push_is_not_sent_twice(
    line: tuple[LineStandin, AsyncMessagingApi],
) -> None:
    standin, api = line
    teacher = standin.add_user("林老師")
    key = str(uuid.uuid4())
    request = PushMessageRequest(to=teacher.user_id, messages=[_text("明天截止")])
    await api.push_message(request, x_line_retry_key=key)
    with pytest.raises(ApiException) as retried:
        await api.push_message(request, x_line_retry_key=key)
    assert retried.value.status == 409
    assert retried.value.headers["x-line-accepted-request-id"]
    assert len(standin.messages_to(teacher.user_id)) == 1
    assert standin.pushes_this_month == 1


async def test_pushes_to_blocked_unknown_users_and_over_the_monthly_limit(
    line: tuple[LineStandin, AsyncMessagingApi],
) -> None:
    standin, api = line
    standin.monthly_push_limit = 1
    teacher = standin.add_user("林老師")
    blocked = standin.add_user("王老師")
    standin.unfollow_event(blocked.user_id)
    # Blocked: accepted, not delivered, not counted.
    await api.push_message(PushMessageRequest(to=blocked.user_id, messages=[_text("提醒")]))
    assert standin.messages_to(blocked.user_id) == []
    with pytest.raises(ApiException) as unknown:
        await api.push_message(PushMessageRequest(to="U" + "f" * 32, messages=[_text("提醒")]))
    assert "Failed to send messages" in str(unknown.value.body)
    await api.push_message(PushMessageRequest(to=teacher.user_id, messages=[_text("提醒")]))
    with pytest.raises(ApiException) as over:
        await api.push_message(PushMessageRequest(to=teacher.user_id, messages=[_text("再提醒")]))
    assert over.value.status == 429
    quota = await api.get_message_quota_consumption()
    assert quota.total_usage == 1


async def test_a_wrong_access_token_is_refused() -> None:
    standin = LineStandin()
    async with LineStandinServer(standin) as server:
        configuration = Configuration(host=server.base_url, access_token="wrong")
        async with AsyncApiClient(configuration) as client:
            api = AsyncMessagingApi(client)
            api.line_base_path = server.base_url
            with pytest.raises(ApiException) as refused:
                await api.get_message_quota()
    assert refused.value.status == 401


async def test_webhook_calls_are_signed_as_line_signs_them() -> None:
    standin = LineStandin()
    teacher = standin.add_user("林老師")
    received: list[tuple[bytes, str]] = []

    async def webhook(request: web.Request) -> web.Response:
        received.append((await request.read(), request.headers["X-Line-Signature"]))
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/line/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/line/webhook"
        assert await standin.deliver(url, standin.text_event(teacher.user_id, "你好")) == 200
        await standin.deliver(url, standin.follow_event(teacher.user_id), signature="forged")
    finally:
        await runner.cleanup()
    validator = SignatureValidator(standin.channel_secret)
    (good_body, good_signature), (forged_body, forged_signature) = received
    assert validator.validate(good_body.decode(), good_signature)
    assert not validator.validate(forged_body.decode(), forged_signature)
