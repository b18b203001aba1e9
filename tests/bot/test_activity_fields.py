"""An activity's declared fields: reading the times of day conveners type."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.activity_fields import (
    BY_KEY,
    TIME_REASONS,
    FieldError,
    Known,
    TimeParseError,
    parse_time_range,
)
from bot.i18n import LANGUAGES, has

times = st.times().map(lambda value: value.replace(second=0, microsecond=0))
FULL_WIDTH = str.maketrans("0123456789:-", "０１２３４５６７８９：－")


def _reason(text: str) -> str:
    with pytest.raises(TimeParseError) as caught:
        parse_time_range(text)
    return caught.value.reason


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("14:00", (dt.time(14, 0), None)),
        ("下午2點", (dt.time(14, 0), None)),
        ("下午兩點半", (dt.time(14, 30), None)),
        ("上午十點", (dt.time(10, 0), None)),
        ("晚上7點30分", (dt.time(19, 30), None)),
        ("中午12點", (dt.time(12, 0), None)),
        ("2:30 pm", (dt.time(14, 30), None)),
        ("14:00-16:00", (dt.time(14, 0), dt.time(16, 0))),
        ("１４：００～１６：００", (dt.time(14, 0), dt.time(16, 0))),
        ("下午2點到4點", (dt.time(14, 0), dt.time(16, 0))),
        ("上午10點至12點", (dt.time(10, 0), dt.time(12, 0))),
        ("上午11點到下午1點", (dt.time(11, 0), dt.time(13, 0))),
        ("9點-11點半", (dt.time(9, 0), dt.time(11, 30))),
        ("2pm to 4pm", (dt.time(14, 0), dt.time(16, 0))),
    ],
)
def test_times_are_read_the_way_teachers_write_them(
    typed: str, expected: tuple[dt.time, dt.time | None]
):
    assert parse_time_range(typed) == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("放學後", "unrecognised"),
        ("14", "unrecognised"),
        ("25:00", "invalid"),
        ("14:75", "invalid"),
        ("2點", "ambiguous"),
        ("16:00-14:00", "end_before_start"),
        ("14:00-14:00", "end_before_start"),
    ],
)
def test_what_cannot_be_read_says_why(typed: str, reason: str):
    assert _reason(typed) == reason


@given(times)
def test_any_clock_time_reads_back(value: dt.time):
    assert parse_time_range(value.strftime("%H:%M")) == (value, None)


@given(times)
def test_full_width_digits_read_like_ascii(value: dt.time):
    assert parse_time_range(value.strftime("%H:%M").translate(FULL_WIDTH)) == (value, None)


@given(st.integers(min_value=1, max_value=11), st.sampled_from(["00", "30", "45"]))
def test_the_afternoon_adds_twelve_hours(hour: int, minute: str):
    assert parse_time_range(f"下午{hour}點{minute}分") == (dt.time(hour + 12, int(minute)), None)


@given(times, times)
def test_a_range_sets_both_ends_and_the_duration(first: dt.time, second: dt.time):
    start, end = sorted((first, second))
    text = f"{start:%H:%M}-{end:%H:%M}"
    if start == end:
        assert _reason(text) == "end_before_start"
        return
    assert parse_time_range(text) == (start, end)
    values = BY_KEY["time"].read(text, Known())  # type: ignore[misc]
    minutes = (end.hour - start.hour) * 60 + end.minute - start.minute
    assert values == {"start_time": start, "end_time": end, "duration_minutes": minutes}


@given(st.text(max_size=30))
def test_any_text_is_a_time_or_a_reason_with_a_text(text: str):
    try:
        BY_KEY["time"].read(text, Known())  # type: ignore[misc]
    except FieldError as error:
        assert error.reason in TIME_REASONS
        for language in LANGUAGES:
            assert has(language, f"log.time_{error.reason}")


def test_every_detail_has_its_texts_in_every_language():
    from bot.activity_fields import DETAILS

    for spec in DETAILS:
        for language in LANGUAGES:
            for key in (f"log.field_{spec.key}", f"log.ask_{spec.key}", f"log.edit_{spec.key}",
                        f"exports.column.{spec.key}", f"exports.doc.{spec.key}"):  # fmt: skip
                assert has(language, key), (language, key)


@given(times, times, st.one_of(st.none(), st.integers(min_value=1, max_value=1440)))
def test_a_range_never_overrides_a_duration_typed_by_hand(
    first: dt.time, second: dt.time, typed: int | None
):
    start, end = sorted((first, second))
    if start == end:
        return
    spec = BY_KEY["time"]
    new = spec.read(f"{start:%H:%M}-{end:%H:%M}", Known())  # type: ignore[misc]
    merged = spec.merged({"duration_minutes": typed, "start_time": None, "end_time": None}, new)
    assert merged["duration_minutes"] == (typed if typed is not None else new["duration_minutes"])
