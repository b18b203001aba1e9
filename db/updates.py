"""Which Telegram updates were already handled (getUpdates delivers at least once)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ProcessedUpdate
from db.sql import insert_ignoring_duplicates


async def was_processed(session: AsyncSession, update_id: int) -> bool:
    """Whether this update was handled before (by this or an earlier run)."""
    found = await session.scalar(
        select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id == update_id)
    )
    return found is not None


async def mark_processed(session: AsyncSession, update_id: int, when: dt.datetime) -> None:
    """Remember that this update was handled."""
    statement = insert_ignoring_duplicates(session, ProcessedUpdate, ["update_id"])
    await session.execute(statement, {"update_id": update_id, "processed_at": when})


async def latest_processed(session: AsyncSession, limit: int) -> list[int]:
    """The ids of the most recently handled updates (Telegram redelivers only recent ones)."""
    rows = await session.scalars(
        select(ProcessedUpdate.update_id).order_by(ProcessedUpdate.update_id.desc()).limit(limit)
    )
    return list(rows)


async def forget_before(session: AsyncSession, cutoff: dt.datetime) -> int:
    """Drop old records; Telegram never redelivers an update that old."""
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
