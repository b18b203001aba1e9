"""LINE webhook events, stored before LINE is answered and taken up once (LINE delivers at
least once).

A call's events are stored by their ``webhookEventId`` before the 200, so an event is never
lost once acknowledged: one stored but never taken up (a crash after the 200) is handled at the
next start. An event is taken up by setting ``started_at`` where it is still empty, which one
process only can do: a second delivery of it (the 200 was lost or late, LINE redelivers after a
crash) is skipped, so no step is ever applied twice. The price is that an event whose handling
was cut short by a crash is not redone; the user sees no answer and types it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, null, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import HandledLineEvent
from db.sql import insert_ignoring_duplicates

JsonDict = dict[str, Any]


async def store(
    session: AsyncSession, events: Sequence[tuple[str, JsonDict]], when: dt.datetime
) -> None:
    """Keep the events (id, event) that are not kept yet; a known id keeps its row as it is."""
    if not events:
        return
    statement = insert_ignoring_duplicates(session, HandledLineEvent, ["webhook_event_id"])
    await session.execute(
        statement,
        [
            {"webhook_event_id": event_id, "payload": payload, "received_at": when}
            for event_id, payload in dict(events).items()
        ],
    )


async def take_up(session: AsyncSession, webhook_event_id: str, when: dt.datetime) -> bool:
    """Mark the stored event as being handled; False when it was taken up before (by this or
    another process), or is not stored."""
    result = await session.execute(
        update(HandledLineEvent)
        .where(
            HandledLineEvent.webhook_event_id == webhook_event_id,
            HandledLineEvent.started_at.is_(None),
        )
        .values(started_at=when)
    )
    return int(result.rowcount or 0) == 1  # type: ignore[attr-defined]


async def mark_handled(session: AsyncSession, webhook_event_id: str, when: dt.datetime) -> None:
    """The event's handling finished (a failure logged counts as finished); its text goes."""
    await session.execute(
        update(HandledLineEvent)
        .where(HandledLineEvent.webhook_event_id == webhook_event_id)
        .values(handled_at=when, payload=null())
    )


async def never_taken_up(session: AsyncSession) -> list[tuple[str, JsonDict]]:
    """The events stored but not taken up (the process stopped first), in LINE's order."""
    rows = await session.execute(
        select(HandledLineEvent.webhook_event_id, HandledLineEvent.payload).where(
            HandledLineEvent.started_at.is_(None)
        )
    )
    found = [(event_id, payload) for event_id, payload in rows if isinstance(payload, dict)]
    return sorted(found, key=lambda row: (_timestamp(row[1]), row[0]))


def _timestamp(event: JsonDict) -> int:
    stamp = event.get("timestamp")
    return stamp if isinstance(stamp, int) and not isinstance(stamp, bool) else 0


async def forget_before(session: AsyncSession, cutoff: dt.datetime) -> int:
    """Drop handled events older than ``cutoff``; LINE does not redeliver an event that old."""
    result = await session.execute(
        delete(HandledLineEvent).where(
            HandledLineEvent.received_at < cutoff, HandledLineEvent.started_at.is_not(None)
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
