"""The inbox's dead letters: kept for staff to look at, not for ever."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from db import inbox
from db.engine import Database
from db.models import DeadLetter

NOW = dt.datetime(2023, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    await db.migrate()
    try:
        yield db
    finally:
        await db.dispose()


async def test_dead_letters_older_than_the_cutoff_are_dropped(database: Database) -> None:
    async with database.session() as session:
        for days, update_id in ((40, 1), (3, 2)):
            session.add(DeadLetter(
                update_id=update_id, received_at=NOW - dt.timedelta(days=days),
                error_kind="handler:Test", update_type="message", payload="{}",
            ))  # fmt: skip
    async with database.session() as session:
        dropped = await inbox.forget_dead_letters_before(session, NOW - dt.timedelta(days=30))
    async with database.session() as session:
        kept = list(await session.scalars(select(DeadLetter.update_id)))
    assert dropped == 1 and kept == [2]


async def test_an_update_stored_by_two_processes_at_once_is_new_to_one_of_them(
    database: Database, database_url: str
) -> None:
    other = Database(database_url)  # a second process's engine on the same database
    received = [inbox.Received(424242, {"update_id": 424242})]

    async def store_in_other() -> set[int]:
        async with other.session() as session:
            return await inbox.store(session, received, NOW)

    try:
        async with database.session() as session:
            first = await inbox.store(session, received, NOW)
            # The other process looks while this one has not committed yet.
            second_task = asyncio.create_task(store_in_other())
            await asyncio.sleep(0.3)
        second = await second_task
    finally:
        await other.dispose()
    assert sorted([*first, *second]) == [424242]
