"""FollowUpService without HTTP: what recording a check or a later offense saves, refuses and audits."""

from __future__ import annotations

from sqlalchemy.orm.attributes import set_committed_value

from tests.outcomes.test_outcomes import (
    DAY,
    TODAY,
    audited,
    check_form,
    closed_case,
    coordinator_and_check,
    event_row,
    events_of,
    fresh,
    timeline_of,
)
from tests.service_actors import actor_for
from youthcourt.audit.service import Actor
from youthcourt.cases.models import Case, CaseState, CheckResult, FollowUpCheck
from youthcourt.cases.services import case_or_404
from youthcourt.outcomes import services
from youthcourt.outcomes.models import OutcomeEventType, RecordSystem
from youthcourt.outcomes.services import FollowUpService
from youthcourt.web.forms import Form


async def check_and_actor(db) -> tuple[Case, FollowUpCheck, Actor]:
    program, coordinator, case, check = await coordinator_and_check(db)
    actor = actor_for(coordinator, program)
    return case, await services.load_check(db, check.id, actor.viewer), actor


async def test_recording_a_check_saves_its_events_timeline_and_audit_entry(db):
    case, check, actor = await check_and_actor(db)
    first = TODAY - 30 * DAY
    form = Form.from_data(check_form("new_offense", **event_row(2, first, "arrest", "theft", "police")))

    attempt = await FollowUpService(session=db).record(check, form, actor)
    await db.commit()

    assert attempt.status_code == 200
    assert form.is_valid
    assert attempt.data is not None
    assert attempt.data.result == CheckResult.NEW_OFFENSE
    assert [(e.occurred_on, e.event_type, e.source) for e in attempt.events] == [
        (first, OutcomeEventType.ARREST, RecordSystem.POLICE)
    ]
    saved = await fresh(db, FollowUpCheck, check.id)
    assert saved.completed_on == TODAY
    assert saved.checked_by_id == actor.viewer.user_id
    assert [e.check_id for e in await events_of(db, case)] == [check.id]
    [summary] = await timeline_of(db, case)
    assert f"Arrest on {first.isoformat()} (theft), in police records" in summary
    [entry] = await audited(db, "follow_up_check_record")
    assert entry.actor_id == actor.viewer.user_id
    assert entry.ip_address == "192.0.2.7"
    assert entry.details["events"] == 1
    assert entry.details["event_types"] == ["arrest"]


async def test_a_check_is_recorded_once(db):
    _, check, actor = await check_and_actor(db)
    service = FollowUpService(session=db)
    assert (await service.record(check, Form.from_data(check_form()), actor)).data is not None
    await db.commit()
    again = await services.load_check(db, check.id, actor.viewer)

    attempt = await service.record(again, Form.from_data(check_form()), actor)

    assert (attempt.status_code, attempt.problem) == (409, services.RECORDED_ALREADY)
    assert attempt.data is None
    assert len(await audited(db, "follow_up_check_record")) == 1


async def test_a_check_recorded_meanwhile_is_a_conflict_that_saves_nothing(db):
    case, check, actor = await check_and_actor(db)
    await FollowUpService(session=db).record(check, Form.from_data(check_form()), actor)
    await db.commit()
    set_committed_value(
        check, "completed_on", None
    )  # as a second coordinator read it, before the first saved
    form = Form.from_data(check_form("new_offense", **event_row(1, TODAY - DAY)))

    attempt = await FollowUpService(session=db).record(check, form, actor)

    assert (attempt.status_code, attempt.problem) == (409, services.RECORDED_MEANWHILE)
    assert attempt.data is None
    assert await events_of(db, case) == []
    assert len(await timeline_of(db, case)) == 1
    assert len(await audited(db, "follow_up_check_record")) == 1


async def test_a_check_form_with_errors_or_an_added_row_saves_nothing(db):
    case, check, actor = await check_and_actor(db)
    service = FollowUpService(session=db)

    invalid = Form.from_data(check_form(records=[], checked_on=TODAY + DAY))
    attempt = await service.record(check, invalid, actor)
    assert attempt.status_code == 422
    assert set(invalid.errors) == {"checked_on", "records"}

    more = Form.from_data(check_form(add_event="1"))
    attempt = await service.record(check, more, actor)
    assert (attempt.status_code, attempt.data) == (200, None)
    assert more.values["event_rows"] == "4"

    assert (await fresh(db, FollowUpCheck, check.id)).completed_on is None
    assert await timeline_of(db, case) == []
    assert await audited(db, "follow_up_check_record") == []


async def test_an_open_cases_check_is_refused(db):
    case, check, actor = await check_and_actor(db)
    check.case.closed_on = None

    attempt = await FollowUpService(session=db).record(check, Form.from_data(check_form()), actor)

    assert (attempt.status_code, attempt.problem) == (409, services.closed_problem(case))
    assert attempt.problem.startswith(f"Case {case.number} is open")


def later_form(**fields: str) -> Form:
    values = {
        "event_occurred_on": (TODAY - 10 * DAY).isoformat(),
        "event_event_type": "charge",
        "event_offense_category": "theft",
        "event_source": "juvenile_court",
    }
    return Form(values={**values, **fields})


async def test_a_later_offense_is_saved_with_its_timeline_and_audit_entry(db):
    program, coordinator, case, _ = await coordinator_and_check(db)
    actor = actor_for(coordinator, program)
    case = await case_or_404(db, case.id, actor.viewer)

    attempt = await FollowUpService(session=db).record_later(case, later_form(), actor)
    await db.commit()

    assert attempt.status_code == 200
    assert attempt.event is not None
    [event] = await events_of(db, case)
    assert (event.id, event.check_id, event.event_type) == (attempt.event.id, None, OutcomeEventType.CHARGE)
    assert event.recorded_by_id == coordinator.id
    assert await timeline_of(db, case) == [
        f"New offense recorded: Charge on {(TODAY - 10 * DAY).isoformat()} (theft), "
        "in juvenile court records."
    ]
    [entry] = await audited(db, "outcome_event_create")
    assert entry.record_id == str(case.id)
    assert entry.details == {"event_id": str(event.id), "event_type": "charge", "source": "juvenile_court"}


async def test_a_later_offense_is_refused_on_an_open_case_or_with_errors(db):
    program, coordinator, closed, _ = await coordinator_and_check(db)
    actor = actor_for(coordinator, program)
    open_case, _ = await closed_case(db, program, coordinator, state=CaseState.SANCTIONS_IN_PROGRESS)
    service = FollowUpService(session=db)

    refused = await service.record_later(
        await case_or_404(db, open_case.id, actor.viewer), later_form(), actor
    )
    assert (refused.status_code, refused.event) == (409, None)
    assert refused.problem == services.closed_problem(open_case)

    form = later_form(event_occurred_on=(TODAY + DAY).isoformat())
    invalid = await service.record_later(await case_or_404(db, closed.id, actor.viewer), form, actor)
    assert (invalid.status_code, invalid.event) == (422, None)
    assert form.errors["event_occurred_on"] == "The date of the offense cannot be after today."

    assert await audited(db, "outcome_event_create") == []


def test_the_worklist_reads_only_the_columns_its_rows_show():
    """A page of 25 checks read every column of each one's case, referrals and youths (notes,
    narratives, addresses) as records: the worklist reads what a row shows and the keys that join them."""
    for view in services.VIEWS:
        compiled = str(services.worklist_query(view, with_youth=True).compile())
        for hidden in ("intake_notes", "narrative", "address", "phone", "date_of_birth", "incident_place"):
            assert f".{hidden}" not in compiled, (view, hidden)
        for shown in (
            "youth_case.number",
            "youth_case.sealed_at",
            "referral.received_on",
            "youth_1.last_name",
        ):
            assert shown in compiled, (view, shown)
