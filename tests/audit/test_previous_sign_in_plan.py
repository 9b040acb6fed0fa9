"""A home page's "previous sign-in" is found in the person's own entries, not the program's trail."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from sqlalchemy import insert, text

from tests.factories import make_program, make_user, plan_of, sent_on
from youthcourt.audit.models import AuditEntry
from youthcourt.audit.service import previous_sign_in
from youthcourt.programs.scoping import ProgramScope, program_scope


async def test_the_previous_sign_in_is_looked_up_in_the_persons_entries_by_index(db):
    """The scope adds ``program_id = ?``: with an index of the actor's entries that lacks the
    program, SQLite read the program's whole trail from its newest entry to find two sign-ins
    (1.3 ms on the demo, growing with every page viewed)."""
    program = await make_program(db)
    user = await make_user(db, program)
    await _a_programs_trail(db, program.id, user.id)
    with sent_on(db) as sent, program_scope(ProgramScope.of(program.id)):
        await previous_sign_in(db, user.id)
    (statement, parameters), *_ = sent
    plan = await plan_of(db, statement, parameters)
    assert "ix_audit_entry_actor_action_program" in plan, plan


async def _a_programs_trail(db: Any, program_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """A few weeks of a program's trail, with the statistics the planner reads: the person's own
    sign-ins among everyone's views and sign-ins. Planned over an empty table, any index will do."""
    start = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    others = [uuid.uuid4() for _ in range(20)]
    rows = [
        {
            "id": uuid.uuid4(),
            "program_id": program_id,
            "occurred_at": start + datetime.timedelta(minutes=7 * n),
            "actor_id": user_id if n % 100 == 0 else others[n % len(others)],
            "action": "sign_in" if n % 10 == 0 else "view",
            "outcome": "success",
            "record_type": None if n % 10 == 0 else "case",
            "record_id": None if n % 10 == 0 else str(n),
        }
        for n in range(3000)
    ]
    await db.execute(insert(AuditEntry), rows)
    await db.commit()
    await db.execute(text("ANALYZE audit_entry"))
    await db.commit()
