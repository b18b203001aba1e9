"""The first minutes with the bot: /start, /help, language, and whatever else users send."""

from __future__ import annotations

from support import ADMIN_ID, TEACHER_ID, BotUnderTest


async def test_start_welcomes_in_traditional_chinese_and_offers_languages(bot: BotUnderTest):
    bot.user(TEACHER_ID, "王老師")
    reply = await bot.send(TEACHER_ID, "/start")
    assert "王老師您好" in reply.text
    assert "111學年度" in reply.text
    labels = [label for row in reply.last.buttons for label, _ in row]
    assert labels == ["繁體中文", "English"]


async def test_choosing_english_switches_every_later_reply(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    await bot.send(TEACHER_ID, "/start")
    chosen = await bot.press(TEACHER_ID, "English")
    assert "English" in chosen.text
    help_reply = await bot.send(TEACHER_ID, "/help")
    assert "How to use this bot" in help_reply.text


async def test_english_speaking_telegram_users_get_english_without_choosing(bot: BotUnderTest):
    bot.user(TEACHER_ID, "Mary", language_code="en")
    reply = await bot.send(TEACHER_ID, "/help")
    assert "How to use this bot" in reply.text


async def test_help_names_the_contact_from_the_letter(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    reply = await bot.send(TEACHER_ID, "/help")
    assert "劉書伶" in reply.text and "07-3118935#64" in reply.text
    assert "/broadcast" not in reply.text


async def test_help_shows_staff_commands_to_staff_only(bot: BotUnderTest):
    bot.user(ADMIN_ID, "賴承辦")
    reply = await bot.send(ADMIN_ID, "/help")
    assert "/broadcast" in reply.text


async def test_the_command_menu_is_registered_in_both_languages(bot: BotUnderTest):
    chinese = bot.standin.commands(language_code="")
    english = bot.standin.commands(language_code="en")
    assert {c["command"] for c in chinese} == {c["command"] for c in english}
    assert {"start", "help", "language"} <= {c["command"] for c in chinese}


async def test_unknown_commands_point_to_help(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    reply = await bot.send(TEACHER_ID, "/nonsense")
    assert "/help" in reply.text


async def test_stickers_photos_and_voice_get_a_polite_reply(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    for update in (
        bot.standin.user_sends_sticker(TEACHER_ID),
        bot.standin.user_sends_photo(TEACHER_ID),
        bot.standin.user_sends_voice(TEACHER_ID),
        bot.standin.user_sends_location(TEACHER_ID),
    ):
        reply = await bot.process(update)
        assert "文字" in reply.text


async def test_edited_messages_are_acknowledged_not_reprocessed(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    first = bot.standin.user_sends_text(TEACHER_ID, "/help")
    await bot.process(first)
    reply = await bot.process(
        bot.standin.user_edits_message(TEACHER_ID, first["message"]["message_id"], "/start")
    )
    assert "修改" in reply.text


async def test_plain_chatter_in_groups_is_ignored_and_commands_ask_for_a_private_chat(
    bot: BotUnderTest,
):
    bot.user(TEACHER_ID)
    bot.standin.add_group(-100123, "資優社群群組")
    chatter = await bot.process(bot.standin.user_sends_in_group(TEACHER_ID, -100123, "大家好"))
    assert chatter.messages == []
    command = await bot.process(bot.standin.user_sends_in_group(TEACHER_ID, -100123, "/help"))
    assert "私訊" in command.text


async def test_a_user_who_blocked_the_bot_causes_no_crash(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    bot.standin.block_user(TEACHER_ID)
    reply = await bot.send(TEACHER_ID, "/help")
    assert reply.messages == []


async def test_an_update_delivered_twice_is_handled_once(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    update = bot.standin.user_sends_text(TEACHER_ID, "/help")
    first = await bot.process(update)
    again = await bot.process(update)
    assert len(first.messages) == 1
    assert again.messages == []


async def test_a_redelivered_update_is_skipped_after_a_restart(make_bot):
    import datetime as dt

    from bot.app import stop_embedded

    first_bot = await make_bot(today=dt.date(2022, 9, 2))
    first_bot.user(TEACHER_ID)
    update = first_bot.standin.user_sends_text(TEACHER_ID, "/help")
    await first_bot.process(update)
    await stop_embedded(first_bot.application)
    second_bot = await make_bot(today=dt.date(2022, 9, 2))
    assert (await second_bot.process(update)).messages == []


async def test_cancel_with_nothing_running_says_so(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    reply = await bot.send(TEACHER_ID, "/cancel")
    assert "沒有進行中" in reply.text
