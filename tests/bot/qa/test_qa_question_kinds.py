"""Kinds of question the engine reads as such: comparisons, verdicts checked count for count,
days named relative to today or without their month, and what the letter leaves open."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.qa import QaEngine

TODAY = dt.date(2022, 9, 10)  # before the deadline, in the implementation period


def test_a_comparison_answers_both_sides(engine: QaEngine) -> None:
    answer = engine.answer("公開授課跟專業對話有什麼不同", TODAY)
    assert answer.answered
    for fact in ("1次公開授課", "2次公開授課", "1次專業對話", "2次專業對話"):
        assert fact in answer.text


def test_two_things_the_letter_names_apart_are_not_the_same(engine: QaEngine) -> None:
    answer = engine.answer("申請計畫跟核章經費概算表是一樣的東西嗎？", TODAY)
    assert answer.text.startswith("不是。")
    assert "申請計畫" in answer.text and "核章經費概算表" in answer.text


def test_a_plan_for_two_things_is_no_comparison(engine: QaEngine) -> None:
    answer = engine.answer("專業對話跟公開授課可以同一天辦嗎", TODAY)
    assert not answer.answered


@pytest.mark.parametrize(
    ("question", "today", "word"),
    [
        ("9月21日當天送到還算嗎", TODAY, "是的"),
        ("21號當天送可以嗎", TODAY, "可以"),
        ("9月25日送可以嗎", TODAY, "不行"),
        ("明天就截止了嗎", dt.date(2022, 9, 20), "是的"),
        ("下週就是發表會了嗎", dt.date(2023, 6, 28), "是的"),
        ("今年的計畫開始了嗎", dt.date(2022, 8, 20), "不是"),
    ],
)
def test_days_are_checked_against_the_letter(
    engine: QaEngine, question: str, today: dt.date, word: str
) -> None:
    answer = engine.answer(question, today)
    assert answer.answered
    assert answer.text.startswith(word), answer.text


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("補助款是一次全部撥下來嗎？", "不是"),
        ("截止日是星期五嗎", "不是"),
        ("截止日是九月二十一號嗎", "是的"),
        ("申請資料要核章嗎？", "是的"),
        ("我們只交了申請計畫，沒有概算表，這樣可以嗎？", "不行"),
        ("成果分享會可以辦在別校嗎", "不行"),
    ],
)
def test_claims_are_checked_against_the_facts(engine: QaEngine, question: str, word: str) -> None:
    assert engine.answer(question, TODAY).text.startswith(word)


def test_no_verdict_about_what_the_answer_does_not_speak_of(engine: QaEngine) -> None:
    text = engine.answer("資優班老師一定要當召集人嗎", TODAY).text
    assert not text.startswith(("是", "不"))


def test_the_letter_gives_no_email_for_the_help_contact(engine: QaEngine) -> None:
    answer = engine.answer("劉老師的email是多少？", TODAY)
    assert not answer.answered
    assert "3118935" in answer.text


def test_a_count_still_missing_is_answered_without_a_verdict(engine: QaEngine) -> None:
    text = engine.answer("我們研創社群辦了5次活動，還要辦幾次？", TODAY).text
    assert "還差 3 次" in text
    assert not text.startswith(("是", "不"))


@pytest.mark.parametrize(
    ("question", "day"),
    [
        ("我們學校不在受文名單上可以申請嗎", TODAY),  # the letter names schools, allows none
        ("現在還可以登錄活動嗎", dt.date(2023, 8, 1)),  # answered with the activity counts
    ],
)
def test_no_permission_is_given_by_a_rule_that_neither_allows_nor_forbids(
    engine: QaEngine, question: str, day: dt.date
) -> None:
    answer = engine.answer(question, day)
    assert not answer.text.startswith("可以")
