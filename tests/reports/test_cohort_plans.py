"""How the recidivism report's smaller statements are planned on the demo (SQLite, with statistics)."""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.conftest import make_settings
from tests.factories import plan_of, sent_on
from youthcourt.database import create_database_config
from youthcourt.outcomes.models import OutcomeEventType
from youthcourt.programs.models import Program
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.reports.cohort import Cohort, cohort_values, unsearched_checks
from youthcourt.reports.recidivism import Anchor, ReportOptions
from youthcourt.reports.tallies import tally_statement


async def _plan_on_demo(
    demo_sqlite: Path, tmp_path: Path, run: Callable[[AsyncSession, Cohort], Awaitable[Any]]
) -> str:
    """SQLite's plan of the first statement ``run`` sends for a cohort of the demo's first program."""
    config = create_database_config(make_settings(f"sqlite+aiosqlite:///{demo_sqlite}", tmp_path))
    try:
        async with config.get_session() as session:
            program_id = await session.scalar(select(Program.id).limit(1))
            cohort = Cohort((program_id,), datetime.date(2020, 1, 1), datetime.date(2026, 12, 31))
            with sent_on(session) as sent, program_scope(ProgramScope.of(program_id)):
                await run(session, cohort)
            (statement, parameters), *_ = sent
            return await plan_of(session, statement, parameters)
    finally:
        await config.get_engine().dispose()


async def test_the_unsearched_checks_are_counted_from_their_own_index(demo_sqlite: Path, tmp_path: Path):
    """The demo has 9 such checks among 2,400. With the value of ``records_searched`` in the
    index's condition, SQLite could not use the index for the statement's bound value, and read
    every completed check of the program instead (7 ms of the report's 26)."""

    async def count(session: AsyncSession, cohort: Cohort) -> None:
        assert await unsearched_checks(session, cohort) > 0

    plan = await _plan_on_demo(demo_sqlite, tmp_path, count)
    assert "ix_follow_up_check_unsearched" in plan, plan


async def test_the_tally_reads_each_cases_first_event_from_the_events_index(
    demo_sqlite: Path, tmp_path: Path
):
    """The tally joined the cohort to an aggregate of its first events: SQLite built that
    aggregate, then scanned it whole for each of the cohort's cases (2 ms of the report's
    5 ms statement on the demo). Each case now looks up its own events in their index."""
    options = ReportOptions(frozenset({OutcomeEventType.ARREST, OutcomeEventType.CHARGE}), Anchor.CLOSURE, 12)
    plan = await _plan_on_demo(
        demo_sqlite,
        tmp_path,
        lambda session, cohort: session.execute(tally_statement(options), cohort_values(cohort)),
    )
    assert "SEARCH outcome_event USING INDEX ix_outcome_event_case_occurred (case_id=?" in plan, plan
    assert "MATERIALIZE" not in plan, plan
