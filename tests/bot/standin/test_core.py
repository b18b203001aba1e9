"""Behaviour of the in-memory Telegram: state, updates, limits and injected faults."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from telegram import Bot, Message, Update
from telegram.error import Forbidden, TimedOut

from bot.standin import ApiError, BotApiStandin, InProcessRequest

TEACHER_ID = 1001
OTHER_ID = 1002
GROUP_ID = -1001234567890


def inline(*rows: list[tuple[str, str]]) -> str:
    return json.dumps(
        {"inline_keyboard": [[{"text": t, "callback_data": d} for t, d in row] for row in rows]}
    )


async def fails(coro: Any) -> ApiError:
    with pytest.raises(ApiError) as caught:
        await coro
    return caught.value


async def test_send_message_returns_valid_message(standin: BotApiStandin) -> None:
    result = await standin.call(
        "sendMessage",
        {
            "chat_id": str(TEACHER_ID),
            "text": "<b>研習</b> 通知",
            "parse_mode": "HTML",
            "reply_markup": inline([("報名", "signup:1")]),
        },
    )
    message = Message.de_json(result, Bot("123:abc"))
    assert message.text == "研習 通知"
    assert message.from_user is not None and message.from_user.is_bot
    assert message.chat.id == TEACHER_ID
    assert message.reply_markup is not None
    sent = standin.last_message(TEACHER_ID)
    assert sent is not None
    assert sent.buttons == [[("報名", "signup:1")]]
    assert sent.parse_mode == "HTML"
    assert standin.calls_to("sendMessage")[0]["chat_id"] == TEACHER_ID


async def test_unknown_chat_token_and_methods(standin: BotApiStandin) -> None:
    error = await fails(standin.call("sendMessage", {"chat_id": 999, "text": "x"}))
    assert (error.error_code, error.description) == (400, "Bad Request: chat not found")
    error = await fails(standin.call("getMe", {}, token="not-a-token"))
    assert (error.error_code, error.description) == (401, "Unauthorized")
    error = await fails(standin.call("fooBar", {}))
    assert (error.error_code, error.description) == (404, "Not Found")
    error = await fails(standin.call("sendPoll", {"chat_id": 1, "question": "q", "options": "[]"}))
    assert error.description == "Bad Request: method is not supported by the stand-in"
    assert await standin.call("pinChatMessage", {"chat_id": TEACHER_ID, "message_id": 1}) is True
    assert (await standin.call("getme", {}))["username"] == "gifted_community_bot"


async def test_edit_semantics(standin: BotApiStandin) -> None:
    sent = await standin.call(
        "sendMessage",
        {"chat_id": TEACHER_ID, "text": "v1", "reply_markup": inline([("a", "a")])},
    )
    ident = {"chat_id": TEACHER_ID, "message_id": sent["message_id"]}
    error = await fails(
        standin.call(
            "editMessageText", {**ident, "text": "v1", "reply_markup": inline([("a", "a")])}
        )
    )
    assert error.description.startswith("Bad Request: message is not modified: specified new")
    edited = await standin.call("editMessageText", {**ident, "text": "v2"})
    assert edited["text"] == "v2" and "reply_markup" not in edited and "edit_date" in edited
    await standin.call("editMessageReplyMarkup", {**ident, "reply_markup": inline([("b", "b")])})
    record = standin.last_message(TEACHER_ID)
    assert record is not None
    assert (record.text, record.edits, record.buttons) == ("v2", ["v1"], [[("b", "b")]])
    error = await fails(
        standin.call("editMessageReplyMarkup", {**ident, "reply_markup": inline([("b", "b")])})
    )
    assert "message is not modified" in error.description
    error = await fails(standin.call("editMessageText", {**ident, "message_id": 99, "text": "x"}))
    assert error.description == "Bad Request: message to edit not found"
    assert await standin.call("deleteMessage", ident) is True
    assert record.deleted and standin.last_message(TEACHER_ID) is None
    error = await fails(standin.call("deleteMessage", ident))
    assert error.description == "Bad Request: message to delete not found"
    error = await fails(standin.call("editMessageText", {**ident, "text": "v3"}))
    assert error.description == "Bad Request: message to edit not found"


async def test_callback_queries(clock: Any) -> None:
    telegram = BotApiStandin(clock=clock, callback_query_ttl=10)
    telegram.add_user(TEACHER_ID)
    sent = await telegram.call(
        "sendMessage",
        {"chat_id": TEACHER_ID, "text": "選擇", "reply_markup": inline([("是", "y"), ("否", "n")])},
    )
    update = telegram.user_presses_button(TEACHER_ID, sent["message_id"], "y")
    query = Update.de_json(update, Bot("123:abc")).callback_query
    assert query is not None and query.data == "y"
    assert query.message is not None and query.message.message_id == sent["message_id"]
    assert await telegram.call("answerCallbackQuery", {"callback_query_id": query.id}) is True
    error = await fails(telegram.call("answerCallbackQuery", {"callback_query_id": query.id}))
    assert error.description == (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )
    late = telegram.user_presses_button_labelled(TEACHER_ID, "否")
    clock.advance(11)
    error = await fails(
        telegram.call("answerCallbackQuery", {"callback_query_id": late["callback_query"]["id"]})
    )
    assert "query is too old" in error.description

    with pytest.raises(AssertionError, match="no button"):
        telegram.user_presses_button(TEACHER_ID, sent["message_id"], "admin:delete_all")
    forged = telegram.user_presses_button(
        TEACHER_ID, sent["message_id"], "admin:delete_all", forge=True
    )
    assert forged["callback_query"]["data"] == "admin:delete_all"
    with pytest.raises(AssertionError, match="buttons match"):
        telegram.user_presses_button_labelled(TEACHER_ID, "不存在")


async def test_blocked_user_gets_403(standin: BotApiStandin) -> None:
    update = standin.user_blocks_bot(TEACHER_ID)
    assert update["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    Update.de_json(update, Bot("123:abc"))
    error = await fails(standin.call("sendMessage", {"chat_id": TEACHER_ID, "text": "hi"}))
    assert (error.error_code, error.description) == (403, "Forbidden: bot was blocked by the user")
    standin.add_user(OTHER_ID)
    standin.block_user(OTHER_ID)
    error = await fails(standin.call("sendChatAction", {"chat_id": OTHER_ID, "action": "typing"}))
    assert error.error_code == 403


async def test_fault_injection(standin: BotApiStandin) -> None:
    standin.add_user(OTHER_ID)
    standin.inject_fault(
        method="sendMessage",
        chat_id=OTHER_ID,
        error_code=500,
        description="Internal Server Error",
        times=2,
    )
    await standin.call("sendMessage", {"chat_id": TEACHER_ID, "text": "unaffected"})
    for _ in range(2):
        error = await fails(standin.call("sendMessage", {"chat_id": OTHER_ID, "text": "x"}))
        assert (error.error_code, error.description) == (500, "Internal Server Error")
    await standin.call("sendMessage", {"chat_id": OTHER_ID, "text": "recovered"})
    status, body = await standin.handle("sendMessage", {"chat_id": OTHER_ID, "text": "ok"})
    assert status == 200 and body["ok"] is True


async def test_rate_limits_with_fake_clock(clock: Any) -> None:
    telegram = BotApiStandin(global_rate_per_s=3, per_chat_rate_per_s=2, clock=clock)
    for user in (1, 2, 3):
        telegram.add_user(user)
    await telegram.call("sendMessage", {"chat_id": 1, "text": "a"})
    clock.advance(0.5)
    await telegram.call("sendMessage", {"chat_id": 1, "text": "b"})
    error = await fails(telegram.call("sendMessage", {"chat_id": 1, "text": "c"}))
    assert (error.error_code, error.description, error.retry_after) == (
        429,
        "Too Many Requests: retry after 1",
        1,
    )
    await telegram.call("sendMessage", {"chat_id": 2, "text": "d"})
    error = await fails(telegram.call("sendMessage", {"chat_id": 3, "text": "e"}))
    assert error.retry_after == 1  # global window is full
    status, body = await telegram.handle("sendMessage", {"chat_id": 3, "text": "e"})
    assert status == 429 and body["parameters"] == {"retry_after": 1}
    # Reading is not rate limited.
    await telegram.call("getMe", {})
    clock.advance(0.6)  # first message leaves the window
    await telegram.call("sendMessage", {"chat_id": 3, "text": "f"})
    clock.advance(1.0)
    await telegram.call("sendMessage", {"chat_id": 1, "text": "g"})
    await telegram.call("sendMessage", {"chat_id": 1, "text": "h"})


async def test_get_updates_offsets(standin: BotApiStandin) -> None:
    first = standin.user_sends_text(TEACHER_ID, "/start join_abc")
    standin.user_sends_text(TEACHER_ID, "hello")
    standin.user_sends_sticker(TEACHER_ID)
    assert first["update_id"] == 1
    assert first["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    updates = await standin.call("getUpdates", {})
    assert [u["update_id"] for u in updates] == [1, 2, 3]
    assert [u["update_id"] for u in await standin.call("getUpdates", {"limit": 1})] == [1]
    updates = await standin.call("getUpdates", {"offset": 3})
    assert [u["update_id"] for u in updates] == [3]
    assert [u["update_id"] for u in standin.pending_updates()] == [3]
    assert await standin.call("getUpdates", {"offset": 4}) == []
    for index in range(3):
        standin.user_sends_text(TEACHER_ID, f"m{index}")
    assert [u["update_id"] for u in await standin.call("getUpdates", {"offset": -1})] == [6]
    for update in (first, *(await standin.call("getUpdates", {}))):
        Update.de_json(update, Bot("123:abc"))


async def test_allowed_updates_filter(standin: BotApiStandin) -> None:
    standin.user_sends_text(TEACHER_ID, "a")
    await standin.call(
        "sendMessage", {"chat_id": TEACHER_ID, "text": "k", "reply_markup": inline([("k", "k")])}
    )
    standin.user_presses_button_labelled(TEACHER_ID, "k")
    updates = await standin.call("getUpdates", {"allowed_updates": '["callback_query"]'})
    assert [next(k for k in u if k != "update_id") for u in updates] == ["callback_query"]


async def test_long_poll_wakes_on_update(standin: BotApiStandin) -> None:
    poll = asyncio.create_task(standin.call("getUpdates", {"timeout": 30}))
    await asyncio.sleep(0)  # let the poll start waiting
    assert not poll.done()
    standin.user_sends_text(TEACHER_ID, "早安")
    updates = await asyncio.wait_for(poll, 5)
    assert updates[0]["message"]["text"] == "早安"


async def test_second_poll_conflicts_with_first(standin: BotApiStandin) -> None:
    first = asyncio.create_task(standin.call("getUpdates", {"timeout": 30}))
    await asyncio.sleep(0)
    second = asyncio.create_task(standin.call("getUpdates", {"timeout": 30}))
    await asyncio.sleep(0)
    standin.user_sends_text(TEACHER_ID, "x")
    error = await fails(asyncio.wait_for(first, 5))
    assert error.error_code == 409 and error.description.startswith("Conflict: terminated by other")
    assert len(await asyncio.wait_for(second, 5)) == 1


async def test_webhook_blocks_get_updates(standin: BotApiStandin) -> None:
    assert await standin.call("setWebhook", {"url": "https://bot.example.org/hook"}) is True
    info = await standin.call("getWebhookInfo", {})
    assert info["url"] == "https://bot.example.org/hook"
    error = await fails(standin.call("getUpdates", {}))
    assert (error.error_code, error.description) == (
        409,
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first",
    )
    standin.user_sends_text(TEACHER_ID, "x")
    assert await standin.call("deleteWebhook", {"drop_pending_updates": "true"}) is True
    assert await standin.call("getUpdates", {}) == []


async def test_commands_by_scope_and_language(standin: BotApiStandin) -> None:
    commands = json.dumps([{"command": "start", "description": "開始"}])
    await standin.call("setMyCommands", {"commands": commands})
    await standin.call(
        "setMyCommands",
        {
            "commands": json.dumps([{"command": "start", "description": "Start"}]),
            "language_code": "en",
        },
    )
    await standin.call(
        "setMyCommands",
        {"commands": commands, "scope": json.dumps({"type": "chat", "chat_id": TEACHER_ID})},
    )
    assert standin.commands() == [{"command": "start", "description": "開始"}]
    assert standin.commands(language_code="en")[0]["description"] == "Start"
    assert standin.commands("chat", chat_id=TEACHER_ID)[0]["command"] == "start"
    assert await standin.call("getMyCommands", {"language_code": "en"}) == standin.commands(
        language_code="en"
    )
    await standin.call("deleteMyCommands", {})
    assert standin.commands() == []
    assert await standin.call("setMyDescription", {"description": "高雄資優社群"}) is True
    assert await standin.call("setChatMenuButton", {"menu_button": '{"type": "commands"}'}) is True


async def test_files_and_chats(standin: BotApiStandin) -> None:
    sent = await standin.call(
        "sendPhoto",
        {"chat_id": TEACHER_ID, "photo": "attach://pic", "caption": "合照"},
        files={"pic": ("pic.jpg", b"\xff\xd8jpeg", "image/jpeg")},
    )
    assert len(sent["photo"]) == 2 and sent["caption"] == "合照"
    record = standin.last_message(TEACHER_ID)
    assert record is not None and record.photo == sent["photo"]
    error = await fails(
        standin.call("sendDocument", {"chat_id": TEACHER_ID, "document": "no-such-file-id"})
    )
    assert error.description == "Bad Request: wrong file identifier/HTTP URL specified"
    voice = standin.user_sends_voice(TEACHER_ID)
    file = await standin.call("getFile", {"file_id": voice["message"]["voice"]["file_id"]})
    stored = standin.file_by_path(file["file_path"])
    assert stored is not None and stored.mime_type == "audio/ogg"
    error = await fails(standin.call("getFile", {"file_id": "nope"}))
    assert error.description == "Bad Request: wrong file_id or the file is temporarily unavailable"
    chat = await standin.call("getChat", {"chat_id": "@meiling"})
    assert chat["id"] == TEACHER_ID
    update = standin.user_sends_in_group(TEACHER_ID, GROUP_ID, "/start@gifted_community_bot")
    assert update["message"]["chat"]["type"] == "supergroup"
    assert update["message"]["entities"][0]["length"] == len("/start@gifted_community_bot")
    for user_update in (
        standin.user_sends_photo(TEACHER_ID, caption="作品"),
        standin.user_sends_location(TEACHER_ID),
        standin.user_sends_document(TEACHER_ID, "計畫.pdf", b"%PDF"),
        update,
    ):
        Update.de_json(user_update, Bot("123:abc"))
    text = standin.user_sends_text(TEACHER_ID, "typo")
    edited = standin.user_edits_message(TEACHER_ID, text["message"]["message_id"], "fixed")
    assert edited["edited_message"]["text"] == "fixed"


async def test_reply_parameters(standin: BotApiStandin) -> None:
    question = standin.user_sends_text(TEACHER_ID, "請問?")
    reply = await standin.call(
        "sendMessage",
        {
            "chat_id": TEACHER_ID,
            "text": "答覆",
            "reply_parameters": json.dumps({"message_id": question["message"]["message_id"]}),
        },
    )
    assert reply["reply_to_message"]["text"] == "請問?"
    error = await fails(
        standin.call(
            "sendMessage",
            {"chat_id": TEACHER_ID, "text": "x", "reply_parameters": '{"message_id": 999}'},
        )
    )
    assert error.description == "Bad Request: message to be replied not found"


async def test_delay_surfaces_as_timed_out_in_ptb(standin: BotApiStandin) -> None:
    standin.inject_delay("sendMessage", 30)
    bot = Bot("123456:TEST", request=InProcessRequest(standin, read_timeout=0.05))
    async with bot:
        with pytest.raises(TimedOut):
            await bot.send_message(TEACHER_ID, "slow")
        message = await bot.send_message(TEACHER_ID, "fast")
        assert message.text == "fast"
        standin.block_user(TEACHER_ID)
        with pytest.raises(Forbidden, match="blocked"):
            await bot.send_message(TEACHER_ID, "x")


async def test_wait_until_times_out(standin: BotApiStandin) -> None:
    with pytest.raises(TimeoutError):
        await standin.wait_until(lambda: False, within=0.01)
