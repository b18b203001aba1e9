"""Which Telegram updates were already handled (getUpdates delivers at least once)."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ProcessedUpdate
from db.sql import insert_ignoring_duplicates

logger = logging.getLogger(__name__)


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
    """The ids of the most recently handled updates (Telegram redelivers only recent ones).

    Rows that are not an integer id (an older version stored whatever a webhook request said,
    and SQLite keeps text in an integer column) are skipped with a log line.
    """
    rows = await session.scalars(
        select(ProcessedUpdate.update_id).order_by(ProcessedUpdate.update_id.desc()).limit(limit)
    )
    ids: list[int] = []
    skipped = 0
    for value in rows:
        if isinstance(value, int) and not isinstance(value, bool):
            ids.append(value)
        else:
            skipped += 1
    if skipped:
        logger.warning("Ignored %d processed_updates rows whose update_id is not a number", skipped)
    return ids


async def forget_before(session: AsyncSession, cutoff: dt.datetime) -> int:
    """Drop old records; Telegram never redelivers an update that old."""
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
