"""Statements SQLAlchemy spells differently per database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Insert, insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def insert_ignoring_duplicates(
    session: AsyncSession, model: type[Any], index_elements: list[str]
) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING, on SQLite and PostgreSQL."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return pg_insert(model).on_conflict_do_nothing(index_elements=index_elements)
    if dialect == "sqlite":
        return sqlite_insert(model).on_conflict_do_nothing(index_elements=index_elements)
    return insert(model)


async def upsert(
    session: AsyncSession, model: type[Any], keys: dict[str, Any], values: dict[str, Any]
) -> None:
    """Insert the row, or update ``values`` where a row with ``keys`` exists: one statement."""
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"upsert on {dialect}")
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = make(model).values(**keys, **values)
    statement = statement.on_conflict_do_update(index_elements=list(keys), set_=values)
    await session.execute(statement)
