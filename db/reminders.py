"""Data access for reminders: who is who (read-only), the reminder rows, preferences, lease.

Functions take the session first and never commit; the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, delete, select, type_coerce, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.community_status import Purpose, counts
from db.models import Activity, Community, Member, Reminder, User
from db.models.messaging import ReminderStatus, SchedulerLease
from db.records import ActivityRecord
from db.sql import insert_ignoring_duplicates


@dataclass(frozen=True)
class PersonRow:
    """A user as the reminders see them."""

    id: int
    language: str | None
    opt_outs: frozenset[str]
    active: bool
    is_staff: bool


@dataclass(frozen=True)
class CommunityRow:
    """A community in the program: its type, name, convener, linked members and status."""

    id: int
    type_key: str
    name: str
    convener_user_id: int
    member_user_ids: tuple[int, ...]
    status: str = "approved"

    @property
    def running(self) -> bool:
        """Whether it runs its activities (the pace and the nudges concern it)."""
        return counts(Purpose.RUNNING, self.status)


@dataclass
class People:
    """Everyone reminders may reach, loaded with a handful of queries."""

    users: dict[int, PersonRow] = field(default_factory=dict)
    communities: list[CommunityRow] = field(default_factory=list)
    # Users in a community of the year that handed in its application (db.community_status).
    applicant_ids: set[int] = field(default_factory=set)


def _categories(raw: object) -> frozenset[str]:
    if raw is None or raw in ("[]", ""):
        return _NONE
    if isinstance(raw, str):
        raw = json.loads(raw)
    return frozenset(str(item) for item in raw or ())  # type: ignore[attr-defined]


_NONE: frozenset[str] = frozenset()


async def load_people(
    session: AsyncSession, program_year: int, *, only_user: int | None = None
) -> People:
    """Users, the year's communities still in the program and their linked members (or only one
    user and the communities they belong to)."""
    people = People()
    # Core execution (no ORM result processing): these are plain rows, thousands of them.
    connection = await session.connection()
    # The opt-outs as raw JSON text: nearly everyone has none, and decoding 10,000 "[]" is
    # the slowest part of a city-wide reminder.
    raw_opt_outs = type_coerce(User.reminder_opt_outs, Text)
    # Everyone, on Telegram and on LINE (negative ids): delivery picks the messenger.
    user_query = select(User.id, User.language, raw_opt_outs, User.active, User.is_staff)
    community_filter = Community.program_year == program_year
    if only_user is not None:
        user_query = user_query.where(User.id == only_user)
        theirs = select(Member.community_id).where(Member.user_id == only_user)
        community_filter = community_filter & (
            (Community.convener_user_id == only_user) | Community.id.in_(theirs)
        )
    rows = await connection.execute(user_query)
    for user_id, language, opt_outs, active, is_staff in rows:
        people.users[user_id] = PersonRow(
            user_id, language, _categories(opt_outs), active, is_staff
        )
    community_rows = (
        await connection.execute(
            select(
                Community.id,
                Community.type_key,
                Community.name,
                Community.convener_user_id,
                Community.status,
            ).where(community_filter)
        )
    ).all()
    members: dict[int, list[int]] = {}
    member_rows = await connection.execute(
        select(Member.community_id, Member.user_id)
        .join(Community, Community.id == Member.community_id)
        .where(community_filter, Member.user_id.is_not(None))
        .order_by(Member.community_id, Member.position, Member.id)
    )
    for community_id, member_user_id in member_rows:
        if member_user_id is not None:  # the query keeps linked members only
            members.setdefault(community_id, []).append(member_user_id)
    for community_id, type_key, name, convener, status in community_rows:
        linked = tuple(members.get(community_id, ()))
        # One status model decides (db.community_status): applicants are those who handed in
        # the application; the communities reminders reach are those still in the program.
        if counts(Purpose.APPLIED, status):
            people.applicant_ids.add(convener)
            people.applicant_ids.update(linked)
        if counts(Purpose.IN_PROGRAM, status):
            people.communities.append(
                CommunityRow(community_id, type_key, name, convener, linked, str(status))
            )
    people.communities.sort(key=lambda community: community.id)
    return people


async def load_activities(
    session: AsyncSession, community_ids: Iterable[int]
) -> dict[int, list[ActivityRecord]]:
    """The logged activities (day and kind) of these communities, in one query."""
    wanted = list(community_ids)
    found: dict[int, list[ActivityRecord]] = {community_id: [] for community_id in wanted}
    if not wanted:
        return found
    connection = await session.connection()
    rows = await connection.execute(
        select(
            Activity.community_id, Activity.day, Activity.kind, Activity.attendee_member_ids
        ).where(Activity.community_id.in_(wanted))
    )
    for community_id, day, kind, attendees in rows:
        found[community_id].append(ActivityRecord(day, kind, len(attendees or ())))
    return found


# --- reminder rows --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderFields:
    """The columns of a reminder row the plan decides."""

    key: str
    category: str
    series: str
    program_year: int
    fire_at: dt.datetime
    useful_until: dt.datetime | None
    audience: dict[str, Any]
    message_key: str | None
    event_day: dt.date | None


async def sync_derived(
    session: AsyncSession, year: int, wanted: Sequence[ReminderFields], now: dt.datetime
) -> None:
    """Make the year's derived rows match the plan: add new ones, move still-scheduled ones,
    cancel scheduled ones the plan no longer has. Sent, skipped and cancelled rows stay."""
    existing = {
        row.key: row
        for row in await session.scalars(
            select(Reminder).where(Reminder.program_year == year, Reminder.created_by.is_(None))
        )
    }
    keys = set()
    for fields in wanted:
        keys.add(fields.key)
        row = existing.get(fields.key)
        if row is None:
            session.add(Reminder(**fields.__dict__, status=ReminderStatus.SCHEDULED))
        elif row.status == ReminderStatus.SCHEDULED:
            for name, value in fields.__dict__.items():
                if getattr(row, name) != value:
                    setattr(row, name, value)
    for key, row in existing.items():
        if key not in keys and row.status == ReminderStatus.SCHEDULED:
            row.status = ReminderStatus.CANCELLED
            row.cancelled_at = now
    await session.flush()


async def add_staff_reminder(
    session: AsyncSession,
    *,
    year: int,
    fire_at: dt.datetime,
    audience: dict[str, Any],
    text: str,
    staff_id: int,
    created: dt.datetime,
    useful_until: dt.datetime | None = None,
) -> Reminder:
    """Add a one-off reminder written by staff."""
    row = Reminder(
        key=f"staff:{staff_id}:{created.timestamp():.6f}",
        category="staff",
        series="",
        program_year=year,
        fire_at=fire_at,
        useful_until=useful_until,
        audience=audience,
        message_key=None,
        event_day=None,
        text=text,
        created_by=staff_id,
        status=ReminderStatus.SCHEDULED,
    )
    session.add(row)
    await session.flush()
    row.series = f"staff:{row.id}"
    return row


async def staff_reminders(session: AsyncSession, after: dt.datetime) -> list[Reminder]:
    """Staff reminders still to be sent, and those sent or cancelled since ``after``."""
    return list(
        await session.scalars(
            select(Reminder)
            .where(
                Reminder.created_by.is_not(None),
                (Reminder.status == ReminderStatus.SCHEDULED) | (Reminder.fire_at >= after),
            )
            .order_by(Reminder.fire_at, Reminder.id)
        )
    )


async def cancel_reminder(session: AsyncSession, reminder_id: int, when: dt.datetime) -> bool:
    """Cancel a reminder that has not fired yet; False if it already fired or is gone."""
    result = await session.execute(
        update(Reminder)
        .where(Reminder.id == reminder_id, Reminder.status == ReminderStatus.SCHEDULED)
        .values(status=ReminderStatus.CANCELLED, cancelled_at=when)
    )
    return bool(getattr(result, "rowcount", 0))


async def get_reminder(session: AsyncSession, reminder_id: int) -> Reminder | None:
    """The reminder row."""
    return await session.get(Reminder, reminder_id)


async def reminders_with_status(
    session: AsyncSession, status: ReminderStatus, *, until: dt.datetime | None = None
) -> list[Reminder]:
    """Rows with this status (firing no later than ``until``), in firing order."""
    query = select(Reminder).where(Reminder.status == status)
    if until is not None:
        query = query.where(Reminder.fire_at <= until)
    return list(await session.scalars(query.order_by(Reminder.fire_at, Reminder.id)))


async def all_reminders(session: AsyncSession, year: int) -> list[Reminder]:
    """Every reminder row of the year, in firing order."""
    return list(
        await session.scalars(
            select(Reminder)
            .where(Reminder.program_year == year)
            .order_by(Reminder.fire_at, Reminder.id)
        )
    )


async def set_status(
    session: AsyncSession, reminder_id: int, status: ReminderStatus, when: dt.datetime
) -> None:
    """Move a reminder on (sending → done, scheduled → skipped …)."""
    values: dict[str, Any] = {"status": status}
    if status == ReminderStatus.SENDING:
        values["materialised_at"] = when
    elif status in (ReminderStatus.DONE, ReminderStatus.SKIPPED):
        values["done_at"] = when
    await session.execute(update(Reminder).where(Reminder.id == reminder_id).values(**values))


# --- preferences ----------------------------------------------------------------------------


async def opt_outs(session: AsyncSession, user_id: int) -> frozenset[str]:
    """The reminder categories the user turned off."""
    value = await session.scalar(select(User.reminder_opt_outs).where(User.id == user_id))
    return frozenset(str(item) for item in value or ())


async def set_opt_out(
    session: AsyncSession, user_id: int, category: str, off: bool
) -> frozenset[str]:
    """Turn a category off (``off``) or back on; return the user's categories now off."""
    current = set(await opt_outs(session, user_id))
    if off:
        current.add(category)
    else:
        current.discard(category)
    await session.execute(
        update(User).where(User.id == user_id).values(reminder_opt_outs=sorted(current))
    )
    return frozenset(current)


# --- the scheduler lease --------------------------------------------------------------------


async def take_lease(
    session: AsyncSession, name: str, holder: str, now: dt.datetime, ttl: dt.timedelta
) -> bool:
    """Take or renew the lease; True if ``holder`` holds it until now + ttl."""
    row = await session.get(SchedulerLease, name)
    if row is None:
        await session.execute(
            insert_ignoring_duplicates(session, SchedulerLease, ["name"]),
            {"name": name, "holder": holder, "expires_at": now + ttl},
        )
    result = await session.execute(
        update(SchedulerLease)
        .where(
            SchedulerLease.name == name,
            (SchedulerLease.holder == holder) | (SchedulerLease.expires_at < now),
        )
        .values(holder=holder, expires_at=now + ttl)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def release_lease(session: AsyncSession, name: str, holder: str) -> None:
    """Give the lease up (on a clean shutdown) so a standby takes over at once."""
    await session.execute(
        delete(SchedulerLease).where(SchedulerLease.name == name, SchedulerLease.holder == holder)
    )
