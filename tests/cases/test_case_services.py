"""CaseService without HTTP: what accepting a referral, saving an intake and logging a contact
save, refuse, put on the timeline and audit."""

from __future__ import annotations

import datetime
import uuid

import pytest
from sqlalchemy import func, select

from tests.factories import make_case, make_program, make_referral, make_user, make_youth
from tests.service_actors import actor_for
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import Case, CaseEvent, CaseState, ContactLog, EventKind
from youthcourt.cases.services import CaseService, ReferralDecided, case_or_404, intake_values
from youthcourt.programs.models import Role
from youthcourt.programs.viewer import today_in
from youthcourt.reference.models import Factor, FactorKind
from youthcourt.referrals import services as referral_services
from youthcourt.referrals.models import Referral, ReferralStatus
from youthcourt.web.forms import Form

TODAY = today_in(None)
"""Today where the test viewer's program is (its default time zone), as the services read it."""
DAY = datetime.timedelta(days=1)


async def coordinator(db):
    program = await make_program(db)
    user = await make_user(db, program, Role.COORDINATOR, name="Casey Coordinator")
    return program, user, actor_for(user, program)


async def audited(db, action: str) -> list[AuditEntry]:
    return list((await db.scalars(select(AuditEntry).where(AuditEntry.action == action))).all())


async def events_of(db, case: Case) -> list[CaseEvent]:
    return list((await db.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))).all())


async def count(db, model) -> int:
    return await db.scalar(select(func.count()).select_from(model))


# Accepting a referral ---------------------------------------------------------------------------------


async def test_accepting_a_referral_opens_its_case_with_a_timeline_and_two_audit_entries(db):
    program, user, actor = await coordinator(db)
    referral = await referral_services.load_referral(db, (await make_referral(db, program)).id, None)

    case = await CaseService(session=db).accept_referral(referral, Form(), actor)
    await db.commit()

    assert case is not None and case.number == f"{TODAY.year}-0001"
    assert (case.state, case.coordinator_id, case.opened_on) == (CaseState.REFERRED, user.id, TODAY)
    saved = await db.scalar(select(Referral).where(Referral.id == referral.id))
    assert (saved.status, saved.decided_by_id, saved.decision_reason) == (
        ReferralStatus.ACCEPTED,
        user.id,
        "",
    )
    assert [(e.kind, e.summary) for e in await events_of(db, case)] == [
        (EventKind.TRANSITION, "Referral accepted; case opened.")
    ]
    (accepted,) = await audited(db, "referral_accept")
    (opened,) = await audited(db, "case_open")
    assert (accepted.record_id, accepted.details, accepted.ip_address) == (str(referral.id), {}, "192.0.2.7")
    assert (opened.record_id, opened.actor_id, opened.program_id) == (str(case.id), user.id, program.id)


async def test_an_ineligible_referral_opens_a_case_only_with_a_reason_that_is_kept(db):
    program, _user, actor = await coordinator(db)
    adult = await make_youth(db, program, date_of_birth=TODAY - 18 * 365 * DAY - 60 * DAY)
    referral = await referral_services.load_referral(
        db, (await make_referral(db, program, adult, offense_class="D")).id, None
    )
    service = CaseService(session=db)

    refused = Form(values={"accept_reason": "  "})
    assert await service.accept_referral(referral, refused, actor) is None
    assert "eligibility rules (age, offense class)" in refused.errors["accept_reason"]
    assert referral.status == ReferralStatus.PENDING
    assert await count(db, Case) == 0 and await audited(db, "referral_accept") == []

    reason = "The judge asked us to take this case."
    case = await service.accept_referral(referral, Form(values={"accept_reason": reason}), actor)
    await db.commit()

    notes = [e.summary for e in await events_of(db, case) if e.kind == EventKind.NOTE]
    assert len(notes) == 1 and notes[0].startswith(
        "Accepted although the referral fails the eligibility rules."
    )
    assert notes[0].endswith(f"Reason: {reason}")
    expected = {"override": True, "failed_rules": ["Age", "Offense class"], "reason": reason}
    assert [e.details for e in await audited(db, "referral_accept")] == [expected]
    assert [e.details for e in await audited(db, "case_open")] == [expected]


@pytest.mark.parametrize("status", [ReferralStatus.DECLINED, ReferralStatus.ACCEPTED])
async def test_a_decided_referral_opens_no_case(db, status):
    program, _user, actor = await coordinator(db)
    referral = await referral_services.load_referral(
        db, (await make_referral(db, program, status=status)).id, None
    )

    with pytest.raises(ReferralDecided):
        await CaseService(session=db).accept_referral(referral, Form(), actor)

    assert await count(db, Case) == 0
    assert await audited(db, "referral_accept") == []


# The intake -------------------------------------------------------------------------------------------


async def referred_case(db):
    program, user, actor = await coordinator(db)
    made = await make_case(db, program, CaseState.REFERRED, incident_date=TODAY - 30 * DAY)
    return program, user, actor, await case_or_404(db, made.id, actor.viewer)


def intake_form(case: Case, **changes: str | list[str]) -> Form:
    form = intake_values(case)
    lists = {name: value for name, value in changes.items() if isinstance(value, list)}
    form.values |= {name: value for name, value in changes.items() if isinstance(value, str)}
    form.lists |= lists
    return form


async def test_saving_the_intake_starts_it_names_the_changes_and_is_audited(db):
    _program, user, actor, case = await referred_case(db)
    need = await db.scalar(select(Factor).where(Factor.kind == FactorKind.CONTRIBUTING).limit(1))
    intake_on = TODAY - 2 * DAY
    form = intake_form(
        case, intake_on=intake_on.isoformat(), coordinator_id=str(user.id), factor=[str(need.id)]
    )

    conflict = await CaseService(session=db).save_intake(case, form, actor)
    await db.commit()

    assert conflict is None and form.is_valid
    assert (case.state, case.intake_on, case.coordinator_id) == (CaseState.INTAKE, intake_on, user.id)
    assert [f.factor_id for f in case.factors] == [need.id]
    summaries = {e.kind: e.summary for e in await events_of(db, case)}
    assert summaries[EventKind.TRANSITION] == "Intake started."
    assert f"Intake interview: {intake_on.isoformat()} (was not recorded)" in summaries[EventKind.INTAKE]
    assert f"Needs: added {need.name}" in summaries[EventKind.INTAKE]
    assert "Coordinator: Casey Coordinator (was unassigned)" in summaries[EventKind.INTAKE]
    (entry,) = await audited(db, "case_intake_update")
    assert (entry.record_id, entry.actor_id) == (str(case.id), user.id)


async def test_an_intake_sent_from_an_older_version_saves_nothing_and_names_the_differences(db):
    _program, _user, actor, case = await referred_case(db)
    form = intake_form(case, intake_on=(TODAY - DAY).isoformat(), version=str(case.version - 1))

    conflict = await CaseService(session=db).save_intake(case, form, actor)

    assert conflict is not None
    assert conflict.differences == [("Intake interview", "Not recorded", (TODAY - DAY).isoformat())]
    assert conflict.saved.get("version") == str(case.version)
    assert "Someone else saved this case" in form.errors["version"]
    assert case.intake_on is None and case.state == CaseState.REFERRED
    assert await audited(db, "case_intake_update") == []


async def test_intake_problems_are_named_on_the_form_and_nothing_is_saved(db):
    _program, _user, actor, case = await referred_case(db)
    form = intake_form(
        case,
        intake_on=(TODAY - 40 * DAY).isoformat(),
        coordinator_id=str(uuid.uuid4()),
        race_ethnicity="Martian",
        factor=[str(uuid.uuid4())],
    )

    assert await CaseService(session=db).save_intake(case, form, actor) is None

    assert set(form.errors) == {"intake_on", "coordinator_id", "race_ethnicity", "factor"}
    assert "cannot be before the incident" in form.errors["intake_on"]
    assert case.intake_on is None and case.coordinator_id is None and case.state == CaseState.REFERRED
    assert await events_of(db, case) == [] and await audited(db, "case_intake_update") == []


async def test_a_closed_case_keeps_its_intake(db):
    program, _user, actor = await coordinator(db)
    made = await make_case(db, program, CaseState.COMPLETED)
    made.closed_on = TODAY
    await db.commit()
    case = await case_or_404(db, made.id, actor.viewer)
    form = intake_form(case, intake_notes="Changed afterwards.")

    assert await CaseService(session=db).save_intake(case, form, actor) is None

    assert form.errors == {"version": "This case is closed; its intake can no longer be changed."}
    assert case.intake_notes != "Changed afterwards."


# Contacts ---------------------------------------------------------------------------------------------


def contact_form(**changes: str) -> Form:
    values = {
        "contacted_on": TODAY.isoformat(),
        "method": "phone",
        "contact_with": "Mother",
        "summary": "Talked about the hearing date.",
        "submission_token": "contact-once",
    }
    return Form(values=values | changes)


async def test_a_contact_is_logged_once_per_form_and_audited(db):
    _program, user, actor, case = await referred_case(db)
    service = CaseService(session=db)

    first = await service.log_contact(case, contact_form(), actor)
    await db.commit()
    again = contact_form()
    second = await service.log_contact(case, again, actor)
    await db.commit()

    assert first is not None and second is None and again.is_valid
    (logged,) = (await db.scalars(select(ContactLog))).all()
    assert (logged.case_id, logged.actor_id, logged.contact_with) == (case.id, user.id, "Mother")
    assert logged.submission_token == "contact-once"
    assert [e.record_id for e in await audited(db, "case_contact_add")] == [str(case.id)]


async def test_a_contact_before_the_case_opened_or_without_a_summary_is_refused(db):
    _program, _user, actor, case = await referred_case(db)
    form = contact_form(contacted_on=(case.opened_on - DAY).isoformat(), summary=" ", method="pigeon")

    assert await CaseService(session=db).log_contact(case, form, actor) is None

    assert set(form.errors) == {"contacted_on", "method", "summary"}
    assert f"cannot be before the case opened ({case.opened_on})" in form.errors["contacted_on"]
    assert await count(db, ContactLog) == 0 and await audited(db, "case_contact_add") == []
