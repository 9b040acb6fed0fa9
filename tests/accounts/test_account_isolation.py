"""Accounts belong to the installation, memberships to programs.

The admin of program B tries every user-administration route on the coordinator of program A,
before and after adding that person's email to B: no name of theirs appears, their password,
authenticator, lock and sessions stay as they were, and they still sign in with their own
password and code.
"""

from __future__ import annotations

from litestar.routes import HTTPRoute
from sqlalchemy import select, update

from tests.factories import make_case, make_program, make_user, post_form, sign_in, sign_in_with_form
from youthcourt.accounts.models import Membership, User, UserSession
from youthcourt.programs.models import Role
from youthcourt.referrals.models import Referral

REAL_NAME = "Octavia Secretname"
TYPED_NAME = "Tav Added"
ACCOUNT_ROUTES = {"password-reset", "mfa-reset", "unlock"}
"""Routes that act on the account itself: only for accounts wholly within the admin's programs."""


def user_admin_routes(app) -> list[tuple[str, str]]:
    """Every method of every route under /admin/users, read from the app's route table."""
    found = []
    for route in app.routes:
        if isinstance(route, HTTPRoute) and route.path.startswith("/admin/users"):
            found += [(method, route.path) for method in sorted(route.methods - {"HEAD", "OPTIONS"})]
    return sorted(found)


def form_for(path: str, email: str) -> dict[str, str]:
    return {
        "role": "program_admin",
        "active": "false",
        "q": "secretname",
        "full_name": TYPED_NAME,
        "email": email,
    }


async def walk(client, app, target: User, *, member: bool) -> dict[tuple[str, str], int]:
    """Request every user-admin route about ``target``; returns the status of each."""
    statuses = {}
    for method, path in user_admin_routes(app):
        if (method, path) == ("POST", "/admin/users"):
            continue  # adding the person is the step between the two walks
        address = path.replace("{user_id:uuid}", str(target.id))
        if method == "GET":
            response = await client.get(address, follow_redirects=False)
        else:
            response = await post_form(client, address, form_for(path, target.email))
        assert "Octavia" not in response.text and "Secretname" not in response.text, (method, path)
        assert "temporary-password" not in response.text, (method, path)
        statuses[(method, path.rsplit("/", 1)[-1])] = response.status_code
        if "{user_id:uuid}" in path and not member:
            assert response.status_code == 404, (method, path)
    return statuses


async def test_the_admin_of_another_program_cannot_take_over_an_account(client, db, app):
    a_program, b_program = await make_program(db, "A Youth Court"), await make_program(db, "B Youth Court")
    coordinator = await make_user(db, a_program, Role.COORDINATOR, name=REAL_NAME)
    b_admin = await make_user(db, b_program, Role.PROGRAM_ADMIN)
    assert (await sign_in_with_form(client, coordinator)).status_code == 303
    in_a = client.cookies.get("youthcourt_session")
    client.cookies.clear()
    await sign_in(client, b_admin)
    routes = user_admin_routes(app)
    assert {"password-reset", "mfa-reset", "unlock", "active", "role"} <= {
        p.rsplit("/", 1)[-1] for _, p in routes
    }

    await walk(client, app, coordinator, member=False)
    added = await post_form(
        client, "/admin/users", {"full_name": TYPED_NAME, "email": coordinator.email, "role": "coordinator"}
    )
    assert added.status_code == 200 and "Secretname" not in added.text and TYPED_NAME in added.text
    statuses = await walk(client, app, coordinator, member=True)

    assert {route: statuses[("POST", route)] for route in ACCOUNT_ROUTES} == dict.fromkeys(
        ACCOUNT_ROUTES, 403
    )
    assert statuses[("GET", "{user_id:uuid}")] == 200
    detail = await client.get(f"/admin/users/{coordinator.id}")
    assert "only a site administrator can reset their password" in detail.text
    assert "Reset password" not in detail.text and "Reset multi-factor" not in detail.text
    assert "Last sign-in" not in detail.text

    after = await db.scalar(
        select(User).where(User.id == coordinator.id).execution_options(populate_existing=True)
    )
    assert after.password_hash == coordinator.password_hash and after.has_mfa
    assert not after.must_change_password and after.locked_until == coordinator.locked_until
    a_membership = await db.scalar(
        select(Membership).where(Membership.user_id == coordinator.id, Membership.program_id == a_program.id)
    )
    assert a_membership.is_active and a_membership.role == Role.COORDINATOR
    client.cookies.clear()
    client.cookies.set("youthcourt_session", in_a)
    still = await client.get("/dashboard", follow_redirects=False)
    assert still.status_code == 200 and "A Youth Court" in still.text, "not signed out of program A"
    client.cookies.clear()
    assert (await sign_in_with_form(client, coordinator)).status_code == 303, (
        "their own password and code still work"
    )
    assert (await client.get("/dashboard")).status_code == 200


async def test_deactivating_in_one_program_ends_only_the_sessions_working_in_it(client, db):
    a_program, b_program = await make_program(db, "A Youth Court"), await make_program(db, "B Youth Court")
    person = await make_user(db, a_program, Role.COORDINATOR)
    db.add(Membership(program_id=b_program.id, user_id=person.id, role=Role.COORDINATOR))
    await db.commit()
    b_admin = await make_user(db, b_program, Role.PROGRAM_ADMIN)
    await sign_in(client, person)
    in_a = client.cookies.get("youthcourt_session")
    client.cookies.clear()
    await sign_in(client, person)
    await post_form(client, "/account/program", {"program_id": str(b_program.id)})
    in_b = client.cookies.get("youthcourt_session")
    client.cookies.clear()
    await sign_in(client, b_admin)

    response = await post_form(client, f"/admin/users/{person.id}/active", {"active": "false"})

    assert response.status_code == 303
    sessions = (await db.scalars(select(UserSession).where(UserSession.user_id == person.id))).all()
    assert {s.program_id for s in sessions} == {a_program.id}
    client.cookies.clear()
    client.cookies.set("youthcourt_session", in_b)
    assert (await client.get("/dashboard", follow_redirects=False)).headers["location"].startswith("/login")
    client.cookies.set("youthcourt_session", in_a)
    assert (await client.get("/dashboard", follow_redirects=False)).status_code == 200


async def test_a_program_names_an_added_person_by_the_name_it_typed(client, db):
    """Program B knows A's coordinator only by the name B's admin typed; A still knows their own."""
    a_program, b_program = await make_program(db, "A Youth Court"), await make_program(db, "B Youth Court")
    maya = await make_user(db, a_program, Role.COORDINATOR, name="Maya Realname")
    a_admin = await make_user(db, a_program, Role.PROGRAM_ADMIN)
    b_admin = await make_user(db, b_program, Role.PROGRAM_ADMIN)
    await sign_in(client, b_admin)
    added = await post_form(
        client, "/admin/users", {"full_name": "Typed Name", "email": maya.email, "role": "coordinator"}
    )
    assert added.status_code == 200
    b_case = await make_case(db, b_program, coordinator=maya)
    a_case = await make_case(db, a_program, coordinator=maya)
    await db.execute(update(Referral).where(Referral.id == b_case.referral_id).values(decided_by_id=maya.id))
    await db.commit()
    client.cookies.clear()

    await sign_in(client, maya)
    await post_form(client, "/account/program", {"program_id": str(b_program.id)})
    shown_in_b = [
        await client.get("/dashboard"),
        await client.get("/cases"),
        await client.get(f"/cases/{b_case.id}"),
        await client.get(f"/cases/{b_case.id}/intake"),
        await client.get(f"/referrals/{b_case.referral_id}"),
    ]
    for response in shown_in_b:
        assert response.status_code == 200, response.url
        assert "Realname" not in response.text and "Maya" not in response.text, response.url
    assert "Typed Name" in shown_in_b[1].text and "Typed Name" in shown_in_b[3].text
    assert "Typed Name" in shown_in_b[2].text and "Typed Name" in shown_in_b[4].text
    client.cookies.clear()
    await sign_in(client, b_admin)
    trail = await client.get("/audit/")
    assert trail.status_code == 200 and "Typed Name" in trail.text
    assert "Realname" not in trail.text and "Maya" not in trail.text
    client.cookies.clear()

    await sign_in(client, maya)
    await post_form(client, "/account/program", {"program_id": str(a_program.id)})
    listed = await client.get("/cases")
    assert "Maya Realname" in listed.text and "Typed Name" not in listed.text
    assert "Maya Realname" in (await client.get(f"/cases/{a_case.id}/intake")).text
    client.cookies.clear()
    await sign_in(client, a_admin)
    trail = await client.get("/audit/")
    assert "Maya Realname" in trail.text and "Typed Name" not in trail.text
