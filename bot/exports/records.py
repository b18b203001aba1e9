"""The plain values an export is made from; the caller fills them from the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

STATUSES = ("draft", "submitted", "approved", "rejected")


class EmptyExport(Exception):
    """There is nothing to put in the file; ``reason`` is "records" or "activities"."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"nothing to export: no {reason}")
        self.reason = reason


@dataclass(frozen=True)
class PhotoRef:
    """A photo logged with an activity; ``data`` is the JPEG/PNG when it could be downloaded."""

    file_id: str
    data: bytes | None = None


@dataclass(frozen=True)
class MemberRow:
    """One member of a community."""

    name: str
    gifted_teacher: bool
    subject: str | None
    is_convener: bool
    linked: bool


@dataclass(frozen=True)
class ActivityRow:
    """One logged community activity."""

    day: dt.date
    kind_key: str
    topic: str
    attendees: tuple[str, ...]
    # The detail fields (bot.activity_fields.DETAILS) as column values; missing ones are empty.
    details: Mapping[str, object] = field(default_factory=dict)
    photos: tuple[PhotoRef, ...] = ()


@dataclass(frozen=True)
class CommunityRecord:
    """Everything an export needs to know about one community."""

    id: int
    name: str
    school: str
    type_key: str
    status: str
    convener: str
    program_year: int
    members: tuple[MemberRow, ...]
    activities: tuple[ActivityRow, ...]
    progress_lines: tuple[str, ...]
    lacking: str
    # The application's bookkeeping (empty for a draft): when it was sent and decided, why,
    # when each paper document arrived (by its index in the program file) and the money.
    submitted_on: dt.date | None = None
    decided_on: dt.date | None = None
    decision_reason: str | None = None
    waitlist_position: int | None = None
    documents_received: Mapping[int, dt.date] = field(default_factory=dict)
    approved_amount: int | None = None
