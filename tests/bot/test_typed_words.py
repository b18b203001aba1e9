"""Words typed for a button or a command: any script, width or case; numbers of a list."""

from __future__ import annotations

import pytest

from bot.typed_words import is_one_of, is_skip_word, listed_number


@pytest.mark.parametrize("typed", ["略過", "跳過", "略过", "跳过", " skip ", "ＳＫＩＰ", "Skip"])
def test_skip_words_in_any_script_width_or_case(typed: str) -> None:
    assert is_skip_word(typed, "zh-TW")
    assert is_skip_word(typed, "en")


@pytest.mark.parametrize("typed", ["數學", "略", "不略過", ""])
def test_other_answers_are_not_skip_words(typed: str) -> None:
    assert not is_skip_word(typed, "zh-TW")


def test_simplified_chinese_is_compared_as_traditional() -> None:
    assert is_one_of("进度", ["進度"])
    assert is_one_of("登录社群", ["登錄社群"])
    assert not is_one_of("進度表", ["進度"])


NUMBERS = [("1", 1), ("１", 1), ("2.", 2), ("第3", 3), (" 3 ", 3)]
NOT_NUMBERS = [("4", None), ("0", None), ("一", None)]


@pytest.mark.parametrize(("typed", "number"), [*NUMBERS, *NOT_NUMBERS])
def test_the_number_of_a_listed_choice(typed: str, number: int | None) -> None:
    assert listed_number(typed, 3) == number


def test_typed_done_words_mean_the_done_button() -> None:
    from bot.typed_words import is_done_word

    assert all(is_done_word(word, "zh-TW") for word in ("完成", "好了", "DONE", "完 成"))
    assert not is_done_word("完成了三張照片的說明", "zh-TW")
