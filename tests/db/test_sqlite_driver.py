"""The SQLite connection: results as SQLAlchemy expects them, in one worker trip per statement."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from db import sqlite_driver
from db.engine import Database
from db.models import Activity, Community, School, User


@pytest.fixture
async def database(tmp_path: Path):
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'driver.sqlite3'}")
    await database.migrate()
    yield database
    await database.dispose()


async def test_rows_ids_and_counts_come_back_as_with_aiosqlite(database: Database):
    async with database.session() as session:
        session.add_all([User(id=1, display_name="王老師"), User(id=2, display_name="李老師")])
        session.add(School(name="正興國小", in_letter=True))
    async with database.session() as session:
        school = await session.scalar(select(School).where(School.name == "正興國小"))
        assert school is not None and school.id >= 1
        names = await session.scalars(select(User.display_name).order_by(User.id))
        assert list(names) == ["王老師", "李老師"]
        changed = await session.execute(update(User).values(language="en"))
        assert changed.rowcount == 2  # type: ignore[attr-defined]
        missing = await session.scalar(select(User).where(User.id == 99))
        assert missing is None


async def test_many_rows_at_once_and_streamed_results(database: Database):
    async with database.session() as session:
        await session.execute(
            insert(User), [{"id": n, "display_name": f"老師{n}"} for n in range(1, 501)]
        )
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 500
        streamed = await session.stream_scalars(select(User.id).order_by(User.id))
        assert [n async for n in streamed] == list(range(1, 501))


async def test_a_constraint_violation_is_sqlalchemys_error_and_rolls_back(database: Database):
    with pytest.raises(IntegrityError):
        async with database.session() as session:
            session.add(User(id=1, display_name="王老師"))
            await session.flush()
            session.add(Activity(community_id=12345, client_token="x", kind="dialogue"))
            await session.flush()
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 0
        assert await session.scalar(select(func.count()).select_from(Community)) == 0


async def test_each_statement_is_one_trip_to_the_worker_thread(
    database: Database, monkeypatch: pytest.MonkeyPatch
):
    trips: list[str] = []
    original = sqlite_driver.SingleTripConnection.in_thread

    async def counted(self, function, *args):  # type: ignore[no-untyped-def]
        trips.append(args[2] if len(args) > 2 else function.__name__)
        return await original(self, function, *args)

    async with database.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    monkeypatch.setattr(sqlite_driver.SingleTripConnection, "in_thread", counted)
    async with database.engine.connect() as connection:
        rows = await connection.execute(text("SELECT 1 UNION SELECT 2"))
        assert sorted(rows.scalars()) == [1, 2]
    assert trips == ["SELECT 1 UNION SELECT 2"]
