"""Alembic environment: runs the migrations on the configured engine (SQLite or PostgreSQL)."""

import asyncio
from typing import TYPE_CHECKING, cast

from alembic import context
from sqlalchemy import pool
from sqlalchemy.ext.asyncio import AsyncEngine, async_engine_from_config

from youthcourt.database import SQLITE_STATISTICS, compare_column_types, objects_on
from youthcourt.schema import metadata

if TYPE_CHECKING:
    from advanced_alchemy.alembic.commands import AlembicCommandConfig
    from sqlalchemy.engine import Connection

config: "AlembicCommandConfig" = context.config  # type: ignore[assignment]


def _configure(**kwargs: object) -> None:
    context.configure(
        target_metadata=metadata,
        compare_type=compare_column_types,
        render_as_batch=True,
        version_table=getattr(config, "version_table_name", "alembic_version"),
        user_module_prefix="sa.",
        **kwargs,
    )


def run_migrations_offline() -> None:
    _configure(url=config.db_url, literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: "Connection") -> None:
    """On SQLite, with foreign keys off while the migrations run, and checked before they commit.

    A batch migration copies a table and drops the old one; with foreign keys on, SQLite refuses
    to drop a table other rows point to (a juror with bookings), so a migration that runs fine on
    an empty database fails on a program's data. SQLite's own procedure for changing a table: keys
    off (outside any transaction: inside one the pragma does nothing), change, ``foreign_key_check``.
    Then its planner's statistics are refreshed: a migration may add indexes, and a database from
    before they were kept has none.
    """
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        _configure(connection=connection, include_object=objects_on(connection.dialect.name))
        with context.begin_transaction():
            context.run_migrations()
            if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").all()):
                raise RuntimeError(f"The migrations left rows pointing to no row: {broken[:5]}")
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
    if sqlite:
        for statement in SQLITE_STATISTICS:
            connection.exec_driver_sql(statement)
        connection.commit()


async def run_migrations_online() -> None:
    engine = getattr(config, "engine", None)
    connectable = cast(
        "AsyncEngine",
        engine
        or async_engine_from_config(
            {"sqlalchemy.url": config.db_url}, prefix="sqlalchemy.", poolclass=pool.NullPool
        ),
    )
    async with connectable.connect() as connection:
        await connection.run_sync(do_run_migrations)
    await connectable.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
