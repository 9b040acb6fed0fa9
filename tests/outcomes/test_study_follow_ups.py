"""A study's referrals declined or returned are followed up without a case: intent to treat counts them."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.factories import make_case, make_program, make_referral, make_user, post_form, sign_in
from tests.outcomes.test_outcomes import DAY, TODAY, audited, check_form, event_row
from youthcourt.cases.models import CaseState, FollowUpCheck
from youthcourt.cases.services import follow_up_end
from youthcourt.outcomes.models import OutcomeEvent, OutcomeEventType, RecordSystem
from youthcourt.programs.models import Role
from youthcourt.reference.services import policy
from youthcourt.referrals.models import ReferralStatus, StudyArm

REFERRED = TODAY - 300 * DAY


async def study_referral(db, program, arm=StudyArm.COMPARISON, **fields):
    return await make_referral(
        db, program, received_on=REFERRED, study_arm=arm, assigned_on=REFERRED, **fields
    )


async def checks_of(db, referral) -> list[FollowUpCheck]:
    query = select(FollowUpCheck).where(FollowUpCheck.referral_id == referral.id)
    return list((await db.scalars(query.order_by(FollowUpCheck.window_months))).all())


@pytest.mark.parametrize(("action", "field"), [("decline", "decline_reason"), ("return", "return_reason")])
async def test_deciding_a_study_referral_schedules_its_checks_at_each_window(client, db, action, field):
    program = await make_program(db)
    await sign_in(client, await make_user(db, program, Role.COORDINATOR))
    referral = await study_referral(db, program)
    outside = await make_referral(db, program)

    for decided in (referral, outside):
        response = await post_form(client, f"/referrals/{decided.id}/{action}", {field: "Assigned elsewhere"})
        assert response.status_code in (200, 303), response.text

    windows = (await policy(db, program.id)).follow_up_windows
    checks = await checks_of(db, referral)
    assert [c.window_months for c in checks] == sorted(windows)
    assert [c.due_on for c in checks] == [follow_up_end(TODAY, months) for months in sorted(windows)]
    assert all(c.case_id is None and c.completed_on is None for c in checks)
    assert await checks_of(db, outside) == []


async def test_a_study_referrals_check_is_on_the_worklist_and_records_its_offense_on_the_referral(client, db):
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    referral = await study_referral(db, program, status=ReferralStatus.DECLINED)
    decided = TODAY - 200 * DAY
    check = FollowUpCheck(
        program_id=program.id, referral_id=referral.id, window_months=6, due_on=follow_up_end(decided, 6)
    )
    db.add(check)
    await db.commit()
    await sign_in(client, coordinator)

    referral_page = await client.get(f"/referrals/{referral.id}")
    assert "Study follow-up" in referral_page.text
    assert f'href="/follow-ups/{check.id}"' in referral_page.text
    dashboard = await client.get("/dashboard")
    assert (
        f"Referral of {REFERRED.isoformat()}</a>" in dashboard.text
        and f"/referrals/{referral.id}" in dashboard.text
    )
    worklist = await client.get("/follow-ups")
    assert f"Referral of {REFERRED.isoformat()}" in worklist.text
    assert f'href="/referrals/{referral.id}"' in worklist.text
    page = await client.get(f"/follow-ups/{check.id}")
    assert page.status_code == 200
    assert "study arm: comparison" in page.text

    early = await post_form(client, f"/follow-ups/{check.id}", check_form(checked_on=decided - DAY))
    assert early.status_code == 422
    assert "before the referral was decided" in early.text

    offended = TODAY - 30 * DAY
    form = check_form("new_offense", **event_row(1, offended, "arrest", "theft", "police"))
    response = await post_form(client, f"/follow-ups/{check.id}", form)
    assert response.status_code in (200, 303), response.text

    [event] = (await db.scalars(select(OutcomeEvent).where(OutcomeEvent.referral_id == referral.id))).all()
    assert (event.case_id, event.occurred_on, event.event_type, event.source) == (
        None,
        offended,
        OutcomeEventType.ARREST,
        RecordSystem.POLICE,
    )
    [entry] = await audited(db, "follow_up_check_record")
    assert entry.details["referral_id"] == str(referral.id)
    after = await client.get(f"/referrals/{referral.id}")
    assert f"Done {TODAY.isoformat()}: new offense found" in after.text
    assert offended.isoformat() in after.text


async def test_the_database_refuses_a_check_or_event_of_both_or_neither(db):
    program = await make_program(db)
    referral = await study_referral(db, program)
    case = await make_case(db, program, CaseState.COMPLETED)
    program_id, both = program.id, {"case_id": case.id, "referral_id": referral.id}
    for both_or_neither in ({}, both):
        db.add(FollowUpCheck(program_id=program_id, window_months=6, due_on=TODAY, **both_or_neither))
        with pytest.raises(IntegrityError):
            await db.commit()
        await db.rollback()
        db.add(
            OutcomeEvent(
                program_id=program_id,
                occurred_on=TODAY,
                event_type=OutcomeEventType.ARREST,
                offense_category="theft",
                source=RecordSystem.POLICE,
                **both_or_neither,
            )
        )
        with pytest.raises(IntegrityError):
            await db.commit()
        await db.rollback()
