"""LINE webhook events: stored once per event id, taken up once, dropped once LINE cannot
redeliver them."""

from __future__ import annotations

import datetime as dt

from db import line_events
from db.engine import Database

START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


async def test_an_event_is_stored_and_taken_up_once(database_url: str) -> None:
    database = Database(database_url)
    first = {"type": "message", "timestamp": 2}
    earlier = {"type": "message", "timestamp": 1}
    try:
        async with database.session() as session:
            await line_events.store(session, [("01A", first), ("01B", earlier)], START)
        async with database.session() as session:
            await line_events.store(session, [("01A", {"type": "changed"})], START)
            assert await line_events.never_taken_up(session) == [("01B", earlier), ("01A", first)]
            assert await line_events.take_up(session, "01A", START)
            assert not await line_events.take_up(session, "01A", START)
            assert not await line_events.take_up(session, "01UNKNOWN", START)
            await line_events.mark_handled(session, "01A", START)
        async with database.session() as session:
            assert await line_events.never_taken_up(session) == [("01B", earlier)]
    finally:
        await database.dispose()


async def test_handled_events_are_dropped_after_a_while(database_url: str) -> None:
    database = Database(database_url)
    try:
        async with database.session() as session:
            await line_events.store(session, [("01A", {}), ("01B", {})], START)
            await line_events.take_up(session, "01A", START)
        async with database.session() as session:
            dropped = await line_events.forget_before(session, START + dt.timedelta(days=8))
        assert dropped == 1  # 01B was never taken up: it waits for the next start
        async with database.session() as session:
            await line_events.store(session, [("01A", {"again": True})], START)
            assert await line_events.take_up(session, "01A", START)
    finally:
        await database.dispose()
