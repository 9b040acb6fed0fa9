"""SQLite through aiosqlite, one trip to its thread per statement instead of four.

aiosqlite runs each SQLite connection in a thread of its own, and SQLAlchemy's adapter sends every
statement there in four steps (open a cursor, execute, fetch, close), each a hand-over between the
event loop and that thread. Under load every hand-over also waits for the interpreter lock, so a
page of 15 statements spent more time crossing threads than in SQLite. Here a statement's four
steps run in the thread as one function: the same driver, the same thread and the same
transactions, with a quarter of the crossings.

The queue the function goes through is aiosqlite's own, used as SQLAlchemy's adapter uses it to
set the isolation level (``AsyncAdapt_aiosqlite_connection.isolation_level``).
"""

from __future__ import annotations

import asyncio
import sqlite3
from functools import partial
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)

_Outcome = tuple[Any, list[Any], int, int]
"""A statement's description, rows, row count and last row id."""


def _run(connection: sqlite3.Connection, operation: str, parameters: Any) -> _Outcome:
    """Runs in the connection's thread: what the adapter's four steps did, in one."""
    cursor = connection.cursor()
    try:
        if parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        if cursor.description:
            return cursor.description, cursor.fetchall(), -1, -1
        return None, [], cursor.rowcount, cursor.lastrowid or 0
    finally:
        cursor.close()


class _OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def execute(self, operation: Any, parameters: Any = None) -> None:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        future = asyncio.get_running_loop().create_future()
        connection._tx.put_nowait((future, partial(_run, connection._conn, operation, parameters)))
        try:
            description, rows, rowcount, lastrowid = self.await_(future)
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self.description = description
        self.rowcount, self.lastrowid = rowcount, lastrowid
        self._rows.clear()
        self._rows.extend(rows)


class _Connection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    def cursor(self, server_side: bool = False) -> AsyncAdapt_aiosqlite_cursor:
        return super().cursor(server_side) if server_side else _OneTripCursor(self)


class OneTripDbapi(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module for ``create_async_engine(..., module=OneTripDbapi())``."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        adapted = super().connect(*arg, **kw)
        return _Connection(self, adapted._connection)
