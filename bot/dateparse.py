"""Reading the dates and durations a convener types when logging a meeting.

Pure functions: nothing here reads the clock; ``today`` is always passed in. Every failure is a
``DateParseError`` / ``DurationParseError`` whose ``reason`` the handler turns into a catalogue
text (``dates.<reason>`` and ``dates.duration_<reason>``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from fractions import Fraction

ROC_YEAR_OFFSET = 1911
MAX_DURATION_MINUTES = 1440

# A month/day typed without a year may lie at most this far ahead of today; beyond it the
# previous year's occurrence is meant (conveners log meetings that already happened).
FUTURE_WINDOW_DAYS = 61

DATE_REASONS = ("empty", "unrecognised", "invalid_day", "ambiguous")
DURATION_REASONS = ("empty", "unrecognised", "out_of_range", "ambiguous", "period_unknown")


class DateParseError(Exception):
    """The text is not a date we can read; ``reason`` names why (see DATE_REASONS)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DurationParseError(Exception):
    """The text is not a duration we can read; ``reason`` names why (see DURATION_REASONS)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- shared normalisation -------------------------------------------------------------------

_CN_DIGITS = {
    "〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CN_UNITS = {"十": 10, "百": 100}
_CN_TENS = {"廿": 20, "卅": 30}
_CN_NUMERAL_CHARS = "".join([*_CN_DIGITS, *_CN_UNITS, *_CN_TENS])


def _chinese_to_int(text: str) -> int | None:
    """一一一 → 111, 二〇二二 → 2022, 十 → 10, 二十五 → 25, 廿一 → 21; None if malformed."""
    if len(text) > 1 and all(ch in _CN_DIGITS for ch in text):
        # A run of bare digits is read digit by digit, the way years are written.
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total = 0
    pending: int | None = None
    last_unit = 1000
    for ch in text:
        if _CN_DIGITS.get(ch) == 0 and total and pending is None:
            continue  # 零 as a placeholder, as in 一百零五
        if ch in _CN_DIGITS:
            if pending is not None:
                return None
            pending = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            if unit >= last_unit:
                return None
            total += (1 if pending is None else pending) * unit
            pending = None
            last_unit = unit
        else:
            if total or pending is not None:
                return None
            total = _CN_TENS[ch]
            last_unit = 10
    return total + (pending or 0)


def _replace_chinese_numerals(text: str, followed_by: str) -> str:
    """Turn Chinese numerals into digits where a unit in ``followed_by`` comes right after."""
    pattern = re.compile(f"([{_CN_NUMERAL_CHARS}]+)(?=[{followed_by}])")

    def repl(match: re.Match[str]) -> str:
        value = _chinese_to_int(match.group(1))
        return match.group(1) if value is None else str(value)

    return pattern.sub(repl, text)


def _is_edge_junk(ch: str) -> bool:
    category = unicodedata.category(ch)
    return ch.isspace() or category[0] in "PZ" or category == "Cc"


def _normalise(text: str) -> str:
    """NFKC (full-width digits and brackets become ASCII), lower case, edges trimmed."""
    text = unicodedata.normalize("NFKC", text).lower()
    start, end = 0, len(text)
    while start < end and _is_edge_junk(text[start]):
        start += 1
    while end > start and _is_edge_junk(text[end - 1]):
        end -= 1
    return text[start:end]


# --- dates ----------------------------------------------------------------------------------

_WEEKDAY_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_WEEK_WORD = r"(?:週|周|星期|禮拜|礼拜)"
_EN_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thurs": 3, "thur": 3, "thu": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
_EN_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_EN_WEEKDAY_RE = "|".join(sorted(_EN_WEEKDAYS, key=len, reverse=True))
_EN_MONTH_RE = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))

_RELATIVE_DAYS = {
    "今天": 0, "今日": 0, "today": 0,
    "昨天": -1, "昨日": -1, "yesterday": -1,
    "前天": -2, "day before yesterday": -2, "the day before yesterday": -2,
    "大前天": -3,
    "明天": 1, "明日": 1, "tomorrow": 1,
    "後天": 2, "后天": 2, "day after tomorrow": 2, "the day after tomorrow": 2,
}  # fmt: skip

_ZH_WEEKDAY_PHRASE = re.compile(
    rf"^(?P<shift>上+|下+|這|这|本|今)?{_WEEK_WORD}(?P<day>[一二三四五六日天])$"
)
_EN_WEEKDAY_PHRASE = re.compile(rf"^(?:(?P<shift>last|this|next)\s+)?(?P<day>{_EN_WEEKDAY_RE})$")
_DAYS_AGO = re.compile(r"^(?P<n>[0-9]{1,3})\s*(?:天前|日前|days?\s+ago)$")

# A weekday written after a date, as in 111年10月5日（三） or 10/5 星期三; checked, then dropped.
_TRAILING_WEEKDAY = re.compile(
    rf"^(?P<rest>.*[0-9].*?)[\s,]*(?:\(\s*{_WEEK_WORD}?\s*(?P<a>[一二三四五六日天])\s*\)?"
    rf"|{_WEEK_WORD}(?P<b>[一二三四五六日天]))$"
)
_LEADING_EN_WEEKDAY = re.compile(rf"^(?P<day>{_EN_WEEKDAY_RE})\.?,?\s+(?P<rest>.*[0-9].*)$")

_YMD_SEPARATED = re.compile(
    r"^(?:民國|民国)?\s*(?P<y>[0-9]{2,4})\s*[-/.]\s*(?P<m>[0-9]{1,2})\s*[-/.]\s*(?P<d>[0-9]{1,2})$"
)
_YMD_CHINESE = re.compile(
    r"^(?:民國|民国)?\s*(?P<y>[0-9]{2,4})\s*年\s*(?P<m>[0-9]{1,2})\s*月"
    r"\s*(?P<d>[0-9]{1,2})\s*[日號号]?$"
)
_YMD_COMPACT = re.compile(r"^(?P<y>[0-9]{3,4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})$")
_MD_SEPARATED = re.compile(r"^(?P<m>[0-9]{1,2})\s*[-/.]\s*(?P<d>[0-9]{1,2})$")
_MD_CHINESE = re.compile(r"^(?P<m>[0-9]{1,2})\s*月\s*(?P<d>[0-9]{1,2})\s*[日號号]?$")
_EN_MONTH_FIRST = re.compile(
    rf"^(?P<month>{_EN_MONTH_RE})\.?\s*(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?"
    r"(?:\s*,?\s*(?P<y>[0-9]{4}))?$"
)
_EN_DAY_FIRST = re.compile(
    rf"^(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?\s*(?:of\s+)?(?P<month>{_EN_MONTH_RE})\.?"
    r"(?:\s*,?\s*(?P<y>[0-9]{4}))?$"
)


def _year_from_digits(digits: str) -> int:
    """Two or three digits are an ROC year (111 → 2022); four digits are Gregorian."""
    value = int(digits)
    if len(digits) <= 3:
        if value < 1:
            raise DateParseError("unrecognised")
        return value + ROC_YEAR_OFFSET
    if value < dt.MINYEAR:
        raise DateParseError("unrecognised")
    return value


def _make_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateParseError("invalid_day") from None


def _month_day_nearest(month: int, day: int, today: dt.date) -> dt.date:
    """The latest occurrence of month/day that is at most FUTURE_WINDOW_DAYS after today."""
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        raise DateParseError("invalid_day")
    limit = today + dt.timedelta(days=FUTURE_WINDOW_DAYS)
    best: dt.date | None = None
    for year in (today.year + 1, today.year, today.year - 1):
        if not dt.MINYEAR <= year <= dt.MAXYEAR:
            continue
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate <= limit and (best is None or candidate > best):
            best = candidate
    if best is None:
        # 2月30日 never exists; 2月29日 typed in a year without one is no day either.
        raise DateParseError("invalid_day")
    return best


def _weekday_in_week(today: dt.date, weekday: int, weeks_from_now: int) -> dt.date:
    monday = today - dt.timedelta(days=today.weekday())
    return monday + dt.timedelta(days=7 * weeks_from_now + weekday)


def _most_recent_weekday(today: dt.date, weekday: int, *, strictly_before: bool) -> dt.date:
    back = (today.weekday() - weekday) % 7
    if back == 0 and strictly_before:
        back = 7
    return today - dt.timedelta(days=back)


def _relative(text: str, today: dt.date) -> dt.date | None:
    if text in _RELATIVE_DAYS:
        return today + dt.timedelta(days=_RELATIVE_DAYS[text])
    if match := _DAYS_AGO.match(text):
        return today - dt.timedelta(days=int(match["n"]))
    if match := _ZH_WEEKDAY_PHRASE.match(text):
        weekday = _WEEKDAY_ZH[match["day"]]
        shift = match["shift"] or ""
        if not shift:
            return _most_recent_weekday(today, weekday, strictly_before=False)
        if shift[0] == "上":
            return _weekday_in_week(today, weekday, -len(shift))
        if shift[0] == "下":
            return _weekday_in_week(today, weekday, len(shift))
        return _weekday_in_week(today, weekday, 0)
    if match := _EN_WEEKDAY_PHRASE.match(text):
        weekday = _EN_WEEKDAYS[match["day"]]
        shift = match["shift"]
        if shift == "last":
            # In English "last Wednesday" is the latest Wednesday before today.
            return _most_recent_weekday(today, weekday, strictly_before=True)
        if shift == "this":
            return _weekday_in_week(today, weekday, 0)
        if shift == "next":
            return _weekday_in_week(today, weekday, 1)
        return _most_recent_weekday(today, weekday, strictly_before=False)
    return None


def _absolute(text: str, today: dt.date) -> dt.date | None:
    for pattern in (_YMD_SEPARATED, _YMD_CHINESE, _YMD_COMPACT):
        if match := pattern.match(text):
            year = _year_from_digits(match["y"])
            return _make_date(year, int(match["m"]), int(match["d"]))
    for pattern in (_MD_SEPARATED, _MD_CHINESE):
        if match := pattern.match(text):
            return _month_day_nearest(int(match["m"]), int(match["d"]), today)
    for pattern in (_EN_MONTH_FIRST, _EN_DAY_FIRST):
        if match := pattern.match(text):
            month = _EN_MONTHS[match["month"]]
            if match["y"]:
                return _make_date(_year_from_digits(match["y"]), month, int(match["d"]))
            return _month_day_nearest(month, int(match["d"]), today)
    return None


def _parse_date(text: str, today: dt.date) -> dt.date:
    text = _normalise(text)
    if not text:
        raise DateParseError("empty")
    text = re.sub(r"\s+", " ", _replace_chinese_numerals(text, "年月日號号天"))
    relative = _relative(text, today)
    if relative is not None:
        return relative

    stated_weekday: int | None = None
    if match := _TRAILING_WEEKDAY.match(text):
        stated_weekday = _WEEKDAY_ZH[match["a"] or match["b"]]
        text = match["rest"].strip(" ,")
    elif match := _LEADING_EN_WEEKDAY.match(text):
        stated_weekday = _EN_WEEKDAYS[match["day"]]
        text = match["rest"].strip(" ,")

    day = _absolute(text, today)
    if day is None:
        raise DateParseError("unrecognised")
    if stated_weekday is not None and day.weekday() != stated_weekday:
        # The date and the weekday disagree: one of them is a typo and we cannot tell which.
        raise DateParseError("ambiguous")
    return day


def parse_user_date(text: str, today: dt.date) -> dt.date:
    """Read a meeting date typed in any common Taiwanese or English form.

    Accepted: ISO and slashed/dotted Gregorian dates (2022-10-05, 2022/10/5, 20221005), ROC
    dates (111/10/5, 1111005, 111年10月5日, 民國111年10月5日), month and day alone (10/5,
    10月5日, 十月五號, Oct 5, 5 October), relative words (今天, 昨天, 前天, 明天, 後天, today,
    yesterday, tomorrow, 3天前), and weekdays. A year of two or three digits is an ROC year;
    four digits are Gregorian. A weekday written after a date (111年10月5日（三）) must agree.

    Weeks start on Monday, as in Taiwan: 上週三 is Wednesday of the previous Monday-based week,
    這週三/本週三 that of the current week, 下週三 that of the next week, and 週三/星期三 alone
    the latest Wednesday on or before today. In English, "last Wednesday" is the latest
    Wednesday strictly before today and "Wednesday" alone the latest on or before today.

    A month and day without a year mean the latest occurrence that is no more than
    FUTURE_WINDOW_DAYS (about two months) after today; so the past is preferred, because the
    convener is usually logging a meeting that already took place.
    """
    try:
        return _parse_date(text, today)
    except DateParseError:
        raise
    except (ValueError, OverflowError):
        # Arithmetic at the very ends of the calendar (year 1 or 9999) cannot give a date.
        raise DateParseError("invalid_day") from None


# --- durations ------------------------------------------------------------------------------

_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
_HOUR_UNIT = r"(?:小時|小时|鐘頭|钟头|hours|hour|hrs|hr|h)"
_MINUTE_UNIT = r"(?:分鐘|分钟|minutes|minute|mins|min|分|m)"
_DURATION = re.compile(
    rf"^(?P<hour_part>(?P<hours>{_NUMBER})?(?P<half>半)?{_HOUR_UNIT}(?P<half_after>半)?)?"
    rf"(?:(?P<minutes>{_NUMBER})(?P<minute_unit>{_MINUTE_UNIT})?)?$"
)
_FILLER = re.compile(r"[\s,]|個|个|又|and")
# Class periods: 一節課, 兩節, 2節, 2 periods (how long one lasts depends on the school level).
_PERIODS = re.compile(r"^(?P<count>[0-9]+)(?:(?:節|节)(?:課|课)?|(?:class)?periods?|lessons?)$")


def _parse_duration(text: str, period_minutes: int | None) -> int:
    if unicodedata.normalize("NFKC", text).strip().startswith(("-", "−", "負", "负")):
        raise DurationParseError("out_of_range")  # a length is never below zero
    text = _normalise(text)
    if not text:
        raise DurationParseError("empty")
    text = _FILLER.sub("", _replace_chinese_numerals(text, "個个小鐘钟分半節节"))
    if periods := _PERIODS.match(text):
        if period_minutes is None:
            raise DurationParseError("period_unknown")
        whole = int(periods["count"]) * period_minutes
        if not 1 <= whole <= MAX_DURATION_MINUTES:
            raise DurationParseError("out_of_range")
        return whole
    match = _DURATION.match(text)
    if not text or match is None:
        raise DurationParseError("unrecognised")
    halves = (match["half"] is not None) + (match["half_after"] is not None)
    if match["hour_part"] is not None and (
        halves > 1 or (match["hours"] is None and match["half"] is None)
    ):
        # 小時 with no number, or 半 written twice (一個半小時半).
        raise DurationParseError("unrecognised")

    minutes = Fraction(0)
    if match["hour_part"] is not None:
        minutes += (Fraction(match["hours"] or 0) + Fraction(halves, 2)) * 60
    if match["minutes"] is not None:
        bare = match["hour_part"] is None and match["minute_unit"] is None
        if bare and "." in match["minutes"]:
            # A bare 1.5 is most likely hours but could be minutes: ask rather than guess.
            raise DurationParseError("ambiguous")
        minutes += Fraction(match["minutes"])
    whole = int(minutes + Fraction(1, 2))
    if not 1 <= whole <= MAX_DURATION_MINUTES:
        raise DurationParseError("out_of_range")
    return whole


def parse_duration_minutes(text: str, period_minutes: int | None = None) -> int:
    """Read a meeting length (90, 90分鐘, 1.5小時, 一個半小時, 1h30m, 90 min) as 1..1440 minutes.

    Class periods (一節課, 兩節, 2節) count ``period_minutes`` each, the length of a period at
    the community's school level; without it they raise ``period_unknown``, so the caller
    can ask for the level.
    """
    return _parse_duration(text, period_minutes)
