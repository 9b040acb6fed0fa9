"""The roster's first page is read in name order from an index, not sorted from all the program's jurors."""

from __future__ import annotations

from tests.factories import make_program, plan_of, sent_on
from tests.jurors.test_juror_records import make_juror
from youthcourt.jurors.records import ROSTER, JurorFilters, listing
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.web.pagination import paginate


async def test_the_rosters_page_is_read_from_the_name_index(db):
    """A statewide program's 1,250 jurors were all read and sorted by lowered names for each page
    of 25 (0.9 ms of PostgreSQL's work a view). A few hundred jurors here, with the statistics the
    planner reads."""
    program = await make_program(db)
    for _ in range(200):
        await make_juror(db, program)
    await db.commit()
    with sent_on(db) as sent, program_scope(ProgramScope.of(program.id)):
        page = await paginate(db, ROSTER, 1)
    assert len(page.items) == 25
    statement, parameters = next((sql, values) for sql, values in sent if "ORDER BY" in sql)
    plan = await plan_of(db, statement, parameters, analyze="juror")
    assert "TEMP B-TREE" not in plan and '"Sort"' not in plan, plan  # SQLite's sort, PostgreSQL's
    assert "ix_juror_program_name" in plan, plan


def test_the_roster_reads_only_what_its_rows_show():
    """A page of 25 read every column of each juror (contacts, guardians, screening notes) as a record."""
    plain = ROSTER
    narrowed = listing(JurorFilters.of({"status": "active", "q": "an"}))
    for statement in (plain, narrowed):
        compiled = str(statement.compile())
        for hidden in ("screening_notes", "guardian_email", "phone", "date_of_birth", "calendar_token_hash"):
            assert f"juror.{hidden}" not in compiled, hidden
        for shown in ("juror.first_name", "juror.last_name", "juror.status", "juror.school", "juror.grade"):
            assert shown in compiled, shown
