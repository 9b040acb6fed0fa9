"""What each engine is told when the app connects: settings the app's speed under load depends on."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from tests.factories import counting, make_program, make_user, sign_in
from youthcourt.database import PLAN_EACH_RUN, plan_each_run
from youthcourt.programs.models import Role


@pytest.mark.parametrize("worker_database", ["sqlite"], indirect=True)
async def test_sqlite_commits_sync_the_log_at_checkpoints_not_at_every_commit(db):
    """Every page view commits its audit entry; in WAL mode NORMAL keeps that commit short and safe."""
    modes = [(await db.execute(text(f"PRAGMA {name}"))).scalar() for name in ("journal_mode", "synchronous")]
    assert modes == ["wal", 1]  # 1 is NORMAL


@pytest.mark.parametrize("worker_database", ["postgresql"], indirect=True)
async def test_postgresql_may_reuse_a_pages_plans_and_runs_none_in_parallel_workers(app):
    """A page's statements find rows by id or by program: planning each run anew cost PostgreSQL
    more than running it (a case page: 1.35 ms of planning for 0.2 ms of work). Parallel workers
    cost a page's small statements more than their work, and take cores under load."""
    engine = app.state.database.get_engine()
    async with engine.connect() as connection:
        settings = [
            (await connection.execute(text(f"SHOW {name}"))).scalar()
            for name in ("plan_cache_mode", "max_parallel_workers_per_gather")
        ]
    assert settings == ["auto", "0"]


@pytest.mark.parametrize("worker_database", ["postgresql"], indirect=True)
async def test_a_transaction_can_plan_each_statement_for_its_own_values(db):
    await plan_each_run(db)
    assert (await db.execute(text("SHOW plan_cache_mode"))).scalar() == "force_custom_plan"
    await db.rollback()  # SET LOCAL: the connection goes back to the pool as it was
    assert (await db.execute(text("SHOW plan_cache_mode"))).scalar() == "auto"


@pytest.mark.parametrize("worker_database", ["postgresql"], indirect=True)
@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/reports/recidivism", Role.EVALUATOR),
        ("/reports/measures", Role.EVALUATOR),
        ("/reports/effects", Role.EVALUATOR),
        ("/reports/exports", Role.EVALUATOR),
        ("/reports/comparison", Role.EVALUATOR),
        ("/reports", Role.EVALUATOR),
        ("/audit", Role.PROGRAM_ADMIN),
    ],
)
async def test_reports_and_the_audit_trail_plan_each_statement_for_its_own_values(
    app, client, db, path, role
):
    """A generic plan, made after five runs of a prepared statement, ignores the values it runs with:
    for a report over a state's programs (an IN list of ids, a range of dates) it took 3 s where a
    plan for the values took 60 ms. Reports and the audit trail's searches read ranges: before the
    handler reads anything, its transaction plans each statement for its values."""
    program = await make_program(db)
    await sign_in(client, await make_user(db, program, role))
    with counting(app) as sent:
        response = await client.get(path)
    assert response.status_code in (200, 422)
    planned = [n for n, statement in enumerate(sent) if PLAN_EACH_RUN in statement]
    assert len(planned) == 1, sent
    reads_after = [
        statement for statement in sent[planned[0] + 1 :] if statement.lstrip().startswith("SELECT")
    ]
    assert reads_after, sent


@pytest.mark.parametrize("worker_database", ["postgresql"], indirect=True)
async def test_a_page_of_records_reuses_its_plans(app, client, db):
    program = await make_program(db)
    await sign_in(client, await make_user(db, program, Role.COORDINATOR))
    with counting(app) as sent:
        assert (await client.get("/dashboard")).status_code == 200
    assert sent and not any(PLAN_EACH_RUN in statement for statement in sent)


class _CountingQueue:
    """Stands in for an aiosqlite connection's queue to its thread, counting what is sent."""

    def __init__(self, queue):
        self.queue, self.sent = queue, 0

    def put_nowait(self, item):
        self.sent += 1
        self.queue.put_nowait(item)


@pytest.mark.parametrize("worker_database", ["sqlite"], indirect=True)
async def test_a_sqlite_statement_that_need_not_wait_runs_at_once_in_the_event_loop(db):
    """A crossing to the connection's thread and back cost 50 microseconds, and under load a wait
    for the interpreter lock, for statements SQLite answers in a few."""
    driver = (await (await db.connection()).get_raw_connection()).driver_connection
    counting = _CountingQueue(driver._tx)
    driver._tx = counting
    try:
        rows = (await db.execute(text("SELECT 1 UNION ALL SELECT 2"))).scalars().all()
        changed = (await db.execute(text("UPDATE program SET name = name WHERE 1 = 0"))).rowcount
        await db.commit()
    finally:
        driver._tx = counting.queue
    assert (rows, changed, counting.sent) == ([1, 2], 0, 0)


@pytest.mark.parametrize("worker_database", ["sqlite"], indirect=True)
async def test_a_sqlite_write_waits_for_another_connections_lock_without_holding_up_the_loop(settings):
    """Refused at once while another connection writes, the statement waits in its connection's
    thread; meanwhile the event loop serves everything else, and the write goes through."""
    from youthcourt.database import create_database_config

    engine = create_database_config(settings).get_engine()
    try:
        async with engine.connect() as holder, engine.connect() as waiter:
            await holder.execute(text("CREATE TABLE IF NOT EXISTS tally (n INTEGER)"))
            await holder.commit()
            await holder.execute(text("INSERT INTO tally (n) VALUES (1)"))  # holds the write lock
            ticks = 0

            async def tick() -> None:
                nonlocal ticks
                while True:
                    await asyncio.sleep(0.01)
                    ticks += 1

            async def release_soon() -> None:
                await asyncio.sleep(0.3)
                await holder.commit()

            ticker, releaser = asyncio.create_task(tick()), asyncio.create_task(release_soon())
            await waiter.execute(text("INSERT INTO tally (n) VALUES (2)"))
            await waiter.commit()
            await releaser
            ticker.cancel()
            total = (await waiter.execute(text("SELECT sum(n) FROM tally"))).scalar()
    finally:
        await engine.dispose()
    assert total == 3
    assert ticks >= 10, "the loop ran while the write waited"


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


@pytest.mark.parametrize("worker_database", ["sqlite"], indirect=True)
async def test_a_streamed_sqlite_read_may_wait_for_locks_until_it_closes(settings):
    """A stream (an export) runs in the connection's thread, where waiting holds up nothing else;
    statements run at once in the event loop are refused at once instead (busy timeout zero)."""
    from youthcourt.database import create_database_config

    engine = create_database_config(settings).get_engine()
    try:
        async with engine.connect() as connection:
            raw = (await connection.get_raw_connection()).driver_connection._conn
            before = raw.execute("PRAGMA busy_timeout").fetchone()[0]
            stream = await connection.stream(text("SELECT 1 UNION ALL SELECT 2"))
            during = raw.execute("PRAGMA busy_timeout").fetchone()[0]
            rows = [row[0] async for row in stream]
            await stream.close()
            after = raw.execute("PRAGMA busy_timeout").fetchone()[0]
    finally:
        await engine.dispose()
    assert rows == [1, 2]
    assert (before, during, after) == (0, 5000, 0)
