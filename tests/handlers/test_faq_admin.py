"""Staff see what the bot could not answer and teach it from chat: /unanswered and /faqedit."""

from __future__ import annotations

import datetime as dt

from support import ADMIN_ID, TEACHER_ID, BotUnderTest, MakeBot

from handlers.faq_admin import DRAFT_KEY

PARKING = "停車位在哪裡？"
PARKING_ANSWER = "請停在資源中心後方的停車場。"
OTHER_TEACHER = 10002
TODAY = dt.date(2022, 9, 2)


def _labels(message) -> list[str]:
    return [label for row in message.buttons for label, _ in row]


async def _teachers_ask(bot: BotUnderTest, *questions: str) -> None:
    bot.user(TEACHER_ID)
    for question in questions:
        await bot.send(TEACHER_ID, question)


async def _answer_parking_from_the_unanswered_list(bot: BotUnderTest) -> str:
    """Staff answer the parking question; return the saved message."""
    await bot.send(ADMIN_ID, "/unanswered")
    await bot.press(ADMIN_ID, "回答第 1 則")
    await bot.press(ADMIN_ID, "保留目前的內容")
    await bot.send(ADMIN_ID, PARKING_ANSWER)
    await bot.send(ADMIN_ID, "Please park behind the resource center.")
    await bot.press(ADMIN_ID, "略過")
    await bot.press(ADMIN_ID, "聯絡")
    saved = await bot.press(ADMIN_ID, "確認儲存")
    return saved.text


async def test_unanswered_is_for_staff_only(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    reply = await bot.send(TEACHER_ID, "/unanswered")
    assert "僅供教育局與資源中心人員使用" in reply.text


async def test_unanswered_lists_the_most_frequent_missed_questions_with_counts(
    bot: BotUnderTest,
):
    await _teachers_ask(
        bot, PARKING, "午餐有便當嗎？", PARKING, "申請截止日是什麼時候？", "你好", PARKING
    )
    bot.user(ADMIN_ID, "賴承辦")
    reply = await bot.send(ADMIN_ID, "/unanswered")
    lines = reply.text.splitlines()
    assert "2022-09-01～2023-07-31" in lines[0]
    assert "1. 停車位在哪裡？（3 次）" in lines
    assert "2. 午餐有便當嗎？（1 次）" in lines
    assert "申請截止日" not in reply.text and "你好" not in reply.text
    assert _labels(reply.last) == ["回答第 1 則", "回答第 2 則"]


async def test_unanswered_says_so_when_every_question_was_answered(bot: BotUnderTest):
    await _teachers_ask(bot, "申請截止日是什麼時候？")
    bot.user(ADMIN_ID, "賴承辦")
    reply = await bot.send(ADMIN_ID, "/unanswered")
    assert "目前沒有未能回答的問題" in reply.text


async def test_answering_an_unanswered_question_takes_effect_immediately(bot: BotUnderTest):
    await _teachers_ask(bot, PARKING, PARKING)
    bot.user(ADMIN_ID, "賴承辦")
    await bot.send(ADMIN_ID, "/unanswered")
    questions_step = await bot.press(ADMIN_ID, "回答第 1 則")
    assert "・停車位在哪裡？" in questions_step.text
    saved = await _answer_parking_from_the_unanswered_list(bot)
    assert "已儲存問答 staff-1" in saved and PARKING_ANSWER in saved
    reply = await bot.send(TEACHER_ID, PARKING)
    assert reply.text == PARKING_ANSWER
    still = await bot.send(ADMIN_ID, "/unanswered")
    assert "停車位" not in still.text


async def test_a_new_entry_survives_a_restart(make_bot: MakeBot):
    bot = await make_bot(today=TODAY)
    await _teachers_ask(bot, PARKING)
    bot.user(ADMIN_ID, "賴承辦")
    await _answer_parking_from_the_unanswered_list(bot)
    restarted = await make_bot(today=TODAY)
    reply = await restarted.send(TEACHER_ID, PARKING)
    assert reply.text == PARKING_ANSWER


async def test_the_preview_shows_everything_before_saving(bot: BotUnderTest):
    bot.user(ADMIN_ID, "賴承辦")
    await bot.send(ADMIN_ID, "/faqedit")
    await bot.press(ADMIN_ID, "新增問答")
    await bot.send(ADMIN_ID, "研習要帶筆電嗎？\n研習需要筆電嗎\n\n研習要帶筆電嗎？")
    await bot.send(ADMIN_ID, "請自備筆電。")
    await bot.press(ADMIN_ID, "略過")
    await bot.send(ADMIN_ID, "說明四")
    preview = await bot.press(ADMIN_ID, "時程")
    text = preview.text
    assert "・研習要帶筆電嗎？\n・研習需要筆電嗎" in text
    assert text.count("研習要帶筆電嗎") == 1
    assert "請自備筆電。" in text and "說明四" in text and "主題：時程" in text
    assert _labels(preview.last) == ["✅ 確認儲存", "✖️ 取消"]
    cancelled = await bot.press(ADMIN_ID, "取消")
    assert "已取消" in cancelled.text
    bot.user(TEACHER_ID)
    reply = await bot.send(TEACHER_ID, "研習要帶筆電嗎？")
    assert "請自備筆電" not in reply.text


async def test_staff_can_edit_their_entry_by_typing_its_id_and_keep_what_does_not_change(
    bot: BotUnderTest,
):
    await _teachers_ask(bot, PARKING)
    bot.user(ADMIN_ID, "賴承辦")
    await _answer_parking_from_the_unanswered_list(bot)
    await bot.send(ADMIN_ID, "/faqedit")
    questions_step = await bot.send(ADMIN_ID, "staff-1")
    assert "staff-1" in questions_step.text and "・停車位在哪裡？" in questions_step.text
    await bot.press(ADMIN_ID, "保留目前的內容")
    await bot.send(ADMIN_ID, "停車場已額滿，請搭乘大眾運輸。")
    await bot.press(ADMIN_ID, "保留目前的內容")
    topic_step = await bot.press(ADMIN_ID, "略過")
    assert "✓ 聯絡" in _labels(topic_step.last)
    await bot.press(ADMIN_ID, "✓ 聯絡")
    await bot.press(ADMIN_ID, "確認儲存")
    reply = await bot.send(TEACHER_ID, PARKING)
    assert reply.text == "停車場已額滿，請搭乘大眾運輸。"


async def test_staff_can_override_a_built_in_answer_picked_from_the_list(bot: BotUnderTest):
    bot.user(ADMIN_ID, "賴承辦")
    await bot.send(ADMIN_ID, "/faqedit")
    await bot.press(ADMIN_ID, "修改既有問答")
    contact = await bot.press(ADMIN_ID, "聯絡")
    first_question = _labels(contact.last)[0]
    questions_step = await bot.press(ADMIN_ID, first_question)
    assert "內建的問答" in questions_step.text
    answer_step = await bot.press(ADMIN_ID, "保留目前的內容")
    assert "目前的內容" in answer_step.text
    assert "保留目前的內容" not in _labels(answer_step.last)  # a built-in template is not kept
    await bot.send(ADMIN_ID, "請來電 07-3118935#64，週一至週五上班時間。")
    await bot.press(ADMIN_ID, "略過")
    await bot.press(ADMIN_ID, "保留目前的內容")
    await bot.press(ADMIN_ID, "聯絡")
    await bot.press(ADMIN_ID, "確認儲存")
    bot.user(TEACHER_ID)
    reply = await bot.send(TEACHER_ID, first_question)
    assert "週一至週五上班時間" in reply.text


async def test_typing_an_unknown_id_offers_the_choice_again(bot: BotUnderTest):
    bot.user(ADMIN_ID, "賴承辦")
    reply = await bot.send(ADMIN_ID, "/faqedit no_such_entry")
    assert "找不到代碼為「no_such_entry」的問答" in reply.text
    assert _labels(reply.last) == ["➕ 新增問答", "✏️ 修改既有問答"]


async def test_invalid_wordings_and_answers_are_asked_again(bot: BotUnderTest):
    bot.user(ADMIN_ID, "賴承辦")
    await bot.send(ADMIN_ID, "/faqedit")
    await bot.press(ADMIN_ID, "新增問答")
    too_many = await bot.send(ADMIN_ID, "\n".join(f"問法{n}" for n in range(11)))
    assert "1 到 10 個問法" in too_many.text
    too_long = await bot.send(ADMIN_ID, "問" * 101)
    assert "1 到 10 個問法" in too_long.text
    await bot.send(ADMIN_ID, "研習在哪裡？")
    long_answer = await bot.send(ADMIN_ID, "答" * 1201)
    assert "不能超過 1200 字" in long_answer.text
    sticker = await bot.process(bot.standin.user_sends_sticker(ADMIN_ID))
    assert "請用文字輸入" in sticker.text
    english_step = await bot.send(ADMIN_ID, "在資源中心。")
    assert "英文回答" in english_step.text


async def test_html_in_staff_text_is_shown_literally_never_as_markup(bot: BotUnderTest):
    bot.user(ADMIN_ID, "賴承辦")
    await bot.send(ADMIN_ID, "/faqedit")
    await bot.press(ADMIN_ID, "新增問答")
    await bot.send(ADMIN_ID, "<script>x</script> 停車？")
    await bot.send(ADMIN_ID, "A & B <b>停車</b> *_[")
    await bot.press(ADMIN_ID, "略過")
    await bot.press(ADMIN_ID, "略過")
    preview = await bot.press(ADMIN_ID, "聯絡")
    assert "<script>x</script> 停車？" in preview.text
    assert "A & B <b>停車</b> *_[" in preview.text
    saved = await bot.press(ADMIN_ID, "確認儲存")
    assert "A & B <b>停車</b> *_[" in saved.text
    bot.user(TEACHER_ID)
    reply = await bot.send(TEACHER_ID, "<script>x</script> 停車？")
    assert reply.text == "A & B <b>停車</b> *_["
    assert "&lt;b&gt;" in str(reply.last.params["text"])


async def test_teachers_cannot_edit_the_faq(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    reply = await bot.send(TEACHER_ID, "/faqedit")
    assert "僅供教育局與資源中心人員使用" in reply.text


async def test_a_forged_answer_this_button_from_a_teacher_is_refused(bot: BotUnderTest):
    await _teachers_ask(bot, PARKING)
    menu = await bot.send(TEACHER_ID, "/faq")
    for data in ("fa:u:1", "fa:0123abcd:save"):
        reply = await bot.driver.press_data(TEACHER_ID, menu.last.message_id, data, forge=True)
        assert reply.toasts == ["這個指令僅供教育局與資源中心人員使用。"]
    assert DRAFT_KEY not in bot.application.user_data[TEACHER_ID]


async def test_the_role_is_checked_again_on_every_press(make_bot: MakeBot):
    bot = await make_bot(today=TODAY)
    bot.user(ADMIN_ID, "賴承辦")
    await bot.send(ADMIN_ID, "/faqedit")
    await bot.press(ADMIN_ID, "新增問答")
    await bot.send(ADMIN_ID, "研習在哪裡？")
    await bot.send(ADMIN_ID, "在資源中心。")
    demoted = await make_bot(today=TODAY, BOT_ADMIN_IDS=frozenset())
    reply = await demoted.press(ADMIN_ID, "略過")
    assert reply.toasts == ["這個指令僅供教育局與資源中心人員使用。"]
    bot.user(TEACHER_ID)
    answer = await demoted.send(TEACHER_ID, "研習在哪裡？")
    assert "在資源中心。" not in answer.text


async def test_the_conversation_resumes_after_a_restart(make_bot: MakeBot):
    bot = await make_bot(today=TODAY)
    bot.user(ADMIN_ID, "賴承辦")
    await bot.send(ADMIN_ID, "/faqedit")
    await bot.press(ADMIN_ID, "新增問答")
    await bot.send(ADMIN_ID, "研習在哪裡？")
    restarted = await make_bot(today=TODAY)
    english_step = await restarted.send(ADMIN_ID, "在資源中心。")
    assert "英文回答" in english_step.text


async def test_buttons_of_an_older_menu_say_the_menu_expired(bot: BotUnderTest):
    bot.user(ADMIN_ID, "賴承辦")
    first = await bot.send(ADMIN_ID, "/faqedit")
    await bot.send(ADMIN_ID, "/faqedit")
    reply = await bot.press(ADMIN_ID, "新增問答", message_id=first.last.message_id)
    assert reply.toasts == ["這個選單已過期，請重新輸入指令。"]


async def test_an_abandoned_edit_times_out_and_lets_questions_through_again(bot: BotUnderTest):
    bot.user(ADMIN_ID, "賴承辦")
    await bot.send(ADMIN_ID, "/faqedit")
    await bot.press(ADMIN_ID, "新增問答")
    draft = bot.application.user_data[ADMIN_ID][DRAFT_KEY]
    draft["expires_at"] = (bot.services.clock.now() - dt.timedelta(minutes=1)).isoformat()
    # Saved as a step would save it: each update reads the drafts from the database.
    bot.application.mark_data_for_update_persistence(user_ids=ADMIN_ID)
    await bot.application.update_persistence()
    timed_out = await bot.send(ADMIN_ID, "研習在哪裡？")
    assert "逾時" in timed_out.text
    question = await bot.send(ADMIN_ID, "申請截止日是什麼時候？")
    assert "111年9月21日" in question.text


async def test_cancel_ends_the_edit(bot: BotUnderTest):
    bot.user(ADMIN_ID, "賴承辦")
    await bot.send(ADMIN_ID, "/faqedit")
    await bot.press(ADMIN_ID, "新增問答")
    cancelled = await bot.send(ADMIN_ID, "/cancel")
    assert "已取消" in cancelled.text
    question = await bot.send(ADMIN_ID, "申請截止日是什麼時候？")
    assert "111年9月21日" in question.text


async def test_unanswered_questions_of_another_program_year_are_not_listed(make_bot: MakeBot):
    early = await make_bot(today=dt.date(2022, 8, 20))
    await _teachers_ask(early, PARKING)
    bot = await make_bot(today=TODAY)
    bot.user(ADMIN_ID, "賴承辦")
    reply = await bot.send(ADMIN_ID, "/unanswered")
    assert "目前沒有未能回答的問題" in reply.text


async def test_a_saved_entry_is_in_the_audit_log(bot: BotUnderTest):
    await _teachers_ask(bot, PARKING)
    bot.user(ADMIN_ID, "賴承辦")
    await _answer_parking_from_the_unanswered_list(bot)
    log = await bot.send(ADMIN_ID, "/audit")
    assert "賴承辦" in log.text and "儲存常見問題 staff-1" in log.text
