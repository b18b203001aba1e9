"""aiosqlite with one trip to its worker thread per statement.

aiosqlite runs every call on a worker thread: creating a cursor, executing, fetching and closing
are four round trips for one statement, each a thread wake-up and an event-loop wake-up (about
60 µs of CPU apiece). Here a statement is executed, its rows fetched and its cursor closed in a
single trip; SQLAlchemy's aiosqlite dialect is used unchanged (it takes the connection through
``async_creator``). The result rows are held in memory, which is what SQLAlchemy's aiosqlite
adapter does anyway for every ordinary (non-streaming) query.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import AsyncIterator, Iterable, Sequence
from functools import partial
from typing import Any

import aiosqlite

Row = tuple[Any, ...]


class _Cursor:
    """The part of aiosqlite's cursor SQLAlchemy uses, executing and fetching in one trip."""

    def __init__(self, connection: SingleTripConnection) -> None:
        self._connection = connection
        self._rows: deque[Row] = deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    async def __aenter__(self) -> _Cursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    def __aiter__(self) -> AsyncIterator[Row]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Row]:
        while self._rows:
            yield self._rows.popleft()

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> _Cursor:
        return await self._run(False, sql, () if parameters is None else parameters)

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> _Cursor:
        return await self._run(True, sql, parameters)

    async def _run(self, many: bool, sql: str, parameters: Any) -> _Cursor:
        outcome: list[Any] = await self._connection.in_thread(
            _execute, self._connection.sqlite, many, sql, parameters
        )
        rows, self.description, self.rowcount, self.lastrowid = outcome
        # The worker thread keeps its last result until its next task; emptied, it holds no rows.
        outcome.clear()
        self._rows = deque(rows)
        return self

    async def fetchone(self) -> Row | None:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> Sequence[Row]:
        count = min(size or self.arraysize, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> Sequence[Row]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def close(self) -> None:
        self._rows.clear()


def _execute(connection: sqlite3.Connection, many: bool, sql: str, parameters: Any) -> list[Any]:
    # Runs on the worker thread, which owns the sqlite3 connection.
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return [rows, cursor.description, cursor.rowcount, cursor.lastrowid]
    finally:
        cursor.close()


class SingleTripConnection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors make one worker-thread trip per statement."""

    @property
    def sqlite(self) -> sqlite3.Connection:
        return self._conn

    async def in_thread(self, function: Any, *args: Any) -> Any:
        """Run ``function(*args)`` on the connection's worker thread."""
        return await self._execute(function, *args)

    def cursor(self) -> _Cursor:  # type: ignore[override]
        return _Cursor(self)


def connect(path: str, **kwargs: Any) -> SingleTripConnection:
    """Open (when awaited) a connection to the SQLite file at ``path``."""
    connection = SingleTripConnection(partial(sqlite3.connect, path, **kwargs), 64)
    # Like SQLAlchemy's own aiosqlite dialect: a forgotten connection must not keep the process
    # alive at exit.
    connection._thread.daemon = True
    return connection
