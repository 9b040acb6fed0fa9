"""The coordinator's dashboard counts what needs attention."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from tests.factories import (
    make_case,
    make_program,
    make_referral,
    make_user,
    make_youth,
    sign_in,
    sign_in_with_form,
)
from youthcourt.cases.models import CaseState, ContactLog, ContactMethod, FollowUpCheck
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight
from youthcourt.programs.models import Role
from youthcourt.reference.models import SanctionType
from youthcourt.referrals.models import Referral, Youth
from youthcourt.sanctions.models import Disposition, Sanction

TODAY = datetime.date.today()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


async def test_dashboard_shows_each_panel(client, db):
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    old_referral_youth = await make_youth(db, program, first_name="Olive", last_name="Waiting")
    await make_referral(db, program, old_referral_youth, received_on=days(-45), incident_date=days(-50))
    quiet = await make_case(db, program, CaseState.INTAKE, received_on=days(-60), incident_date=days(-70))
    contacted = await make_case(db, program, CaseState.INTAKE, received_on=days(-60), incident_date=days(-70))
    db.add(
        ContactLog(
            program_id=program.id, case_id=contacted.id, contacted_on=days(-3), method=ContactMethod.PHONE
        )
    )
    sentenced = await make_case(db, program, CaseState.SANCTIONS_IN_PROGRESS)
    disposition = Disposition(program_id=program.id, case_id=sentenced.id, decided_on=days(-100))
    db.add(disposition)
    await db.flush()
    for due, label in ((days(-5), "late"), (days(20), "fine")):
        db.add(
            Sanction(
                program_id=program.id,
                case_id=sentenced.id,
                disposition_id=disposition.id,
                sanction_type=SanctionType.COMMUNITY_SERVICE if label == "late" else SanctionType.ESSAY,
                quantity=Decimal(10),
                due_on=due,
                original_due_on=due,
            )
        )
    closed = await make_case(db, program, CaseState.COMPLETED)
    db.add(FollowUpCheck(program_id=program.id, case_id=closed.id, window_months=6, due_on=days(-1)))
    db.add(FollowUpCheck(program_id=program.id, case_id=closed.id, window_months=12, due_on=days(180)))
    night = HearingNight(
        program_id=program.id,
        held_on=days(7),
        starts_at=datetime.time(18),
        ends_at=datetime.time(21),
        location="Town Hall",
    )
    db.add(night)
    await db.flush()
    room = Courtroom(program_id=program.id, night_id=night.id, name="Courtroom A", capacity=4)
    db.add(room)
    await db.flush()
    scheduled = await make_case(db, program, CaseState.SCHEDULED)
    db.add(Hearing(program_id=program.id, courtroom_id=room.id, case_id=scheduled.id))
    await db.commit()
    await sign_in(client, coordinator)

    page = await client.get("/dashboard")

    assert page.status_code == 200
    text = page.text
    assert "Town Hall" in text
    assert "1 of 4" in text
    assert "Overdue sanctions <small>(1)</small>" in text
    assert "community service" in text
    assert "essay" not in text.split("Overdue sanctions")[1].split("</article>")[0]
    families = text.split("Families not contacted")[1].split("</article>")[0]
    assert quiet.number in families
    assert (await db.get(Youth, quiet.youth_id)).full_name in families
    assert contacted.number not in families
    assert "Olive Waiting" in text
    assert '<a href="/follow-ups">Follow-ups due</a> <small>(1)</small>' in text
    assert "6-month check" in text


async def test_dashboard_is_for_coordinators(client, db):
    program = await make_program(db)
    await sign_in_with_form(client, await make_user(db, program, Role.JUROR))
    assert (await client.get("/dashboard")).status_code == 403


async def quiet_cases(db, program, count: int) -> list:
    return [
        await make_case(db, program, CaseState.INTAKE, received_on=days(-60 - n), incident_date=days(-90))
        for n in range(count)
    ]


async def test_the_uncontacted_count_matches_a_full_list_reached_from_the_panel(client, db):
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    cases = await quiet_cases(db, program, 27)
    await sign_in(client, coordinator)

    dashboard = (await client.get("/dashboard")).text
    panel = dashboard.split("Families not contacted")[1].split("</article>")[0]
    link = re.search(r'<a href="([^"]+)">All 27 families not contacted', panel)
    assert "<small>(27)</small>" in panel
    assert link is not None
    first = await client.get(link[1])
    second = await client.get(link[1] + "?page=2")

    assert first.status_code == 200
    assert "Showing 1 to 25 of 27" in first.text
    assert "Showing 26 to 27 of 27" in second.text
    listed = {case.number for case in cases if case.number in first.text + second.text}
    assert listed == {case.number for case in cases}


async def test_a_case_opened_today_after_a_first_contact_on_the_referral_is_not_overdue(client, db):
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    contacted = await make_case(db, program, received_on=TODAY, incident_date=days(-5))
    referral = await db.get(Referral, contacted.referral_id)
    referral.family_contacted_on = TODAY
    fresh = await make_case(db, program, received_on=TODAY, incident_date=days(-5))
    await db.commit()
    await sign_in(client, coordinator)

    dashboard = (await client.get("/dashboard")).text
    contacted_page = (await client.get(f"/cases/{contacted.id}")).text
    fresh_page = (await client.get(f"/cases/{fresh.id}")).text

    panel = dashboard.split("Families not contacted")[1].split("</article>")[0]
    assert contacted.number not in panel and fresh.number not in panel
    assert "days without contact" not in contacted_page
    assert f"Last contact {TODAY.isoformat()}" in contacted_page
    assert "days without contact" not in fresh_page


async def test_a_first_contact_on_the_referral_counts_on_an_older_case(client, db):
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    case = await make_case(db, program, received_on=days(-40), incident_date=days(-50))
    referral = await db.get(Referral, case.referral_id)
    referral.family_contacted_on = days(-35)
    await db.commit()
    await sign_in(client, coordinator)

    dashboard = (await client.get("/dashboard")).text

    panel = dashboard.split("Families not contacted")[1].split("</article>")[0]
    assert case.number in panel
    assert f"last contact {days(-35).isoformat()}" in panel


async def test_the_follow_ups_count_matches_the_worklist_when_a_case_is_sealed(client, db):
    """A sealed case's due check is on the worklist without its youth's name; the panel counts it too."""
    from youthcourt.clock import utc_now

    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    youths = [await make_youth(db, program, first_name=f"Quinn{n}", last_name="Sealable") for n in range(2)]
    cases = [
        await make_case(db, program, CaseState.COMPLETED, referral=await make_referral(db, program, youth))
        for youth in youths
    ]
    for case in cases:
        db.add(FollowUpCheck(program_id=program.id, case_id=case.id, window_months=6, due_on=days(-2)))
    cases[0].sealed_at = utc_now()
    await db.commit()
    await sign_in(client, coordinator)

    dashboard = (await client.get("/dashboard")).text
    worklist = (await client.get("/follow-ups")).text

    assert "Follow-ups due</a> <small>(2)</small>" in dashboard
    assert "Showing 1 to 2 of 2" in worklist
    assert "Quinn1 Sealable" in dashboard and "Quinn0" not in dashboard
    assert "Sealed case" in dashboard
