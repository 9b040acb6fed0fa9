"""The busiest pages run statements built once per process, limited to the program once.

Built on every view, a page's statements, and the keys SQLAlchemy computes from a whole statement
to find its compiled SQL, took more time than the SQL itself: about 2 ms of a dashboard view,
3 ms of a case page's. Built at import and run with the view's values as parameters, they are the
same objects on every view, and so is each one's copy limited to the program.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from tests.factories import make_case, make_program, make_user, post_form, sign_in
from tests.hearings.test_hearings import make_hearing, make_night
from tests.jurors.test_juror_portal import juror_user
from tests.jurors.test_juror_records import make_juror
from tests.reports.test_recidivism_report import evaluator_with_cohort, report_query
from youthcourt.cases.models import CaseState
from youthcourt.programs.models import Role


async def _statements_of_a_view(client: Any, path: str, form: dict[str, str] | None = None) -> list[Any]:
    """The statements the view sends to the ORM, as they run (limited to the program); not those
    SQLAlchemy's eager loaders make for the rows found, which it builds itself. With ``form``, the
    form is posted to ``path``."""
    ran: list[Any] = []

    def remember(state: ORMExecuteState) -> None:
        if state.is_select and not state.is_relationship_load:
            ran.append(state.statement)

    event.listen(Session, "do_orm_execute", remember)
    try:
        response = await (post_form(client, path, form) if form is not None else client.get(path))
        assert response.status_code == 200
    finally:
        event.remove(Session, "do_orm_execute", remember)
    return ran


async def test_every_view_of_the_busiest_pages_runs_the_same_statements(client, db):
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    case = await make_case(db, program, CaseState.INTAKE)
    await make_juror(db, program)  # the roster then reads its jurors' service and absences
    await db.commit()
    await sign_in(client, coordinator)

    night = await make_night(db, program)
    await make_hearing(db, night.courtrooms[0], await make_case(db, program, CaseState.AWAITING_HEARING))
    for path in (
        "/dashboard",
        f"/cases/{case.id}",
        "/follow-ups",
        "/jurors",
        f"/hearings/{night.id}",
        f"/hearings/{night.id}/courtrooms/{night.courtrooms[0].id}/docket",
        "/hearings",
        "/cases",
        "/cases?state=intake&sort=name",
    ):
        first, second = await _statements_of_a_view(client, path), await _statements_of_a_view(client, path)
        built_again = [statement for statement in second if not any(statement is seen for seen in first)]
        assert built_again == [], f"{path}: {[str(statement)[:200] for statement in built_again]}"


async def test_every_search_of_the_case_list_runs_the_same_statements_whatever_its_words(client, db):
    """A search's words go in as a parameter: built for each search, its statements (the union of
    names and numbers, numbered and counted for the page) were a tenth of its time."""
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    await make_case(db, program, CaseState.INTAKE)
    await sign_in(client, coordinator)
    for form in ({"q": "mar"}, {"q": "mar", "sort": "name", "state": "intake"}):
        first = await _statements_of_a_view(client, "/cases/search", form)
        second = await _statements_of_a_view(client, "/cases/search", {**form, "q": "ash"})
        built_again = [statement for statement in second if not any(statement is seen for seen in first)]
        assert built_again == [], [str(statement)[:200] for statement in built_again]


async def test_every_view_of_the_juror_portal_runs_the_same_statements(client, db):
    program = await make_program(db)
    user, _juror = await juror_user(db, program)
    await sign_in(client, user)
    for path in ("/me", "/me/service", "/me/credits", "/me/training"):
        first, second = await _statements_of_a_view(client, path), await _statements_of_a_view(client, path)
        built_again = [statement for statement in second if not any(statement is seen for seen in first)]
        assert built_again == [], f"{path}: {[str(statement)[:200] for statement in built_again]}"


async def test_every_view_of_the_program_measures_runs_the_same_statements(client, db):
    program = await make_program(db)
    evaluator = await make_user(db, program, Role.EVALUATOR)
    await make_case(db, program, CaseState.INTAKE)
    await sign_in(client, evaluator)
    first = await _statements_of_a_view(client, "/reports/measures")
    second = await _statements_of_a_view(client, "/reports/measures")
    built_again = [statement for statement in second if not any(statement is seen for seen in first)]
    assert built_again == [], [str(statement)[:200] for statement in built_again]


async def test_every_view_of_the_recidivism_report_runs_the_same_statements(client, db):
    """Its tally, range check, threshold and unsearched checks: the cohort goes in as parameters."""
    program, evaluator = await evaluator_with_cohort(db)
    await sign_in(client, evaluator)
    for group in ("none", "offense_class"):
        path = f"/reports/recidivism?{report_query(program, group=group)}"
        first, second = await _statements_of_a_view(client, path), await _statements_of_a_view(client, path)
        assert len(first) >= 4  # the report ran: not refused at its range's edges
        built_again = [statement for statement in second if not any(statement is seen for seen in first)]
        assert built_again == [], [str(statement)[:200] for statement in built_again]
