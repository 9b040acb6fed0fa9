"""HearingService without HTTP: what nights, dockets, outcomes and the jury's findings save, refuse and audit."""

from __future__ import annotations

import datetime

import pytest
from sqlalchemy import func, select

from tests.factories import make_case, make_program, make_user
from tests.hearings.test_hearings import (
    NEXT_WEEK,
    YESTERDAY,
    actions,
    fresh,
    hearing_count,
    make_hearing,
    make_night,
)
from tests.service_actors import actor_for
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import Case, CaseEvent, CaseState, EventKind, FollowUpCheck
from youthcourt.hearings import services
from youthcourt.hearings.forms import night_values
from youthcourt.hearings.models import Hearing, HearingNight, HearingOutcome, Investigation
from youthcourt.hearings.services import HearingService, SchedulingError, VersionConflict
from youthcourt.programs.models import Role
from youthcourt.reference.models import Factor, FactorKind
from youthcourt.web.forms import Form


async def coordinator_case_and_night(db, state=CaseState.AWAITING_HEARING, held_on=NEXT_WEEK):
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR, name="Maya Alvarez")
    case = await make_case(db, program, state, coordinator=coordinator)
    night = await make_night(db, program, held_on, rooms=(("Courtroom A", 1),))
    return program, case, night, actor_for(coordinator, program)


async def loaded(db, hearing: Hearing) -> Hearing:
    return await HearingService(db).get_hearing(hearing.id, None)


async def events(db, case_id) -> list[CaseEvent]:
    """The case's timeline events; by id, since a refusal rolls back and expires what the test holds."""
    query = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.occurred_at)
    return list((await db.scalars(query)).all())


async def only_entry(db, action: str) -> AuditEntry:
    [entry] = (await db.scalars(select(AuditEntry).where(AuditEntry.action == action))).all()
    return entry


# Scheduling -----------------------------------------------------------------------------------


async def test_scheduling_a_case_moves_it_and_writes_its_timeline_and_audit_entry(db):
    _, case, night, actor = await coordinator_case_and_night(db)
    case_id = case.id
    room = night.courtrooms[0]
    form = Form.from_data({"case_id": str(case.id), "courtroom_id": str(room.id), "kind": ""})

    hearing = await HearingService(db).schedule_from_form(
        await HearingService(db).get_night(night.id), form, actor
    )
    await db.commit()

    assert form.is_valid
    assert hearing is not None
    assert (hearing.courtroom_id, hearing.kind.value) == (room.id, "initial")
    assert (await fresh(db, Case, case_id)).state == CaseState.SCHEDULED
    summaries = [e.summary for e in await events(db, case_id)]
    assert summaries == [
        f"Scheduled for a hearing on {NEXT_WEEK.isoformat()}, Courtroom A.",
        f"Scheduled for {NEXT_WEEK.isoformat()}, Courtroom A (initial hearing).",
    ]
    entry = await only_entry(db, "hearing_schedule")
    assert entry.record_id == str(hearing.id)
    assert entry.actor_id == actor.viewer.user_id
    assert entry.ip_address == "192.0.2.7"
    assert entry.details == {"case_id": str(case.id), "courtroom_id": str(room.id), "kind": "initial"}


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        ({"case_id": "not-an-id"}, "case_id", "Choose a case."),
        ({"courtroom_id": ""}, "courtroom_id", "Choose a courtroom."),
        ({"kind": "final"}, "kind", "Choose the kind of hearing."),
        ({"kind": "returning"}, "kind", "its hearing can only be initial"),
    ],
)
async def test_a_scheduling_refusal_is_a_field_error_and_writes_nothing(db, posted, field, message):
    _, case, night, actor = await coordinator_case_and_night(db)
    case_id = case.id
    data = {"case_id": str(case_id), "courtroom_id": str(night.courtrooms[0].id), "kind": "", **posted}
    form = Form.from_data(data)

    hearing = await HearingService(db).schedule_from_form(
        await HearingService(db).get_night(night.id), form, actor
    )

    assert hearing is None
    assert message in form.errors[field]
    assert await hearing_count(db) == 0
    assert (await fresh(db, Case, case_id)).state == CaseState.AWAITING_HEARING
    assert await events(db, case_id) == []
    assert "hearing_schedule" not in await actions(db)


async def test_a_full_courtroom_refuses_the_next_case(db):
    program, case, night, actor = await coordinator_case_and_night(db)
    other = await make_case(db, program, CaseState.AWAITING_HEARING)
    room = night.courtrooms[0]
    service = HearingService(db)
    first = Form.from_data({"case_id": str(case.id), "courtroom_id": str(room.id)})
    assert await service.schedule_from_form(await service.get_night(night.id), first, actor) is not None
    await db.commit()

    other_id = other.id
    second = Form.from_data({"case_id": str(other_id), "courtroom_id": str(room.id)})
    refused = await service.schedule_from_form(await service.get_night(night.id), second, actor)

    assert refused is None
    assert second.errors == {"courtroom_id": "Courtroom A is full (1 case); choose another courtroom."}
    assert await hearing_count(db) == 1
    assert (await fresh(db, Case, other_id)).state == CaseState.AWAITING_HEARING


# Outcomes ---------------------------------------------------------------------------------------


async def test_a_held_hearing_is_recorded_on_the_timeline_and_audited(db):
    _, case, night, actor = await coordinator_case_and_night(db, CaseState.SCHEDULED, YESTERDAY)
    hearing = await make_hearing(db, night.courtrooms[0], case, notice_sent_on=YESTERDAY)
    case_id, hearing_id = case.id, hearing.id
    form = Form.from_data({"result": "held"})

    result = await HearingService(db).record_outcome(await loaded(db, hearing), form, actor)
    await db.commit()

    assert result == "held"
    assert (await fresh(db, Hearing, hearing_id)).outcome == HearingOutcome.HELD
    assert (await fresh(db, Case, case_id)).state == CaseState.SCHEDULED
    [event] = await events(db, case_id)
    assert event.summary == f"Initial hearing held on {YESTERDAY.isoformat()}, Courtroom A."
    entry = await only_entry(db, "hearing_outcome")
    assert entry.details == {"outcome": "held", "result": "held", "case_state": "scheduled"}


async def test_a_no_show_returned_to_the_source_without_a_notice_closes_the_case(db):
    _, case, night, actor = await coordinator_case_and_night(db, CaseState.SCHEDULED, YESTERDAY)
    hearing = await make_hearing(db, night.courtrooms[0], case)
    case_id = case.id
    form = Form.from_data(
        {"result": "no_show_return", "reason": "Missed twice.", "no_notice_reason": "Told by phone."}
    )

    result = await HearingService(db).record_outcome(await loaded(db, hearing), form, actor)
    await db.commit()

    assert result == "no_show_return"
    closed = await fresh(db, Case, case_id)
    assert (closed.state, closed.closure_reason, closed.closed_on) == (
        CaseState.UNSUCCESSFUL,
        "Missed twice.",
        actor.viewer.today(),
    )
    assert len((await db.scalars(select(FollowUpCheck).where(FollowUpCheck.case_id == case_id))).all()) > 0
    summaries = [e.summary for e in await events(db, case_id)]
    assert any("no hearing notice was recorded as sent. Reason: Told by phone." in s for s in summaries)
    entry = await only_entry(db, "hearing_outcome")
    assert entry.details == {
        "outcome": "no_show",
        "result": "no_show_return",
        "case_state": "unsuccessful",
        "notice_sent": False,
        "no_notice_reason": "Told by phone.",
    }


async def test_a_no_show_without_a_notice_or_its_reason_is_a_field_error(db):
    _, case, night, actor = await coordinator_case_and_night(db, CaseState.SCHEDULED, YESTERDAY)
    hearing = await make_hearing(db, night.courtrooms[0], case)
    case_id, hearing_id = case.id, hearing.id
    form = Form.from_data({"result": "no_show_reschedule"})

    result = await HearingService(db).record_outcome(await loaded(db, hearing), form, actor)

    assert result is None
    assert form.errors["no_notice_reason"].startswith("No hearing notice was recorded as sent")
    assert (await fresh(db, Hearing, hearing_id)).outcome == HearingOutcome.SCHEDULED
    assert await events(db, case_id) == []
    assert "hearing_outcome" not in await actions(db)


async def test_a_refusal_after_the_work_began_leaves_nothing_behind(db):
    """The case was withdrawn meanwhile: the no-show is written, then the closure is refused."""
    _, case, night, actor = await coordinator_case_and_night(db, CaseState.WITHDRAWN, YESTERDAY)
    hearing = await make_hearing(db, night.courtrooms[0], case, notice_sent_on=YESTERDAY)
    case_id, hearing_id = case.id, hearing.id
    form = Form.from_data({"result": "no_show_return", "reason": "Missed twice."})

    result = await HearingService(db).record_outcome(await loaded(db, hearing), form, actor)
    await db.commit()

    assert result is None
    assert form.errors == {"result": "A case that is withdrawn cannot become unsuccessful."}
    assert (await fresh(db, Hearing, hearing_id)).outcome == HearingOutcome.SCHEDULED
    still = await fresh(db, Case, case_id)
    assert (still.state, still.closure_reason, still.closed_on) == (CaseState.WITHDRAWN, "", None)
    assert await events(db, case_id) == []
    assert "hearing_outcome" not in await actions(db)


# The jury's findings ----------------------------------------------------------------------------


async def findings_setup(db):
    program, case, night, actor = await coordinator_case_and_night(db, CaseState.SCHEDULED, YESTERDAY)
    hearing = await make_hearing(db, night.courtrooms[0], case, outcome=HearingOutcome.HELD)
    factors = (await db.scalars(select(Factor).where(Factor.program_id == program.id))).all()
    peers = next(f for f in factors if f.name == "Peer pressure")
    family = next(f for f in factors if f.name == "Supportive family" and f.kind == FactorKind.STRENGTH)
    return case, hearing, actor, peers, family


def findings(version: str, *factors: Factor, summary: str = "Went along with friends.") -> Form:
    return Form.from_data(
        {"version": version, "factor": [str(f.id) for f in factors], "questioning_summary": summary}
    )


async def test_findings_are_saved_with_a_timeline_entry_and_an_audit_entry(db):
    case, hearing, actor, peers, family = await findings_setup(db)
    case_id = case.id

    record = await HearingService(db).record_findings(
        await loaded(db, hearing), findings("0", peers, family), actor
    )
    await db.commit()

    assert record is not None
    saved = await fresh(db, Investigation, record.id)
    assert (saved.version, saved.questioning_summary) == (1, "Went along with friends.")
    [event] = await events(db, case_id)
    assert event.kind == EventKind.FINDINGS
    assert event.summary == (
        f"Recorded for the hearing of {YESTERDAY.isoformat()}. "
        "Contributing factors: Peer pressure. Strengths: Supportive family."
    )
    entry = await only_entry(db, "investigation_save")
    assert entry.details == {"version": 1, "factors": 2}


async def test_a_stale_findings_form_is_a_conflict_that_saves_nothing(db):
    case, hearing, actor, peers, family = await findings_setup(db)
    case_id, hearing_id = case.id, hearing.id
    service = HearingService(db)
    assert await service.record_findings(await loaded(db, hearing), findings("0", peers), actor) is not None
    await db.commit()

    with pytest.raises(VersionConflict):
        await service.record_findings(await loaded(db, hearing), findings("0", family, summary="Mine"), actor)
    await db.commit()

    saved = await db.scalar(select(Investigation).where(Investigation.hearing_id == hearing_id))
    assert (saved.version, saved.questioning_summary) == (1, "Went along with friends.")
    assert len(await events(db, case_id)) == 1
    assert (await actions(db)).count("investigation_save") == 1


async def test_an_unknown_factor_is_a_field_error(db):
    case, hearing, actor, peers, _ = await findings_setup(db)
    hearing_id = hearing.id
    form = Form.from_data({"version": "0", "factor": [str(peers.id), str(case.id)]})

    record = await HearingService(db).record_findings(await loaded(db, hearing), form, actor)

    assert record is None
    assert form.errors == {"factor": "Choose factors and strengths from the list."}
    assert await db.scalar(select(Investigation).where(Investigation.hearing_id == hearing_id)) is None
    assert "investigation_save" not in await actions(db)


# Nights -----------------------------------------------------------------------------------------


def night_fields(**overrides: str) -> dict[str, str]:
    fields = {
        "held_on": NEXT_WEEK.isoformat(),
        "starts_at": "18:00",
        "ends_at": "20:30",
        "location": "Riverside Courthouse",
        "room_name_1": "Courtroom A",
        "room_capacity_1": "4",
        "room_name_2": "Courtroom B",
        "room_capacity_2": "3",
    }
    return {**fields, **overrides}


async def test_adding_a_night_saves_its_courtrooms_and_an_audit_entry(db):
    *_, actor = await coordinator_case_and_night(db)
    service = HearingService(db)

    night = await service.add_night(Form.from_data(night_fields()), actor)
    await db.commit()

    assert night is not None
    saved = await service.get_night(night.id)
    assert (saved.program_id, saved.held_on, saved.location) == (
        actor.viewer.program_id,
        NEXT_WEEK,
        "Riverside Courthouse",
    )
    assert [(room.name, room.capacity) for room in saved.courtrooms] == [
        ("Courtroom A", 4),
        ("Courtroom B", 3),
    ]
    entry = await only_entry(db, "hearing_night_create")
    assert (entry.record_id, entry.details) == (str(night.id), {"courtrooms": 2})


async def test_a_night_in_the_past_is_a_field_error_and_writes_nothing(db):
    *_, actor = await coordinator_case_and_night(db)
    form = Form.from_data(night_fields(held_on=YESTERDAY.isoformat()))

    night = await HearingService(db).add_night(form, actor)

    assert night is None
    assert form.errors == {"held_on": "The date cannot be in the past."}
    assert await db.scalar(select(func.count(HearingNight.id))) == 1, "only the night the test made"
    assert "hearing_night_create" not in await actions(db)


async def test_moving_a_night_resets_its_notices_and_is_audited(db):
    _, case, night, actor = await coordinator_case_and_night(db, CaseState.SCHEDULED)
    case_id = case.id
    hearing = await make_hearing(db, night.courtrooms[0], case, notice_sent_on=YESTERDAY)
    hearing_id = hearing.id
    service = HearingService(db)
    loaded_night = await service.get_night(night.id, with_hearings=True)
    later = NEXT_WEEK + datetime.timedelta(days=7)
    form = Form.from_data({**night_values(loaded_night), "held_on": later.isoformat()})

    moved = await service.change_night(loaded_night, form, actor)
    await db.commit()

    assert moved == 1
    assert (await fresh(db, HearingNight, night.id)).held_on == later
    assert (await fresh(db, Hearing, hearing_id)).notice_sent_on is None
    [event] = await events(db, case_id)
    assert event.summary.startswith(f"Hearing night changed: now {later.isoformat()} at 18:00")
    entry = await only_entry(db, "hearing_night_update")
    assert entry.details == {"courtrooms": 1, "notices_reset": 1}


async def test_cancelling_a_night_sends_its_first_hearings_back_and_is_audited(db):
    _, case, night, actor = await coordinator_case_and_night(db, CaseState.SCHEDULED)
    case_id = case.id
    hearing = await make_hearing(db, night.courtrooms[0], case)
    hearing_id = hearing.id
    service = HearingService(db)

    cancelled = await service.cancel_night(await service.get_night(night.id), actor)
    await db.commit()

    assert cancelled == 1
    assert (await fresh(db, HearingNight, night.id)).is_cancelled
    assert (await fresh(db, Hearing, hearing_id)).outcome == HearingOutcome.CANCELLED
    assert (await fresh(db, Case, case_id)).state == CaseState.AWAITING_HEARING
    entry = await only_entry(db, "hearing_night_cancel")
    assert entry.details == {"hearings_cancelled": 1}


# One hearing ------------------------------------------------------------------------------------


async def test_removing_a_case_from_the_docket_sends_it_back_and_is_audited(db):
    _, case, night, actor = await coordinator_case_and_night(db, CaseState.SCHEDULED)
    case_id, room_id = case.id, night.courtrooms[0].id
    hearing = await make_hearing(db, night.courtrooms[0], case)
    hearing_id = hearing.id

    await HearingService(db).remove(await loaded(db, hearing), actor)
    await db.commit()

    assert await hearing_count(db) == 0
    assert (await fresh(db, Case, case_id)).state == CaseState.AWAITING_HEARING
    entry = await only_entry(db, "hearing_remove")
    assert entry.record_id == str(hearing_id)
    assert entry.details == {"case_id": str(case_id), "courtroom_id": str(room_id)}


async def test_a_hearing_of_a_past_night_is_not_removed(db):
    _, case, night, actor = await coordinator_case_and_night(db, CaseState.SCHEDULED, YESTERDAY)
    case_id = case.id
    hearing = await make_hearing(db, night.courtrooms[0], case)

    with pytest.raises(SchedulingError, match="Only a case still scheduled on a night to come"):
        await HearingService(db).remove(await loaded(db, hearing), actor)

    assert await hearing_count(db) == 1
    assert await events(db, case_id) == []
    assert "hearing_remove" not in await actions(db)


async def test_marking_the_notice_sent_dates_it_today_and_is_audited(db):
    _, case, night, actor = await coordinator_case_and_night(db, CaseState.SCHEDULED)
    hearing = await make_hearing(db, night.courtrooms[0], case)
    hearing_id = hearing.id

    await HearingService(db).mark_notice_sent(await loaded(db, hearing), actor)
    await db.commit()

    assert (await fresh(db, Hearing, hearing_id)).notice_sent_on == actor.viewer.today()
    assert (await only_entry(db, "hearing_notice_sent")).record_id == str(hearing_id)


def test_a_nights_and_a_dockets_rows_read_only_what_they_show():
    """A night's 32 hearings were read as records of five tables with every column (notes,
    narratives, addresses), each hearing's investigation record too; the printable docket read the
    whole night's to show one courtroom's. Both now read the columns their rows show."""
    for statement in (services.DOCKETS, services.DOCKET):
        compiled = str(statement.compile())
        for hidden in ("intake_notes", "narrative", "address", "phone", "incident_place", "investigation"):
            assert hidden not in compiled, hidden
        for shown in (
            "youth_case.number",
            "youth_case.sealed_at",
            "youth.first_name",
            "youth.date_of_birth",
            "offense.name",
        ):
            assert shown in compiled, shown
    docket = str(services.DOCKET.compile())
    assert "hearing.courtroom_id = :courtroom_id" in docket
    assert "night_id = :night_id" not in docket
