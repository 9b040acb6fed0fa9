"""The dashboard's panels run statements built once per process, limited to the program once.

Built on every view, the panels' statements, and the keys SQLAlchemy computes from a whole
statement to find its compiled SQL, took about 2 ms of each view: more than the SQL itself.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from tests.factories import make_case, make_program, make_user, sign_in
from youthcourt.cases.models import CaseState
from youthcourt.dashboard import services
from youthcourt.programs.models import Role

PANELS = (
    services.CASES_BY_STATE,
    services.UPCOMING_NIGHTS,
    services.OVERDUE_SANCTIONS,
    services.FAMILIES_NOT_CONTACTED,
    services.WAITING_REFERRALS,
    services.FOLLOW_UPS_DUE,
)


async def _statements_of_a_view(client: Any) -> list[Any]:
    """The statements the view sends to the ORM, as they run (limited to the program)."""
    ran: list[Any] = []

    def remember(state: ORMExecuteState) -> None:
        ran.append(state.statement)

    event.listen(Session, "do_orm_execute", remember)
    try:
        assert (await client.get("/dashboard")).status_code == 200
    finally:
        event.remove(Session, "do_orm_execute", remember)
    return ran


async def test_every_view_of_the_dashboard_runs_the_same_panel_statements(client, db):
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    await make_case(db, program, CaseState.INTAKE)
    await db.commit()
    await sign_in(client, coordinator)

    first, second = await _statements_of_a_view(client), await _statements_of_a_view(client)

    again = [statement for statement in second if any(statement is seen for seen in first)]
    assert len(again) >= len(PANELS), "a panel's statement was built again for the second view"
