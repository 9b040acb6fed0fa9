"""What finding the signed-in user costs each request: one query, and none for static files."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from tests.factories import counting, make_program, make_user, sign_in
from youthcourt.accounts.sessions import SESSION_LOOKUP, load_viewer
from youthcourt.programs.models import Role


async def test_a_signed_in_request_finds_its_user_and_programs_in_one_query(client, db, app):
    program = await make_program(db)
    await make_program(db, name="Second program")
    await sign_in(client, await make_user(db, program, Role.COORDINATOR))
    assert (await client.get("/dashboard")).status_code == 200

    with counting(app) as statements:
        response = await client.get("/health")

    assert response.status_code == 200
    assert len(statements) == 2, statements  # the session lookup, then the health check's SELECT 1
    assert "user_session" in statements[0] and "membership" in statements[0]


async def test_static_files_do_not_look_up_the_session(client, db, app):
    program = await make_program(db)
    await sign_in(client, await make_user(db, program, Role.COORDINATOR))

    with counting(app) as statements:
        response = await client.get("/static/app.css")

    assert response.status_code == 200
    assert statements == []


async def test_a_coordinator_sees_times_in_the_time_zone_of_their_program(client, db, app):
    """The viewer's zone is the program's, for members as for site administrators."""
    program = await make_program(db)
    program.timezone = "America/Los_Angeles"
    await db.commit()
    await sign_in(client, await make_user(db, program, Role.COORDINATOR))
    settings = app.state.settings

    viewer = await load_viewer(db, client.cookies.get(settings.session.cookie_name), settings)

    assert viewer is not None and viewer.program_id == program.id
    assert viewer.timezone == "America/Los_Angeles"


async def test_the_session_lookup_is_one_statement_built_once_for_every_request(client, db, app):
    """Built and keyed once per process, not on each request (half a millisecond each time)."""
    program = await make_program(db)
    await sign_in(client, await make_user(db, program, Role.COORDINATOR))
    sent = []

    def record(state: ORMExecuteState) -> None:
        if "user_session" in str(state.statement):
            sent.append(state.statement)

    event.listen(Session, "do_orm_execute", record)
    try:
        for _ in range(2):
            assert (await client.get("/dashboard")).status_code == 200
    finally:
        event.remove(Session, "do_orm_execute", record)

    assert len(sent) == 2 and all(statement is SESSION_LOOKUP for statement in sent)
