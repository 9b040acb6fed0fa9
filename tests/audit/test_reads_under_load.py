"""A page view's audit entry is written with the commit, so a read never holds SQLite's write lock.

On SQLite a transaction's first write takes the database's one write lock until it commits. A
page that wrote its audit entry first and then built the page held it for the whole page: at
sixteen connections other views waited past the busy timeout and failed (`database is locked`).
"""

from __future__ import annotations

from tests.factories import counting, make_case, make_program, make_user, sign_in
from youthcourt.cases.models import CaseState
from youthcourt.programs.models import Role


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
