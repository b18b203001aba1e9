"""Forgetting a person (個人資料保護法): what is deleted, what is anonymised and kept."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    ChannelIdentity,
    Community,
    ConversationState,
    DeadLetter,
    Delivery,
    HandledLineEvent,
    InboxUpdate,
    Member,
    QuestionAsked,
    StoredData,
    User,
)
from db.persistence_store import decode_key

FORGOTTEN_NAME = "—"


@dataclass(frozen=True)
class Forgotten:
    """What forgetting one person changed."""

    questions_deleted: int
    deliveries_deleted: int
    members_anonymised: int
    still_convener: bool


async def is_convener(session: AsyncSession, user_id: int) -> bool:
    """Whether the person convenes a community (its records keep pointing at them)."""
    found = await session.scalar(
        select(Community.id).where(Community.convener_user_id == user_id).limit(1)
    )
    return found is not None


async def forget_user(session: AsyncSession, user_id: int) -> Forgotten:
    """Delete the person's own data; anonymise what their community's records still need.

    Activities and member counts stay, because the community's record for the program needs
    them; names, usernames, questions asked, messages sent to the person and conversation
    drafts go.
    """
    questions = await session.execute(delete(QuestionAsked).where(QuestionAsked.user_id == user_id))
    deliveries = await session.execute(delete(Delivery).where(Delivery.user_id == user_id))
    members = await session.execute(
        update(Member)
        .where(Member.user_id == user_id)
        .values(name=FORGOTTEN_NAME, subject=None, user_id=None, invite_code=None)
    )
    await session.execute(
        delete(StoredData).where(
            StoredData.owner_id == user_id, StoredData.scope.in_(("user", "chat", "line"))
        )
    )
    await _clear_raw_updates(session, user_id)
    for state in await session.scalars(select(ConversationState)):
        if user_id in decode_key(state.key):
            await session.delete(state)
    user = await session.get(User, user_id)
    still_convener = False
    if user is not None:
        still_convener = await is_convener(session, user_id)
        if still_convener:
            # The community row points at its convener; keep an anonymous stub to point at.
            user.display_name = ""
            user.username = None
            user.language = None
            user.is_staff = False
            user.active = False
            user.reminder_opt_outs = []
        else:
            await session.delete(user)
    return Forgotten(
        questions_deleted=int(questions.rowcount or 0),  # type: ignore[attr-defined]
        deliveries_deleted=int(deliveries.rowcount or 0),  # type: ignore[attr-defined]
        members_anonymised=int(members.rowcount or 0),  # type: ignore[attr-defined]
        still_convener=still_convener,
    )


def _sent_by(payload: Any, user_id: int) -> bool:
    """Whether a raw update came from (or is about the chat of) this person."""
    if isinstance(payload, dict):
        for key in ("from", "chat", "user"):
            party = payload.get(key)
            if isinstance(party, dict) and party.get("id") == user_id:
                return True
        return any(_sent_by(value, user_id) for value in payload.values())
    if isinstance(payload, list):
        return any(_sent_by(value, user_id) for value in payload)
    return False


async def _clear_raw_updates(session: AsyncSession, user_id: int) -> None:
    """The inbox keeps updates as Telegram sent them (names, texts) for a while, and dead letters
    until they expire: the person's go now. An inbox row keeps its update id, which is all
    that recognising a redelivery needs."""
    for row in await session.scalars(select(InboxUpdate)):
        if _sent_by(row.payload, user_id):
            row.payload = {"update_id": row.update_id}
    for letter in await session.scalars(select(DeadLetter)):
        try:
            raw = json.loads(letter.payload)
        except ValueError:
            continue
        if _sent_by(raw, user_id):
            await session.delete(letter)
    # LINE events keep their text until handled (one a crash cut short keeps it for good).
    line_ids = set(
        await session.scalars(
            select(ChannelIdentity.external_id).where(ChannelIdentity.user_id == user_id)
        )
    )
    if line_ids:
        for event in await session.scalars(
            select(HandledLineEvent).where(HandledLineEvent.payload.is_not(None))
        ):
            source = (event.payload or {}).get("source")
            if isinstance(source, dict) and source.get("userId") in line_ids:
                event.payload = None
