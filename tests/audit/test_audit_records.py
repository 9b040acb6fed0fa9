"""The audit trail names the records it lists, and records the requests the app refused."""

from __future__ import annotations

import datetime
import re
import uuid

from sqlalchemy import select

from tests.app.test_query_counts import counting
from tests.factories import (
    make_case,
    make_program,
    make_referral,
    make_user,
    make_youth,
    post_form,
    sign_in,
    sign_in_with_form,
)
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import CaseState
from youthcourt.programs.models import Program, Role

NOW = datetime.datetime.now(datetime.UTC)


def entry(
    program: Program,
    record_type: str,
    record_id: object,
    action: str = "record_view",
    outcome: str = "success",
) -> AuditEntry:
    return AuditEntry(
        program_id=program.id,
        occurred_at=NOW,
        actor_name="Test Actor",
        action=action,
        outcome=outcome,
        record_type=record_type,
        record_id=str(record_id),
    )


def row_of(page: str, record_id: object) -> str:
    """The table row of the entry about ``record_id`` (each test gives each record one entry)."""
    rows = re.findall(r"<tr[^>]*>.*?</tr>", page.split("<tbody>")[1], re.S)
    found = [row for row in rows if f'data-record="{record_id}"' in row]
    assert len(found) == 1, f"one row for {record_id}"
    return found[0]


async def test_the_trail_names_records_by_case_number_or_staff_name_and_links_to_them(client, db):
    program = await make_program(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN, name="Ada Admin")
    coordinator = await make_user(db, program, Role.COORDINATOR, name="Casey Coordinator")
    youth = await make_youth(db, program, first_name="Tasha", last_name="Rivers")
    referral = await make_referral(db, program, youth)
    case = await make_case(db, program, CaseState.INTAKE, referral=referral)
    hidden_youth = await make_youth(db, program, first_name="Quinn", last_name="Sealedname")
    sealed = await make_case(
        db, program, CaseState.COMPLETED, referral=await make_referral(db, program, hidden_youth)
    )
    sealed.sealed_at = NOW
    unknown = uuid.uuid4()
    db.add_all(
        [
            entry(program, "case", case.id),
            entry(program, "referral", referral.id),
            entry(program, "youth", youth.id),
            entry(program, "case", sealed.id),
            entry(program, "referral", sealed.referral_id),
            entry(program, "youth", hidden_youth.id),
            entry(program, "user", coordinator.id),
            entry(program, "case", unknown),
        ]
    )
    await db.commit()
    await sign_in(client, admin)

    page = (await client.get("/audit?action=record_view")).text

    assert f"Case {case.number}" in row_of(page, case.id)
    assert f"Referral of case {case.number}" in row_of(page, referral.id)
    assert f"Youth of case {case.number}" in row_of(page, youth.id)
    assert "Tasha" not in page and "Rivers" not in page, "admins read the trail: no youth is named"
    assert f"Case {sealed.number}" in row_of(page, sealed.id)
    assert "sealed" in row_of(page, sealed.referral_id) and "sealed" in row_of(page, hidden_youth.id)
    assert "Sealedname" not in page and "Quinn" not in page, "a sealed case shows no name"
    assert f'href="/admin/users/{coordinator.id}"' in row_of(page, coordinator.id)
    assert "Casey Coordinator" in row_of(page, coordinator.id)
    # A program admin does not open case pages: the case's link narrows the trail to it.
    assert f'href="/audit?record_type=case&amp;record_id={case.id}"' in row_of(page, case.id)
    assert str(unknown)[:8] in row_of(page, unknown), "a record gone or elsewhere keeps its short id"


async def test_the_link_of_a_record_opens_for_the_one_reading_the_trail(client, db):
    program = await make_program(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    case = await make_case(db, program, CaseState.INTAKE)
    db.add(entry(program, "case", case.id))
    await db.commit()
    await sign_in(client, admin)

    page = (await client.get("/audit?action=record_view")).text

    link = re.search(r'<a href="([^"]+)"[^>]*>Case ' + re.escape(case.number), row_of(page, case.id))
    assert link is not None
    assert (await client.get(link[1])).status_code == 200


async def test_naming_the_records_costs_the_same_queries_for_more_rows(client, db, app):
    program = await make_program(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    await sign_in(client, admin)

    async def queries() -> int:
        with counting(app) as statements:
            response = await client.get("/audit?action=record_view")
        assert response.status_code == 200
        return len(statements)

    async def add_rows() -> None:
        case = await make_case(db, program, CaseState.INTAKE)
        user = await make_user(db, program, Role.COORDINATOR)
        db.add_all(
            [
                entry(program, "case", case.id),
                entry(program, "referral", case.referral_id),
                entry(program, "youth", case.youth_id),
                entry(program, "user", user.id),
            ]
        )
        await db.commit()

    await add_rows()
    few = await queries()
    for _ in range(5):
        await add_rows()
    many = await queries()

    assert many == few, f"{few} queries with 4 rows, {many} with 24"


async def refusals(db, program: Program) -> list[AuditEntry]:
    return list(
        (
            await db.scalars(
                select(AuditEntry)
                .where(AuditEntry.program_id == program.id, AuditEntry.action == "request_refused")
                .order_by(AuditEntry.occurred_at)
                .execution_options(populate_existing=True)
            )
        ).all()
    )


async def test_a_foreign_record_and_a_forbidden_page_are_recorded_as_refusals(client, db):
    home, other = await make_program(db), await make_program(db)
    coordinator = await make_user(db, home, Role.COORDINATOR)
    theirs = await make_case(db, other, CaseState.INTAKE)
    await sign_in(client, coordinator)

    foreign = await client.get(f"/cases/{theirs.id}")
    forbidden = await client.get("/audit")

    assert (foreign.status_code, forbidden.status_code) == (404, 403)
    found = await refusals(db, home)
    assert [(e.outcome, e.record_type, e.record_id) for e in found] == [
        ("not_found", "case", str(theirs.id)),
        ("denied", None, None),
    ]
    assert found[0].details == {"method": "GET", "path": "/cases/{case_id}", "status": 404}
    assert found[1].details == {"method": "GET", "path": "/audit", "status": 403}
    assert all(e.actor_id == coordinator.id for e in found)
    assert await refusals(db, other) == [], "the other program's trail is not written to"


async def test_program_admins_filter_the_trail_by_refusal(client, db):
    program = await make_program(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    refused, viewed = uuid.uuid4(), uuid.uuid4()
    db.add(entry(program, "case", refused, action="request_refused", outcome="not_found"))
    db.add(entry(program, "case", viewed, action="case_view"))
    await db.commit()
    await sign_in(client, admin)

    page = await client.get("/audit?outcome=not_found")

    assert page.status_code == 200
    assert '<option value="not_found" selected>' in page.text
    assert '<option value="conflict"' in page.text
    assert f'data-record="{refused}"' in page.text
    assert f'data-record="{viewed}"' not in page.text


async def test_a_refused_conflicting_save_is_recorded(client, db):
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    case = await make_case(db, program, CaseState.INTAKE, coordinator=coordinator)
    await sign_in(client, coordinator)
    assert (await post_form(client, f"/cases/{case.id}/intake", {"version": "1"})).status_code == 303

    stale = await post_form(
        client, f"/cases/{case.id}/intake", {"version": "1", "intake_notes": "Met Tasha Rivers at home."}
    )

    assert stale.status_code == 409
    [refused] = await refusals(db, program)
    assert (refused.outcome, refused.record_type, refused.record_id) == ("conflict", "case", str(case.id))
    assert refused.details == {"method": "POST", "path": "/cases/{case_id}/intake", "status": 409}
    assert "Tasha" not in str(refused.details), "nothing typed in the form is kept"


async def test_a_missing_public_file_is_not_a_refusal(client, db):
    program = await make_program(db)
    await sign_in_with_form(client, await make_user(db, program, Role.COORDINATOR))

    missing = await client.get("/static/no-such-file.css")

    assert missing.status_code == 404
    assert await refusals(db, program) == [], "nothing was refused: the file does not exist for anyone"


async def test_jurors_are_named_by_first_name_and_initial_in_the_trail(client, db):
    """Jurors are young people, and the trail's readers (admins) do not open the juror roster."""
    from tests.jurors.test_juror_records import make_juror

    program = await make_program(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    juror = await make_juror(db, program, first_name="Vera", last_name="Newbyfamily")
    db.add(entry(program, "juror", juror.id))
    await db.commit()
    await sign_in(client, admin)

    page = (await client.get("/audit?action=record_view")).text

    assert "Juror Vera N." in row_of(page, juror.id)
    assert "Newbyfamily" not in page
