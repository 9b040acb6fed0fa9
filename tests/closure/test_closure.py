"""Closing cases (successful, unsuccessful, withdrawn), follow-up checks and letters to the source."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_case, make_program, make_user, post_form, sign_in, sign_in_with_form
from tests.sanctions.test_sanctions import make_sanction
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import Case, CaseEvent, CaseState, FollowUpCheck
from youthcourt.cases.services import add_months, follow_up_days, follow_up_end
from youthcourt.closure.case_sections import load_closure
from youthcourt.programs.models import Program, Role
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.reference.models import ProgramPolicy, ReferralSource, SanctionType
from youthcourt.referrals.models import Referral, Youth
from youthcourt.sanctions.models import Sanction, SanctionStatus

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


async def coordinator_with_case(
    db: AsyncSession, state: CaseState = CaseState.SANCTIONS_IN_PROGRESS, **referral_fields: Any
) -> tuple[Program, Any, Case]:
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR, name="Maya Alvarez")
    case = await make_case(db, program, state, coordinator=coordinator, **referral_fields)
    return program, coordinator, case


async def fresh(db: AsyncSession, model: Any, record_id: uuid.UUID) -> Any:
    return await db.scalar(
        select(model).where(model.id == record_id).execution_options(populate_existing=True)
    )


async def checks_of(db: AsyncSession, case: Case) -> list[tuple[int, datetime.date]]:
    rows = await db.scalars(
        select(FollowUpCheck).where(FollowUpCheck.case_id == case.id).order_by(FollowUpCheck.window_months)
    )
    return [(check.window_months, check.due_on) for check in rows]


async def audited(db: AsyncSession, action: str) -> list[AuditEntry]:
    return list((await db.scalars(select(AuditEntry).where(AuditEntry.action == action))).all())


def closing(outcome: str, reason: str = "", closed_on: datetime.date = TODAY) -> dict[str, str]:
    return {"outcome": outcome, "reason": reason, "closed_on": closed_on.isoformat()}


async def test_a_successful_closure_waits_for_every_sanction(client, db):
    program, coordinator, case = await coordinator_with_case(db)
    done = await make_sanction(
        db, program, case, SanctionType.APOLOGY_LETTER, "1", status=SanctionStatus.COMPLETED
    )
    open_one = await make_sanction(db, program, case, quantity="20", due_on=TODAY + 9 * DAY)
    await sign_in(client, coordinator)

    form = await client.get(f"/cases/{case.id}/closure")
    assert form.status_code == 200
    assert "Not every sanction is completed, so the case cannot close successfully yet." in form.text
    refused = await post_form(client, f"/cases/{case.id}/closure", closing("successful", "All done"))
    assert refused.status_code == 422
    assert "Not completed: Community service (0 of 20 hours" in refused.text
    assert f"due {(TODAY + 9 * DAY).isoformat()}" in refused.text
    assert "Apology letter (" not in refused.text
    assert "All done" in refused.text, "the typed reason is kept"
    assert '<option value="successful" selected>' in refused.text
    still = await fresh(db, Case, case.id)
    assert still.state == CaseState.SANCTIONS_IN_PROGRESS
    assert still.closed_on is None
    assert await checks_of(db, case) == []
    assert done.id != open_one.id


async def test_a_successful_closure_completes_the_case_and_schedules_follow_ups(client, db):
    program, coordinator, case = await coordinator_with_case(db, received_on=datetime.date(2025, 8, 1))
    policy = await db.scalar(select(ProgramPolicy).where(ProgramPolicy.program_id == program.id))
    policy.follow_up_months = "6,12,18"
    await make_sanction(
        db,
        program,
        case,
        quantity="12",
        status=SanctionStatus.COMPLETED,
        decided_on=datetime.date(2025, 8, 5),
    )
    await sign_in(client, coordinator)

    response = await post_form(
        client, f"/cases/{case.id}/closure", closing("successful", closed_on=datetime.date(2025, 8, 31))
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/cases/{case.id}"
    closed = await fresh(db, Case, case.id)
    assert closed.state == CaseState.COMPLETED
    assert closed.closed_on == datetime.date(2025, 8, 31)
    assert await checks_of(db, case) == [
        (6, datetime.date(2026, 3, 2)),
        (12, datetime.date(2026, 8, 31)),
        (18, datetime.date(2027, 3, 2)),
    ]
    events = (await db.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))).all()
    assert [(e.from_state, e.to_state) for e in events] == [("sanctions_in_progress", "completed")]
    [entry] = await audited(db, "case_close")
    assert entry.record_id == str(case.id)
    assert entry.details == {"outcome": "successful", "closed_on": "2025-08-31", "follow_ups": 3}


def test_a_follow_up_check_is_due_when_its_window_of_days_has_passed():
    """Windows are days (see ``follow_up_days``), so a check made on its due day covers the whole window."""
    assert [follow_up_days(months) for months in (6, 12, 18, 24)] == [183, 365, 548, 730]
    assert follow_up_end(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 3, 2)
    assert follow_up_end(datetime.date(2027, 8, 31), 6) == datetime.date(2028, 3, 1)
    assert follow_up_end(datetime.date(2026, 5, 15), 12) == datetime.date(2027, 5, 15)
    assert follow_up_end(datetime.date(2027, 5, 15), 12) == datetime.date(2028, 5, 14)


def test_adding_months_keeps_to_the_month_end():
    assert add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2027, 8, 31), 6) == datetime.date(2028, 2, 29)
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 5, 15), 12) == datetime.date(2027, 5, 15)
    assert add_months(datetime.date(2026, 11, 30), 24) == datetime.date(2028, 11, 30)


async def test_an_unsuccessful_closure_needs_a_reason_and_marks_open_sanctions(client, db):
    program, coordinator, case = await coordinator_with_case(db)
    completed = await make_sanction(
        db, program, case, SanctionType.ESSAY, "500", status=SanctionStatus.COMPLETED
    )
    unmet = await make_sanction(db, program, case, quantity="20")
    await sign_in(client, coordinator)

    refused = await post_form(client, f"/cases/{case.id}/closure", closing("unsuccessful"))
    assert refused.status_code == 422
    assert "Enter the reason the case returns to the referral source." in refused.text
    assert (await fresh(db, Case, case.id)).state == CaseState.SANCTIONS_IN_PROGRESS

    response = await post_form(
        client, f"/cases/{case.id}/closure", closing("unsuccessful", "Stopped attending service")
    )
    assert response.status_code == 303
    closed = await fresh(db, Case, case.id)
    assert closed.state == CaseState.UNSUCCESSFUL
    assert closed.closure_reason == "Stopped attending service"
    assert closed.closed_on == TODAY
    assert (await fresh(db, Sanction, unmet.id)).status == SanctionStatus.NOT_COMPLETED
    assert (await fresh(db, Sanction, completed.id)).status == SanctionStatus.COMPLETED
    assert await checks_of(db, case) == [(6, follow_up_end(TODAY, 6)), (12, follow_up_end(TODAY, 12))]


@pytest.mark.parametrize("state", [CaseState.REFERRED, CaseState.INTAKE, CaseState.SCHEDULED])
async def test_any_open_case_may_be_withdrawn_with_a_reason(client, db, state):
    _, coordinator, case = await coordinator_with_case(db, state)
    await sign_in(client, coordinator)

    refused = await post_form(client, f"/cases/{case.id}/closure", closing("withdrawn"))
    assert refused.status_code == 422
    assert "Enter the reason the case is withdrawn." in refused.text
    successful = await post_form(client, f"/cases/{case.id}/closure", closing("successful", "x"))
    assert successful.status_code == 422
    assert f"this case is {state.label.lower()}" in successful.text

    response = await post_form(client, f"/cases/{case.id}/closure", closing("withdrawn", "Family moved away"))
    assert response.status_code == 303
    closed = await fresh(db, Case, case.id)
    assert closed.state == CaseState.WITHDRAWN
    assert await checks_of(db, case) == [], "withdrawn cases are not followed up"


async def test_the_closing_date_is_checked(client, db):
    _, coordinator, case = await coordinator_with_case(db, CaseState.INTAKE)
    await sign_in(client, coordinator)

    future = await post_form(client, f"/cases/{case.id}/closure", closing("withdrawn", "x", TODAY + DAY))
    assert future.status_code == 422
    assert "The closing date cannot be in the future." in future.text
    early = await post_form(
        client, f"/cases/{case.id}/closure", closing("withdrawn", "x", case.opened_on - DAY)
    )
    assert early.status_code == 422
    assert "cannot be before the case opened" in early.text
    nothing = await post_form(client, f"/cases/{case.id}/closure", {"outcome": "", "closed_on": ""})
    assert "Choose the outcome." in nothing.text
    assert "Enter the date the case closed." in nothing.text
    assert (await fresh(db, Case, case.id)).state == CaseState.INTAKE


async def test_a_closed_case_does_not_close_again(client, db):
    _, coordinator, case = await coordinator_with_case(db, CaseState.COMPLETED)
    await sign_in(client, coordinator)

    page = await client.get(f"/cases/{case.id}/closure")
    assert "is closed" in page.text
    assert 'name="outcome"' not in page.text
    response = await post_form(client, f"/cases/{case.id}/closure", closing("withdrawn", "again"))
    assert response.status_code == 409
    assert (await fresh(db, Case, case.id)).state == CaseState.COMPLETED


async def source_with_contact(db: AsyncSession, case: Case) -> ReferralSource:
    referral = await db.scalar(select(Referral).where(Referral.id == case.referral_id))
    source = await db.scalar(select(ReferralSource).where(ReferralSource.id == referral.source_id))
    source.contact_name = "Sgt. Paula Grant"
    source.address = "12 Court Street\nRiverside, NY 10001"
    await db.commit()
    return source


async def test_the_completion_letter_lists_what_was_done(client, db):
    program, coordinator, case = await coordinator_with_case(db, source_reference="PD-2026-118")
    source = await source_with_contact(db, case)
    await make_sanction(
        db, program, case, quantity="20", status=SanctionStatus.COMPLETED, description="Food bank"
    )
    await sign_in(client, coordinator)
    await post_form(client, f"/cases/{case.id}/closure", closing("successful"))

    letter = await client.get(f"/cases/{case.id}/letter")

    assert letter.status_code == 200
    youth = await db.scalar(select(Youth).where(Youth.id == case.youth_id))
    for expected in (
        source.name,
        "Sgt. Paula Grant",
        "12 Court Street<br>",
        "Riverside, NY 10001",
        case.number,
        youth.full_name,
        "PD-2026-118",
        "Completion of the youth court program",
        "has completed every",
        "Community service",
        "20 hours",
        "Food bank",
        "Maya Alvarez",
    ):
        assert expected in letter.text, expected
    assert "Return of the referral" not in letter.text
    [entry] = await audited(db, "letter_view")
    assert entry.record_id == str(case.id)
    assert entry.details == {}


async def test_the_return_letter_details_each_unmet_sanction(client, db):
    program, coordinator, case = await coordinator_with_case(db)
    await source_with_contact(db, case)
    hours = await make_sanction(db, program, case, quantity="20", due_on=TODAY - 4 * DAY)
    await make_sanction(db, program, case, SanctionType.APOLOGY_LETTER, "1", status=SanctionStatus.COMPLETED)
    await make_sanction(db, program, case, SanctionType.RESTITUTION, "150.50", due_on=TODAY - 2 * DAY)
    await sign_in(client, coordinator)
    await post_form(
        client,
        f"/sanctions/{hours.id}/progress",
        {
            "occurred_on": TODAY.isoformat(),
            "amount": "6",
            "kind": "hours",
            "site": "Park",
            "verified_by": "J. Ortiz",
        },
    )
    closed = await post_form(
        client, f"/cases/{case.id}/closure", closing("unsuccessful", "Did not finish service")
    )
    assert closed.status_code == 303

    letter = await client.get(f"/cases/{case.id}/letter")

    assert letter.status_code == 200
    text = letter.text
    assert "Return of the referral" in text
    assert "Reason: Did not finish service" in text
    assert "These sanctions were not completed:" in text
    assert "<td>20 hours</td><td>6 hours</td><td>" + (TODAY - 4 * DAY).isoformat() in text
    assert "<td>150.5 dollars</td><td>0 dollars</td><td>" + (TODAY - 2 * DAY).isoformat() in text
    assert "Completed: apology letter" in text
    assert "has completed every" not in text


async def test_an_open_case_has_no_letter(client, db):
    _, coordinator, case = await coordinator_with_case(db)
    await sign_in(client, coordinator)
    response = await client.get(f"/cases/{case.id}/letter")
    assert response.status_code == 409
    assert "No letter yet" in response.text
    assert await audited(db, "letter_view") == []


async def test_unknown_and_foreign_cases_are_not_found(client, db):
    _, coordinator, _ = await coordinator_with_case(db)
    _, _, foreign = await coordinator_with_case(db, CaseState.COMPLETED)
    await sign_in(client, coordinator)

    for case_id in (uuid.uuid4(), foreign.id):
        for path in (f"/cases/{case_id}/closure", f"/cases/{case_id}/letter"):
            response = await client.get(path)
            assert response.status_code == 404, path
            assert foreign.number not in response.text
        posted = await post_form(client, f"/cases/{case_id}/closure", closing("withdrawn", "x"))
        assert posted.status_code == 404
    assert (await fresh(db, Case, foreign.id)).closure_reason == ""


@pytest.mark.parametrize("role", [Role.JUROR, Role.EVALUATOR])
async def test_jurors_and_evaluators_cannot_close_cases(client, db, role):
    program, _, case = await coordinator_with_case(db, CaseState.UNSUCCESSFUL)
    await sign_in_with_form(client, await make_user(db, program, role))
    for path in (f"/cases/{case.id}/closure", f"/cases/{case.id}/letter"):
        assert (await client.get(path)).status_code == 403, path
    assert (
        await post_form(client, f"/cases/{case.id}/closure", closing("withdrawn", "x"))
    ).status_code == 403


async def test_the_case_page_shows_closure_and_follow_ups(client, db):
    program, coordinator, case = await coordinator_with_case(db, received_on=datetime.date(2025, 1, 10))
    await make_sanction(db, program, case, status=SanctionStatus.COMPLETED)
    case.state = CaseState.COMPLETED
    case.closed_on = datetime.date(2025, 6, 30)
    case.closure_reason = "All sanctions done"
    db.add_all(
        FollowUpCheck(
            program_id=program.id,
            case_id=case.id,
            window_months=months,
            due_on=follow_up_end(case.closed_on, months),
            completed_on=datetime.date(2026, 1, 4) if months == 6 else None,
        )
        for months in (12, 6, 60)
    )
    await db.commit()
    with program_scope(ProgramScope.of(program.id)):
        assert len((await load_closure(db, case))["closure_checks"]) == 3
    await sign_in(client, coordinator)

    html = (await client.get(f"/cases/{case.id}")).text

    section = html[html.index('id="closure"') :]
    assert "Closed on 2025-06-30 as <strong>completed</strong>" in section
    assert "All sanctions done" in section
    assert f'href="/cases/{case.id}/letter"' in section
    assert section.index("2025-12-30") < section.index("2026-06-30") < section.index("2030-06-30")
    assert "Done on 2026-01-04" in section
    assert "<mark>Due since 2026-06-30</mark>" in section
    assert "Close the case" not in section

    open_case = await make_case(db, program, CaseState.INTAKE, coordinator=coordinator)
    html = (await client.get(f"/cases/{open_case.id}")).text
    section = html[html.index('id="closure"') :]
    assert f'href="/cases/{open_case.id}/closure"' in section
    assert "Close the case" in section


async def test_closure_audits_the_form_view(client, db):
    _, coordinator, case = await coordinator_with_case(db)
    await sign_in(client, coordinator)
    await client.get(f"/cases/{case.id}/closure")
    [entry] = await audited(db, "closure_form_view")
    assert entry.record_type == "case"
    assert entry.record_id == str(case.id)
    assert await db.scalar(select(func.count()).select_from(FollowUpCheck)) == 0
