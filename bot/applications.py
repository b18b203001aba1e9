"""Applications: a convener submits the registered community, staff approve within the quota.

The letter (說明三): the 申請計畫 and the 核章經費概算表, each in two copies, reach the resource
center by the deadline without a covering letter; 說明二(二): each type funds a quota of groups.
Submitting here records the application; the paper documents are still delivered by hand.
Plain typed functions, session first, no Telegram.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.program import Program
from bot.rules import MemberDraft, RuleProblem, member_problems
from db import program_dates
from db import staff_queries as queries
from db.community_status import Purpose, counts, next_step_key
from db.models import Community, CommunityStatus

MAX_REASON = 500
# A rejected community may be corrected and submitted again (before its deadline, or after
# it once staff reopened the application).
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
    reopened: bool = False
    reopen_reason: str | None = None
    waitlist_position: int | None = None
    # Paper documents received: index in the program's document list → the day.
    documents_received: dict[int, dt.date] | None = None
    # This community's own extended deadline (/extend ID DATE); None: the general one.
    own_deadline: dt.date | None = None

    def deadline(self, program: Program, extended_for_all: dt.date | None) -> dt.date:
        """The application deadline that applies: the letter's, or a later extension."""
        letter = program.application.deadline
        return max(letter, extended_for_all or letter, self.own_deadline or letter)

    def late_documents(
        self, program: Program, extended_for_all: dt.date | None
    ) -> dict[int, int]:
        """Paper documents that arrived after the deadline: index → days late."""
        deadline = self.deadline(program, extended_for_all)
        return {
            index: (day - deadline).days
            for index, day in (self.documents_received or {}).items()
            if day > deadline
        }


@dataclass(frozen=True)
class Notice:
    """A message the domain wants a user told; the handler or delivery layer renders and sends.

    ``key`` is a catalogue key; ``values`` are plain (dates as dt.date, formatted per language).
    """

    user_id: int
    key: str
    values: dict[str, object]


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
    # Until when the convener may submit again (None: only if staff reopen it).
    resubmit_until: dt.date | None = None


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
        reopened=community.reopened_at is not None,
        reopen_reason=community.reopen_reason,
        waitlist_position=community.waitlist_position,
        documents_received=_received(community),
        own_deadline=community.deadline,
    )


def _received(community: Community) -> dict[int, dt.date]:
    stored = community.documents_received or {}
    return {int(index): dt.date.fromisoformat(str(day)) for index, day in stored.items()}


def rule_problems(program: Program, community: Community) -> list[RuleProblem]:
    """What the community's members break of the letter's rules for its type; [] if nothing."""
    members = [MemberDraft(m.name, m.gifted_teacher, m.subject) for m in community.members]
    return member_problems(program, community.type_key, members)


def deadline_passed(program: Program, today: dt.date) -> bool:
    """Whether the letter's application deadline (說明三) is behind us (no extension counted)."""
    return today > program.application.deadline


async def general_deadline(session: AsyncSession, program: Program) -> dt.date:
    """The application deadline for everyone: the letter's, or later if staff extended it."""
    dates = await program_dates.get_dates(session, program.program.year)
    extended = dates.application_deadline if dates is not None else None
    return max(program.application.deadline, extended or program.application.deadline)


async def deadline_of(
    session: AsyncSession, program: Program, community: Community | None
) -> dt.date:
    """The deadline that applies to this community (its own extension, if later)."""
    general = await general_deadline(session, program)
    own = community.deadline if community is not None else None
    return max(general, own or general)


async def deadline_for(session: AsyncSession, program: Program, community_id: int) -> dt.date:
    """The deadline in force for one community, by its id."""
    return await deadline_of(session, program, await queries.community(session, community_id))


async def may_submit(
    session: AsyncSession, program: Program, community: Community, today: dt.date
) -> bool:
    """Whether the deadline still lets this community submit: on time, or reopened by staff."""
    if community.reopened_at is not None:
        return True
    return today <= await deadline_of(session, program, community)


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
    if community.status == CommunityStatus.WAITLISTED:
        raise ApplicationError("already_waitlisted")
    if community.status == CommunityStatus.WITHDRAWN:
        raise ApplicationError("withdrawn")
    if not await may_submit(session, program, community, today):
        raise ApplicationError(
            "deadline_passed", deadline=await deadline_of(session, program, community)
        )
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
        # A reopening lets one submission through after the deadline, not more.
        reopened_at=None,
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
    if community.status == CommunityStatus.WAITLISTED:
        raise ApplicationError("already_waitlisted", name=community.name)
    if community.status != CommunityStatus.SUBMITTED:
        raise ApplicationError("not_submitted", name=community.name)
    return community


def _usage(uses: list[QuotaUse], type_key: str) -> QuotaUse:
    return next(use for use in uses if use.type_key == type_key)


def quota_full(uses: list[QuotaUse], type_key: str) -> bool:
    """Whether no further community of this type can be approved."""
    return _usage(uses, type_key).full


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
    *,
    today: dt.date | None = None,
) -> Decision:
    """Reject a submitted application, with the reason the convener will read.

    The decision says until when the convener may submit again, so the text they read never
    promises what /apply would then refuse.
    """
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
    deadline = await deadline_of(session, program, community)
    today = today or now.date()
    until = deadline if today <= deadline else None
    return Decision(view_of(community), False, use, resubmit_until=until)


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


# --- the status after a decision: waiting list, undoing, reopening, withdrawing ---------------


@dataclass(frozen=True)
class Outcome:
    """What a staff action did, and whom the handler must tell what."""

    application: ApplicationView
    previous: str
    notices: list[Notice]
    promoted: ApplicationView | None = None


async def _this_year(
    session: AsyncSession, program: Program, community_id: int, staff_id: int
) -> Community:
    community = await queries.community(session, community_id)
    if community is None or community.program_year != program.program.year:
        raise ApplicationError("not_found")
    if is_own_community(community, staff_id):
        raise ApplicationError("own_community", name=community.name)
    return community


async def _move(
    session: AsyncSession,
    community: Community,
    expected: tuple[CommunityStatus, ...],
    new: CommunityStatus,
    **values: object,
) -> None:
    if not await queries.change_status(session, community.id, expected, new, **values):
        raise ApplicationError("already_decided", name=community.name)


async def waitlist(
    session: AsyncSession, program: Program, community_id: int, staff_id: int, now: dt.datetime
) -> Outcome:
    """Put a submitted application on its type's 備取 list, last in order.

    Only when the type's quota is full: with room, the application is approved or rejected.
    """
    community = await _pending_community(session, program, community_id, staff_id)
    await queries.lock_quota(session, program.program.year, community.type_key)
    use = _usage(await quota_use(session, program), community.type_key)
    if not use.full:
        raise ApplicationError("quota_has_room", approved=use.approved, quota=use.quota)
    position = await queries.last_waitlist_position(
        session, program.program.year, community.type_key
    )
    await _move(
        session,
        community,
        (CommunityStatus.SUBMITTED,),
        CommunityStatus.WAITLISTED,
        reviewed_at=now,
        reviewed_by=staff_id,
        review_reason=None,
        waitlist_position=position + 1,
    )
    await audit.record(
        session,
        staff_id,
        audit.WAITLISTED,
        {"community": community.name, "id": community.id, "position": position + 1},
        now,
    )
    view = view_of(community)
    notice = Notice(
        view.convener_user_id,
        "decisions.tell_waitlisted",
        {"name": view.name, "position": position + 1},
    )
    return Outcome(view, str(CommunityStatus.SUBMITTED), [notice])


async def waiting_list(session: AsyncSession, program: Program) -> list[ApplicationView]:
    """The 備取 list of every type, each in its order."""
    rows = await queries.communities_with_status(
        session, program.program.year, CommunityStatus.WAITLISTED
    )
    order = {t.key: number for number, t in enumerate(program.community_types)}
    views = [view_of(community) for community in rows]
    return sorted(views, key=lambda v: (order.get(v.type_key, 99), v.waitlist_position or 0))


async def promote_if_room(
    session: AsyncSession, program: Program, type_key: str, staff_id: int, now: dt.datetime
) -> tuple[ApplicationView | None, list[Notice]]:
    """Approve the first of the type's 備取 list if an approved place is free (說明二(二))."""
    use = _usage(await quota_use(session, program), type_key)
    if use.full:
        return None, []
    first = await queries.first_waitlisted(session, program.program.year, type_key)
    if first is None:
        return None, []
    await _move(
        session,
        first,
        (CommunityStatus.WAITLISTED,),
        CommunityStatus.APPROVED,
        reviewed_at=now,
        reviewed_by=staff_id,
        waitlist_position=None,
    )
    await queries.close_waitlist_gap(session, program.program.year, type_key)
    await audit.record(
        session, staff_id, audit.PROMOTED, {"community": first.name, "id": first.id}, now
    )
    view = view_of(first)
    after = program.application.after_approval
    notice = Notice(
        view.convener_user_id,
        "decisions.tell_promoted",
        {"name": view.name, "after": after, "after_en": program.application.after_approval_en},
    )
    return view, [notice]


async def undo_decision(
    session: AsyncSession,
    program: Program,
    community_id: int,
    staff_id: int,
    reason: str,
    now: dt.datetime,
) -> Outcome:
    """Take back a decision (核定, 未通過 or 備取): the application waits for review again.

    Undoing an approval frees a place, so the first of the 備取 list may move up.
    """
    decided = (CommunityStatus.APPROVED, CommunityStatus.REJECTED, CommunityStatus.WAITLISTED)
    return await _change_back(
        session, program, community_id, staff_id, reason, now,
        allowed=decided, refusal="nothing_to_undo", new=CommunityStatus.SUBMITTED,
        action=audit.DECISION_UNDONE, tell="decisions.tell_undone",
        values={"reviewed_at": None, "reviewed_by": None, "review_reason": None},
    )  # fmt: skip


async def reopen(
    session: AsyncSession,
    program: Program,
    community_id: int,
    staff_id: int,
    reason: str,
    now: dt.datetime,
) -> Outcome:
    """Reopen a rejected or withdrawn application: the convener may submit it again, even
    after the deadline (once)."""
    closed = (CommunityStatus.REJECTED, CommunityStatus.WITHDRAWN, CommunityStatus.DRAFT)
    return await _change_back(
        session, program, community_id, staff_id, reason, now,
        allowed=closed, refusal="not_reopenable", new=CommunityStatus.DRAFT,
        action=audit.REOPENED, tell="decisions.tell_reopened",
        values={"reopened_at": now, "reopen_reason": reason},
    )  # fmt: skip


async def withdraw(
    session: AsyncSession,
    program: Program,
    community_id: int,
    staff_id: int,
    reason: str,
    now: dt.datetime,
) -> Outcome:
    """Withdraw a community from the program (e.g. the school says so); an approved one frees
    its place for the 備取 list."""
    still_in = tuple(
        s for s in CommunityStatus if s not in (CommunityStatus.WITHDRAWN, CommunityStatus.REJECTED)
    )
    return await _change_back(
        session, program, community_id, staff_id, reason, now,
        allowed=still_in, refusal="not_withdrawable", new=CommunityStatus.WITHDRAWN,
        action=audit.WITHDRAWN, tell="decisions.tell_withdrawn",
        values={"reviewed_at": now, "reviewed_by": staff_id, "review_reason": reason},
    )  # fmt: skip


async def _change_back(
    session: AsyncSession,
    program: Program,
    community_id: int,
    staff_id: int,
    reason: str,
    now: dt.datetime,
    *,
    allowed: tuple[CommunityStatus, ...],
    refusal: str,
    new: CommunityStatus,
    action: str,
    tell: str,
    values: dict[str, object],
) -> Outcome:
    """Move a community out of ``allowed`` to ``new`` with a reason the convener is told; a
    place on the 備取 list is closed up, and a freed approval promotes the next in line."""
    reason = clean_reason(reason)
    community = await _this_year(session, program, community_id, staff_id)
    previous = CommunityStatus(str(community.status))
    if previous not in allowed:
        raise ApplicationError(refusal, name=community.name)
    await _move(session, community, (previous,), new, waitlist_position=None, **values)
    if previous == CommunityStatus.WAITLISTED:
        await queries.close_waitlist_gap(session, program.program.year, community.type_key)
    await audit.record(
        session,
        staff_id,
        action,
        {"community": community.name, "id": community.id, "was": str(previous), "reason": reason},
        now,
    )
    view = view_of(community)
    notices = [Notice(view.convener_user_id, tell, {"name": view.name, "reason": reason})]
    promoted = None
    if previous == CommunityStatus.APPROVED:
        promoted, more = await promote_if_room(session, program, community.type_key, staff_id, now)
        notices += more
    return Outcome(view, str(previous), notices, promoted)


# --- the deadline and the paper documents ----------------------------------------------------


async def extend_deadline(
    session: AsyncSession,
    program: Program,
    staff_id: int,
    day: dt.date,
    now: dt.datetime,
    *,
    community_id: int | None = None,
) -> tuple[dt.date, dt.date, ApplicationView | None, list[Notice]]:
    """Move the application deadline to ``day``, for everyone or for one community.

    Never earlier than the letter's deadline. Returns the deadline in force before and now, the
    community (if one) and the notices to conveners.
    """
    if day < program.application.deadline:
        raise ApplicationError("extend_before_letter", deadline=program.application.deadline)
    if community_id is None:
        before = await general_deadline(session, program)
        await program_dates.set_application_deadline(session, program.program.year, day, staff_id)
        await audit.record(
            session, staff_id, audit.DEADLINE_EXTENDED, {"date": day.isoformat()}, now
        )
        in_force = await general_deadline(session, program)
        if in_force == before:
            return before, in_force, None, []
        # Conveners still preparing their application hear of the new date; a community with
        # a later extension of its own keeps it.
        key = "decisions.tell_extended" if in_force > before else "decisions.tell_deadline_earlier"
        drafts = await queries.communities_with_status(
            session, program.program.year, CommunityStatus.DRAFT
        )
        notices = [
            Notice(draft.convener_user_id, key, {"name": draft.name, "deadline": in_force})
            for draft in drafts
            if draft.deadline is None or draft.deadline <= in_force
        ]
        return before, in_force, None, notices
    community = await _this_year(session, program, community_id, staff_id)
    before = await deadline_of(session, program, community)
    community.deadline = day
    await session.flush()
    await audit.record(
        session,
        staff_id,
        audit.DEADLINE_EXTENDED,
        {"community": community.name, "id": community.id, "date": day.isoformat()},
        now,
    )
    in_force = await deadline_of(session, program, community)
    view = view_of(community)
    if in_force == before:
        return before, in_force, view, []
    # Only a draft can be submitted: anyone else hears what the new date means for them.
    status = CommunityStatus(str(community.status))
    if status != CommunityStatus.DRAFT:
        key = f"decisions.tell_extended_{status}"
    elif in_force < before:
        key = "decisions.tell_deadline_earlier"
    else:
        key = "decisions.tell_extended"
    notice = Notice(view.convener_user_id, key, {"name": view.name, "deadline": in_force})
    return before, in_force, view, [notice]


async def mark_received(
    session: AsyncSession,
    program: Program,
    community_id: int,
    document_number: int,
    day: dt.date,
    staff_id: int,
    now: dt.datetime,
) -> tuple[ApplicationView, dt.date | None]:
    """Record that a paper document (numbered as in the program file, from 1) arrived on ``day``;
    the view and the day recorded before, if this corrects it."""
    documents = program.application.documents
    if not 1 <= document_number <= len(documents):
        raise ApplicationError("no_such_document", count=len(documents))
    if day > now.date():
        raise ApplicationError("received_future", date=day)
    if day < program.letter.date:
        raise ApplicationError("received_before_letter", date=day, letter=program.letter.date)
    community = await _this_year(session, program, community_id, staff_id)
    received = dict(community.documents_received or {})
    earlier = received.get(str(document_number - 1))
    previous = dt.date.fromisoformat(earlier) if earlier else None
    received[str(document_number - 1)] = day.isoformat()
    community.documents_received = received
    await session.flush()
    await audit.record(
        session,
        staff_id,
        audit.DOCUMENT_RECEIVED,
        {
            "community": community.name,
            "id": community.id,
            "document": documents[document_number - 1].name,
            "date": day.isoformat(),
        },
        now,
    )
    return view_of(community), previous if previous != day else None


# --- what the convener sees -----------------------------------------------------------------


@dataclass(frozen=True)
class ConvenerStatus:
    """The community's status as its convener reads it, and the next step (catalogue keys)."""

    status: str
    status_key: str
    next_key: str
    values: dict[str, object]
    # Whether the activity checklist is shown (not for rejected or withdrawn communities).
    shows_progress: bool = True
    # A draft or rejected application that can no longer be sent: no next step to promise.
    closed: bool = False
    # The paper documents, for a sent application: the line's key (None: no line), which
    # arrived when, and which late by how many days.
    paper_key: str | None = None
    documents_received: dict[int, dt.date] = field(default_factory=dict)
    late_documents: dict[int, int] = field(default_factory=dict)


_SENT = ("submitted", "approved", "waitlisted")


# The next steps only the convener takes (/apply, /log); a member reads who does.
_CONVENERS_STEPS = ("next_draft", "next_reopened", "next_rejected", "next_approved")


async def convener_status(
    session: AsyncSession,
    program: Program,
    community: Community,
    today: dt.date,
    *,
    viewer_id: int | None = None,
) -> ConvenerStatus:
    """The status line and next step shown in /progress and /mycommunity (to ``viewer_id``:
    a member who is not the convener is told who takes the step)."""
    status = str(community.status)
    reopened = community.reopened_at is not None
    deadline = await deadline_of(session, program, community)
    key = next_step_key(status, reopened=reopened)
    # Before the deadline a draft or rejected community may (re)submit; after it, only if
    # staff reopened it — never promise what /apply would refuse.
    closed = status in ("draft", "rejected") and not reopened and today > deadline
    if closed:
        key = f"{key}_closed"
    elif key in _CONVENERS_STEPS and viewer_id not in (None, community.convener_user_id):
        key = f"{key}_member"
    received = _received(community)
    paper_key = None
    if status in _SENT:
        if len(received) == len(program.application.documents):
            paper_key = "status.paper"
        else:
            paper_key = "status.paper_missing_late" if today > deadline else "status.paper_missing"
    return ConvenerStatus(
        shows_progress=counts(Purpose.SHOWS_PROGRESS, status),
        closed=closed,
        status=status,
        status_key=f"status.name_{status}",
        next_key=f"status.{key}",
        values={
            "deadline": deadline,
            "reason": (community.reopen_reason if reopened else community.review_reason) or "",
            "position": community.waitlist_position or 0,
        },
        paper_key=paper_key,
        documents_received=received,
        late_documents={i: (day - deadline).days for i, day in received.items() if day > deadline},
    )


# --- money ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoneyLine:
    """The approved amount of one type in one funding phase."""

    type_key: str
    phase: int
    phase_name: str
    groups: int
    amount_per_group: int

    @property
    def total(self) -> int:
        """The amount for all approved groups of the type in the phase."""
        return self.groups * self.amount_per_group


def money(program: Program, approved: dict[str, int]) -> list[MoneyLine]:
    """Approved communities × the phase amounts of the program file, per type and phase."""
    return [
        MoneyLine(
            t.key, phase.number, phase.name, approved.get(t.key, 0), phase.amounts.get(t.key, 0)
        )
        for phase in program.funding.phases
        for t in program.community_types
    ]
