"""The SQLite engine: every connection is tuned, and concurrent units of work all land."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from db.engine import SQLITE_BUSY_TIMEOUT_MS, Database
from db.models import Activity, User


@pytest.fixture
async def database(tmp_path: Path):
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'engine.sqlite3'}")
    await database.migrate()
    yield database
    await database.dispose()


async def test_every_connection_uses_wal_foreign_keys_and_a_busy_timeout(database: Database):
    async with database.engine.connect() as first, database.engine.connect() as second:
        for connection in (first, second):
            assert (await connection.scalar(text("PRAGMA journal_mode"))) == "wal"
            assert (await connection.scalar(text("PRAGMA foreign_keys"))) == 1
            assert (await connection.scalar(text("PRAGMA busy_timeout"))) == SQLITE_BUSY_TIMEOUT_MS
            assert (await connection.scalar(text("PRAGMA synchronous"))) == 1  # NORMAL


async def test_a_row_pointing_at_a_missing_community_is_refused(database: Database):
    with pytest.raises(IntegrityError):
        async with database.session() as session:
            session.add(Activity(community_id=12345, client_token="x", kind="dialogue"))
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(Activity)) == 0


async def test_concurrent_writers_wait_for_each_other_and_all_commit(database: Database):
    async def register(user_id: int) -> None:
        async with database.session() as session:
            session.add(User(id=user_id, display_name=f"老師{user_id}"))
            await session.flush()
            await asyncio.sleep(0)  # hold the write lock while the others try to write

    await asyncio.gather(*(register(user_id) for user_id in range(1, 21)))
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 20


async def test_a_reader_sees_committed_rows_while_a_writer_holds_its_transaction(
    database: Database,
):
    async with database.session() as session:
        session.add(User(id=1, display_name="王老師"))
    async with database.session() as writer:
        writer.add(User(id=2, display_name="李老師"))
        await writer.flush()
        async with database.session() as reader:
            names = await reader.scalars(select(User.display_name).order_by(User.id))
            assert list(names) == ["王老師"]
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 2
