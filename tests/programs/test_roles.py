"""Each role reaches its own pages and is turned away from the others'."""

from __future__ import annotations

import pytest

from tests.factories import make_program, make_user, sign_in, sign_in_with_form
from youthcourt.programs.models import Role

PAGES = ["/dashboard", "/me", "/reports", "/admin/users", "/audit", "/admin/programs"]
ALLOWED = {
    Role.COORDINATOR: {"/dashboard"},
    Role.JUROR: {"/me"},
    Role.EVALUATOR: {"/reports"},
    Role.PROGRAM_ADMIN: {"/admin/users", "/audit"},
}


@pytest.mark.parametrize("role", list(ALLOWED))
async def test_role_reaches_only_its_pages(client, db, role):
    program = await make_program(db)
    await sign_in_with_form(client, await make_user(db, program, role))
    for path in PAGES:
        response = await client.get(path, follow_redirects=False)
        expected = 200 if path in ALLOWED[role] else 403
        assert response.status_code == expected, path
    denied = await client.get("/admin/programs")
    assert "You do not have access to this page" in denied.text


async def test_site_admin_manages_programs_and_acts_as_program_admin(client, db):
    program = await make_program(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN, site_admin=True)
    await sign_in(client, admin)
    for path in ("/admin/programs", "/admin/users", "/audit"):
        assert (await client.get(path)).status_code == 200, path
    assert (await client.get("/dashboard")).status_code == 403, "a site admin is not staff of a program"
