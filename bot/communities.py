"""Communities as the letter defines them: registering, members joining, logging activities.

Plain typed functions, session first, no Telegram: handlers call them with the values they read
from an update. Every change checks who is asking (``role_of``): the convener and staff may
change a community, its linked members may only view it, nobody else sees it.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import secrets
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot import activity_fields
from bot.activity_fields import DETAIL_COLUMNS, details_of
from bot.applications import deadline_of, may_submit
from bot.program import Program
from bot.progress import ActivityRecord, Progress, compute_progress
from bot.rules import MemberDraft, RuleProblem, clean_member_name, member_problems
from db import communities as store
from db import photos
from db.community_status import Purpose, counts
from db.engine import Database
from db.models import Activity, Community, CommunityStatus, Member, User

MAX_COMMUNITY_NAME = 60
MAX_SCHOOL_NAME = 60
MAX_SUBJECT = 30
MAX_TOPIC = 120
MAX_NOTES = activity_fields.MAX_NOTES
MAX_PHOTOS = 10
SCHOOL_CHOICES = 8
INVITE_PREFIX = "join_"
# A photo logged on LINE is kept as this prefix and the LINE message id (not a Telegram file id).
LINE_PHOTO_PREFIX = "line:"

# How school names are shortened in speech, so 正興國小 finds 正興國民小學.
_SCHOOL_SHORT = (
    ("臺", "台"), ("國民小學", "國小"), ("國民中學", "國中"), ("高級中學", "高中"),
    ("高級中等學校", "高中"), ("市立", ""), ("高雄市", ""), (" ", ""),
)  # fmt: skip


class Role(enum.StrEnum):
    """How a user stands to a community."""

    CONVENER = "convener"
    STAFF = "staff"
    MEMBER = "member"

    @property
    def can_change(self) -> bool:
        """Whether this role may change the community (members may only look)."""
        return self in (Role.CONVENER, Role.STAFF)


class NotAllowed(Exception):
    """The user may not do this to this community (or it does not exist)."""


class AlreadyRegistered(Exception):
    """The convener already has a community in this program year."""

    def __init__(self, community: Community) -> None:
        super().__init__(community.name)
        # Plain values: the exception outlives the session that loaded the community.
        self.name = community.name


class RulesBroken(Exception):
    """The change would break the letter's membership rules; ``problems`` say how."""

    def __init__(self, problems: Sequence[RuleProblem]) -> None:
        super().__init__(", ".join(problem.key for problem in problems))
        self.problems = list(problems)


class InvalidText(Exception):
    """A typed text cannot be used; ``reason`` is empty, too_long or not_text."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SchoolChoice:
    """A school the convener can pick."""

    id: int
    name: str
    in_letter: bool


@dataclass(frozen=True)
class CommunityDraft:
    """A community as the convener entered it, before it is saved."""

    type_key: str
    school_id: int | None  # None: a school the letter does not name, added on saving
    school_name: str
    name: str
    members: tuple[MemberDraft, ...]


@dataclass(frozen=True)
class ActivityDraft:
    """One meeting as the convener entered it."""

    day: dt.date
    kind: str
    topic: str
    attendee_member_ids: tuple[int, ...]
    # The detail fields (activity_fields.DETAILS) as column values; missing ones are empty.
    details: Mapping[str, object] = field(default_factory=dict)
    photo_file_ids: tuple[str, ...] = field(default_factory=tuple)


class JoinStatus(enum.StrEnum):
    """What following an invite link did."""

    JOINED = "joined"
    ALREADY = "already"
    TAKEN = "taken"
    OTHER_ENTRY = "other_entry"
    # The community has withdrawn from the program: nobody joins it any more.
    WITHDRAWN = "withdrawn"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class JoinResult:
    """The outcome of following an invite link."""

    status: JoinStatus
    community_name: str = ""
    member_name: str = ""
    community_id: int | None = None


# --- text -----------------------------------------------------------------------------------


def clean_text(text: str, limit: int) -> str:
    """A typed label tidied (NFC, single spaces, no invisible characters), or InvalidText."""
    from bot.rules import InvalidName, tidy_text

    try:
        return tidy_text(text, limit)
    except InvalidName as error:
        raise InvalidText(error.reason) from None


def clean_name(text: str) -> str:
    """A member's name as rules.clean_member_name tidies it, or InvalidText."""
    from bot.rules import InvalidName

    try:
        return clean_member_name(text)
    except InvalidName as error:
        raise InvalidText(error.reason) from None


_EVERYONE = frozenset(
    {"全部", "全體", "全員", "都有", "都到", "都出席", "全部出席", "all", "everyone"}
)
_SEPARATORS = re.compile(r"[\s,，、;；/／]+")
_RANGE = re.compile(r"([0-9]+)(?:-|~|～|–|到|至)([0-9]+)")


def attendees_typed(text: str, members: Sequence[tuple[int, str]]) -> list[int] | None:
    """The members a convener typed instead of ticking: their numbers in the list (1 3 4,
    1、2、4, 1-3), their names, or 全部 / all; in list order. None if any part names nobody."""
    typed = unicodedata.normalize("NFKC", text).strip().lower().rstrip("。.!！")
    if not typed or not members:
        return None
    if typed in _EVERYONE:
        return [member_id for member_id, _ in members]
    by_name = {unicodedata.normalize("NFKC", name).lower(): id_ for id_, name in members}
    if typed in by_name:  # one name, which may hold a space (Mary Chen)
        return [by_name[typed]]
    chosen: set[int] = set()
    for part in _SEPARATORS.split(typed):
        if not part:
            continue
        span = _RANGE.fullmatch(part)
        if span is not None:
            first, last = int(span.group(1)), int(span.group(2))
            if not 1 <= first <= last <= len(members):
                return None
            chosen.update(members[n - 1][0] for n in range(first, last + 1))
        elif part.isdigit():
            if not 1 <= int(part) <= len(members):
                return None
            chosen.add(members[int(part) - 1][0])
        elif part.removesuffix("老師") in by_name:
            chosen.add(by_name[part.removesuffix("老師")])
        else:
            return None
    return [member_id for member_id, _ in members if member_id in chosen] or None


async def keep_photo(database: Database, reference: str, data: bytes, mime_type: str) -> None:
    """Keep a photo's bytes under its reference (for the exported record)."""
    async with database.session() as session:
        await photos.keep(session, reference, data, mime_type[:64])


async def kept_photos(session: AsyncSession, references: Sequence[str]) -> dict[str, bytes]:
    """The kept bytes of these photo references (those not kept are left out)."""
    return await photos.photos(session, references)


def new_code() -> str:
    """A random invite code: 16 URL-safe characters (96 bits), allowed in a /start payload."""
    return secrets.token_urlsafe(12)


def invite_link(bot_username: str, code: str) -> str:
    """The deep link that opens the bot with this member's invite."""
    return f"https://t.me/{bot_username}?start={INVITE_PREFIX}{code}"


def line_invite_link(account_id: str, code: str) -> str:
    """The LINE link that opens a chat with the official account, 「加入 <code>」 typed in
    (LINE's URL scheme https://line.me/R/oaMessage/{account id}/?{text}); the member sends it."""
    from urllib.parse import quote

    return f"https://line.me/R/oaMessage/{quote(account_id, safe='')}/?{quote(f'加入 {code}')}"


# --- schools --------------------------------------------------------------------------------


def _school_key(text: str) -> str:
    key = unicodedata.normalize("NFKC", text).casefold()
    for long, short in _SCHOOL_SHORT:
        key = key.replace(long, short)
    return key


async def search_schools(
    session: AsyncSession, program: Program, text: str, limit: int = SCHOOL_CHOICES
) -> list[SchoolChoice]:
    """Schools whose name contains the typed part (國小 matches 國民小學); the letter's first.

    A name teachers use for a school (雄中, from the program file's aliases) finds that school.
    """
    await store.seed_letter_schools(session, program.recipients.schools)
    wanted = _school_key(text)
    if not wanted:
        return []
    aliases = {
        _school_key(alias): name for alias, name in program.recipients.school_aliases.items()
    }
    if wanted in aliases:
        wanted = _school_key(aliases[wanted])
    found = [
        SchoolChoice(school.id, school.name, school.in_letter)
        for school in await store.all_schools(session)
        if wanted in _school_key(school.name)
    ]
    exact = [choice for choice in found if _school_key(choice.name) == wanted]
    return (exact or found)[:limit]


async def add_school(session: AsyncSession, name: str) -> SchoolChoice:
    """Add a Kaohsiung school the letter does not name (or find it if it exists)."""
    school = await store.add_school(session, clean_text(name, MAX_SCHOOL_NAME))
    return SchoolChoice(school.id, school.name, school.in_letter)


async def school_name(session: AsyncSession, school_id: int) -> str | None:
    """The name of a school."""
    school = await store.get_school(session, school_id)
    return school.name if school else None


# --- roles ----------------------------------------------------------------------------------


async def role_of(
    session: AsyncSession, user_id: int, community_id: int, *, staff: bool = False
) -> Role | None:
    """How the user stands to the community; None when they may not even see it."""
    community = await store.get_community(session, community_id)
    if community is None:
        return None
    return _role_in(community, user_id, staff=staff)


def _role_in(community: Community, user_id: int, *, staff: bool) -> Role | None:
    if community.convener_user_id == user_id:
        return Role.CONVENER
    if staff:
        return Role.STAFF
    if any(member.user_id == user_id for member in community.members):
        return Role.MEMBER
    return None


async def community_for_change(
    session: AsyncSession,
    user_id: int,
    community_id: int,
    *,
    staff: bool = False,
    activities: bool = True,
) -> Community:
    """The community, if the user may change it; NotAllowed otherwise."""
    community = await store.get_community(session, community_id, activities=activities)
    if community is None:
        raise NotAllowed(community_id)
    role = _role_in(community, user_id, staff=staff)
    if role is None or not role.can_change:
        raise NotAllowed(community_id)
    return community


async def community_for_view(
    session: AsyncSession,
    user_id: int,
    community_id: int,
    *,
    staff: bool = False,
    activities: bool = True,
) -> tuple[Community, Role]:
    """The community and the user's role, if the user may see it; NotAllowed otherwise."""
    community = await store.get_community(session, community_id, activities=activities)
    if community is None:
        raise NotAllowed(community_id)
    role = _role_in(community, user_id, staff=staff)
    if role is None:
        raise NotAllowed(community_id)
    return community, role


async def communities_of(
    session: AsyncSession, program_year: int, user_id: int, *, activities: bool = True
) -> list[tuple[Community, Role]]:
    """The communities of this year the user convenes or belongs to, with their role."""
    found = await store.communities_of_user(session, program_year, user_id, activities=activities)
    return [(c, Role.CONVENER if c.convener_user_id == user_id else Role.MEMBER) for c in found]


async def convened_by(
    session: AsyncSession, program_year: int, user_id: int, *, activities: bool = True
) -> Community | None:
    """The community this user convenes this year."""
    return await store.community_of_convener(session, program_year, user_id, activities=activities)


# --- registering ----------------------------------------------------------------------------


async def _ensure_user(session: AsyncSession, user_id: int) -> None:
    if await session.get(User, user_id) is None:
        session.add(User(id=user_id))
        await session.flush()


async def register_community(
    session: AsyncSession, program: Program, convener_id: int, draft: CommunityDraft
) -> Community:
    """Save a community; the first member is the convener, linked to their account.

    Raises RulesBroken when the members break the type's rules and AlreadyRegistered when the
    convener has a community this year (so a replayed confirm saves nothing twice).
    """
    year = program.program.year
    existing = await store.community_of_convener(session, year, convener_id)
    if existing is not None:
        raise AlreadyRegistered(existing)
    program.community_type(draft.type_key)  # KeyError for an unknown type
    problems = member_problems(program, draft.type_key, draft.members)
    if problems:
        raise RulesBroken(problems)
    if draft.school_id is None:
        school_id = (await add_school(session, draft.school_name)).id
    elif await store.get_school(session, draft.school_id) is None:
        raise NotAllowed(draft.school_id)
    else:
        school_id = draft.school_id
    await _ensure_user(session, convener_id)
    community = Community(
        program_year=year,
        type_key=draft.type_key,
        school_id=school_id,
        name=clean_text(draft.name, MAX_COMMUNITY_NAME),
        convener_user_id=convener_id,
        invite_code=new_code(),
        members=[
            Member(
                position=index,
                name=clean_name(member.name),
                gifted_teacher=member.gifted_teacher,
                subject=member.subject,
                is_convener=index == 0,
                user_id=convener_id if index == 0 else None,
                invite_code=None if index == 0 else new_code(),
            )
            for index, member in enumerate(draft.members)
        ],
        activities=[],
    )
    saved = await store.add_community(session, community)
    if saved is None:
        existing = await store.community_of_convener(session, year, convener_id)
        if existing is None:
            raise RuntimeError("community insert failed for another reason")
        raise AlreadyRegistered(existing)
    return saved


def member_drafts(data: Mapping[str, Any]) -> list[MemberDraft]:
    """The members of a registration draft as kept between steps (JSON)."""
    return [
        MemberDraft(str(m["name"]), bool(m["gifted"]), m.get("subject"))
        for m in data.get("members", [])
    ]


def community_draft(data: Mapping[str, Any]) -> CommunityDraft:
    """A registration draft as kept between steps (JSON), ready to be saved."""
    return CommunityDraft(
        type_key=str(data["type_key"]),
        school_id=data.get("school_id"),
        school_name=str(data["school_name"]),
        name=str(data["name"]),
        members=tuple(member_drafts(data)),
    )


@dataclass(frozen=True)
class Registered:
    """A community just saved: its name, each member's invite code, its application deadline."""

    name: str
    invites: list[tuple[str, str]]  # (member name, invite code), convener excluded
    deadline: dt.date
    # Whether /apply can still send it (registered after the deadline: no).
    may_apply: bool = True


async def register(
    database: Database,
    program: Program,
    convener_id: int,
    data: Mapping[str, Any],
    *,
    today: dt.date,
) -> Registered:
    """Save a registration draft in one transaction (RulesBroken, AlreadyRegistered as
    register_community raises them).

    The same draft confirmed again (a replay after a crash, a second press) is no new
    registration: it returns the saved community, so the convener gets the invite links again.
    """
    draft = community_draft(data)
    async with database.session() as session:
        existing = await store.community_of_convener(session, program.program.year, convener_id)
        if existing is not None and _registered_from(existing, draft):
            community = existing
        else:
            community = await register_community(session, program, convener_id, draft)
        return Registered(
            name=community.name,
            invites=[
                (member.name, member.invite_code)
                for member in community.members
                if member.invite_code is not None
            ],
            deadline=await deadline_of(session, program, community),
            may_apply=await may_submit(session, program, community, today),
        )


def _registered_from(community: Community, draft: CommunityDraft) -> bool:
    return (
        community.type_key == draft.type_key
        and community.name == clean_text(draft.name, MAX_COMMUNITY_NAME)
        and [m.name for m in community.members] == [clean_name(m.name) for m in draft.members]
    )


def drafts_of(community: Community) -> list[MemberDraft]:
    """The community's members as the rules see them."""
    return [MemberDraft(m.name, m.gifted_teacher, m.subject) for m in community.members]


async def replace_member(
    session: AsyncSession,
    program: Program,
    user_id: int,
    community_id: int,
    member_id: int,
    replacement: MemberDraft,
    *,
    staff: bool = False,
) -> Member:
    """Put another teacher (or corrected details) in a member's place, if the rules still hold.

    A new person gets a fresh invite code and loses the old link; corrected details of the same
    person (the same name) keep the link.
    """
    community = await community_for_change(session, user_id, community_id, staff=staff)
    member = next((m for m in community.members if m.id == member_id), None)
    if member is None:
        raise NotAllowed(member_id)
    name = clean_name(replacement.name)
    members = [
        MemberDraft(name, replacement.gifted_teacher, replacement.subject)
        if m.id == member_id
        else MemberDraft(m.name, m.gifted_teacher, m.subject)
        for m in community.members
    ]
    problems = member_problems(program, community.type_key, members)
    if problems:
        raise RulesBroken(problems)
    same_person = name.replace(" ", "").casefold() == member.name.replace(" ", "").casefold()
    member.name = name
    member.gifted_teacher = replacement.gifted_teacher
    member.subject = replacement.subject
    if not same_person and not member.is_convener:
        member.user_id = None
        member.invite_code = new_code()
    await session.flush()
    return member


async def new_invite(
    session: AsyncSession, user_id: int, community_id: int, member_id: int, *, staff: bool = False
) -> Member:
    """Replace a member's invite code (the old link stops working) and unlink them."""
    community = await community_for_change(session, user_id, community_id, staff=staff)
    member = next((m for m in community.members if m.id == member_id), None)
    if member is None or member.is_convener:
        raise NotAllowed(member_id)
    member.invite_code = new_code()
    member.user_id = None
    await session.flush()
    return member


async def join(session: AsyncSession, code: str, user_id: int) -> JoinResult:
    """Link the user's account to the member entry of this invite code."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{8,32}", code):
        return JoinResult(JoinStatus.UNKNOWN)
    member = await store.member_by_invite(session, code)
    if member is None:
        return JoinResult(JoinStatus.UNKNOWN)
    community = await store.get_community(session, member.community_id)
    if community is None:  # pragma: no cover - the foreign key keeps them together
        return JoinResult(JoinStatus.UNKNOWN)
    names = {"community_name": community.name, "member_name": member.name}
    if community.status == CommunityStatus.WITHDRAWN and member.user_id != user_id:
        return JoinResult(JoinStatus.WITHDRAWN, community_id=community.id, **names)
    if member.user_id == user_id:
        return JoinResult(JoinStatus.ALREADY, community_id=community.id, **names)
    if member.user_id is not None:
        return JoinResult(JoinStatus.TAKEN, community_id=community.id, **names)
    other = next((m for m in community.members if m.user_id == user_id), None)
    if other is not None:
        return JoinResult(
            JoinStatus.OTHER_ENTRY,
            community_name=community.name,
            member_name=other.name,
            community_id=community.id,
        )
    await _ensure_user(session, user_id)
    member.user_id = user_id
    await session.flush()
    return JoinResult(JoinStatus.JOINED, community_id=community.id, **names)


# --- activities -----------------------------------------------------------------------------


def _check_activity(program: Program, community: Community, draft: ActivityDraft) -> None:
    program.activity_kind(draft.kind)  # KeyError for an unknown kind
    member_ids = {member.id for member in community.members}
    if not draft.attendee_member_ids or not set(draft.attendee_member_ids) <= member_ids:
        raise NotAllowed("attendees")
    if not program.period.contains(draft.day):
        raise NotAllowed("day")


def logs_activities(community: Community) -> bool:
    """Whether the community may log meetings: not once rejected or withdrawn."""
    return counts(Purpose.SHOWS_PROGRESS, str(community.status))


async def log_activity(
    session: AsyncSession,
    program: Program,
    user_id: int,
    community_id: int,
    draft: ActivityDraft,
    client_token: str,
    *,
    staff: bool = False,
) -> tuple[Activity, bool]:
    """Save a meeting once per client_token; (activity, whether it was new)."""
    existing = await store.activity_by_token(session, client_token)
    if existing is not None:
        if existing.community_id != community_id:
            raise NotAllowed(client_token)
        return existing, False
    community = await community_for_change(
        session, user_id, community_id, staff=staff, activities=False
    )
    if not logs_activities(community):
        raise NotAllowed(community_id)
    _check_activity(program, community, draft)
    activity = Activity(
        community_id=community.id,
        client_token=client_token,
        created_by=user_id,
        **_activity_fields(draft),
    )
    return await store.add_activity(session, activity)


def _activity_fields(draft: ActivityDraft) -> dict[str, object]:
    return {
        "day": draft.day,
        "kind": draft.kind,
        "topic": draft.topic,
        **{column: draft.details.get(column) for column in DETAIL_COLUMNS},
        "attendee_member_ids": list(draft.attendee_member_ids),
        "photo_file_ids": list(draft.photo_file_ids),
    }


async def activity_for_change(
    session: AsyncSession, user_id: int, activity_id: int, *, staff: bool = False
) -> tuple[Activity, Community]:
    """The activity and its community, if the user may change them; NotAllowed otherwise."""
    activity = await store.get_activity(session, activity_id)
    if activity is None:
        raise NotAllowed(activity_id)
    community = await community_for_change(session, user_id, activity.community_id, staff=staff)
    return activity, community


async def update_activity(
    session: AsyncSession,
    program: Program,
    user_id: int,
    activity_id: int,
    draft: ActivityDraft,
    *,
    staff: bool = False,
) -> Activity:
    """Correct a saved meeting."""
    activity, community = await activity_for_change(session, user_id, activity_id, staff=staff)
    _check_activity(program, community, draft)
    for name, value in _activity_fields(draft).items():
        setattr(activity, name, value)
    await session.flush()
    return activity


async def delete_activity(
    session: AsyncSession, user_id: int, activity_id: int, *, staff: bool = False
) -> Activity:
    """Remove a saved meeting; returns it (detached) for the confirmation text."""
    activity, _ = await activity_for_change(session, user_id, activity_id, staff=staff)
    await store.delete_activity(session, activity)
    return activity


def draft_of(activity: Activity) -> ActivityDraft:
    """A saved meeting as a draft, for editing."""
    return ActivityDraft(
        day=activity.day,
        kind=activity.kind,
        topic=activity.topic,
        attendee_member_ids=tuple(int(i) for i in activity.attendee_member_ids),
        details=details_of(activity),
        photo_file_ids=tuple(str(p) for p in activity.photo_file_ids),
    )


def progress_of(program: Program, community: Community, today: dt.date) -> Progress:
    """How far the community (loaded with its activities) has come against its requirements."""
    records = [
        ActivityRecord(activity.day, activity.kind, len(activity.attendee_member_ids or ()))
        for activity in community.activities
    ]
    return compute_progress(program, community.type_key, records, today)


async def progress_of_many(
    session: AsyncSession, program: Program, communities: Sequence[Community], today: dt.date
) -> list[Progress]:
    """progress_of for each community, reading only the days and kinds of their activities."""
    found = await store.activity_days_and_kinds(session, [c.id for c in communities])
    return [
        compute_progress(program, c.type_key, [ActivityRecord(d, k) for d, k in found[c.id]], today)
        for c in communities
    ]
