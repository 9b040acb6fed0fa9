"""A site administrator creates and edits programs, their time zone included."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select

from tests.factories import make_program, make_user, post_form, sign_in
from youthcourt.audit.models import AuditEntry
from youthcourt.programs.models import Program


async def signed_in_site_admin(client, db) -> None:
    await sign_in(client, await make_user(db, None, None, site_admin=True))


async def test_the_program_form_offers_time_zones_with_new_york_chosen(client, db):
    await signed_in_site_admin(client, db)

    page = await client.get("/admin/programs")

    assert '<select id="field-timezone" name="timezone"' in page.text
    assert '<option value="America/New_York" selected>' in page.text
    for zone in ("America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles"):
        assert f'<option value="{zone}"' in page.text
    assert '<option value="America/Anchorage"' in page.text
    assert '<option value="Pacific/Honolulu"' in page.text


async def test_a_program_is_created_in_the_time_zone_chosen(client, db):
    await signed_in_site_admin(client, db)

    response = await post_form(
        client,
        "/admin/programs",
        {"name": "Bayside Teen Court", "slug": "bayside", "timezone": "America/Los_Angeles"},
    )

    assert response.status_code == 303
    program = await db.scalar(select(Program).where(Program.slug == "bayside"))
    assert program.timezone == "America/Los_Angeles"
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "program_create"))
    assert entry.record_id == str(program.id)
    assert entry.details == {"timezone": "America/Los_Angeles"}
    listing = await client.get("/admin/programs")
    row = re.search(r"<tr><td><a [^>]*>Bayside Teen Court</a>.*?</tr>", listing.text)
    assert row is not None and "<td>America/Los_Angeles</td>" in row[0]


async def test_an_unknown_time_zone_is_refused_with_the_form_kept(client, db):
    await signed_in_site_admin(client, db)

    response = await post_form(
        client,
        "/admin/programs",
        {"name": "Bayside Teen Court", "slug": "bayside", "timezone": "Mars/Olympus_Mons"},
    )

    assert response.status_code == 422
    assert "Choose the program&#39;s time zone." in response.text
    assert 'value="Bayside Teen Court"' in response.text
    assert 'value="bayside"' in response.text
    assert await db.scalar(select(Program).where(Program.slug == "bayside")) is None


async def test_editing_a_program_changes_its_time_zone_on_the_audit_trail(client, db):
    program = await make_program(db, "Hillcrest Youth Court")
    await signed_in_site_admin(client, db)

    form = await client.get(f"/admin/programs/{program.id}")
    response = await post_form(
        client,
        f"/admin/programs/{program.id}",
        {"name": "Hillcrest County Youth Court", "timezone": "America/Chicago"},
    )

    assert form.status_code == 200
    assert '<option value="America/New_York" selected>' in form.text
    assert 'value="Hillcrest Youth Court"' in form.text
    assert response.status_code == 303
    await db.refresh(program)
    assert (program.name, program.timezone) == ("Hillcrest County Youth Court", "America/Chicago")
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "program_update"))
    assert entry.record_type == "program"
    assert entry.record_id == str(program.id)
    assert entry.details == {
        "changes": {
            "name": {"from": "Hillcrest Youth Court", "to": "Hillcrest County Youth Court"},
            "timezone": {"from": "America/New_York", "to": "America/Chicago"},
        }
    }
    listing = await client.get("/admin/programs")
    assert "America/Chicago" in listing.text


async def test_editing_with_an_unknown_time_zone_changes_nothing(client, db):
    program = await make_program(db, "Hillcrest Youth Court")
    await signed_in_site_admin(client, db)

    response = await post_form(
        client, f"/admin/programs/{program.id}", {"name": "Renamed Court", "timezone": "Europe/Atlantis"}
    )

    assert response.status_code == 422
    assert "Choose the program&#39;s time zone." in response.text
    assert 'value="Renamed Court"' in response.text
    await db.refresh(program)
    assert (program.name, program.timezone) == ("Hillcrest Youth Court", "America/New_York")
    assert await db.scalar(select(AuditEntry).where(AuditEntry.action == "program_update")) is None


async def test_saving_a_program_unchanged_writes_no_audit_entry(client, db):
    program = await make_program(db, "Hillcrest Youth Court")
    await signed_in_site_admin(client, db)

    response = await post_form(
        client,
        f"/admin/programs/{program.id}",
        {"name": "Hillcrest Youth Court", "timezone": "America/New_York"},
    )

    assert response.status_code == 303
    assert await db.scalar(select(AuditEntry).where(AuditEntry.action == "program_update")) is None


async def test_an_unknown_program_is_not_found(client, db):
    await signed_in_site_admin(client, db)

    response = await client.get(f"/admin/programs/{uuid.uuid4()}")

    assert response.status_code == 404
