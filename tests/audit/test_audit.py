"""The audit trail records sign-ins and changes, and program admins can filter it."""

from __future__ import annotations

from tests.factories import make_program, make_user, sign_in, sign_in_with_form
from youthcourt.programs.models import Role


async def test_failed_sign_ins_show_in_the_trail_and_can_be_filtered(client, db):
    program = await make_program(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN, name="Ada Admin")
    await sign_in_with_form(client, admin, "not the password")
    await sign_in(client, admin)

    everything = await client.get("/audit")
    failures = await client.get("/audit?outcome=failure")

    assert everything.text.count("<mark>failure</mark>") == 0, (
        "failed attempt for a known account has no program"
    )
    assert "sign in" in everything.text
    assert failures.status_code == 200
    assert "No entries match these filters." in failures.text


async def test_end_before_start_is_refused_with_a_message(client, db):
    program = await make_program(db)
    await sign_in_with_form(client, await make_user(db, program, Role.PROGRAM_ADMIN))

    response = await client.get("/audit?start=2026-05-02&end=2026-05-01")

    assert response.status_code == 422
    assert "The last day must be on or after the first day." in response.text
    assert 'value="2026-05-02"' in response.text


async def test_impossible_date_gets_a_clear_message(client, db):
    program = await make_program(db)
    await sign_in_with_form(client, await make_user(db, program, Role.PROGRAM_ADMIN))
    response = await client.get("/audit?start=2026-02-30")
    assert response.status_code == 422
    assert "as a real date" in response.text


async def test_site_admin_sees_site_level_failures(client, db):
    program = await make_program(db)
    site_admin = await make_user(db, program, Role.PROGRAM_ADMIN, site_admin=True)
    await sign_in_with_form(client, "nobody@example.org", "whatever password")
    await sign_in(client, site_admin)
    page = await client.get("/audit?outcome=failure")
    assert "<mark>failure</mark>" in page.text
