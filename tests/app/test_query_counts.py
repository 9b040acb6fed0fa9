"""List pages cost a fixed number of queries, however many rows they show (no query per row)."""

from __future__ import annotations

import pytest

from tests.factories import counting, make_case, make_program, make_user, sign_in
from youthcourt.cases.models import CaseState
from youthcourt.programs.models import Role


async def _queries_for(client, app, path: str) -> int:
    with counting(app) as statements:
        response = await client.get(path)
    assert response.status_code == 200, path
    return len(statements)


@pytest.mark.parametrize("path", ["/cases", "/cases?state=intake&sort=name", "/dashboard"])
async def test_pages_do_not_query_per_row(client, db, app, path):
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    await sign_in(client, coordinator)
    for _ in range(2):
        await make_case(db, program, CaseState.INTAKE, coordinator=coordinator)
    few = await _queries_for(client, app, path)
    for _ in range(12):
        await make_case(db, program, CaseState.INTAKE, coordinator=coordinator)
    many = await _queries_for(client, app, path)
    assert few > 0
    assert many == few, f"{path}: {few} queries with 2 cases, {many} with 14"


async def _an_open_case_page(client, db, app) -> tuple[str, list[str]]:
    """A coordinator's view of a case in intake: the page, and the statements it sent."""
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    await sign_in(client, coordinator)
    case = await make_case(db, program, CaseState.INTAKE, coordinator=coordinator)
    with counting(app) as statements:
        response = await client.get(f"/cases/{case.id}")
    assert response.status_code == 200
    return response.text, statements


async def test_a_case_page_reads_the_programs_time_zone_with_the_session_not_again(client, db, app):
    """ "Today" is the program's: its zone comes with the signed-in session's one query."""
    _, statements = await _an_open_case_page(client, db, app)
    assert [s for s in statements if "program.timezone" in s and "user_session" not in s] == []


async def test_an_open_cases_page_does_not_look_for_follow_up_checks(client, db, app):
    """Checks are made when a case closes, and its page shows them only then."""
    text, statements = await _an_open_case_page(client, db, app)
    assert "The case is open" in text
    assert [s for s in statements if "FROM follow_up_check" in s] == []


async def test_a_case_page_reads_the_case_its_guardians_and_factors_in_one_statement(client, db, app):
    """Read by statements of their own, a youth's guardians and a case's factors cost more to build
    than the few rows they hold."""
    _, statements = await _an_open_case_page(client, db, app)
    assert [s for s in statements if s.lstrip().startswith("SELECT") and "FROM guardian" in s] == []
    assert [s for s in statements if "FROM case_factor" in s] == []
    assert any("guardian" in s and "case_factor" in s and "FROM youth_case" in s for s in statements)
