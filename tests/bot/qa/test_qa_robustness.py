"""Bad input never breaks the engine: every answer is polite text within Telegram's limit."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.qa import QaEngine

TODAY = dt.date(2022, 9, 10)
LIMIT = 4096

BAD_INPUTS = [
    "",
    " ",
    "\n\t",
    "共" * 4096,
    "截止" * 2048,
    "a" * 4096,
    "😀😀😀",
    "🙏",
    "？？？",
    "!!!...,,,",
    "<script>alert(1)</script>",
    "<b>經費</b>",
    "&",
    "&amp; 經費 &lt;",
    "*_[",
    "*經費*_[截止]_",
    "\x00\x01\x02截止\x7f",
    "\u200b\u200d\ufeff",
    "共備 funding 多少 money？",
    "經費💰多少",
    "ㄅㄆㄇ",
    "١٢٣",
    "Ωμέγα",
    "{deadline}",
    "{0}{}{",
    "%s %d",
    "\ud800",
]


@pytest.mark.parametrize("text", BAD_INPUTS, ids=range(len(BAD_INPUTS)))
def test_bad_input_gets_polite_reply(engine: QaEngine, text: str) -> None:
    """No exception; non-empty text; within the limit."""
    answer = engine.answer(text, TODAY)
    assert answer.text.strip()
    assert len(answer.text) <= LIMIT
    assert 0.0 <= answer.score <= 1.0


@pytest.mark.parametrize("text", ["", "   ", "😀😀😀", "？？？", "*_[", "\x00\x01"])
def test_contentless_input_is_not_answered(engine: QaEngine, text: str) -> None:
    """Input without words is not treated as a question."""
    answer = engine.answer(text, TODAY)
    assert not answer.answered
    assert answer.kind == "empty"


def test_markup_is_not_echoed(engine: QaEngine) -> None:
    """Answers never echo the user's markup back."""
    answer = engine.answer("<script>alert(1)</script> 截止", TODAY)
    assert "<script>" not in answer.text


def test_long_question_is_still_answered(engine: QaEngine) -> None:
    """A long padded question is analysed by its head and still answered."""
    answer = engine.answer("申請截止日是什麼時候？" + " " * 4000, TODAY)
    assert answer.answered and answer.entry_id == "deadline"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=5000), day=st.dates(dt.date(2020, 1, 1), dt.date(2026, 12, 31)))
def test_answer_never_raises(engine: QaEngine, text: str, day: dt.date) -> None:
    """Any text on any day gets an answer within the limit."""
    answer = engine.answer(text, day)
    assert isinstance(answer.text, str) and answer.text
    assert len(answer.text) <= LIMIT
    assert len(answer.suggestions) <= 3
    assert len(answer.related) <= 3


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(
        alphabet=st.sampled_from(list("共備研創社群經費截止人數幾次多少錢嗎？ abcdeflinhowmuch")),
        max_size=60,
    )
)
def test_program_vocabulary_soup_never_raises(engine: QaEngine, text: str) -> None:
    """Random mixes of program words are handled too."""
    answer = engine.answer(text, TODAY)
    assert len(answer.text) <= LIMIT
