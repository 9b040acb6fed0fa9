"""ClosureService without HTTP: what closing a case saves, refuses and audits."""

from __future__ import annotations

import datetime

import pytest
from sqlalchemy import select

from tests.closure.test_closure import (
    DAY,
    TODAY,
    audited,
    checks_of,
    closing,
    coordinator_with_case,
    fresh,
)
from tests.sanctions.test_sanctions import make_sanction
from tests.service_actors import actor_for
from youthcourt.cases.models import Case, CaseEvent, CaseState
from youthcourt.cases.services import case_or_404, follow_up_end
from youthcourt.closure.services import ALREADY_CLOSED, ClosedAlready, ClosureService, Outcome
from youthcourt.reference.models import SanctionType
from youthcourt.sanctions.models import Sanction, SanctionStatus
from youthcourt.sanctions.services import sanctions_of
from youthcourt.web.forms import Form


async def closing_a_case(db, state: CaseState = CaseState.SANCTIONS_IN_PROGRESS):
    program, coordinator, case = await coordinator_with_case(db, state)
    return program, case.id, actor_for(coordinator, program)


async def close(db, case_id, form: Form, actor) -> Outcome | None:
    """Close the case as its page would: loaded with its sanctions."""
    case = await case_or_404(db, case_id, actor.viewer)
    return await ClosureService(session=db).close(case, await sanctions_of(db, case_id), form, actor)


async def timeline(db, case_id) -> list[CaseEvent]:
    return list((await db.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id))).all())


async def test_an_unsuccessful_closure_moves_the_case_and_writes_timeline_follow_ups_and_audit(db):
    program, case_id, actor = await closing_a_case(db)
    case = await fresh(db, Case, case_id)
    done = await make_sanction(db, program, case, SanctionType.ESSAY, "500", status=SanctionStatus.COMPLETED)
    unmet = await make_sanction(db, program, case, quantity="20")
    done_id, unmet_id = done.id, unmet.id

    outcome = await close(db, case_id, Form.from_data(closing("unsuccessful", "Stopped attending")), actor)
    await db.commit()

    assert outcome == Outcome.UNSUCCESSFUL
    closed = await fresh(db, Case, case_id)
    assert (closed.state, closed.closed_on, closed.closure_reason) == (
        CaseState.UNSUCCESSFUL,
        TODAY,
        "Stopped attending",
    )
    assert (await fresh(db, Sanction, unmet_id)).status == SanctionStatus.NOT_COMPLETED
    assert (await fresh(db, Sanction, done_id)).status == SanctionStatus.COMPLETED
    assert await checks_of(db, closed) == [(6, follow_up_end(TODAY, 6)), (12, follow_up_end(TODAY, 12))]
    [event] = await timeline(db, case_id)
    assert (event.from_state, event.to_state) == ("sanctions_in_progress", "unsuccessful")
    assert event.summary == "Case closed: unsuccessful. Stopped attending"
    assert event.actor_id == actor.viewer.user_id
    [entry] = await audited(db, "case_close")
    assert entry.record_id == str(case_id)
    assert entry.ip_address == "192.0.2.7"
    assert entry.details == {"outcome": "unsuccessful", "closed_on": TODAY.isoformat(), "follow_ups": 2}


async def test_a_withdrawn_case_is_not_followed_up(db):
    _, case_id, actor = await closing_a_case(db, CaseState.INTAKE)

    outcome = await close(db, case_id, Form.from_data(closing("withdrawn", "Family moved")), actor)
    await db.commit()

    assert outcome == Outcome.WITHDRAWN
    closed = await fresh(db, Case, case_id)
    assert closed.state == CaseState.WITHDRAWN
    assert await checks_of(db, closed) == []
    [entry] = await audited(db, "case_close")
    assert entry.details["follow_ups"] == 0


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        (closing("withdrawn", "x", TODAY + DAY), "closed_on", "The closing date cannot be in the future."),
        ({"outcome": "withdrawn", "reason": "x", "closed_on": "2026-02-30"}, "closed_on", "as a real date"),
        (
            closing("withdrawn", "x", datetime.date(2000, 1, 1)),
            "closed_on",
            "cannot be before the case opened",
        ),
        (closing("withdrawn"), "reason", "Enter the reason the case is withdrawn."),
        (closing("finished", "x"), "outcome", "Choose the outcome."),
        (closing("successful", "x"), "outcome", "this case is intake"),
    ],
)
async def test_a_bad_closing_form_is_a_field_error_and_writes_nothing(db, posted, field, message):
    _, case_id, actor = await closing_a_case(db, CaseState.INTAKE)
    form = Form.from_data(posted)

    outcome = await close(db, case_id, form, actor)
    await db.commit()

    assert outcome is None
    assert message in form.errors[field]
    still = await fresh(db, Case, case_id)
    assert (still.state, still.closed_on, still.closure_reason) == (CaseState.INTAKE, None, "")
    assert await timeline(db, case_id) == []
    assert await checks_of(db, still) == []
    assert await audited(db, "case_close") == []


async def test_a_successful_closure_waits_for_every_sanction_and_leaves_them_as_they_are(db):
    program, case_id, actor = await closing_a_case(db)
    unmet = await make_sanction(db, program, await fresh(db, Case, case_id), quantity="20")
    unmet_id = unmet.id
    form = Form.from_data(closing("successful"))

    outcome = await close(db, case_id, form, actor)
    await db.commit()

    assert outcome is None
    assert form.errors["outcome"].startswith("Every sanction must be completed first.")
    assert (await fresh(db, Case, case_id)).state == CaseState.SANCTIONS_IN_PROGRESS
    assert (await fresh(db, Sanction, unmet_id)).status == SanctionStatus.OPEN


async def test_a_closed_case_is_refused_before_the_form_is_read(db):
    _, case_id, actor = await closing_a_case(db, CaseState.COMPLETED)
    form = Form.from_data({"outcome": "", "closed_on": ""})

    with pytest.raises(ClosedAlready, match=ALREADY_CLOSED):
        await close(db, case_id, form, actor)

    assert form.errors == {}
    assert await timeline(db, case_id) == []
    assert await audited(db, "case_close") == []
