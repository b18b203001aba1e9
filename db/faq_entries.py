"""Data access for the FAQ entries staff add or edit from chat."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import FaqEntryRow
from db.records import FaqEntry


def _to_entry(row: FaqEntryRow) -> FaqEntry:
    return FaqEntry(
        id=row.id,
        topic=row.topic,
        questions=list(row.questions),
        answer_zh=row.answer_zh,
        answer_en=row.answer_en,
        source=row.source,
        related=list(row.related),
    )


async def all_entries(session: AsyncSession) -> list[FaqEntry]:
    """Every staff entry, oldest first."""
    rows = await session.scalars(select(FaqEntryRow).order_by(FaqEntryRow.created_at))
    return [_to_entry(row) for row in rows]


async def save_entry(session: AsyncSession, entry: FaqEntry, staff_id: int) -> None:
    """Add the entry, or replace the one with the same id."""
    row = await session.get(FaqEntryRow, entry.id)
    if row is None:
        row = FaqEntryRow(id=entry.id)
        session.add(row)
    row.topic = entry.topic
    row.questions = list(entry.questions)
    row.answer_zh = entry.answer_zh
    row.answer_en = entry.answer_en
    row.source = entry.source
    row.related = list(entry.related)
    row.updated_by = staff_id
    await session.flush()
