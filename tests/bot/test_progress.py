"""Progress of a community against what the letter requires of its type."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from bot.i18n import LANGUAGES
from bot.program import Program, load_program, with_dates
from bot.progress import (
    ActivityRecord,
    Progress,
    Requirement,
    compute_progress,
    compute_progress_many,
    describe_lacking,
    next_step,
    render_checklist,
)

PROGRAM = load_program()
START = dt.date(2022, 9, 1)
END = dt.date(2023, 7, 31)
MID_YEAR = dt.date(2023, 3, 1)


def _log(*kinds: str, day: dt.date = dt.date(2022, 10, 5)) -> list[ActivityRecord]:
    return [ActivityRecord(day, kind) for kind in kinds]


def _done_co_planning() -> list[ActivityRecord]:
    return _log("dialogue", "public_lesson", "other", "other", "sharing_session")


def _done_curriculum() -> list[ActivityRecord]:
    return _log(
        "dialogue", "dialogue", "public_lesson", "public_lesson", "other", "other", "other",
        "other", "sharing_session",
    ) + _log("showcase", day=dt.date(2023, 7, 5))  # fmt: skip


def _by_key(progress: Progress) -> dict[str, Requirement]:
    return {requirement.key: requirement for requirement in progress.requirements}


def test_a_co_planning_community_needs_four_activities_one_dialogue_one_lesson_one_sharing() -> (
    None
):
    progress = compute_progress(PROGRAM, "co_planning", [], MID_YEAR)
    assert [(r.key, r.required) for r in progress.requirements] == [
        ("activities", 4),
        ("dialogues", 1),
        ("public_lessons", 1),
        ("sharing_session", 1),
    ]


def test_a_curriculum_community_also_has_to_attend_the_showcase() -> None:
    progress = compute_progress(PROGRAM, "curriculum", [], MID_YEAR)
    assert [(r.key, r.required) for r in progress.requirements] == [
        ("activities", 8),
        ("dialogues", 2),
        ("public_lessons", 2),
        ("sharing_session", 1),
        ("showcase", 1),
    ]


def test_dialogues_lessons_and_other_activities_count_toward_the_total() -> None:
    progress = compute_progress(
        PROGRAM, "co_planning", _log("dialogue", "public_lesson", "other"), MID_YEAR
    )
    assert _by_key(progress)["activities"].done == 3


def test_sharing_sessions_and_showcases_do_not_count_toward_the_total() -> None:
    progress = compute_progress(
        PROGRAM,
        "curriculum",
        _log("sharing_session") + _log("showcase", day=dt.date(2023, 7, 5)),
        END,
    )
    requirements = _by_key(progress)
    assert requirements["activities"].done == 0
    assert requirements["sharing_session"].met
    assert requirements["showcase"].met


def test_a_curriculum_community_with_one_public_lesson_still_lacks_one() -> None:
    progress = compute_progress(PROGRAM, "curriculum", _log("public_lesson"), MID_YEAR)
    lessons = _by_key(progress)["public_lessons"]
    assert (lessons.done, lessons.required, lessons.missing, lessons.met) == (1, 2, 1, False)


def test_activities_outside_the_implementation_period_do_not_count() -> None:
    activities = [
        ActivityRecord(dt.date(2022, 8, 31), "public_lesson"),
        ActivityRecord(START, "public_lesson"),
        ActivityRecord(END, "dialogue"),
        ActivityRecord(dt.date(2023, 8, 1), "dialogue"),
    ]
    requirements = _by_key(compute_progress(PROGRAM, "co_planning", activities, MID_YEAR))
    assert requirements["activities"].done == 2
    assert requirements["public_lessons"].done == 1
    assert requirements["dialogues"].done == 1


def test_a_community_that_did_everything_is_complete() -> None:
    progress = compute_progress(PROGRAM, "co_planning", _done_co_planning(), MID_YEAR)
    assert progress.complete
    assert progress.lacking == ()
    assert describe_lacking(progress, PROGRAM, "zh-TW") == ""
    assert describe_lacking(progress, PROGRAM, "en") == ""


def test_a_curriculum_community_without_the_showcase_is_not_complete() -> None:
    activities = [a for a in _done_curriculum() if a.kind != "showcase"]
    progress = compute_progress(PROGRAM, "curriculum", activities, MID_YEAR)
    assert [r.key for r in progress.lacking] == ["showcase"]


def test_extra_activities_beyond_the_minimum_are_still_met_not_negative() -> None:
    progress = compute_progress(PROGRAM, "co_planning", _log(*["other"] * 6), MID_YEAR)
    total = _by_key(progress)["activities"]
    assert (total.done, total.missing, total.met) == (6, 0, True)


def test_an_unknown_community_type_is_refused() -> None:
    with pytest.raises(KeyError):
        compute_progress(PROGRAM, "no_such_type", [], MID_YEAR)


@pytest.mark.parametrize(
    ("today", "days_left"),
    [
        (dt.date(2023, 7, 1), 31),
        (dt.date(2023, 7, 30), 2),
        (END, 1),
        (dt.date(2023, 8, 1), 0),
        (dt.date(2024, 1, 1), 0),
    ],
)
def test_days_left_count_today_and_the_last_day(today: dt.date, days_left: int) -> None:
    assert compute_progress(PROGRAM, "co_planning", [], today).days_left == days_left


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2022, 8, 1), 0),
        (START, 0),
        (dt.date(2023, 1, 1), 2),
        (dt.date(2023, 3, 1), 4),
        (END, 8),
        (dt.date(2023, 12, 1), 8),
    ],
)
def test_the_expected_pace_grows_with_the_share_of_the_period_gone(
    today: dt.date, expected: int
) -> None:
    assert compute_progress(PROGRAM, "curriculum", [], today).expected_by_now == expected


def test_a_community_below_the_expected_pace_is_behind() -> None:
    progress = compute_progress(PROGRAM, "curriculum", _log("other", "other", "other"), MID_YEAR)
    assert progress.expected_by_now == 4
    assert progress.behind_pace


def test_a_community_on_pace_early_in_the_year_is_not_behind() -> None:
    progress = compute_progress(PROGRAM, "curriculum", _log(*["other"] * 4), MID_YEAR)
    assert not progress.behind_pace


def test_any_gap_within_thirty_days_of_the_end_is_behind_pace() -> None:
    activities = [a for a in _done_co_planning() if a.kind != "sharing_session"]
    assert not compute_progress(
        PROGRAM, "co_planning", activities, dt.date(2023, 6, 30)
    ).behind_pace
    assert compute_progress(PROGRAM, "co_planning", activities, dt.date(2023, 7, 1)).behind_pace


def test_a_complete_community_is_never_behind_pace() -> None:
    progress = compute_progress(PROGRAM, "co_planning", _done_co_planning(), dt.date(2023, 7, 20))
    assert not progress.behind_pace


def test_what_is_lacking_reads_as_one_chinese_sentence() -> None:
    activities = _log("dialogue", "other", "other", "other")
    progress = compute_progress(PROGRAM, "co_planning", activities, MID_YEAR)
    assert describe_lacking(progress, PROGRAM, "zh-TW") == "還差 1 次公開授課、成果分享會尚未辦理"


def test_what_is_lacking_reads_as_one_english_sentence_with_plurals() -> None:
    progress = compute_progress(PROGRAM, "curriculum", _log("dialogue", "dialogue"), MID_YEAR)
    text = describe_lacking(progress, PROGRAM, "en")
    assert "6 more community activities" in text
    assert "2 more public lessons" in text
    assert "results-sharing session" in text
    assert "public showcase" in text


def test_the_checklist_has_one_line_per_requirement_and_the_days_left() -> None:
    activities = _log("dialogue", "other", "other", "other", "other")
    progress = compute_progress(PROGRAM, "co_planning", activities, dt.date(2023, 7, 1))
    assert render_checklist(progress, PROGRAM, "zh-TW") == [
        "✅ 社群運作活動 5/4",
        "✅ 專業對話 1/1",
        "⬜ 公開授課 0/1",
        "⬜ 成果分享會 0/1",
        "距實施期程結束（112年7月31日（一））還有 31 天",
    ]


def test_the_english_checklist_uses_the_program_files_english_names() -> None:
    progress = compute_progress(PROGRAM, "curriculum", [], MID_YEAR)
    lines = render_checklist(progress, PROGRAM, "en")
    assert lines[:5] == [
        "⬜ Community activities 0/8",
        "⬜ Professional dialogues 0/2",
        "⬜ Public lessons 0/2",
        "⬜ Results-sharing session 0/1",
        "⬜ Public showcase 0/1",
    ]
    assert "Mon 31 July 2023" in lines[5]


def test_the_checklist_says_when_the_period_has_ended() -> None:
    progress = compute_progress(PROGRAM, "co_planning", [], dt.date(2023, 8, 2))
    assert render_checklist(progress, PROGRAM, "zh-TW")[-1] == "實施期程已於112年7月31日（一）結束"


def test_the_next_step_is_the_missing_public_lesson_first() -> None:
    progress = compute_progress(PROGRAM, "co_planning", _log("dialogue"), MID_YEAR)
    assert "公開授課" in next_step(progress, PROGRAM, "zh-TW")
    assert "public lesson" in next_step(progress, PROGRAM, "en")


def test_the_next_step_after_the_lessons_is_the_sharing_session_at_school() -> None:
    activities = [a for a in _done_co_planning() if a.kind != "sharing_session"]
    progress = compute_progress(PROGRAM, "co_planning", activities, MID_YEAR)
    assert "於校內辦理成果分享會" in next_step(progress, PROGRAM, "zh-TW")


def test_the_next_step_points_at_the_showcase_week_a_month_before_it() -> None:
    progress = compute_progress(PROGRAM, "curriculum", [], dt.date(2023, 6, 15))
    assert "112年7月第1週" in next_step(progress, PROGRAM, "zh-TW")
    assert "公開成果發表會" in next_step(progress, PROGRAM, "zh-TW")
    assert "3 July 2023" in next_step(progress, PROGRAM, "en")


def test_near_the_showcase_the_next_step_still_names_what_else_is_missing() -> None:
    activities = _log("dialogue", "dialogue", "public_lesson")
    progress = compute_progress(PROGRAM, "curriculum", activities, dt.date(2023, 6, 20))
    text = next_step(progress, PROGRAM, "zh-TW")
    assert text.startswith("下一步：112年7月第1週參加教育局辦理之公開成果發表會")
    assert "另外，還差 5 次社群運作活動、還差 1 次公開授課、成果分享會尚未辦理" in text
    assert "（期程至112年7月31日（一））" in text
    english = next_step(progress, PROGRAM, "en")
    assert "1 more public lesson" in english and "by " in english
    done = compute_progress(
        PROGRAM,
        "curriculum",
        [*_log(*(["other"] * 8), "public_lesson", "sharing_session"), *activities],
        dt.date(2023, 6, 20),
    )
    assert "另外" not in next_step(done, PROGRAM, "zh-TW")


def test_the_next_step_names_the_showcase_day_once_staff_set_it() -> None:
    program = with_dates(PROGRAM, showcase=dt.date(2023, 7, 5), workshop=None)
    progress = compute_progress(program, "curriculum", [], dt.date(2023, 6, 15))
    assert "112年7月5日（三）" in next_step(progress, program, "zh-TW")
    assert "Wed 5 July 2023" in next_step(progress, program, "en")


def test_in_showcase_week_the_next_step_is_the_showcase() -> None:
    progress = compute_progress(PROGRAM, "curriculum", [], dt.date(2023, 7, 4))
    assert "本週" in next_step(progress, PROGRAM, "zh-TW")


def test_a_co_planning_community_is_never_sent_to_the_showcase() -> None:
    progress = compute_progress(PROGRAM, "co_planning", [], dt.date(2023, 6, 15))
    assert "發表會" not in next_step(progress, PROGRAM, "zh-TW")


def test_after_the_period_the_next_step_says_it_has_ended() -> None:
    progress = compute_progress(PROGRAM, "co_planning", _log("dialogue"), dt.date(2023, 8, 2))
    text = next_step(progress, PROGRAM, "zh-TW")
    assert text.startswith("實施期程已於112年7月31日（一）結束")
    assert "還差 1 次公開授課" in text
    assert "ended on Mon 31 July 2023" in next_step(progress, PROGRAM, "en")


def test_a_complete_community_is_told_so() -> None:
    progress = compute_progress(PROGRAM, "curriculum", _done_curriculum(), dt.date(2023, 7, 10))
    for language in LANGUAGES:
        assert next_step(progress, PROGRAM, language)
    assert "達成" in next_step(progress, PROGRAM, "zh-TW")


def test_before_the_period_the_next_step_gives_its_start() -> None:
    progress = compute_progress(PROGRAM, "co_planning", [], dt.date(2022, 8, 20))
    assert "111年9月1日（四）" in next_step(progress, PROGRAM, "zh-TW")


def test_many_communities_get_the_same_progress_as_one_at_a_time() -> None:
    items = [
        (1, "co_planning", _done_co_planning()),
        (2, "curriculum", _log("dialogue")),
        (3, "curriculum", []),
    ]
    many = compute_progress_many(PROGRAM, items, MID_YEAR)
    assert many == {cid: compute_progress(PROGRAM, key, acts, MID_YEAR) for cid, key, acts in items}


def test_two_thousand_communities_take_well_under_a_second() -> None:
    activities = _done_curriculum() * 2
    items = [(i, "curriculum" if i % 2 else "co_planning", activities) for i in range(2000)]
    started = time.perf_counter()
    many = compute_progress_many(PROGRAM, items, MID_YEAR)
    lines = [next_step(progress, PROGRAM, "zh-TW") for progress in many.values()]
    assert len(lines) == 2000
    assert time.perf_counter() - started < 1.0


def _program_without_sharing_session() -> Program:
    types = [t.model_copy(update={"sharing_sessions": 0}) for t in PROGRAM.community_types]
    return PROGRAM.model_copy(update={"community_types": types})


def test_a_requirement_the_program_file_sets_to_zero_is_left_out() -> None:
    progress = compute_progress(_program_without_sharing_session(), "co_planning", [], MID_YEAR)
    assert "sharing_session" not in [r.key for r in progress.requirements]


@pytest.mark.parametrize("type_key", ["co_planning", "curriculum"])
def test_english_next_steps_never_show_chinese(type_key: str) -> None:
    days = [dt.date(2022, 10, 3) + dt.timedelta(days=n) for n in range(0, 300, 3)]
    for day in days:
        progress = compute_progress(PROGRAM, type_key, [], day)
        text = next_step(progress, PROGRAM, "en")
        assert not re.search(r"[\u3400-\u9fff]", text), (day, text)


def test_a_showcase_counts_only_in_the_letters_week_or_on_the_day_staff_set() -> None:
    from bot.program import with_dates

    def showcase_done(program, day: dt.date) -> bool:
        progress = compute_progress(program, "curriculum", _log("showcase", day=day), END)
        return _by_key(progress)["showcase"].met

    assert not showcase_done(PROGRAM, dt.date(2022, 11, 10))  # logged on 111年11月10日
    assert showcase_done(PROGRAM, dt.date(2023, 7, 3))  # 112年7月第1週
    assert showcase_done(PROGRAM, dt.date(2023, 7, 7))
    assert not showcase_done(PROGRAM, dt.date(2023, 7, 10))
    moved = with_dates(PROGRAM, showcase=dt.date(2023, 7, 14), workshop=None)
    assert showcase_done(moved, dt.date(2023, 7, 14))  # the day staff set with /setdate


def test_a_dialogue_needs_two_attendees_or_the_conveners_confirmation() -> None:
    def dialogues(*records: ActivityRecord) -> int:
        progress = compute_progress(PROGRAM, "co_planning", list(records), MID_YEAR)
        return _by_key(progress)["dialogues"].done

    day = dt.date(2022, 10, 5)
    assert dialogues(ActivityRecord(day, "dialogue", attendees=1)) == 0  # only the convener
    assert dialogues(ActivityRecord(day, "dialogue", attendees=2)) == 1
    assert dialogues(ActivityRecord(day, "dialogue", attendees=1, confirmed=True)) == 1
    alone = compute_progress(
        PROGRAM, "co_planning", [ActivityRecord(day, "dialogue", attendees=1)], MID_YEAR
    )
    assert _by_key(alone)["activities"].done == 0
