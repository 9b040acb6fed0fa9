"""The database: the declarative base, the engine configuration and the migrations.

The schema is created only by the Alembic migrations in ``migrations/``; nothing calls
``create_all``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import uuid4

from advanced_alchemy.base import UUIDAuditBase, orm_registry
from advanced_alchemy.config import AsyncSessionConfig
from advanced_alchemy.extensions.litestar import (
    AlembicAsyncConfig,
    EngineConfig,
    SQLAlchemyAsyncConfig,
)
from advanced_alchemy.extensions.litestar.plugins.init.config.common import SESSION_TERMINUS_ASGI_EVENTS
from advanced_alchemy.types import GUID
from litestar import Request
from litestar.types import Message, Scope
from sqlalchemy import Date, Index, bindparam, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.base import Executable

from youthcourt.settings import Settings, resource_dir
from youthcourt.sqlite_driver import AtOnceDbapi

__all__ = (
    "TODAY",
    "Base",
    "add_at_commit",
    "create_database_config",
    "insert_missing",
    "metadata",
    "plan_each_run",
    "plan_for_values",
    "postgresql_only",
    "refresh_statistics",
    "upgrade_database",
)

Base = UUIDAuditBase
"""Every table: a random UUID primary key (ids in URLs reveal nothing) and UTC audit columns."""

metadata = orm_registry.metadata
logger = logging.getLogger("youthcourt")


def _enable_sqlite_integrity(dbapi_connection: Any, _record: Any) -> None:
    """SQLite ignores foreign keys unless asked; WAL lets readers work while one writer writes.

    In WAL mode, ``synchronous=NORMAL`` syncs the log at checkpoints rather than at every commit:
    the database cannot be corrupted by a crash, a power cut may lose the last commits, and each
    commit (every page view writes its audit entry) holds the one write lock far shorter. How long
    a statement waits for the write lock is the driver's (``sqlite_driver.BUSY_WAIT_MS``).
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


POSTGRES_SETTINGS = {"plan_cache_mode": "auto", "max_parallel_workers_per_gather": "0"}
"""A page's statements may reuse their plans; none runs in parallel workers.

asyncpg prepares each statement once per connection, and after five runs PostgreSQL may keep a
generic plan instead of planning every run for its values. A page's statements find rows by id or
by program, where a generic plan is as good, and planning anew cost more than the work (a case
page: 1.35 ms of planning for 0.2 ms of reading). Statements over ranges plan each run instead
(:func:`plan_each_run`).

No statement runs in parallel workers. A page's statements read a program's few thousand rows;
where PostgreSQL overestimated them (it cannot tell that a case and its referral share a program)
it started two workers, which cost more than the work (the dashboard's follow-ups: 13 ms, 0.3 ms
of it reading), and under load the workers take the cores the other requests need. The reports
over a whole state measured the same without them (0.5-0.8 s)."""

PLAN_EACH_RUN = "SELECT set_config('plan_cache_mode', 'force_custom_plan', true)"


async def plan_each_run(db: AsyncSession) -> None:
    """Plan every statement of this transaction for the values it runs with (PostgreSQL).

    For the reports, their exports and the audit trail's searches, which read a cohort's programs
    and a range of dates: a generic plan, made without the values, took 3 s for a report over a
    state's programs where a plan for its values took 60 ms. ``SET LOCAL``: it ends with the
    transaction, and the connection goes back to the pool as it was."""
    if db.get_bind().dialect.name == "postgresql":
        await db.execute(text(PLAN_EACH_RUN))


async def plan_for_values(request: Request[Any, Any, Any]) -> None:
    """``before_request`` of the routes that read ranges: :func:`plan_each_run` on the request's session."""
    config: SQLAlchemyAsyncConfig = request.app.state.database
    await plan_each_run(config.provide_session(request.app.state, request.scope))


SQLITE_STATISTICS = ("PRAGMA analysis_limit=1000", "ANALYZE")
"""How SQLite learns the shape of its tables and indexes, for its planner.

Without statistics SQLite takes every index to be as selective as any other: on the demo it read
a case's timeline through the index of the program's 3,400 events instead of the case's seven
(0.7 ms instead of 0.05, on every view of a case). ``analysis_limit`` samples each index instead
of reading it whole, so this takes milliseconds at any size. Run after the migrations, after a
bulk load, and daily by the worker; PostgreSQL's autovacuum keeps its own statistics."""


async def refresh_statistics(db: AsyncSession) -> bool:
    """Bring SQLite's planner statistics up to date (see :data:`SQLITE_STATISTICS`); says whether it ran."""
    if db.get_bind().dialect.name != "sqlite":
        return False
    for statement in SQLITE_STATISTICS:
        await db.execute(text(statement))
    return True


_COMMIT_FAILED = "youthcourt.commit_failed"
_COMMIT_FAILED_PAGE = (
    b"<!doctype html><title>Not saved</title><h1>Your change was not saved</h1>"
    b"<p>The database refused it. Go back and try again.</p>"
)


def commit_before_send(config: SQLAlchemyAsyncConfig) -> Callable[[Message, Scope], Awaitable[None]]:
    """Commit the request's transaction before its response leaves, or roll it back.

    Successes and redirects (2xx, 3xx) commit; errors, including a form re-shown with
    422, roll back, so nothing is half-saved. A commit that fails turns the response
    into an error instead of letting a success page claim what was not saved (Advanced
    Alchemy's own autocommit handler logs such a failure and sends the success anyway).
    The request's session comes from the configuration's public ``provide_session``: a
    request that used none gets an unused one, whose commit and close cost nothing.
    """

    async def handler(message: Message, scope: Scope) -> None:
        session = config.provide_session(scope["app"].state, scope)
        try:
            if message["type"] == "http.response.start":
                await _commit_or_roll_back(session, message, scope)
            elif message["type"] == "http.response.body" and scope.get(_COMMIT_FAILED):
                first = scope[_COMMIT_FAILED] == "pending"  # type: ignore[literal-required]
                message["body"] = _COMMIT_FAILED_PAGE if first else b""
                scope[_COMMIT_FAILED] = "sent"  # type: ignore[literal-required]
        finally:
            if message["type"] in SESSION_TERMINUS_ASGI_EVENTS:
                await session.close()

    return handler


_AT_COMMIT = "youthcourt.writes_at_commit"


def add_at_commit(scope: Scope, statement: Executable, values: dict[str, Any]) -> None:
    """Run ``statement`` with ``values`` in the request's transaction only when it commits.

    For what a read request writes (its audit entry): on SQLite a transaction's first write
    takes the database's one write lock until the commit, so an entry written early would make
    every other writer wait for the rest of the page. Written at the commit, the lock is held for
    one insert. A request that ends in an error writes nothing, as with any other row. A statement
    rather than a row for the unit of work: flushing one row cost a tenth of a light page.
    """
    scope.setdefault(_AT_COMMIT, []).append((statement, values))  # type: ignore[misc]


async def _commit_or_roll_back(session: AsyncSession, message: Message, scope: Scope) -> None:
    at_commit = scope.pop(_AT_COMMIT, [])  # type: ignore[misc]
    if not 200 <= message["status"] < 400:
        await session.rollback()
        return
    try:
        for statement, values in at_commit:
            await session.execute(statement, values)
        await session.commit()
    except Exception:
        logger.exception("Commit failed on %s", scope.get("path_template") or "a request")
        await session.rollback()
        scope[_COMMIT_FAILED] = "pending"  # type: ignore[literal-required]
        message["status"] = 500
        message["headers"] = [(b"content-type", b"text/html; charset=utf-8")]


async def insert_missing(db: AsyncSession, model: Any, rows: list[dict[str, Any]], unique: list[str]) -> int:
    """Insert the rows whose ``unique`` columns are not taken yet; returns how many went in.

    ``INSERT ... ON CONFLICT DO NOTHING`` on both engines: a row another transaction is
    inserting at the same moment is waited for and skipped, never a unique violation.
    """
    if not rows:
        return 0
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model).values(rows).on_conflict_do_nothing(index_elements=unique)
    result = await db.execute(statement)
    return result.rowcount or 0


def create_database_config(settings: Settings) -> SQLAlchemyAsyncConfig:
    """One configuration for the app, the command line and the tests."""
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine_config = EngineConfig(module=AtOnceDbapi())
    else:
        engine_config = EngineConfig(
            pool_size=10,
            max_overflow=10,
            pool_pre_ping=True,
            connect_args={"server_settings": POSTGRES_SETTINGS},
        )
    # Advanced Alchemy keeps a class-wide registry of scope keys and renames clashes by
    # recursion, which overflows after a thousand apps in one process (the test suite):
    # give every configuration keys of its own.
    own = uuid4().hex[:12]
    config = SQLAlchemyAsyncConfig(
        session_scope_key=f"_sqlalchemy_db_session_{own}",
        engine_app_state_key=f"db_engine_{own}",
        session_maker_app_state_key=f"session_maker_class_{own}",
        connection_string=settings.database_url,
        engine_config=engine_config,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        create_all=False,
        alembic_config=AlembicAsyncConfig(
            script_location=str(resource_dir("migrations")),
            version_table_name="alembic_version",
            render_as_batch=True,
        ),
    )
    config.before_send_handler = commit_before_send(config)
    if settings.is_sqlite:
        event.listen(config.get_engine().sync_engine, "connect", _enable_sqlite_integrity)
    return config


def upgrade_database(settings: Settings) -> None:
    """Bring the schema to the newest migration (what ``youthcourt database upgrade`` does)."""
    from advanced_alchemy.alembic.commands import AlembicCommands

    config = create_database_config(settings)
    AlembicCommands(sqlalchemy_config=config).upgrade(revision="head")


TODAY = bindparam("today", type_=Date)
"""The day a statement built once per process is run for, given as ``{"today": ...}``."""


def postgresql_only(index: Index) -> Index:
    """An index PostgreSQL alone has: a trigram index, or one holding extra columns so that a
    statewide report reads no table (SQLite reads a program's few rows directly).

    Created on PostgreSQL only, and not missing from SQLite when the models are compared with the
    migrations (:func:`objects_on`).
    """
    index.info["postgresql_only"] = True
    return index.ddl_if(dialect="postgresql")


def objects_on(dialect_name: str) -> Callable[..., bool]:
    """Alembic's ``include_object`` for comparing the models with a database of one engine."""

    def include(item: Any, _name: Any, type_: str, _reflected: bool, _compare_to: Any) -> bool:
        return not (type_ == "index" and dialect_name != "postgresql" and item.info.get("postgresql_only"))

    return include


def compare_column_types(
    _context: Any, _inspected_column: Any, _metadata_column: Any, _inspected_type: Any, metadata_type: Any
) -> bool | None:
    """Type comparison for autogenerate and the drift check.

    SQLite reports the UUID columns as NUMERIC(16); they are the same GUID type the models
    declare, so they are not a difference. Everything else uses Alembic's comparison.
    """
    if isinstance(metadata_type, GUID):
        return False
    return None
