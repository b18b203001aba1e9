"""An activity's fields, declared once.

The /log steps and their order, the summary, the edit menu, /mycommunity's activity view (also
what staff see) and the exports are all generated from ``FIELDS``. A field that is typed as
free text and can be skipped (a "detail") needs nothing but its entry here, its columns on
``db.models.Activity`` and its texts in the catalogue: ``log.field_<key>`` (its name in chat),
``log.ask_<key>`` (its question), ``exports.column.<key>`` and ``exports.doc.<key>``.

Values travel in three forms: column values (what ``Activity`` holds: ints, strings,
``datetime.time``), JSON values (what a conversation's draft keeps in persistence) and text
(what a reader sees). Each detail field converts between them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.dateparse import DurationParseError, parse_duration_minutes
from bot.i18n import t

ColumnValues = Mapping[str, object]
MAX_NOTES = 1000
MAX_PLACE = 100
MAX_TIME_TEXT = 100
MAX_REFLECTION = 2000


@dataclass(frozen=True)
class Known:
    """What reading a field may depend on besides the text: facts of the community."""

    # Minutes in one class period at the community's school level (None: level unknown).
    period_minutes: int | None = None


class FieldError(Exception):
    """Typed text that does not fit the field; ``reason`` names the catalogue text."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _tidy(text: str, limit: int, *, multiline: bool = False) -> str:
    from bot.rules import InvalidName, tidy_text

    try:
        return tidy_text(text, limit, multiline=multiline)
    except InvalidName as error:
        raise FieldError(error.reason) from None


def _identity(value: object) -> object:
    return value


@dataclass(frozen=True)
class ActivityField:
    """One field of an activity: where it is stored, how it is asked, read and shown."""

    key: str  # the draft's key, the edit button's argument and the catalogue key's tail
    columns: tuple[str, ...] = ()  # the Activity attributes a detail field fills
    optional: bool = True
    editable: bool = True
    # Details only: typed text → column values (FieldError when it does not fit).
    read: Callable[[str, Known], dict[str, object]] | None = None
    # Details only: column values → the text a reader sees (None when nothing was given).
    show: Callable[[ColumnValues, str], str | None] | None = None
    # Details only: column values → a table cell (a number stays a number).
    cell: Callable[[ColumnValues], object] | None = None
    # Details only: a column value ↔ its JSON form in a draft.
    to_json: Callable[[object], object] = field(default=_identity)
    from_json: Callable[[object], object] = field(default=_identity)
    error_prefix: str = ""  # catalogue prefix of the texts for FieldError reasons
    # Details only: the activity's detail values once ``read`` gave ``new`` (None: new wins).
    combine: Callable[[ColumnValues, ColumnValues], dict[str, object]] | None = None

    @property
    def is_detail(self) -> bool:
        """Whether the field is typed text handled by the generic /log step."""
        return self.read is not None

    @property
    def state(self) -> str:
        """The /log conversation state that asks for this field."""
        return f"lg_{self.key}"

    def label(self, language: str, **values: object) -> str:
        """The field's name in chat, in the reader's language."""
        return t(language, f"log.field_{self.key}", **values)

    def question(self, language: str) -> str:
        """What /log asks for a detail field."""
        return t(language, f"log.ask_{self.key}")

    def error(self, language: str, reason: str) -> str:
        """What to say when typed text does not fit."""
        return t(language, f"{self.error_prefix}{reason}")

    def text(self, values: ColumnValues, language: str) -> str | None:
        """The detail as text, or None when it was not given."""
        assert self.show is not None
        if all(values.get(column) is None for column in self.columns):
            return None
        return self.show(values, language)

    def table_cell(self, values: ColumnValues) -> object:
        """The detail as a table cell (None when it was not given)."""
        if all(values.get(column) is None for column in self.columns):
            return None
        if self.cell is not None:
            return self.cell(values)
        return self.show(values, "zh-TW") if self.show is not None else None

    def merged(self, current: ColumnValues, new: ColumnValues) -> dict[str, object]:
        """The detail values after this field was given ``new`` (what ``read`` returned)."""
        if self.combine is not None:
            return self.combine(current, new)
        return {**current, **new}

    def empty(self) -> dict[str, object]:
        """Column values for a skipped detail."""
        return dict.fromkeys(self.columns)


# --- the details' readers and writers -------------------------------------------------------


def duration_text(minutes: int, language: str) -> str:
    """90 → 1 小時 30 分鐘 / 1 h 30 min."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return t(language, "log.duration_hours_minutes", hours=hours, minutes=rest)
    if hours:
        return t(language, "log.duration_hours", hours=hours)
    return t(language, "log.duration_minutes", minutes=rest)


def _read_duration(text: str, known: Known) -> dict[str, object]:
    try:
        return {"duration_minutes": parse_duration_minutes(text[:100], known.period_minutes)}
    except DurationParseError as error:
        raise FieldError(error.reason) from None


def _show_duration(values: ColumnValues, language: str) -> str:
    return duration_text(int(str(values["duration_minutes"])), language)


def _read_notes(text: str, known: Known) -> dict[str, object]:
    return {"notes": _tidy(text, MAX_NOTES, multiline=True)}


def _show_text(column: str) -> Callable[[ColumnValues, str], str]:
    def show(values: ColumnValues, language: str) -> str:
        return str(values[column])

    return show


# --- times of day ---------------------------------------------------------------------------

TIME_REASONS = ("empty", "unrecognised", "invalid", "ambiguous", "end_before_start")

_HOUR_WORDS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
    "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11, "十二": 12,
}  # fmt: skip
_MORNING = ("凌晨", "清晨", "早上", "上午", "早晨", "am", "a.m.")
_NOON = ("中午",)
_AFTERNOON = ("下午", "傍晚", "晚上", "晚間", "晚间", "pm", "p.m.")
_PERIOD = "|".join(re.escape(word) for word in (*_MORNING, *_NOON, *_AFTERNOON))
_HOUR = r"[0-9]{1,2}|十[一二]?|[零〇一二兩两三四五六七八九]"


def _one_time(prefix: str) -> str:
    """One time of day; its groups are named with ``prefix`` (s: start, e: end)."""
    return (
        rf"(?P<{prefix}before>{_PERIOD})?\s*(?P<{prefix}hour>{_HOUR})"
        rf"(?:\s*(?::|點|点|時|时)\s*(?:(?P<{prefix}minute>[0-9]{{1,2}})\s*分?|(?P<{prefix}half>半))?"
        rf"|\s*(?={_PERIOD}))"
        rf"\s*(?P<{prefix}after>{_PERIOD})?"
    )


_RANGE_MARK = r"-|~|–|—|到|至|〜|to|till|until"
_TIME_RANGE = re.compile(rf"^{_one_time('s')}(?:\s*(?:{_RANGE_MARK})\s*{_one_time('e')})?$")


class TimeParseError(Exception):
    """The text is not a time of day we can read; ``reason`` is one of TIME_REASONS."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _period_of(word: str | None) -> str | None:
    if word is None:
        return None
    if word in _MORNING:
        return "am"
    return "noon" if word in _NOON else "pm"


def _clock(match: re.Match[str], prefix: str, period: str | None) -> dt.time:
    digits = match[f"{prefix}hour"]
    hour = int(digits) if digits.isdigit() else _HOUR_WORDS[digits]
    minute = 30 if match[f"{prefix}half"] else int(match[f"{prefix}minute"] or 0)
    if period == "am" and hour == 12:
        hour = 0  # 12 am is midnight
    elif (period == "pm" and hour < 12) or (period == "noon" and hour < 6):
        hour += 12  # 下午2點, 中午1點
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise TimeParseError("invalid")
    return dt.time(hour, minute)


def parse_time_range(text: str) -> tuple[dt.time, dt.time | None]:
    """Read a start time and an optional end time: 14:00, 下午2點, 2:30pm, 14:00-16:00,
    下午2點到4點 (a period word before the start also holds for the end)."""
    # A normalised copy for matching only: full-width digits and colons become ASCII.
    copy = unicodedata.normalize("NFKC", text).strip().lower()
    if not copy:
        raise TimeParseError("empty")
    match = _TIME_RANGE.match(copy)
    if match is None:
        raise TimeParseError("unrecognised")
    start_period = _period_of(match["sbefore"] or match["safter"])
    end_period = _period_of(match["ebefore"] or match["eafter"])
    start = _clock(match, "s", start_period)
    twenty_four_hour = len(match["shour"]) == 2  # 02:00 is written on a 24-hour clock
    if not (start_period or end_period or twenty_four_hour) and 1 <= start.hour <= 6:
        # 2點 alone: a meeting at two at night is unlikely, but guessing the afternoon is a
        # guess all the same; ask for 上午/下午.
        raise TimeParseError("ambiguous")
    if match["ehour"] is None:
        return start, None
    end = _clock(match, "e", end_period)
    if end_period is None and len(match["ehour"]) < 2 and end <= start and end.hour < 12:
        end = end.replace(hour=end.hour + 12)  # 下午2點到4點: the period holds for the end too
    if end <= start:
        raise TimeParseError("end_before_start")
    return start, end


def _read_time(text: str, known: Known) -> dict[str, object]:
    try:
        start, end = parse_time_range(text[:MAX_TIME_TEXT])
    except TimeParseError as error:
        raise FieldError(error.reason) from None
    values: dict[str, object] = {"start_time": start, "end_time": end}
    if end is not None:
        # A range also says how long the meeting took.
        values["duration_minutes"] = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return values


def _minutes_between(start: object, end: object) -> int | None:
    if not isinstance(start, dt.time) or not isinstance(end, dt.time):
        return None
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def _combine_time(current: ColumnValues, new: ColumnValues) -> dict[str, object]:
    """A range fills the duration when none was given, or when the one given came from the
    previous range; a duration the convener typed themselves is kept."""
    merged = {**current, **new}
    duration = current.get("duration_minutes")
    derived = _minutes_between(current.get("start_time"), current.get("end_time"))
    if "duration_minutes" in new and duration is not None and duration != derived:
        merged["duration_minutes"] = duration
    return merged


def duration_disagrees(values: ColumnValues) -> int | None:
    """The minutes between the start and end times when a typed duration says otherwise
    (2節 = 100 minutes beside 14:00–15:00): the record would contradict itself."""
    duration = values.get("duration_minutes")
    between = _minutes_between(values.get("start_time"), values.get("end_time"))
    if between is None or duration is None or int(str(duration)) == between:
        return None
    return between


def _clock_text(value: object) -> str:
    return value.strftime("%H:%M") if isinstance(value, dt.time) else str(value)


def _show_time(values: ColumnValues, language: str) -> str:
    start, end = values.get("start_time"), values.get("end_time")
    if start is not None and end is not None:
        return t(language, "log.time_range", start=_clock_text(start), end=_clock_text(end))
    if start is not None:
        return t(language, "log.time_from", start=_clock_text(start))
    return t(language, "log.time_until", end=_clock_text(end))


def _time_from_json(value: object) -> object:
    return dt.time.fromisoformat(str(value))


def _read_place(text: str, known: Known) -> dict[str, object]:
    return {"place": _tidy(text, MAX_PLACE)}


def _read_reflection(text: str, known: Known) -> dict[str, object]:
    return {"reflection": _tidy(text, MAX_REFLECTION, multiline=True)}


FIELDS: tuple[ActivityField, ...] = (
    ActivityField("date", optional=False),
    ActivityField("kind", optional=False),
    ActivityField("topic", optional=False),
    ActivityField("attendees", optional=False),
    ActivityField(
        "duration",
        columns=("duration_minutes",),
        read=_read_duration,
        show=_show_duration,
        cell=lambda values: values["duration_minutes"],
        error_prefix="dates.duration_",
    ),
    ActivityField(
        "time",
        columns=("start_time", "end_time"),
        read=_read_time,
        show=_show_time,
        combine=_combine_time,
        to_json=_clock_text,
        from_json=_time_from_json,
        error_prefix="log.time_",
    ),
    ActivityField(
        "place",
        columns=("place",),
        read=_read_place,
        show=_show_text("place"),
        error_prefix="log.place_",
    ),
    ActivityField(
        "reflection",
        columns=("reflection",),
        read=_read_reflection,
        show=_show_text("reflection"),
        error_prefix="log.reflection_",
    ),
    ActivityField(
        "notes",
        columns=("notes",),
        read=_read_notes,
        show=_show_text("notes"),
        error_prefix="log.notes_",
    ),
    ActivityField("photos"),
)

BY_KEY = {spec.key: spec for spec in FIELDS}
DETAILS = tuple(spec for spec in FIELDS if spec.is_detail)
EDITABLE = tuple(spec for spec in FIELDS if spec.editable)
DETAIL_COLUMNS = tuple(column for spec in DETAILS for column in spec.columns)


def details_of(source: object) -> dict[str, object]:
    """The detail columns of an Activity (or anything with those attributes)."""
    return {column: getattr(source, column) for column in DETAIL_COLUMNS}


def detail_values(values: ColumnValues) -> dict[str, object]:
    """Only the detail columns of ``values`` (any others dropped, missing ones empty)."""
    return {column: values.get(column) for column in DETAIL_COLUMNS}


def details_to_json(values: ColumnValues) -> dict[str, object]:
    """Detail column values in the JSON form a draft keeps."""
    return {
        column: None if values.get(column) is None else spec.to_json(values[column])
        for spec in DETAILS
        for column in spec.columns
    }


def details_from_json(stored: Mapping[str, object]) -> dict[str, object]:
    """Detail column values back from a draft's JSON form; missing ones are empty."""
    return {
        column: None if stored.get(column) is None else spec.from_json(stored[column])
        for spec in DETAILS
        for column in spec.columns
    }
