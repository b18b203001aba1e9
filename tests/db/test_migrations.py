"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from db.engine import Database
from db.models import Base


async def test_migrating_an_empty_database_creates_every_table(empty_database_url: str):
    database = Database(empty_database_url)
    try:
        await database.migrate()
        async with database.engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        assert set(Base.metadata.tables) <= tables
    finally:
        await database.dispose()


async def test_migrating_twice_changes_nothing(empty_database_url: str):
    database = Database(empty_database_url)
    try:
        await database.migrate()
        await database.migrate()
    finally:
        await database.dispose()


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(empty_database_url: str):
    database = Database(empty_database_url)
    if not database.is_sqlite:
        await database.dispose()
        pytest.skip("SQLite only: journal mode and busy timeout are SQLite pragmas")
    try:
        async with database.engine.connect() as connection:
            mode = (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar()
            timeout = (await connection.exec_driver_sql("PRAGMA busy_timeout")).scalar()
        assert mode == "wal"
        assert timeout == 5000
    finally:
        await database.dispose()


async def test_a_new_database_created_at_once_matches_the_migrations(empty_database_url: str):
    from alembic import command

    from db.engine import alembic_config, head_revision

    database = Database(empty_database_url)
    try:
        await database.migrate()  # the fast path: create_all and stamp
        assert await database.current_revision() == head_revision()
        async with database.engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
            assert differences == []
            # Alembic itself agrees that nothing is left to run.
            await connection.run_sync(lambda sync: command.check(alembic_config(sync)))
    finally:
        await database.dispose()


async def test_every_migration_runs_on_an_empty_database(empty_database_url: str):
    from alembic import command

    from db.engine import alembic_config

    database = Database(empty_database_url)
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), "head"))
        async with database.engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
        assert differences == []
    finally:
        await database.dispose()
