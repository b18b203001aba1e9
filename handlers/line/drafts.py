"""The LINE flows' drafts: one per flow and user, in the database (stored_data, scope "line").

Each draft expires after 30 minutes of silence. The flow the user last answered is the
*active* one: typed text and 「取消」 go to it, while another flow's draft waits to be resumed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.services import Services
from db import persistence_store

SCOPE = "line"
ACTIVE = "active"
TIMEOUT = dt.timedelta(minutes=30)

Draft = dict[str, Any]


def _live(services: Services, draft: object) -> Draft | None:
    if not isinstance(draft, dict):
        return None
    try:
        expires = dt.datetime.fromisoformat(str(draft.get("expires_at")))
    except ValueError:
        return None
    return draft if expires > services.clock.now() else None


async def load(services: Services, user_id: int, flow: str) -> Draft | None:
    """The user's live draft of ``flow``, if any."""
    async with services.database.session() as session:
        stored = await persistence_store.load_one(session, SCOPE, user_id)
    return _live(services, stored.get(flow))


async def save(services: Services, user_id: int, flow: str, draft: Draft | None) -> None:
    """Keep the draft (and make ``flow`` the active one), or drop it with None."""
    async with services.database.session() as session:
        stored = await persistence_store.load_one(session, SCOPE, user_id)
        if draft is None:
            stored.pop(flow, None)
            if stored.get(ACTIVE) == flow:
                stored.pop(ACTIVE)
        else:
            draft["expires_at"] = (services.clock.now() + TIMEOUT).isoformat()
            stored[flow] = draft
            stored[ACTIVE] = flow
        await persistence_store.save_data(session, SCOPE, user_id, stored)
        await session.commit()


async def drop(services: Services, user_id: int, flow: str) -> bool:
    """Drop the user's draft of ``flow``; whether a live one was open (「取消」 says so)."""
    if await load(services, user_id, flow) is None:
        return False
    await save(services, user_id, flow, None)
    return True


async def active(services: Services, user_id: int) -> str | None:
    """The flow whose live draft the user last answered, if any."""
    async with services.database.session() as session:
        stored = await persistence_store.load_one(session, SCOPE, user_id)
    flow = stored.get(ACTIVE)
    if not isinstance(flow, str) or _live(services, stored.get(flow)) is None:
        return None
    return flow
