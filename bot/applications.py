"""Applications: a convener submits the registered community, staff approve within the quota.

The letter (說明三): the 申請計畫 and the 核章經費概算表, each in two copies, reach the resource
center by the deadline without a covering letter; 說明二(二): each type funds a quota of groups.
Submitting here records the application; the paper documents are still delivered by hand.
Plain typed functions, session first, no Telegram.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.program import Program
from bot.rules import MemberDraft, RuleProblem, member_problems
from db import staff_queries as queries
from db.models import Community, CommunityStatus

MAX_REASON = 500
# A rejected community may be corrected and submitted again (before the deadline).
SUBMITTABLE = (CommunityStatus.DRAFT, CommunityStatus.REJECTED)


class ApplicationError(Exception):
    """The application step cannot be done; ``reason`` names why (a catalogue key)."""

    def __init__(self, reason: str, **values: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.values = values


@dataclass(frozen=True)
class ApplicationView:
    """A community as an application: what staff and the convener see."""

    id: int
    name: str
    school: str
    type_key: str
    status: str
    convener_user_id: int
    convener_name: str
    members: int
    gifted_teachers: int
    activities: int
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    review_reason: str | None


@dataclass(frozen=True)
class QuotaUse:
    """How many communities of a type are approved against the letter's quota."""

    type_key: str
    approved: int
    quota: int

    @property
    def full(self) -> bool:
        """Whether no further community of this type can be approved."""
        return self.approved >= self.quota


@dataclass(frozen=True)
class Decision:
    """What staff decided, with what the convener needs to be told."""

    application: ApplicationView
    approved: bool
    quota: QuotaUse


def view_of(community: Community) -> ApplicationView:
    """A loaded community as an application view."""
    convener = next((m.name for m in community.members if m.is_convener), "")
    return ApplicationView(
        id=community.id,
        name=community.name,
        school=community.school.name,
        type_key=community.type_key,
        status=str(community.status),
        convener_user_id=community.convener_user_id,
        convener_name=convener,
        members=len(community.members),
        gifted_teachers=sum(1 for m in community.members if m.gifted_teacher),
        activities=len(community.activities),
        submitted_at=community.submitted_at,
        reviewed_at=community.reviewed_at,
        review_reason=community.review_reason,
    )


def rule_problems(program: Program, community: Community) -> list[RuleProblem]:
    """What the community's members break of the letter's rules for its type; [] if nothing."""
    members = [MemberDraft(m.name, m.gifted_teacher, m.subject) for m in community.members]
    return member_problems(program, community.type_key, members)


def deadline_passed(program: Program, today: dt.date) -> bool:
    """Whether the application deadline (說明三) is behind us."""
    return today > program.application.deadline


async def own_application(
    session: AsyncSession, program: Program, user_id: int
) -> tuple[ApplicationView, list[RuleProblem]] | None:
    """The community this user convenes this year and what its members break; None if none."""
    community = await queries.convened_community(session, program.program.year, user_id)
    if community is None:
        return None
    return view_of(community), rule_problems(program, community)


async def submit(
    session: AsyncSession,
    program: Program,
    user_id: int,
    community_id: int,
    *,
    today: dt.date,
    now: dt.datetime,
) -> ApplicationView:
    """Submit the convener's community for review; ApplicationError says why it cannot be."""
    community = await queries.community(session, community_id)
    if community is None or community.convener_user_id != user_id:
        raise ApplicationError("not_convener")
    if community.program_year != program.program.year:
        raise ApplicationError("not_convener")
    if community.status == CommunityStatus.SUBMITTED:
        raise ApplicationError("already_submitted")
    if community.status == CommunityStatus.APPROVED:
        raise ApplicationError("already_approved")
    if deadline_passed(program, today):
        raise ApplicationError("deadline_passed", deadline=program.application.deadline)
    problems = rule_problems(program, community)
    if problems:
        raise ApplicationError("rules", problems=problems)
    changed = await queries.change_status(
        session,
        community.id,
        SUBMITTABLE,
        CommunityStatus.SUBMITTED,
        submitted_at=now,
        reviewed_at=None,
        reviewed_by=None,
        review_reason=None,
    )
    if not changed:  # another press of the button got there first
        raise ApplicationError("already_submitted")
    return view_of(community)


async def pending(session: AsyncSession, program: Program) -> list[ApplicationView]:
    """Submitted applications waiting for review, the earliest first."""
    rows = await queries.communities_with_status(
        session, program.program.year, CommunityStatus.SUBMITTED
    )
    return [view_of(community) for community in rows]


async def quota_use(session: AsyncSession, program: Program) -> list[QuotaUse]:
    """Approved communities against the quota, per type in the program's order."""
    approved = await queries.approved_counts(session, program.program.year)
    return [QuotaUse(t.key, approved.get(t.key, 0), t.quota) for t in program.community_types]


def is_own_community(community: Community, user_id: int) -> bool:
    """Whether the user convenes the community or is one of its (linked) members."""
    return community.convener_user_id == user_id or any(
        member.user_id == user_id for member in community.members
    )


async def _pending_community(
    session: AsyncSession, program: Program, community_id: int, staff_id: int
) -> Community:
    community = await queries.community(session, community_id)
    if community is None or community.program_year != program.program.year:
        raise ApplicationError("not_found")
    # Nobody decides on their own application, whatever their staff role.
    if is_own_community(community, staff_id):
        raise ApplicationError("own_community", name=community.name)
    if community.status == CommunityStatus.APPROVED:
        raise ApplicationError("already_approved", name=community.name)
    if community.status == CommunityStatus.REJECTED:
        raise ApplicationError("already_rejected", name=community.name)
    if community.status != CommunityStatus.SUBMITTED:
        raise ApplicationError("not_submitted", name=community.name)
    return community


def _usage(uses: list[QuotaUse], type_key: str) -> QuotaUse:
    return next(use for use in uses if use.type_key == type_key)


async def approve(
    session: AsyncSession, program: Program, community_id: int, staff_id: int, now: dt.datetime
) -> Decision:
    """Approve a submitted application if its type's quota has room."""
    community = await _pending_community(session, program, community_id, staff_id)
    # Counted under the type's lock: staff in several bot processes may approve at once.
    await queries.lock_quota(session, program.program.year, community.type_key)
    use = _usage(await quota_use(session, program), community.type_key)
    if use.full:
        raise ApplicationError("quota_full", approved=use.approved, quota=use.quota)
    changed = await queries.change_status(
        session,
        community.id,
        (CommunityStatus.SUBMITTED,),
        CommunityStatus.APPROVED,
        reviewed_at=now,
        reviewed_by=staff_id,
        review_reason=None,
    )
    if not changed:
        raise ApplicationError("already_decided", name=community.name)
    await audit.record(
        session, staff_id, audit.APPROVED, {"community": community.name, "id": community.id}, now
    )
    after = QuotaUse(use.type_key, use.approved + 1, use.quota)
    return Decision(view_of(community), True, after)


def clean_reason(text: str) -> str:
    """A typed rejection reason, tidied; ApplicationError when empty or too long."""
    reason = text.strip()
    if not reason:
        raise ApplicationError("reason_empty")
    if len(reason) > MAX_REASON:
        raise ApplicationError("reason_too_long", length=len(reason), limit=MAX_REASON)
    return reason


async def reject(
    session: AsyncSession,
    program: Program,
    community_id: int,
    staff_id: int,
    reason: str,
    now: dt.datetime,
) -> Decision:
    """Reject a submitted application, with the reason the convener will read."""
    reason = clean_reason(reason)
    community = await _pending_community(session, program, community_id, staff_id)
    changed = await queries.change_status(
        session,
        community.id,
        (CommunityStatus.SUBMITTED,),
        CommunityStatus.REJECTED,
        reviewed_at=now,
        reviewed_by=staff_id,
        review_reason=reason,
    )
    if not changed:
        raise ApplicationError("already_decided", name=community.name)
    await audit.record(
        session,
        staff_id,
        audit.REJECTED,
        {"community": community.name, "id": community.id, "reason": reason},
        now,
    )
    use = _usage(await quota_use(session, program), community.type_key)
    return Decision(view_of(community), False, use)


async def check_may_decide(
    session: AsyncSession, program: Program, community_id: int, staff_id: int
) -> ApplicationView:
    """The pending application staff may decide; ApplicationError says why they may not."""
    return view_of(await _pending_community(session, program, community_id, staff_id))


async def application(
    session: AsyncSession, program: Program, community_id: int
) -> ApplicationView | None:
    """One community of this year as an application."""
    community = await queries.community(session, community_id)
    if community is None or community.program_year != program.program.year:
        return None
    return view_of(community)
