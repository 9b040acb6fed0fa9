"""The juror's own portal: nights, replies, past service, credits, roles, and a night's case facts."""

from __future__ import annotations

import datetime
import re
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import (
    counting,
    make_case,
    make_program,
    make_user,
    make_youth,
    post_form,
    sign_in,
    sign_in_with_form,
)
from youthcourt.accounts.models import User
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import Case, CaseState
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight, HearingOutcome
from youthcourt.jurors.models import (
    Attendance,
    Booking,
    BookingStatus,
    CourtRole,
    CreditEntry,
    CreditKind,
    Juror,
    JurorSource,
    JurorStatus,
    Qualification,
    TrainingAttendance,
    TrainingSession,
)
from youthcourt.programs.models import Program, Role
from youthcourt.programs.viewer import today_in
from youthcourt.reference.defaults import ensure_defaults
from youthcourt.reference.models import Offense
from youthcourt.referrals.models import Referral

TODAY = today_in("America/New_York")
"""Today where the test programs are (their default time zone), which is what the portal uses."""


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


# Builders for this area -----------------------------------------------------------------------


async def make_juror(db: AsyncSession, program: Program, user: User | None = None, **fields: Any) -> Juror:
    number = uuid.uuid4().hex[:6]
    juror = Juror(
        program_id=program.id,
        source=fields.pop("source", JurorSource.FORMER_RESPONDENT),
        status=fields.pop("status", JurorStatus.ACTIVE),
        user_id=user.id if user else None,
        first_name=fields.pop("first_name", "Jordan"),
        last_name=fields.pop("last_name", f"Reyes{number}"),
        oath_signed_on=fields.pop("oath_signed_on", days(-60)),
        **fields,
    )
    db.add(juror)
    await db.commit()
    return juror


async def juror_user(db: AsyncSession, program: Program, **fields: Any) -> tuple[User, Juror]:
    user = await make_user(db, program, Role.JUROR, name="Jordan Reyes")
    return user, await make_juror(db, program, user, **fields)


async def make_night(
    db: AsyncSession,
    program: Program,
    held_on: datetime.date,
    rooms: tuple[str, ...] = ("Courtroom A",),
    **fields: Any,
) -> HearingNight:
    night = HearingNight(
        program_id=program.id,
        held_on=held_on,
        starts_at=fields.pop("starts_at", datetime.time(18, 0)),
        ends_at=fields.pop("ends_at", datetime.time(20, 30)),
        location=fields.pop("location", "Riverside Courthouse"),
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
    status: BookingStatus = BookingStatus.INVITED,
    *,
    seated: bool = False,
    **fields: Any,
) -> Booking:
    booking = Booking(
        program_id=juror.program_id,
        juror_id=juror.id,
        night_id=night.id,
        status=status,
        courtroom_id=night.courtrooms[0].id if seated else None,
        **fields,
    )
    db.add(booking)
    await db.commit()
    return booking


async def make_docket_case(db: AsyncSession, program: Program, courtroom: Courtroom, **youth: Any) -> Case:
    """A case with a youth whose details are easy to look for, on ``courtroom``'s docket."""
    person = await make_youth(
        db,
        program,
        first_name=youth.pop("first_name", "Marisol"),
        last_name=youth.pop("last_name", "Quintanilla"),
        date_of_birth=youth.pop("date_of_birth", datetime.date(2011, 3, 9)),
        address="14 Elm Street, Riverside",
        phone="555-0142",
    )
    case = await make_case(
        db,
        program,
        CaseState.SCHEDULED,
        youth=person,
        narrative="Took a bicycle from the school rack.",
        source_reference="PD-77881",
    )
    db.add(Hearing(program_id=program.id, courtroom_id=courtroom.id, case_id=case.id, position=1))
    await db.commit()
    return case


async def status_of(db: AsyncSession, booking: Booking) -> BookingStatus:
    return await db.scalar(
        select(Booking.status).where(Booking.id == booking.id).execution_options(populate_existing=True)
    )


async def audit_entries(db: AsyncSession, action: str) -> list[AuditEntry]:
    return list((await db.scalars(select(AuditEntry).where(AuditEntry.action == action))).all())


# The front page ---------------------------------------------------------------------------------


async def test_juror_without_a_record_sees_a_friendly_page(client, db):
    program = await make_program(db)
    await sign_in_with_form(client, await make_user(db, program, Role.JUROR))

    for path in ("/me", "/me/credits", "/me/service", "/me/training"):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert "Your juror record is not set up yet" in response.text
        assert "Ask your coordinator" in response.text
    reset = await post_form(client, "/me/calendar/reset", {})
    assert reset.status_code == 404


async def test_the_portal_reads_the_juror_with_their_qualifications_in_one_statement(client, db, app):
    """A statement of its own for a juror's few qualifications, on every page of the portal, cost
    more to build than its rows."""
    program = await make_program(db)
    user, _ = await juror_user(db, program)
    await sign_in(client, user)
    with counting(app) as statements:
        page = await client.get("/me")
    assert page.status_code == 200
    assert "Jordan" in page.text
    assert [s for s in statements if "FROM juror_qualification" in s] == []
    assert any("juror_qualification" in s and "FROM juror" in s for s in statements)


async def test_portal_shows_upcoming_nights_past_service_credits_and_roles(client, db):
    program = await make_program(db)
    user, juror = await juror_user(db, program)
    invited = await make_booking(db, juror, await make_night(db, program, days(5), location="Town Hall"))
    seated_night = await make_night(db, program, days(12), location="Library annex", rooms=("Room 2",))
    await make_booking(
        db, juror, seated_night, BookingStatus.CONFIRMED, seated=True, role=CourtRole.FOREPERSON
    )
    await make_booking(
        db, juror, await make_night(db, program, days(19), location="Youth center"), BookingStatus.WAITLISTED
    )
    await make_booking(
        db, juror, await make_night(db, program, days(8), location="Declined hall"), BookingStatus.DECLINED
    )
    await make_booking(
        db, juror, await make_night(db, program, days(9), location="Withdrawn hall"), BookingStatus.CANCELLED
    )
    served = await make_booking(
        db,
        juror,
        await make_night(db, program, days(-14)),
        BookingStatus.CONFIRMED,
        attendance=Attendance.PRESENT,
        hours=Decimal("2.5"),
    )
    await make_booking(
        db,
        juror,
        await make_night(db, program, days(-28)),
        BookingStatus.CONFIRMED,
        attendance=Attendance.ABSENT,
    )
    db.add_all(
        [
            CreditEntry(
                program_id=program.id,
                juror_id=juror.id,
                occurred_on=days(-14),
                kind=CreditKind.SERVICE,
                amount=Decimal("2.5"),
                booking_id=served.id,
                reason="Jury night",
            ),
            CreditEntry(
                program_id=program.id,
                juror_id=juror.id,
                occurred_on=days(-40),
                kind=CreditKind.TRAINING,
                amount=Decimal(3),
                reason="Foreperson training",
            ),
            CreditEntry(
                program_id=program.id,
                juror_id=juror.id,
                occurred_on=days(-3),
                kind=CreditKind.REDEMPTION,
                amount=Decimal(-1),
                reason="Movie ticket",
            ),
            Qualification(
                program_id=program.id, juror_id=juror.id, role=CourtRole.JUROR, earned_on=days(-90)
            ),
            Qualification(
                program_id=program.id, juror_id=juror.id, role=CourtRole.FOREPERSON, earned_on=days(-40)
            ),
        ]
    )
    training = TrainingSession(
        program_id=program.id, held_on=days(-40), title="Leading the questions", hours=Decimal(3)
    )
    db.add(training)
    await db.flush()
    db.add(TrainingAttendance(program_id=program.id, session_id=training.id, juror_id=juror.id))
    await db.commit()
    # Another juror's night in the same program is not on this juror's page.
    _, other = await juror_user(db, program)
    await make_booking(db, other, await make_night(db, program, days(6), location="Someone else's hall"))
    await sign_in(client, user)

    response = await client.get("/me")

    assert response.status_code == 200
    text = response.text
    assert "Hi Jordan" in text
    for place in ("Town Hall", "Library annex", "Youth center"):
        assert place in text
    for hidden in ("Declined hall", "Withdrawn hall", "Someone else's hall"):
        assert hidden not in text
    assert text.index("Town Hall") < text.index("Library annex") < text.index("Youth center")
    assert "Invited: please reply" in text
    assert "Confirmed" in text and "Waiting list" in text
    assert "Room 2" in text and "Foreperson" in text
    assert f'action="/me/bookings/{invited.id}/reply"' in text
    assert "6:00 PM to 8:30 PM" in text
    # Past service: one night served of two, 2.5 hours; credits 2.5 + 3 - 1.
    assert "<strong>1</strong><span>nights served</span>" in text
    assert "<strong>2.5</strong><span>hours</span>" in text
    assert "<strong>4.5</strong><span>credits</span>" in text
    assert "<strong>50%</strong><span>attendance</span>" in text
    assert "You came to 1 of 2 nights" in text
    assert "Present, 2.5 h" in text and "Absent" in text
    # Credits newest first.
    assert text.index("Movie ticket") < text.index("Jury night") < text.index("Foreperson training")
    assert "<strong>-1</strong>" in text
    # Roles with the dates earned, and the roles still ahead.
    assert re.search(rf'<strong>Juror</strong><p><small>Since <time datetime="{days(-90)}">', text)
    assert re.search(rf'<strong>Foreperson</strong><p><small>Since <time datetime="{days(-40)}">', text)
    assert re.search(r'Youth judge</span><p><small class="last-sign-in">Not yet', text)
    assert "Leading the questions" in text
    assert f'Signed on <time datetime="{days(-60)}">' in text
    assert response.headers["cache-control"] == "no-store"


async def test_history_pages_are_paginated_and_newest_first(client, db):
    program = await make_program(db)
    user, juror = await juror_user(db, program)
    for number in range(30):
        db.add(
            CreditEntry(
                program_id=program.id,
                juror_id=juror.id,
                occurred_on=days(-100 + number),
                kind=CreditKind.SERVICE,
                amount=Decimal(1),
                reason=f"Night number {number:02d}",
            )
        )
    await db.commit()
    await sign_in(client, user)

    first = await client.get("/me/credits")
    second = await client.get("/me/credits?page=2")

    assert "Showing 1 to 25 of 30" in first.text
    assert "Balance: <strong>30</strong>" in first.text
    assert first.text.index("Night number 29") < first.text.index("Night number 05")
    assert "Night number 04" not in first.text
    assert "Night number 04" in second.text and "Night number 00" in second.text
    front = await client.get("/me")
    assert 'href="/me/credits"' in front.text
    assert "Night number 26" not in front.text, "the front page shows only the newest few"
    assert (await client.get("/me/service")).status_code == 200
    assert (await client.get("/me/training")).status_code == 200


# Replies ----------------------------------------------------------------------------------------


async def test_juror_confirms_then_declines_a_night(client, db):
    program = await make_program(db)
    user, juror = await juror_user(db, program)
    booking = await make_booking(db, juror, await make_night(db, program, days(7)))
    await sign_in(client, user)

    confirmed = await post_form(client, f"/me/bookings/{booking.id}/reply", {"accept": "yes"})

    assert confirmed.status_code == 303
    assert confirmed.headers["location"] == "/me"
    assert await status_of(db, booking) == BookingStatus.CONFIRMED
    page = await client.get("/me")
    assert "You&#39;re confirmed" in page.text or "You're confirmed" in page.text
    assert "I can&#39;t come after all" in page.text or "I can't come after all" in page.text

    declined = await post_form(client, f"/me/bookings/{booking.id}/reply", {"accept": "no"})

    assert declined.status_code == 303
    assert await status_of(db, booking) == BookingStatus.DECLINED
    assert f"booking-{booking.id}" not in (await client.get("/me")).text
    entries = await audit_entries(db, "juror_booking_reply")
    assert [e.details["status"] for e in sorted(entries, key=lambda e: e.occurred_at)] == [
        "confirmed",
        "declined",
    ]
    assert all(e.record_id == str(booking.id) and e.actor_id == user.id for e in entries)


async def test_htmx_reply_swaps_the_night_card(client, db):
    program = await make_program(db)
    user, juror = await juror_user(db, program)
    booking = await make_booking(db, juror, await make_night(db, program, days(7), location="Annex B"))
    await sign_in(client, user)

    response = await post_form(
        client, f"/me/bookings/{booking.id}/reply", {"accept": "yes"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith("<article")
    assert f'id="booking-{booking.id}"' in response.text
    assert "Annex B" in response.text and "Confirmed" in response.text
    assert "<html" not in response.text
    assert await status_of(db, booking) == BookingStatus.CONFIRMED


async def test_a_full_night_puts_the_juror_on_the_waiting_list(client, db):
    program = await make_program(db)
    policy = await ensure_defaults(db, program.id)
    policy.jury_max = 1
    await db.commit()
    night = await make_night(db, program, days(7))
    _, seated = await juror_user(db, program)
    await make_booking(db, seated, night, BookingStatus.CONFIRMED)
    user, juror = await juror_user(db, program)
    booking = await make_booking(db, juror, night)
    await sign_in(client, user)

    response = await post_form(client, f"/me/bookings/{booking.id}/reply", {"accept": "yes"})

    assert response.status_code == 303
    assert await status_of(db, booking) == BookingStatus.WAITLISTED
    page = await client.get("/me")
    assert "on the waiting list" in page.text
    assert "Take me off the waiting list" in page.text


async def test_a_juror_without_the_oath_cannot_confirm(client, db):
    program = await make_program(db)
    user, juror = await juror_user(db, program, oath_signed_on=None)
    booking = await make_booking(db, juror, await make_night(db, program, days(7)))
    await sign_in(client, user)

    page = await client.get("/me")
    assert "Sign the confidentiality oath" in page.text
    assert "Yes, I&#39;ll come" not in page.text and "Yes, I'll come" not in page.text
    response = await post_form(client, f"/me/bookings/{booking.id}/reply", {"accept": "yes"})
    nonsense = await post_form(client, f"/me/bookings/{booking.id}/reply", {"accept": "maybe"})

    assert response.status_code == 422
    assert "Sign the confidentiality oath before you can sit on a jury." in response.text
    assert nonsense.status_code == 422
    assert await status_of(db, booking) == BookingStatus.INVITED
    assert await audit_entries(db, "juror_booking_reply") == []


async def test_replying_to_someone_elses_booking_is_not_found(client, db):
    program = await make_program(db)
    user, _ = await juror_user(db, program)
    _, other = await juror_user(db, program)
    night = await make_night(db, program, days(7))
    theirs = await make_booking(db, other, night)
    elsewhere = await make_program(db)
    _, foreign_juror = await juror_user(db, elsewhere)
    foreign = await make_booking(db, foreign_juror, await make_night(db, elsewhere, days(7)))
    await sign_in(client, user)

    for booking_id in (theirs.id, foreign.id, uuid.uuid4()):
        response = await post_form(client, f"/me/bookings/{booking_id}/reply", {"accept": "yes"})
        assert response.status_code == 404
        assert (await client.get(f"/me/nights/{booking_id}")).status_code == 404
    assert await status_of(db, theirs) == BookingStatus.INVITED
    assert await status_of(db, foreign) == BookingStatus.INVITED


# A night's case facts ---------------------------------------------------------------------------


async def test_case_facts_show_only_the_minimum_in_the_window(client, db):
    program = await make_program(db)
    user, juror = await juror_user(db, program)
    night = await make_night(db, program, days(1), rooms=("Courtroom A", "Courtroom B"))
    room_a, room_b = night.courtrooms
    case = await make_docket_case(db, program, room_a)
    await make_docket_case(db, program, room_b, first_name="Ignatius", last_name="Elsewhere")
    cancelled = await make_docket_case(db, program, room_a, first_name="Cancelledname")
    hearing = await db.scalar(select(Hearing).where(Hearing.case_id == cancelled.id))
    hearing.outcome = HearingOutcome.CANCELLED
    await db.commit()
    booking = await make_booking(db, juror, night, BookingStatus.CONFIRMED, seated=True)
    category = await db.scalar(
        select(Offense.category)
        .join(Referral, Referral.offense_id == Offense.id)
        .where(Referral.id == case.referral_id)
    )
    await sign_in(client, user)

    response = await client.get(f"/me/nights/{booking.id}")

    assert response.status_code == 200
    text = response.text
    night_day = days(1)
    age = night_day.year - 2011 - ((night_day.month, night_day.day) < (3, 9))
    assert f'<th scope="row">Marisol Q.</th><td>{age}</td><td>{category.capitalize()}</td>' in text
    for secret in (
        "Quintanilla",
        "2011-03-09",
        case.number,
        "Took a bicycle",
        "PD-77881",
        "14 Elm Street",
        "555-0142",
        "Ignatius",
        "Cancelledname",
    ):
        assert secret not in text, secret
    entries = await audit_entries(db, "juror_case_facts_view")
    assert len(entries) == 1
    assert entries[0].record_type == "booking" and entries[0].record_id == str(booking.id)
    assert "Marisol" not in str(entries[0].details) and "Quintanilla" not in str(entries[0].details)


async def test_case_facts_are_shown_on_the_night_itself(client, db):
    program = await make_program(db)
    user, juror = await juror_user(db, program)
    night = await make_night(db, program, TODAY)
    await make_docket_case(db, program, night.courtrooms[0], first_name="Tonightname")
    booking = await make_booking(db, juror, night, BookingStatus.CONFIRMED, seated=True)
    await sign_in(client, user)

    response = await client.get(f"/me/nights/{booking.id}")

    assert "Tonightname Q." in response.text
    assert f'href="/me/nights/{booking.id}"' in (await client.get("/me")).text


async def test_case_facts_are_hidden_outside_the_window_or_without_a_seat(client, db):
    program = await make_program(db)
    user, juror = await juror_user(db, program)
    later = await make_night(db, program, days(3))
    past = await make_night(db, program, days(-1))
    soon_invited = await make_night(db, program, days(1))
    soon_unseated = await make_night(db, program, TODAY)
    for night in (later, past, soon_invited, soon_unseated):
        await make_docket_case(db, program, night.courtrooms[0], first_name="Hiddenname")
    bookings = {
        "later": await make_booking(db, juror, later, BookingStatus.CONFIRMED, seated=True),
        "past": await make_booking(db, juror, past, BookingStatus.CONFIRMED, seated=True),
        "invited": await make_booking(db, juror, soon_invited, BookingStatus.INVITED, seated=True),
        "unseated": await make_booking(db, juror, soon_unseated, BookingStatus.CONFIRMED),
    }
    await sign_in(client, user)

    pages = {name: await client.get(f"/me/nights/{b.id}") for name, b in bookings.items()}

    for name, response in pages.items():
        assert response.status_code == 200, name
        assert "Hiddenname" not in response.text, name
    opens = days(2)
    assert f"from {opens:%A, %B }{opens.day}, {opens.year}" in pages["later"].text
    assert "This night is over" in pages["past"].text
    assert "once you have confirmed" in pages["invited"].text
    assert "once you have confirmed" in pages["unseated"].text
    assert await audit_entries(db, "juror_case_facts_view") == []


# Access -----------------------------------------------------------------------------------------


async def test_a_juror_reaches_only_their_own_pages(client, db):
    program = await make_program(db)
    user, _ = await juror_user(db, program)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    case = await make_case(db, program, CaseState.INTAKE, coordinator=coordinator)
    night = await make_night(db, program, days(7))
    await sign_in(client, user)

    for path in (
        "/cases",
        f"/cases/{case.id}",
        "/jurors",
        "/hearings",
        f"/hearings/{night.id}",
        "/referrals",
        "/dashboard",
        "/sanctions",
        "/admin/users",
        "/audit",
        "/reports",
    ):
        response = await client.get(path, follow_redirects=False)
        assert response.status_code in (403, 404), path
    assert (await client.get("/account/password")).status_code == 200
    home = await client.get("/", follow_redirects=False)
    assert home.headers["location"] == "/me"


async def test_staff_cannot_open_the_juror_portal(client, db):
    program = await make_program(db)
    await sign_in_with_form(client, await make_user(db, program, Role.COORDINATOR))

    assert (await client.get("/me")).status_code == 403
    assert (await post_form(client, "/me/calendar/reset", {})).status_code == 403


async def test_a_juror_who_withdraws_in_the_portal_hands_the_seat_to_the_waiting_list(client, db):
    program = await make_program(db)
    user, juror = await juror_user(db, program)
    night = await make_night(db, program, days(7))
    booking = await make_booking(db, juror, night, BookingStatus.CONFIRMED, seated=True)
    _, waiting_juror = await juror_user(db, program)
    waiting = await make_booking(db, waiting_juror, night, BookingStatus.WAITLISTED)
    policy = await ensure_defaults(db, program.id)
    policy.jury_max = 1
    await db.commit()
    await sign_in(client, user)

    response = await post_form(client, f"/me/bookings/{booking.id}/reply", {"accept": "no"})

    assert response.status_code == 303
    assert await status_of(db, booking) == BookingStatus.DECLINED
    assert await status_of(db, waiting) == BookingStatus.CONFIRMED


async def test_a_withdrawn_night_shows_no_seat(client, db):
    program = await make_program(db)
    user, juror = await juror_user(db, program)
    night = await make_night(db, program, days(7))
    booking = await make_booking(db, juror, night, BookingStatus.CONFIRMED, seated=True, role=CourtRole.JUROR)
    await sign_in(client, user)
    assert "Courtroom A" in (await client.get("/me")).text

    response = await post_form(
        client, f"/me/bookings/{booking.id}/reply", {"accept": "no"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert await status_of(db, booking) == BookingStatus.DECLINED
    assert "Courtroom A" not in response.text and "Juror</dd>" not in response.text
    assert "Courtroom A" not in (await client.get("/me")).text
