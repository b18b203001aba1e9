"""Queries for bureau staff: applications, the dashboard, exports and broadcast audiences.

Plain queries on a session the caller owns; nothing here commits.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import deliveries
from db.models import (
    Activity,
    ApprovalQuotaLock,
    Community,
    CommunityStatus,
    Delivery,
    Member,
    School,
    User,
)
from db.sql import insert_ignoring_duplicates

# --- applications ---------------------------------------------------------------------------


async def community(session: AsyncSession, community_id: int) -> Community | None:
    """The community with its school, members and activities."""
    return await session.get(Community, community_id)


async def convened_community(
    session: AsyncSession, program_year: int, user_id: int
) -> Community | None:
    """The community this user convenes in this program year."""
    return await session.scalar(
        select(Community).where(
            Community.program_year == program_year, Community.convener_user_id == user_id
        )
    )


async def communities_with_status(
    session: AsyncSession, program_year: int, status: CommunityStatus
) -> list[Community]:
    """Communities of the year in this status, the earliest submitted first."""
    rows = await session.scalars(
        select(Community)
        .where(Community.program_year == program_year, Community.status == status)
        .order_by(Community.submitted_at, Community.id)
    )
    return list(rows)


async def lock_quota(session: AsyncSession, program_year: int, type_key: str) -> None:
    """Hold this type's quota until the transaction ends; approvals of the type queue here.

    On PostgreSQL a row lock (SELECT … FOR UPDATE) serialises approvals across every bot
    process; the count read after it sees every approval committed before. SQLite has no row
    locks: the insert makes the transaction the database's one writer at once.
    """
    keys = {"program_year": program_year, "type_key": type_key}
    await session.execute(
        insert_ignoring_duplicates(session, ApprovalQuotaLock, ["program_year", "type_key"]), keys
    )
    await session.execute(
        select(ApprovalQuotaLock.type_key)
        .where(
            ApprovalQuotaLock.program_year == program_year, ApprovalQuotaLock.type_key == type_key
        )
        .with_for_update()
    )


async def approved_counts(session: AsyncSession, program_year: int) -> dict[str, int]:
    """How many communities of each type are approved this year."""
    rows = await session.execute(
        select(Community.type_key, func.count())
        .where(
            Community.program_year == program_year,
            Community.status == CommunityStatus.APPROVED,
        )
        .group_by(Community.type_key)
    )
    return {type_key: count for type_key, count in rows}


async def change_status(
    session: AsyncSession,
    community_id: int,
    expected: Collection[CommunityStatus],
    new: CommunityStatus,
    **values: Any,
) -> bool:
    """Move the community to ``new`` only if its status is one of ``expected``; whether it did.

    A conditional UPDATE, so that two presses of one button cannot both succeed.
    """
    result = await session.execute(
        update(Community)
        .where(Community.id == community_id, Community.status.in_(list(expected)))
        .values(status=new, **values)
        .execution_options(synchronize_session=False)
    )
    changed = bool(result.rowcount)  # type: ignore[attr-defined]
    if changed:
        stored = await session.get(Community, community_id)
        if stored is not None:
            await session.refresh(stored)
    return changed


async def last_waitlist_position(session: AsyncSession, program_year: int, type_key: str) -> int:
    """The last place taken on the type's 備取 list (0 when empty)."""
    found = await session.scalar(
        select(func.max(Community.waitlist_position)).where(
            Community.program_year == program_year,
            Community.type_key == type_key,
            Community.status == CommunityStatus.WAITLISTED,
        )
    )
    return int(found or 0)


async def first_waitlisted(
    session: AsyncSession, program_year: int, type_key: str
) -> Community | None:
    """The first community of the type's 備取 list."""
    return await session.scalar(
        select(Community)
        .where(
            Community.program_year == program_year,
            Community.type_key == type_key,
            Community.status == CommunityStatus.WAITLISTED,
        )
        .order_by(Community.waitlist_position, Community.id)
        .limit(1)
    )


async def close_waitlist_gap(session: AsyncSession, program_year: int, type_key: str) -> None:
    """Number the type's 備取 list 1, 2, 3… again in its order after someone left it."""
    rows = await session.scalars(
        select(Community)
        .where(
            Community.program_year == program_year,
            Community.type_key == type_key,
            Community.status == CommunityStatus.WAITLISTED,
        )
        .order_by(Community.waitlist_position, Community.id)
    )
    for position, community in enumerate(list(rows), start=1):
        community.waitlist_position = position
    await session.flush()


# --- dashboard ------------------------------------------------------------------------------


async def communities_by_type_and_status(
    session: AsyncSession, program_year: int
) -> dict[tuple[str, str], int]:
    """(type_key, status) → number of communities this year."""
    rows = await session.execute(
        select(Community.type_key, Community.status, func.count())
        .where(Community.program_year == program_year)
        .group_by(Community.type_key, Community.status)
    )
    return {(type_key, str(status)): count for type_key, status, count in rows}


async def member_figures(session: AsyncSession, program_year: int) -> tuple[int, int, int]:
    """(members, members linked to a Telegram account, gifted-class teachers) this year."""
    row = (
        await session.execute(
            select(
                func.count(Member.id),
                func.count(Member.user_id),
                func.count(Member.id).filter(Member.gifted_teacher.is_(True)),
            )
            .join(Community, Community.id == Member.community_id)
            .where(Community.program_year == program_year)
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


async def activities_by_kind(session: AsyncSession, program_year: int) -> dict[str, int]:
    """Activity kind → number of logged activities this year."""
    rows = await session.execute(
        select(Activity.kind, func.count())
        .join(Community, Community.id == Activity.community_id)
        .where(Community.program_year == program_year)
        .group_by(Activity.kind)
    )
    return {kind: count for kind, count in rows}


async def community_overview(
    session: AsyncSession, program_year: int, statuses: Collection[CommunityStatus]
) -> list[tuple[int, str, str, str, int]]:
    """(id, name, school, type_key, convener_user_id) of the year's communities in ``statuses``."""
    rows = await session.execute(
        select(
            Community.id,
            Community.name,
            School.name,
            Community.type_key,
            Community.convener_user_id,
        )
        .join(School, School.id == Community.school_id)
        .where(Community.program_year == program_year, Community.status.in_(list(statuses)))
        .order_by(School.name, Community.name, Community.id)
    )
    return [
        (cid, name, school, type_key, convener) for cid, name, school, type_key, convener in rows
    ]


async def delivery_figures(session: AsyncSession) -> dict[tuple[str, str], int]:
    """("reminder" or "broadcast", delivery status) → number of deliveries."""
    figures: dict[tuple[str, str], int] = {}
    for name, column in (("reminder", Delivery.reminder_id), ("broadcast", Delivery.broadcast_id)):
        reported = deliveries.reported_status()
        rows = await session.execute(
            select(reported, func.count()).where(column.is_not(None)).group_by(reported)
        )
        for status, count in rows:
            figures[(name, str(status))] = count
    return figures


# --- exports --------------------------------------------------------------------------------


class CommunityExportRow(NamedTuple):
    """One community, as exports need it."""

    id: int
    name: str
    school: str
    type_key: str
    status: CommunityStatus
    program_year: int
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    review_reason: str | None
    waitlist_position: int | None
    documents_received: dict[str, Any] | None


class MemberExportRow(NamedTuple):
    """One member of a community, as exports need it."""

    id: int
    name: str
    gifted_teacher: bool
    subject: str | None
    is_convener: bool
    user_id: int | None


@dataclass(frozen=True)
class ActivityExportRow:
    """One activity: its fixed columns, and every other column of the table by name."""

    id: int
    day: dt.date
    kind: str
    topic: str
    attendee_member_ids: list[Any]
    photo_file_ids: list[Any]
    # The remaining columns (duration, notes, …) by attribute name: the domain's field
    # declarations pick what they show, so a new column needs no change here.
    details: dict[str, Any]


# Columns of activities that say nothing about the meeting itself.
_BOOKKEEPING = frozenset({"community_id", "client_token", "created_by", "created_at", "updated_at"})
_FIXED = frozenset(ActivityExportRow.__dataclass_fields__) - {"details"}


@dataclass(frozen=True)
class ExportRows:
    """The year's communities, members and activities as plain rows, for exports.

    Plain rows rather than ORM objects: a busy year (1,000 communities, 10,000 activities)
    loads in a fraction of the time.
    """

    communities: list[CommunityExportRow]
    members: dict[int, list[MemberExportRow]]  # community id → members in position order
    activities: dict[int, list[ActivityExportRow]]  # community id → activities by day


async def export_rows(
    session: AsyncSession, program_year: int, community_id: int | None = None
) -> ExportRows:
    """The rows an export of the year (or of one community) is made from, by school and name."""
    query = (
        select(
            Community.id,
            Community.name,
            School.name,
            Community.type_key,
            Community.status,
            Community.program_year,
            Community.submitted_at,
            Community.reviewed_at,
            Community.review_reason,
            Community.waitlist_position,
            Community.documents_received,
        )
        .join(School, School.id == Community.school_id)
        .where(Community.program_year == program_year)
        .order_by(School.name, Community.name, Community.id)
    )
    if community_id is not None:
        query = query.where(Community.id == community_id)
    communities = [CommunityExportRow(*row) for row in await session.execute(query)]
    chosen = select(Community.id).where(Community.program_year == program_year)
    if community_id is not None:
        chosen = chosen.where(Community.id == community_id)
    members: dict[int, list[MemberExportRow]] = defaultdict(list)
    rows = await session.execute(
        select(
            Member.community_id,
            Member.id,
            Member.name,
            Member.gifted_teacher,
            Member.subject,
            Member.is_convener,
            Member.user_id,
        )
        .where(Member.community_id.in_(chosen))
        .order_by(Member.community_id, Member.position, Member.id)
    )
    for community, member_id, name, gifted, subject, is_convener, user_id in rows:
        members[community].append(
            MemberExportRow(member_id, name, gifted, subject, is_convener, user_id)
        )
    activities: dict[int, list[ActivityExportRow]] = defaultdict(list)
    columns = [
        column
        for column in Activity.__table__.columns
        if column.name not in _BOOKKEEPING or column.name == "community_id"
    ]
    result = await session.execute(
        select(*columns)
        .where(Activity.community_id.in_(chosen))
        .order_by(Activity.community_id, Activity.day, Activity.id)
    )
    for mapping in result.mappings():
        values = dict(mapping)
        community = values.pop("community_id")
        fixed = {name: values.pop(name) for name in _FIXED}
        activities[community].append(ActivityExportRow(**fixed, details=values))
    return ExportRows(communities, members, activities)


async def community_choices(
    session: AsyncSession, program_year: int, offset: int, limit: int
) -> tuple[list[tuple[int, str, str]], int]:
    """One page of (id, name, school) of the year's communities, and how many there are."""
    total = await session.scalar(
        select(func.count()).select_from(Community).where(Community.program_year == program_year)
    )
    rows = await session.execute(
        select(Community.id, Community.name, School.name)
        .join(School, School.id == Community.school_id)
        .where(Community.program_year == program_year)
        .order_by(School.name, Community.name, Community.id)
        .offset(offset)
        .limit(limit)
    )
    return [(cid, name, school) for cid, name, school in rows], int(total or 0)


# --- audiences ------------------------------------------------------------------------------


async def active_user_ids(session: AsyncSession) -> set[int]:
    """Every user who talked to the bot (on Telegram or LINE) and has not blocked it."""
    return set(await session.scalars(select(User.id).where(User.active.is_(True))))


async def only_active(session: AsyncSession, user_ids: Collection[int]) -> set[int]:
    """Those of ``user_ids`` who have not blocked the bot."""
    found: set[int] = set()
    ids = list(user_ids)
    for start in range(0, len(ids), 500):
        found.update(
            await session.scalars(
                select(User.id).where(User.id.in_(ids[start : start + 500]), User.active.is_(True))
            )
        )
    return found


async def convener_ids(
    session: AsyncSession, program_year: int, statuses: Collection[CommunityStatus]
) -> set[int]:
    """The conveners of this year's communities in ``statuses``."""
    return set(
        await session.scalars(
            select(Community.convener_user_id).where(
                Community.program_year == program_year, Community.status.in_(list(statuses))
            )
        )
    )


async def community_ids(
    session: AsyncSession,
    program_year: int,
    *,
    statuses: Collection[CommunityStatus],
    type_key: str | None = None,
    school_ids: Sequence[int] | None = None,
) -> set[int]:
    """Ids of this year's communities in ``statuses``, of one type or at some schools."""
    query = select(Community.id).where(
        Community.program_year == program_year, Community.status.in_(list(statuses))
    )
    if type_key is not None:
        query = query.where(Community.type_key == type_key)
    if school_ids is not None:
        query = query.where(Community.school_id.in_(list(school_ids)))
    return set(await session.scalars(query))


async def people_of_communities(session: AsyncSession, ids: Collection[int]) -> set[int]:
    """Conveners and linked members of these communities."""
    people: set[int] = set()
    wanted = list(ids)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        people.update(
            await session.scalars(select(Community.convener_user_id).where(Community.id.in_(chunk)))
        )
        people.update(
            await session.scalars(
                select(Member.user_id).where(
                    Member.community_id.in_(chunk), Member.user_id.is_not(None)
                )
            )
        )
    people.discard(None)
    return people


async def schools_with_communities(
    session: AsyncSession, program_year: int, statuses: Collection[CommunityStatus]
) -> list[tuple[int, str, int]]:
    """(id, name, number of communities in ``statuses``) of the schools with one this year."""
    rows = await session.execute(
        select(School.id, School.name, func.count(Community.id))
        .join(Community, Community.school_id == School.id)
        .where(Community.program_year == program_year, Community.status.in_(list(statuses)))
        .group_by(School.id, School.name)
        .order_by(School.name)
    )
    return [(school_id, name, count) for school_id, name, count in rows]


async def school_names(session: AsyncSession, school_ids: Collection[int]) -> dict[int, str]:
    """The names of these schools."""
    if not school_ids:
        return {}
    rows = await session.execute(
        select(School.id, School.name).where(School.id.in_(list(school_ids)))
    )
    return {school_id: name for school_id, name in rows}


async def user_languages(session: AsyncSession, user_ids: Collection[int]) -> dict[int, str]:
    """The language each of these users chose, for those who chose one."""
    if not user_ids:
        return {}
    rows = await session.execute(
        select(User.id, User.language).where(
            User.id.in_(list(user_ids)), User.language.is_not(None)
        )
    )
    return {user_id: language for user_id, language in rows if language}
