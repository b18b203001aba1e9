"""Reading the dates and durations conveners type."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.dateparse import (
    DATE_REASONS,
    DURATION_REASONS,
    DateParseError,
    DurationParseError,
    parse_duration_minutes,
    parse_user_date,
)
from bot.i18n import LANGUAGES, has

# A Friday in the first semester of the 111 program.
FRIDAY = dt.date(2022, 10, 14)
OCT_5 = dt.date(2022, 10, 5)

century = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))
todays = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))


def _reason(text: str, today: dt.date = FRIDAY) -> str:
    with pytest.raises(DateParseError) as caught:
        parse_user_date(text, today)
    return caught.value.reason


@pytest.mark.parametrize(
    "text",
    [
        "2022-10-05",
        "2022/10/5",
        "2022.10.5",
        "20221005",
        "111/10/5",
        "111-10-5",
        "111.10.5",
        "1111005",
        "111年10月5日",
        "民國111年10月5日",
        "111 年 10 月 5 日",
        "2022年10月5日",
        "10/5",
        "10-5",
        "10月5日",
        "10月5號",
        "十月五日",
        "十月五號",
        "一一一年十月五日",
        "二〇二二年十月五日",
        "Oct 5",
        "oct. 5th",
        "5 Oct",
        "5 October 2022",
        "October 5, 2022",
        "２０２２／１０／０５",
        "  111/10/5。 ",
        "「10月5日」",
        "111年10月5日（三）",
        "10/5 星期三",
        "Wed 5 October 2022",
    ],
)
def test_every_written_form_of_the_fifth_of_october_reads_as_that_day(text: str) -> None:
    assert parse_user_date(text, FRIDAY) == OCT_5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天", dt.date(2022, 10, 14)),
        ("今日", dt.date(2022, 10, 14)),
        ("today", dt.date(2022, 10, 14)),
        ("昨天", dt.date(2022, 10, 13)),
        ("昨日", dt.date(2022, 10, 13)),
        ("yesterday", dt.date(2022, 10, 13)),
        ("前天", dt.date(2022, 10, 12)),
        ("明天", dt.date(2022, 10, 15)),
        ("tomorrow", dt.date(2022, 10, 15)),
        ("後天", dt.date(2022, 10, 16)),
        ("三天前", dt.date(2022, 10, 11)),
        ("3 days ago", dt.date(2022, 10, 11)),
    ],
)
def test_relative_words_count_from_today(text: str, expected: dt.date) -> None:
    assert parse_user_date(text, FRIDAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("上週三", dt.date(2022, 10, 5)),
        ("上周三", dt.date(2022, 10, 5)),
        ("上星期三", dt.date(2022, 10, 5)),
        ("上禮拜三", dt.date(2022, 10, 5)),
        ("上週一", dt.date(2022, 10, 3)),
        ("上週日", dt.date(2022, 10, 9)),
        ("上週天", dt.date(2022, 10, 9)),
        ("上上週三", dt.date(2022, 9, 28)),
        ("這週三", dt.date(2022, 10, 12)),
        ("本週三", dt.date(2022, 10, 12)),
        ("這禮拜三", dt.date(2022, 10, 12)),
        ("下週三", dt.date(2022, 10, 19)),
        ("週三", dt.date(2022, 10, 12)),
        ("星期三", dt.date(2022, 10, 12)),
        ("星期五", dt.date(2022, 10, 14)),
        ("星期六", dt.date(2022, 10, 8)),
        ("禮拜天", dt.date(2022, 10, 9)),
    ],
)
def test_chinese_weekdays_use_monday_based_weeks(text: str, expected: dt.date) -> None:
    assert parse_user_date(text, FRIDAY) == expected


def test_last_week_wednesday_on_a_monday_is_nine_days_back() -> None:
    monday = dt.date(2022, 10, 17)
    assert parse_user_date("上週三", monday) == dt.date(2022, 10, 12)


def test_a_weekday_alone_on_that_weekday_means_today() -> None:
    assert parse_user_date("週五", FRIDAY) == FRIDAY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("last Wednesday", dt.date(2022, 10, 12)),
        ("last Friday", dt.date(2022, 10, 7)),
        ("Wednesday", dt.date(2022, 10, 12)),
        ("this wed", dt.date(2022, 10, 12)),
        ("next Wednesday", dt.date(2022, 10, 19)),
    ],
)
def test_english_weekdays_look_back_from_today(text: str, expected: dt.date) -> None:
    assert parse_user_date(text, FRIDAY) == expected


def test_a_month_and_day_shortly_ahead_stay_in_this_year() -> None:
    assert parse_user_date("11/20", FRIDAY) == dt.date(2022, 11, 20)


def test_a_month_and_day_far_ahead_mean_last_year() -> None:
    assert parse_user_date("12/20", FRIDAY) == dt.date(2021, 12, 20)


def test_a_december_day_typed_in_january_means_last_month() -> None:
    assert parse_user_date("12月28日", dt.date(2023, 1, 5)) == dt.date(2022, 12, 28)


def test_a_january_day_typed_in_late_december_means_the_coming_month() -> None:
    assert parse_user_date("1/3", dt.date(2022, 12, 20)) == dt.date(2023, 1, 3)


def test_the_twenty_ninth_of_february_is_read_in_a_leap_year() -> None:
    assert parse_user_date("2/29", dt.date(2024, 3, 10)) == dt.date(2024, 2, 29)


def test_a_two_digit_year_is_an_roc_year() -> None:
    assert parse_user_date("99/1/2", FRIDAY) == dt.date(2010, 1, 2)


@pytest.mark.parametrize("text", ["", "   ", "。", "\n\t"])
def test_nothing_typed_is_empty(text: str) -> None:
    assert _reason(text) == "empty"


@pytest.mark.parametrize(
    "text", ["2月30日", "2022-02-30", "111/2/29", "二月三十日", "13/1", "2022-13-01", "4月31日"]
)
def test_a_day_the_calendar_lacks_is_an_invalid_day(text: str) -> None:
    assert _reason(text) == "invalid_day"


def test_the_twenty_ninth_of_february_in_a_common_year_is_an_invalid_day() -> None:
    assert _reason("2/29", dt.date(2023, 3, 10)) == "invalid_day"


@pytest.mark.parametrize(
    "text", ["hello", "下次", "10/5/5/5", "1/2/3", "2022", "上週八", "Octember 5"]
)
def test_words_that_are_no_date_are_unrecognised(text: str) -> None:
    assert _reason(text) == "unrecognised"


def test_a_date_whose_weekday_disagrees_is_ambiguous() -> None:
    assert _reason("111年10月6日（三）") == "ambiguous"


def test_every_date_reason_has_a_text_in_both_languages() -> None:
    for language in LANGUAGES:
        for reason in DATE_REASONS:
            assert has(language, f"dates.{reason}")
        for reason in DURATION_REASONS:
            assert has(language, f"dates.duration_{reason}")


@given(century, todays)
def test_any_iso_date_reads_as_itself(day: dt.date, today: dt.date) -> None:
    assert parse_user_date(day.isoformat(), today) == day


@given(century, todays)
def test_any_slashed_roc_date_reads_as_itself(day: dt.date, today: dt.date) -> None:
    assert parse_user_date(f"{day.year - 1911}/{day.month}/{day.day}", today) == day


@given(century, todays)
def test_any_roc_date_in_chinese_reads_as_itself(day: dt.date, today: dt.date) -> None:
    assert parse_user_date(f"{day.year - 1911}年{day.month}月{day.day}日", today) == day


@given(century)
def test_a_month_and_day_never_land_more_than_two_months_ahead(today: dt.date) -> None:
    for offset in (-300, -30, 0, 30, 61):
        day = today + dt.timedelta(days=offset)
        if (day.month, day.day) == (2, 29):
            continue
        parsed = parse_user_date(f"{day.month}月{day.day}日", today)
        assert (parsed.month, parsed.day) == (day.month, day.day)
        assert today - dt.timedelta(days=366) < parsed <= today + dt.timedelta(days=61)


@given(st.text(), st.dates())
def test_any_text_either_parses_or_raises_a_date_parse_error(text: str, today: dt.date) -> None:
    try:
        parse_user_date(text, today)
    except DateParseError as error:
        assert error.reason in DATE_REASONS


@given(
    st.text(alphabet="0123456789/-.年月日號週上下這星期天今昨前明後一二三四五六七八九十 ()"), todays
)
def test_date_like_noise_either_parses_or_raises_a_date_parse_error(
    text: str, today: dt.date
) -> None:
    try:
        parse_user_date(text, today)
    except DateParseError as error:
        assert error.reason in DATE_REASONS


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("90", 90),
        ("90分鐘", 90),
        ("90 分", 90),
        ("1.5小時", 90),
        ("1小時30分", 90),
        ("1小時半", 90),
        ("兩小時", 120),
        ("半小時", 30),
        ("一個半小時", 90),
        ("兩個半鐘頭", 150),
        ("三十分鐘", 30),
        ("一百二十分鐘", 120),
        ("2h", 120),
        ("1h30m", 90),
        ("1h30", 90),
        ("90 min", 90),
        ("1.5 hours", 90),
        ("1 hour and 30 minutes", 90),
        ("９０分鐘", 90),
        ("24小時", 1440),
    ],
)
def test_every_written_form_of_a_duration_reads_as_minutes(text: str, minutes: int) -> None:
    assert parse_duration_minutes(text) == minutes


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("  ", "empty"),
        ("abc", "unrecognised"),
        ("小時", "unrecognised"),
        ("1小時半半", "unrecognised"),
        ("0", "out_of_range"),
        ("0分鐘", "out_of_range"),
        ("25小時", "out_of_range"),
        ("1441", "out_of_range"),
        ("-90分鐘", "out_of_range"),
        ("負1小時", "out_of_range"),
        ("1.5", "ambiguous"),
    ],
)
def test_durations_that_cannot_be_used_say_why(text: str, reason: str) -> None:
    with pytest.raises(DurationParseError) as caught:
        parse_duration_minutes(text)
    assert caught.value.reason == reason


@given(st.integers(min_value=1, max_value=1440))
def test_durations_round_trip_in_every_unit(minutes: int) -> None:
    hours, rest = divmod(minutes, 60)
    assert parse_duration_minutes(str(minutes)) == minutes
    assert parse_duration_minutes(f"{minutes}分鐘") == minutes
    assert parse_duration_minutes(f"{minutes} min") == minutes
    if hours:
        assert parse_duration_minutes(f"{hours}小時{rest}分") == minutes
        assert parse_duration_minutes(f"{hours}h{rest}m") == minutes
    if minutes % 30 == 0:
        assert parse_duration_minutes(f"{minutes / 60}小時") == minutes
        assert parse_duration_minutes(f"{minutes / 60} hours") == minutes


@given(st.text())
def test_any_text_either_is_a_duration_or_raises_a_duration_parse_error(text: str) -> None:
    try:
        minutes = parse_duration_minutes(text)
    except DurationParseError as error:
        assert error.reason in DURATION_REASONS
    else:
        assert 1 <= minutes <= 1440


@pytest.mark.parametrize(
    ("typed", "period", "minutes"),
    [("一節課", 40, 40), ("兩節", 45, 90), ("2節", 50, 100), ("三節課", 45, 135), ("２節", 40, 80)],
)
def test_class_periods_count_the_period_length(typed: str, period: int, minutes: int) -> None:
    assert parse_duration_minutes(typed, period) == minutes


@given(st.integers(min_value=1, max_value=20), st.sampled_from([40, 45, 50]))
def test_any_number_of_periods_is_that_many_periods(count: int, period: int) -> None:
    for typed in (f"{count}節", f"{count}節課", f"{count} 節", f"{count} class periods"):
        assert parse_duration_minutes(typed, period) == count * period


@given(st.integers(min_value=1, max_value=20))
def test_periods_without_a_period_length_ask_for_the_school_level(count: int) -> None:
    with pytest.raises(DurationParseError) as caught:
        parse_duration_minutes(f"{count}節課")
    assert caught.value.reason == "period_unknown"


@given(st.text(max_size=20), st.sampled_from([None, 40, 45, 50]))
def test_any_text_with_periods_is_minutes_or_a_reason(text: str, period: int | None) -> None:
    try:
        minutes = parse_duration_minutes(text, period)
    except DurationParseError as error:
        assert error.reason in DURATION_REASONS
    else:
        assert 1 <= minutes <= 1440
