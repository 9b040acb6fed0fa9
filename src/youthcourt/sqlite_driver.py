"""SQLite through aiosqlite, each statement run at once in the event loop unless it must wait.

aiosqlite runs each SQLite connection in a thread of its own, and every statement went there and
back: a hand-over between the event loop and that thread each way (50 microseconds alone, and
under load each waits for the interpreter lock the loop holds). Yet a statement of a page takes
SQLite a few microseconds to a millisecond, and only waits when another connection holds the
write lock. So a statement, a commit and a rollback are first run in the event loop's own thread
with SQLite's busy timeout at zero: done at once, or refused at once with ``SQLITE_BUSY``, having
changed nothing. Only then does it go to the connection's thread to wait for the lock (up to
:data:`BUSY_WAIT_MS`), where the loop goes on serving other requests meanwhile.

Run this way, a request that writes once at its end (a page's audit entry) writes and commits
with no pause in between, so within one server process such writes never wait for each other.
A transaction that pauses while holding the lock (a form that writes, then waits for a password
hash) makes the others wait in their threads, as before. Between statements that hold no lock,
the other requests get their turn, as they did while a statement was away in the thread.

The connections are opened with ``check_same_thread=False``: a connection is used by one request
at a time, one statement after the other, from whichever of the two threads runs that statement.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
    AsyncAdapt_aiosqlite_ss_cursor,
)

BUSY_WAIT_MS = 5000
"""How long a statement waits for another connection's write lock before it fails."""

_Outcome = tuple[Any, list[Any], int, int]
"""A statement's description, rows, row count and last row id."""

_T = TypeVar("_T")


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool = False) -> _Outcome:
    """A statement's open, execute, fetch and close, in one call."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        if cursor.description:
            return cursor.description, cursor.fetchall(), -1, -1
        return None, [], cursor.rowcount, cursor.lastrowid or 0
    finally:
        cursor.close()


def _waiting(connection: sqlite3.Connection, work: Callable[[], _T]) -> _T:
    """Runs in the connection's thread: ``work`` with SQLite allowed to wait for the lock."""
    connection.execute(f"PRAGMA busy_timeout={BUSY_WAIT_MS}")
    try:
        return work()
    finally:
        connection.execute("PRAGMA busy_timeout=0")


def _is_busy(error: Exception) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return (
        isinstance(error, sqlite3.OperationalError)
        and code is not None
        and code & 0xFF == sqlite3.SQLITE_BUSY
    )


async def _carry_on() -> None:
    """Awaited where a statement goes on without a pause: SQLAlchemy's async connection requires
    each statement to await something, and this returns without giving the loop a turn."""


def _at_once_or_waiting(adapter: Any, connection: aiosqlite.Connection, work: Callable[[], _T]) -> _T:
    """``work`` in this thread; if SQLite is busy, again in the connection's thread, waiting.

    Done at once, it then lets the event loop run the other requests' next steps before this one
    goes on, as a trip to the thread did: run back to back, a page's statements held the loop
    long enough that a twentieth of requests under load waited several times the median. Not
    while this connection holds the write lock: a write and its commit stay together.
    """
    try:
        outcome = work()
    except sqlite3.OperationalError as error:
        if not _is_busy(error):
            raise
    else:
        adapter.await_(_carry_on() if connection._conn.in_transaction else asyncio.sleep(0))
        return outcome
    future = asyncio.get_running_loop().create_future()
    connection._tx.put_nowait((future, partial(_waiting, connection._conn, work)))
    return adapter.await_(future)


class _AtOnceCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def execute(self, operation: Any, parameters: Any = None) -> None:
        self._take(partial(_run, self._connection._conn, operation, parameters))  # type: ignore[attr-defined]

    def executemany(self, operation: Any, seq_of_parameters: Any) -> None:
        self._take(partial(_run, self._connection._conn, operation, seq_of_parameters, True))  # type: ignore[attr-defined]

    def _take(self, work: Callable[[], _Outcome]) -> None:
        try:
            description, rows, rowcount, lastrowid = _at_once_or_waiting(self, self._connection, work)  # type: ignore[arg-type]
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self.description = description
        self.rowcount, self.lastrowid = rowcount, lastrowid
        self._rows.clear()
        self._rows.extend(rows)


class _WaitingStreamCursor(AsyncAdapt_aiosqlite_ss_cursor):
    """A streamed read (an export) runs in the connection's thread from start to end, with
    SQLite allowed to wait for locks there until the stream closes."""

    __slots__ = ()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        self._connection._conn.execute(f"PRAGMA busy_timeout={BUSY_WAIT_MS}")  # type: ignore[attr-defined]
        return super().execute(operation, parameters)

    def close(self) -> None:
        super().close()
        self._connection._conn.execute("PRAGMA busy_timeout=0")  # type: ignore[attr-defined]


class _Connection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    def cursor(self, server_side: bool = False) -> AsyncAdapt_aiosqlite_cursor:
        return _WaitingStreamCursor(self) if server_side else _AtOnceCursor(self)

    def commit(self) -> None:
        self._end(self._connection._conn.commit)  # type: ignore[attr-defined]

    def rollback(self) -> None:
        self._end(self._connection._conn.rollback)  # type: ignore[attr-defined]

    def _end(self, work: Callable[[], None]) -> None:
        try:
            _at_once_or_waiting(self, self._connection, work)  # type: ignore[arg-type]
        except Exception as error:
            self._handle_exception(error)


class AtOnceDbapi(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module for ``create_async_engine(..., module=AtOnceDbapi())``."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        kw["check_same_thread"] = False
        kw["timeout"] = 0  # SQLite's busy timeout: a statement waits only in the connection's thread
        adapted = super().connect(*arg, **kw)
        return _Connection(self, adapted._connection)
