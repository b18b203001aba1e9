"""The audit log of staff actions: writing an entry with the action, reading it back for admins.

Plain typed functions, session first, no Telegram. Every staff action (application decisions,
broadcasts, staff changes, program date changes, FAQ edits) writes its entry in the transaction
of the action itself, so an entry exists exactly when the action happened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from db import audit as store
from db import faq_entries, program_dates
from db import staff as staff_store
from db.models import ProgramDates

if TYPE_CHECKING:
    from bot.qa import FaqEntry

# The actions, each a catalogue key under "audit.".
APPROVED = "application_approved"
REJECTED = "application_rejected"
BROADCAST = "broadcast_sent"
STAFF_ADDED = "staff_added"
STAFF_REMOVED = "staff_removed"
DATE_SET = "date_set"
DATE_CLEARED = "date_cleared"
FAQ_SAVED = "faq_saved"
WAITLISTED = "application_waitlisted"
PROMOTED = "application_promoted"
REOPENED = "application_reopened"
DECISION_UNDONE = "decision_undone"
WITHDRAWN = "application_withdrawn"
DEADLINE_EXTENDED = "deadline_extended"
DOCUMENT_RECEIVED = "document_received"
PAGE_SIZE = 10


@dataclass(frozen=True)
class AuditLine:
    """One entry as admins read it."""

    at: dt.datetime
    actor_user_id: int
    actor_name: str
    action: str
    details: dict[str, Any]


@dataclass(frozen=True)
class AuditPage:
    """A page of the log, newest first; ``page`` counts from 0."""

    lines: list[AuditLine]
    page: int
    pages: int
    total: int


async def record(
    session: AsyncSession,
    actor_user_id: int,
    action: str,
    details: dict[str, Any],
    now: dt.datetime,
) -> None:
    """Write an entry in the caller's transaction."""
    await store.record(session, actor_user_id, action, details, at=now)


async def read_page(session: AsyncSession, page: int, size: int = PAGE_SIZE) -> AuditPage:
    """The ``page``-th page of the log (clamped to the pages there are), with actors' names."""
    total = await store.count(session)
    pages = max(1, -(-total // size))
    page = min(max(page, 0), pages - 1)
    entries = await store.latest(session, offset=page * size, limit=size)
    names = await staff_store.display_names(session, {e.actor_user_id for e in entries})
    lines = [
        AuditLine(
            at=entry.at,
            actor_user_id=entry.actor_user_id,
            actor_name=names.get(entry.actor_user_id, ""),
            action=entry.action,
            details=dict(entry.details or {}),
        )
        for entry in entries
    ]
    return AuditPage(lines=lines, page=page, pages=pages, total=total)


# --- staff actions that have no domain module of their own ----------------------------------


async def set_program_date(
    session: AsyncSession,
    program_year: int,
    event: str,
    day: dt.date | None,
    staff_id: int,
    now: dt.datetime,
) -> ProgramDates:
    """Set (or clear, with None) the showcase or workshop date, logged."""
    row = await program_dates.set_date(session, program_year, event, day, staff_id)
    details: dict[str, Any] = {"event": event}
    if day is not None:
        details["date"] = day.isoformat()
    await record(session, staff_id, DATE_SET if day else DATE_CLEARED, details, now)
    return row


async def save_faq_entry(
    session: AsyncSession, entry: FaqEntry, staff_id: int, now: dt.datetime
) -> None:
    """Add or replace a FAQ entry, logged."""
    await faq_entries.save_entry(session, entry, staff_id)
    await record(session, staff_id, FAQ_SAVED, {"entry": entry.id, "topic": entry.topic}, now)
