"""DispositionService and SanctionService without HTTP: what they save, refuse, put on the timeline and audit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from litestar.exceptions import NotFoundException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_case, make_program
from tests.sanctions.test_sanctions import (
    DAY,
    TODAY,
    audited,
    coordinator_with_case,
    count,
    fresh,
    make_hearing,
    make_sanction,
    sanction_rows,
)
from tests.service_actors import actor_for
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import Case, CaseEvent, CaseState, EventKind
from youthcourt.cases.services import case_or_404
from youthcourt.hearings.models import Hearing, HearingOutcome
from youthcourt.programs.models import Program
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.reference.models import SanctionType
from youthcourt.sanctions.models import (
    DeadlineExtension,
    Disposition,
    Sanction,
    SanctionProgress,
    SanctionStatus,
)
from youthcourt.sanctions.services import DispositionService, SanctionService, load_sanction
from youthcourt.web.forms import Form


async def events(db: AsyncSession, case_id) -> list[CaseEvent]:
    query = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.occurred_at)
    return list((await db.scalars(query)).all())


async def record_disposition(db: AsyncSession, program: Program, case: Case, actor, fields: dict[str, str]):
    """The disposition form sent to the service, as the handler does, then committed."""
    form = Form.from_data(fields)
    with program_scope(ProgramScope.of(program.id)):
        result = await DispositionService(db).record(
            await case_or_404(db, case.id, actor.viewer), form, actor
        )
        await db.commit()
    return form, result


async def change_sanction(db: AsyncSession, program: Program, sanction: Sanction, method: str, actor, fields):
    """``SanctionService.<method>`` on the sanction's page with ``fields``, then committed."""
    form = Form.from_data(fields)
    with program_scope(ProgramScope.of(program.id)):
        page = await load_sanction(db, sanction.id, actor.viewer)
        change = await getattr(SanctionService(db), method)(page, form, actor)
        await db.commit()
    return form, change


# ---------------------------------------------------------------------------------------------
# Recording a disposition


async def test_recording_a_disposition_moves_the_case_and_writes_its_timeline_and_audit_entry(db):
    program, coordinator, case = await coordinator_with_case(db)
    hearing = await make_hearing(db, program, case, TODAY - 2 * DAY)
    actor = actor_for(coordinator, program)

    form, result = await record_disposition(
        db,
        program,
        case,
        actor,
        {
            "decided_on": (TODAY - DAY).isoformat(),
            "hearing": str(hearing.id),
            "notes": "Calm hearing.",
            **sanction_rows(
                {"type": "community_service", "quantity": "10"},
                {"type": "essay", "quantity": "300", "due_on": (TODAY + 20 * DAY).isoformat()},
            ),
        },
    )

    assert form.is_valid and not result.problem
    assert result.disposition is not None
    assert result.disposition.hearing_id == hearing.id
    assert result.disposition.notes == "Calm hearing."
    assert (await fresh(db, Case, case.id)).state == CaseState.SANCTIONS_IN_PROGRESS
    assert (await fresh(db, Hearing, hearing.id)).outcome == HearingOutcome.HELD
    sanctions = (await db.scalars(select(Sanction).order_by(Sanction.created_at))).all()
    assert [(s.sanction_type, s.quantity) for s in sanctions] == [
        (SanctionType.COMMUNITY_SERVICE, Decimal("10.00")),
        (SanctionType.ESSAY, Decimal("300.00")),
    ]
    assert sanctions[1].due_on == TODAY + 20 * DAY
    timeline = await events(db, case.id)
    assert [(e.kind, e.actor_name) for e in timeline] == [
        (EventKind.TRANSITION, coordinator.full_name),
        (EventKind.SANCTION, coordinator.full_name),
    ]
    assert timeline[0].to_state == CaseState.SANCTIONS_IN_PROGRESS.value
    assert timeline[1].summary.startswith("Disposition: Community service, 10 hours, due ")
    [entry] = await audited(db, "disposition_create")
    assert entry.record_id == str(case.id)
    assert entry.actor_id == coordinator.id
    assert entry.ip_address == "192.0.2.7"
    assert entry.details == {
        "disposition_id": str(result.disposition.id),
        "sanctions": 2,
        "outside_grid": 0,
        "no_finding": 2,
        "hearing_id": str(hearing.id),
    }


@pytest.mark.parametrize(
    ("decided_on", "message"),
    [
        ("2026-02-30", "Enter the date of the decision as a real date, for example 2026-03-14."),
        ((TODAY + DAY).isoformat(), "The date of the decision cannot be in the future."),
        ((TODAY - 3 * DAY).isoformat(), "The date of the decision cannot be before the hearing"),
    ],
)
async def test_a_bad_decision_date_is_a_field_error_and_writes_nothing(db, decided_on, message):
    program, coordinator, case = await coordinator_with_case(db)
    hearing = await make_hearing(db, program, case, TODAY - 2 * DAY)

    form, result = await record_disposition(
        db,
        program,
        case,
        actor_for(coordinator, program),
        {
            "decided_on": decided_on,
            "hearing": str(hearing.id),
            **sanction_rows({"type": "community_service", "quantity": "10"}),
        },
    )

    assert result.disposition is None and not result.problem
    assert form.errors["decided_on"].startswith(message)
    assert result.choices.hearings.keys() == {str(hearing.id)}, "the form can be shown again"
    assert (await fresh(db, Case, case.id)).state == CaseState.SCHEDULED
    assert (await fresh(db, Hearing, hearing.id)).outcome == HearingOutcome.SCHEDULED
    assert await count(db, Disposition) == 0
    assert await count(db, Sanction) == 0
    assert await events(db, case.id) == []
    assert await count(db, AuditEntry) == 0


async def test_a_row_outside_the_grid_without_a_reason_is_an_error_on_that_row(db):
    program, coordinator, case = await coordinator_with_case(db)

    form, result = await record_disposition(
        db,
        program,
        case,
        actor_for(coordinator, program),
        {
            "decided_on": TODAY.isoformat(),
            **sanction_rows(
                {"type": "community_service", "quantity": "10"},
                {"type": "community_service", "quantity": "999"},
            ),
        },
    )

    assert result.disposition is None
    assert list(form.errors) == ["s2_reason"]
    assert "999 hours of community service is outside the grid" in form.errors["s2_reason"]
    assert await count(db, Sanction) == 0


async def test_a_disposition_is_refused_for_a_case_not_scheduled(db):
    program, coordinator, case = await coordinator_with_case(db, CaseState.AWAITING_HEARING)

    _, result = await record_disposition(
        db,
        program,
        case,
        actor_for(coordinator, program),
        {"decided_on": TODAY.isoformat(), **sanction_rows({"type": "essay", "quantity": "300"})},
    )

    assert result.disposition is None
    assert result.problem == (
        "A disposition is recorded for a case scheduled for its hearing. This case is awaiting hearing."
    )
    assert await count(db, Disposition) == 0
    assert await count(db, AuditEntry) == 0


async def test_a_second_disposition_at_the_same_hearing_is_a_field_error(db):
    program, coordinator, case = await coordinator_with_case(db)
    hearing = await make_hearing(db, program, case, TODAY - DAY)
    db.add(Disposition(program_id=program.id, case_id=case.id, hearing_id=hearing.id, decided_on=TODAY))
    await db.commit()

    form, result = await record_disposition(
        db,
        program,
        case,
        actor_for(coordinator, program),
        {
            "decided_on": TODAY.isoformat(),
            "hearing": str(hearing.id),
            **sanction_rows({"type": "essay", "quantity": "300"}),
        },
    )

    assert result.disposition is None
    assert form.errors == {"hearing": "A disposition was already recorded at this hearing."}
    assert await count(db, Disposition) == 1
    assert await count(db, Sanction) == 0


async def test_opening_the_form_is_audited_and_another_case_s_hearing_is_not_found(db):
    program, coordinator, case = await coordinator_with_case(db)
    other = await make_case(db, program, CaseState.SCHEDULED)
    foreign = await make_hearing(db, program, other, TODAY - DAY)
    actor = actor_for(coordinator, program)

    with program_scope(ProgramScope.of(program.id)):
        loaded = await case_or_404(db, case.id, actor.viewer)
        with pytest.raises(NotFoundException):
            await DispositionService(db).open_form(loaded, actor, str(foreign.id))
        choices = await DispositionService(db).open_form(loaded, actor)
        await db.commit()

    assert choices.hearings == {}
    assert choices.deadline_days == 90
    [entry] = await audited(db, "disposition_form_view")
    assert entry.record_id == str(case.id)


# ---------------------------------------------------------------------------------------------
# Progress, extensions and status


async def test_progress_that_meets_the_sanction_completes_it_and_is_audited(db):
    program, coordinator, case = await coordinator_with_case(db)
    sanction = await make_sanction(db, program, case, quantity="4")
    fields = {
        "occurred_on": TODAY.isoformat(),
        "kind": "hours",
        "amount": "4",
        "site": "Food bank",
        "verified_by": "Ana Ruiz",
        "submission_token": "form-1",
    }

    form, change = await change_sanction(
        db, program, sanction, "add_progress", actor_for(coordinator, program), fields
    )
    _, again = await change_sanction(
        db, program, sanction, "add_progress", actor_for(coordinator, program), fields
    )

    assert form.is_valid and change.completed and not change.repeated
    assert again.repeated, "the same form sent twice records once"
    assert await count(db, SanctionProgress) == 1
    completed = await fresh(db, Sanction, sanction.id)
    assert (completed.status, completed.completed_on) == (SanctionStatus.COMPLETED, TODAY)
    assert [e.summary for e in await events(db, case.id)] == ["Community service completed."]
    [entry] = await audited(db, "sanction_progress_record")
    assert entry.details == {"case_id": str(case.id), "kind": "hours", "amount": "4.00", "completed": True}


async def test_progress_before_the_disposition_is_a_field_error_and_writes_nothing(db):
    program, coordinator, case = await coordinator_with_case(db)
    sanction = await make_sanction(db, program, case, decided_on=TODAY - 5 * DAY)

    form, change = await change_sanction(
        db,
        program,
        sanction,
        "add_progress",
        actor_for(coordinator, program),
        {"occurred_on": (TODAY - 6 * DAY).isoformat(), "kind": "hours", "amount": "2", "site": "Park"},
    )

    assert not change.problem and not change.completed
    assert form.errors["occurred_on"] == (
        f"The date cannot be before the disposition ({(TODAY - 5 * DAY).isoformat()})."
    )
    assert form.errors["verified_by"] == "Enter who at the site verified the hours."
    assert await count(db, SanctionProgress) == 0
    assert await count(db, AuditEntry) == 0


async def test_a_closed_case_s_sanction_cannot_change(db):
    program, coordinator, case = await coordinator_with_case(db, CaseState.COMPLETED)
    sanction = await make_sanction(db, program, case)
    actor = actor_for(coordinator, program)

    for method, fields in (
        ("add_progress", {"occurred_on": TODAY.isoformat(), "kind": "hours", "amount": "2"}),
        ("extend", {"new_due_on": (TODAY + 90 * DAY).isoformat(), "reason": "Illness"}),
        ("set_status", {"status": "completed"}),
    ):
        _, change = await change_sanction(db, program, sanction, method, actor, fields)
        assert change.problem == "The case is completed: its sanctions can no longer change.", method

    assert (await fresh(db, Sanction, sanction.id)).status == SanctionStatus.OPEN
    assert await count(db, SanctionProgress) == 0
    assert await count(db, DeadlineExtension) == 0
    assert await count(db, AuditEntry) == 0


async def test_an_extension_moves_the_due_date_with_its_reason_on_the_timeline(db):
    program, coordinator, case = await coordinator_with_case(db)
    due = TODAY + 10 * DAY
    sanction = await make_sanction(db, program, case, due_on=due)
    actor = actor_for(coordinator, program)

    refused, _ = await change_sanction(
        db, program, sanction, "extend", actor, {"new_due_on": due.isoformat(), "reason": "Illness"}
    )
    assert refused.errors == {
        "new_due_on": f"The new due date must be after the current one ({due.isoformat()})."
    }
    assert await count(db, DeadlineExtension) == 0

    form, change = await change_sanction(
        db,
        program,
        sanction,
        "extend",
        actor,
        {"new_due_on": (due + 30 * DAY).isoformat(), "reason": "Illness"},
    )

    assert form.is_valid and not change.problem
    assert (await fresh(db, Sanction, sanction.id)).due_on == due + 30 * DAY
    extension = await db.scalar(select(DeadlineExtension))
    assert (extension.previous_due_on, extension.actor_name) == (due, coordinator.full_name)
    [event] = await events(db, case.id)
    assert event.summary == (
        f"Community service: due date extended from {due.isoformat()} to {(due + 30 * DAY).isoformat()}. Illness"
    )
    [entry] = await audited(db, "sanction_extend")
    assert entry.details == {
        "case_id": str(case.id),
        "from": due.isoformat(),
        "to": (due + 30 * DAY).isoformat(),
    }


async def test_only_an_open_sanction_is_extended(db):
    program, coordinator, case = await coordinator_with_case(db)
    sanction = await make_sanction(db, program, case, status=SanctionStatus.COMPLETED)

    _, change = await change_sanction(
        db,
        program,
        sanction,
        "extend",
        actor_for(coordinator, program),
        {"new_due_on": (TODAY + 200 * DAY).isoformat(), "reason": "Illness"},
    )

    assert change.problem == "Only an open sanction's due date can be extended."
    assert await count(db, DeadlineExtension) == 0


async def test_a_status_set_by_hand_is_on_the_timeline_once(db):
    program, coordinator, case = await coordinator_with_case(db)
    sanction = await make_sanction(db, program, case, SanctionType.ESSAY, "300")
    actor = actor_for(coordinator, program)

    unknown, _ = await change_sanction(db, program, sanction, "set_status", actor, {"status": "lost"})
    assert unknown.errors == {"status": "Choose completed, not completed or open."}
    for _ in range(2):
        await change_sanction(db, program, sanction, "set_status", actor, {"status": "not_completed"})

    changed = await fresh(db, Sanction, sanction.id)
    assert (changed.status, changed.completed_on) == (SanctionStatus.NOT_COMPLETED, None)
    assert [e.summary for e in await events(db, case.id)] == ["Essay marked not completed."]
    [entry] = await audited(db, "sanction_status_change")
    assert entry.details == {"case_id": str(case.id), "from": "open", "to": "not_completed"}


async def test_the_monitoring_list_and_a_sanction_page_are_audited(db):
    program, coordinator, case = await coordinator_with_case(db)
    late = await make_sanction(db, program, case, due_on=TODAY - 3 * DAY)
    await make_sanction(db, program, case, SanctionType.ESSAY, "300", due_on=TODAY + 3 * DAY)
    other_program = await make_program(db)
    other_case = await make_case(db, other_program, CaseState.SCHEDULED)
    await make_sanction(db, other_program, other_case, due_on=TODAY - 3 * DAY)
    actor = actor_for(coordinator, program)

    with program_scope(ProgramScope.of(program.id)):
        results, rows = await SanctionService(db).monitor("overdue", None, 1, actor)
        page = await SanctionService(db).view(late.id, actor)
        await db.commit()

    assert [row.summary.sanction.id for row in rows] == [late.id]
    assert [row.days_overdue for row in rows] == [3]
    assert results.total == 1
    assert page.case.id == case.id
    [listed] = await audited(db, "sanction_list_view")
    assert listed.details == {"view": "overdue", "type": "", "rows": 1}
    [viewed] = await audited(db, "sanction_view")
    assert viewed.record_id == str(late.id)
