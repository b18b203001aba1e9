"""The four tables of the summary workbook, as plain rows that any file writer can lay out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bot.activity_fields import DETAILS, ActivityField
from bot.exports.labels import Labels
from bot.exports.records import ActivityRow, CommunityRecord
from bot.exports.text import clean, display_width
from bot.progress import REQUIREMENT_KEYS, ActivityRecord, compute_progress_many

# Dates are date cells (sortable, filterable), written yyyy-mm-dd by every file writer.
Cell = str | int | dt.date | None
DATE_WIDTH = 10

MIN_WIDTH = 6
MAX_WIDTH = 50  # longer topics and notes wrap instead of pushing the next column off screen


@dataclass(frozen=True)
class Sheet:
    """One table: a bold header row, data rows, and column widths in Latin-letter units."""

    name: str
    headers: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    widths: tuple[int, ...]


def _make_sheet(name: str, headers: tuple[str, ...], rows: list[tuple[Cell, ...]]) -> Sheet:
    widths = [display_width(h) for h in headers]
    for row in rows:
        for index, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                width = display_width(value)
            elif isinstance(value, dt.date):
                width = DATE_WIDTH
            else:
                width = len(str(value))
            if width > widths[index]:
                widths[index] = width
    return Sheet(
        name=name,
        headers=headers,
        rows=rows,
        widths=tuple(min(max(w + 2, MIN_WIDTH), MAX_WIDTH) for w in widths),
    )


def wrap_limits(sheet: Sheet) -> list[int | None]:
    """Per column, the width beyond which text must wrap; None where the column fits it all."""
    return [width - 2 if width >= MAX_WIDTH else None for width in sheet.widths]


def needs_wrap(value: str, limit: int | None) -> bool:
    """Whether a cell's text wraps: it has line breaks or is wider than its capped column."""
    if "\n" in value:
        return True
    # The length test first: it is free and rules out almost every cell.
    return limit is not None and len(value) * 2 > limit and display_width(value) > limit


def _text(value: str | None) -> str | None:
    return clean(value) if value else None


def sorted_activities(record: CommunityRecord) -> list[ActivityRow]:
    """The record's activities in date order; same-day ones keep the order they were logged."""
    return sorted(record.activities, key=lambda activity: activity.day)


def communities_sheet(labels: Labels, records: Sequence[CommunityRecord]) -> Sheet:
    """社群: one row per community with its head counts and what it still lacks."""
    documents = labels.program.application.documents
    headers = (
        *(
            labels(f"column.{key}")
            for key in (
                "id", "school", "community", "type", "status", "convener",
                "member_count", "gifted_count", "activity_count", "lacking",
                "submitted_on", "decided_on", "decision_reason", "waitlist_position",
            )
        ),
        *(labels("column.received", document=labels.document(d)) for d in documents),
        labels("column.approved_amount"),
    )  # fmt: skip
    rows: list[tuple[Cell, ...]] = [
        (
            record.id,
            clean(record.school),
            clean(record.name),
            labels.community_type(record.type_key),
            labels.status(record.status),
            clean(record.convener),
            len(record.members),
            sum(1 for member in record.members if member.gifted_teacher),
            len(record.activities),
            clean(record.lacking.strip()) or labels("nothing"),
            record.submitted_on,
            record.decided_on,
            _text(record.decision_reason),
            record.waitlist_position,
            *(record.documents_received.get(index) for index in range(len(documents))),
            record.approved_amount,
        )
        for record in records
    ]
    return _make_sheet(labels("sheet.communities"), headers, rows)


def members_sheet(labels: Labels, records: Sequence[CommunityRecord]) -> Sheet:
    """成員: one row per member, next to the community they belong to."""
    headers = tuple(
        labels(f"column.{key}")
        for key in (
            "id", "school", "community", "member", "subject",
            "gifted_teacher", "is_convener", "linked",
        )
    )  # fmt: skip
    yes, no = labels.yes, labels.no
    rows: list[tuple[Cell, ...]] = []
    for record in records:
        school, name = clean(record.school), clean(record.name)
        for member in record.members:
            rows.append(
                (
                    record.id,
                    school,
                    name,
                    clean(member.name),
                    _text(member.subject),
                    yes if member.gifted_teacher else no,
                    yes if member.is_convener else no,
                    yes if member.linked else no,
                )
            )
    return _make_sheet(labels("sheet.members"), headers, rows)


def _detail_cell(spec: ActivityField, activity: ActivityRow) -> Cell:
    value = spec.table_cell(activity.details)
    if value is None or isinstance(value, int):
        return value
    return _text(str(value))


def activities_sheet(labels: Labels, records: Sequence[CommunityRecord]) -> Sheet:
    """活動: one row per logged activity, by community and then by date."""
    before = ("id", "school", "community", "date", "kind", "topic", "attendees")
    headers = tuple(
        labels(f"column.{key}") for key in (*before, *(spec.key for spec in DETAILS), "photos")
    )
    separator = labels.separator
    rows: list[tuple[Cell, ...]] = []
    for record in records:
        school, name = clean(record.school), clean(record.name)
        for activity in sorted_activities(record):
            rows.append(
                (
                    record.id,
                    school,
                    name,
                    activity.day,
                    labels.kind(activity.kind_key),
                    clean(activity.topic),
                    clean(separator.join(activity.attendees)),
                    *(_detail_cell(spec, activity) for spec in DETAILS),
                    len(activity.photos),
                )
            )
    return _make_sheet(labels("sheet.activities"), headers, rows)


def progress_sheet(labels: Labels, records: Sequence[CommunityRecord]) -> Sheet:
    """進度: for every requirement of the letter, how many are done out of how many required."""
    headers = tuple(
        labels(f"column.{key}")
        for key in (
            "id", "school", "community", "type", "req_members", "req_gifted",
            "req_activities", "req_dialogues", "req_public_lessons", "req_sharing",
            "req_showcase", "lacking",
        )
    )  # fmt: skip
    program = labels.program
    known = {community_type.key for community_type in program.community_types}
    # The activity counts come from the bot's own progress rules (activities outside the period
    # do not count), so the sheet agrees with what conveners see in chat. Counts do not depend
    # on the day, so any day will do for ``today``.
    progress = compute_progress_many(
        program,
        (
            (index, record.type_key, [ActivityRecord(a.day, a.kind_key) for a in record.activities])
            for index, record in enumerate(records)
            if record.type_key in known
        ),
        today=program.period.end,
    )

    def of(done: int, required: int) -> str:
        return labels("done_of_required", done=done, required=required)

    not_required = labels("not_required")
    rows: list[tuple[Cell, ...]] = []
    for index, record in enumerate(records):
        tallies: list[Cell]
        if index in progress:
            rules = program.community_type(record.type_key)
            gifted = sum(1 for member in record.members if member.gifted_teacher)
            standing = progress[index]
            tallies = [
                of(len(record.members), rules.member_count),
                of(gifted, rules.min_gifted_teachers),
            ]
            for key in REQUIREMENT_KEYS:
                requirement = standing.requirement(key)
                tallies.append(
                    not_required
                    if requirement is None
                    else of(requirement.done, requirement.required)
                )
        else:
            # A type the program does not know has no rules to count against.
            tallies = [None] * (2 + len(REQUIREMENT_KEYS))
        rows.append(
            (
                record.id,
                clean(record.school),
                clean(record.name),
                labels.community_type(record.type_key),
                *tallies,
                clean(record.lacking.strip()) or labels("nothing"),
            )
        )
    return _make_sheet(labels("sheet.progress"), headers, rows)


def workbook_sheets(labels: Labels, records: Sequence[CommunityRecord]) -> list[Sheet]:
    """The workbook's sheets in the order clerks read them."""
    return [
        communities_sheet(labels, records),
        members_sheet(labels, records),
        activities_sheet(labels, records),
        progress_sheet(labels, records),
    ]
