"""Teachers ask in their own words, browse by topic, and every question is kept for the staff."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from support import TEACHER_ID, BotUnderTest, MakeBot

from db.models import QuestionAsked

DEADLINE_QUESTION = "申請截止日是什麼時候？"
CONTACT = "07-3118935#64"


def _labels(reply_message) -> list[str]:
    return [label for row in reply_message.buttons for label, _ in row]


def _callback_data(bot: BotUnderTest) -> list[str]:
    return [
        str(data)
        for message in bot.standin.sent_messages()
        for row in message.buttons
        for _, data in row
    ]


async def _stored(bot: BotUnderTest) -> list[QuestionAsked]:
    async with bot.services.database.session() as session:
        return list(await session.scalars(select(QuestionAsked).order_by(QuestionAsked.id)))


async def test_a_question_about_the_deadline_is_answered_with_the_date_and_its_source(
    bot: BotUnderTest,
):
    bot.user(TEACHER_ID)
    reply = await bot.send(TEACHER_ID, DEADLINE_QUESTION)
    assert "111年9月21日" in reply.text
    assert "還有19天" in reply.text
    assert "說明三" in reply.text
    assert len(reply.messages) == 1


async def test_answers_offer_related_follow_ups_as_buttons_that_answer_them(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    reply = await bot.send(TEACHER_ID, DEADLINE_QUESTION)
    assert "申請要交哪些資料？" in _labels(reply.last)
    follow_up = await bot.press(TEACHER_ID, "申請要交哪些資料？")
    assert "一式兩份" in follow_up.text


async def test_answers_respect_the_date_after_the_deadline(make_bot: MakeBot):
    bot = await make_bot(today=dt.date(2022, 9, 25))
    bot.user(TEACHER_ID)
    reply = await bot.send(TEACHER_ID, DEADLINE_QUESTION)
    assert "已於111年9月21日" in reply.text and "截止" in reply.text
    assert "還有" not in reply.text


async def test_an_unclear_question_is_not_guessed_but_offers_likely_questions_and_the_contact(
    bot: BotUnderTest,
):
    bot.user(TEACHER_ID)
    reply = await bot.send(TEACHER_ID, "那個東西要怎麼弄比較好")
    assert "不確定" in reply.text
    assert "您是不是想問" in reply.text
    assert "劉書伶" in reply.text and CONTACT in reply.text
    labels = _labels(reply.last)
    assert 1 <= len(labels) <= 3
    answer = await bot.press(TEACHER_ID, labels[0])
    assert "不確定" not in answer.text
    assert "來源" in answer.text


async def test_off_topic_questions_get_the_fallback(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    reply = await bot.send(TEACHER_ID, "今天天氣如何？明天會下雨嗎？")
    assert "不在「111學年度" in reply.text and "範圍內" in reply.text
    assert CONTACT in reply.text


async def test_greetings_and_thanks_get_a_short_friendly_reply_not_a_program_fact(
    bot: BotUnderTest,
):
    bot.user(TEACHER_ID)
    hello = await bot.send(TEACHER_ID, "你好")
    assert "您好" in hello.text and "來源" not in hello.text
    thanks = await bot.send(TEACHER_ID, "謝謝！")
    assert "不客氣" in thanks.text and "來源" not in thanks.text
    topics = await bot.press(TEACHER_ID, "依主題瀏覽")
    assert "經費" in _labels(topics.last)


async def test_english_questions_get_english_answers_and_english_follow_ups(bot: BotUnderTest):
    bot.user(TEACHER_ID, "Mary", language_code="en")
    reply = await bot.send(TEACHER_ID, "When is the application deadline?")
    assert "September 21, 2022 (19 days left)" in reply.text
    labels = _labels(reply.last)
    assert labels and all(label.isascii() for label in labels)
    follow_up = await bot.press(TEACHER_ID, labels[0])
    assert "(Source: letter" in follow_up.text


async def test_faq_shows_the_seven_topics_and_leads_to_the_answers(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    menu = await bot.send(TEACHER_ID, "/faq")
    assert _labels(menu.last) == ["申請", "社群類型", "人數", "活動規定", "經費", "時程", "聯絡"]
    topic = await bot.press(TEACHER_ID, "人數")
    assert topic.last.message_id == menu.last.message_id
    assert "社群要幾個人？" in _labels(topic.last)
    answer = await bot.press(TEACHER_ID, "社群要幾個人？")
    assert "4人" in answer.text and "6人" in answer.text
    back = await bot.press(TEACHER_ID, "回到主題", message_id=menu.last.message_id)
    assert "聯絡" in _labels(back.last)


async def test_faq_is_in_english_for_english_speakers(bot: BotUnderTest):
    bot.user(TEACHER_ID, "Mary", language_code="en")
    menu = await bot.send(TEACHER_ID, "/faq")
    assert "Funding" in _labels(menu.last)
    topic = await bot.press(TEACHER_ID, "Funding")
    question = _labels(topic.last)[0]
    answer = await bot.press(TEACHER_ID, question)
    assert "(Source: letter" in answer.text


async def test_every_button_fits_telegrams_64_byte_callback_limit(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    await bot.send(TEACHER_ID, "/faq")
    for topic in ("申請", "社群類型", "人數", "活動規定", "經費", "時程", "聯絡"):
        await bot.press(TEACHER_ID, topic)
        await bot.press(TEACHER_ID, "回到主題")
    await bot.send(TEACHER_ID, "那個東西要怎麼弄比較好")
    data = _callback_data(bot)
    assert data and all(len(item.encode()) <= 64 for item in data)


async def test_a_button_for_an_entry_that_no_longer_exists_says_so(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    menu = await bot.send(TEACHER_ID, "/faq")
    reply = await bot.driver.press_data(
        TEACHER_ID, menu.last.message_id, "qa:e:no_such_entry", forge=True
    )
    assert "找不到這個問題" in reply.text
    assert CONTACT in reply.text


async def test_a_stale_topic_button_says_the_menu_expired(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    menu = await bot.send(TEACHER_ID, "/faq")
    reply = await bot.driver.press_data(TEACHER_ID, menu.last.message_id, "qa:t:gone", forge=True)
    assert "過期" in reply.text


async def test_every_question_is_stored_with_the_answer_and_its_confidence(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    await bot.send(TEACHER_ID, DEADLINE_QUESTION)
    await bot.send(TEACHER_ID, "停車位在哪裡？")
    await bot.send(TEACHER_ID, "謝謝")
    answered, missed, thanks = await _stored(bot)
    assert (answered.text, answered.answered, answered.user_id) == (
        DEADLINE_QUESTION,
        True,
        TEACHER_ID,
    )
    assert answered.score >= 0.55 and answered.entry_id and answered.source == "說明三"
    assert answered.normalised == "申請截止日是什麼時候"
    assert (missed.answered, missed.entry_id) == (False, None)
    assert missed.score < 0.55
    assert thanks.answered is True
    assert answered.asked_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date() == dt.date(
        2022, 9, 2
    )


async def test_browsing_is_not_stored_as_a_question(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    await bot.send(TEACHER_ID, "/faq")
    await bot.press(TEACHER_ID, "經費")
    assert await _stored(bot) == []


async def test_a_4096_character_question_is_answered_and_stored_truncated(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    question = "經費" + "啊" * 4094
    reply = await bot.send(TEACHER_ID, question)
    assert reply.text
    (row,) = await _stored(bot)
    assert row.text.startswith("經費啊")
    assert len(row.text) < len(question)
    assert len(row.normalised) <= 512


async def test_bad_input_gets_a_polite_reply_and_is_never_echoed_unescaped(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    for text in (
        "   ",
        "😀😀😀",
        "？？！！……",
        "<script>alert(1)</script>",
        "A & B <b>bold</b>",
        "*_[link](http://x)_*",
        "經費\x00\x07\x1b怎麼算",
        "Funding 經費 сколько どのくらい",
    ):
        reply = await bot.send(TEACHER_ID, text)
        assert len(reply.messages) == 1, text
        sent = reply.last
        assert sent.text, text
        assert sent.params["parse_mode"] == "HTML"
        raw = str(sent.params["text"])
        assert "<script>" not in raw and "<b>bold</b>" not in raw, text


async def test_emoji_only_questions_ask_for_a_question_in_words(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    reply = await bot.send(TEACHER_ID, "🙏🙏")
    assert "請直接輸入您想問的問題" in reply.text
    assert await _stored(bot) == []


async def test_the_chat_text_is_exactly_the_engines_answer(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    engine = await bot.services.qa_engine()
    for question in (DEADLINE_QUESTION, "停車位在哪", "你好", "A & B < C"):
        reply = await bot.send(TEACHER_ID, question)
        assert reply.last.text == engine.answer(question, dt.date(2022, 9, 2)).text


async def test_questions_in_groups_are_not_answered(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    bot.standin.add_group(-100123, "資優社群群組")
    reply = await bot.process(bot.standin.user_sends_in_group(TEACHER_ID, -100123, "經費多少？"))
    assert reply.messages == []
    assert await _stored(bot) == []


async def test_a_question_is_kept_once_even_when_the_finishing_save_failed_and_it_came_again(
    make_bot: MakeBot, monkeypatch
):
    bot = await make_bot(today=dt.date(2022, 9, 2))
    bot.user(TEACHER_ID)
    update = bot.standin.user_sends_text(TEACHER_ID, DEADLINE_QUESTION)

    from db import updates

    real_mark = updates.mark_processed

    async def database_gone(*args, **kwargs):
        raise ConnectionError("database went away")

    monkeypatch.setattr(updates, "mark_processed", database_gone)
    await bot.process(update)
    assert await _stored(bot) == []  # neither the question nor the "handled" mark was saved

    monkeypatch.setattr(updates, "mark_processed", real_mark)
    await bot.process(update)  # Telegram delivers it again
    await bot.process(update)  # and again: now it is known as handled
    assert [q.text for q in await _stored(bot)] == [DEADLINE_QUESTION]
