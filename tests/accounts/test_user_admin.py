"""Program admins add people, change roles, deactivate accounts and reset passwords."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.factories import PASSWORD, enroll, make_program, make_user, post_form, sign_in, sign_in_with_form
from youthcourt.accounts.models import Membership, User, UserSession
from youthcourt.audit.models import AuditEntry
from youthcourt.jurors.models import OutboxMessage
from youthcourt.programs.models import Role


def temporary_password(html: str) -> str:
    match = re.search(r'class="temporary-password"><code>([^<]+)</code>', html)
    assert match, "the temporary password is shown once"
    return match.group(1)


async def test_admin_adds_a_person_who_must_choose_a_password(client, db, app):
    program = await make_program(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    await sign_in(client, admin)

    created = await post_form(
        client,
        "/admin/users",
        {"full_name": "Tanya Brooks", "email": "Tanya@Example.org", "role": "evaluator"},
    )

    assert created.status_code == 200
    assert "temporary-password" not in created.text, "no password on the page that adds someone"
    user = await db.scalar(select(User).where(User.email == "tanya@example.org"))
    assert user is not None
    assert user.must_change_password
    membership = await db.scalar(select(Membership).where(Membership.user_id == user.id))
    assert membership.role == Role.EVALUATOR
    assert membership.program_id == program.id
    assert await db.scalar(select(AuditEntry).where(AuditEntry.action == "user_add"))
    given = await post_form(client, f"/admin/users/{user.id}/password-reset", {})
    assert given.status_code == 200, "the admin gives a temporary password to an account only they manage"
    password = temporary_password(given.text)

    await post_form(client, "/logout", {})
    password_step = await sign_in_with_form(client, "tanya@example.org", password)
    assert password_step.headers["location"] == "/account/mfa/setup", "an evaluator sets up MFA first"
    assert (await enroll(client, "tanya@example.org")).status_code == 200
    forced = await client.get("/reports", follow_redirects=False)
    assert forced.headers["location"] == "/account/password"
    weak = await post_form(
        client,
        "/account/password",
        {"current_password": password, "new_password": "short", "confirm_password": "short"},
    )
    assert weak.status_code == 422
    assert "at least 12 characters" in weak.text
    changed = await post_form(
        client,
        "/account/password",
        {"current_password": password, "new_password": PASSWORD + "!", "confirm_password": PASSWORD + "!"},
    )
    assert changed.status_code == 303
    assert (await client.get("/reports")).status_code == 200


async def test_bad_input_is_shown_again_with_everything_typed(client, db):
    program = await make_program(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    await make_user(db, program, email="taken@example.org")
    await sign_in(client, admin)
    before = len((await db.scalars(select(User))).all())

    response = await post_form(
        client, "/admin/users", {"full_name": "Marcus Lee", "email": "taken@example.org", "role": "judge"}
    )

    assert response.status_code == 422
    assert "already a member of the program" in response.text
    assert "Choose a role." in response.text
    assert 'value="Marcus Lee"' in response.text
    assert 'value="taken@example.org"' in response.text
    assert len((await db.scalars(select(User))).all()) == before


async def test_person_from_another_program_is_added_without_a_new_account(client, db):
    north, south = await make_program(db), await make_program(db)
    admin = await make_user(db, north, Role.PROGRAM_ADMIN)
    elsewhere = await make_user(db, south, Role.JUROR, name="Quentin Realname")
    await sign_in(client, admin)

    response = await post_form(
        client, "/admin/users", {"full_name": "Q. Typed", "email": elsewhere.email, "role": "juror"}
    )

    assert response.status_code == 200
    memberships = (await db.scalars(select(Membership).where(Membership.user_id == elsewhere.id))).all()
    assert {m.program_id for m in memberships} == {north.id, south.id}
    assert (
        await db.scalar(select(User).where(User.id == elsewhere.id))
    ).password_hash == elsewhere.password_hash
    listing = await client.get("/admin/users")
    assert "Q. Typed" in listing.text and "Realname" not in listing.text


def _page_shape(html: str, email: str, user_id: str) -> str:
    """The page without what differs by design: the email typed, the id and one-time form tokens."""
    html = re.sub(r'<input[^>]*name="_once"[^>]*>', "", html)
    return html.replace(email, "EMAIL").replace(user_id, "ID")


async def _added_page(client, name: str, email: str) -> tuple[str, str]:
    response = await post_form(
        client, "/admin/users", {"full_name": name, "email": email, "role": "coordinator"}
    )
    assert response.status_code == 200
    user_id = re.search(r"/admin/users/([0-9a-f-]{36})/password-reset", response.text).group(1)
    return response.text, user_id


async def test_adding_an_email_tells_nothing_of_an_account_it_may_have(client, db):
    """The same page, the name typed, no password, whether or not the email had an account."""
    north, south = await make_program(db), await make_program(db)
    admin = await make_user(db, north, Role.PROGRAM_ADMIN)
    elsewhere = await make_user(db, south, email="known@example.org", name="Quentin Realname")
    await sign_in(client, admin)

    known, known_id = await _added_page(client, "Typed Person", "known@example.org")
    unknown, unknown_id = await _added_page(client, "Typed Person", "unknown@example.org")

    assert known_id == str(elsewhere.id)
    assert "Realname" not in known and "Quentin" not in known
    assert "already had an account" not in known and "temporary-password" not in known
    assert _page_shape(known, "known@example.org", known_id) == _page_shape(
        unknown, "unknown@example.org", unknown_id
    )
    mail = (await db.scalars(select(OutboxMessage).order_by(OutboxMessage.to_address))).all()
    assert [(m.to_address, m.program_id, m.kind) for m in mail] == [
        ("known@example.org", north.id, "membership_added"),
        ("unknown@example.org", north.id, "membership_added"),
    ]
    assert mail[0].body.replace("known@", "X@") == mail[1].body.replace("unknown@", "X@")
    assert "Realname" not in mail[0].body and south.name not in mail[0].body


async def test_deactivating_signs_the_person_out_at_once(client, db):
    program = await make_program(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    coordinator = await make_user(db, program)
    await sign_in(client, coordinator)
    coordinator_session = client.cookies.get("youthcourt_session")
    client.cookies.clear()
    await sign_in(client, admin)

    response = await post_form(client, f"/admin/users/{coordinator.id}/active", {"active": "false"})

    assert response.status_code == 303
    assert (await db.scalars(select(UserSession).where(UserSession.user_id == coordinator.id))).all() == []
    client.cookies.clear()
    client.cookies.set("youthcourt_session", coordinator_session)
    kicked = await client.get("/dashboard", follow_redirects=False)
    assert kicked.headers["location"].startswith("/login")
    again = await sign_in_with_form(client, coordinator)
    assert again.status_code == 401


async def test_admin_cannot_deactivate_or_demote_themselves(client, db):
    program = await make_program(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    await sign_in(client, admin)

    await post_form(client, f"/admin/users/{admin.id}/active", {"active": "false"})
    demote = await post_form(client, f"/admin/users/{admin.id}/role", {"role": "juror"})

    assert demote.status_code == 422
    assert "cannot change your own role" in demote.text
    await db.refresh(admin)
    membership = await db.scalar(select(Membership).where(Membership.user_id == admin.id))
    await db.refresh(membership)
    assert membership.is_active
    assert membership.role == Role.PROGRAM_ADMIN


async def test_role_change_and_password_reset_are_audited(client, db):
    program = await make_program(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    juror = await make_user(db, program, Role.JUROR)
    await sign_in(client, admin)

    role = await post_form(client, f"/admin/users/{juror.id}/role", {"role": "coordinator"})
    reset = await post_form(client, f"/admin/users/{juror.id}/password-reset", {})

    assert role.status_code == 303
    assert reset.status_code == 200
    password = temporary_password(reset.text)
    actions = {e.action: e for e in (await db.scalars(select(AuditEntry))).all()}
    assert actions["user_role_change"].details == {"from": "juror", "to": "coordinator"}
    assert actions["user_password_reset"].record_id == str(juror.id)
    await post_form(client, "/logout", {})
    assert (await sign_in_with_form(client, juror)).status_code == 401, "the old password no longer works"
    assert (await sign_in_with_form(client, juror.email, password)).status_code == 303


async def test_unknown_user_id_is_not_found(client, db):
    program = await make_program(db)
    await sign_in_with_form(client, await make_user(db, program, Role.PROGRAM_ADMIN))
    assert (await client.get("/admin/users/00000000-0000-0000-0000-000000000000")).status_code == 404
    assert (await client.get("/admin/users/not-a-uuid")).status_code in (400, 404)
    response = await post_form(
        client, "/admin/users/00000000-0000-0000-0000-000000000000/role", {"role": "juror"}
    )
    assert response.status_code == 404


async def test_user_list_filters_and_paginates(client, db):
    program = await make_program(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN, name="Ada Admin")
    for number in range(30):
        await make_user(db, program, Role.JUROR, name=f"Juror Number{number:02d}")
    await sign_in(client, admin)

    first = await client.get("/admin/users?role=juror")
    second = await client.get("/admin/users?role=juror&page=2")
    search = await post_form(
        client,
        "/admin/users/search",
        {"q": "number07"},
        headers={"HX-Request": "true", "HX-Target": "user-rows"},
    )

    assert "Showing 1 to 25 of 30" in first.text
    assert "Ada Admin" not in first.text
    assert "Showing 26 to 30 of 30" in second.text
    assert "Juror Number07" in search.text
    assert "<html" not in search.text, "htmx gets only the rows"
