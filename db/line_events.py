"""Which LINE webhook events were taken up already (LINE delivers at least once).

An event is claimed, by its ``webhookEventId``, in a transaction of its own before it is
handled. A second delivery of it (the 200 was lost or late, LINE redelivers after a crash)
finds the claim and is skipped, so no step is ever applied twice; the price is that an event
whose handling was cut short by a crash is not redone, and the user types it again.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import HandledLineEvent
from db.sql import insert_ignoring_duplicates


async def claim(session: AsyncSession, webhook_event_id: str, when: dt.datetime) -> bool:
    """Take the event up; False when it was taken up before (by this or another process)."""
    statement = insert_ignoring_duplicates(session, HandledLineEvent, ["webhook_event_id"])
    result = await session.execute(
        statement, {"webhook_event_id": webhook_event_id, "received_at": when}
    )
    # SQLite and asyncpg both count the rows an INSERT … ON CONFLICT DO NOTHING wrote.
    return int(result.rowcount or 0) == 1  # type: ignore[attr-defined]


async def mark_handled(session: AsyncSession, webhook_event_id: str, when: dt.datetime) -> None:
    """The event's handling finished (a failure logged counts as finished)."""
    await session.execute(
        update(HandledLineEvent)
        .where(HandledLineEvent.webhook_event_id == webhook_event_id)
        .values(handled_at=when)
    )


async def forget_before(session: AsyncSession, cutoff: dt.datetime) -> int:
    """Drop claims older than ``cutoff``; LINE does not redeliver an event that old."""
    result = await session.execute(
        delete(HandledLineEvent).where(HandledLineEvent.received_at < cutoff)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
