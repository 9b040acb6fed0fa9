"""How the recidivism report's smaller statements are planned on the demo (SQLite, with statistics)."""

from __future__ import annotations

import datetime
from pathlib import Path

from sqlalchemy import select

from tests.conftest import make_settings
from tests.factories import plan_of, sent_on
from youthcourt.database import create_database_config
from youthcourt.programs.models import Program
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.reports.cohort import Cohort, unsearched_checks


async def test_the_unsearched_checks_are_counted_from_their_own_index(demo_sqlite: Path, tmp_path: Path):
    """The demo has 9 such checks among 2,400. With the value of ``records_searched`` in the
    index's condition, SQLite could not use the index for the statement's bound value, and read
    every completed check of the program instead (7 ms of the report's 26)."""
    config = create_database_config(make_settings(f"sqlite+aiosqlite:///{demo_sqlite}", tmp_path))
    try:
        async with config.get_session() as session:
            program_id = await session.scalar(select(Program.id).limit(1))
            cohort = Cohort((program_id,), datetime.date(2020, 1, 1), datetime.date(2026, 12, 31))
            with sent_on(session) as sent, program_scope(ProgramScope.of(program_id)):
                assert await unsearched_checks(session, cohort) > 0
            (statement, parameters), *_ = sent
            plan = await plan_of(session, statement, parameters)
    finally:
        await config.get_engine().dispose()
    assert "ix_follow_up_check_unsearched" in plan, plan
