"""python-telegram-bot's real Application against the stand-in (HTTP and in-process)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from bot.standin import BotApiStandin, InProcessRequest
from bot.standin.http import StandinHttpServer

TEACHER_ID = 1001
TOKEN = "123456:TEST"


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    payload = " ".join(context.args or [])
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("加入社群", callback_data=f"join:{payload or 'none'}")]]
    )
    await update.effective_message.reply_html(
        f"<b>歡迎</b> {update.effective_user.first_name if update.effective_user else ''}",
        reply_markup=keyboard,
    )


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("已加入")
    await query.edit_message_text(f"你按了 {query.data}")


def add_handlers(application: Application) -> Application:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(pressed))
    return application


@pytest.fixture
async def server(standin: BotApiStandin) -> AsyncIterator[StandinHttpServer]:
    async with StandinHttpServer(standin) as running:
        yield running


@pytest.fixture
async def http_app(server: StandinHttpServer) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    application = add_handlers(
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
        .build()
    )
    await application.initialize()
    yield application
    await application.shutdown()


async def test_process_update_over_http(
    standin: BotApiStandin,
    http_app: Application,  # type: ignore[type-arg]
) -> None:
    update = standin.user_sends_text(TEACHER_ID, "/start join_abc")
    await http_app.process_update(Update.de_json(update, http_app.bot))

    reply = standin.last_message(TEACHER_ID)
    assert reply is not None
    assert reply.text == "歡迎 美玲"
    assert reply.raw["entities"] == [{"type": "bold", "offset": 0, "length": 2}]
    assert reply.buttons == [[("加入社群", "join:join_abc")]]

    press = standin.user_presses_button_labelled(TEACHER_ID, "加入")
    await http_app.process_update(Update.de_json(press, http_app.bot))
    assert reply.text == "你按了 join:join_abc"
    assert reply.edits == ["歡迎 美玲"]
    assert reply.buttons == []
    assert standin.calls_to("answerCallbackQuery")[0]["text"] == "已加入"


async def test_polling_over_http(
    standin: BotApiStandin,
    http_app: Application,  # type: ignore[type-arg]
) -> None:
    standin.user_sends_text(TEACHER_ID, "/start")
    assert http_app.updater is not None
    await http_app.start()
    await http_app.updater.start_polling(timeout=5)
    try:
        await standin.wait_until(lambda: standin.last_message(TEACHER_ID) is not None, 10)
        # A second update arrives while PTB is long-polling: the poll must wake up.
        standin.user_presses_button_labelled(TEACHER_ID, "加入社群")
        await standin.wait_until(lambda: bool(standin.calls_to("editMessageText")), 10)
    finally:
        await http_app.updater.stop()
        await http_app.stop()
    message = standin.last_message(TEACHER_ID)
    assert message is not None and message.text == "你按了 join:none"
    # Stopping confirmed the processed updates with a final getUpdates offset.
    assert standin.pending_updates() == []


async def test_long_message_is_bad_request(http_app: Application) -> None:  # type: ignore[type-arg]
    with pytest.raises(BadRequest, match="Message is too long"):
        await http_app.bot.send_message(TEACHER_ID, "字" * 4097)
    message = await http_app.bot.send_message(TEACHER_ID, "字" * 4096)
    assert len(message.text or "") == 4096


async def test_429_reaches_ptb_as_retry_after(
    standin: BotApiStandin,
    http_app: Application,  # type: ignore[type-arg]
) -> None:
    standin.inject_fault(
        method="sendMessage",
        error_code=429,
        description="Too Many Requests: retry after 7",
        retry_after=7,
    )
    with pytest.raises(RetryAfter) as caught:
        await http_app.bot.send_message(TEACHER_ID, "hi")
    assert caught.value.retry_after == 7


async def test_document_upload_and_download_over_http(
    standin: BotApiStandin,
    http_app: Application,  # type: ignore[type-arg]
) -> None:
    sent = await http_app.bot.send_document(
        TEACHER_ID,
        b"name,school\n",
        filename="roster.csv",
        caption="<i>名單</i>",
        parse_mode="HTML",
    )
    assert sent.document is not None and sent.document.file_name == "roster.csv"
    assert sent.caption == "名單"
    record = standin.last_message(TEACHER_ID)
    assert record is not None and record.document is not None
    file = await http_app.bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"name,school\n"

    update = standin.user_sends_document(TEACHER_ID, "plan.docx", b"PK\x03\x04")
    message = Update.de_json(update, http_app.bot).message
    assert message is not None and message.document is not None
    user_file = await message.document.get_file()
    assert bytes(await user_file.download_as_bytearray()) == b"PK\x03\x04"

    photo = await http_app.bot.send_photo(TEACHER_ID, sent.document.file_id)
    assert photo.photo and photo.photo[-1].width == 320


async def test_in_process_request(standin: BotApiStandin) -> None:
    application = add_handlers(
        ApplicationBuilder()
        .token(TOKEN)
        .request(InProcessRequest(standin))
        .get_updates_request(InProcessRequest(standin))
        .build()
    )
    await application.initialize()
    assert application.updater is not None
    await application.start()
    await application.updater.start_polling(timeout=5)
    try:
        standin.user_sends_text(TEACHER_ID, "/start x")
        message = await standin.wait_for_message(TEACHER_ID, within=10)
        assert message.buttons == [[("加入社群", "join:x")]]
        with pytest.raises(BadRequest, match=r"(?i)can.t parse entities: unsupported start tag"):
            await application.bot.send_message(TEACHER_ID, "<foo>", parse_mode="HTML")
        document = await application.bot.send_document(TEACHER_ID, b"abc", filename="a.txt")
        assert document.document is not None
        file = await application.bot.get_file(document.document.file_id)
        assert bytes(await file.download_as_bytearray()) == b"abc"
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
