"""SQLite's planner statistics: made after the migrations and after a demo load, kept by the worker.

Without them SQLite takes every index to be as selective as any other: it read a case's timeline
and contacts through the index of the whole program's rows (3,400 events on the demo) instead of
the case's few.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from tests.conftest import make_settings
from youthcourt.database import create_database_config, upgrade_database
from youthcourt.worker.jobs import JOBS, keep_statistics

CASE_EVENTS = "SELECT id FROM case_event WHERE case_id = ? AND program_id = ?"
CASE_CONTACTS = "SELECT id FROM contact_log WHERE case_id = ? AND program_id = ?"
SOME_ID = b"\x01" * 16


def plan(path: Path, sql: str) -> str:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        return " ".join(
            row[-1] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", (SOME_ID, SOME_ID))
        )


def statistics_of(path: Path, table: str) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return [row[0] for row in connection.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = ?", (table,))]


def without_statistics(demo: Path, folder: Path) -> Path:
    """A copy of the demo whose statistics are gone, as in a database from before they were kept."""
    path = folder / "demo.db"
    shutil.copy(demo, path)
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("DELETE FROM sqlite_stat1")
        connection.commit()
    assert statistics_of(path, "case_event") == []
    assert "ix_case_event_program_id" in plan(path, CASE_EVENTS)  # the guess statistics prevent
    return path


def test_the_demo_on_sqlite_reads_a_cases_timeline_and_contacts_through_the_cases_index(demo_sqlite):
    assert "ix_case_event_case_occurred" in plan(demo_sqlite, CASE_EVENTS)
    assert "ix_contact_log_case_contacted" in plan(demo_sqlite, CASE_CONTACTS)


def test_upgrading_a_sqlite_database_refreshes_its_statistics_even_with_nothing_to_migrate(
    demo_sqlite, tmp_path
):
    path = without_statistics(demo_sqlite, tmp_path)
    upgrade_database(make_settings(f"sqlite+aiosqlite:///{path}", tmp_path))
    assert "ix_case_event_case_occurred" in statistics_of(path, "case_event")
    assert "ix_case_event_case_occurred" in plan(path, CASE_EVENTS)


async def test_the_workers_daily_statistics_job_refreshes_sqlites_statistics(demo_sqlite, tmp_path):
    assert any(job.name == "statistics" and job.every.days == 1 for job in JOBS)
    path = without_statistics(demo_sqlite, tmp_path)
    settings = make_settings(f"sqlite+aiosqlite:///{path}", tmp_path)
    config = create_database_config(settings)
    try:
        async with config.get_session() as session:
            assert await keep_statistics(session, settings) == "statistics: refreshed"
            await session.commit()
    finally:
        await config.get_engine().dispose()
    assert "ix_contact_log_case_contacted" in statistics_of(path, "contact_log")
    assert "ix_contact_log_case_contacted" in plan(path, CASE_CONTACTS)


async def test_the_statistics_job_leaves_postgresql_to_its_autovacuum(db, settings):
    said = await keep_statistics(db, settings)
    assert said == ("statistics: refreshed" if settings.is_sqlite else "")
