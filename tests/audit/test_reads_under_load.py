"""A page view's audit entry is written with the commit, so a read never holds SQLite's write lock.

On SQLite a transaction's first write takes the database's one write lock until it commits. A
page that wrote its audit entry first and then built the page held it for the whole page: at
sixteen connections other views waited past the busy timeout and failed (`database is locked`).
"""

from __future__ import annotations

from uuid import uuid4

import pytest
from litestar.connection import ASGIConnection
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tests.factories import counting, make_case, make_program, make_user, sign_in
from youthcourt.audit.models import AuditEntry
from youthcourt.audit.service import record
from youthcourt.cases.models import CaseState
from youthcourt.programs.models import Role
from youthcourt.programs.scoping import OutOfScopeError, ProgramScope, program_scope


async def test_a_page_views_audit_entry_is_its_last_statement_before_the_commit(client, db, app):
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    case = await make_case(db, program, CaseState.SANCTIONS_IN_PROGRESS)
    await sign_in(client, coordinator)

    with counting(app) as statements:
        response = await client.get(f"/cases/{case.id}")

    assert response.status_code == 200
    writes = [i for i, sql in enumerate(statements) if sql.startswith(("INSERT", "UPDATE", "DELETE"))]
    reads = [i for i, sql in enumerate(statements) if sql.startswith("SELECT")]
    assert [statements[i].split()[2] for i in writes] == ["audit_entry"], "the view is audited once"
    assert writes[0] > reads[-1], "the entry goes in after every read of the page, with the commit"


async def test_a_page_views_audit_entry_goes_in_without_the_unit_of_work(client, db, app):
    """The entry is one insert: put through the unit of work at the commit, its one row cost a
    tenth of a light page's time (a docket, a night)."""
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    case = await make_case(db, program, CaseState.SANCTIONS_IN_PROGRESS)
    await sign_in(client, coordinator)
    flushed: list[object] = []

    def remember(session: Session, _context: object, _instances: object) -> None:
        flushed.extend(session.new)

    event.listen(Session, "before_flush", remember)
    try:
        response = await client.get(f"/cases/{case.id}")
    finally:
        event.remove(Session, "before_flush", remember)

    assert response.status_code == 200
    assert [row for row in flushed if isinstance(row, AuditEntry)] == []
    with program_scope(ProgramScope.of(program.id)):
        entry = (await db.scalars(select(AuditEntry).where(AuditEntry.record_id == str(case.id)))).one()
    assert (entry.action, entry.actor_id, entry.program_id) == ("case_view", coordinator.id, program.id)
    assert entry.id is not None and entry.occurred_at is not None and entry.details == {}


def test_a_read_entry_for_a_program_outside_the_scope_is_refused_as_a_flushed_row_would_be():
    request = ASGIConnection(
        {"type": "http", "method": "GET", "path": "/", "headers": [], "client": ("10.0.0.1", 1)}
    )
    with program_scope(ProgramScope.of(uuid4())), pytest.raises(OutOfScopeError):
        record(None, request, "case_view", program_id=uuid4())  # type: ignore[arg-type]
    assert "youthcourt.writes_at_commit" not in request.scope
    own = uuid4()
    with program_scope(ProgramScope.of(own)):
        entry = record(None, request, "case_view", program_id=own)  # type: ignore[arg-type]
    [(_, values)] = request.scope["youthcourt.writes_at_commit"]  # type: ignore[typeddict-item]
    assert (values["id"], values["program_id"], values["ip_address"]) == (entry.id, own, "10.0.0.1")
