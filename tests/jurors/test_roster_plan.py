"""The roster's first page is read in name order from an index, not sorted from all the program's jurors."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import event

from tests.factories import make_program
from tests.jurors.test_juror_records import make_juror
from youthcourt.jurors.records import ROSTER
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
    caught: list[tuple[str, Any]] = []

    def catch(_conn: object, _cursor: object, statement: str, parameters: Any, *_args: object) -> None:
        if "ORDER BY" in statement:
            caught.append((statement, parameters))

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", catch)
    try:
        with program_scope(ProgramScope.of(program.id)):
            page = await paginate(db, ROSTER, 1)
    finally:
        event.remove(engine, "before_cursor_execute", catch)
    assert len(page.items) == 25
    (statement, parameters), *_ = caught
    connection = await db.connection()
    if engine.dialect.name == "sqlite":
        await connection.exec_driver_sql("ANALYZE")
        plan = str(list(await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)))
        assert "TEMP B-TREE" not in plan, plan
    else:
        driver = (await connection.get_raw_connection()).driver_connection
        await driver.execute(
            "ANALYZE juror"
        )  # planned over a table it has no statistics of, any index will do
        await driver.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off")
        plan = json.dumps(await driver.fetchval(f"EXPLAIN (FORMAT JSON) {statement}", *parameters))
        assert '"Sort"' not in plan, plan
    assert "ix_juror_program_name" in plan, plan
