"""The program file holds the letter's facts and rejects a broken file with the field path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.program import DEFAULT_PROGRAM_FILE, ProgramFileError, load_program


def test_the_shipped_program_restates_the_letter():
    program = load_program()
    assert program.period.start == dt.date(2022, 9, 1)
    assert program.period.end == dt.date(2023, 7, 31)
    assert program.application.deadline == dt.date(2022, 9, 21)
    co, curriculum = program.community_type("co_planning"), program.community_type("curriculum")
    assert (co.member_count, co.min_gifted_teachers, co.min_activities) == (4, 1, 4)
    assert (curriculum.member_count, curriculum.min_gifted_teachers) == (6, 2)
    assert (curriculum.min_activities, curriculum.min_dialogues) == (8, 2)
    assert (co.funding_per_group, curriculum.funding_per_group) == (10000, 20000)
    assert program.total_quota == 30
    assert program.showcase_required("curriculum") and not program.showcase_required("co_planning")
    assert program.help_contact.phone_with_extension == "07-3118935#64"
    assert "高雄市立左營高級中學" in program.recipients.schools


def test_each_phase_funds_half_of_each_type():
    program = load_program()
    for community_type in program.community_types:
        phases = sum(p.amounts[community_type.key] for p in program.funding.phases)
        assert phases == community_type.funding_per_group


def test_dates_the_letter_leaves_open_are_unset():
    program = load_program()
    assert program.showcase.date is None and program.workshop.date is None


def _write_variant(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT_PROGRAM_FILE.read_text(encoding="utf-8")
    assert old in text
    target = tmp_path / "program.toml"
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def test_a_wrong_type_names_the_field_path(tmp_path: Path):
    broken = _write_variant(tmp_path, "member_count = 4", 'member_count = "four"')
    with pytest.raises(ProgramFileError, match=r"community_types\.0\.member_count"):
        load_program(broken)


def test_a_deadline_outside_the_period_is_refused(tmp_path: Path):
    broken = _write_variant(tmp_path, "deadline = 2022-09-21", "deadline = 2024-09-21")
    with pytest.raises(ProgramFileError, match="deadline"):
        load_program(broken)


def test_broken_toml_is_reported_with_the_file(tmp_path: Path):
    broken = tmp_path / "program.toml"
    broken.write_text("[program\n", encoding="utf-8")
    with pytest.raises(ProgramFileError, match="not valid TOML"):
        load_program(broken)


def test_a_missing_file_is_reported(tmp_path: Path):
    with pytest.raises(ProgramFileError, match="cannot read"):
        load_program(tmp_path / "nope.toml")


def test_next_years_program_is_a_matter_of_editing_the_file(tmp_path: Path):
    edited = _write_variant(tmp_path, "deadline = 2022-09-21", "deadline = 2022-09-28")
    assert load_program(edited).application.deadline == dt.date(2022, 9, 28)


def test_every_school_alias_names_one_school_of_the_letter_and_no_alias_is_ambiguous():
    from bot.program import load_program

    program = load_program()
    aliases = program.recipients.school_aliases
    assert aliases["雄中"] == "高雄市立高雄高級中學"
    for alias, name in aliases.items():
        assert name in program.recipients.schools, alias
        # An alias that is part of another school's name would hide that school.
        assert not any(alias in school for school in program.recipients.schools), alias
    # Schools the letter does not list get no alias (雄女, 中山高中 are not recipients).
    assert "雄女" not in aliases and "中山高中" not in aliases


def test_an_alias_to_a_school_outside_the_list_is_refused():
    import tomllib

    import pytest

    from bot.program import DEFAULT_PROGRAM_FILE, Program

    data = tomllib.loads(DEFAULT_PROGRAM_FILE.read_text(encoding="utf-8"))
    data["recipients"]["school_aliases"] = {"雄女": "高雄市立高雄女子高級中學"}
    with pytest.raises(ValueError, match="not a listed school"):
        Program.model_validate(data)


def test_the_school_level_follows_the_schools_name():
    from bot.program import load_program

    program = load_program()
    levels = {
        name: (level.key if (level := program.level_of_school(name)) else None)
        for name in (
            "高雄市三民區正興國民小學",
            "高雄市立新興高級中學(國中部)",
            "高雄市立中山國民中學",
            "高雄市立高雄高級中學",
            "高雄市星空實驗教育機構",
        )
    }
    assert list(levels.values()) == [
        "elementary",
        "junior_high",
        "junior_high",
        "senior_high",
        None,
    ]
    minutes = [level.period_minutes for level in program.class_periods.levels]
    assert minutes == [40, 45, 50]
