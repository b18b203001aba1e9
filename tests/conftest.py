"""Shared fixtures: a database per test, the Bot API stand-in over HTTP, the bot under test.

Set TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test) to run every database
test on PostgreSQL instead of a SQLite file.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from support import BotUnderTest, MakeBot, make_settings
from telegram.ext import Application

from bot.app import build_application, start_embedded, stop_embedded
from bot.clock import Clock
from bot.settings import CONSOLE_TOKEN, to_async_url
from bot.standin.core import BotApiStandin
from bot.standin.driver import ChatDriver
from bot.standin.http import StandinHttpServer
from db.engine import Database, migrate_blocking
from db.models import Base


async def _reset_postgres(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def _empty_all_tables(url: str) -> None:
    database = Database(url)
    try:
        await database.migrate()
        tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
        async with database.engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await database.dispose()


@pytest.fixture(scope="session", autouse=True)
def _fresh_postgres_schema() -> None:
    """Start each run from an empty PostgreSQL schema: a database left at a revision by another
    checkout (or an older migration chain) would otherwise be taken as up to date."""
    shared = os.environ.get("TEST_DATABASE_URL")
    if shared:
        asyncio.run(_reset_postgres(to_async_url(shared)))


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per run; each test gets a copy (migrating takes ~0.5 s)."""
    template = tmp_path_factory.mktemp("template") / "bot.sqlite3"
    migrate_blocking(f"sqlite+aiosqlite:///{template}")
    return template


@pytest.fixture
async def database_url(tmp_path: Path, migrated_sqlite_template: Path) -> str:
    """A migrated, empty database for one test."""
    shared = os.environ.get("TEST_DATABASE_URL")
    if shared:
        url = to_async_url(shared)
        await _empty_all_tables(url)
        return url
    target = tmp_path / "bot.sqlite3"
    shutil.copyfile(migrated_sqlite_template, target)
    return f"sqlite+aiosqlite:///{target}"


@pytest.fixture
async def empty_database_url(tmp_path: Path) -> str:
    """A database with no schema at all, for migration tests."""
    shared = os.environ.get("TEST_DATABASE_URL")
    if shared:
        url = to_async_url(shared)
        await _reset_postgres(url)
        return url
    return f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}"


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandin]:
    """The stand-in of Telegram, served over HTTP on 127.0.0.1."""
    fake = BotApiStandin()
    server = StandinHttpServer(fake)
    await server.start()
    fake.http_server = server  # type: ignore[attr-defined]
    try:
        yield fake
    finally:
        await server.stop()
    # Whatever a test did, the bot must never have made a call Telegram would refuse.
    assert fake.rejected == [], [(method, error.description) for method, _, error in fake.rejected]


@pytest.fixture
async def make_bot(standin: BotApiStandin, database_url: str) -> AsyncIterator[MakeBot]:
    """Build and start bots (several, to simulate restarts); all are stopped afterwards."""
    started: list[Application[Any, Any, Any, Any, Any, Any]] = []
    server: StandinHttpServer = standin.http_server  # type: ignore[attr-defined]

    async def factory(today: dt.date | None = None, **overrides: Any) -> BotUnderTest:
        settings = make_settings(server.base_url, database_url, **overrides)
        application = build_application(
            settings, Clock(settings.timezone, today=today), token=CONSOLE_TOKEN
        )
        await start_embedded(application)
        started.append(application)
        return BotUnderTest(application, standin, ChatDriver(application, standin))

    try:
        yield factory
    finally:
        for application in started:
            if application.running or application._initialized:
                await stop_embedded(application)


@pytest.fixture
async def bot(make_bot: MakeBot) -> BotUnderTest:
    """One bot, today being the day the letter was sent (111-09-02)."""
    return await make_bot(today=dt.date(2022, 9, 2))
