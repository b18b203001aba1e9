"""The claims on LINE webhook events: one per event id, dropped once LINE cannot redeliver."""

from __future__ import annotations

import datetime as dt

from db import line_events
from db.engine import Database


async def test_an_event_is_claimed_once_and_old_claims_are_dropped(database_url: str) -> None:
    database = Database(database_url)
    start = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    try:
        async with database.session() as session:
            assert await line_events.claim(session, "01EVENTA", start)
        async with database.session() as session:
            assert not await line_events.claim(session, "01EVENTA", start)
            await line_events.mark_handled(session, "01EVENTA", start)
            assert await line_events.claim(session, "01EVENTB", start + dt.timedelta(days=8))
        async with database.session() as session:
            dropped = await line_events.forget_before(session, start + dt.timedelta(days=1))
        assert dropped == 1
        async with database.session() as session:
            assert await line_events.claim(session, "01EVENTA", start + dt.timedelta(days=9))
            assert not await line_events.claim(session, "01EVENTB", start)
    finally:
        await database.dispose()
