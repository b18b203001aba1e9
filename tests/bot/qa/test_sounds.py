"""Typos from sound: a slip that sounds like a program word gets that word's answer, and an
ordinary word that merely sounds like one is left alone."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.qa import QaEngine
from bot.qa.sounds import SoundAlike

TODAY = dt.date(2022, 9, 10)

# None of these slips is in faq.toml's hand list.
SLIPS = [
    ("公開售課要幾次？", "公開授課要幾次？"),
    ("召集忍要做什麼？", "召集人要做什麼？"),
    ("分享匯什麼時候辦？", "分享會什麼時候辦？"),
    ("資游班老師要有幾位？", "資優班老師要有幾位？"),
    ("經費什麼時候撥伏？", "經費什麼時候撥付？"),
    ("概算表要盍章嗎？", "概算表要核章嗎？"),
    ("劉書玲老師的電話？", "劉書伶老師的電話？"),
]


@pytest.mark.parametrize(("slip", "meant"), SLIPS)
def test_a_slip_that_sounds_like_a_program_word_gets_its_answer(
    engine: QaEngine, slip: str, meant: str
) -> None:
    answer = engine.answer(slip, TODAY)
    assert answer.answered
    assert answer.text == engine.answer(meant, TODAY).text


def test_ordinary_words_that_sound_like_program_words_stay_themselves() -> None:
    sounds = SoundAlike.build(["遲交", "核章", "費用", "資優"], known_texts=["提交申請"])
    assert sounds.apply("提交") == "提交"  # a word of the program's texts, not 遲交
    assert sounds.apply("盍章") == "核章"
    # A run that keeps none of the word's characters is no slip of it (自由 ≠ 資優).
    assert sounds.apply("自由參加") == "自由參加"


def test_a_character_of_a_word_typed_right_is_never_changed() -> None:
    sounds = SoundAlike.build(["召集", "召集人", "經費"], known_texts=[])
    assert sounds.apply("召集忍") == "召集人"
    assert sounds.apply("經費") == "經費"


_PROGRAM_TEXTS = ["概算表要核章嗎", "經費分兩期撥付", "共備社群要公開授課幾次"]


@given(
    st.sampled_from(_PROGRAM_TEXTS).flatmap(
        lambda text: st.tuples(st.just(text), st.integers(0, len(text)), st.integers(0, len(text)))
    )
)
def test_any_piece_of_the_programs_own_texts_reads_as_typed(
    piece: tuple[str, int, int],
) -> None:
    text, start, end = piece
    sounds = SoundAlike.build(["核章", "經費", "撥付", "公開授課", "共備"], _PROGRAM_TEXTS)
    fragment = text[min(start, end) : max(start, end)]
    assert sounds.apply(fragment) == fragment
