"""Storage for conversation states and per-user data, used by the bot's persistence."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ConversationState, StoredData, utcnow
from db.sql import upsert


def encode_key(key: tuple[int | str, ...]) -> str:
    """A conversation key as text (JSON keeps ints and strings apart)."""
    return json.dumps(list(key))


def decode_key(text: str) -> tuple[int | str, ...]:
    """The conversation key stored by encode_key."""
    return tuple(json.loads(text))


async def load_conversations(session: AsyncSession, name: str) -> dict[tuple[int | str, ...], str]:
    """All live states of one conversation."""
    rows = await session.scalars(select(ConversationState).where(ConversationState.name == name))
    return {decode_key(row.key): json.loads(row.state) for row in rows}


async def save_conversation(
    session: AsyncSession,
    name: str,
    key: tuple[int | str, ...],
    state: object | None,
    expires_at: dt.datetime | None,
) -> None:
    """Store (or, for None, delete) where one chat is in one conversation."""
    encoded = encode_key(key)
    if state is None:
        await session.execute(
            delete(ConversationState).where(
                ConversationState.name == name, ConversationState.key == encoded
            )
        )
        return
    await upsert(
        session,
        ConversationState,
        {"name": name, "key": encoded},
        {"state": json.dumps(state), "expires_at": expires_at, "updated_at": utcnow()},
    )


async def states_of_key(
    session: AsyncSession, names: list[str], key: tuple[int | str, ...]
) -> dict[str, object]:
    """Where one chat is in each of these conversations (by name); absent ones are left out."""
    rows = await session.execute(
        select(ConversationState.name, ConversationState.state).where(
            ConversationState.name.in_(names), ConversationState.key == encode_key(key)
        )
    )
    return {name: json.loads(state) for name, state in rows}


async def end_expired_conversation(
    session: AsyncSession, name: str, key: tuple[int | str, ...], now: dt.datetime
) -> bool:
    """Delete one conversation if it is still expired; whether this call deleted it.

    Every bot process runs the expiry; only the one whose delete removed the row tells the user.
    """
    result = await session.execute(
        delete(ConversationState).where(
            ConversationState.name == name,
            ConversationState.key == encode_key(key),
            ConversationState.expires_at.is_not(None),
            ConversationState.expires_at <= now,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def expired_conversations(
    session: AsyncSession, now: dt.datetime
) -> list[tuple[str, tuple[int | str, ...]]]:
    """Conversations whose user went quiet past the timeout."""
    rows = await session.scalars(
        select(ConversationState).where(
            ConversationState.expires_at.is_not(None), ConversationState.expires_at <= now
        )
    )
    return [(row.name, decode_key(row.key)) for row in rows]


async def load_data(session: AsyncSession, scope: str) -> dict[int, dict[str, Any]]:
    """All stored dictionaries of one scope ("user", "chat" or "bot")."""
    rows = await session.scalars(select(StoredData).where(StoredData.scope == scope))
    return {row.owner_id: dict(row.data) for row in rows}


async def load_one(session: AsyncSession, scope: str, owner_id: int) -> dict[str, Any]:
    """One stored dictionary; {} if there is none."""
    data = await session.scalar(
        select(StoredData.data).where(StoredData.scope == scope, StoredData.owner_id == owner_id)
    )
    return dict(data) if data else {}


async def save_data(session: AsyncSession, scope: str, owner_id: int, data: dict[str, Any]) -> None:
    """Store one dictionary; an empty one is removed."""
    if not data:
        await drop_data(session, scope, owner_id)
        return
    await upsert(
        session,
        StoredData,
        {"scope": scope, "owner_id": owner_id},
        {"data": data, "updated_at": utcnow()},
    )


async def drop_data(session: AsyncSession, scope: str, owner_id: int) -> None:
    """Forget one stored dictionary."""
    await session.execute(
        delete(StoredData).where(StoredData.scope == scope, StoredData.owner_id == owner_id)
    )
