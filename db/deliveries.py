"""Data access for deliveries: one row per message to one user, for a reminder or a broadcast.

A row is written (pending) before its message is sent and claimed (pending → sending) with a
compare-and-set just before the Telegram call, so two senders never send the same row. The
functions take the session first and never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, and_, case, func, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Delivery, DeliveryStatus, User
from db.sql import insert_ignoring_duplicates

# What the error column keeps when a process died (or a call timed out) during the Telegram
# call: the message may or may not have arrived, and it is not sent again. Such rows have the
# status UNKNOWN; older versions stored them as FAILED with this error, and are read as UNKNOWN.
OUTCOME_UNKNOWN = "interrupted during the Telegram call; outcome unknown"
TIMED_OUT = "the Telegram call timed out; outcome unknown"

# The groups a report counts and staff can list, by the statuses stored.
REPORT_GROUPS = ("sent", "blocked", "failed", "unknown")


@dataclass(frozen=True)
class PendingDelivery:
    """A message waiting to be sent."""

    id: int
    user_id: int
    text: str


def _owner(reminder_id: int | None, broadcast_id: int | None) -> Any:
    if (reminder_id is None) == (broadcast_id is None):
        raise ValueError("give exactly one of reminder_id and broadcast_id")
    if reminder_id is not None:
        return Delivery.reminder_id == reminder_id
    return Delivery.broadcast_id == broadcast_id


async def add_pending(
    session: AsyncSession,
    items: Iterable[tuple[int, str]],
    *,
    reminder_id: int | None = None,
    broadcast_id: int | None = None,
) -> None:
    """Write a pending delivery per (user_id, text); users who already have one are left."""
    _owner(reminder_id, broadcast_id)
    column = "reminder_id" if reminder_id is not None else "broadcast_id"
    rows = [
        {
            "reminder_id": reminder_id,
            "broadcast_id": broadcast_id,
            "user_id": user_id,
            "text": text,
            "status": DeliveryStatus.PENDING,
            "attempts": 0,
        }
        for user_id, text in items
    ]
    statement = insert_ignoring_duplicates(session, Delivery, [column, "user_id"])
    for start in range(0, len(rows), 1000):
        await session.execute(statement, rows[start : start + 1000])


async def pending(
    session: AsyncSession,
    *,
    reminder_id: int | None = None,
    broadcast_id: int | None = None,
    after_id: int = 0,
    limit: int = 500,
) -> list[PendingDelivery]:
    """The next pending deliveries, in the order they were written."""
    rows = await session.execute(
        select(Delivery.id, Delivery.user_id, Delivery.text)
        .where(
            _owner(reminder_id, broadcast_id),
            Delivery.status == DeliveryStatus.PENDING,
            Delivery.id > after_id,
        )
        .order_by(Delivery.id)
        .limit(limit)
    )
    return [PendingDelivery(*row) for row in rows]


async def claim(session: AsyncSession, delivery_id: int) -> bool:
    """Pending → sending, if nobody else claimed it; True when this caller may send it."""
    result = await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.SENDING, attempts=Delivery.attempts + 1)
    )
    return bool(getattr(result, "rowcount", 0))


async def finish(
    session: AsyncSession,
    delivery_id: int,
    status: DeliveryStatus,
    *,
    when: dt.datetime,
    message_id: int | None = None,
    error: str | None = None,
) -> None:
    """Record the outcome of a claimed delivery (sent, blocked, failed, or back to pending)."""
    values: dict[str, Any] = {"status": status, "error": error[:256] if error else None}
    if status == DeliveryStatus.SENT:
        values.update(sent_at=when, message_id=message_id)
    await session.execute(update(Delivery).where(Delivery.id == delivery_id).values(**values))


async def counts(
    session: AsyncSession, *, reminder_id: int | None = None, broadcast_id: int | None = None
) -> dict[DeliveryStatus, int]:
    """How many deliveries are in each status (an old "failed, outcome unknown" as unknown)."""
    status = reported_status()
    rows = await session.execute(
        select(status, func.count()).where(_owner(reminder_id, broadcast_id)).group_by(status)
    )
    found: dict[DeliveryStatus, int] = {}
    for value, count in rows:
        found[DeliveryStatus(value)] = found.get(DeliveryStatus(value), 0) + count
    return found


def reported_status() -> Any:
    """The status column as reports count it: rows an older version stored as failed with an
    unknown outcome count as unknown."""
    return case(
        (
            and_(Delivery.status == DeliveryStatus.FAILED, Delivery.error == OUTCOME_UNKNOWN),
            # Inline, not a bound parameter: PostgreSQL must see the same expression in the
            # SELECT and the GROUP BY.
            literal_column(f"'{DeliveryStatus.UNKNOWN.value}'", String),
        ),
        else_=Delivery.status,
    )


@dataclass(frozen=True)
class Recipient:
    """Someone a delivery went (or did not go) to, as staff see them in a report."""

    user_id: int
    name: str
    username: str | None


def _statuses_of_group(group: str) -> list[DeliveryStatus]:
    if group not in REPORT_GROUPS:
        raise ValueError(f"unknown group {group!r}")
    if group == "failed":
        return [DeliveryStatus.FAILED, DeliveryStatus.SKIPPED]
    return [DeliveryStatus(group)]


async def recipients_in_group(
    session: AsyncSession,
    group: str,
    *,
    reminder_id: int | None = None,
    broadcast_id: int | None = None,
    limit: int = 200,
) -> tuple[list[Recipient], int]:
    """The people of one report group (sent, blocked, failed, unknown) by name, and how many
    there are in all (the list stops at ``limit``)."""
    status = reported_status()
    where = [
        _owner(reminder_id, broadcast_id),
        status.in_([s.value for s in _statuses_of_group(group)]),
    ]
    total = int(await session.scalar(select(func.count()).select_from(Delivery).where(*where)) or 0)
    rows = await session.execute(
        select(Delivery.user_id, User.display_name, User.username)
        .outerjoin(User, User.id == Delivery.user_id)
        .where(*where)
        .order_by(User.display_name, Delivery.user_id)
        .limit(limit)
    )
    people = [Recipient(user_id, name or "", username) for user_id, name, username in rows]
    return people, total


async def give_up_interrupted(
    session: AsyncSession, *, broadcast_ids: Iterable[int] | None = None
) -> int:
    """Deliveries a dead process left in 'sending' get an unknown outcome (at most once, never
    sent again); the count. With ``broadcast_ids``, only those broadcasts' deliveries.

    A row is 'sending' only while its Telegram call is in flight, so these are the messages
    whose call a crash cut short. (Should a live process still be sending one, its outcome,
    written when the call returns, replaces this.)"""
    statement = update(Delivery).where(Delivery.status == DeliveryStatus.SENDING)
    if broadcast_ids is not None:
        statement = statement.where(Delivery.broadcast_id.in_(list(broadcast_ids)))
    result = await session.execute(
        statement.values(status=DeliveryStatus.UNKNOWN, error=OUTCOME_UNKNOWN)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def for_reminder(session: AsyncSession, reminder_id: int) -> list[Delivery]:
    """Every delivery of a reminder (for staff and tests)."""
    return list(
        await session.scalars(
            select(Delivery).where(Delivery.reminder_id == reminder_id).order_by(Delivery.id)
        )
    )


async def pushes_since(session: AsyncSession, since: dt.datetime) -> int:
    """Deliveries sent since ``since`` to users on another messenger (negative ids): pushes."""
    return int(
        await session.scalar(
            select(func.count()).where(
                Delivery.user_id < 0,
                Delivery.status == DeliveryStatus.SENT,
                Delivery.sent_at >= since,
            )
        )
        or 0
    )
