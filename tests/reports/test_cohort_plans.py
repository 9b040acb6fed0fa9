"""How the recidivism report's smaller statements are planned on the demo (SQLite, with statistics)."""

from __future__ import annotations

import datetime
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy import event, select

from tests.conftest import make_settings
from youthcourt.database import create_database_config
from youthcourt.programs.models import Program
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.reports.cohort import Cohort, unsearched_checks


async def test_the_unsearched_checks_are_counted_from_their_own_index(demo_sqlite: Path, tmp_path: Path):
    """The demo has 9 such checks among 2,400. With the value of ``records_searched`` in the
    index's condition, SQLite could not use the index for the statement's bound value, and read
    every completed check of the program instead (7 ms of the report's 26)."""
    config = create_database_config(make_settings(f"sqlite+aiosqlite:///{demo_sqlite}", tmp_path))
    sent: list[tuple[str, Any]] = []
    engine = config.get_engine()
    event.listen(
        engine.sync_engine,
        "before_cursor_execute",
        lambda _c, _k, sql, params, *_: sent.append((sql, params)),
    )
    try:
        async with config.get_session() as session:
            program_id = await session.scalar(select(Program.id).limit(1))
            cohort = Cohort((program_id,), datetime.date(2020, 1, 1), datetime.date(2026, 12, 31))
            with program_scope(ProgramScope.of(program_id)):
                sent.clear()
                assert await unsearched_checks(session, cohort) > 0
    finally:
        await engine.dispose()
    (statement, parameters), *_ = sent
    with closing(sqlite3.connect(f"file:{demo_sqlite}?mode=ro", uri=True)) as connection:
        plan = " ".join(row[-1] for row in connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters))
    assert "ix_follow_up_check_unsearched" in plan, plan
