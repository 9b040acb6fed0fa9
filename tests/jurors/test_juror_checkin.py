"""Hearing-night check-in: hours served, time credits once, jury-duty progress, absences and replacements."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_case, make_youth, post_form
from tests.jurors.test_juror_booking import (
    DAY,
    TODAY,
    audited,
    count,
    fresh,
    make_booking,
    make_juror,
    make_night,
    put_on_docket,
    set_policy,
    signed_in_coordinator,
)
from youthcourt.cases.models import Case, CaseState
from youthcourt.hearings.models import HearingNight
from youthcourt.jurors.models import (
    Attendance,
    Booking,
    BookingStatus,
    CourtRole,
    CreditEntry,
    CreditKind,
    Juror,
)
from youthcourt.programs.models import Program
from youthcourt.reference.models import SanctionType
from youthcourt.sanctions.models import Disposition, ProgressKind, Sanction, SanctionProgress, SanctionStatus


async def check_in(
    client, night: HearingNight, booking: Booking, attendance: str, htmx: bool = False, **fields
):
    headers = {"HX-Request": "true", "HX-Target": f"checkin-{booking.id}"} if htmx else {}
    return await post_form(
        client,
        f"/jurors/nights/{night.id}/bookings/{booking.id}/attendance",
        {"attendance": attendance, **fields},
        headers=headers,
    )


async def tonight(db: AsyncSession, program: Program, **fields) -> HearingNight:
    """A night held today, 18:00 to 20:30."""
    return await make_night(db, program, TODAY, rooms=fields.pop("rooms", ("Courtroom A",)), **fields)


async def credits_of(db: AsyncSession, juror: Juror) -> list[CreditEntry]:
    rows = await db.scalars(select(CreditEntry).where(CreditEntry.juror_id == juror.id))
    return list(rows.all())


async def jury_duty(db: AsyncSession, program: Program, case: Case, sessions: int = 3) -> Sanction:
    disposition = Disposition(program_id=program.id, case_id=case.id, decided_on=TODAY - 20 * DAY)
    db.add(disposition)
    await db.flush()
    sanction = Sanction(
        program_id=program.id,
        case_id=case.id,
        disposition_id=disposition.id,
        sanction_type=SanctionType.JURY_DUTY,
        quantity=Decimal(sessions),
        due_on=TODAY + 60 * DAY,
        original_due_on=TODAY + 60 * DAY,
    )
    db.add(sanction)
    await db.commit()
    return sanction


# Opening -------------------------------------------------------------------------------------


async def test_check_in_opens_on_the_night(client, db):
    program, _ = await signed_in_coordinator(client, db)
    tomorrow = await make_night(db, program, TODAY + DAY)
    booking = await make_booking(db, await make_juror(db, program), tomorrow)

    page = await client.get(f"/jurors/nights/{tomorrow.id}/check-in")
    assert page.status_code == 200
    assert "Check-in opens on the night" in page.text
    assert "/attendance" not in page.text
    response = await check_in(client, tomorrow, booking, "present")
    assert response.status_code == 303
    assert (await fresh(db, Booking, booking.id)).attendance is None
    assert await count(db, CreditEntry) == 0

    earlier = await make_night(db, program, TODAY - 2 * DAY)
    late_entry = await make_booking(db, await make_juror(db, program), earlier)
    assert "/attendance" in (await client.get(f"/jurors/nights/{earlier.id}/check-in")).text
    assert (await check_in(client, earlier, late_entry, "present")).status_code == 303
    assert (await fresh(db, Booking, late_entry.id)).attendance == Attendance.PRESENT


# Hours and credits ---------------------------------------------------------------------------


async def test_present_late_and_absent_hours_and_credits(client, db):
    program, _ = await signed_in_coordinator(client, db)
    await set_policy(db, program, credits_per_hour=2)
    night = await tonight(db, program)
    present_juror, late_juror, absent_juror = [await make_juror(db, program) for _ in range(3)]
    present = await make_booking(db, present_juror, night, courtroom=night.courtrooms[0])
    late = await make_booking(db, late_juror, night, courtroom=night.courtrooms[0])
    absent = await make_booking(db, absent_juror, night)

    assert (await check_in(client, night, present, "present")).status_code == 303
    assert (await check_in(client, night, late, "late", arrived_at="18:45")).status_code == 303
    assert (await check_in(client, night, absent, "absent")).status_code == 303

    assert (await fresh(db, Booking, present.id)).hours == Decimal("2.50")
    assert (await fresh(db, Booking, late.id)).hours == Decimal("1.75")
    saved_absent = await fresh(db, Booking, absent.id)
    assert saved_absent.attendance == Attendance.ABSENT and saved_absent.hours == Decimal("0")
    (entry,) = await credits_of(db, present_juror)
    assert entry.kind == CreditKind.SERVICE and entry.amount == Decimal("5.00")
    assert entry.booking_id == present.id and entry.occurred_on == TODAY
    assert entry.actor_name == "Maya Alvarez"
    assert [e.amount for e in await credits_of(db, late_juror)] == [Decimal("3.50")]
    assert await credits_of(db, absent_juror) == []

    page = await client.get(f"/jurors/nights/{night.id}/check-in")
    assert "Late, arrived 6:45 PM · 1.75 hours" in page.text
    assert "Present · 2.5 hours" in page.text
    assert [e.details["attendance"] for e in await audited(db, "juror_checkin")] == [
        "present",
        "late",
        "absent",
    ]
    assert (await audited(db, "juror_checkin"))[1].details["hours"] == "1.75"


async def test_credits_are_added_once_and_the_check_in_is_then_final(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await tonight(db, program)
    juror = await make_juror(db, program)
    booking = await make_booking(db, juror, night)

    # Corrections are allowed until credits are added: absent, then they turn up late.
    await check_in(client, night, booking, "absent")
    assert (await check_in(client, night, booking, "late", arrived_at="19:00")).status_code == 303
    assert (await fresh(db, Booking, booking.id)).hours == Decimal("1.50")
    again = await check_in(client, night, booking, "present")
    assert again.status_code == 422
    assert "Credits were already added for this night" in again.text
    changed = await check_in(client, night, booking, "absent")
    assert changed.status_code == 422

    saved = await fresh(db, Booking, booking.id)
    assert saved.attendance == Attendance.LATE and saved.hours == Decimal("1.50")
    assert [e.amount for e in await credits_of(db, juror)] == [Decimal("1.50")]
    page = await client.get(f"/jurors/nights/{night.id}/check-in")
    assert "this check-in is final" in page.text


async def test_late_needs_a_sensible_arrival_time_and_excused_a_reason(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await tonight(db, program)
    booking = await make_booking(db, await make_juror(db, program), night)

    missing = await check_in(client, night, booking, "late", arrived_at="")
    assert missing.status_code == 422 and "Enter the arrival time." in missing.text
    after_end = await check_in(client, night, booking, "late", arrived_at="21:00")
    assert after_end.status_code == 422 and "must be before the night ends" in after_end.text
    assert 'value="21:00"' in after_end.text
    no_reason = await check_in(client, night, booking, "excused", reason="  ")
    assert no_reason.status_code == 422 and "Enter why the juror is excused." in no_reason.text
    unknown = await check_in(client, night, booking, "asleep")
    assert unknown.status_code == 422
    assert (await fresh(db, Booking, booking.id)).attendance is None
    assert await count(db, CreditEntry) == 0


async def test_only_confirmed_bookings_can_be_checked_in(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await tonight(db, program)
    waiting = await make_booking(db, await make_juror(db, program), night, BookingStatus.WAITLISTED)
    response = await check_in(client, night, waiting, "present")
    assert response.status_code == 422
    assert "Only jurors who confirmed the night can be checked in." in response.text
    assert await count(db, CreditEntry) == 0


async def test_htmx_check_in_returns_the_row_in_place(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await tonight(db, program)
    booking = await make_booking(db, await make_juror(db, program, first_name="Hal", last_name="Mix"), night)

    error = await check_in(client, night, booking, "excused", htmx=True, reason="")
    assert error.status_code == 422
    assert error.text.lstrip().startswith(f'<article id="checkin-{booking.id}"')
    assert "Enter why the juror is excused." in error.text

    response = await check_in(client, night, booking, "present", htmx=True)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith(f'<article id="checkin-{booking.id}"')
    assert "Marked present, 2.5 hours, 2.5 credits added." in response.text
    assert f'hx-post="/jurors/nights/{night.id}/bookings/{booking.id}/attendance"' not in response.text


# Excused jurors and replacements --------------------------------------------------------------


async def test_excusing_a_seated_juror_frees_the_seat_for_the_waiting_list(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await tonight(db, program)
    room = night.courtrooms[0]
    seated_juror = await make_juror(
        db, program, roles=(CourtRole.FOREPERSON,), first_name="Ed", last_name="Out"
    )
    seated = await make_booking(db, seated_juror, night, courtroom=room, role=CourtRole.FOREPERSON)
    waiting_juror = await make_juror(db, program, first_name="Wyn", last_name="Next")
    waiting = await make_booking(db, waiting_juror, night, BookingStatus.WAITLISTED)

    response = await check_in(client, night, seated, "excused", reason="Knows a respondent")
    assert response.status_code == 303
    saved = await fresh(db, Booking, seated.id)
    assert saved.attendance == Attendance.EXCUSED and saved.hours == Decimal("0")
    assert saved.excuse_reason == "Knows a respondent"
    page = await client.get(f"/jurors/nights/{night.id}/check-in")
    assert "The seat in Courtroom A is free." in page.text
    assert "Seat Wyn N. from the waiting list instead" in page.text
    panels = await client.get(f"/jurors/nights/{night.id}/panels")
    assert "Jury: 0 of 8 seats." in panels.text

    replaced = await post_form(client, f"/jurors/nights/{night.id}/bookings/{seated.id}/replace", {})
    assert replaced.status_code == 303
    promoted = await fresh(db, Booking, waiting.id)
    assert promoted.status == BookingStatus.CONFIRMED
    assert promoted.courtroom_id == room.id
    assert promoted.role == CourtRole.JUROR, "not qualified as foreperson, so they sit as a juror"
    assert (await fresh(db, Booking, seated.id)).courtroom_id is None
    (entry,) = await audited(db, "juror_replace")
    assert entry.record_id == str(waiting.id) and entry.details == {"replaces": str(seated.id)}
    after = await client.get(replaced.headers["location"].split("#")[0])
    assert "The first juror on the waiting list moved up and takes the seat in Courtroom A." in after.text

    twice = await post_form(client, f"/jurors/nights/{night.id}/bookings/{seated.id}/replace", {})
    assert twice.status_code == 422 and "seat is not free" in twice.text


async def test_a_replacement_kept_off_the_courtroom_is_refused(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await tonight(db, program)
    room = night.courtrooms[0]
    youth = await make_youth(db, program)
    case = await make_case(db, program, CaseState.AWAITING_HEARING, youth=youth)
    await put_on_docket(db, room, case)
    seated = await make_booking(db, await make_juror(db, program), night, courtroom=room)
    waiting = await make_booking(
        db, await make_juror(db, program, youth=youth), night, BookingStatus.WAITLISTED
    )
    await check_in(client, night, seated, "absent")

    response = await post_form(client, f"/jurors/nights/{night.id}/bookings/{seated.id}/replace", {})
    assert response.status_code == 422
    assert "cannot take the seat" in response.text and "is the respondent in case" in response.text
    assert "Seat " in response.text and "from the waiting list instead" in response.text, "shown as saved"
    assert (await fresh(db, Booking, waiting.id)).status == BookingStatus.WAITLISTED
    assert (await fresh(db, Booking, seated.id)).courtroom_id == room.id
    assert await audited(db, "juror_replace") == []


# Jury duty and the absence rule --------------------------------------------------------------


async def test_a_former_respondent_serving_counts_toward_their_jury_duty(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    youth = await make_youth(db, program)
    case = await make_case(db, program, CaseState.SANCTIONS_IN_PROGRESS, coordinator=coordinator, youth=youth)
    sanction = await jury_duty(db, program, case, sessions=3)
    juror = await make_juror(db, program, youth=youth)
    night = await tonight(db, program)
    booking = await make_booking(db, juror, night)

    response = await check_in(client, night, booking, "late", arrived_at="19:30")
    assert response.status_code == 303
    flashed = await client.get(response.headers["location"].split("#")[0])
    assert "counted toward the juror&#39;s jury-duty sanction" in flashed.text
    assert (await check_in(client, night, booking, "present")).status_code == 422

    (progress,) = (await db.scalars(select(SanctionProgress))).all()
    assert progress.sanction_id == sanction.id and progress.kind == ProgressKind.JURY_SERVICE
    assert progress.amount == Decimal(1) and progress.occurred_on == TODAY
    assert progress.recorded_by_id == coordinator.id
    assert (await fresh(db, Sanction, sanction.id)).status == SanctionStatus.OPEN
    case_page = await client.get(f"/cases/{case.id}")
    assert case_page.status_code == 200
    assert "1 of 3 sessions" in case_page.text
    assert (await audited(db, "juror_checkin"))[0].details["jury_duty_counted"] is True


async def test_the_last_jury_night_completes_the_sanction(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    youth = await make_youth(db, program)
    case = await make_case(db, program, CaseState.SANCTIONS_IN_PROGRESS, coordinator=coordinator, youth=youth)
    sanction = await jury_duty(db, program, case, sessions=1)
    night = await tonight(db, program)
    booking = await make_booking(db, await make_juror(db, program, youth=youth), night)
    await check_in(client, night, booking, "present")
    saved = await fresh(db, Sanction, sanction.id)
    assert saved.status == SanctionStatus.COMPLETED and saved.completed_on == TODAY


async def test_absent_volunteers_and_closed_cases_record_no_jury_duty(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    youth = await make_youth(db, program)
    case = await make_case(db, program, CaseState.SANCTIONS_IN_PROGRESS, coordinator=coordinator, youth=youth)
    await jury_duty(db, program, case)
    night = await tonight(db, program)
    absent = await make_booking(db, await make_juror(db, program, youth=youth), night)
    volunteer = await make_booking(db, await make_juror(db, program), night)
    await check_in(client, night, absent, "absent")
    await check_in(client, night, volunteer, "present")
    assert await count(db, SanctionProgress) == 0


async def test_jurors_over_the_absence_rule_are_flagged(client, db):
    program, _ = await signed_in_coordinator(client, db)
    await set_policy(db, program, absence_limit=2, absence_window=3)
    night = await tonight(db, program)
    flagged = await make_juror(db, program, first_name="Flag", last_name="Ged")
    recovered = await make_juror(db, program, first_name="Rec", last_name="Overed")
    history = {
        # Oldest first; only each juror's last three nights count.
        flagged: [Attendance.PRESENT, Attendance.ABSENT, Attendance.PRESENT, Attendance.ABSENT],
        recovered: [Attendance.ABSENT, Attendance.ABSENT, Attendance.PRESENT, Attendance.PRESENT],
    }
    for offset in range(4):
        past = await make_night(db, program, TODAY - (30 - offset * 7) * DAY)
        for juror, marks in history.items():
            await make_booking(db, juror, past, attendance=marks[offset])
    for juror in history:
        await make_booking(db, juror, night)

    page = await client.get(f"/jurors/nights/{night.id}/check-in")

    rows = {
        re.search(r'<h3 id="checkin-name-[^"]+">([^<]+)</h3>', chunk).group(1): chunk
        for chunk in page.text.split('<article id="checkin-')[1:]
    }
    assert "Over the absence limit: absent 2 times in their last 3 nights" in rows["Flag G."]
    assert "Over the absence limit" not in rows["Rec O."]
    invite_page = await client.get(f"/jurors/nights/{(await make_night(db, program, TODAY + 5 * DAY)).id}")
    assert invite_page.text.count("Over the absence limit") == 1


async def test_check_in_page_lists_confirmed_jurors_by_courtroom_and_is_audited(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await tonight(db, program, rooms=("Courtroom A", "Courtroom B"))
    room_a, room_b = night.courtrooms
    await make_booking(
        db, await make_juror(db, program, first_name="Bea", last_name="Bee"), night, courtroom=room_b
    )
    await make_booking(
        db, await make_juror(db, program, first_name="Al", last_name="Aye"), night, courtroom=room_a
    )
    await make_booking(db, await make_juror(db, program, first_name="Un", last_name="Seated"), night)
    await make_booking(
        db, await make_juror(db, program, first_name="Wait", last_name="Ing"), night, BookingStatus.WAITLISTED
    )
    for _ in range(15):
        await make_booking(db, await make_juror(db, program), night)

    page = await client.get(f"/jurors/nights/{night.id}/check-in")

    names = re.findall(r'<h3 id="checkin-name-[^"]+">([^<]+)</h3>', page.text)
    assert names[:2] == ["Al A.", "Bea B."]
    assert "Un S." in names and "Wait I." not in names
    assert len(names) == 18
    assert "First on the waiting list: <strong>Wait I.</strong>" in page.text
    (entry,) = await audited(db, "juror_checkin_view")
    assert entry.record_id == str(night.id)
