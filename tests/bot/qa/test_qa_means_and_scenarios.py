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
