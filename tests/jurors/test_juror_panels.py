"""Panels: seating confirmed jurors by courtroom and role, conflict rules, qualifications and the shortfall."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_case, make_youth, post_form
from tests.jurors.test_juror_booking import (
    audited,
    fresh,
    make_booking,
    make_juror,
    make_night,
    put_on_docket,
    set_policy,
    signed_in_coordinator,
)
from youthcourt.cases.models import CaseState
from youthcourt.hearings.models import HearingNight
from youthcourt.jurors.models import (
    Attendance,
    Booking,
    BookingStatus,
    ConflictDeclaration,
    CourtRole,
    Juror,
)
from youthcourt.programs.models import Program


async def seat(client, night: HearingNight, booking: Booking, room_index: int = 0, role: str = "juror"):
    return await post_form(
        client,
        f"/jurors/nights/{night.id}/bookings/{booking.id}/panel",
        {"courtroom_id": str(night.courtrooms[room_index].id), "role": role},
    )


async def night_with_docket(db: AsyncSession, program: Program, **youth_fields: str):
    """A night with two courtrooms; Courtroom A hears one case of a youth with ``youth_fields``."""
    night = await make_night(db, program, rooms=("Courtroom A", "Courtroom B"))
    youth = await make_youth(db, program, **youth_fields)
    case = await make_case(db, program, CaseState.AWAITING_HEARING, referral=None, youth=youth)
    await put_on_docket(db, night.courtrooms[0], case)
    return night, youth, case


async def test_a_juror_who_is_a_respondent_on_the_docket_is_kept_off(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night, youth, case = await night_with_docket(db, program)
    juror = await make_juror(db, program, youth=youth, first_name="Rae", last_name="Quinn")
    booking = await make_booking(db, juror, night)

    page = await client.get(f"/jurors/nights/{night.id}/panels")
    assert (
        f'<small class="flag-hard">Kept off Courtroom A: is the respondent in case {case.number}' in page.text
    )
    response = await seat(client, night, booking)

    assert response.status_code == 422
    assert f"Rae Q. is the respondent in case {case.number} on this docket." in response.text
    assert (await fresh(db, Booking, booking.id)).courtroom_id is None
    other_room = await seat(client, night, booking, room_index=1)
    assert other_room.status_code == 422
    assert "has their own hearing tonight" in other_room.text
    assert await audited(db, "juror_panel_assign") == []


async def test_a_juror_who_declared_knowing_a_respondent_is_kept_off_that_courtroom(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night, youth, case = await night_with_docket(db, program)
    juror = await make_juror(db, program, first_name="Kit", last_name="Lane")
    db.add(
        ConflictDeclaration(program_id=program.id, juror_id=juror.id, youth_id=youth.id, note="Neighbours")
    )
    await db.commit()
    booking = await make_booking(db, juror, night)

    refused = await seat(client, night, booking, room_index=0)
    assert refused.status_code == 422
    assert f"Kit L. declared knowing the respondent in case {case.number}." in refused.text
    assert (await fresh(db, Booking, booking.id)).courtroom_id is None

    allowed = await seat(client, night, booking, room_index=1)
    assert allowed.status_code == 303
    assert (await fresh(db, Booking, booking.id)).courtroom_id == night.courtrooms[1].id


async def test_a_juror_from_a_respondents_school_is_flagged_but_can_sit(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night, _youth, case = await night_with_docket(db, program, school="Riverside High")
    juror = await make_juror(db, program, school="  riverside HIGH ", first_name="Sam", last_name="Ito")
    booking = await make_booking(db, juror, night)

    before = await client.get(f"/jurors/nights/{night.id}/panels")
    assert (
        f'<small class="flag-soft">Courtroom A, for you to decide: goes to the same school as the respondent in case {case.number}.'
        in before.text
    )
    response = await seat(client, night, booking)

    assert response.status_code == 303
    saved = await fresh(db, Booking, booking.id)
    assert saved.courtroom_id == night.courtrooms[0].id and saved.role == CourtRole.JUROR
    page = await client.get(response.headers["location"])
    assert "Please check the flag beside the juror" in page.text
    assert (
        f'<small class="flag-soft">For you to decide: Goes to the same school as the respondent in case {case.number}.</small>'
        in page.text
    )
    (entry,) = await audited(db, "juror_panel_assign")
    assert entry.record_id == str(booking.id)
    assert entry.details == {"courtroom_id": str(night.courtrooms[0].id), "role": "juror", "flagged": True}


async def test_an_empty_school_is_never_the_same_school(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night, _youth, _case = await night_with_docket(db, program, school="")
    booking = await make_booking(db, await make_juror(db, program, school=""), night)
    response = await seat(client, night, booking)
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "Please check:" not in page.text and "same school" not in page.text


async def test_court_roles_need_the_qualification_and_one_holder_per_courtroom(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await make_night(db, program, rooms=("Courtroom A", "Courtroom B"))
    plain = await make_booking(db, await make_juror(db, program, first_name="Pat", last_name="Plain"), night)
    fore_one = await make_booking(
        db,
        await make_juror(db, program, roles=(CourtRole.FOREPERSON,), first_name="Flo", last_name="One"),
        night,
    )
    fore_two = await make_booking(
        db,
        await make_juror(db, program, roles=(CourtRole.FOREPERSON,), first_name="Fay", last_name="Two"),
        night,
    )

    unqualified = await seat(client, night, plain, role="foreperson")
    assert unqualified.status_code == 422
    assert "Pat P. is not qualified as foreperson." in unqualified.text
    assert "Pat P. is not qualified as foreperson." in re.search(
        r'id="error-[^"]+"[^>]*>(.*?)</small>', unqualified.text, re.S
    ).group(1)

    assert (await seat(client, night, fore_one, role="foreperson")).status_code == 303
    second = await seat(client, night, fore_two, role="foreperson")
    assert second.status_code == 422
    assert "Courtroom A already has a foreperson: Flo O." in second.text
    assert (await fresh(db, Booking, fore_two.id)).courtroom_id is None

    assert (await seat(client, night, fore_two, room_index=1, role="foreperson")).status_code == 303
    assert (await seat(client, night, plain, role="juror")).status_code == 303
    saved = await fresh(db, Booking, fore_one.id)
    assert saved.role == CourtRole.FOREPERSON and saved.courtroom_id == night.courtrooms[0].id


async def test_unknown_role_or_courtroom_is_refused_with_the_input_kept(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await make_night(db, program)
    other_night = await make_night(db, program, rooms=("Elsewhere",))
    booking = await make_booking(db, await make_juror(db, program), night)
    wrong_room = await post_form(
        client,
        f"/jurors/nights/{night.id}/bookings/{booking.id}/panel",
        {"courtroom_id": str(other_night.courtrooms[0].id), "role": "clerk"},
    )
    assert wrong_room.status_code == 422
    assert (
        "Choose one of this night&#39;s courtrooms." in wrong_room.text
        or "Choose one of this night's courtrooms." in wrong_room.text
    )
    assert re.search(r'<option value="clerk" selected>', wrong_room.text)
    bad_role = await post_form(
        client,
        f"/jurors/nights/{night.id}/bookings/{booking.id}/panel",
        {"courtroom_id": str(night.courtrooms[0].id), "role": "king"},
    )
    assert bad_role.status_code == 422 and "Choose a role." in bad_role.text
    assert (await fresh(db, Booking, booking.id)).courtroom_id is None


async def test_only_confirmed_jurors_with_the_oath_can_be_seated(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await make_night(db, program)
    invited = await make_booking(db, await make_juror(db, program), night, BookingStatus.INVITED)
    unsworn_juror = await make_juror(db, program, oath=False, first_name="Nor", last_name="Oath")
    unsworn = await make_booking(db, unsworn_juror, night)

    not_confirmed = await seat(client, night, invited)
    assert not_confirmed.status_code == 303
    assert (
        "Only jurors who confirmed the night can be seated."
        in (await client.get(not_confirmed.headers["location"])).text
    )
    assert (await fresh(db, Booking, invited.id)).courtroom_id is None

    page = await client.get(f"/jurors/nights/{night.id}/panels")
    assert "No signed oath: cannot be seated." in page.text
    response = await seat(client, night, unsworn)
    assert response.status_code == 422
    assert "Nor O. has not signed the confidentiality oath, so cannot be seated." in response.text
    assert (await fresh(db, Booking, unsworn.id)).courtroom_id is None


async def test_shortfall_per_courtroom_against_the_minimum_jury(client, db):
    program, _ = await signed_in_coordinator(client, db)
    await set_policy(db, program, jury_min=4, jury_max=5)
    night = await make_night(db, program, rooms=("Courtroom A", "Courtroom B"))
    room_a, room_b = night.courtrooms
    for _ in range(2):
        await make_booking(db, await make_juror(db, program), night, courtroom=room_a)
    await make_booking(
        db,
        await make_juror(db, program, roles=(CourtRole.CLERK,)),
        night,
        courtroom=room_a,
        role=CourtRole.CLERK,
    )
    await make_booking(
        db,
        await make_juror(db, program, roles=(CourtRole.FOREPERSON,)),
        night,
        courtroom=room_a,
        role=CourtRole.FOREPERSON,
    )
    await make_booking(
        db, await make_juror(db, program), night, courtroom=room_a, attendance=Attendance.EXCUSED
    )
    for _ in range(4):
        await make_booking(db, await make_juror(db, program), night, courtroom=room_b)

    page = await client.get(f"/jurors/nights/{night.id}/panels")

    assert page.status_code == 200
    section_a = page.text.split(f'id="panel-{room_a.id}"')[1].split("</section>")[0]
    section_b = page.text.split(f'id="panel-{room_b.id}"')[1].split("</section>")[0]
    assert "Jury: 3 of 5 seats." in section_a, "the clerk and the excused juror do not count"
    assert "1 more juror needed" in section_a
    assert "Jury: 4 of 5 seats." in section_b and "Enough jurors to sit." in section_b


async def test_the_jury_of_a_courtroom_cannot_pass_the_maximum(client, db):
    program, _ = await signed_in_coordinator(client, db)
    await set_policy(db, program, jury_min=1, jury_max=2)
    night = await make_night(db, program)
    for _ in range(2):
        await make_booking(db, await make_juror(db, program), night, courtroom=night.courtrooms[0])
    extra = await make_booking(db, await make_juror(db, program), night)
    response = await seat(client, night, extra)
    assert response.status_code == 422
    assert (
        "Courtroom A&#39;s jury is full (2 jurors)." in response.text
        or "Courtroom A's jury is full" in response.text
    )


async def test_taking_a_juror_off_a_panel_is_audited(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await make_night(db, program)
    booking = await make_booking(db, await make_juror(db, program), night, courtroom=night.courtrooms[0])
    response = await post_form(
        client,
        f"/jurors/nights/{night.id}/bookings/{booking.id}/panel",
        {"courtroom_id": "", "role": "juror"},
    )
    assert response.status_code == 303
    saved = await fresh(db, Booking, booking.id)
    assert saved.courtroom_id is None and saved.role is None
    (entry,) = await audited(db, "juror_panel_remove")
    assert entry.record_id == str(booking.id)
    assert entry.details == {"courtroom_id": str(night.courtrooms[0].id)}
    views = await audited(db, "juror_panel_view")
    assert views == []
    await client.get(f"/jurors/nights/{night.id}/panels")
    assert len(await audited(db, "juror_panel_view")) == 1


async def test_panels_page_lists_the_docket_and_many_jurors(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night, youth, case = await night_with_docket(db, program, first_name="Dee", last_name="Zebulon")
    jurors: list[Juror] = [await make_juror(db, program) for _ in range(20)]
    for juror in jurors:
        await make_booking(db, juror, night)
    page = await client.get(f"/jurors/nights/{night.id}/panels")
    assert page.status_code == 200
    assert f"{case.number} · Dee Z." in page.text
    assert page.text.count('action="/jurors/nights/') >= 20
    assert youth.last_name not in page.text


# A conflict declared after seating -------------------------------------------------------------


async def declare(client, juror: Juror, youth_id) -> object:
    return await post_form(client, f"/jurors/{juror.id}/conflicts", {"youth_id": str(youth_id), "note": ""})


async def test_a_conflict_declared_after_seating_moves_the_juror_to_another_panel(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night, youth, case = await night_with_docket(db, program)
    juror = await make_juror(db, program, first_name="Kit", last_name="Lane")
    booking = await make_booking(db, juror, night, courtroom=night.courtrooms[0])

    response = await declare(client, juror, youth.id)

    assert response.status_code == 303
    saved = await fresh(db, Booking, booking.id)
    assert saved.status == BookingStatus.CONFIRMED and saved.courtroom_id == night.courtrooms[1].id
    shown = await client.get(response.headers["location"])
    assert "Kit L. was moved from Courtroom A to Courtroom B" in shown.text
    night_page = await client.get(f"/jurors/nights/{night.id}")
    assert "Kit L. was moved from Courtroom A to Courtroom B" in night_page.text
    assert f"declared knowing the respondent in case {case.number}" in night_page.text


async def test_a_conflict_declared_after_seating_takes_the_juror_off_a_night_with_no_other_panel(client, db):
    program, _ = await signed_in_coordinator(client, db)
    await set_policy(db, program, jury_max=1)
    night = await make_night(db, program)
    youth = await make_youth(db, program)
    await put_on_docket(
        db,
        night.courtrooms[0],
        await make_case(db, program, CaseState.AWAITING_HEARING, referral=None, youth=youth),
    )
    juror = await make_juror(db, program, first_name="Kit", last_name="Lane")
    booking = await make_booking(db, juror, night, courtroom=night.courtrooms[0])
    waiting = await make_booking(
        db, await make_juror(db, program, first_name="Zoe", last_name="Test"), night, BookingStatus.WAITLISTED
    )

    response = await declare(client, juror, youth.id)

    saved = await fresh(db, Booking, booking.id)
    assert saved.status == BookingStatus.CANCELLED and saved.courtroom_id is None
    assert (await fresh(db, Booking, waiting.id)).status == BookingStatus.CONFIRMED
    shown = await client.get(response.headers["location"])
    assert "Kit L. was taken off the night" in shown.text
    panels_page = await client.get(f"/jurors/nights/{night.id}/panels")
    assert "Kit L." not in panels_page.text
    night_page = await client.get(f"/jurors/nights/{night.id}")
    assert "Kit L. was taken off the night" in night_page.text and "Zoe T. moved up" in night_page.text


async def test_a_conflict_with_nobody_on_tonights_dockets_changes_no_seat(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night, _youth, _case = await night_with_docket(db, program)
    other = await make_youth(db, program)
    juror = await make_juror(db, program, first_name="Kit", last_name="Lane")
    booking = await make_booking(db, juror, night, courtroom=night.courtrooms[0])
    await declare(client, juror, other.id)
    assert (await fresh(db, Booking, booking.id)).courtroom_id == night.courtrooms[0].id


async def test_hard_conflicts_and_soft_flags_look_different(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night, youth, _case = await night_with_docket(db, program, school="Riverside High")
    flagged = await make_juror(db, program, school="Riverside High", first_name="Sam", last_name="Ito")
    kept_off = await make_juror(db, program, first_name="Kit", last_name="Lane")
    db.add(ConflictDeclaration(program_id=program.id, juror_id=kept_off.id, youth_id=youth.id))
    await db.commit()
    await make_booking(db, flagged, night)
    await make_booking(db, kept_off, night)
    page = await client.get(f"/jurors/nights/{night.id}/panels")
    assert re.search(r'class="flag-hard"[^>]*>Kept off Courtroom A:', page.text)
    assert re.search(r'class="flag-soft"[^>]*>Courtroom A, for you to decide:', page.text)
