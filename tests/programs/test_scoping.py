"""One mechanism keeps every query inside the signed-in user's program."""

from __future__ import annotations

import gc
import weakref

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session

from tests.factories import make_program, make_user, sign_in
from youthcourt.accounts.models import Membership
from youthcourt.audit.models import AuditEntry
from youthcourt.programs.models import Role
from youthcourt.programs.scoping import OutOfScopeError, ProgramScope, program_scope, scoped


async def test_queries_see_only_the_scoped_program(db):
    north, south = await make_program(db), await make_program(db)
    await make_user(db, north)
    await make_user(db, south)
    await make_user(db, south)

    with program_scope(ProgramScope.of(north.id)):
        north_rows = (await db.scalars(select(Membership))).all()
    with program_scope(ProgramScope.of(south.id)):
        south_rows = (await db.scalars(select(Membership))).all()
    with program_scope(ProgramScope.of()):
        nothing = (await db.scalars(select(Membership))).all()

    assert {m.program_id for m in north_rows} == {north.id}
    assert len(south_rows) == 2
    assert {m.program_id for m in south_rows} == {south.id}
    assert nothing == []


async def test_a_one_program_scope_compares_the_program_and_takes_it_when_the_statement_runs(db):
    """A user's scope is one program: ``program_id = ?``, not an ``IN`` list (rewritten for its length
    on every statement). The value is the scope's at each run: one statement object, run in one scope
    then another, reads each program's rows, and its own program filter is kept beside the scope's."""
    north, south = await make_program(db), await make_program(db)
    await make_user(db, north)
    await make_user(db, south)
    statements: list[str] = []

    def remember(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(" ".join(statement.split()))

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", remember)
    try:
        everyone = select(Membership)
        with program_scope(ProgramScope.of(north.id)):
            north_rows = (await db.scalars(everyone)).all()
            south_asked_in_north = (await db.scalars(everyone.where(Membership.program_id == south.id))).all()
        with program_scope(ProgramScope.of(south.id)):
            south_rows = (await db.scalars(everyone)).all()
            south_asked_in_south = (await db.scalars(everyone.where(Membership.program_id == south.id))).all()
    finally:
        event.remove(engine, "before_cursor_execute", remember)

    assert {m.program_id for m in north_rows} == {north.id}
    assert {m.program_id for m in south_rows} == {south.id}
    assert south_asked_in_north == []
    assert [m.program_id for m in south_asked_in_south] == [south.id]
    membership_reads = [sql for sql in statements if "FROM membership" in sql]
    assert len(membership_reads) == 4
    assert all("membership.program_id = " in sql and " IN (" not in sql for sql in membership_reads)


async def test_a_statement_is_limited_once_and_the_copy_serves_every_program(db):
    """SQLAlchemy keeps the key it finds a statement's compiled SQL by on the statement object:
    limited anew on each run, a statement built once per process had its key computed every time."""
    north, south = await make_program(db), await make_program(db)
    await make_user(db, north)
    await make_user(db, south)
    everyone = select(Membership)
    ran: list[object] = []

    def remember(state: ORMExecuteState) -> None:
        ran.append(state.statement)

    event.listen(Session, "do_orm_execute", remember)
    try:
        with program_scope(ProgramScope.of(north.id)):
            north_rows = (await db.scalars(everyone)).all()
        with program_scope(ProgramScope.of(south.id)):
            south_rows = (await db.scalars(everyone)).all()
    finally:
        event.remove(Session, "do_orm_execute", remember)

    assert {m.program_id for m in north_rows} == {north.id}
    assert {m.program_id for m in south_rows} == {south.id}
    in_north, in_south = ran
    assert in_north is in_south and in_north is not everyone


def test_a_statement_built_for_one_request_is_let_go_with_it():
    statement = select(Membership)
    limited = scoped(statement)
    assert scoped(statement) is limited
    gone = weakref.ref(statement)
    del statement, limited
    gc.collect()
    assert gone() is None


async def test_a_scope_of_several_programs_reads_each_of_them(db):
    north, south, west = await make_program(db), await make_program(db), await make_program(db)
    for program in (north, south, west):
        await make_user(db, program)
    with program_scope(ProgramScope.of(north.id, south.id)):
        rows = (await db.scalars(select(Membership))).all()
    assert {m.program_id for m in rows} == {north.id, south.id}


async def test_writing_into_another_program_is_refused(db):
    north, south = await make_program(db), await make_program(db)
    user = await make_user(db, north)
    with program_scope(ProgramScope.of(north.id)):
        db.add(Membership(program_id=south.id, user_id=user.id, role=Role.JUROR))
        with pytest.raises(OutOfScopeError):
            await db.flush()
    await db.rollback()


async def test_program_admin_sees_only_their_programs_people(client, db):
    north, south = await make_program(db), await make_program(db)
    admin = await make_user(db, north, Role.PROGRAM_ADMIN)
    colleague = await make_user(db, north, name="Nora Northside")
    stranger = await make_user(db, south, name="Sid Southside")
    await sign_in(client, admin)

    listing = await client.get("/admin/users")
    assert "Nora Northside" in listing.text
    assert "Sid Southside" not in listing.text
    assert (await client.get(f"/admin/users/{colleague.id}")).status_code == 200
    foreign = await client.get(f"/admin/users/{stranger.id}")
    assert foreign.status_code == 404
    assert "Sid Southside" not in foreign.text


async def test_audit_trail_shows_only_the_programs_entries(client, db):
    north, south = await make_program(db), await make_program(db)
    admin = await make_user(db, north, Role.PROGRAM_ADMIN)
    south_user = await make_user(db, south, name="Sid Southside")
    db.add(AuditEntry(program_id=south.id, actor_id=south_user.id, actor_name="Sid Southside", action="view"))
    await db.commit()
    await sign_in(client, admin)

    page = await client.get("/audit")

    assert page.status_code == 200
    assert "Sid Southside" not in page.text
    assert admin.full_name in page.text


async def test_member_of_two_programs_switches_between_them(client, db):
    north, south = await make_program(db, "North Court"), await make_program(db, "South Court")
    user = await make_user(db, north, Role.COORDINATOR)
    db.add(Membership(program_id=south.id, user_id=user.id, role=Role.PROGRAM_ADMIN))
    await db.commit()
    await sign_in(client, user)
    before = client.cookies.get("youthcourt_session")
    assert "North Court" in (await client.get("/dashboard")).text
    assert (await client.get("/admin/users")).status_code == 403

    response = await client.post(
        "/account/program",
        data={"program_id": str(south.id), "_csrf_token": client.cookies.get("youthcourt_csrf")},
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert client.cookies.get("youthcourt_session") != before, "a change of role starts a new session"
    assert (await client.get("/admin/users")).status_code == 200
    assert (await client.get("/dashboard")).status_code == 403


async def test_switching_to_a_program_one_is_not_in_is_refused(client, db):
    north, south = await make_program(db), await make_program(db)
    user = await make_user(db, north)
    await sign_in(client, user)
    response = await client.post(
        "/account/program",
        data={"program_id": str(south.id), "_csrf_token": client.cookies.get("youthcourt_csrf")},
        follow_redirects=False,
    )
    assert response.status_code == 404
