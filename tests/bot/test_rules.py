"""Membership and activity-date rules of the letter."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.program import load_program
from bot.rules import (
    InvalidName,
    MemberDraft,
    RuleProblem,
    activity_date_problem,
    clean_member_name,
    describe_date_problem,
    describe_problems,
    member_problems,
)

PROGRAM = load_program()


def _members(gifted: int, others: int) -> list[MemberDraft]:
    return [MemberDraft(f"資優老師{i}", True) for i in range(gifted)] + [
        MemberDraft(f"普通班老師{i}", False) for i in range(others)
    ]


def _keys(problems: list[RuleProblem]) -> list[str]:
    return [problem.key for problem in problems]


def test_four_members_with_one_gifted_teacher_make_a_valid_co_planning_community() -> None:
    assert member_problems(PROGRAM, "co_planning", _members(1, 3)) == []


def test_six_members_with_two_gifted_teachers_make_a_valid_curriculum_community() -> None:
    assert member_problems(PROGRAM, "curriculum", _members(2, 4)) == []


def test_a_co_planning_community_of_three_needs_one_more_member() -> None:
    problems = member_problems(PROGRAM, "co_planning", _members(1, 2))
    assert problems == [
        RuleProblem(
            "too_few_members",
            {
                "missing": 1,
                "count": 3,
                "required": 4,
                "type_name": "共備精進學習社群",
                "type_name_en": "co-planning & refinement learning community",
            },
        )
    ]
    assert describe_problems(problems, "zh-TW") == [
        "還需要 1 位成員（共備精進學習社群為4人，目前3人）"
    ]


def test_a_co_planning_community_of_five_is_too_big_because_the_letter_says_four() -> None:
    problems = member_problems(PROGRAM, "co_planning", _members(1, 4))
    assert _keys(problems) == ["too_many_members"]
    assert describe_problems(problems, "zh-TW")[0].startswith("社群參與人數為4人")


def test_a_curriculum_community_with_one_gifted_teacher_lacks_one() -> None:
    problems = member_problems(PROGRAM, "curriculum", _members(1, 5))
    assert _keys(problems) == ["too_few_gifted"]
    assert describe_problems(problems, "zh-TW") == ["資優班教師至少2人，目前1人"]


def test_a_co_planning_community_without_gifted_teachers_is_told_so() -> None:
    problems = member_problems(PROGRAM, "co_planning", _members(0, 4))
    assert describe_problems(problems, "zh-TW") == ["資優班教師至少1人，目前0人"]


def test_the_same_name_typed_twice_with_different_spacing_is_a_duplicate() -> None:
    members = [
        MemberDraft("王小明", True),
        MemberDraft("王 小明", False),
        MemberDraft("ＬＩＮ　Mei", False),
        MemberDraft("lin mei", False),
    ]
    problems = member_problems(PROGRAM, "co_planning", members)
    assert _keys(problems) == ["duplicate_name", "duplicate_name"]
    assert problems[0].values == {"name": "王小明"}


def test_a_name_listed_three_times_is_reported_once() -> None:
    members = [MemberDraft("陳老師", True)] * 3 + [MemberDraft("林老師", False)]
    assert _keys(member_problems(PROGRAM, "co_planning", members)) == ["duplicate_name"]


def test_an_empty_list_has_every_problem_it_can_have() -> None:
    problems = member_problems(PROGRAM, "curriculum", [])
    assert _keys(problems) == ["too_few_members", "too_few_gifted"]


def test_a_blank_member_name_is_a_problem() -> None:
    members = [*_members(1, 2), MemberDraft("   ", False)]
    assert _keys(member_problems(PROGRAM, "co_planning", members)) == ["name_empty"]


def test_an_unknown_community_type_is_refused() -> None:
    with pytest.raises(KeyError):
        member_problems(PROGRAM, "no_such_type", [])


def test_every_problem_reads_in_english_with_the_english_type_name() -> None:
    problems = member_problems(PROGRAM, "curriculum", _members(0, 7))
    texts = describe_problems(problems, "en")
    assert len(texts) == 2
    assert "curriculum research & creation learning community" in texts[0]
    assert "{" not in "".join(texts)


def test_every_problem_key_has_a_text_in_both_languages() -> None:
    problems = [
        *member_problems(PROGRAM, "co_planning", []),
        *member_problems(PROGRAM, "co_planning", _members(1, 9)),
        RuleProblem("duplicate_name", {"name": "王小明"}),
        RuleProblem("name_empty", {"name": ""}),
        RuleProblem("name_too_long", {"name": "x" * 41}),
        RuleProblem("name_not_text", {"name": "\x00"}),
    ]
    for language in ("zh-TW", "en"):
        assert all(describe_problems(problems, language))


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("  王小明 ", "王小明"),
        ("Lin   Mei", "Lin Mei"),
        ("ＬＩＮ　Ｍｅｉ", "ＬＩＮ Ｍｅｉ"),  # letters kept as typed; the space is tidied
        ("王\u200b小明", "王小明"),
        ("陳\n老師", "陳 老師"),
    ],
)
def test_a_member_name_is_tidied(typed: str, clean: str) -> None:
    assert clean_member_name(typed) == clean


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\u3000\n", "empty"),
        ("\x00\x01", "not_text"),
        ("\u200b", "not_text"),
        ("名" * 41, "too_long"),
        ("2", "no_letters"),
        ("。", "no_letters"),
        ("-- 3", "no_letters"),
    ],
)
def test_a_name_that_cannot_be_used_says_why(typed: str, reason: str) -> None:
    with pytest.raises(InvalidName) as caught:
        clean_member_name(typed)
    assert caught.value.reason == reason


def test_a_forty_character_name_is_allowed() -> None:
    assert clean_member_name("名" * 40) == "名" * 40


@given(st.text())
def test_any_text_either_cleans_to_a_short_name_or_says_why(text: str) -> None:
    try:
        name = clean_member_name(text)
    except InvalidName as error:
        assert error.reason in {"empty", "too_long", "not_text", "no_letters"}
    else:
        assert 1 <= len(name) <= 40
        assert any(ch.isalpha() for ch in name)
        assert name == name.strip()
        assert clean_member_name(name) == name


@pytest.mark.parametrize(
    ("day", "today", "problem"),
    [
        (dt.date(2022, 10, 5), dt.date(2022, 10, 14), None),
        (dt.date(2022, 9, 1), dt.date(2022, 9, 1), None),
        (dt.date(2023, 7, 31), dt.date(2023, 8, 15), None),
        (dt.date(2022, 8, 31), dt.date(2022, 10, 14), "outside_period"),
        (dt.date(2023, 8, 1), dt.date(2023, 8, 15), "outside_period"),
        (dt.date(2022, 10, 15), dt.date(2022, 10, 14), "future"),
    ],
)
def test_an_activity_date_must_be_in_the_period_and_not_in_the_future(
    day: dt.date, today: dt.date, problem: str | None
) -> None:
    assert activity_date_problem(PROGRAM, day, today) == problem


def test_the_date_problems_read_with_the_period_in_roc_dates() -> None:
    today = dt.date(2022, 10, 14)
    text = describe_date_problem(PROGRAM, "outside_period", today, "zh-TW")
    assert "111年9月1日（四）" in text
    assert "112年7月31日（一）" in text
    assert "Fri 14 October 2022" in describe_date_problem(PROGRAM, "future", today, "en")


def test_typed_text_is_stored_as_typed_only_composed():
    from bot.rules import tidy_text

    assert tidy_text("本校（二樓）：會議室，Ａ棟", 100) == "本校（二樓）：會議室，Ａ棟"
    # Canonical composition only: e + combining acute becomes é, nothing else changes.
    assert tidy_text("Cafe\u0301", 100) == "Caf\u00e9"
    assert tidy_text("  王   小明\u200b ", 100) == "王 小明"
    assert tidy_text("一\n\n\n\n二 ", 100, multiline=True) == "一\n\n二"
    assert tidy_text("一\n二", 100) == "一 二"


def test_names_compare_equal_across_widths_while_each_is_stored_as_typed():
    program = load_program()
    members = [MemberDraft("ＡＢＣ", True), MemberDraft("ABC", False)]
    keys = {problem.key for problem in member_problems(program, "co_planning", members)}
    assert any("duplicate" in key for key in keys), keys
