"""Dates the letter leaves open (showcase day, workshop day), as staff set them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ProgramDates


async def get_dates(session: AsyncSession, program_year: int) -> ProgramDates | None:
    """The dates staff set for this program year, if any."""
    return await session.get(ProgramDates, program_year)


async def set_date(
    session: AsyncSession, program_year: int, which: str, day: dt.date | None, staff_id: int
) -> ProgramDates:
    """Set (or clear) the showcase or workshop date."""
    if which not in ("showcase", "workshop"):
        raise ValueError(which)
    row = await session.get(ProgramDates, program_year)
    if row is None:
        row = ProgramDates(program_year=program_year)
        session.add(row)
    setattr(row, f"{which}_date", day)
    row.updated_by = staff_id
    await session.flush()
    return row


async def set_application_deadline(
    session: AsyncSession, program_year: int, day: dt.date | None, staff_id: int
) -> ProgramDates:
    """Set (or clear) the application deadline staff extended for everyone."""
    row = await session.get(ProgramDates, program_year)
    if row is None:
        row = ProgramDates(program_year=program_year)
        session.add(row)
    row.application_deadline = day
    row.updated_by = staff_id
    await session.flush()
    return row
