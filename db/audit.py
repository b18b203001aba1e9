"""Data access for the audit log of staff actions; the caller's transaction writes the entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEntry


async def record(
    session: AsyncSession,
    actor_user_id: int,
    action: str,
    details: dict[str, Any] | None = None,
    *,
    at: dt.datetime | None = None,
) -> None:
    """Add an entry in the session's transaction (so it stands or falls with the action)."""
    entry = AuditEntry(actor_user_id=actor_user_id, action=action, details=details or {})
    if at is not None:
        entry.at = at
    session.add(entry)
    await session.flush()


async def latest(session: AsyncSession, *, offset: int = 0, limit: int = 20) -> list[AuditEntry]:
    """Entries newest first, ``limit`` of them after skipping ``offset``."""
    rows = await session.scalars(
        select(AuditEntry)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows)


async def count(session: AsyncSession) -> int:
    """How many entries there are."""
    return int(await session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
