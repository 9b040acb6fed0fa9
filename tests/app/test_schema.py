"""The schema comes only from the migrations, and the migrations match the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from youthcourt.database import compare_column_types, objects_on
from youthcourt.schema import metadata


async def _diff(database_url: str) -> list:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:

            def compare(sync_connection):
                context = MigrationContext.configure(
                    sync_connection,
                    opts={
                        "compare_type": compare_column_types,
                        "include_object": objects_on(sync_connection.dialect.name),
                    },
                )
                return compare_metadata(context, metadata)

            return await connection.run_sync(compare)
    finally:
        await engine.dispose()


# PostgreSQL's own indexes (``postgresql_only``) are left out of SQLite's comparison.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
async def test_models_and_migrations_agree(database_url):
    assert await _diff(database_url) == [], "a model changed without a migration: run make-migrations"


async def test_migrations_create_every_table(database_url):
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    finally:
        await engine.dispose()
    assert set(metadata.tables) <= tables
    assert "alembic_version" in tables
