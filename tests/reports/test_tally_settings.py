"""The tallies' statement runs with PostgreSQL's just-in-time compiler off and room to group in memory."""

from __future__ import annotations

import datetime

from sqlalchemy import event, text

from tests.factories import make_program
from youthcourt.outcomes.models import OutcomeEventType
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.reports.cohort import Anchor, Cohort
from youthcourt.reports.recidivism import ReportOptions
from youthcourt.reports.tallies import tally_in_database


async def test_the_tallies_set_their_transactions_settings_in_one_statement(db):
    program = await make_program(db)
    cohort = Cohort((program.id,), datetime.date(2020, 1, 1), datetime.date(2026, 1, 1))
    options = ReportOptions(frozenset({OutcomeEventType.ARREST}), Anchor.CLOSURE, 12)
    statements: list[str] = []

    def remember(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", remember)
    try:
        with program_scope(ProgramScope.of(program.id)):
            await tally_in_database(db, cohort, options)
    finally:
        event.remove(engine, "before_cursor_execute", remember)

    settings = [statement for statement in statements if "jit" in statement or "work_mem" in statement]
    if engine.dialect.name != "postgresql":
        assert settings == []
        return
    assert len(settings) == 1, settings
    assert await db.scalar(text("SELECT current_setting('jit')")) == "off"
    assert await db.scalar(text("SELECT current_setting('work_mem')")) == "64MB"
