"""Questions that a neighbouring fact would mislead: another means of doing something, spending
the letter does not settle, and the teacher's own scenario."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.qa import QaEngine

TODAY = dt.date(2022, 9, 10)  # before the deadline, in the implementation period


@pytest.mark.parametrize(
    "question",
    ["可以用email寄申請資料嗎", "申請可以線上送件嗎", "申請資料可以傳真嗎", "計畫書能上傳嗎"],
)
def test_another_way_of_submitting_gets_no_and_the_paper_rule(
    engine: QaEngine, question: str
) -> None:
    answer = engine.answer(question, TODAY)
    assert answer.answered
    assert answer.text.startswith("不行。")
    assert "一式兩份" in answer.text and "資優教育資源中心" in answer.text
    assert "marian07" not in answer.text  # not the e-mail address, a neighbouring fact


def test_submitting_by_email_in_english_gets_no(engine: QaEngine) -> None:
    answer = engine.answer("Can we submit the application by email?", TODAY)
    assert answer.text.startswith("No.")
    assert "paper" in answer.text


def test_asking_for_the_email_address_still_gets_it(engine: QaEngine) -> None:
    answer = engine.answer("承辦人的email是什麼", TODAY)
    assert answer.answered and "marian07@kcg.gov.tw" in answer.text


@pytest.mark.parametrize("question", ["可以用經費買茶點嗎", "經費能購買文具嗎", "可以買器材嗎"])
def test_spending_the_letter_does_not_settle_says_so_and_is_not_claimed_as_answered(
    engine: QaEngine, question: str
) -> None:
    answer = engine.answer(question, TODAY)
    assert "沒有規定" in answer.text
    assert not answer.answered  # so it reaches /unanswered for staff to teach


def test_a_group_is_checked_against_each_type_and_the_fitting_one_named(engine: QaEngine) -> None:
    answer = engine.answer("我們有4位老師、1位是資優班，可以申請哪一類？", TODAY)
    assert answer.kind == "scenario" and answer.answered
    assert "共備精進學習社群：參與人數 4 人、資優班教師至少 1 人，符合" in answer.text
    assert (
        "課程研創學習社群：參與人數 6 人、資優班教師至少 2 人，還差 2 人、資優班教師還差 1 人"
        in answer.text
    )
    assert "符合的類型：共備精進學習社群" in answer.text
    assert "（來源：說明二(二)）" in answer.text


def test_the_verdict_is_about_the_teachers_group_not_the_numbers_they_typed(
    engine: QaEngine,
) -> None:
    answer = engine.answer("三位資優班+一位普通班，共備人數夠嗎？", TODAY)
    assert answer.text.startswith("夠。")
    assert "4 位老師（其中資優班教師 3 位）" in answer.text


def test_a_group_short_of_gifted_teachers_gets_no_in_english(engine: QaEngine) -> None:
    answer = engine.answer(
        "All four of our teachers teach regular classes, none in a gifted class. "
        "Can we form a co-planning community?",
        TODAY,
    )
    assert answer.text.startswith("No.")
    assert "at least 1" in answer.text


@pytest.mark.parametrize(
    ("question", "start", "expected"),
    [
        (
            "共備社群辦了4次活動，其中2次專業對話，但還沒有公開授課，這樣符合規定嗎？",
            "不是。",
            "還差 1 次公開授課",
        ),
        (
            "我們是課程研創社群，做了3次專業對話、1次公開授課，這樣夠嗎？",
            "不是，還不夠。",
            "還差 4 次社群運作活動",
        ),
        ("研創社群上學期做了1次公開授課，下學期再做1次，公開授課次數這樣夠嗎？", "夠。", "符合"),
    ],
)
def test_activities_are_counted_by_the_progress_rules(
    engine: QaEngine, question: str, start: str, expected: str
) -> None:
    answer = engine.answer(question, TODAY)
    assert answer.kind == "scenario"
    assert answer.text.startswith(start), answer.text
    assert expected in answer.text


@pytest.mark.parametrize(
    ("question", "start", "expected"),
    [
        ("我們星期四9月22日才送，來得及嗎？", "不行，來不及了。", "晚了 1 天"),
        ("9/20送件可以嗎", "可以。", "111年9月20日（二）在申請截止日111年9月21日（三）之前"),
        ("Can we still submit on September 23?", "No.", "after the application deadline"),
    ],
)
def test_a_day_to_hand_in_is_compared_with_the_deadline(
    engine: QaEngine, question: str, start: str, expected: str
) -> None:
    answer = engine.answer(question, TODAY)
    assert answer.text.startswith(start) and expected in answer.text


def test_a_claim_about_the_deadline_itself_is_checked_as_a_claim(engine: QaEngine) -> None:
    answer = engine.answer("申請截止日是9月30日嗎", TODAY)
    assert answer.text.startswith("不是。") and "111年9月21日" in answer.text
    assert "晚了" not in answer.text


@pytest.mark.parametrize(
    ("question", "start"),
    [
        ("我們想把一次社群活動排在112年8月，這樣還在實施期程內嗎？", "不是。"),
        ("8月15日辦專業對話可以嗎", "不行。"),
    ],
)
def test_a_day_for_an_activity_is_checked_against_the_period(
    engine: QaEngine, question: str, start: str
) -> None:
    answer = engine.answer(question, TODAY)
    assert answer.text.startswith(start)
    assert "不在實施期程（111年9月1日至112年7月31日）之內" in answer.text


def test_english_answers_count_in_the_singular_for_one(engine: QaEngine) -> None:
    text = engine.answer("How many members does each community type need?", TODAY).text
    assert "at least 1 gifted-class teacher;" in text
    assert "at least 2 gifted-class teachers;" in text
    assert "(s)" not in text
