"""What to remind whom, and when: derived from the program file and the dates staff set.

Pure: the program and the zone go in, reminder definitions come out; nothing here reads the
clock or the database. The letter states the dates (application deadline, funding phases,
period, the showcase week); how many days ahead we remind, and at what hour, is our choice
and lives in the constants below.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from bot.program import Program
from bot.school_days import school_day_on_or_before

# Categories a user can turn off in /reminders, and the staff's one-off reminders (always on).
DEADLINE = "deadline"
PHASES = "phases"
WORKSHOP = "workshop"
SHOWCASE = "showcase"
NUDGES = "nudges"
STAFF = "staff"
OPTIONAL_CATEGORIES = (DEADLINE, PHASES, WORKSHOP, SHOWCASE, NUDGES)

# Audiences. "Participating" communities are those submitted or approved for the year.
EVERYONE = "everyone"  # every active user (staff one-offs)
NON_APPLICANTS = "non_applicants"  # users in no participating community, staff excluded
CONVENERS = "conveners"  # conveners of participating communities
COMMUNITY_TYPE = "community_type"  # convener and linked members, one community type
COMMUNITIES = "communities"  # convener and linked members of every community (personalised)
BEHIND = "behind"  # convener and members of communities behind pace (personalised)
AUDIENCE_KINDS = (EVERYONE, NON_APPLICANTS, CONVENERS, COMMUNITY_TYPE, COMMUNITIES, BEHIND)
PERSONALISED = frozenset({COMMUNITIES, BEHIND})

SEND_AT = dt.time(9, 0)
# How long a staff one-off stays worth sending after its time (a bot that was down longer
# skips it and tells its author instead of sending it late).
STAFF_USEFUL_FOR = dt.timedelta(hours=24)
QUIET_START = dt.time(21, 0)
QUIET_END = dt.time(7, 0)

DEADLINE_DAYS_BEFORE = (7, 3, 1)
PHASE_END_DAYS_BEFORE = 7
PHASE_START_USEFUL_DAYS = 7
WORKSHOP_DAYS_BEFORE = (7, 1)
SHOWCASE_DAYS_BEFORE = (30, 7)
PERIOD_END_DAYS_BEFORE = (30, 7)
# Monthly pace nudges on the 1st, from this many months after the start until the
# period-end nudges take over.
PACE_FIRST_MONTH_OFFSET = 2


@dataclass(frozen=True)
class Audience:
    """Who receives a reminder: a kind (see AUDIENCE_KINDS), its community type, and whether
    only conveners (not the linked members) of the chosen communities receive it."""

    kind: str
    type_key: str | None = None
    conveners_only: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The JSON stored with the reminder row."""
        return {"kind": self.kind, "type_key": self.type_key, "conveners_only": self.conveners_only}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Audience:
        """The audience stored with a reminder row."""
        return cls(
            kind=str(data.get("kind", EVERYONE)),
            type_key=data.get("type_key"),
            conveners_only=bool(data.get("conveners_only", False)),
        )


@dataclass(frozen=True)
class ReminderDefinition:
    """One reminder the program calls for; `key` is stable across restarts and replans."""

    key: str
    category: str
    series: str
    fire_at: dt.datetime
    useful_until: dt.datetime
    audience: Audience
    message_key: str
    event_day: dt.date


def at(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The aware moment of ``time`` on ``day`` in ``zone``."""
    return dt.datetime.combine(day, time, tzinfo=zone)


def is_quiet(moment: dt.datetime, zone: ZoneInfo) -> bool:
    """Whether ``moment`` falls in the quiet hours (21:00–07:00 local)."""
    local = moment.astimezone(zone).time()
    return local >= QUIET_START or local < QUIET_END


def out_of_quiet_hours(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """``moment`` itself, or the 07:00 that ends the quiet hours it falls in."""
    local = moment.astimezone(zone)
    if local.time() >= QUIET_START:
        return at(local.date() + dt.timedelta(days=1), QUIET_END, zone)
    if local.time() < QUIET_END:
        return at(local.date(), QUIET_END, zone)
    return local


def school_morning(program: Program, day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """SEND_AT on ``day``, or on the school day before it when ``day`` is a weekend or a
    national holiday (teachers read school messages on school days)."""
    return at(school_day_on_or_before(program, day), SEND_AT, zone)


def _before(
    program: Program,
    key: str,
    category: str,
    event_day: dt.date,
    days: int,
    useful_until: dt.datetime,
    audience: Audience,
    message_key: str,
    zone: ZoneInfo,
    series: str,
) -> ReminderDefinition:
    return ReminderDefinition(
        key=f"{key}:d{days}",
        category=category,
        series=series,
        fire_at=school_morning(program, event_day - dt.timedelta(days=days), zone),
        useful_until=useful_until,
        audience=audience,
        message_key=message_key,
        event_day=event_day,
    )


def _first_of_months(start: dt.date, stop: dt.date) -> list[dt.date]:
    days: list[dt.date] = []
    year, month = start.year, start.month
    while True:
        day = dt.date(year, month, 1)
        if day >= stop:
            return days
        if day >= start:
            days.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    return dt.date(day.year + index // 12, index % 12 + 1, 1)


def derive_plan(program: Program, zone: ZoneInfo) -> list[ReminderDefinition]:
    """Every reminder the program calls for, in firing order."""
    plan: list[ReminderDefinition] = []
    next_day = dt.timedelta(days=1)

    deadline = program.application.deadline
    for days in DEADLINE_DAYS_BEFORE:
        plan.append(
            _before(
                program, f"deadline:{deadline}", DEADLINE, deadline, days,
                at(deadline + next_day, dt.time(0), zone), Audience(NON_APPLICANTS),
                "deadline", zone, f"deadline:{deadline}",
            )
        )  # fmt: skip

    conveners = Audience(CONVENERS, conveners_only=True)
    phases = program.funding.phases
    for phase in phases[:-1]:
        plan.append(
            _before(
                program, f"phase_end:{phase.number}:{phase.end}", PHASES, phase.end,
                PHASE_END_DAYS_BEFORE, at(phase.end + next_day, dt.time(0), zone), conveners,
                "phase_end", zone, f"phase_end:{phase.number}",
            )
        )  # fmt: skip
    for phase in phases[1:]:
        plan.append(
            ReminderDefinition(
                key=f"phase_start:{phase.number}:{phase.start}",
                category=PHASES,
                series=f"phase_start:{phase.number}",
                fire_at=school_morning(program, phase.start, zone),
                useful_until=at(
                    phase.start + dt.timedelta(PHASE_START_USEFUL_DAYS), dt.time(0), zone
                ),
                audience=conveners,
                message_key="phase_start",
                event_day=phase.start,
            )
        )

    workshop = program.workshop.date
    if workshop is not None:
        for days in WORKSHOP_DAYS_BEFORE:
            plan.append(
                _before(
                    program, f"workshop:{workshop}", WORKSHOP, workshop, days,
                    at(workshop, dt.time(0), zone), conveners, "workshop", zone,
                    f"workshop:{workshop}",
                )
            )  # fmt: skip

    showcase = program.showcase.date or program.showcase.window_start
    for type_key in program.showcase.required_for:
        for days in SHOWCASE_DAYS_BEFORE:
            plan.append(
                _before(
                    program, f"showcase:{showcase}:{type_key}", SHOWCASE, showcase, days,
                    at(showcase, dt.time(0), zone), Audience(COMMUNITY_TYPE, type_key),
                    "showcase", zone, f"showcase:{type_key}",
                )
            )  # fmt: skip

    end = program.period.end
    final_nudge = end - dt.timedelta(days=max(PERIOD_END_DAYS_BEFORE))
    for days in PERIOD_END_DAYS_BEFORE:
        plan.append(
            _before(
                program, f"period_end:{end}", NUDGES, end, days,
                at(end + next_day, dt.time(0), zone), Audience(COMMUNITIES), "period_end",
                zone, f"period_end:{end}",
            )
        )  # fmt: skip

    first_pace = _add_months(program.period.start, PACE_FIRST_MONTH_OFFSET)
    months = _first_of_months(first_pace, final_nudge)
    for index, day in enumerate(months):
        following = months[index + 1] if index + 1 < len(months) else final_nudge
        plan.append(
            ReminderDefinition(
                key=f"pace:{day}",
                category=NUDGES,
                series=f"pace:{program.program.year}",
                fire_at=school_morning(program, day, zone),
                useful_until=at(following, dt.time(0), zone),
                audience=Audience(BEHIND, conveners_only=True),
                message_key="pace",
                event_day=end,
            )
        )
    plan.sort(key=lambda definition: (definition.fire_at, definition.key))
    return plan
