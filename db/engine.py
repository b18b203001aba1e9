"""The database connection: engine, sessions and migrations."""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Per connection: WAL lets readers and the writer work side by side, and the busy timeout
    # makes a briefly locked database wait instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_private_folder(folder: Path) -> None:
    """Create ``folder`` (and its parents) if missing; one created here is 0700."""
    missing = [path for path in (folder, *folder.parents) if not path.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    for path in missing:
        path.chmod(0o700)


def create_private_file(file: Path) -> None:
    """Create an empty ``file`` readable by its owner only (0600) in a private folder, unless
    it exists. The database holds teachers' names; SQLite gives its -wal and -shm files the
    database file's mode, so those are 0600 too."""
    create_private_folder(file.parent)
    if file.exists():
        return
    descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(descriptor)
    file.chmod(0o600)  # whatever the umask


class Database:
    """An engine and its session factory; created at start-up, disposed at shutdown."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            database = parsed.database
            if database and database != ":memory:":
                create_private_file(Path(database).expanduser())
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _tune_sqlite)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: committed when the block ends normally, rolled back otherwise."""
        async with self.sessionmaker() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def migrate(self) -> None:
        """Bring the schema up to the newest migration."""
        current = await self.current_revision()
        if current == head_revision():
            return
        async with self.engine.begin() as connection:
            if current is None and await connection.run_sync(_is_empty):
                await connection.run_sync(_create_at_head)
            else:
                await connection.run_sync(_upgrade)

    async def current_revision(self) -> str | None:
        """The migration the database is at, or None for an empty database."""
        try:
            async with self.engine.connect() as connection:
                result = await connection.execute(text("SELECT version_num FROM alembic_version"))
                return result.scalar_one_or_none()
        except DBAPIError:
            return None

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*['\"]?([\w]+)['\"]?", re.MULTILINE)


@cache
def head_revision() -> str | None:
    """The newest migration, read from the scripts without importing Alembic (it is slow)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for kind, value in _REVISION.findall(script.read_text(encoding="utf-8")):
            (revisions if kind == "revision" else parents).add(value)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def alembic_config(connection: Connection | None = None) -> Any:
    """An Alembic config pointing at this package's migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def _is_empty(connection: Connection) -> bool:
    return not inspect(connection).get_table_names()


def _create_at_head(connection: Connection) -> None:
    # A new database gets the models' schema at once and is stamped at the newest migration,
    # as Alembic recommends; running every migration (and importing Alembic) takes far longer.
    # tests/db/test_migrations.py proves the models and the migrations describe one schema.
    from db.models import Base

    Base.metadata.create_all(connection)
    connection.execute(
        text(
            "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
            "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
        )
    )
    connection.execute(
        text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": head_revision()}
    )


def _upgrade(connection: Connection) -> None:
    from alembic import command

    command.upgrade(alembic_config(connection), "head")


def migrate_blocking(url: str) -> None:
    """Run the migrations outside any event loop (the CLI's `migrate`)."""

    async def _run() -> None:
        database = Database(url)
        try:
            await database.migrate()
        finally:
            await database.dispose()

    asyncio.run(_run())
