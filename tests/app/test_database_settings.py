"""What each engine is told when the app connects: settings the app's speed under load depends on."""

from __future__ import annotations

import pytest
from sqlalchemy import text


@pytest.mark.parametrize("worker_database", ["sqlite"], indirect=True)
async def test_sqlite_commits_sync_the_log_at_checkpoints_not_at_every_commit(db):
    """Every page view commits its audit entry; in WAL mode NORMAL keeps that commit short and safe."""
    modes = [(await db.execute(text(f"PRAGMA {name}"))).scalar() for name in ("journal_mode", "synchronous")]
    assert modes == ["wal", 1]  # 1 is NORMAL


@pytest.mark.parametrize("worker_database", ["postgresql"], indirect=True)
async def test_postgresql_plans_each_statement_for_its_own_values(app):
    """A generic plan, made after five runs of a prepared statement, ignores the values it runs with."""
    engine = app.state.database.get_engine()
    async with engine.connect() as connection:
        mode = (await connection.execute(text("SHOW plan_cache_mode"))).scalar()
    assert mode == "force_custom_plan"
