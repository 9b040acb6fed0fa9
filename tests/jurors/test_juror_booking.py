"""Booking jurors for hearing nights: the nights list, bulk invitations, emails, replies and the waiting list."""

from __future__ import annotations

import datetime
import itertools
import re
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import counting, make_program, make_user, post_form, sign_in, sign_in_with_form
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import Case
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight
from youthcourt.jurors.models import (
    Attendance,
    Booking,
    BookingStatus,
    CourtRole,
    Juror,
    JurorSource,
    JurorStatus,
    OutboxMessage,
    Qualification,
)
from youthcourt.programs.models import Program, Role
from youthcourt.reference.defaults import ensure_defaults
from youthcourt.referrals.models import Youth

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)
NEXT_WEEK = TODAY + 7 * DAY
_numbers = itertools.count(1)


# Builders shared by the juror booking, panel and check-in tests ------------------------------


async def set_policy(db: AsyncSession, program: Program, **fields: int) -> None:
    policy = await ensure_defaults(db, program.id)
    for name, value in fields.items():
        setattr(policy, name, value)
    await db.commit()


async def make_juror(
    db: AsyncSession,
    program: Program,
    *,
    status: JurorStatus = JurorStatus.ACTIVE,
    oath: bool = True,
    school: str = "",
    youth: Youth | None = None,
    roles: tuple[CourtRole, ...] = (),
    email: str | None = None,
    **fields: Any,
) -> Juror:
    number = next(_numbers)
    juror = Juror(
        program_id=program.id,
        source=JurorSource.FORMER_RESPONDENT if youth else JurorSource.VOLUNTEER,
        status=status,
        first_name=fields.pop("first_name", f"Juror{number}"),
        last_name=fields.pop("last_name", f"Surname{number:03d}"),
        school=school,
        email=email if email is not None else f"juror{number}@example.org",
        oath_signed_on=TODAY - 30 * DAY if oath else None,
        youth_id=youth.id if youth else None,
        **fields,
    )
    juror.qualifications = [
        Qualification(program_id=program.id, role=role, earned_on=TODAY - 10 * DAY) for role in roles
    ]
    db.add(juror)
    await db.commit()
    return juror


async def make_night(
    db: AsyncSession,
    program: Program,
    held_on: datetime.date = NEXT_WEEK,
    rooms: tuple[str, ...] = ("Courtroom A",),
    **fields: Any,
) -> HearingNight:
    night = HearingNight(
        program_id=program.id,
        held_on=held_on,
        starts_at=fields.pop("starts_at", datetime.time(18, 0)),
        ends_at=fields.pop("ends_at", datetime.time(20, 30)),
        location=fields.pop("location", "Riverside Courthouse, 2nd floor"),
        **fields,
    )
    night.courtrooms = [Courtroom(program_id=program.id, name=name, capacity=4) for name in rooms]
    db.add(night)
    await db.commit()
    return night


async def make_booking(
    db: AsyncSession,
    juror: Juror,
    night: HearingNight,
    status: BookingStatus = BookingStatus.CONFIRMED,
    *,
    courtroom: Courtroom | None = None,
    role: CourtRole | None = None,
    attendance: Attendance | None = None,
) -> Booking:
    booking = Booking(
        program_id=juror.program_id,
        juror_id=juror.id,
        night_id=night.id,
        status=status,
        courtroom_id=courtroom.id if courtroom else None,
        role=role or (CourtRole.JUROR if courtroom else None),
        attendance=attendance,
        responded_at=None if status == BookingStatus.INVITED else datetime.datetime.now(datetime.UTC),
    )
    db.add(booking)
    await db.commit()
    return booking


async def put_on_docket(db: AsyncSession, courtroom: Courtroom, case: Case) -> Hearing:
    hearing = Hearing(program_id=courtroom.program_id, courtroom_id=courtroom.id, case_id=case.id)
    db.add(hearing)
    await db.commit()
    return hearing


async def signed_in_coordinator(client: Any, db: AsyncSession) -> tuple[Program, Any]:
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR, name="Maya Alvarez")
    await sign_in(client, coordinator)
    return program, coordinator


async def fresh(db: AsyncSession, model: Any, record_id: UUID) -> Any:
    return await db.scalar(
        select(model).where(model.id == record_id).execution_options(populate_existing=True)
    )


async def bookings_of(db: AsyncSession, night: HearingNight) -> dict[UUID, Booking]:
    rows = await db.scalars(
        select(Booking).where(Booking.night_id == night.id).execution_options(populate_existing=True)
    )
    return {booking.juror_id: booking for booking in rows.all()}


async def audited(db: AsyncSession, action: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.occurred_at)
    return list((await db.scalars(query)).all())


async def count(db: AsyncSession, model: Any, *where: Any) -> int:
    return await db.scalar(select(func.count()).select_from(model).where(*where)) or 0


# The nights list ------------------------------------------------------------------------------


async def test_nights_list_shows_seats_and_bookings_of_upcoming_nights(client, db):
    program, _ = await signed_in_coordinator(client, db)
    await set_policy(db, program, jury_max=7)
    night = await make_night(db, program, rooms=("Courtroom A", "Courtroom B"))
    await make_night(db, program, TODAY + 3 * DAY, location="Cancelled hall", is_cancelled=True)
    await make_night(db, program, TODAY - 3 * DAY, location="Last week's hall")
    for status in (
        BookingStatus.CONFIRMED,
        BookingStatus.CONFIRMED,
        BookingStatus.INVITED,
        BookingStatus.WAITLISTED,
        BookingStatus.DECLINED,
    ):
        await make_booking(db, await make_juror(db, program), night, status)

    response = await client.get("/jurors/nights")

    assert response.status_code == 200
    row = re.search(
        rf'<tr>\s*<th scope="row"><a href="/jurors/nights/{night.id}">.*?</tr>', response.text, re.S
    )
    assert row, response.text
    cells = re.findall(r"<td>(.*?)</td>", row.group(0), re.S)
    assert [c.strip() for c in cells] == ["2", "14", "2", "1", "1"]
    assert "Cancelled hall" not in response.text
    assert "Last week&#39;s hall" not in response.text and "Last week's hall" not in response.text
    past = await client.get("/jurors/nights?when=past")
    assert "Last week&#39;s hall" in past.text or "Last week's hall" in past.text
    assert "Riverside Courthouse" not in past.text


async def test_nights_list_works_with_many_nights(client, db):
    program, _ = await signed_in_coordinator(client, db)
    for offset in range(30):
        await make_night(db, program, TODAY + (offset + 1) * DAY)
    response = await client.get("/jurors/nights")
    assert response.status_code == 200
    assert "Showing 1 to 25 of 30" in response.text
    assert (await client.get("/jurors/nights?page=2")).status_code == 200


# Bulk invitations ----------------------------------------------------------------------------


async def test_bulk_invite_books_active_sworn_jurors_and_skips_the_rest(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await make_night(db, program, location="Town Hall, Room 4")
    ana_user = await make_user(db, program, Role.JUROR)
    ana = await make_juror(db, program, first_name="Ana", last_name="Lopez", user_id=ana_user.id)
    ben = await make_juror(db, program, first_name="Ben", last_name="Moore")
    booked = await make_juror(db, program, first_name="Cleo", last_name="Nash")
    applicant = await make_juror(
        db, program, first_name="Dana", last_name="Ortiz", status=JurorStatus.APPLICANT
    )
    unsworn = await make_juror(db, program, first_name="Eli", last_name="Park", oath=False)
    await make_booking(db, booked, night, BookingStatus.DECLINED)

    page = await client.get(f"/jurors/nights/{night.id}")
    assert page.status_code == 200
    for shown in ("Ana Lopez", "Ben Moore", "Cleo Nash"):
        assert shown in page.text
    assert "Dana Ortiz" not in page.text and "Eli Park" not in page.text
    assert re.search(rf'value="{booked.id}"[^>]*\bdisabled', page.text), "a booked juror cannot be ticked"

    ids = [ana.id, ben.id, booked.id, applicant.id, unsworn.id]
    response = await post_form(
        client, f"/jurors/nights/{night.id}/invitations", {"juror_id": [str(i) for i in ids]}
    )

    assert response.status_code == 303
    bookings = await bookings_of(db, night)
    assert bookings[ana.id].status == BookingStatus.INVITED
    assert bookings[ben.id].status == BookingStatus.INVITED
    assert bookings[booked.id].status == BookingStatus.DECLINED
    assert applicant.id not in bookings and unsworn.id not in bookings
    messages = (await db.scalars(select(OutboxMessage).order_by(OutboxMessage.to_address))).all()
    assert [m.to_address for m in messages] == sorted([ana.email, ben.email])
    assert {m.kind for m in messages} == {"juror_invitation"}
    assert {m.dedupe_key for m in messages} == {
        f"invite:{bookings[ana.id].id}",
        f"invite:{bookings[ben.id].id}",
    }
    body = next(m.body for m in messages if m.to_address == ana.email)
    assert f"{NEXT_WEEK:%B} {NEXT_WEEK.day}, {NEXT_WEEK.year}" in body
    assert "6:00 PM to 8:30 PM" in body
    assert "Town Hall, Room 4" in body
    assert "/me" in body
    assert "Ana" in body
    (entry,) = await audited(db, "juror_invite")
    assert entry.record_id == str(night.id)
    assert entry.details["count"] == 2
    assert entry.details["already_booked"] == 1
    assert entry.details["not_eligible"] == 2
    assert "Ana" not in str(entry.details)
    shown = await client.get(response.headers["location"])
    assert "2 jurors invited" in shown.text
    assert "1 juror already booked for this night left out" in shown.text


async def test_inviting_again_books_and_emails_each_juror_once(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await make_night(db, program)
    juror = await make_juror(db, program)
    for _ in range(2):
        response = await post_form(
            client, f"/jurors/nights/{night.id}/invitations", {"juror_id": str(juror.id)}
        )
        assert response.status_code == 303
    assert await count(db, Booking, Booking.juror_id == juror.id) == 1
    assert await count(db, OutboxMessage) == 1
    second = (await audited(db, "juror_invite"))[-1]
    assert second.details["count"] == 0 and second.details["already_booked"] == 1


async def test_a_second_booking_of_the_same_night_is_refused_by_the_database(db):
    program = await make_program(db)
    night = await make_night(db, program)
    juror = await make_juror(db, program)
    await make_booking(db, juror, night, BookingStatus.INVITED)
    db.add(
        Booking(program_id=program.id, juror_id=juror.id, night_id=night.id, status=BookingStatus.CONFIRMED)
    )
    with pytest.raises(IntegrityError):
        await db.commit()
    await db.rollback()


async def test_invite_without_a_choice_is_shown_again_with_the_filters_kept(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await make_night(db, program)
    await make_juror(db, program, school="Lincoln Middle")
    response = await post_form(
        client, f"/jurors/nights/{night.id}/invitations", {"school": "Lincoln Middle", "free": "1"}
    )
    assert response.status_code == 422
    assert "Choose at least one juror to invite." in response.text
    assert '<option value="Lincoln Middle" selected>' in response.text
    assert re.search(r'name="free" value="1" checked', response.text)
    assert await count(db, Booking) == 0


async def test_invite_filters_by_school_qualification_and_free_that_night(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await make_night(db, program)
    lincoln = await make_juror(db, program, first_name="Lina", last_name="Lincoln", school="Lincoln Middle")
    await make_juror(db, program, first_name="Eve", last_name="Eastside", school="Eastside Academy")
    clerk = await make_juror(
        db, program, first_name="Cal", last_name="Clerk", school="Eastside Academy", roles=(CourtRole.CLERK,)
    )
    await make_booking(db, lincoln, night, BookingStatus.INVITED)

    by_school = await client.get(f"/jurors/nights/{night.id}?school=lincoln+middle")
    by_role = await client.get(f"/jurors/nights/{night.id}?role=clerk")
    free = await client.get(f"/jurors/nights/{night.id}?free=1")
    partial = await client.get(
        f"/jurors/nights/{night.id}?role=clerk", headers={"HX-Request": "true", "HX-Target": "candidates"}
    )

    assert "Lina Lincoln" in by_school.text and "Eve Eastside" not in by_school.text
    assert (
        "Cal Clerk" in by_role.text
        and "Eve Eastside" not in by_role.text
        and "Lina Lincoln" not in by_role.text
    )
    assert "Lina Lincoln" not in free.text and "Eve Eastside" in free.text and "Cal Clerk" in free.text
    assert "<html" not in partial.text and "Cal Clerk" in partial.text
    assert str(clerk.id) in partial.text


async def test_no_invitations_for_cancelled_or_past_nights(client, db):
    program, _ = await signed_in_coordinator(client, db)
    juror = await make_juror(db, program)
    cancelled = await make_night(db, program, is_cancelled=True)
    past = await make_night(db, program, TODAY - 2 * DAY)
    for night in (cancelled, past):
        page = await client.get(f"/jurors/nights/{night.id}")
        assert "no invitations can be sent" in page.text
        response = await post_form(
            client, f"/jurors/nights/{night.id}/invitations", {"juror_id": str(juror.id)}
        )
        assert response.status_code == 303
    assert await count(db, Booking) == 0


# Replies and the waiting list ----------------------------------------------------------------


async def test_replies_fill_the_seats_then_the_waiting_list_and_move_up(client, db):
    program, _ = await signed_in_coordinator(client, db)
    await set_policy(db, program, jury_max=2)
    night = await make_night(db, program)
    jurors = [
        await make_juror(db, program, first_name=name, last_name="Test") for name in ("Ann", "Bo", "Cy")
    ]
    await post_form(
        client, f"/jurors/nights/{night.id}/invitations", {"juror_id": [str(j.id) for j in jurors]}
    )
    bookings = await bookings_of(db, night)
    ann, bo, cy = (bookings[j.id] for j in jurors)

    page = await client.get(f"/jurors/nights/{night.id}?status=invited")
    assert "Ann T." in page.text and "Invited, no reply yet (3)" in page.text

    for booking in (ann, bo, cy):
        response = await post_form(
            client, f"/jurors/nights/{night.id}/bookings/{booking.id}/reply", {"reply": "confirm"}
        )
        assert response.status_code == 303
    bookings = await bookings_of(db, night)
    assert [bookings[j.id].status for j in jurors] == [
        BookingStatus.CONFIRMED,
        BookingStatus.CONFIRMED,
        BookingStatus.WAITLISTED,
    ]
    waiting = await client.get(f"/jurors/nights/{night.id}?status=waitlisted")
    assert "Cy T." in waiting.text
    assert "Move Cy T. up" not in waiting.text, "no seat is free yet"
    refused = await post_form(client, f"/jurors/nights/{night.id}/move-up", {})
    assert "No seat is free" in (await client.get(refused.headers["location"])).text

    # Ann withdraws: the seat goes to Cy, first on the waiting list, without anyone pressing a button.
    await post_form(client, f"/jurors/nights/{night.id}/bookings/{ann.id}/reply", {"reply": "decline"})
    assert (await fresh(db, Booking, ann.id)).status == BookingStatus.DECLINED
    assert (await fresh(db, Booking, cy.id)).status == BookingStatus.CONFIRMED
    page = await client.get(f"/jurors/nights/{night.id}")
    assert "A seat is free." not in page.text
    moved_up = await db.scalar(select(OutboxMessage).where(OutboxMessage.kind == "juror_moved_up"))
    assert moved_up is not None and moved_up.to_address == jurors[2].email
    assert [e.details["status"] for e in await audited(db, "juror_reply")] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "declined",
    ]
    assert [e.record_id for e in await audited(db, "juror_move_up")] == [str(cy.id)]
    confirmed = await client.get(f"/jurors/nights/{night.id}?status=confirmed")
    replies = confirmed.text.split('id="replies"', 1)[1].split("</section>", 1)[0]
    assert "Bo T." in replies and "Cy T." in replies and "Ann T." not in replies


async def test_declining_takes_the_juror_off_their_panel(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await make_night(db, program)
    booking = await make_booking(db, await make_juror(db, program), night, courtroom=night.courtrooms[0])
    await post_form(client, f"/jurors/nights/{night.id}/bookings/{booking.id}/reply", {"reply": "decline"})
    saved = await fresh(db, Booking, booking.id)
    assert saved.status == BookingStatus.DECLINED
    assert saved.courtroom_id is None and saved.role is None


async def test_a_juror_without_the_oath_cannot_be_confirmed(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await make_night(db, program)
    booking = await make_booking(db, await make_juror(db, program, oath=False), night, BookingStatus.INVITED)
    response = await post_form(
        client, f"/jurors/nights/{night.id}/bookings/{booking.id}/reply", {"reply": "confirm"}
    )
    assert "Sign the confidentiality oath" in (await client.get(response.headers["location"])).text
    assert (await fresh(db, Booking, booking.id)).status == BookingStatus.INVITED
    assert await audited(db, "juror_reply") == []


async def test_replies_list_is_paginated(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await make_night(db, program)
    for _ in range(27):
        await make_booking(db, await make_juror(db, program), night, BookingStatus.INVITED)
    page = await client.get(f"/jurors/nights/{night.id}?status=invited")
    assert "Showing 1 to 25 of 27" in page.text
    second = await client.get(f"/jurors/nights/{night.id}?status=invited&replies_page=2")
    assert "Showing 26 to 27 of 27" in second.text
    tab = await client.get(
        f"/jurors/nights/{night.id}?status=declined", headers={"HX-Request": "true", "HX-Target": "replies"}
    )
    assert "<html" not in tab.text and "No juror has declined." in tab.text


async def test_viewing_a_night_is_audited(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await make_night(db, program)
    await client.get(f"/jurors/nights/{night.id}")
    (entry,) = await audited(db, "juror_night_view")
    assert entry.record_type == "hearing_night" and entry.record_id == str(night.id)


# Access --------------------------------------------------------------------------------------


async def test_unknown_and_foreign_nights_and_bookings_are_not_found(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await make_night(db, program)
    other_night_here = await make_night(db, program, TODAY + 10 * DAY)
    booking_elsewhere = await make_booking(db, await make_juror(db, program), other_night_here)
    other = await make_program(db)
    foreign_night = await make_night(db, other)
    foreign_booking = await make_booking(db, await make_juror(db, other), foreign_night)
    unknown = "00000000-0000-4000-8000-000000000000"

    for night_id in (unknown, foreign_night.id):
        for path in ("", "/panels", "/check-in"):
            assert (await client.get(f"/jurors/nights/{night_id}{path}")).status_code == 404
        response = await post_form(client, f"/jurors/nights/{night_id}/invitations", {"juror_id": unknown})
        assert response.status_code == 404
    for booking_id in (unknown, booking_elsewhere.id, foreign_booking.id):
        for action, data in (
            ("reply", {"reply": "confirm"}),
            ("panel", {"courtroom_id": "", "role": "juror"}),
            ("attendance", {"attendance": "present"}),
            ("replace", {}),
        ):
            response = await post_form(
                client, f"/jurors/nights/{night.id}/bookings/{booking_id}/{action}", data
            )
            assert response.status_code == 404, (action, booking_id)
    assert (await fresh(db, Booking, foreign_booking.id)).status == BookingStatus.CONFIRMED


@pytest.mark.parametrize("role", [Role.JUROR, Role.EVALUATOR])
async def test_jurors_and_evaluators_are_turned_away(client, db, role):
    program = await make_program(db)
    night = await make_night(db, program)
    booking = await make_booking(db, await make_juror(db, program), night, BookingStatus.INVITED)
    await sign_in_with_form(client, await make_user(db, program, role))
    for path in ("", f"/{night.id}", f"/{night.id}/panels", f"/{night.id}/check-in"):
        assert (await client.get(f"/jurors/nights{path}")).status_code == 403, path
    for path, data in (
        (f"/{night.id}/invitations", {"juror_id": str(booking.juror_id)}),
        (f"/{night.id}/bookings/{booking.id}/reply", {"reply": "confirm"}),
        (f"/{night.id}/move-up", {}),
    ):
        assert (await post_form(client, f"/jurors/nights{path}", data)).status_code == 403, path
    assert (await fresh(db, Booking, booking.id)).status == BookingStatus.INVITED


# Query counts --------------------------------------------------------------------------------


async def test_night_pages_cost_the_same_number_of_queries_for_few_or_many_jurors(client, db, app):
    program, _ = await signed_in_coordinator(client, db)
    night = await make_night(db, program, TODAY, rooms=("Courtroom A", "Courtroom B"))
    paths = [
        "/jurors/nights",
        f"/jurors/nights/{night.id}",
        f"/jurors/nights/{night.id}?status=confirmed",
        f"/jurors/nights/{night.id}/panels",
        f"/jurors/nights/{night.id}/check-in",
    ]

    async def add_jurors(how_many: int) -> None:
        for index in range(how_many):
            juror = await make_juror(db, program, roles=(CourtRole.CLERK,), school="Lincoln")
            await make_booking(db, juror, night, courtroom=night.courtrooms[index % 2])
            await make_juror(db, program)

    async def queries() -> dict[str, int]:
        found = {}
        for path in paths:
            with counting(app) as statements:
                response = await client.get(path)
            assert response.status_code == 200, path
            found[path] = len(statements)
        return found

    await set_policy(db, program)  # the program's reference data exists before counting
    await add_jurors(2)
    few = await queries()
    await add_jurors(10)
    many = await queries()
    assert many == few


# One seat count ------------------------------------------------------------------------------


async def test_absent_and_excused_jurors_hold_no_seat_anywhere(client, db):
    program, _ = await signed_in_coordinator(client, db)
    await set_policy(db, program, jury_max=3)
    night = await make_night(db, program)
    room = night.courtrooms[0]
    for attendance in (Attendance.PRESENT, Attendance.ABSENT, Attendance.EXCUSED):
        await make_booking(db, await make_juror(db, program), night, courtroom=room, attendance=attendance)
    zoe = await make_juror(db, program, first_name="Zoe", last_name="Test")
    await make_booking(db, zoe, night, BookingStatus.WAITLISTED)

    page = await client.get(f"/jurors/nights/{night.id}")

    assert "1 of 3 seats taken" in page.text
    assert "<mark>full</mark>" not in page.text
    assert "Move Zoe T. up" in page.text
    listing = await client.get("/jurors/nights")
    row = re.search(rf'<a href="/jurors/nights/{night.id}">.*?</tr>', listing.text, re.S)
    assert row and "<mark>full</mark>" not in row.group(0)
    cells = re.findall(r"<td>(.*?)</td>", row.group(0), re.S)
    assert cells[2].strip() == "1"


async def test_a_full_night_says_full_and_offers_no_move_up(client, db):
    program, _ = await signed_in_coordinator(client, db)
    await set_policy(db, program, jury_max=2)
    night = await make_night(db, program)
    for _ in range(2):
        await make_booking(db, await make_juror(db, program), night)
    await make_booking(
        db, await make_juror(db, program, first_name="Zoe", last_name="Test"), night, BookingStatus.WAITLISTED
    )
    page = await client.get(f"/jurors/nights/{night.id}")
    assert "2 of 2 seats taken" in page.text and "<mark>full</mark>" in page.text
    assert "Move Zoe T. up" not in page.text


async def test_a_withdrawal_gives_the_seat_to_the_waiting_list_and_tells_the_coordinator(client, db):
    program, _ = await signed_in_coordinator(client, db)
    await set_policy(db, program, jury_max=1)
    night = await make_night(db, program)
    ann = await make_juror(db, program, first_name="Ann", last_name="Test")
    cy = await make_juror(db, program, first_name="Cy", last_name="Test")
    ann_booking = await make_booking(db, ann, night, courtroom=night.courtrooms[0])
    cy_booking = await make_booking(db, cy, night, BookingStatus.WAITLISTED)

    response = await post_form(
        client, f"/jurors/nights/{night.id}/bookings/{ann_booking.id}/reply", {"reply": "decline"}
    )

    assert response.status_code == 303
    assert (await fresh(db, Booking, ann_booking.id)).status == BookingStatus.DECLINED
    assert (await fresh(db, Booking, cy_booking.id)).status == BookingStatus.CONFIRMED
    offer = await db.scalar(select(OutboxMessage).where(OutboxMessage.to_address == cy.email))
    assert offer is not None and offer.kind == "juror_moved_up" and offer.night_id == night.id
    assert "juror portal" not in offer.body and "tell your coordinator" in offer.body, (
        "Cy has no portal access"
    )
    shown = await client.get(response.headers["location"])
    assert "Cy T. moved up from the waiting list" in shown.text
    page = await client.get(f"/jurors/nights/{night.id}")
    assert "Ann T. withdrew" in page.text and "Cy T. moved up from the waiting list" in page.text


async def test_a_withdrawal_with_nobody_waiting_leaves_a_notice(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await make_night(db, program)
    booking = await make_booking(db, await make_juror(db, program, first_name="Ann", last_name="Test"), night)
    await post_form(client, f"/jurors/nights/{night.id}/bookings/{booking.id}/reply", {"reply": "decline"})
    page = await client.get(f"/jurors/nights/{night.id}")
    assert "Ann T. withdrew" in page.text and "nobody is on the waiting list" in page.text


async def test_inviting_a_juror_booked_for_an_overlapping_night_warns(client, db):
    program, _ = await signed_in_coordinator(client, db)
    first = await make_night(db, program, location="Town Hall")
    second = await make_night(
        db, program, starts_at=datetime.time(19, 0), ends_at=datetime.time(21, 0), location="Library"
    )
    later = await make_night(db, program, starts_at=datetime.time(21, 0), ends_at=datetime.time(22, 30))
    juror = await make_juror(db, program, first_name="Ann", last_name="Test")
    await make_booking(db, juror, first)

    response = await post_form(client, f"/jurors/nights/{second.id}/invitations", {"juror_id": str(juror.id)})
    shown = await client.get(response.headers["location"])
    assert "Ann T. is already booked for an overlapping night" in shown.text
    assert (await bookings_of(db, second))[juror.id].status == BookingStatus.INVITED
    page = await client.get(f"/jurors/nights/{second.id}")
    assert "Booked for an overlapping night" in page.text

    response = await post_form(client, f"/jurors/nights/{later.id}/invitations", {"juror_id": str(juror.id)})
    assert "overlapping" not in (await client.get(response.headers["location"])).text, "back to back is fine"


async def test_confirming_a_juror_for_two_overlapping_nights_is_refused(client, db):
    program, _ = await signed_in_coordinator(client, db)
    first = await make_night(db, program)
    second = await make_night(db, program, starts_at=datetime.time(17, 0), ends_at=datetime.time(18, 30))
    juror = await make_juror(db, program, first_name="Ann", last_name="Test")
    await make_booking(db, juror, first)
    booking = await make_booking(db, juror, second, BookingStatus.INVITED)

    response = await post_form(
        client, f"/jurors/nights/{second.id}/bookings/{booking.id}/reply", {"reply": "confirm"}
    )

    assert (await fresh(db, Booking, booking.id)).status == BookingStatus.INVITED
    shown = await client.get(response.headers["location"])
    assert "already confirmed for a night at the same time" in shown.text


async def test_a_juror_without_email_who_moves_up_is_not_said_to_be_emailed(client, db):
    program, _ = await signed_in_coordinator(client, db)
    await set_policy(db, program, jury_max=1)
    night = await make_night(db, program)
    ann = await make_juror(db, program, first_name="Ann", last_name="Test")
    gabe = await make_juror(db, program, first_name="Gabriel", last_name="Mills", email="")
    ann_booking = await make_booking(db, ann, night, courtroom=night.courtrooms[0])
    await make_booking(db, gabe, night, BookingStatus.WAITLISTED)

    response = await post_form(
        client, f"/jurors/nights/{night.id}/bookings/{ann_booking.id}/reply", {"reply": "decline"}
    )

    assert await count(db, OutboxMessage, OutboxMessage.kind == "juror_moved_up") == 0
    page = await client.get(f"/jurors/nights/{night.id}")
    assert "Gabriel M. moved up from the waiting list" in page.text
    assert "was emailed" not in page.text
    assert "has no email address: tell them another way" in page.text
    assert "was emailed" not in (await client.get(response.headers["location"])).text


async def test_a_juror_without_portal_access_is_asked_to_reply_to_the_coordinator(client, db):
    program, _ = await signed_in_coordinator(client, db)
    policy = await ensure_defaults(db, program.id)
    policy.contact_phone = "555-0142"
    await db.commit()
    night = await make_night(db, program)
    juror = await make_juror(db, program, first_name="Noa", last_name="Test")

    page = await client.get(f"/jurors/nights/{night.id}")
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*Noa(?:(?!</tr>).)*</tr>", page.text, re.S)
    assert row and "No portal access" in row.group(0)

    await post_form(client, f"/jurors/nights/{night.id}/invitations", {"juror_id": str(juror.id)})

    message = await db.scalar(select(OutboxMessage).where(OutboxMessage.to_address == juror.email))
    assert message is not None
    assert "juror portal" not in message.body and "/me" not in message.body
    assert "reply to this email or call 555-0142" in message.body


async def test_the_check_in_page_names_the_first_waiting_juror_without_a_double_period(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await make_night(db, program, TODAY)
    await make_booking(db, await make_juror(db, program), night, courtroom=night.courtrooms[0])
    oscar = await make_juror(db, program, first_name="Oscar", last_name="Kim")
    await make_booking(db, oscar, night, BookingStatus.WAITLISTED)

    page = await client.get(f"/jurors/nights/{night.id}/check-in")

    assert page.status_code == 200
    assert "<strong>Oscar K.</strong>" in page.text
    assert "</strong>." not in page.text
