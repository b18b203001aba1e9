"""Who is staff: BOT_ADMIN_IDS plus those added with /staff add; nobody else sees staff tools."""

from __future__ import annotations

import logging

import pytest
from support import ADMIN_ID, TEACHER_ID, BotUnderTest

COLLEAGUE_ID = 90002


async def test_staff_list_names_the_admins_of_the_settings(bot: BotUnderTest):
    bot.user(ADMIN_ID, "賴承辦")
    reply = await bot.send(ADMIN_ID, "/staff")
    assert str(ADMIN_ID) in reply.text and "賴承辦" in reply.text


async def test_an_added_colleague_can_use_staff_commands_until_removed(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    bot.user(COLLEAGUE_ID, "劉老師")
    refused = await bot.send(COLLEAGUE_ID, "/review")
    assert "僅供教育局與資源中心人員使用" in refused.text

    asked = await bot.send(ADMIN_ID, f"/staff add {COLLEAGUE_ID}")
    assert "確定要將" in asked.text
    assert "僅供" in (await bot.send(COLLEAGUE_ID, "/review")).text
    added = await bot.press(ADMIN_ID, "確定加入")
    assert "加入為教育局與資源中心人員" in added.text
    allowed = await bot.send(COLLEAGUE_ID, "/review")
    assert "待審核的申請" in allowed.text
    listing = await bot.send(ADMIN_ID, "/staff")
    assert "劉老師" in listing.text

    await bot.send(ADMIN_ID, f"/staff remove {COLLEAGUE_ID}")
    removed = await bot.press(ADMIN_ID, "確定移除")
    assert "已將" in removed.text
    again = await bot.send(COLLEAGUE_ID, "/review")
    assert "僅供教育局與資源中心人員使用" in again.text


async def test_someone_who_never_wrote_can_be_added_in_advance(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    await bot.send(ADMIN_ID, f"/staff add {COLLEAGUE_ID}")
    await bot.press(ADMIN_ID, "確定加入")
    bot.user(COLLEAGUE_ID)
    reply = await bot.send(COLLEAGUE_ID, "/stats")
    assert "僅供" not in reply.text


async def test_admins_of_the_settings_cannot_be_removed_from_chat(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    reply = await bot.send(ADMIN_ID, f"/staff remove {ADMIN_ID}")
    assert "BOT_ADMIN_IDS" in reply.text
    assert "待審核" in (await bot.send(ADMIN_ID, "/review")).text


async def test_malformed_staff_commands_show_how_to_type_them(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    for text in ("/staff add", "/staff add abc", "/staff promote 5", "/staff add -5"):
        reply = await bot.send(ADMIN_ID, text)
        assert "/staff add 使用者編號" in reply.text


async def test_teachers_cannot_make_themselves_staff_and_are_logged(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
):
    bot.user(TEACHER_ID)
    with caplog.at_level(logging.WARNING):
        reply = await bot.send(TEACHER_ID, f"/staff add {TEACHER_ID}")
    assert "僅供教育局與資源中心人員使用" in reply.text
    assert any("Refused staff action /staff" in r.getMessage() for r in caplog.records)
    assert "僅供" in (await bot.send(TEACHER_ID, "/review")).text


@pytest.mark.parametrize("command", ["/staff", "/review", "/stats", "/broadcast", "/broadcasts"])
async def test_every_staff_command_is_refused_to_teachers(bot: BotUnderTest, command: str):
    bot.user(TEACHER_ID)
    reply = await bot.send(TEACHER_ID, command)
    assert "僅供教育局與資源中心人員使用" in reply.text


async def test_staff_commands_appear_only_in_the_menu_of_staff_chats(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    bot.user(COLLEAGUE_ID)
    everyone = {c["command"] for c in bot.standin.commands(language_code="")}
    assert "broadcast" not in everyone and "review" not in everyone
    await bot.send(ADMIN_ID, f"/staff add {COLLEAGUE_ID}")
    await bot.press(ADMIN_ID, "確定加入")
    staff_menu = bot.standin.commands("chat", "", chat_id=COLLEAGUE_ID)
    assert {"broadcast", "review", "stats", "export", "staff"} <= {c["command"] for c in staff_menu}
    await bot.send(ADMIN_ID, f"/staff remove {COLLEAGUE_ID}")
    await bot.press(ADMIN_ID, "確定移除")
    assert bot.standin.commands("chat", "", chat_id=COLLEAGUE_ID) == []


async def add_colleague(bot: BotUnderTest) -> None:
    await bot.send(ADMIN_ID, f"/staff add {COLLEAGUE_ID}")
    await bot.press(ADMIN_ID, "確定加入")


async def test_staff_who_are_not_admins_cannot_add_or_remove_staff(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    bot.user(COLLEAGUE_ID)
    await add_colleague(bot)
    for text in (f"/staff add {TEACHER_ID}", f"/staff remove {COLLEAGUE_ID}"):
        reply = await bot.send(COLLEAGUE_ID, text)
        assert "只有設定檔 BOT_ADMIN_IDS 裡的管理者" in reply.text
        assert reply.last.buttons == []
    assert "待審核" in (await bot.send(COLLEAGUE_ID, "/review")).text
    bot.user(TEACHER_ID)
    assert "僅供" in (await bot.send(TEACHER_ID, "/review")).text


async def test_cancelling_the_confirmation_changes_nothing(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    bot.user(COLLEAGUE_ID)
    await bot.send(ADMIN_ID, f"/staff add {COLLEAGUE_ID}")
    cancelled = await bot.press(ADMIN_ID, "取消")
    assert "已取消" in cancelled.text or "取消" in cancelled.text
    assert "僅供" in (await bot.send(COLLEAGUE_ID, "/review")).text


async def test_an_old_confirmation_button_does_nothing(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    bot.user(COLLEAGUE_ID)
    first = await bot.send(ADMIN_ID, f"/staff add {COLLEAGUE_ID}")
    await bot.send(ADMIN_ID, f"/staff add {TEACHER_ID}")
    await bot.press(ADMIN_ID, "確定加入", message_id=first.last.message_id)
    assert "僅供" in (await bot.send(COLLEAGUE_ID, "/review")).text


async def test_an_admin_cannot_remove_themselves_and_is_told_politely(bot: BotUnderTest):
    bot.user(ADMIN_ID, language_code="en")
    reply = await bot.send(ADMIN_ID, f"/staff remove {ADMIN_ID}")
    assert "cannot remove yourself" in reply.text and "BOT_ADMIN_IDS" in reply.text
    assert reply.last.buttons == []
