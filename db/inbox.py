"""The inbox of received updates and the dead letters (updates that could not be handled).

An update is written here before Telegram is told it arrived (the next getUpdates offset, or
the webhook's 200), and marked handled once its handling committed: a crash at any moment
leaves it either at Telegram or in the inbox, never nowhere.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import DeadLetter, InboxUpdate
from db.sql import insert_ignoring_duplicates

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class Received:
    """One update to store: its id and its JSON object as Telegram sent it."""

    update_id: int
    payload: JsonDict


async def store(session: AsyncSession, received: Sequence[Received], when: dt.datetime) -> set[int]:
    """Put the updates in the inbox; return the ids that were not there before.

    An update Telegram delivers a second time (the first confirmation was lost) keeps its row,
    handled or not, so it is not handled twice.
    """
    if not received:
        return set()
    ids = [r.update_id for r in received]
    known = set(
        await session.scalars(select(InboxUpdate.update_id).where(InboxUpdate.update_id.in_(ids)))
    )
    fresh = {r.update_id: r for r in received if r.update_id not in known}
    if not fresh:
        return set()
    # Only the rows this insert wrote count as new: another process storing the same update
    # at the same moment (two webhook workers) would otherwise handle it too.
    statement = insert_ignoring_duplicates(session, InboxUpdate, ["update_id"]).returning(
        InboxUpdate.__table__.c.update_id
    )
    written = await session.scalars(
        statement,
        [
            {"update_id": r.update_id, "payload": r.payload, "received_at": when}
            for r in fresh.values()
        ],
    )
    return set(written)


async def pending(session: AsyncSession) -> list[Received]:
    """The updates stored but not handled yet, oldest first."""
    rows = await session.execute(
        select(InboxUpdate.update_id, InboxUpdate.payload)
        .where(InboxUpdate.handled_at.is_(None))
        .order_by(InboxUpdate.update_id)
    )
    return [Received(update_id, payload) for update_id, payload in rows]


async def mark_handled(session: AsyncSession, update_id: int, when: dt.datetime) -> None:
    """The update's handling committed; it is not to be handled again."""
    await session.execute(
        update(InboxUpdate).where(InboxUpdate.update_id == update_id).values(handled_at=when)
    )


async def highest_id(session: AsyncSession) -> int | None:
    """The newest update id in the inbox (the next getUpdates starts after it)."""
    return await session.scalar(select(func.max(InboxUpdate.update_id)))


async def forget_handled_before(session: AsyncSession, cutoff: dt.datetime) -> int:
    """Drop handled rows older than ``cutoff``; Telegram keeps updates for 24 hours only.

    The newest row stays whatever its age: it tells the next start where to resume.
    """
    newest = await highest_id(session)
    result = await session.execute(
        delete(InboxUpdate).where(
            InboxUpdate.handled_at.is_not(None),
            InboxUpdate.handled_at < cutoff,
            InboxUpdate.update_id != (newest if newest is not None else -1),
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def forget_dead_letters_before(session: AsyncSession, cutoff: dt.datetime) -> int:
    """Drop dead letters received before ``cutoff``: raw updates hold names and texts, and
    staff look at a dead letter within days, not months."""
    result = await session.execute(delete(DeadLetter).where(DeadLetter.received_at < cutoff))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class DeadLetterRow:
    """One dead letter as listed by ``python -m bot deadletters``."""

    id: int
    update_id: int | None
    received_at: dt.datetime
    error_kind: str
    update_type: str


async def add_dead_letter(
    session: AsyncSession,
    *,
    update_id: int | None,
    raw: object,
    error_kind: str,
    update_type: str,
    when: dt.datetime,
) -> int:
    """Keep an update that could not be handled, raw; return the dead letter's id."""
    text = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False, default=repr)
    letter = DeadLetter(
        update_id=update_id,
        received_at=when,
        error_kind=error_kind[:80],
        update_type=update_type[:64],
        payload=text,
    )
    session.add(letter)
    await session.flush()
    return letter.id


async def dead_letters(session: AsyncSession, limit: int = 100) -> list[DeadLetterRow]:
    """The newest dead letters, newest first."""
    rows = await session.execute(
        select(
            DeadLetter.id,
            DeadLetter.update_id,
            DeadLetter.received_at,
            DeadLetter.error_kind,
            DeadLetter.update_type,
        )
        .order_by(DeadLetter.id.desc())
        .limit(limit)
    )
    return [DeadLetterRow(*row) for row in rows]


async def dead_letter_payload(session: AsyncSession, letter_id: int) -> str | None:
    """The raw JSON of one dead letter, or None if there is no such letter."""
    return await session.scalar(select(DeadLetter.payload).where(DeadLetter.id == letter_id))
