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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.dateparse import DurationParseError, parse_duration_minutes
from bot.i18n import t

ColumnValues = Mapping[str, object]
MAX_NOTES = 1000
MAX_PLACE = 100


class FieldError(Exception):
    """Typed text that does not fit the field; ``reason`` names the catalogue text."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _tidy(text: str, limit: int) -> str:
    from bot.rules import InvalidName, tidy_text

    try:
        return tidy_text(text, limit)
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
    read: Callable[[str], dict[str, object]] | None = None
    # Details only: column values → the text a reader sees (None when nothing was given).
    show: Callable[[ColumnValues, str], str | None] | None = None
    # Details only: column values → a table cell (a number stays a number).
    cell: Callable[[ColumnValues], object] | None = None
    # Details only: a column value ↔ its JSON form in a draft.
    to_json: Callable[[object], object] = field(default=_identity)
    from_json: Callable[[object], object] = field(default=_identity)
    error_prefix: str = ""  # catalogue prefix of the texts for FieldError reasons

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


def _read_duration(text: str) -> dict[str, object]:
    try:
        return {"duration_minutes": parse_duration_minutes(text[:100])}
    except DurationParseError as error:
        raise FieldError(error.reason) from None


def _show_duration(values: ColumnValues, language: str) -> str:
    return duration_text(int(str(values["duration_minutes"])), language)


def _read_notes(text: str) -> dict[str, object]:
    return {"notes": _tidy(text, MAX_NOTES)}


def _show_text(column: str) -> Callable[[ColumnValues, str], str]:
    def show(values: ColumnValues, language: str) -> str:
        return str(values[column])

    return show


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
