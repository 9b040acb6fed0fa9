"""Training sessions: creating them, and attendance that earns credits and court roles, once per juror."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.factories import make_program, make_user, post_form, sign_in
from tests.jurors.test_juror_records import (  # noqa: F401 - fixtures used by name
    attend_training,
    audited,
    coordinator_and_program,
    count,
    enrollment_listener,
    fresh,
    make_juror,
)
from youthcourt.jurors import credits
from youthcourt.jurors.models import (
    CourtRole,
    CreditEntry,
    CreditKind,
    JurorStatus,
    Qualification,
    TrainingAttendance,
    TrainingSession,
)
from youthcourt.programs.models import Role
from youthcourt.reference.defaults import ensure_defaults

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


async def make_session(
    db, program, *, held_on=None, hours="3", role=None, title="Jury basics"
) -> TrainingSession:
    session = TrainingSession(
        program_id=program.id, held_on=held_on or TODAY - DAY, title=title, hours=Decimal(hours), role=role
    )
    db.add(session)
    await db.commit()
    return session


def session_form(**overrides: str) -> dict[str, str]:
    return {
        "title": "Foreperson training",
        "held_on": (TODAY - DAY).isoformat(),
        "hours": "2.5",
        "role": "",
        **overrides,
    }


async def test_coordinator_creates_a_training_session(client, db):
    program, coordinator = await coordinator_and_program(db)
    await sign_in(client, coordinator)
    listing = await client.get("/jurors/training")
    assert listing.status_code == 200
    assert "No training session yet." in listing.text

    response = await post_form(client, "/jurors/training", session_form(role="foreperson"))
    assert response.status_code == 303
    session = await db.scalar(select(TrainingSession))
    assert response.headers["location"] == f"/jurors/training/{session.id}"
    assert session.program_id == program.id
    assert session.title == "Foreperson training"
    assert session.hours == Decimal("2.5")
    assert session.role == CourtRole.FOREPERSON
    [entry] = await audited(db, "training_create")
    assert entry.record_id == str(session.id)
    assert entry.details == {"role": "foreperson"}

    listing = await client.get("/jurors/training")
    assert "Foreperson training" in listing.text
    assert "<td>2.5</td>" in listing.text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title."),
        ({"held_on": ""}, "held_on", "Enter the date of the session."),
        ({"hours": "0"}, "hours", "The hours must be more than 0."),
        ({"hours": "-2"}, "hours", "The hours must be more than 0."),
        ({"hours": "two"}, "hours", "Enter the hours as a number"),
        ({"hours": "1.255"}, "hours", "at most two decimal places"),
        ({"hours": "NaN"}, "hours", "Enter the hours as a number, for example 2 or 1.5."),
        ({"hours": "1e1"}, "hours", "Enter the hours as a number, for example 2 or 1.5."),
        ({"hours": "500"}, "hours", "at most 100 hours"),
        ({"role": "king"}, "role", "Choose a court role, or none."),
    ],
)
async def test_training_form_refuses_bad_input_and_keeps_it(client, db, overrides, field, message):
    _program, coordinator = await coordinator_and_program(db)
    await sign_in(client, coordinator)
    data = session_form(**{"title": "Kept title", **overrides})
    response = await post_form(client, "/jurors/training", data)
    assert response.status_code == 422
    assert message in response.text
    assert f'id="error-{field}"' in response.text
    if data["title"]:
        assert 'value="Kept title"' in response.text
    assert f'value="{data["hours"]}"' in response.text
    assert await count(db, TrainingSession) == 0


async def test_sessions_are_paginated(client, db):
    program, coordinator = await coordinator_and_program(db)
    for number in range(26):
        await make_session(db, program, held_on=TODAY - number * DAY, title=f"Session {number}")
    await sign_in(client, coordinator)
    first = await client.get("/jurors/training")
    assert "Showing 1 to 25 of 26" in first.text
    assert "Session 0<" in first.text
    second = await client.get("/jurors/training?page=2")
    assert "Session 25<" in second.text


async def test_attendance_earns_credits_and_the_role_once(client, db):
    program, coordinator = await coordinator_and_program(db)
    policy = await ensure_defaults(db, program.id)
    policy.credits_per_hour = 2
    await db.commit()
    session = await make_session(db, program, hours="1.5", role=CourtRole.CLERK, held_on=TODAY - 2 * DAY)
    active = await make_juror(db, program, first_name="Ivy", last_name="Active")
    await attend_training(db, program, active, title="Earlier training", hours="2.5")
    applicant = await make_juror(
        db, program, first_name="Jon", last_name="Applicant", status=JurorStatus.APPLICANT
    )
    earlier = TODAY - 200 * DAY
    db.add(
        Qualification(program_id=program.id, juror_id=applicant.id, role=CourtRole.CLERK, earned_on=earlier)
    )
    await db.commit()
    suspended = await make_juror(
        db, program, first_name="Kim", last_name="Suspended", status=JurorStatus.SUSPENDED
    )
    await sign_in(client, coordinator)

    page = await client.get(f"/jurors/training/{session.id}")
    assert page.status_code == 200
    assert "Active, Ivy" in page.text and "Applicant, Jon" in page.text
    assert "Suspended, Kim" not in page.text
    assert "earns 3 credits each" in page.text
    [view] = await audited(db, "training_view")
    assert view.record_id == str(session.id)

    response = await post_form(
        client, f"/jurors/training/{session.id}/attendance", {"juror_id": [str(active.id), str(applicant.id)]}
    )
    assert response.status_code == 303
    attendances = (
        await db.scalars(select(TrainingAttendance).where(TrainingAttendance.session_id == session.id))
    ).all()
    assert {a.juror_id for a in attendances} == {active.id, applicant.id}
    entries = (await db.scalars(select(CreditEntry))).all()
    assert len(entries) == 2
    for entry in entries:
        assert entry.kind == CreditKind.TRAINING
        assert entry.amount == Decimal("3.00")
        assert entry.occurred_on == session.held_on
        assert entry.training_id in {a.id for a in attendances}
        assert entry.actor_name == coordinator.full_name
    assert await credits.balance(db, active.id) == Decimal(3)
    roles = {
        q.juror_id: q.earned_on
        for q in (await db.scalars(select(Qualification).where(Qualification.role == CourtRole.CLERK))).all()
    }
    assert roles == {active.id: session.held_on, applicant.id: earlier}
    [entry] = await audited(db, "training_attendance")
    assert sorted(entry.details["juror_ids"]) == sorted([str(active.id), str(applicant.id)])
    assert entry.details["qualified"] == 1

    page = await client.get(f"/jurors/training/{session.id}")
    assert "2 jurors marked present, 6 credits earned in all, 1 newly qualified as clerk." in page.text
    assert "Attended (2)" in page.text
    juror_page = await client.get(f"/jurors/{active.id}")
    assert f'href="/jurors/training/{session.id}"' in juror_page.text

    # Marking the same juror again is refused and saves nothing.
    again = await post_form(client, f"/jurors/training/{session.id}/attendance", {"juror_id": str(active.id)})
    assert again.status_code == 422
    assert "already marked present" in again.text
    assert await count(db, TrainingAttendance, TrainingAttendance.session_id == session.id) == 2
    assert await count(db, CreditEntry) == 2

    refused = await post_form(
        client, f"/jurors/training/{session.id}/attendance", {"juror_id": str(suspended.id)}
    )
    assert refused.status_code == 422
    assert "only active jurors and applicants" in refused.text
    assert await count(db, TrainingAttendance, TrainingAttendance.juror_id == suspended.id) == 0


async def test_role_training_grants_the_role_only_with_the_rest_of_the_progression(client, db):
    program, coordinator = await coordinator_and_program(db)
    session = await make_session(
        db, program, hours="8", role=CourtRole.YOUTH_JUDGE, title="Youth judge training", held_on=TODAY - DAY
    )
    newcomer = await make_juror(db, program, first_name="Nia", last_name="New")
    await sign_in(client, coordinator)

    response = await post_form(
        client, f"/jurors/training/{session.id}/attendance", {"juror_id": str(newcomer.id)}
    )

    assert response.status_code == 303
    assert await count(db, Qualification, Qualification.juror_id == newcomer.id) == 0
    [entry] = await audited(db, "training_attendance")
    assert (entry.details["qualified"], entry.details["waiting"]) == (0, 1)
    page = await client.get(f"/jurors/training/{session.id}")
    assert (
        "1 juror marked present, 8 credits earned in all; 1 still short of the program&#39;s other "
        "prerequisites for youth judge (see their records)." in page.text
    )
    record = await client.get(f"/jurors/{newcomer.id}")
    assert "Needs 10 nights served (has 0); foreperson first (not held)" in record.text


async def test_attendance_needs_jurors_of_the_program_and_a_past_session(client, db):
    program, coordinator = await coordinator_and_program(db)
    other_program = await make_program(db)
    foreign = await make_juror(db, other_program)
    juror = await make_juror(db, program)
    coming = await make_session(db, program, held_on=TODAY + 3 * DAY)
    past = await make_session(db, program)
    await sign_in(client, coordinator)

    page = await client.get(f"/jurors/training/{coming.id}")
    assert "Attendance can be marked once it has taken place." in page.text
    early = await post_form(client, f"/jurors/training/{coming.id}/attendance", {"juror_id": str(juror.id)})
    assert early.status_code == 422
    assert "once the session has taken place" in early.text

    nobody = await post_form(client, f"/jurors/training/{past.id}/attendance", {})
    assert nobody.status_code == 422
    assert "Tick at least one juror" in nobody.text
    outsider = await post_form(
        client, f"/jurors/training/{past.id}/attendance", {"juror_id": [str(juror.id), str(foreign.id)]}
    )
    assert outsider.status_code == 422
    assert f'value="{juror.id}" checked' in outsider.text
    garbage = await post_form(client, f"/jurors/training/{past.id}/attendance", {"juror_id": "nope"})
    assert garbage.status_code == 422
    assert await count(db, TrainingAttendance) == 0
    assert await count(db, CreditEntry) == 0


async def test_unknown_and_other_programs_sessions_are_not_found(client, db):
    _program, coordinator = await coordinator_and_program(db)
    other_program = await make_program(db)
    foreign = await make_session(db, other_program)
    foreign_juror = await make_juror(db, other_program)
    await sign_in(client, coordinator)
    for session_id in (foreign.id, uuid.uuid4()):
        assert (await client.get(f"/jurors/training/{session_id}")).status_code == 404
        response = await post_form(
            client, f"/jurors/training/{session_id}/attendance", {"juror_id": str(foreign_juror.id)}
        )
        assert response.status_code == 404
    assert await count(db, TrainingAttendance) == 0


@pytest.mark.parametrize("role", [Role.JUROR, Role.EVALUATOR])
async def test_only_coordinators_reach_training(client, db, role):
    program, _coordinator = await coordinator_and_program(db)
    session = await make_session(db, program)
    juror = await make_juror(db, program)
    user = await make_user(db, program, role)
    await sign_in(client, user)
    assert (await client.get("/jurors/training")).status_code == 403
    assert (await client.get(f"/jurors/training/{session.id}")).status_code == 403
    assert (await post_form(client, "/jurors/training", session_form())).status_code == 403
    response = await post_form(
        client, f"/jurors/training/{session.id}/attendance", {"juror_id": str(juror.id)}
    )
    assert response.status_code == 403
    assert await count(db, TrainingAttendance) == 0
    assert (await fresh(db, TrainingSession, session.id)).title == "Jury basics"
