"""What bureau staff look at: the dashboard, communities behind schedule, export records.

Plain typed functions, session first, no Telegram. "Behind schedule" is bot.progress's pace
heuristic (not a rule of the letter), applied to the communities still in the program.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.activity_fields import detail_values
from bot.applications import MoneyLine, QuotaUse, money, quota_use
from bot.exports import ActivityRow, CommunityRecord, MemberRow, PhotoRef
from bot.i18n import t
from bot.program import Program
from bot.progress import (
    ActivityRecord,
    compute_progress_many,
    describe_lacking,
    render_checklist,
)
from db import photos as photo_store
from db import staff as staff_store
from db import staff_queries as queries
from db.communities import activity_days_and_kinds
from db.community_status import Purpose, counts, statuses

# Only approved communities run activities, so only they can be behind (db.community_status).
RUNNING = statuses(Purpose.RUNNING)


@dataclass(frozen=True)
class BehindCommunity:
    """A community behind the pace, with what it still lacks (plain text)."""

    id: int
    name: str
    school: str
    type_key: str
    convener_user_id: int
    counted: int
    expected: int
    lacking: str


@dataclass(frozen=True)
class Dashboard:
    """The figures /stats shows."""

    communities: dict[tuple[str, str], int]
    quota: list[QuotaUse]
    members: int
    linked_members: int
    gifted_teachers: int
    activities: dict[str, int]
    behind: list[BehindCommunity]
    deliveries: dict[tuple[str, str], int]
    # Approved communities × the program file's amounts (bot.applications.money).
    money: list[MoneyLine] = field(default_factory=list)

    @property
    def total_communities(self) -> int:
        """How many communities registered this year."""
        return sum(self.communities.values())


async def behind_schedule(
    session: AsyncSession, program: Program, today: dt.date, language: str
) -> list[BehindCommunity]:
    """The running communities of this year that are behind the pace, by school and name."""
    overview = await queries.community_overview(session, program.program.year, RUNNING)
    logged = await activity_days_and_kinds(session, [row[0] for row in overview])
    progress = compute_progress_many(
        program,
        (
            (row[0], row[3], [ActivityRecord(day, kind) for day, kind in logged.get(row[0], [])])
            for row in overview
        ),
        today,
    )
    behind = []
    for community_id, name, school, type_key, convener in overview:
        standing = progress[community_id]
        if not standing.started or standing.ended or not standing.behind_pace:
            continue
        behind.append(
            BehindCommunity(
                id=community_id,
                name=name,
                school=school,
                type_key=type_key,
                convener_user_id=convener,
                counted=standing.counted_activities,
                expected=standing.expected_by_now,
                lacking=describe_lacking(standing, program, language),
            )
        )
    return behind


async def dashboard(
    session: AsyncSession, program: Program, today: dt.date, language: str
) -> Dashboard:
    """Communities by type and status, members, activities, who is behind, deliveries."""
    year = program.program.year
    members, linked, gifted = await queries.member_figures(session, year)
    quota = await quota_use(session, program)
    return Dashboard(
        communities=await queries.communities_by_type_and_status(session, year),
        quota=quota,
        money=money(program, {use.type_key: use.approved for use in quota}),
        members=members,
        linked_members=linked,
        gifted_teachers=gifted,
        activities=await queries.activities_by_kind(session, year),
        behind=await behind_schedule(session, program, today, language),
        deliveries=await queries.delivery_figures(session),
    )


# --- exports --------------------------------------------------------------------------------


def _records(
    program: Program,
    rows: queries.ExportRows,
    today: dt.date,
    language: str,
    zone: dt.tzinfo,
) -> list[CommunityRecord]:
    progress = compute_progress_many(
        program,
        (
            (
                row.id,
                row.type_key,
                [ActivityRecord(a.day, a.kind) for a in rows.activities.get(row.id, [])],
            )
            for row in rows.communities
        ),
        today,
    )
    records = []
    for row in rows.communities:
        members = rows.members.get(row.id, [])
        names = {member.id: member.name for member in members}
        standing = progress[row.id]
        records.append(
            CommunityRecord(
                id=row.id,
                name=row.name,
                school=row.school,
                type_key=row.type_key,
                status=str(row.status),
                convener=next((m.name for m in members if m.is_convener), ""),
                program_year=row.program_year,
                members=tuple(
                    MemberRow(
                        name=member.name,
                        gifted_teacher=member.gifted_teacher,
                        subject=member.subject,
                        is_convener=member.is_convener,
                        linked=member.user_id is not None,
                    )
                    for member in members
                ),
                activities=tuple(
                    ActivityRow(
                        day=activity.day,
                        kind_key=activity.kind,
                        topic=activity.topic,
                        attendees=tuple(
                            names[int(i)]
                            for i in activity.attendee_member_ids or []
                            if int(i) in names
                        ),
                        details=detail_values(activity.details),
                        photos=tuple(
                            PhotoRef(str(file_id)) for file_id in activity.photo_file_ids or []
                        ),
                    )
                    for activity in rows.activities.get(row.id, [])
                ),
                progress_lines=tuple(render_checklist(standing, program, language)),
                # Only a community running in the program can lack anything.
                lacking=describe_lacking(standing, program, language)
                if counts(Purpose.RUNNING, row.status)
                else t(
                    language,
                    "exports.lacking_not_running",
                    status=t(language, f"exports.status.{row.status}"),
                ),
                submitted_on=_local_day(row.submitted_at, zone),
                decided_on=_local_day(row.reviewed_at, zone),
                decision_reason=row.review_reason,
                waitlist_position=row.waitlist_position,
                documents_received={
                    int(index): dt.date.fromisoformat(str(day))
                    for index, day in (row.documents_received or {}).items()
                },
                approved_amount=_approved_amount(program, row.type_key, str(row.status)),
            )
        )
    return records


def _local_day(moment: dt.datetime | None, zone: dt.tzinfo) -> dt.date | None:
    return None if moment is None else moment.astimezone(zone).date()


def _approved_amount(program: Program, type_key: str, status: str) -> int | None:
    """What the Bureau pays an approved community over all phases (None: nothing approved)."""
    if status != "approved":
        return None
    return sum(phase.amounts.get(type_key, 0) for phase in program.funding.phases)


async def export_records(
    session: AsyncSession,
    program: Program,
    today: dt.date,
    language: str,
    *,
    program_year: int | None = None,
    community_id: int | None = None,
    zone: dt.tzinfo = dt.UTC,
) -> list[CommunityRecord]:
    """The records of the year's communities (or of one), by school and name (no photo data).

    ``zone`` is where the bot runs: it turns the moments of submission and decision into days.
    """
    year = program.program.year if program_year is None else program_year
    rows = await queries.export_rows(session, year, community_id)
    # A thousand communities take a while to shape: not on the event loop, where every other
    # chat's answer waits.
    return await asyncio.to_thread(_records, program, rows, today, language, zone)


async def may_export_record(
    session: AsyncSession, program: Program, user_id: int, community_id: int, *, staff: bool
) -> bool:
    """Staff may export any community's record; a convener only their own."""
    community = await queries.community(session, community_id)
    if community is None or community.program_year != program.program.year:
        return False
    return staff or community.convener_user_id == user_id


async def own_community_id(session: AsyncSession, program: Program, user_id: int) -> int | None:
    """The id of the community this user convenes this year."""
    community = await queries.convened_community(session, program.program.year, user_id)
    return community.id if community else None


# --- managing staff -------------------------------------------------------------------------


class StaffChangeError(Exception):
    """The staff change cannot be made; ``reason`` is a catalogue key under ``staff.``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_staff_change(admin_ids: frozenset[int], actor_id: int, action: str, user_id: int) -> None:
    """Whether the admin ``actor_id`` may add or remove ``user_id``; StaffChangeError if not."""
    if actor_id not in admin_ids:
        raise StaffChangeError("admins_only")
    if user_id in admin_ids:
        # Admins are configured in BOT_ADMIN_IDS, not in the database.
        if action == "add":
            raise StaffChangeError("already")
        if user_id == actor_id:
            raise StaffChangeError("cannot_remove_self")
        raise StaffChangeError("cannot_remove_admin")


async def change_staff(
    session: AsyncSession,
    admin_ids: frozenset[int],
    actor_id: int,
    action: str,
    user_id: int,
    now: dt.datetime,
) -> bool:
    """Add or remove a staff member (an admin's confirmed choice), logged in the audit log;
    whether anything changed."""
    check_staff_change(admin_ids, actor_id, action, user_id)
    if action == "add":
        changed = await staff_store.add_staff(session, user_id)
    else:
        changed = await staff_store.remove_staff(session, user_id)
    if changed:
        entry = audit.STAFF_ADDED if action == "add" else audit.STAFF_REMOVED
        await audit.record(session, actor_id, entry, {"user_id": user_id}, now)
    return changed


# Photos embedded in one community's record at most: a bot uploads at most 50 MB a file.
MAX_EMBEDDED_PHOTOS = 40


async def kept_photos(
    session: AsyncSession, records: Sequence[CommunityRecord]
) -> dict[str, bytes]:
    """The bytes the bot keeps of these records' photos (LINE's, the console's)."""
    references = [p.file_id for r in records for a in r.activities for p in a.photos]
    return await photo_store.photos(session, references)


async def with_photos(
    records: Sequence[CommunityRecord],
    kept: Mapping[str, bytes],
    fetch: Callable[[str], Awaitable[bytes | None]] | None = None,
    budget: int = MAX_EMBEDDED_PHOTOS,
) -> list[CommunityRecord]:
    """The records with their photos' bytes: the ``kept`` ones, and up to ``budget`` a record
    fetched with ``fetch`` (Telegram's, downloaded); the rest stay references."""
    return [await _record_with_photos(record, kept, fetch, budget) for record in records]


async def _record_with_photos(
    record: CommunityRecord,
    kept: Mapping[str, bytes],
    fetch: Callable[[str], Awaitable[bytes | None]] | None,
    budget: int,
) -> CommunityRecord:
    activities = []
    for activity in record.activities:
        photos = []
        for photo in activity.photos:
            data = kept.get(photo.file_id)
            if data is None and fetch is not None and budget > 0:
                budget -= 1
                data = await fetch(photo.file_id)
            photos.append(PhotoRef(photo.file_id, data))
        activities.append(replace(activity, photos=tuple(photos)))
    return replace(record, activities=tuple(activities))
