"""A night that moves or is cancelled: its queued mail, the booked jurors, reminders and calendar feeds."""

from __future__ import annotations

import datetime

import pytest
from sqlalchemy import select

from tests.factories import make_user, post_form, sign_in, sign_in_with_form
from tests.jurors.test_juror_booking import (
    DAY,
    TODAY,
    fresh,
    make_booking,
    make_juror,
    make_night,
    signed_in_coordinator,
)
from tests.jurors.test_juror_calendar import events, fetch, reset
from youthcourt import demo
from youthcourt.hearings.models import HearingNight
from youthcourt.jurors import delivery
from youthcourt.jurors.models import Booking, BookingStatus, Juror, OutboxMessage, OutboxStatus
from youthcourt.jurors.reminders import queue_reminders
from youthcourt.programs.models import Program, Role


def long(day: datetime.date) -> str:
    return f"{day:%A, %B} {day.day}, {day.year}"


def night_form(night: HearingNight, held_on: datetime.date, starts_at: str = "18:00", **fields: str) -> dict:
    form = {
        "held_on": held_on.isoformat(),
        "starts_at": starts_at,
        "ends_at": "20:30",
        "location": night.location,
    }
    for number, room in enumerate(night.courtrooms, start=1):
        form |= {
            f"room_id_{number}": str(room.id),
            f"room_name_{number}": room.name,
            f"room_capacity_{number}": str(room.capacity),
        }
    return form | fields


async def mail_to(db, juror: Juror) -> list[OutboxMessage]:
    rows = await db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == juror.email)
        .order_by(OutboxMessage.created_at)
        .execution_options(populate_existing=True)
    )
    return list(rows.all())


async def test_moving_a_night_rewrites_queued_invitations_and_tells_booked_jurors(client, db):
    program, _ = await signed_in_coordinator(client, db)
    old_day, new_day = TODAY + 9 * DAY, TODAY + 7 * DAY
    night = await make_night(db, program, old_day)
    waiting_mail = await make_juror(db, program, first_name="Ann", last_name="Test")
    confirmed = await make_juror(db, program, first_name="Bo", last_name="Test")
    declined = await make_juror(db, program, first_name="Cy", last_name="Test")
    await post_form(
        client,
        f"/jurors/nights/{night.id}/invitations",
        {"juror_id": [str(waiting_mail.id), str(confirmed.id), str(declined.id)]},
    )
    for juror in (confirmed, declined):
        (invitation,) = await mail_to(db, juror)
        invitation.status = OutboxStatus.SENT
    booking = await db.scalar(select(Booking).where(Booking.juror_id == confirmed.id))
    booking.status = BookingStatus.CONFIRMED
    (await db.scalar(select(Booking).where(Booking.juror_id == declined.id))).status = BookingStatus.DECLINED
    await db.commit()

    response = await post_form(client, f"/hearings/{night.id}/edit", night_form(night, new_day, "17:00"))

    assert response.status_code == 303
    assert (await fresh(db, HearingNight, night.id)).sequence == 1
    (invitation,) = await mail_to(db, waiting_mail)
    assert invitation.status == OutboxStatus.PENDING
    assert long(new_day) in invitation.body and "5:00 PM" in invitation.body
    assert long(old_day) not in invitation.body and long(old_day) not in invitation.subject
    sent, notice = await mail_to(db, confirmed)
    assert sent.status == OutboxStatus.SENT and long(old_day) in sent.body, "what went out stays as it was"
    assert notice.kind == "juror_night_changed" and notice.status == OutboxStatus.PENDING
    assert long(new_day) in notice.body and "5:00 PM" in notice.body
    assert long(old_day) in notice.body, "the notice says what changed"
    assert len(await mail_to(db, declined)) == 1, "a juror who declined is not told"
    shown = await client.get(response.headers["location"])
    assert "1 booked juror was sent a change notice" in shown.text
    assert "1 queued invitation was rewritten" in shown.text


async def test_an_invitation_being_sent_when_the_night_moves_is_left_and_followed_by_a_notice(client, db):
    program, _ = await signed_in_coordinator(client, db)
    old_day, new_day = TODAY + 9 * DAY, TODAY + 7 * DAY
    night = await make_night(db, program, old_day)
    juror = await make_juror(db, program, first_name="Ann", last_name="Test")
    await post_form(client, f"/jurors/nights/{night.id}/invitations", {"juror_id": [str(juror.id)]})
    (going,) = await delivery.claim(db, 10)  # a worker is handing it to the mail server
    await db.commit()

    response = await post_form(client, f"/hearings/{night.id}/edit", night_form(night, new_day))

    assert response.status_code == 303
    invitation, notice = await mail_to(db, juror)
    assert invitation.id == going.id and invitation.status == OutboxStatus.PENDING
    assert long(old_day) in invitation.body, "too late to rewrite: it goes out as it was"
    assert notice.kind == "juror_night_changed" and long(new_day) in notice.body


async def test_a_moved_night_is_reminded_again_at_its_new_date(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await make_night(db, program, TODAY + 2 * DAY)
    juror = await make_juror(db, program, first_name="Bo", last_name="Test")
    await make_booking(db, juror, night)
    assert await queue_reminders(db, TODAY) == 1
    await db.commit()

    later = TODAY + 6 * DAY
    await post_form(client, f"/hearings/{night.id}/edit", night_form(night, later))

    reminder, notice = await mail_to(db, juror)
    assert reminder.kind == "juror_reminder" and reminder.status == OutboxStatus.WITHDRAWN
    assert notice.kind == "juror_night_changed" and long(later) in notice.body
    assert await queue_reminders(db, TODAY) == 0
    assert await queue_reminders(db, later - 2 * DAY) == 1
    await db.commit()
    fresh_reminder = (await mail_to(db, juror))[-1]
    assert fresh_reminder.kind == "juror_reminder" and long(later) in fresh_reminder.body

    sooner = TODAY + DAY
    await post_form(client, f"/hearings/{night.id}/edit", night_form(night, sooner))
    queued = [m for m in await mail_to(db, juror) if m.status == OutboxStatus.PENDING]
    assert {m.kind for m in queued} == {"juror_reminder", "juror_night_changed"}
    assert all(long(sooner) in m.body for m in queued), "a night moved into the next days is reminded at once"


async def test_cancelling_a_night_withdraws_its_queued_mail_and_tells_booked_jurors(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await make_night(db, program, TODAY + 9 * DAY)
    invited = await make_juror(db, program, first_name="Ann", last_name="Test")
    confirmed = await make_juror(db, program, first_name="Bo", last_name="Test")
    await post_form(
        client, f"/jurors/nights/{night.id}/invitations", {"juror_id": [str(invited.id), str(confirmed.id)]}
    )
    (sent,) = await mail_to(db, confirmed)
    sent.status = OutboxStatus.SENT
    (
        await db.scalar(select(Booking).where(Booking.juror_id == confirmed.id))
    ).status = BookingStatus.CONFIRMED
    await db.commit()

    response = await post_form(client, f"/hearings/{night.id}/cancel", {})

    assert response.status_code == 303
    (invitation,) = await mail_to(db, invited)
    assert invitation.status == OutboxStatus.WITHDRAWN
    _, notice = await mail_to(db, confirmed)
    assert notice.kind == "juror_night_cancelled" and "cancelled" in notice.body
    assert long(TODAY + 9 * DAY) in notice.body
    shown = await client.get(response.headers["location"])
    assert "1 booked juror was told" in shown.text


async def test_the_calendar_feed_shows_the_new_time_with_a_higher_sequence(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    night = await make_night(db, program, TODAY + 9 * DAY)
    user = await make_user(db, program, Role.JUROR)
    juror = await make_juror(db, program, user_id=user.id)
    await make_booking(db, juror, night)
    await sign_in(client, user)
    _, token = await reset(client)
    (before,) = events((await fetch(client, f"/calendar/{token}.ics")).text)
    assert "SEQUENCE:0\r\n" in before

    await sign_in(client, coordinator)
    await post_form(client, f"/hearings/{night.id}/edit", night_form(night, TODAY + 8 * DAY, "17:00"))

    (after,) = events((await fetch(client, f"/calendar/{token}.ics")).text)
    assert "SEQUENCE:1\r\n" in after
    assert f"DTSTART;TZID={program.timezone}:{(TODAY + 8 * DAY):%Y%m%d}T170000\r\n" in after
    await post_form(client, f"/hearings/{night.id}/cancel", {})
    assert events((await fetch(client, f"/calendar/{token}.ics")).text) == []


@pytest.mark.demo
async def test_the_demo_invitations_are_rewritten_when_their_night_moves(client, db):
    pending = (await db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "juror_invitation"))).all()
    assert pending
    bookings = {b.id: b for b in (await db.scalars(select(Booking))).all()}
    for message in pending:
        booking = bookings.get(message.booking_id)
        assert booking is not None and booking.status == BookingStatus.INVITED
        assert message.night_id == booking.night_id
        assert "at /me" not in message.body, "no relative link"
    message = pending[0]
    night = await db.scalar(select(HearingNight).where(HearingNight.id == message.night_id))
    await db.refresh(night, ["courtrooms"])
    old_day = night.held_on
    assert long(old_day) in message.body
    new_day = old_day + DAY
    program = await db.scalar(select(Program).where(Program.slug == demo.DEMO_PROGRAM_SLUG))
    await sign_in_with_form(client, await make_user(db, program, Role.COORDINATOR))

    response = await post_form(client, f"/hearings/{night.id}/edit", night_form(night, new_day))

    assert response.status_code == 303, response.text
    (rewritten,) = (
        await db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id == message.id)
            .execution_options(populate_existing=True)
        )
    ).all()
    assert long(new_day) in rewritten.body and long(old_day) not in rewritten.body
