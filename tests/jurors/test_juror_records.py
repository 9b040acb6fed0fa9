"""The juror roster: list, filters, attendance and hours, the absence rule, volunteers, a juror's page,
status rules, oath, court roles, conflicts, portal access and enrollment through jury duty."""

from __future__ import annotations

import datetime
import re
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import (
    counting,
    make_case,
    make_program,
    make_referral,
    make_user,
    make_youth,
    post_form,
    sign_in,
    sign_in_with_form,
)
from youthcourt.accounts.models import Membership, User
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import Case, CaseEvent, CaseState, EventKind
from youthcourt.hearings.models import Courtroom, HearingNight
from youthcourt.jurors import enrollment, records
from youthcourt.jurors.models import (
    Attendance,
    Booking,
    BookingStatus,
    ConflictDeclaration,
    CourtRole,
    Juror,
    JurorSource,
    JurorStatus,
    Qualification,
    TrainingAttendance,
    TrainingSession,
)
from youthcourt.programs.models import Program, Role
from youthcourt.programs.viewer import Viewer
from youthcourt.reference.defaults import ensure_defaults
from youthcourt.reference.models import RoleRequirement, SanctionType
from youthcourt.referrals.models import Guardian, Youth
from youthcourt.sanctions import events
from youthcourt.sanctions.models import Disposition, Sanction

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# Fixtures and factories for the juror program (imported by the training and reports tests)


@pytest.fixture(autouse=True)
def enrollment_listener(monkeypatch: pytest.MonkeyPatch) -> None:
    """Enrollment on, as the app sets it at start-up; the registry is restored after each test."""
    monkeypatch.setattr(events, "_listeners", dict(events._listeners))
    enrollment.register()


async def make_juror(db: AsyncSession, program: Program, **fields: Any) -> Juror:
    number = uuid.uuid4().hex[:6]
    juror = Juror(
        program_id=program.id,
        source=fields.pop("source", JurorSource.VOLUNTEER),
        status=fields.pop("status", JurorStatus.ACTIVE),
        first_name=fields.pop("first_name", f"Juror{number}"),
        last_name=fields.pop("last_name", f"Family{number}"),
        date_of_birth=fields.pop("date_of_birth", datetime.date(2009, 3, 4)),
        oath_signed_on=fields.pop("oath_signed_on", TODAY - 100 * DAY),
        parent_consent_on=fields.pop("parent_consent_on", TODAY - 100 * DAY),
        **fields,
    )
    db.add(juror)
    await db.commit()
    return juror


async def make_night(
    db: AsyncSession, program: Program, held_on: datetime.date, **fields: Any
) -> HearingNight:
    night = HearingNight(
        program_id=program.id,
        held_on=held_on,
        starts_at=datetime.time(18),
        ends_at=datetime.time(20, 30),
        location="Town hall",
        **fields,
    )
    db.add(night)
    await db.flush()
    db.add(Courtroom(program_id=program.id, night_id=night.id, name="Courtroom A"))
    await db.commit()
    return night


async def make_booking(
    db: AsyncSession,
    program: Program,
    juror: Juror,
    night: HearingNight,
    attendance: Attendance | None = None,
    hours: str | None = None,
    status: BookingStatus = BookingStatus.CONFIRMED,
) -> Booking:
    booking = Booking(
        program_id=program.id,
        juror_id=juror.id,
        night_id=night.id,
        status=status,
        attendance=attendance,
        hours=Decimal(hours) if hours is not None else None,
    )
    db.add(booking)
    await db.commit()
    return booking


async def serve(
    db: AsyncSession,
    program: Program,
    juror: Juror,
    *attendances: Attendance,
    start: datetime.date,
    hours: str = "2",
) -> None:
    """Bookings on consecutive past nights, oldest first, ending ``start``; hours for those who came."""
    count = len(attendances)
    for index, attendance in enumerate(attendances):
        night = await make_night(db, program, start - (count - 1 - index) * DAY)
        came = attendance in (Attendance.PRESENT, Attendance.LATE)
        await make_booking(db, program, juror, night, attendance, hours if came else None)


async def coordinator_and_program(db: AsyncSession) -> tuple[Program, User]:
    program = await make_program(db)
    await ensure_defaults(db, program.id)
    await db.commit()
    return program, await make_user(db, program, Role.COORDINATOR)


async def fresh(db: AsyncSession, model: Any, record_id: uuid.UUID) -> Any:
    return await db.scalar(
        select(model).where(model.id == record_id).execution_options(populate_existing=True)
    )


async def count(db: AsyncSession, model: Any, *where: Any) -> int:
    return await db.scalar(select(func.count()).select_from(model).where(*where)) or 0


async def audited(db: AsyncSession, action: str) -> list[AuditEntry]:
    return list((await db.scalars(select(AuditEntry).where(AuditEntry.action == action))).all())


def volunteer_form(**overrides: str) -> dict[str, str]:
    return {
        "first_name": "Nadia",
        "last_name": "Osei",
        "date_of_birth": "2010-06-01",
        "school": "Riverside High",
        "grade": "10",
        "email": "nadia@example.org",
        "phone": "555-0100",
        "guardian_name": "Ama Osei",
        "guardian_email": "ama@example.org",
        "parent_consent_on": "",
        "screening_notes": "Interviewed; references fine.",
        **overrides,
    }


# ---------------------------------------------------------------------------------------------
# The roster


async def test_list_filters_and_shows_attendance_and_hours(client, db):
    program, coordinator = await coordinator_and_program(db)
    regular = await make_juror(db, program, first_name="Ana", last_name="Regular", school="North High")
    await serve(
        db,
        program,
        regular,
        Attendance.PRESENT,
        Attendance.LATE,
        Attendance.ABSENT,
        Attendance.EXCUSED,
        start=TODAY - DAY,
        hours="2.5",
    )
    former = await make_juror(
        db,
        program,
        first_name="Ben",
        last_name="Former",
        source=JurorSource.FORMER_RESPONDENT,
        school="South High",
        status=JurorStatus.APPLICANT,
    )
    upcoming = await make_night(db, program, TODAY + 7 * DAY)
    await make_booking(db, program, former, upcoming)
    await make_juror(db, program, first_name="Cleo", last_name="Suspended", status=JurorStatus.SUSPENDED)
    other_program = await make_program(db)
    await make_juror(db, other_program, first_name="Ana", last_name="Elsewhere")
    await sign_in(client, coordinator)

    response = await client.get("/jurors")
    assert response.status_code == 200
    assert "Regular, Ana" in response.text
    assert "Former, Ben" in response.text
    assert "Elsewhere" not in response.text
    # Present + late over present + late + absent (the excused night does not count); 2.5 h x 2 nights.
    row = re.search(r"Regular, Ana</a></th>(.*?)</tr>", response.text, re.S).group(1)
    assert "67%" in row
    assert "<small>2 of 3 nights</small>" in row
    assert "<td>5</td>" in row
    former_row = re.search(r"Former, Ben</a></th>(.*?)</tr>", response.text, re.S).group(1)
    assert "—" in former_row
    assert "<td>0</td>" in former_row

    by_status = await client.get("/jurors?status=applicant")
    assert "Former, Ben" in by_status.text
    assert "Regular, Ana" not in by_status.text
    by_source = await client.get("/jurors?source=volunteer")
    assert "Regular, Ana" in by_source.text and "Suspended, Cleo" in by_source.text
    assert "Former, Ben" not in by_source.text
    by_school = await client.get("/jurors?school=South+High")
    assert "Former, Ben" in by_school.text and "Regular, Ana" not in by_school.text
    by_name = await post_form(client, "/jurors/search", {"q": "ana reg"})
    assert "Regular, Ana" in by_name.text and "Former, Ben" not in by_name.text
    nobody = await post_form(client, "/jurors/search", {"q": "zzz"})
    assert "No juror matches these filters." in nobody.text

    partial = await client.get(
        "/jurors?status=active", headers={"HX-Request": "true", "HX-Target": "juror-rows"}
    )
    assert partial.status_code == 200
    assert "<h1>" not in partial.text
    assert "Regular, Ana" in partial.text


async def test_list_is_paginated_with_filters_kept(client, db):
    program, coordinator = await coordinator_and_program(db)
    for number in range(27):
        await make_juror(db, program, first_name=f"Juror{number:02d}", last_name="Same", school="East")
    await sign_in(client, coordinator)
    first = await client.get("/jurors?school=East")
    assert "Showing 1 to 25 of 27" in first.text
    assert re.search(r'href="/jurors\?[^"]*school=East[^"]*page=2" rel="next"', first.text)
    second = await client.get("/jurors?school=East&page=2")
    assert "Showing 26 to 27 of 27" in second.text


async def test_the_list_costs_the_same_queries_for_many_jurors(client, db, app):
    program, coordinator = await coordinator_and_program(db)
    await sign_in(client, coordinator)
    for _ in range(2):
        juror = await make_juror(db, program)
        await serve(db, program, juror, Attendance.PRESENT, Attendance.ABSENT, start=TODAY - 30 * DAY)

    async def queries() -> int:
        with counting(app) as statements:
            response = await client.get("/jurors")
        assert response.status_code == 200
        return len(statements)

    few = await queries()
    for _ in range(10):
        juror = await make_juror(db, program)
        await serve(db, program, juror, Attendance.ABSENT, Attendance.PRESENT, start=TODAY - 60 * DAY)
    assert await queries() == few


async def test_absence_rule_counts_only_the_latest_nights_and_ignores_excused(client, db):
    program, coordinator = await coordinator_and_program(db)
    policy = await ensure_defaults(db, program.id)  # 3 absences in the last 10 nights
    A, P, E = Attendance.ABSENT, Attendance.PRESENT, Attendance.EXCUSED
    flagged = await make_juror(db, program, last_name="Flagged")
    await serve(db, program, flagged, A, P, A, E, E, P, A, start=TODAY - DAY)
    old_absences = await make_juror(db, program, last_name="Recovered")
    await serve(db, program, old_absences, A, A, A, *([P] * 10), start=TODAY - DAY)
    two = await make_juror(db, program, last_name="Twice")
    await serve(db, program, two, A, A, P, start=TODAY - DAY)
    excused = await make_juror(db, program, last_name="Excused")
    await serve(db, program, excused, E, E, E, A, A, start=TODAY - DAY)
    # The window holds attended-or-absent nights: 9 excused nights between absences do not push them out.
    spread = await make_juror(db, program, last_name="Spread")
    await serve(db, program, spread, A, *([E] * 9), A, P, A, start=TODAY - DAY)

    ids = [flagged.id, old_absences.id, two.id, excused.id, spread.id]
    flags = await records.absence_flags(db, ids, policy)
    assert flags == {flagged.id: 3, spread.id: 3}

    policy.absence_limit = 2
    policy.absence_window = 3
    flags = await records.absence_flags(db, ids, policy)
    assert set(flags) == {flagged.id, two.id, excused.id, spread.id}
    assert await records.absence_flags(db, [], policy) == {}
    policy.absence_limit, policy.absence_window = 3, 10
    await db.commit()

    await sign_in(client, coordinator)
    listing = await client.get("/jurors")
    assert listing.text.count("absences in the last 10 nights</mark>") == 2
    flagged_row = re.search(r"Flagged, .*?</tr>", listing.text, re.S).group(0)
    assert "<mark>3 absences in the last 10 nights</mark>" in flagged_row
    page = await client.get(f"/jurors/{flagged.id}")
    assert "Over the absence rule: absent 3 times in their last 10 nights" in page.text
    calm = await client.get(f"/jurors/{old_absences.id}")
    assert "Over the absence rule" not in calm.text


# ---------------------------------------------------------------------------------------------
# New volunteers


async def test_coordinator_adds_a_volunteer_as_an_applicant(client, db):
    program, coordinator = await coordinator_and_program(db)
    await sign_in(client, coordinator)
    form = await client.get("/jurors/new")
    assert form.status_code == 200
    assert 'name="guardian_email"' in form.text

    response = await post_form(client, "/jurors", volunteer_form(parent_consent_on=(TODAY - DAY).isoformat()))
    assert response.status_code == 303
    juror = await db.scalar(select(Juror).where(Juror.last_name == "Osei"))
    assert response.headers["location"] == f"/jurors/{juror.id}"
    assert juror.program_id == program.id
    assert juror.source == JurorSource.VOLUNTEER
    assert juror.status == JurorStatus.APPLICANT
    assert juror.date_of_birth == datetime.date(2010, 6, 1)
    assert juror.email == "nadia@example.org"
    assert juror.guardian_name == "Ama Osei"
    assert juror.parent_consent_on == TODAY - DAY
    assert juror.oath_signed_on is None
    [entry] = await audited(db, "juror_create")
    assert entry.record_id == str(juror.id)
    assert entry.actor_id == coordinator.id
    assert "Osei" not in str(entry.details) and "Nadia" not in str(entry.details)

    page = await client.get(response.headers["location"])
    assert "The volunteer was added as an applicant." in page.text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"first_name": " "}, "first_name", "Enter the first name."),
        ({"last_name": ""}, "last_name", "Enter the last name."),
        ({"date_of_birth": (TODAY + DAY).isoformat()}, "date_of_birth", "cannot be in the future"),
        ({"date_of_birth": "2010-02-30"}, "date_of_birth", "as a real date"),
        ({"email": "nadia.example.org"}, "email", "Enter an email address like name@example.org."),
        ({"guardian_email": "ama@"}, "guardian_email", "Enter an email address like name@example.org."),
        ({"parent_consent_on": (TODAY + DAY).isoformat()}, "parent_consent_on", "cannot be in the future"),
        ({"parent_consent_on": "2009-01-01"}, "parent_consent_on", "before the juror was born"),
    ],
)
async def test_volunteer_form_refuses_bad_input_and_keeps_it(client, db, overrides, field, message):
    _program, coordinator = await coordinator_and_program(db)
    await sign_in(client, coordinator)
    data = volunteer_form(**overrides)
    response = await post_form(client, "/jurors", data)
    assert response.status_code == 422
    assert message in response.text
    assert f'id="error-{field}"' in response.text
    assert 'value="Riverside High"' in response.text
    assert "Interviewed; references fine." in response.text
    if data["first_name"].strip():
        assert f'value="{data["first_name"]}"' in response.text
    assert await count(db, Juror) == 0


async def test_the_same_volunteer_cannot_be_added_twice(client, db):
    _program, coordinator = await coordinator_and_program(db)
    await sign_in(client, coordinator)
    assert (await post_form(client, "/jurors", volunteer_form())).status_code == 303
    again = await post_form(client, "/jurors", volunteer_form(first_name="NADIA"))
    assert again.status_code == 422
    assert "already on the roster" in again.text
    assert await count(db, Juror) == 1


# ---------------------------------------------------------------------------------------------
# A juror's page and details


async def test_juror_page_shows_the_record_and_is_audited(client, db):
    program, coordinator = await coordinator_and_program(db)
    juror = await make_juror(db, program, first_name="Dana", last_name="Page", school="West High", grade="9")
    night = await make_night(db, program, TODAY - 3 * DAY)
    await make_booking(db, program, juror, night, Attendance.PRESENT, "3")
    db.add(
        Qualification(
            program_id=program.id, juror_id=juror.id, role=CourtRole.JUROR, earned_on=TODAY - 90 * DAY
        )
    )
    db.add(
        Qualification(
            program_id=program.id, juror_id=juror.id, role=CourtRole.FOREPERSON, earned_on=TODAY - 9 * DAY
        )
    )
    await db.commit()
    await sign_in(client, coordinator)

    response = await client.get(f"/jurors/{juror.id}")
    assert response.status_code == 200
    assert "<h1>Dana Page</h1>" in response.text
    assert "West High, grade 9" in response.text
    assert f'href="/jurors/{juror.id}/credits"' in response.text
    assert "100% (1 of 1 nights present or late)" in response.text
    roles = response.text.index("<strong>Juror</strong> since")
    assert roles < response.text.index("<strong>Foreperson</strong> since")
    # Roles held are not offered again.
    assert '<option value="foreperson"' not in response.text
    assert '<option value="clerk"' in response.text
    assert response.headers["cache-control"] == "no-store"
    [entry] = await audited(db, "juror_view")
    assert entry.record_type == "juror"
    assert entry.record_id == str(juror.id)


async def test_editing_details_saves_and_audits_the_changed_fields(client, db):
    program, coordinator = await coordinator_and_program(db)
    juror = await make_juror(db, program, first_name="Eli", last_name="Edit", school="Old School")
    await sign_in(client, coordinator)
    form = await client.get(f"/jurors/{juror.id}/edit")
    assert form.status_code == 200
    assert 'value="Old School"' in form.text
    assert f'name="version" value="{juror.version}"' in form.text

    before = juror.version
    values = {**records.detail_values(juror), "school": "New School", "grade": "11"}
    response = await post_form(client, f"/jurors/{juror.id}/edit", values)
    assert response.status_code == 303
    saved = await fresh(db, Juror, juror.id)
    assert saved.school == "New School"
    assert saved.grade == "11"
    assert saved.version == before + 1
    [entry] = await audited(db, "juror_update")
    assert sorted(entry.details["fields"]) == ["grade", "school"]


async def test_a_stale_edit_is_refused_with_409_and_the_input_kept(client, db):
    program, coordinator = await coordinator_and_program(db)
    juror = await make_juror(db, program, first_name="Fay", last_name="Stale", school="First School")
    await sign_in(client, coordinator)
    stale = {**records.detail_values(juror), "school": "Typed School"}
    # Someone else saves first.
    juror.school = "Saved School"
    await db.commit()

    response = await post_form(client, f"/jurors/{juror.id}/edit", stale)
    assert response.status_code == 409
    assert "Someone else saved this juror" in response.text
    assert 'value="Typed School"' in response.text
    assert "Saved School" in response.text
    assert f'name="version" value="{juror.version}"' in response.text
    assert (await fresh(db, Juror, juror.id)).school == "Saved School"
    assert await audited(db, "juror_update") == []

    missing = {**stale}
    missing.pop("version")
    assert (await post_form(client, f"/jurors/{juror.id}/edit", missing)).status_code == 409


async def test_edit_errors_are_422_and_keep_input(client, db):
    program, coordinator = await coordinator_and_program(db)
    juror = await make_juror(db, program, last_name="Valid")
    await sign_in(client, coordinator)
    values = {**records.detail_values(juror), "last_name": "", "email": "bad", "school": "Kept School"}
    response = await post_form(client, f"/jurors/{juror.id}/edit", values)
    assert response.status_code == 422
    assert "Enter the last name." in response.text
    assert 'value="Kept School"' in response.text
    assert (await fresh(db, Juror, juror.id)).last_name == "Valid"


# ---------------------------------------------------------------------------------------------
# Status, oath and consent


async def test_a_juror_cannot_be_made_active_without_the_oath_or_consent(client, db):
    program, coordinator = await coordinator_and_program(db)
    volunteer = await make_juror(
        db, program, status=JurorStatus.APPLICANT, oath_signed_on=None, parent_consent_on=None
    )
    await sign_in(client, coordinator)

    response = await post_form(client, f"/jurors/{volunteer.id}/status", {"status": "active"})
    assert response.status_code == 422
    assert "Record the confidentiality oath before making this juror active." in response.text
    assert (await fresh(db, Juror, volunteer.id)).status == JurorStatus.APPLICANT

    oath = await post_form(
        client, f"/jurors/{volunteer.id}/oath", {"oath_signed_on": (TODAY - DAY).isoformat()}
    )
    assert oath.status_code == 303
    response = await post_form(client, f"/jurors/{volunteer.id}/status", {"status": "active"})
    assert response.status_code == 422
    assert "Record the parent&#39;s consent before making a volunteer active." in response.text

    await post_form(
        client,
        f"/jurors/{volunteer.id}/oath",
        {"oath_signed_on": (TODAY - DAY).isoformat(), "parent_consent_on": (TODAY - 2 * DAY).isoformat()},
    )
    response = await post_form(client, f"/jurors/{volunteer.id}/status", {"status": "active"})
    assert response.status_code == 303
    saved = await fresh(db, Juror, volunteer.id)
    assert saved.status == JurorStatus.ACTIVE
    assert saved.oath_signed_on == TODAY - DAY
    assert saved.parent_consent_on == TODAY - 2 * DAY
    [change] = await audited(db, "juror_status_change")
    assert change.details["from"] == "applicant" and change.details["to"] == "active"
    oaths = await audited(db, "juror_oath")
    assert sorted(e.details["parent_consent"] for e in oaths) == [False, True]

    former = await make_juror(
        db,
        program,
        source=JurorSource.FORMER_RESPONDENT,
        status=JurorStatus.APPLICANT,
        oath_signed_on=TODAY - DAY,
        parent_consent_on=None,
    )
    # A former respondent's consent was given at their own intake: the oath is enough.
    assert (await post_form(client, f"/jurors/{former.id}/status", {"status": "active"})).status_code == 303


async def test_suspension_withdraws_coming_nights_and_reactivation_works(client, db):
    program, coordinator = await coordinator_and_program(db)
    juror = await make_juror(db, program)
    coming = await make_booking(db, program, juror, await make_night(db, program, TODAY + 5 * DAY))
    waiting = await make_booking(
        db, program, juror, await make_night(db, program, TODAY + 12 * DAY), status=BookingStatus.WAITLISTED
    )
    past = await make_booking(
        db, program, juror, await make_night(db, program, TODAY - 5 * DAY), Attendance.PRESENT, "2"
    )
    await sign_in(client, coordinator)

    response = await post_form(client, f"/jurors/{juror.id}/status", {"status": "suspended"})
    assert response.status_code == 303
    assert (await fresh(db, Juror, juror.id)).status == JurorStatus.SUSPENDED
    assert (await fresh(db, Booking, coming.id)).status == BookingStatus.CANCELLED
    assert (await fresh(db, Booking, waiting.id)).status == BookingStatus.CANCELLED
    assert (await fresh(db, Booking, past.id)).status == BookingStatus.CONFIRMED
    [entry] = await audited(db, "juror_status_change")
    assert entry.details == {"from": "active", "to": "suspended", "bookings_withdrawn": 2}
    page = await client.get(f"/jurors/{juror.id}")
    assert "The juror is now suspended. Their 2 upcoming bookings were withdrawn." in page.text

    again = await post_form(client, f"/jurors/{juror.id}/status", {"status": "suspended"})
    assert again.status_code == 422
    assert "This juror is already suspended." in again.text
    bad = await post_form(client, f"/jurors/{juror.id}/status", {"status": "emperor"})
    assert bad.status_code == 422
    assert "Choose the new status." in bad.text

    assert (await post_form(client, f"/jurors/{juror.id}/status", {"status": "active"})).status_code == 303
    assert (await fresh(db, Juror, juror.id)).status == JurorStatus.ACTIVE


async def test_the_oath_date_is_checked(client, db):
    program, coordinator = await coordinator_and_program(db)
    juror = await make_juror(db, program, oath_signed_on=None, date_of_birth=datetime.date(2010, 1, 1))
    await sign_in(client, coordinator)
    future = await post_form(
        client, f"/jurors/{juror.id}/oath", {"oath_signed_on": (TODAY + DAY).isoformat()}
    )
    assert future.status_code == 422
    assert "cannot be in the future" in future.text
    assert f'value="{(TODAY + DAY).isoformat()}"' in future.text
    early = await post_form(client, f"/jurors/{juror.id}/oath", {"oath_signed_on": "2009-12-31"})
    assert early.status_code == 422
    assert "before the juror was born" in early.text
    missing = await post_form(client, f"/jurors/{juror.id}/oath", {"oath_signed_on": ""})
    assert missing.status_code == 422
    assert (await fresh(db, Juror, juror.id)).oath_signed_on is None
    assert await audited(db, "juror_oath") == []


# ---------------------------------------------------------------------------------------------
# Court roles and conflicts


async def attend_training(
    db: AsyncSession, program: Program, juror: Juror, title: str = "Court roles", hours: str = "4"
) -> None:
    session = TrainingSession(
        program_id=program.id, held_on=TODAY - 30 * DAY, title=title, hours=Decimal(hours), role=None
    )
    db.add(session)
    await db.flush()
    db.add(TrainingAttendance(program_id=program.id, session_id=session.id, juror_id=juror.id))
    await db.commit()


async def test_court_roles_are_added_once_each(client, db):
    program, coordinator = await coordinator_and_program(db)
    juror = await make_juror(db, program)
    await attend_training(db, program, juror)
    await sign_in(client, coordinator)
    response = await post_form(
        client,
        f"/jurors/{juror.id}/qualifications",
        {"role": "clerk", "earned_on": (TODAY - 3 * DAY).isoformat()},
    )
    assert response.status_code == 303
    [qualification] = (
        await db.scalars(select(Qualification).where(Qualification.juror_id == juror.id))
    ).all()
    assert qualification.role == CourtRole.CLERK
    assert qualification.earned_on == TODAY - 3 * DAY
    assert qualification.program_id == program.id
    [entry] = await audited(db, "juror_qualification_add")
    assert entry.details["role"] == "clerk"

    twice = await post_form(
        client, f"/jurors/{juror.id}/qualifications", {"role": "clerk", "earned_on": TODAY.isoformat()}
    )
    assert twice.status_code == 422
    assert "already qualified as clerk" in twice.text
    future = await post_form(
        client,
        f"/jurors/{juror.id}/qualifications",
        {"role": "bailiff", "earned_on": (TODAY + DAY).isoformat()},
    )
    assert future.status_code == 422
    unknown = await post_form(
        client, f"/jurors/{juror.id}/qualifications", {"role": "king", "earned_on": TODAY.isoformat()}
    )
    assert unknown.status_code == 422
    assert "Choose a court role." in unknown.text
    assert await count(db, Qualification) == 1


async def test_a_new_volunteer_is_not_made_youth_judge_without_a_reason(client, db):
    program, coordinator = await coordinator_and_program(db)
    juror = await make_juror(db, program, first_name="Nadia")
    await sign_in(client, coordinator)
    page = await client.get(f"/jurors/{juror.id}")
    assert "What each next role needs" in page.text
    assert "10 nights served, 8 hours of training, Foreperson first" in page.text
    assert "Needs 10 nights served (has 0)" in page.text

    refused = await post_form(
        client,
        f"/jurors/{juror.id}/qualifications",
        {"role": "youth_judge", "earned_on": TODAY.isoformat()},
    )

    assert refused.status_code == 422
    text = refused.text
    assert "Nadia does not meet the program&#39;s rule for youth judge yet" in text
    assert "10 nights served (has 0); 8 hours of training (has 0); foreperson first (not held)" in text
    assert 'aria-invalid="true"' in re.search(r'<textarea id="field-override_reason"[^>]*>', text).group(0)
    assert re.search(r'<option value="youth_judge"\s+selected>', text), "the chosen role is kept"
    assert await count(db, Qualification) == 0
    assert await audited(db, "juror_qualification_add") == []

    granted = await post_form(
        client,
        f"/jurors/{juror.id}/qualifications",
        {
            "role": "youth_judge",
            "earned_on": TODAY.isoformat(),
            "override_reason": "Served as youth judge for two years in the county's other program.",
        },
    )

    assert granted.status_code == 303
    [qualification] = (
        await db.scalars(select(Qualification).where(Qualification.juror_id == juror.id))
    ).all()
    assert qualification.role == CourtRole.YOUTH_JUDGE
    assert qualification.override_reason.startswith("Served as youth judge for two years")
    assert qualification.unmet == (
        "10 nights served (has 0); 8 hours of training (has 0); foreperson first (not held)"
    )
    [entry] = await audited(db, "juror_qualification_add")
    assert entry.details["override"] is True
    assert entry.details["reason"].startswith("Served as youth judge")
    assert entry.details["unmet"][0] == "10 nights served (has 0)"
    shown = await client.get(f"/jurors/{juror.id}")
    assert "Granted before the program's rule was met" in shown.text
    assert "Served as youth judge for two years in the county&#39;s other program." in shown.text


async def test_a_juror_who_meets_the_programs_rule_needs_no_reason(client, db):
    program, coordinator = await coordinator_and_program(db)
    juror = await make_juror(db, program)
    await serve(db, program, juror, Attendance.PRESENT, Attendance.LATE, start=TODAY - 5 * DAY)
    await sign_in(client, coordinator)

    short = await post_form(
        client, f"/jurors/{juror.id}/qualifications", {"role": "foreperson", "earned_on": TODAY.isoformat()}
    )
    assert short.status_code == 422
    assert "needs 3 nights served (has 2)" in short.text

    await serve(db, program, juror, Attendance.ABSENT, Attendance.PRESENT, start=TODAY - 2 * DAY)
    ready = await client.get(f"/jurors/{juror.id}")
    assert re.search(
        r"<th scope=\"row\">Foreperson</th>\s*<td>3 nights served</td>\s*<td><ins>Ready</ins>", ready.text
    )
    granted = await post_form(
        client, f"/jurors/{juror.id}/qualifications", {"role": "foreperson", "earned_on": TODAY.isoformat()}
    )
    assert granted.status_code == 303
    [qualification] = (
        await db.scalars(select(Qualification).where(Qualification.juror_id == juror.id))
    ).all()
    assert (qualification.override_reason, qualification.unmet) == ("", "")
    [entry] = await audited(db, "juror_qualification_add")
    assert "override" not in entry.details


async def test_the_progression_rule_is_the_programs_own(client, db):
    program, coordinator = await coordinator_and_program(db)
    db.add(
        RoleRequirement(
            program_id=program.id,
            role=CourtRole.CLERK,
            min_nights=0,
            training_hours=Decimal(0),
            training_course="Clerk of the court",
            prior_role=None,
        )
    )
    await db.commit()
    juror = await make_juror(db, program)
    await attend_training(db, program, juror, title="General training", hours="10")
    other_program, other_coordinator = await coordinator_and_program(db)
    other_juror = await make_juror(db, other_program)
    await attend_training(db, other_program, other_juror, title="General training", hours="10")
    await sign_in(client, coordinator)

    refused = await post_form(
        client, f"/jurors/{juror.id}/qualifications", {"role": "clerk", "earned_on": TODAY.isoformat()}
    )
    assert refused.status_code == 422
    assert "needs the training “Clerk of the court” (not attended)" in refused.text

    await attend_training(db, program, juror, title="clerk of the  Court", hours="2")
    granted = await post_form(
        client, f"/jurors/{juror.id}/qualifications", {"role": "clerk", "earned_on": TODAY.isoformat()}
    )
    assert granted.status_code == 303

    await sign_in(client, other_coordinator)
    default_rule = await post_form(
        client,
        f"/jurors/{other_juror.id}/qualifications",
        {"role": "clerk", "earned_on": TODAY.isoformat()},
    )
    assert default_rule.status_code == 303, "the other program keeps the default: 4 hours of training"


async def test_conflicts_are_found_by_name_declared_and_removed(client, db):
    program, coordinator = await coordinator_and_program(db)
    juror = await make_juror(db, program)
    cousin = await make_youth(db, program, first_name="Marco", last_name="Cousin")
    await make_youth(db, program, first_name="Other", last_name="Person")
    other_program = await make_program(db)
    stranger = await make_youth(db, other_program, first_name="Marco", last_name="Elsewhere")
    await sign_in(client, coordinator)

    search = await post_form(
        client,
        f"/jurors/{juror.id}/conflicts/search",
        {"youth_search": "marco"},
        headers={"HX-Request": "true"},
    )
    assert search.status_code == 200
    assert "Marco Cousin" in search.text
    assert "Elsewhere" not in search.text
    assert "Other Person" not in search.text
    assert "<h1>" not in search.text
    full = await post_form(client, f"/jurors/{juror.id}/conflicts/search", {"youth_search": "cous"})
    assert full.status_code == 200
    assert "<h1>" in full.text and "Marco Cousin" in full.text
    none = await post_form(
        client,
        f"/jurors/{juror.id}/conflicts/search",
        {"youth_search": "nobody"},
        headers={"HX-Request": "true"},
    )
    assert "No youth of the program matches" in none.text

    response = await post_form(
        client, f"/jurors/{juror.id}/conflicts", {"youth_id": str(cousin.id), "note": "Cousin"}
    )
    assert response.status_code == 303
    [declaration] = (await db.scalars(select(ConflictDeclaration))).all()
    assert declaration.juror_id == juror.id and declaration.youth_id == cousin.id
    assert declaration.note == "Cousin"
    [entry] = await audited(db, "juror_conflict_declare")
    assert entry.details["youth_id"] == str(cousin.id)
    page = await client.get(f"/jurors/{juror.id}")
    assert "Marco Cousin" in page.text
    # A youth already declared is not offered again, and cannot be declared twice.
    search = await post_form(
        client,
        f"/jurors/{juror.id}/conflicts/search",
        {"youth_search": "marco"},
        headers={"HX-Request": "true"},
    )
    assert "Marco Cousin" not in search.text
    twice = await post_form(client, f"/jurors/{juror.id}/conflicts", {"youth_id": str(cousin.id)})
    assert twice.status_code == 422
    assert "already declared" in twice.text

    foreign = await post_form(client, f"/jurors/{juror.id}/conflicts", {"youth_id": str(stranger.id)})
    assert foreign.status_code == 404
    garbage = await post_form(client, f"/jurors/{juror.id}/conflicts", {"youth_id": "not-an-id"})
    assert garbage.status_code == 404

    removed = await post_form(client, f"/jurors/{juror.id}/conflicts/{declaration.id}/remove", {})
    assert removed.status_code == 303
    assert await count(db, ConflictDeclaration) == 0
    assert len(await audited(db, "juror_conflict_remove")) == 1
    gone = await post_form(client, f"/jurors/{juror.id}/conflicts/{declaration.id}/remove", {})
    assert gone.status_code == 404


async def test_a_sealed_youth_cannot_be_declared_a_conflict_by_id(client, db):
    """The name search leaves sealed youth out; a form naming one by id must not reach them either,
    or the juror's page would then show the sealed youth's name among the declared conflicts."""
    program, coordinator = await coordinator_and_program(db)
    juror = await make_juror(db, program)
    youth = await make_youth(db, program, first_name="Sealed", last_name="Youngster")
    case = await make_case(db, program, CaseState.COMPLETED, referral=await make_referral(db, program, youth))
    case.closed_on = TODAY
    case.sealed_at = datetime.datetime.now(datetime.UTC)
    await db.commit()
    await sign_in(client, coordinator)

    response = await post_form(client, f"/jurors/{juror.id}/conflicts", {"youth_id": str(case.youth_id)})

    assert response.status_code == 404
    assert await count(db, ConflictDeclaration) == 0
    assert "Youngster" not in (await client.get(f"/jurors/{juror.id}")).text


# ---------------------------------------------------------------------------------------------
# Portal access


async def test_portal_access_creates_a_juror_account_with_a_temporary_password(client, db):
    program, coordinator = await coordinator_and_program(db)
    juror = await make_juror(db, program, first_name="Gia", last_name="Portal", email="gia@example.org")
    await sign_in(client, coordinator)
    page = await client.get(f"/jurors/{juror.id}")
    assert 'value="gia@example.org"' in page.text

    missing = await post_form(client, f"/jurors/{juror.id}/portal", {"email": ""})
    assert missing.status_code == 422
    given = await post_form(client, f"/jurors/{juror.id}/portal", {"email": "Gia.Portal@Example.org"})
    assert given.status_code == 303
    user = await db.scalar(select(User).where(User.email == "gia.portal@example.org"))
    assert user.full_name == "Gia Portal"
    assert user.must_change_password
    [membership] = (await db.scalars(select(Membership).where(Membership.user_id == user.id))).all()
    assert membership.program_id == program.id and membership.role == Role.JUROR
    assert (await fresh(db, Juror, juror.id)).user_id == user.id
    [entry] = await audited(db, "juror_portal_access")
    assert entry.details == {"user_id": str(user.id)}

    response = await post_form(client, f"/jurors/{juror.id}/portal/password", {})
    assert response.status_code == 200
    password = re.search(r'<p class="temporary-password"><code>([^<]+)</code>', response.text).group(1)
    [reset] = await audited(db, "juror_portal_password")
    assert password not in str(reset.details)

    again = await post_form(client, f"/jurors/{juror.id}/portal", {"email": "gia2@example.org"})
    assert again.status_code == 422
    assert "already has portal access" in again.text

    # The new account signs in with the temporary password and must change it.
    client.cookies.clear()
    signed_in = await sign_in_with_form(client, "gia.portal@example.org", password)
    assert signed_in.status_code == 303
    assert (await client.get("/me", follow_redirects=False)).headers["location"] == "/account/password"


async def test_portal_access_tells_nothing_of_an_account_in_another_program(client, db):
    """Giving access answers the same whether the email has an account elsewhere; a temporary
    password is given only for an account that is nothing but this program's juror."""
    program, coordinator = await coordinator_and_program(db)
    elsewhere = await make_program(db)
    known = await make_user(
        db, elsewhere, Role.COORDINATOR, email="known@example.org", name="Kendra Elsewhere"
    )
    known_hash = known.password_hash
    first, second = await make_juror(db, program), await make_juror(db, program)
    await sign_in(client, coordinator)

    answers, shown = [], []
    for juror, email in ((first, "known@example.org"), (second, "brand.new@example.org")):
        answers.append(await post_form(client, f"/jurors/{juror.id}/portal", {"email": email}))
        shown.append((await client.get(answers[-1].headers["location"])).text)
    assert [a.status_code for a in answers] == [303, 303]
    notes = [re.findall(r'<p class="flash[^"]*">([^<]*)</p>', text) for text in shown]
    assert notes[0] == notes[1] and len(notes[0]) == 1, (
        "the same message whether or not the email had an account"
    )
    assert all("Kendra" not in text and "Elsewhere" not in text for text in shown)
    entries = await audited(db, "juror_portal_access")
    assert all(set(entry.details) == {"user_id"} for entry in entries)

    refused = await post_form(client, f"/jurors/{first.id}/portal/password", {})
    assert refused.status_code == 403
    assert (await fresh(db, User, known.id)).password_hash == known_hash
    given = await post_form(client, f"/jurors/{second.id}/portal/password", {})
    assert given.status_code == 200 and 'class="temporary-password"' in given.text


async def test_portal_access_links_an_existing_account(client, db):
    program, coordinator = await coordinator_and_program(db)
    elsewhere = await make_program(db)
    existing = await make_user(db, elsewhere, Role.JUROR, email="known@example.org")
    staff = await make_user(db, program, Role.EVALUATOR, email="staff@example.org")
    juror = await make_juror(db, program)
    await sign_in(client, coordinator)

    refused = await post_form(client, f"/jurors/{juror.id}/portal", {"email": "staff@example.org"})
    assert refused.status_code == 422
    assert "staff account" in refused.text
    assert (await fresh(db, Juror, juror.id)).user_id is None

    linked = await post_form(client, f"/jurors/{juror.id}/portal", {"email": "known@example.org"})
    assert linked.status_code == 303
    assert (await fresh(db, Juror, juror.id)).user_id == existing.id
    roles = {
        (m.program_id, m.role)
        for m in (await db.scalars(select(Membership).where(Membership.user_id == existing.id))).all()
    }
    assert roles == {(elsewhere.id, Role.JUROR), (program.id, Role.JUROR)}
    [entry] = await audited(db, "juror_portal_access")
    assert set(entry.details) == {"user_id"}
    assert staff.id != existing.id

    other = await make_juror(db, program)
    taken = await post_form(client, f"/jurors/{other.id}/portal", {"email": "known@example.org"})
    assert taken.status_code == 422
    assert "cannot be used for this juror" in taken.text


# ---------------------------------------------------------------------------------------------
# Who may see what


async def test_unknown_and_other_programs_jurors_are_not_found(client, db):
    _program, coordinator = await coordinator_and_program(db)
    other_program = await make_program(db)
    foreign = await make_juror(db, other_program)
    await sign_in(client, coordinator)
    for juror_id in (foreign.id, uuid.uuid4()):
        assert (await client.get(f"/jurors/{juror_id}")).status_code == 404
        assert (await client.get(f"/jurors/{juror_id}/edit")).status_code == 404
        for action, data in [
            ("status", {"status": "suspended"}),
            ("oath", {"oath_signed_on": TODAY.isoformat()}),
            ("qualifications", {"role": "clerk", "earned_on": TODAY.isoformat()}),
            ("portal", {"email": "x@example.org"}),
            ("conflicts/search", {"youth_search": "ab"}),
            ("edit", records.detail_values(foreign)),
        ]:
            response = await post_form(client, f"/jurors/{juror_id}/{action}", data)
            assert response.status_code == 404, action
    saved = await fresh(db, Juror, foreign.id)
    assert saved.status == JurorStatus.ACTIVE
    assert saved.user_id is None


@pytest.mark.parametrize("role", [Role.JUROR, Role.EVALUATOR, Role.PROGRAM_ADMIN])
async def test_only_coordinators_reach_the_juror_pages(client, db, role):
    program, _coordinator = await coordinator_and_program(db)
    juror = await make_juror(db, program)
    user = await make_user(db, program, role)
    await sign_in(client, user)
    for path in ("/jurors", "/jurors/new", f"/jurors/{juror.id}", f"/jurors/{juror.id}/edit"):
        assert (await client.get(path)).status_code == 403, path
    response = await post_form(client, f"/jurors/{juror.id}/status", {"status": "suspended"})
    assert response.status_code == 403
    assert (await post_form(client, "/jurors", volunteer_form())).status_code == 403
    assert (await fresh(db, Juror, juror.id)).status == JurorStatus.ACTIVE
    assert await audited(db, "juror_view") == []


# ---------------------------------------------------------------------------------------------
# Enrollment through a jury-duty sentence


def viewer_for(user: User, program: Program) -> Viewer:
    return Viewer(
        user_id=user.id,
        session_id=uuid.uuid4(),
        email=user.email,
        full_name=user.full_name,
        is_site_admin=False,
        must_change_password=False,
        program_id=program.id,
        program_name=program.name,
        role=Role.COORDINATOR,
    )


async def sentence(db: AsyncSession, program: Program, case: Case, *types: SanctionType) -> list[Sanction]:
    disposition = Disposition(program_id=program.id, case_id=case.id, decided_on=TODAY)
    db.add(disposition)
    await db.flush()
    sanctions = [
        Sanction(
            program_id=program.id,
            case_id=case.id,
            disposition_id=disposition.id,
            sanction_type=sanction_type,
            quantity=Decimal(2),
            due_on=TODAY + 90 * DAY,
            original_due_on=TODAY + 90 * DAY,
        )
        for sanction_type in types
    ]
    db.add_all(sanctions)
    await db.flush()
    return sanctions


async def test_the_listener_enrolls_a_respondent_sentenced_to_jury_duty_once(db):
    program, coordinator = await coordinator_and_program(db)
    youth = await make_youth(
        db,
        program,
        first_name="Hana",
        last_name="Respondent",
        date_of_birth=datetime.date(2011, 2, 3),
        school="Lake Middle",
        grade="8",
        email="hana@example.org",
        phone="555-0199",
    )
    db.add(
        Guardian(program_id=program.id, youth_id=youth.id, name="Rita Respondent", email="rita@example.org")
    )
    db.add(Guardian(program_id=program.id, youth_id=youth.id, name="Second Guardian"))
    await db.commit()
    case = await make_case(db, program, CaseState.SCHEDULED, coordinator=coordinator, youth=youth)
    viewer = viewer_for(coordinator, program)

    no_jury = await sentence(db, program, case, SanctionType.ESSAY)
    assert await enrollment.enroll_for_jury_duty(db, case, no_jury, viewer) is None
    assert await count(db, Juror) == 0

    sanctions = await sentence(db, program, case, SanctionType.ESSAY, SanctionType.JURY_DUTY)
    await events.disposition_recorded(db, case, sanctions, viewer)
    await db.commit()
    juror = await db.scalar(select(Juror))
    assert juror.program_id == program.id
    assert juror.source == JurorSource.FORMER_RESPONDENT
    assert juror.status == JurorStatus.APPLICANT
    assert juror.youth_id == youth.id
    assert (juror.first_name, juror.last_name) == ("Hana", "Respondent")
    assert juror.date_of_birth == datetime.date(2011, 2, 3)
    assert (juror.school, juror.grade, juror.email, juror.phone) == (
        "Lake Middle",
        "8",
        "hana@example.org",
        "555-0199",
    )
    assert juror.guardian_name == "Rita Respondent"
    assert juror.oath_signed_on is None
    [timeline] = (await db.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))).all()
    assert timeline.kind == EventKind.SANCTION
    assert timeline.summary == "Enrolled as a juror for jury duty."
    assert timeline.actor_id == coordinator.id
    [entry] = await audited(db, "juror_enroll")
    assert entry.record_id == str(juror.id)
    assert entry.program_id == program.id
    assert entry.actor_id == coordinator.id

    # A second sentence with jury duty finds the juror already enrolled.
    more = await sentence(db, program, case, SanctionType.JURY_DUTY)
    assert await enrollment.enroll_for_jury_duty(db, case, more, viewer) is None
    await db.commit()
    assert await count(db, Juror) == 1
    assert await count(db, CaseEvent) == 1


async def test_recording_a_disposition_with_jury_duty_enrolls_the_youth(client, db):
    program, coordinator = await coordinator_and_program(db)
    case = await make_case(db, program, CaseState.SCHEDULED, coordinator=coordinator)
    await sign_in(client, coordinator)
    response = await post_form(
        client,
        f"/cases/{case.id}/disposition",
        {
            "decided_on": TODAY.isoformat(),
            "s1_type": "jury_duty",
            "s1_quantity": "2",
            "s1_factor": "none",
            "s1_no_factor_reason": "Every sentence in this program includes jury duty.",
            "s1_due_on": (TODAY + 60 * DAY).isoformat(),
        },
    )
    assert response.status_code == 303
    youth = await db.scalar(select(Youth).where(Youth.id == case.youth_id))
    juror = await db.scalar(select(Juror).where(Juror.youth_id == youth.id))
    assert juror is not None
    assert juror.source == JurorSource.FORMER_RESPONDENT
    assert juror.last_name == youth.last_name
    summaries = (await db.scalars(select(CaseEvent.summary).where(CaseEvent.case_id == case.id))).all()
    assert "Enrolled as a juror for jury duty." in summaries
    listing = await client.get("/jurors?source=former_respondent")
    assert f"{youth.last_name}, {youth.first_name}" in listing.text
