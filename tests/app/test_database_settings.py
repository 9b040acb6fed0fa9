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
async def test_postgresql_plans_each_statement_for_its_own_values_and_runs_none_in_parallel_workers(app):
    """A generic plan, made after five runs of a prepared statement, ignores the values it runs with;
    parallel workers cost a page's small statements more than their work, and take cores under load."""
    engine = app.state.database.get_engine()
    async with engine.connect() as connection:
        settings = [
            (await connection.execute(text(f"SHOW {name}"))).scalar()
            for name in ("plan_cache_mode", "max_parallel_workers_per_gather")
        ]
    assert settings == ["force_custom_plan", "0"]


class _CountingQueue:
    """Stands in for an aiosqlite connection's queue to its thread, counting what is sent."""

    def __init__(self, queue):
        self.queue, self.sent = queue, 0

    def put_nowait(self, item):
        self.sent += 1
        self.queue.put_nowait(item)


@pytest.mark.parametrize("worker_database", ["sqlite"], indirect=True)
async def test_a_sqlite_statement_crosses_to_the_connection_thread_once(db):
    """Each crossing waits for the interpreter lock under load: one per statement, not four."""
    driver = (await (await db.connection()).get_raw_connection()).driver_connection
    counting = _CountingQueue(driver._tx)
    driver._tx = counting
    try:
        rows = (await db.execute(text("SELECT 1 UNION ALL SELECT 2"))).scalars().all()
        changed = (await db.execute(text("UPDATE program SET name = name WHERE 1 = 0"))).rowcount
    finally:
        driver._tx = counting.queue
    assert (rows, changed, counting.sent) == ([1, 2], 0, 2)


@pytest.mark.parametrize("worker_database", ["sqlite"], indirect=True)
async def test_sqlite_errors_reach_the_app_as_sqlalchemy_errors(db):
    from sqlalchemy.exc import IntegrityError, OperationalError

    with pytest.raises(OperationalError, match="no such table"):
        await db.execute(text("SELECT * FROM no_such_table"))
    await db.rollback()
    await db.execute(text("CREATE TEMP TABLE once (n INTEGER PRIMARY KEY)"))
    await db.execute(text("INSERT INTO once (n) VALUES (1)"))
    with pytest.raises(IntegrityError):
        await db.execute(text("INSERT INTO once (n) VALUES (1)"))
