"""Statements SQLAlchemy spells differently per database.

They are built once per database and table, against the table itself (not the ORM entity), and
run with the values as parameters: SQLAlchemy then finds the compiled form in its cache at once
instead of walking a fresh statement on each of the several writes every update makes.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Insert, Table, insert
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def insert_ignoring_duplicates(
    session: AsyncSession, model: type[Any], index_elements: list[str]
) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING, on SQLite and PostgreSQL; run it with the row(s)."""
    return _insert_ignoring(_dialect(session), _table(model), tuple(index_elements))


@cache
def _insert_ignoring(dialect: str, table: Table, index_elements: tuple[str, ...]) -> Insert:
    if dialect == "postgresql":
        return pg_insert(table).on_conflict_do_nothing(index_elements=index_elements)
    if dialect == "sqlite":
        return sqlite_insert(table).on_conflict_do_nothing(index_elements=index_elements)
    return insert(table)


async def upsert(
    session: AsyncSession, model: type[Any], keys: dict[str, Any], values: dict[str, Any]
) -> None:
    """Insert the row, or update ``values`` where a row with ``keys`` exists: one statement."""
    statement = _upsert(_dialect(session), _table(model), tuple(keys), tuple(values))
    await session.execute(statement, {**keys, **values})


@cache
def _upsert(dialect: str, table: Table, keys: tuple[str, ...], columns: tuple[str, ...]) -> Insert:
    statement: PgInsert | SqliteInsert
    if dialect == "postgresql":
        statement = pg_insert(table)
    elif dialect == "sqlite":
        statement = sqlite_insert(table)
    else:
        raise NotImplementedError(f"upsert on {dialect}")
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={column: statement.excluded[column] for column in columns}
    )
