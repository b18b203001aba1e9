"""Data access for broadcasts (their deliveries are in db/deliveries.py); nothing commits."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.deliveries import reported_status
from db.models import Broadcast, BroadcastStatus, Delivery, DeliveryStatus


async def add_broadcast(
    session: AsyncSession,
    *,
    created_by: int,
    text_html: str,
    audience: dict[str, Any],
    started_at: dt.datetime,
) -> Broadcast:
    """A broadcast about to be sent (status sending)."""
    broadcast = Broadcast(
        created_by=created_by,
        text_html=text_html,
        audience=audience,
        status=BroadcastStatus.SENDING,
        started_at=started_at,
    )
    session.add(broadcast)
    await session.flush()
    return broadcast


async def get_broadcast(session: AsyncSession, broadcast_id: int) -> Broadcast | None:
    """The broadcast with this id."""
    return await session.get(Broadcast, broadcast_id)


async def set_progress_message(
    session: AsyncSession, broadcast_id: int, chat_id: int, message_id: int
) -> None:
    """Remember the message that shows the sender how far the broadcast has come."""
    await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id)
        .values(progress_chat_id=chat_id, progress_message_id=message_id)
    )


async def finish_broadcast(session: AsyncSession, broadcast_id: int, when: dt.datetime) -> bool:
    """Mark the broadcast done, once; whether this call did it."""
    result = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.SENDING)
        .values(status=BroadcastStatus.DONE, finished_at=when)
    )
    return bool(getattr(result, "rowcount", 0))


async def sending_broadcast_ids(session: AsyncSession) -> list[int]:
    """Broadcasts still being sent (to resume after a restart), oldest first."""
    rows = await session.scalars(
        select(Broadcast.id)
        .where(Broadcast.status == BroadcastStatus.SENDING)
        .order_by(Broadcast.id)
    )
    return list(rows)


async def recent_broadcasts(session: AsyncSession, limit: int) -> list[Broadcast]:
    """The latest broadcasts, newest first."""
    rows = await session.scalars(
        select(Broadcast)
        .where(Broadcast.status != BroadcastStatus.DRAFT)
        .order_by(Broadcast.id.desc())
        .limit(limit)
    )
    return list(rows)


async def delivery_counts(
    session: AsyncSession, broadcast_ids: Collection[int]
) -> dict[int, dict[DeliveryStatus, int]]:
    """broadcast id → delivery status → count."""
    found: dict[int, dict[DeliveryStatus, int]] = defaultdict(dict)
    if not broadcast_ids:
        return found
    status = reported_status()
    rows = await session.execute(
        select(Delivery.broadcast_id, status, func.count())
        .where(Delivery.broadcast_id.in_(list(broadcast_ids)))
        .group_by(Delivery.broadcast_id, status)
    )
    for broadcast_id, value, count in rows:
        if broadcast_id is not None:
            counts = found[broadcast_id]
            counts[DeliveryStatus(value)] = counts.get(DeliveryStatus(value), 0) + count
    return found
