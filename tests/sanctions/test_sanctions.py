"""Dispositions checked against the grid, sanction progress, completion, extensions and overdue work."""

from __future__ import annotations

import datetime
import re
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_case, make_program, make_user, post_form, sign_in, sign_in_with_form
from youthcourt.audit.models import AuditEntry
from youthcourt.cases import sections
from youthcourt.cases.models import Case, CaseEvent, CaseState, EventKind
from youthcourt.hearings.models import (
    Courtroom,
    Hearing,
    HearingNight,
    HearingOutcome,
    Investigation,
    InvestigationFactor,
)
from youthcourt.programs.models import Program, Role
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.reference.models import Factor, FactorKind, SanctionType
from youthcourt.referrals.models import Youth
from youthcourt.sanctions import services
from youthcourt.sanctions.case_sections import load_sanctions
from youthcourt.sanctions.models import (
    DeadlineExtension,
    Disposition,
    ProgressKind,
    Sanction,
    SanctionProgress,
    SanctionStatus,
)
from youthcourt.sanctions.services import record_progress

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# Factories for this area


async def coordinator_with_case(
    db: AsyncSession, state: CaseState = CaseState.SCHEDULED, *, offense_class: str = "A"
) -> tuple[Program, Any, Case]:
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    case = await make_case(db, program, state, coordinator=coordinator, offense_class=offense_class)
    return program, coordinator, case


async def make_hearing(
    db: AsyncSession, program: Program, case: Case, held_on: datetime.date = TODAY
) -> Hearing:
    night = HearingNight(
        program_id=program.id,
        held_on=held_on,
        starts_at=datetime.time(18),
        ends_at=datetime.time(20),
        location="Town hall",
    )
    db.add(night)
    await db.flush()
    courtroom = Courtroom(program_id=program.id, night_id=night.id, name="Courtroom A")
    db.add(courtroom)
    await db.flush()
    hearing = Hearing(program_id=program.id, courtroom_id=courtroom.id, case_id=case.id)
    db.add(hearing)
    await db.commit()
    return hearing


async def make_sanction(
    db: AsyncSession,
    program: Program,
    case: Case,
    sanction_type: SanctionType = SanctionType.COMMUNITY_SERVICE,
    quantity: str = "20",
    *,
    due_on: datetime.date | None = None,
    decided_on: datetime.date | None = None,
    status: SanctionStatus = SanctionStatus.OPEN,
    description: str = "",
) -> Sanction:
    """A sanction of a disposition on ``case`` (made when missing); the case moves to sanctions in progress."""
    disposition = await db.scalar(select(Disposition).where(Disposition.case_id == case.id))
    if disposition is None:
        disposition = Disposition(
            program_id=program.id, case_id=case.id, decided_on=decided_on or TODAY - 30 * DAY
        )
        db.add(disposition)
        await db.flush()
    due_on = due_on or TODAY + 60 * DAY
    sanction = Sanction(
        program_id=program.id,
        case_id=case.id,
        disposition_id=disposition.id,
        sanction_type=sanction_type,
        quantity=Decimal(quantity),
        due_on=due_on,
        original_due_on=due_on,
        status=status,
        completed_on=TODAY - DAY if status == SanctionStatus.COMPLETED else None,
        description=description,
    )
    db.add(sanction)
    if not case.state.is_closed:
        case.state = CaseState.SANCTIONS_IN_PROGRESS
    await db.commit()
    return sanction


NOT_TIED = {"factor": "none", "no_factor_reason": "Asked for by the family; not tied to a finding."}


def sanction_rows(*rows: dict[str, str]) -> dict[str, str]:
    """Form fields for the disposition's rows: ``{"type": ..., "quantity": ...}`` becomes ``s1_type`` ...

    A row with a type and no factor says it addresses none of the jury's findings, with a reason.
    """
    filled = [{**NOT_TIED, **row} if row.get("type") and "factor" not in row else row for row in rows]
    return {f"s{number}_{name}": value for number, row in enumerate(filled, 1) for name, value in row.items()}


async def record_findings(db: AsyncSession, program: Program, hearing: Hearing, *factors: Factor) -> None:
    """The jury's investigation record at ``hearing``, naming ``factors``."""
    record = Investigation(
        program_id=program.id, hearing_id=hearing.id, questioning_summary="Asked about school."
    )
    record.factors = [InvestigationFactor(program_id=program.id, factor_id=factor.id) for factor in factors]
    db.add(record)
    await db.commit()


async def factors_of(db: AsyncSession, program: Program, kind: FactorKind) -> list[Factor]:
    return list(
        (
            await db.scalars(
                select(Factor)
                .where(Factor.program_id == program.id, Factor.kind == kind)
                .order_by(Factor.name)
            )
        ).all()
    )


async def fresh(db: AsyncSession, model: Any, record_id: uuid.UUID) -> Any:
    return await db.scalar(
        select(model).where(model.id == record_id).execution_options(populate_existing=True)
    )


async def count(db: AsyncSession, model: Any, *where: Any) -> int:
    return await db.scalar(select(func.count()).select_from(model).where(*where)) or 0


async def audited(db: AsyncSession, action: str) -> list[AuditEntry]:
    return list((await db.scalars(select(AuditEntry).where(AuditEntry.action == action))).all())


# ---------------------------------------------------------------------------------------------
# Disposition


async def test_disposition_inside_the_grid_moves_the_case_and_marks_the_hearing_held(client, db):
    program, coordinator, case = await coordinator_with_case(db)
    hearing = await make_hearing(db, program, case, TODAY - 3 * DAY)
    factor = await db.scalar(
        select(Factor).where(Factor.program_id == program.id, Factor.kind == FactorKind.CONTRIBUTING)
    )
    await record_findings(db, program, hearing, factor)
    await sign_in(client, coordinator)

    form = await client.get(f"/cases/{case.id}/disposition?hearing={hearing.id}")
    assert form.status_code == 200
    assert "Sanction 1 type" in form.text
    assert "Sanction 6 reason outside the grid" in form.text
    assert f'<option value="{hearing.id}" selected>' in form.text
    decided = TODAY - 2 * DAY
    response = await post_form(
        client,
        f"/cases/{case.id}/disposition",
        {
            "decided_on": decided.isoformat(),
            "hearing": str(hearing.id),
            **sanction_rows(
                {"type": "community_service", "quantity": "12.5", "factor": str(factor.id)},
                {"type": "apology_letter", "quantity": "1", "due_on": (TODAY + 30 * DAY).isoformat()},
                {"type": "", "quantity": "", "due_on": "", "description": "", "reason": ""},
                {"type": "essay", "quantity": "500", "description": "What respect means"},
            ),
        },
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/cases/{case.id}"
    disposition = await db.scalar(select(Disposition).where(Disposition.case_id == case.id))
    assert disposition.hearing_id == hearing.id
    assert disposition.decided_on == decided
    sanctions = (
        await db.scalars(select(Sanction).where(Sanction.case_id == case.id).order_by(Sanction.created_at))
    ).all()
    assert [(s.sanction_type, s.quantity) for s in sanctions] == [
        (SanctionType.COMMUNITY_SERVICE, Decimal("12.50")),
        (SanctionType.APOLOGY_LETTER, Decimal("1.00")),
        (SanctionType.ESSAY, Decimal("500.00")),
    ]
    assert sanctions[0].due_on == decided + 90 * DAY, "the program's deadline is the default"
    assert sanctions[0].factor_id == factor.id
    assert sanctions[1].due_on == TODAY + 30 * DAY
    assert sanctions[2].description == "What respect means"
    assert all(s.original_due_on == s.due_on and s.status == SanctionStatus.OPEN for s in sanctions)
    assert all(s.outside_grid_reason == "" for s in sanctions)
    assert (await fresh(db, Case, case.id)).state == CaseState.SANCTIONS_IN_PROGRESS
    assert (await fresh(db, Hearing, hearing.id)).outcome == HearingOutcome.HELD
    events = (await db.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))).all()
    assert {e.kind for e in events} == {EventKind.TRANSITION, EventKind.SANCTION}
    assert any("Community service, 12.5 hours" in e.summary for e in events)
    [entry] = await audited(db, "disposition_create")
    assert entry.record_id == str(case.id)
    assert entry.details["sanctions"] == 3
    assert case.youth_id and "Youth" not in str(entry.details), "no personal data in the audit details"
    assert await audited(db, "disposition_form_view")


async def test_the_form_offers_only_the_factors_and_strengths_the_jury_found(client, db):
    program, coordinator, case = await coordinator_with_case(db)
    hearing = await make_hearing(db, program, case, TODAY - DAY)
    contributing = await factors_of(db, program, FactorKind.CONTRIBUTING)
    strengths = await factors_of(db, program, FactorKind.STRENGTH)
    found, not_found, strength = contributing[0], contributing[1], strengths[0]
    await record_findings(db, program, hearing, found, strength)
    await sign_in(client, coordinator)

    form = await client.get(f"/cases/{case.id}/disposition?hearing={hearing.id}")

    assert form.status_code == 200
    select_html = re.search(r'<select id="field-s1_factor".*?</select>', form.text, re.S).group(0)
    assert f'<option value="{found.id}" >{found.name}</option>' in select_html
    assert f'<option value="{strength.id}" >{strength.name}</option>' in select_html
    assert 'label="Strengths to build on"' in select_html
    assert str(not_found.id) not in select_html
    assert "No particular factor" not in form.text
    assert '<option value="">Choose a finding of the jury</option>' in select_html
    assert "None of the findings (give the reason)" in select_html


async def test_each_sanction_addresses_a_finding_or_says_why_not(client, db):
    program, coordinator, case = await coordinator_with_case(db)
    hearing = await make_hearing(db, program, case, TODAY - DAY)
    contributing = await factors_of(db, program, FactorKind.CONTRIBUTING)
    strength = (await factors_of(db, program, FactorKind.STRENGTH))[0]
    found, not_found = contributing[0], contributing[1]
    await record_findings(db, program, hearing, found, strength)
    await sign_in(client, coordinator)
    base = {"decided_on": TODAY.isoformat(), "hearing": str(hearing.id)}

    refused = await post_form(
        client,
        f"/cases/{case.id}/disposition",
        {
            **base,
            **sanction_rows(
                {"type": "community_service", "quantity": "10", "factor": ""},
                {"type": "essay", "quantity": "500", "factor": str(not_found.id)},
                {"type": "apology_letter", "quantity": "1", "factor": "none", "no_factor_reason": ""},
            ),
        },
    )

    assert refused.status_code == 422
    text = refused.text
    assert "Choose the finding sanction 1 addresses." in text
    assert "Choose one of the jury&#39;s findings for sanction 2." in text
    assert "Sanction 3 addresses none of the jury&#39;s findings: say why" in text
    assert re.search(r'<option value="none"\s+selected>None of the findings', text), "the choice is kept"
    assert await count(db, Sanction) == 0
    assert (await fresh(db, Case, case.id)).state == CaseState.SCHEDULED

    saved = await post_form(
        client,
        f"/cases/{case.id}/disposition",
        {
            **base,
            **sanction_rows(
                {"type": "community_service", "quantity": "10", "factor": str(found.id)},
                {"type": "essay", "quantity": "500", "factor": str(strength.id)},
                {
                    "type": "apology_letter",
                    "quantity": "1",
                    "factor": "none",
                    "no_factor_reason": "The victim asked for a letter.",
                },
            ),
        },
    )

    assert saved.status_code == 303
    sanctions = (
        await db.scalars(select(Sanction).where(Sanction.case_id == case.id).order_by(Sanction.created_at))
    ).all()
    assert [(s.factor_id, s.no_factor_reason) for s in sanctions] == [
        (found.id, ""),
        (strength.id, ""),
        (None, "The victim asked for a letter."),
    ]
    [entry] = await audited(db, "disposition_create")
    assert entry.details["no_finding"] == 1
    section = await client.get(f"/cases/{case.id}")
    assert "Addresses none of the jury's findings: The victim asked for a letter." in section.text


async def test_without_an_investigation_record_the_form_says_so_and_links_to_it(client, db):
    program, coordinator, case = await coordinator_with_case(db)
    hearing = await make_hearing(db, program, case, TODAY - DAY)
    await sign_in(client, coordinator)

    form = await client.get(f"/cases/{case.id}/disposition?hearing={hearing.id}")

    assert "The jury's findings are not recorded yet." in form.text
    assert f'href="/hearings/slots/{hearing.id}/investigation"' in form.text
    select_html = re.search(r'<select id="field-s1_factor".*?</select>', form.text, re.S).group(0)
    assert "<optgroup" not in select_html
    refused = await post_form(
        client,
        f"/cases/{case.id}/disposition",
        {
            "decided_on": TODAY.isoformat(),
            "hearing": str(hearing.id),
            **sanction_rows({"type": "apology_letter", "quantity": "1", "factor": ""}),
        },
    )
    assert refused.status_code == 422
    assert (
        "The jury&#39;s findings are not recorded yet: record the investigation record first" in refused.text
    )


async def test_outside_the_grid_without_a_reason_is_refused_with_the_range(client, db):
    _, coordinator, case = await coordinator_with_case(db, offense_class="A")
    await sign_in(client, coordinator)

    response = await post_form(
        client,
        f"/cases/{case.id}/disposition",
        {
            "decided_on": TODAY.isoformat(),
            "notes": "Jury was unanimous",
            **sanction_rows(
                {"type": "jury_duty", "quantity": "2"},
                {
                    "type": "community_service",
                    "quantity": "30",
                    "due_on": (TODAY + 40 * DAY).isoformat(),
                    "description": "Food bank",
                },
            ),
        },
    )

    assert response.status_code == 422
    assert "Sanction 2: 30 hours of community service is outside the grid." in response.text
    assert "The grid allows 8 to 17 for this offense class." in response.text
    assert 'aria-invalid="true" aria-describedby="error-s2_reason"' in response.text
    assert "error-s1_" not in response.text, "the row inside the grid has no error"
    for kept in ('value="30"', 'value="Food bank"', f'value="{(TODAY + 40 * DAY).isoformat()}"', 'value="2"'):
        assert kept in response.text
    assert '<option value="community_service" selected>' in response.text
    assert '<option value="jury_duty" selected>' in response.text
    assert "Jury was unanimous" in response.text
    assert await count(db, Disposition) == 0
    assert await count(db, Sanction) == 0
    assert (await fresh(db, Case, case.id)).state == CaseState.SCHEDULED


async def test_outside_the_grid_with_a_reason_is_accepted_and_the_reason_kept(client, db):
    _, coordinator, case = await coordinator_with_case(db, offense_class="D")
    await sign_in(client, coordinator)

    response = await post_form(
        client,
        f"/cases/{case.id}/disposition",
        {
            "decided_on": TODAY.isoformat(),
            **sanction_rows(
                {"type": "community_service", "quantity": "60", "reason": "Damage was extensive"},
                {"type": "community_service", "quantity": "40", "reason": "Inside anyway"},
            ),
        },
    )

    assert response.status_code == 303
    sanctions = (await db.scalars(select(Sanction).order_by(Sanction.quantity.desc()))).all()
    assert sanctions[0].outside_grid_reason == "Damage was extensive"
    assert sanctions[1].outside_grid_reason == "", "a sanction inside the grid needs no reason"
    [entry] = await audited(db, "disposition_create")
    assert entry.details["outside_grid"] == 1


async def test_each_row_is_checked(client, db):
    _, coordinator, case = await coordinator_with_case(db)
    await sign_in(client, coordinator)

    response = await post_form(
        client,
        f"/cases/{case.id}/disposition",
        {
            "decided_on": TODAY.isoformat(),
            **sanction_rows(
                {"type": "community_service", "quantity": "0"},
                {"type": "community_service", "quantity": "-4"},
                {"type": "jury_duty", "quantity": "2.5"},
                {"type": "restitution", "quantity": "10.255"},
                {"type": "workshop", "quantity": "2", "due_on": (TODAY - DAY).isoformat()},
                {"type": "", "quantity": "3", "factor": str(uuid.uuid4())},
            ),
        },
    )

    assert response.status_code == 422
    text = response.text
    assert "The quantity of sanction 1 must be more than 0." in text
    assert "The quantity of sanction 2 must be more than 0." in text
    assert "The quantity of sanction 3 must be a whole number." in text
    assert "The quantity of sanction 4 can have at most two decimal places." in text
    assert "The due date of sanction 5 cannot be before the decision" in text
    assert "Choose the type of sanction 6." in text
    assert "Choose one of the jury&#39;s findings for sanction 6." in text
    assert await count(db, Sanction) == 0


async def test_a_disposition_needs_a_sanction_and_a_sensible_date(client, db):
    _, coordinator, case = await coordinator_with_case(db)
    await sign_in(client, coordinator)

    empty = await post_form(
        client, f"/cases/{case.id}/disposition", {"decided_on": TODAY.isoformat(), **sanction_rows({})}
    )
    assert empty.status_code == 422
    assert "Enter at least one sanction." in empty.text

    future = await post_form(
        client,
        f"/cases/{case.id}/disposition",
        {
            "decided_on": (TODAY + DAY).isoformat(),
            **sanction_rows({"type": "apology_letter", "quantity": "1"}),
        },
    )
    assert future.status_code == 422
    assert "cannot be in the future" in future.text
    before = await post_form(
        client,
        f"/cases/{case.id}/disposition",
        {
            "decided_on": (case.opened_on - DAY).isoformat(),
            **sanction_rows({"type": "apology_letter", "quantity": "1"}),
        },
    )
    assert before.status_code == 422
    assert "cannot be before the case opened" in before.text
    assert await count(db, Disposition) == 0


@pytest.mark.parametrize(
    "state", [CaseState.AWAITING_HEARING, CaseState.SANCTIONS_IN_PROGRESS, CaseState.COMPLETED]
)
async def test_a_disposition_is_recorded_only_for_a_scheduled_case(client, db, state):
    _, coordinator, case = await coordinator_with_case(db, state)
    await sign_in(client, coordinator)

    form = await client.get(f"/cases/{case.id}/disposition")
    assert form.status_code == 200
    assert "Record the disposition</button>" not in form.text
    assert 'role="alert"' in form.text
    response = await post_form(
        client,
        f"/cases/{case.id}/disposition",
        {"decided_on": TODAY.isoformat(), **sanction_rows({"type": "apology_letter", "quantity": "1"})},
    )
    assert response.status_code == 409
    assert await count(db, Disposition) == 0
    assert (await fresh(db, Case, case.id)).state == state


async def test_a_second_submission_of_the_disposition_records_nothing_more(client, db):
    _, coordinator, case = await coordinator_with_case(db)
    await sign_in(client, coordinator)
    data = {"decided_on": TODAY.isoformat(), **sanction_rows({"type": "apology_letter", "quantity": "1"})}

    assert (await post_form(client, f"/cases/{case.id}/disposition", data)).status_code == 303
    again = await post_form(client, f"/cases/{case.id}/disposition", data)

    assert again.status_code == 409
    assert "already recorded" in again.text
    assert await count(db, Sanction) == 1


async def test_unknown_and_foreign_ids_are_not_found(client, db):
    _program, coordinator, case = await coordinator_with_case(db)
    other_program, _, foreign_case = await coordinator_with_case(db)
    foreign_sanction = await make_sanction(db, other_program, foreign_case)
    foreign_hearing = await make_hearing(db, other_program, foreign_case)
    await sign_in(client, coordinator)

    for path in (
        f"/cases/{uuid.uuid4()}/disposition",
        f"/cases/{foreign_case.id}/disposition",
        f"/cases/{case.id}/disposition?hearing={foreign_hearing.id}",
        f"/cases/{case.id}/disposition?hearing=not-an-id",
        f"/sanctions/{uuid.uuid4()}",
        f"/sanctions/{foreign_sanction.id}",
    ):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert foreign_case.number not in response.text
    data = {"decided_on": TODAY.isoformat(), **sanction_rows({"type": "apology_letter", "quantity": "1"})}
    assert (await post_form(client, f"/cases/{foreign_case.id}/disposition", data)).status_code == 404
    with_foreign_hearing = {**data, "hearing": str(foreign_hearing.id)}
    assert (await post_form(client, f"/cases/{case.id}/disposition", with_foreign_hearing)).status_code == 404
    for action, fields in (
        ("progress", {"occurred_on": TODAY.isoformat(), "amount": "1", "kind": "hours"}),
        ("extension", {"new_due_on": (TODAY + 200 * DAY).isoformat(), "reason": "x"}),
        ("status", {"status": "completed"}),
    ):
        response = await post_form(client, f"/sanctions/{foreign_sanction.id}/{action}", fields)
        assert response.status_code == 404, action
    assert await count(db, Disposition, Disposition.case_id == case.id) == 0
    assert await count(db, SanctionProgress) == 0
    assert (await fresh(db, Sanction, foreign_sanction.id)).status == SanctionStatus.OPEN


@pytest.mark.parametrize("role", [Role.JUROR, Role.EVALUATOR, Role.PROGRAM_ADMIN])
async def test_only_coordinators_reach_the_sanction_pages(client, db, role):
    program, _, case = await coordinator_with_case(db)
    sanction = await make_sanction(db, program, case)
    await sign_in_with_form(client, await make_user(db, program, role))

    for path in ("/sanctions", f"/sanctions/{sanction.id}", f"/cases/{case.id}/disposition"):
        assert (await client.get(path)).status_code == 403, path
    refused = await post_form(
        client, f"/sanctions/{sanction.id}/progress", {"occurred_on": TODAY.isoformat(), "amount": "5"}
    )
    assert refused.status_code == 403
    assert await count(db, SanctionProgress) == 0


# ---------------------------------------------------------------------------------------------
# Progress and completion


def progress(amount: str = "4", kind: str = "hours", **fields: str) -> dict[str, str]:
    return {
        "occurred_on": fields.pop("occurred_on", (TODAY - DAY).isoformat()),
        "amount": amount,
        "kind": kind,
        "site": fields.pop("site", "Riverside food bank"),
        "verified_by": fields.pop("verified_by", "Dana Whitfield"),
        **fields,
    }


async def test_progress_is_checked_and_kept_when_refused(client, db):
    program, coordinator, case = await coordinator_with_case(db)
    sanction = await make_sanction(db, program, case, decided_on=TODAY - 10 * DAY)
    await sign_in(client, coordinator)
    path = f"/sanctions/{sanction.id}/progress"

    negative = await post_form(client, path, progress("-3", notes="Saturday shift"))
    assert negative.status_code == 422
    assert "The amount must be more than 0." in negative.text
    assert 'value="-3"' in negative.text
    assert 'value="Riverside food bank"' in negative.text
    assert 'value="Saturday shift"' in negative.text
    zero = await post_form(client, path, progress("0"))
    assert "The amount must be more than 0." in zero.text
    future = await post_form(client, path, progress("2", occurred_on=(TODAY + DAY).isoformat()))
    assert future.status_code == 422
    assert "The date cannot be in the future." in future.text
    early = await post_form(client, path, progress("2", occurred_on=(TODAY - 11 * DAY).isoformat()))
    assert "cannot be before the disposition" in early.text
    unverified = await post_form(client, path, progress("2", site="", verified_by=""))
    assert "Enter the service site." in unverified.text
    assert "Enter who at the site verified the hours." in unverified.text
    wrong_kind = await post_form(client, path, progress("2", kind="payment"))
    assert "Choose what kind of progress this is." in wrong_kind.text
    too_precise = await post_form(client, path, progress("1.255"))
    assert "at most two decimal places" in too_precise.text
    for typed in ("1e3", "1,000.5", "NaN", "inf"):
        not_plain = await post_form(client, path, progress(typed))
        assert not_plain.status_code == 422, typed
        assert "Enter the amount as a number, for example 12." in not_plain.text, typed
        assert f'value="{typed}"' in not_plain.text
    assert await count(db, SanctionProgress) == 0


async def test_progress_adds_up_and_completes_the_sanction(client, db):
    program, coordinator, case = await coordinator_with_case(db)
    sanction = await make_sanction(db, program, case, quantity="20")
    await sign_in(client, coordinator)
    path = f"/sanctions/{sanction.id}/progress"

    first = await post_form(client, path, progress("12", occurred_on=(TODAY - 3 * DAY).isoformat()))
    assert first.status_code == 303
    assert first.headers["location"] == f"/sanctions/{sanction.id}"
    shown = await client.get(f"/sanctions/{sanction.id}")
    assert "12 of 20 hours" in shown.text
    assert '<progress value="12" max="20"' in shown.text
    assert "Riverside food bank" in shown.text
    assert "Dana Whitfield" in shown.text
    assert (await fresh(db, Sanction, sanction.id)).status == SanctionStatus.OPEN

    second = await post_form(client, path, progress("8.5", occurred_on=(TODAY - DAY).isoformat()))
    assert second.status_code == 303
    done = await fresh(db, Sanction, sanction.id)
    assert done.status == SanctionStatus.COMPLETED
    assert done.completed_on == TODAY - DAY
    page = await client.get(f"/sanctions/{sanction.id}")
    assert "The sanction is now complete." in page.text
    assert "20.5 of 20 hours" in page.text
    assert "Completed on" in page.text
    entries = await audited(db, "sanction_progress_record")
    assert len(entries) == 2
    assert {e.record_id for e in entries} == {str(sanction.id)}
    assert any(e.details["completed"] for e in entries)
    events = (await db.scalars(select(CaseEvent).where(CaseEvent.kind == EventKind.SANCTION))).all()
    assert [e.summary for e in events] == ["Community service completed."]
    assert await audited(db, "sanction_view")


async def test_a_letter_is_complete_once_reviewed(client, db):
    program, coordinator, case = await coordinator_with_case(db)
    sanction = await make_sanction(db, program, case, SanctionType.APOLOGY_LETTER, "1")
    await sign_in(client, coordinator)
    path = f"/sanctions/{sanction.id}/progress"

    page = await client.get(f"/sanctions/{sanction.id}")
    assert '<option value="received"' in page.text
    assert '<option value="hours"' not in page.text
    assert 'name="site"' not in page.text, "service sites are asked only for community service"
    received = await post_form(
        client, path, {"occurred_on": TODAY.isoformat(), "amount": "1", "kind": "received"}
    )
    assert received.status_code == 303
    assert (await fresh(db, Sanction, sanction.id)).status == SanctionStatus.OPEN
    assert "1 of 1 letter, not reviewed yet" in (await client.get(f"/sanctions/{sanction.id}")).text

    reviewed = await post_form(
        client, path, {"occurred_on": TODAY.isoformat(), "amount": "1", "kind": "reviewed"}
    )
    assert reviewed.status_code == 303
    done = await fresh(db, Sanction, sanction.id)
    assert done.status == SanctionStatus.COMPLETED
    assert done.completed_on == TODAY
    assert "1 of 1 letter, reviewed" in (await client.get(f"/sanctions/{sanction.id}")).text


async def test_a_double_submitted_progress_form_records_once(client, db):
    program, coordinator, case = await coordinator_with_case(db)
    sanction = await make_sanction(db, program, case)
    await sign_in(client, coordinator)
    page = await client.get(f"/sanctions/{sanction.id}")
    token = re.search(r'name="submission_token" value="([^"]+)"', page.text).group(1)

    first = await post_form(
        client, f"/sanctions/{sanction.id}/progress", progress("3", submission_token=token)
    )
    second = await post_form(
        client, f"/sanctions/{sanction.id}/progress", progress("3", submission_token=token)
    )

    assert first.status_code == second.status_code == 303
    assert await count(db, SanctionProgress) == 1
    assert len(await audited(db, "sanction_progress_record")) == 1
    again = await client.get(f"/sanctions/{sanction.id}")
    assert "This entry was already recorded." in again.text
    assert "3 of 20 hours" in again.text
    new_token = re.search(r'name="submission_token" value="([^"]+)"', again.text).group(1)
    assert new_token != token, "each page gives its form a new token"


async def test_coordinators_mark_a_sanction_completed_or_not(client, db):
    program, coordinator, case = await coordinator_with_case(db)
    sanction = await make_sanction(db, program, case)
    await sign_in(client, coordinator)
    path = f"/sanctions/{sanction.id}/status"

    assert (await post_form(client, path, {"status": "completed"})).status_code == 303
    marked = await fresh(db, Sanction, sanction.id)
    assert marked.status == SanctionStatus.COMPLETED
    assert marked.completed_on == TODAY
    assert (await post_form(client, path, {"status": "not_completed"})).status_code == 303
    marked = await fresh(db, Sanction, sanction.id)
    assert marked.status == SanctionStatus.NOT_COMPLETED
    assert marked.completed_on is None
    assert (await post_form(client, path, {"status": "finished"})).status_code == 422
    changes = await audited(db, "sanction_status_change")
    assert sorted((e.details["from"], e.details["to"]) for e in changes) == [
        ("completed", "not_completed"),
        ("open", "completed"),
    ]


async def test_closed_cases_keep_their_sanctions_as_they_are(client, db):
    program, coordinator, case = await coordinator_with_case(db, CaseState.UNSUCCESSFUL)
    sanction = await make_sanction(db, program, case)
    await sign_in(client, coordinator)

    page = await client.get(f"/sanctions/{sanction.id}")
    assert "Record progress" not in page.text
    refused = await post_form(client, f"/sanctions/{sanction.id}/progress", progress("3"))
    assert refused.status_code == 409
    assert (
        await post_form(client, f"/sanctions/{sanction.id}/status", {"status": "completed"})
    ).status_code == 409
    assert await count(db, SanctionProgress) == 0


async def test_record_progress_serves_other_areas_for_jury_duty(db):
    program, _coordinator, case = await coordinator_with_case(db)
    sanction = await make_sanction(db, program, case, SanctionType.JURY_DUTY, "2")
    with program_scope(ProgramScope.of(program.id)):
        first = await record_progress(db, sanction, ProgressKind.JURY_SERVICE, Decimal(1), TODAY - 7 * DAY)
        again = await record_progress(
            db, sanction, ProgressKind.JURY_SERVICE, Decimal(1), TODAY, submission_token="night-42"
        )
        repeated = await record_progress(
            db, sanction, ProgressKind.JURY_SERVICE, Decimal(1), TODAY, submission_token="night-42"
        )
        await db.commit()
    assert first.created and not first.completed
    assert again.created and again.completed
    assert not repeated.created and repeated.entry.id == again.entry.id
    assert sanction.status == SanctionStatus.COMPLETED
    assert sanction.completed_on == TODAY
    assert await count(db, SanctionProgress) == 2


# ---------------------------------------------------------------------------------------------
# Deadline extensions


async def test_an_extension_needs_a_later_date_and_a_reason(client, db):
    program, coordinator, case = await coordinator_with_case(db)
    due = TODAY + 10 * DAY
    sanction = await make_sanction(db, program, case, due_on=due)
    await sign_in(client, coordinator)
    path = f"/sanctions/{sanction.id}/extension"

    earlier = await post_form(client, path, {"new_due_on": due.isoformat(), "reason": "Illness"})
    assert earlier.status_code == 422
    assert f"The new due date must be after the current one ({due.isoformat()})." in earlier.text
    assert "Illness" in earlier.text
    no_reason = await post_form(client, path, {"new_due_on": (due + 30 * DAY).isoformat(), "reason": " "})
    assert no_reason.status_code == 422
    assert "Enter the reason for the extension." in no_reason.text
    assert f'value="{(due + 30 * DAY).isoformat()}"' in no_reason.text
    assert await count(db, DeadlineExtension) == 0

    granted = await post_form(
        client, path, {"new_due_on": (due + 30 * DAY).isoformat(), "reason": "Family moved house"}
    )
    assert granted.status_code == 303
    extended = await fresh(db, Sanction, sanction.id)
    assert extended.due_on == due + 30 * DAY
    assert extended.original_due_on == due
    extension = await db.scalar(select(DeadlineExtension))
    assert (extension.previous_due_on, extension.new_due_on) == (due, due + 30 * DAY)
    assert extension.reason == "Family moved house"
    assert extension.actor_name == coordinator.full_name
    [entry] = await audited(db, "sanction_extend")
    assert entry.details["to"] == (due + 30 * DAY).isoformat()
    page = await client.get(f"/sanctions/{sanction.id}")
    assert "Family moved house" in page.text
    assert f"first due {due.isoformat()}" in page.text


# ---------------------------------------------------------------------------------------------
# Monitoring


async def test_the_overdue_list_shows_only_open_work_past_its_date(client, db):
    program, coordinator, case = await coordinator_with_case(db)
    late = await make_sanction(
        db, program, case, quantity="20", due_on=TODAY - 5 * DAY, description="Park cleanup"
    )
    await make_sanction(
        db, program, case, SanctionType.ESSAY, "500", due_on=TODAY - 9 * DAY, status=SanctionStatus.COMPLETED
    )
    upcoming = await make_sanction(db, program, case, SanctionType.WORKSHOP, "2", due_on=TODAY + 5 * DAY)
    other_case = await make_case(db, program, CaseState.SANCTIONS_IN_PROGRESS, coordinator=coordinator)
    due_today = await make_sanction(db, program, other_case, SanctionType.MEDIATION, "1", due_on=TODAY)
    closed_case = await make_case(db, program, CaseState.WITHDRAWN, coordinator=coordinator)
    await make_sanction(db, program, closed_case, SanctionType.CURFEW, "10", due_on=TODAY - 30 * DAY)
    other_program, _, foreign_case = await coordinator_with_case(db)
    await make_sanction(db, other_program, foreign_case, due_on=TODAY - 5 * DAY)
    with program_scope(ProgramScope.of(program.id)):
        await record_progress(
            db, late, ProgressKind.HOURS, Decimal(3), TODAY - 6 * DAY, site="Park", verified_by="R. Lee"
        )
        await db.commit()
    youth = await db.scalar(select(Youth).where(Youth.id == case.youth_id))
    await sign_in(client, coordinator)

    overdue = await client.get("/sanctions")
    assert overdue.status_code == 200
    rows = re.findall(r"<tr>\s*<td><a href=\"/cases/", overdue.text)
    assert len(rows) == 1
    assert f'href="/sanctions/{late.id}"' in overdue.text
    assert "3 of 20 hours" in overdue.text
    assert "<mark>5</mark>" in overdue.text
    assert case.number in overdue.text
    assert youth.full_name in overdue.text
    assert "Park cleanup" in overdue.text
    assert foreign_case.number not in overdue.text
    assert 'aria-current="page"><strong>Overdue</strong>' in overdue.text

    everything = await client.get("/sanctions?view=open")
    for sanction in (late, upcoming, due_today):
        assert f'href="/sanctions/{sanction.id}"' in everything.text
    assert len(re.findall(r"<tr>\s*<td><a href=\"/cases/", everything.text)) == 3
    assert everything.text.index(str(late.id)) < everything.text.index(str(due_today.id))
    assert everything.text.index(str(due_today.id)) < everything.text.index(str(upcoming.id))

    workshops = await client.get(
        "/sanctions?view=open&type=workshop", headers={"HX-Request": "true", "HX-Target": "sanction-rows"}
    )
    assert f'href="/sanctions/{upcoming.id}"' in workshops.text
    assert str(late.id) not in workshops.text
    assert "<h1>" not in workshops.text, "htmx gets the rows only"
    assert 'hx-swap-oob="true"' in workshops.text, "and the tabs, which keep the chosen type"
    assert 'href="/sanctions?view=overdue&type=workshop"' in workshops.text
    none_late = await client.get("/sanctions?type=tutoring")
    assert "No sanction is overdue among tutoring sanctions." in none_late.text
    entries = await audited(db, "sanction_list_view")
    assert sorted(e.details["rows"] for e in entries) == [0, 1, 1, 3]


async def test_the_list_is_paginated(client, db):
    program, coordinator, case = await coordinator_with_case(db)
    for days in range(30):
        await make_sanction(db, program, case, SanctionType.TUTORING, "2", due_on=TODAY - (days + 1) * DAY)
    await sign_in(client, coordinator)

    first = await client.get("/sanctions")
    assert "Showing 1 to 25 of 30" in first.text
    second = await client.get("/sanctions?view=overdue&type=&page=2")
    assert "Showing 26 to 30 of 30" in second.text
    assert len(re.findall(r"<tr>\s*<td><a href=\"/cases/", second.text)) == 5


async def test_an_empty_program_says_there_is_nothing_overdue(client, db):
    program = await make_program(db)
    await sign_in_with_form(client, await make_user(db, program, Role.COORDINATOR))
    response = await client.get("/sanctions")
    assert response.status_code == 200
    assert "No sanction is overdue" in response.text
    assert "<table" not in response.text


# ---------------------------------------------------------------------------------------------
# The case page's section


async def test_the_case_page_shows_dispositions_with_progress(client, db):
    program, coordinator, case = await coordinator_with_case(db)
    hearing = await make_hearing(db, program, case, TODAY - 3 * DAY)
    hours = await make_sanction(db, program, case, quantity="10", description="Library shelving")
    disposition = await db.scalar(select(Disposition).where(Disposition.case_id == case.id))
    disposition.hearing_id = hearing.id
    await make_sanction(db, program, case, SanctionType.APOLOGY_LETTER, "1", status=SanctionStatus.COMPLETED)
    with program_scope(ProgramScope.of(program.id)):
        await record_progress(
            db, hours, ProgressKind.HOURS, Decimal(4), TODAY, site="Library", verified_by="M. Chen"
        )
        await db.commit()
        context = await load_sanctions(db, case)
    assert (context["sanction_total"], context["sanction_completed"]) == (2, 1)
    orders = {s.name: s.order for s in sections.registered()}
    assert (orders["sanctions"], orders["closure"]) == (40, 50)
    await sign_in(client, coordinator)

    html = (await client.get(f"/cases/{case.id}")).text

    section = html[html.index('id="sanctions"') : html.index('id="closure"')]
    assert "1 of 2 sanctions completed." in section
    assert "4 of 10 hours" in section
    assert '<progress value="4" max="10"' in section
    assert f'href="/sanctions/{hours.id}"' in section
    assert "Library shelving" in section
    assert "Courtroom A" in section
    assert "Record the disposition" not in section
    assert f'href="/cases/{case.id}/closure"' in html

    scheduled = await make_case(db, program, CaseState.SCHEDULED, coordinator=coordinator)
    html = (await client.get(f"/cases/{scheduled.id}")).text
    assert "No disposition recorded yet." in html
    assert f'href="/cases/{scheduled.id}/disposition"' in html


async def test_the_form_proposes_the_hearing_still_scheduled(client, db):
    program, coordinator, case = await coordinator_with_case(db)
    held = await make_hearing(db, program, case, TODAY - 30 * DAY)
    held.outcome = HearingOutcome.NO_SHOW
    await db.commit()
    waiting = await make_hearing(db, program, case, TODAY)
    upcoming = await make_hearing(db, program, case, TODAY + 7 * DAY)
    await sign_in(client, coordinator)

    form = await client.get(f"/cases/{case.id}/disposition")

    assert f'<option value="{waiting.id}" selected>' in form.text
    assert f'<option value="{held.id}" >' in form.text
    assert f'<option value="{upcoming.id}" >' in form.text, "a hearing still to come is not proposed"
    early = await post_form(
        client,
        f"/cases/{case.id}/disposition",
        {
            "decided_on": TODAY.isoformat(),
            "hearing": str(upcoming.id),
            **sanction_rows({"type": "apology_letter", "quantity": "1"}),
        },
    )
    assert early.status_code == 422
    assert f"cannot be before the hearing ({(TODAY + 7 * DAY).isoformat()})" in early.text
    assert await count(db, Disposition) == 0


async def test_the_form_proposes_the_hearing_already_marked_held(client, db):
    """The outcome is often recorded on the night, before the disposition is typed in."""
    program, coordinator, case = await coordinator_with_case(db)
    missed = await make_hearing(db, program, case, TODAY - 30 * DAY)
    missed.outcome = HearingOutcome.NO_SHOW
    held = await make_hearing(db, program, case, TODAY - 2 * DAY)
    held.outcome = HearingOutcome.HELD
    await db.commit()
    await sign_in(client, coordinator)

    form = await client.get(f"/cases/{case.id}/disposition")

    assert f'<option value="{held.id}" selected>' in form.text
    assert f'<option value="{missed.id}" >' in form.text


async def test_the_case_section_loads_in_a_fixed_number_of_queries(db):
    program, _, small = await coordinator_with_case(db)
    await make_sanction(db, program, small)
    big = await make_case(db, program, CaseState.SCHEDULED)
    for kind in (
        SanctionType.COMMUNITY_SERVICE,
        SanctionType.ESSAY,
        SanctionType.TUTORING,
        SanctionType.CURFEW,
    ):
        sanction = await make_sanction(db, program, big, kind, "10")
        with program_scope(ProgramScope.of(program.id)):
            for day in range(3):
                await record_progress(
                    db, sanction, services.PROGRESS_KINDS[kind][0], Decimal(1), TODAY - day * DAY, site="x"
                )
        await db.commit()
    statements: list[str] = []

    def count_statement(*args: Any) -> None:
        statements.append(args[2])

    engine = db.bind.sync_engine
    with program_scope(ProgramScope.of(program.id)):
        await load_sanctions(db, small)  # the program's time zone is read once per session
    event.listen(engine, "before_cursor_execute", count_statement)
    try:
        with program_scope(ProgramScope.of(program.id)):
            await load_sanctions(db, small)
            for_small = len(statements)
            statements.clear()
            loaded = await load_sanctions(db, big)
    finally:
        event.remove(engine, "before_cursor_execute", count_statement)

    assert loaded["sanction_total"] == 4
    assert for_small >= 2, "the listener saw the queries"
    assert len(statements) == for_small


@pytest.mark.parametrize("sanction_type", [t for t in SanctionType if t != SanctionType.COMMUNITY_SERVICE])
async def test_hours_are_logged_on_community_service_alone(db, sanction_type):
    """The measures count every entry of hours as community service served, without reading its
    sanction: an entry of hours on any other sanction is refused, and nothing is written."""
    program = await make_program(db)
    case = await make_case(db, program, CaseState.SANCTIONS_IN_PROGRESS)
    sanction = await make_sanction(db, program, case, sanction_type, "4", due_on=TODAY + 5 * DAY)
    with program_scope(ProgramScope.of(program.id)), pytest.raises(services.ProgressError):
        await record_progress(db, sanction, ProgressKind.HOURS, Decimal(3), TODAY)
    assert await db.scalar(select(func.count()).select_from(SanctionProgress)) == 0
