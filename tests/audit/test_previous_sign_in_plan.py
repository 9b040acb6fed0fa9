"""A home page's "previous sign-in" is found in the person's own entries, not the program's trail."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import event

from tests.factories import make_program, make_user
from youthcourt.audit.service import previous_sign_in
from youthcourt.programs.scoping import ProgramScope, program_scope


async def test_the_previous_sign_in_is_looked_up_in_the_persons_entries_by_index(db):
    """The scope adds ``program_id = ?``: with an index of the actor's entries that lacks the
    program, SQLite read the program's whole trail from its newest entry to find two sign-ins
    (1.3 ms on the demo, growing with every page viewed)."""
    program = await make_program(db)
    user = await make_user(db, program)
    caught: list[tuple[str, Any]] = []

    def catch(_conn: object, _cursor: object, statement: str, parameters: Any, *_args: object) -> None:
        caught.append((statement, parameters))

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", catch)
    try:
        with program_scope(ProgramScope.of(program.id)):
            await previous_sign_in(db, user.id)
    finally:
        event.remove(engine, "before_cursor_execute", catch)
    (statement, parameters), *_ = caught
    connection = await db.connection()
    if engine.dialect.name == "sqlite":
        plan = str(list(await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)))
    else:
        driver = (await connection.get_raw_connection()).driver_connection
        await driver.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off")
        plan = json.dumps(await driver.fetchval(f"EXPLAIN (FORMAT JSON) {statement}", *parameters))
    assert "ix_audit_entry_actor_action_program" in plan, plan
