"""Data access for schools, communities, members, invites and activities.

Plain queries on a session the caller owns: nothing here commits. Rules and authorisation live in
``bot/communities.py``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import raiseload
from sqlalchemy.orm.interfaces import ORMOption

from db.models import Activity, Community, Member, School, StoredPhoto

# --- schools --------------------------------------------------------------------------------


async def seed_letter_schools(session: AsyncSession, names: Sequence[str]) -> int:
    """Store the letter's schools (in_letter=True) unless that was done before; how many added."""
    seeded = await session.scalar(select(func.count()).where(School.in_letter.is_(True)))
    if seeded:
        return 0
    existing = {school.name: school for school in await session.scalars(select(School))}
    added = 0
    for name in dict.fromkeys(names):
        school = existing.get(name)
        if school is None:
            session.add(School(name=name, in_letter=True))
            added += 1
        else:
            school.in_letter = True
    await session.flush()
    return added


async def all_schools(session: AsyncSession) -> list[School]:
    """Every school, the letter's first, then by name."""
    rows = await session.scalars(select(School).order_by(School.in_letter.desc(), School.name))
    return list(rows)


async def get_school(session: AsyncSession, school_id: int) -> School | None:
    """The school with this id."""
    return await session.get(School, school_id)


async def school_by_name(session: AsyncSession, name: str) -> School | None:
    """The school with exactly this name."""
    return await session.scalar(select(School).where(School.name == name))


async def add_school(session: AsyncSession, name: str) -> School:
    """A school not in the letter (or the existing one of that name)."""
    school = await school_by_name(session, name)
    if school is None:
        school = School(name=name, in_letter=False)
        session.add(school)
        await session.flush()
    return school


# --- communities and members ----------------------------------------------------------------


def _loading(activities: bool) -> list[ORMOption]:
    # A community's activities are most of what loading it costs; many callers need only its
    # members. Without them, touching ``community.activities`` raises instead of loading.
    return [] if activities else [raiseload(Community.activities)]


async def get_community(
    session: AsyncSession, community_id: int, *, activities: bool = True
) -> Community | None:
    """The community with its school, members and (unless told not to) activities."""
    return await session.get(Community, community_id, options=_loading(activities))


async def community_of_convener(
    session: AsyncSession, program_year: int, user_id: int, *, activities: bool = True
) -> Community | None:
    """The community this user convenes in this program year."""
    return await session.scalar(
        select(Community)
        .where(Community.program_year == program_year, Community.convener_user_id == user_id)
        .options(*_loading(activities))
    )


async def communities_of_user(
    session: AsyncSession, program_year: int, user_id: int, *, activities: bool = True
) -> list[Community]:
    """Communities of this year the user convenes or is a linked member of, oldest first."""
    linked = select(Member.community_id).where(Member.user_id == user_id)
    rows = await session.scalars(
        select(Community)
        .where(
            Community.program_year == program_year,
            or_(Community.convener_user_id == user_id, Community.id.in_(linked)),
        )
        .options(*_loading(activities))
        .order_by(Community.id)
    )
    return list(rows.unique())


async def add_community(session: AsyncSession, community: Community) -> Community | None:
    """Insert a community with its members; None if the convener already has one this year."""
    try:
        async with session.begin_nested():
            session.add(community)
            await session.flush()
    except IntegrityError:
        return None
    return community


async def get_member(session: AsyncSession, member_id: int) -> Member | None:
    """The member with this id."""
    return await session.get(Member, member_id)


async def member_by_invite(session: AsyncSession, code: str) -> Member | None:
    """The member whose invite link carries this code."""
    return await session.scalar(select(Member).where(Member.invite_code == code))


async def member_of_user(session: AsyncSession, community_id: int, user_id: int) -> Member | None:
    """The member entry this user is linked to in the community."""
    return await session.scalar(
        select(Member).where(Member.community_id == community_id, Member.user_id == user_id)
    )


# --- activities -----------------------------------------------------------------------------


async def get_activity(session: AsyncSession, activity_id: int) -> Activity | None:
    """The activity with this id."""
    return await session.get(Activity, activity_id)


async def activity_by_token(session: AsyncSession, client_token: str) -> Activity | None:
    """The activity saved from the draft with this token."""
    return await session.scalar(select(Activity).where(Activity.client_token == client_token))


async def add_activity(session: AsyncSession, activity: Activity) -> tuple[Activity, bool]:
    """Insert an activity once: a second insert with the same client_token returns the first."""
    existing = await activity_by_token(session, activity.client_token)
    if existing is not None:
        return existing, False
    try:
        async with session.begin_nested():
            session.add(activity)
            await session.flush()
    except IntegrityError:
        # Another handling of the same update won the race; theirs is the activity.
        existing = await activity_by_token(session, activity.client_token)
        if existing is None:
            raise
        return existing, False
    return activity, True


async def delete_activity(session: AsyncSession, activity: Activity) -> None:
    """Remove an activity, and the photos the bot kept for it."""
    references = [str(reference) for reference in activity.photo_file_ids or []]
    if references:
        await session.execute(delete(StoredPhoto).where(StoredPhoto.reference.in_(references)))
    await session.delete(activity)
    await session.flush()


async def activity_days_and_kinds(
    session: AsyncSession, community_ids: Collection[int]
) -> dict[int, list[tuple[dt.date, str]]]:
    """community id → (day, kind) of each of its activities."""
    found: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    ids = list(community_ids)
    for start in range(0, len(ids), 500):
        rows = await session.execute(
            select(Activity.community_id, Activity.day, Activity.kind).where(
                Activity.community_id.in_(ids[start : start + 500])
            )
        )
        for community_id, day, kind in rows:
            found[community_id].append((day, kind))
    return found
