"""School days: which days are weekends or Taiwan's national holidays, and which Saturdays are
make-up workdays (補班), from the maintained `holidays` calendar (not a hand list).

The country comes from the program file ([calendar] holidays); nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

from bot.program import Program

# A school day is at most this far back (the longest run of days off, 春節, is about ten).
_MAX_LOOK_BACK_DAYS = 31


@lru_cache(maxsize=8)
def _calendar(country: str) -> holidays.HolidayBase:
    # Official names in Traditional Chinese; the years fill in as they are asked about.
    return holidays.country_holidays(country, language="zh_TW")


def _country(program: Program) -> str:
    return program.calendar.holidays


def is_school_day(program: Program, day: dt.date) -> bool:
    """Whether schools are open: a weekday that is no holiday, or a make-up workday (補班)."""
    return bool(_calendar(_country(program)).is_working_day(day))


def holiday_name(program: Program, day: dt.date) -> str | None:
    """The official name of the national holiday on ``day`` (None when it is none)."""
    calendar = _calendar(_country(program))
    name = calendar.get(day)
    return str(name) if name else None


def school_day_on_or_before(program: Program, day: dt.date) -> dt.date:
    """``day`` itself if it is a school day, else the school day before it."""
    candidate = day
    for _ in range(_MAX_LOOK_BACK_DAYS):
        if is_school_day(program, candidate):
            return candidate
        candidate -= dt.timedelta(days=1)
    return day  # no school day in a month: a broken calendar; keep the day as planned
