"""What /reminders, /remind and /setdate do, with plain values (the handlers stay thin)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.program import Program
from bot.services import Services
from db import reminders as db_reminders
from db.models import Reminder
from db.models.messaging import ReminderStatus
from reminders.audience import select_recipients
from reminders.plan import (
    BEHIND,
    COMMUNITIES,
    COMMUNITY_TYPE,
    CONVENERS,
    EVERYONE,
    OPTIONAL_CATEGORIES,
    PERSONALISED,
    STAFF,
    STAFF_USEFUL_FOR,
    Audience,
    derive_plan,
    out_of_quiet_hours,
)
from reminders.texts import Content


@dataclass(frozen=True)
class Upcoming:
    """A reminder that will reach the user, and whether they turned its category off."""

    fire_at: dt.datetime
    content: Content
    turned_off: bool


@dataclass(frozen=True)
class UserReminders:
    """What /reminders shows: what is coming, and the categories the user can switch."""

    upcoming: list[Upcoming]
    categories: list[tuple[str, bool]]  # (category, on)


def _content(row: Reminder) -> Content:
    return Content(
        row.category, row.message_key, row.event_day, row.text, Audience.from_dict(row.audience)
    )


async def user_reminders(
    session: AsyncSession,
    program: Program,
    zone: ZoneInfo,
    user_id: int,
    now: dt.datetime,
    staff_ids: Collection[int],
) -> UserReminders:
    """The user's coming reminders (those they turned off marked) and their categories."""
    people = await db_reminders.load_people(session, program.program.year, only_user=user_id)
    person = people.users.get(user_id)
    off = person.opt_outs if person is not None else frozenset()
    if person is not None and off:
        # Judge the audience as if nothing were turned off, then mark what is.
        people.users[user_id] = type(person)(
            person.id, person.language, frozenset(), person.active, person.is_staff
        )

    def reaches(audience: Audience, category: str) -> bool:
        # Whether a community is behind is only known on the day; being in one is enough here.
        judged = people
        if audience.kind == BEHIND:
            audience = Audience(COMMUNITIES, conveners_only=audience.conveners_only)
            # ... but only running (approved) communities have a pace to be behind.
            judged = replace(people, communities=[c for c in people.communities if c.running])
        chosen = select_recipients(audience, category, judged, staff_ids, {})
        return any(recipient.user_id == user_id for recipient in chosen)

    rows = await db_reminders.reminders_with_status(session, ReminderStatus.SCHEDULED)
    upcoming = [
        Upcoming(row.fire_at.astimezone(zone), _content(row), row.category in off)
        for row in rows
        if row.fire_at > now and reaches(Audience.from_dict(row.audience), row.category)
    ]
    mine = {d.category for d in derive_plan(program, zone) if reaches(d.audience, d.category)}
    mine |= set(off)
    categories = [(category, category not in off) for category in OPTIONAL_CATEGORIES
                  if category in mine]  # fmt: skip
    return UserReminders(upcoming, categories)


async def switch_category(
    session: AsyncSession, user_id: int, category: str, on: bool
) -> frozenset[str]:
    """Turn one category of reminders on or off for the user."""
    if category not in OPTIONAL_CATEGORIES:
        raise ValueError(category)
    return await db_reminders.set_opt_out(session, user_id, category, off=not on)


# --- staff ----------------------------------------------------------------------------------


def audience_from_word(word: str, program: Program) -> Audience | None:
    """全體 / 召集人 / 落後 / a community type's name or alias (either language)."""
    folded = word.strip().casefold()
    if folded in ("全體", "全部", "所有人", "everyone", "all"):
        return Audience(EVERYONE)
    if folded in ("召集人", "conveners", "convener"):
        return Audience(CONVENERS, conveners_only=True)
    if folded in ("落後", "進度落後", "behind"):
        return Audience(BEHIND)
    for community_type in program.community_types:
        names = [community_type.key, community_type.name, community_type.name_en,
                 *community_type.aliases, *community_type.aliases_en]  # fmt: skip
        if folded in (name.casefold() for name in names):
            return Audience(COMMUNITY_TYPE, community_type.key)
    return None


@dataclass(frozen=True)
class StaffReminderAdded:
    """The reminder staff added: its row id, when it goes out and to how many people now."""

    id: int
    fire_at: dt.datetime
    moved_out_of_quiet_hours: bool
    recipients: int


async def count_recipients(
    session: AsyncSession,
    program: Program,
    audience: Audience,
    today: dt.date,
    staff_ids: Collection[int],
) -> int:
    """How many users an audience reaches today."""
    from bot.progress import compute_progress_many

    people = await db_reminders.load_people(session, program.program.year)
    progress = {}
    if audience.kind in PERSONALISED:
        activities = await db_reminders.load_activities(session, [c.id for c in people.communities])
        progress = compute_progress_many(
            program, ((c.id, c.type_key, activities[c.id]) for c in people.communities), today
        )
    return len(select_recipients(audience, STAFF, people, staff_ids, progress))


async def add_staff_reminder(
    session: AsyncSession,
    program: Program,
    zone: ZoneInfo,
    *,
    when: dt.datetime,
    audience: Audience,
    text: str,
    staff_id: int,
    now: dt.datetime,
    staff_ids: Collection[int],
) -> StaffReminderAdded:
    """Add a one-off reminder; a time in the quiet hours moves to the 07:00 after them."""
    fire_at = out_of_quiet_hours(when, zone)
    row = await db_reminders.add_staff_reminder(
        session,
        year=program.program.year,
        fire_at=fire_at,
        audience=audience.to_dict(),
        text=text,
        staff_id=staff_id,
        created=now,
        useful_until=fire_at + STAFF_USEFUL_FOR,
    )
    count = await count_recipients(session, program, audience, now.date(), staff_ids)
    return StaffReminderAdded(row.id, fire_at, fire_at != when, count)


async def pending_staff_reminders(
    session: AsyncSession, zone: ZoneInfo
) -> list[tuple[int, dt.datetime, Content]]:
    """Staff reminders not sent yet: (id, when, content)."""
    rows = await db_reminders.reminders_with_status(session, ReminderStatus.SCHEDULED)
    return [
        (row.id, row.fire_at.astimezone(zone), _content(row))
        for row in rows
        if row.created_by is not None
    ]


async def cancel_staff_reminder(session: AsyncSession, reminder_id: int, now: dt.datetime) -> bool:
    """Cancel a staff reminder that has not gone out."""
    row = await db_reminders.get_reminder(session, reminder_id)
    if row is None or row.created_by is None:
        return False
    return await db_reminders.cancel_reminder(session, reminder_id, now)


@dataclass(frozen=True)
class DateCheck:
    """What the rules say about a date staff want to set for the showcase or the workshop."""

    past: bool  # refused: it is over
    outside_period: bool  # refused: the letter's implementation period does not contain it
    outside_window: bool  # warned: not in the letter's showcase week (112年7月第1週)
    day_off: bool  # warned: a weekend or a national holiday
    holiday: str | None  # the holiday's name, when it is one

    @property
    def refused(self) -> bool:
        """Whether the date cannot be set at all."""
        return self.past or self.outside_period


def check_program_date(program: Program, event: str, day: dt.date, today: dt.date) -> DateCheck:
    """Check a showcase or workshop day against the program file and the school calendar."""
    from bot.school_days import holiday_name, is_school_day

    showcase = program.showcase
    outside_window = event == "showcase" and not (
        showcase.window_start <= day <= showcase.window_end
    )
    return DateCheck(
        past=day < today,
        outside_period=not program.period.contains(day),
        outside_window=outside_window,
        day_off=not is_school_day(program, day),
        holiday=holiday_name(program, day),
    )


async def plan_changed(services: Services) -> None:
    """Reschedule after staff changed reminders or dates (the leader also polls the rows)."""
    scheduler = services.scheduler
    if scheduler is not None:
        await scheduler.replan()
