"""The juror night and training services without HTTP: invitations, replies, panels, check-in and
training attendance, what each saves, refuses and writes to the audit trail."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.factories import make_program, make_user
from tests.jurors.test_juror_booking import (
    audited,
    count,
    fresh,
    make_booking,
    make_juror,
    make_night,
    set_policy,
)
from tests.service_actors import actor_for
from youthcourt.jurors import invitations
from youthcourt.jurors.bookings import BookingError
from youthcourt.jurors.checkin import CheckinError, CheckinService
from youthcourt.jurors.invitations import InvitationService
from youthcourt.jurors.models import (
    Attendance,
    Booking,
    BookingStatus,
    CourtRole,
    CreditEntry,
    JurorStatus,
    NightNotice,
    TrainingAttendance,
    TrainingSession,
)
from youthcourt.jurors.panels import PanelError, PanelService
from youthcourt.jurors.training import TrainingService
from youthcourt.programs.models import Role
from youthcourt.programs.viewer import today_in
from youthcourt.web.forms import Form

TODAY = today_in(None)
"""Today where the test viewer's program is (its default time zone), as the services read it."""
DAY = datetime.timedelta(days=1)


async def coordinator(db):
    program = await make_program(db)
    user = await make_user(db, program, Role.COORDINATOR, name="Maya Alvarez")
    return program, actor_for(user, program)


async def loaded(db, night, booking: Booking) -> Booking:
    """The booking as the handlers pass it: with its juror, their qualifications and the courtroom."""
    return await invitations.get_booking(db, night, booking.id)


# Invitations -----------------------------------------------------------------------------------------


async def test_invite_books_eligible_jurors_and_audits_the_counts(db):
    program, actor = await coordinator(db)
    night = await make_night(db, program, TODAY + 7 * DAY)
    first, second = await make_juror(db, program), await make_juror(db, program, email="")
    no_oath = await make_juror(db, program, oath=False)
    form = Form.from_data({"juror_id": [str(first.id), str(second.id), str(no_oath.id), "not-an-id"]})

    result = await InvitationService(session=db).invite(
        actor, night, form, portal_url="https://court.test/me"
    )
    await db.commit()

    assert (result.invited, result.emailed, result.not_eligible, result.already_booked) == (2, 1, 1, 0)
    assert result.message == (
        "2 jurors invited; 1 invitation email queued. 1 juror without an email address: tell them another way. "
        "1 juror not active or without a signed oath left out."
    )
    assert (
        await count(db, Booking, Booking.night_id == night.id, Booking.status == BookingStatus.INVITED) == 2
    )
    [entry] = await audited(db, "juror_invite")
    assert (entry.record_id, entry.details) == (
        str(night.id),
        {"count": 2, "already_booked": 0, "not_eligible": 1},
    )
    assert entry.ip_address == "192.0.2.7"


async def test_invite_without_a_ticked_juror_is_a_form_error_and_a_cancelled_night_refuses(db):
    program, actor = await coordinator(db)
    juror = await make_juror(db, program)
    service = InvitationService(session=db)
    open_night = await make_night(db, program, TODAY + 7 * DAY)
    form = Form()

    assert await service.invite(actor, open_night, form, portal_url="https://court.test/me") is None
    assert form.errors == {"juror_id": "Choose at least one juror to invite."}

    cancelled = await make_night(db, program, TODAY + 7 * DAY, is_cancelled=True)
    with pytest.raises(BookingError, match="cancelled or over"):
        await service.invite(
            actor,
            cancelled,
            Form.from_data({"juror_id": [str(juror.id)]}),
            portal_url="https://court.test/me",
        )
    assert await count(db, Booking) == 0
    assert await audited(db, "juror_invite") == []


# Replies taken by the coordinator ------------------------------------------------------------------


async def test_a_seated_juror_declining_leaves_the_panel_and_the_first_waiting_moves_up(db):
    program, actor = await coordinator(db)
    await set_policy(db, program, jury_max=1)
    night = await invitations.get_night(db, (await make_night(db, program, TODAY + 7 * DAY)).id)
    seated = await make_booking(db, await make_juror(db, program), night, courtroom=night.courtrooms[0])
    waiting = await make_booking(db, await make_juror(db, program), night, BookingStatus.WAITLISTED)
    booking = await loaded(db, night, seated)

    result = await InvitationService(session=db).reply_for_juror(
        actor, night, booking, "decline", portal_url="https://court.test/me"
    )
    await db.commit()

    assert (result.status, result.left_panel, result.moved_up.id) == (
        BookingStatus.DECLINED,
        True,
        waiting.id,
    )
    assert result.message == "The juror declined. They were taken off their panel."
    assert (await fresh(db, Booking, seated.id)).courtroom_id is None
    assert (await fresh(db, Booking, waiting.id)).status == BookingStatus.CONFIRMED
    [reply] = await audited(db, "juror_reply")
    assert (reply.record_id, reply.details) == (str(seated.id), {"status": "declined", "on_behalf": True})
    [move_up] = await audited(db, "juror_move_up")
    assert move_up.record_id == str(waiting.id)


async def test_a_reply_that_is_neither_confirm_nor_decline_changes_nothing(db):
    program, actor = await coordinator(db)
    night = await make_night(db, program, TODAY + 7 * DAY)
    booking = await loaded(
        db, night, await make_booking(db, await make_juror(db, program), night, BookingStatus.INVITED)
    )

    with pytest.raises(BookingError, match="confirmed or declined"):
        await InvitationService(session=db).reply_for_juror(actor, night, booking, "maybe", portal_url="")
    assert (await fresh(db, Booking, booking.id)).status == BookingStatus.INVITED
    assert await audited(db, "juror_reply") == []


async def test_confirming_a_full_night_puts_the_juror_on_the_waiting_list(db):
    program, actor = await coordinator(db)
    await set_policy(db, program, jury_max=1)
    night = await make_night(db, program, TODAY + 7 * DAY)
    await make_booking(db, await make_juror(db, program), night)
    booking = await loaded(
        db, night, await make_booking(db, await make_juror(db, program), night, BookingStatus.INVITED)
    )

    result = await InvitationService(session=db).reply_for_juror(
        actor, night, booking, "confirm", portal_url=""
    )

    assert (result.status, result.left_panel) == (BookingStatus.WAITLISTED, False)
    assert result.message == "Every seat is taken: the juror is on the waiting list."


async def test_move_up_confirms_the_first_waiting_until_no_seat_is_free(db):
    program, actor = await coordinator(db)
    await set_policy(db, program, jury_max=1)
    night = await make_night(db, program, TODAY + 7 * DAY)
    waiting = await make_booking(db, await make_juror(db, program), night, BookingStatus.WAITLISTED)
    second = await make_booking(db, await make_juror(db, program), night, BookingStatus.WAITLISTED)
    service = InvitationService(session=db)

    moved = await service.move_up_first(actor, night, portal_url="https://court.test/me")
    await db.commit()

    assert moved.id == waiting.id
    assert (await fresh(db, Booking, waiting.id)).status == BookingStatus.CONFIRMED
    [entry] = await audited(db, "juror_move_up")
    assert entry.record_id == str(waiting.id)
    with pytest.raises(BookingError, match="No seat is free"):
        await service.move_up_first(actor, night, portal_url="https://court.test/me")
    assert (await fresh(db, Booking, second.id)).status == BookingStatus.WAITLISTED


async def test_a_notice_is_marked_read_by_the_coordinator_once_found(db):
    program, actor = await coordinator(db)
    night = await make_night(db, program, TODAY + 7 * DAY)
    notice = await invitations.notify(db, night, "Juror1 withdrew from the night.")
    service = InvitationService(session=db)

    assert await service.mark_notice_read(actor, night, notice.id) is True
    await db.commit()

    saved = await fresh(db, NightNotice, notice.id)
    assert saved.acknowledged_at is not None and saved.acknowledged_by == "Maya Alvarez"
    assert await invitations.open_notices(db, night) == []
    assert await service.mark_notice_read(actor, night, uuid.uuid4()) is False
    [entry] = await audited(db, "juror_notice_read")
    assert entry.record_id == str(night.id)


# Panels ---------------------------------------------------------------------------------------------


async def test_assign_seats_a_qualified_juror_then_takes_them_off_with_two_audit_entries(db):
    program, actor = await coordinator(db)
    night = await invitations.get_night(db, (await make_night(db, program, TODAY + 7 * DAY)).id)
    room = night.courtrooms[0]
    booking = await make_booking(db, await make_juror(db, program, roles=(CourtRole.CLERK,)), night)
    service = PanelService(session=db)

    seated = await service.assign(
        actor, night, booking.id, Form(values={"courtroom_id": str(room.id), "role": "clerk"})
    )
    await db.commit()

    assert (seated.message, seated.category, seated.flagged) == (
        "The juror sits in Courtroom A as clerk.",
        "success",
        False,
    )
    saved = await fresh(db, Booking, booking.id)
    assert (saved.courtroom_id, saved.role) == (room.id, CourtRole.CLERK)
    [assigned] = await audited(db, "juror_panel_assign")
    assert assigned.details == {"courtroom_id": str(room.id), "role": "clerk", "flagged": False}

    removed = await service.assign(actor, night, booking.id, Form())
    await db.commit()

    assert removed.message == "The juror was taken off the panel."
    assert (await fresh(db, Booking, booking.id)).courtroom_id is None
    [entry] = await audited(db, "juror_panel_remove")
    assert entry.details == {"courtroom_id": str(room.id)}
    again = await service.assign(actor, night, booking.id, Form())
    assert (again.message, again.category) == ("The juror is not on a panel.", "info")


async def test_assign_refuses_a_role_the_juror_lacks_on_the_form(db):
    program, actor = await coordinator(db)
    night = await invitations.get_night(db, (await make_night(db, program, TODAY + 7 * DAY)).id)
    booking = await make_booking(db, await make_juror(db, program, first_name="Ada"), night)
    form = Form(values={"courtroom_id": str(night.courtrooms[0].id), "role": "bailiff"})

    assert await PanelService(session=db).assign(actor, night, booking.id, form) is None
    assert "is not qualified as bailiff" in form.errors["courtroom_id"]
    assert (await fresh(db, Booking, booking.id)).courtroom_id is None
    assert await audited(db, "juror_panel_assign") == []


async def test_assign_refuses_a_cancelled_night_and_a_juror_who_has_not_confirmed(db):
    program, actor = await coordinator(db)
    service = PanelService(session=db)
    cancelled = await invitations.get_night(db, (await make_night(db, program, is_cancelled=True)).id)
    confirmed = await make_booking(db, await make_juror(db, program), cancelled)
    with pytest.raises(PanelError, match="cancelled"):
        await service.assign(actor, cancelled, confirmed.id, Form())

    night = await invitations.get_night(db, (await make_night(db, program, TODAY + 7 * DAY)).id)
    invited = await make_booking(db, await make_juror(db, program), night, BookingStatus.INVITED)
    form = Form(values={"courtroom_id": str(night.courtrooms[0].id), "role": "juror"})
    with pytest.raises(PanelError, match="Only jurors who confirmed"):
        await service.assign(actor, night, invited.id, form)
    assert (await fresh(db, Booking, invited.id)).courtroom_id is None


# Check-in -------------------------------------------------------------------------------------------


async def test_check_in_records_hours_and_credits_and_audits_them(db):
    program, actor = await coordinator(db)
    await set_policy(db, program, credits_per_hour=2)
    night = await make_night(db, program, TODAY)
    juror = await make_juror(db, program)
    booking = await loaded(db, night, await make_booking(db, juror, night))

    result = await CheckinService(session=db).check_in(
        actor, night, booking, Form(values={"attendance": "present"})
    )
    await db.commit()

    assert (result.attendance, result.hours, result.credits) == (
        Attendance.PRESENT,
        Decimal("2.50"),
        Decimal("5.00"),
    )
    assert result.message == "Marked present, 2.5 hours, 5 credits added."
    saved = await fresh(db, Booking, booking.id)
    assert (saved.attendance, saved.hours) == (Attendance.PRESENT, Decimal("2.50"))
    assert await count(db, CreditEntry, CreditEntry.booking_id == booking.id) == 1
    [entry] = await audited(db, "juror_checkin")
    assert (entry.record_id, entry.details) == (
        str(booking.id),
        {"attendance": "present", "hours": "2.50", "credits": "5.00", "jury_duty_counted": False},
    )


async def test_check_in_errors_go_on_the_form_and_a_coming_night_is_refused(db):
    program, actor = await coordinator(db)
    service = CheckinService(session=db)
    night = await make_night(db, program, TODAY)
    booking = await loaded(db, night, await make_booking(db, await make_juror(db, program), night))

    form = Form(values={"attendance": "excused", "reason": "  "})
    assert await service.check_in(actor, night, booking, form) is None
    assert "reason" in form.errors
    late = Form(values={"attendance": "late", "arrived_at": "21:00"})
    assert await service.check_in(actor, night, booking, late) is None
    assert late.errors == {"arrived_at": "The arrival time must be before the night ends."}

    coming = await make_night(db, program, TODAY + 2 * DAY)
    later = await loaded(db, coming, await make_booking(db, await make_juror(db, program), coming))
    with pytest.raises(CheckinError, match="opens on the day"):
        await service.check_in(actor, coming, later, Form(values={"attendance": "present"}))
    assert (await fresh(db, Booking, booking.id)).attendance is None
    assert await audited(db, "juror_checkin") == []


async def test_replace_absent_seats_the_first_waiting_in_the_freed_seat(db):
    program, actor = await coordinator(db)
    await set_policy(db, program, jury_max=1)
    night = await invitations.get_night(db, (await make_night(db, program, TODAY)).id)
    room = night.courtrooms[0]
    absent = await make_booking(
        db, await make_juror(db, program), night, courtroom=room, attendance=Attendance.ABSENT
    )
    waiting = await make_booking(db, await make_juror(db, program), night, BookingStatus.WAITLISTED)
    service = CheckinService(session=db)

    replacement = await service.replace_absent(actor, night, await loaded(db, night, absent), portal_url="")
    await db.commit()

    assert replacement.id == waiting.id
    saved = await fresh(db, Booking, waiting.id)
    assert (saved.status, saved.courtroom_id, saved.role) == (
        BookingStatus.CONFIRMED,
        room.id,
        CourtRole.JUROR,
    )
    assert (await fresh(db, Booking, absent.id)).courtroom_id is None
    [entry] = await audited(db, "juror_replace")
    assert (entry.record_id, entry.details) == (str(waiting.id), {"replaces": str(absent.id)})


async def test_replace_absent_refuses_when_nobody_waits(db):
    program, actor = await coordinator(db)
    night = await invitations.get_night(db, (await make_night(db, program, TODAY)).id)
    absent = await make_booking(
        db, await make_juror(db, program), night, courtroom=night.courtrooms[0], attendance=Attendance.EXCUSED
    )

    with pytest.raises(CheckinError, match="No one is on the waiting list"):
        await CheckinService(session=db).replace_absent(
            actor, night, await loaded(db, night, absent), portal_url=""
        )
    assert await audited(db, "juror_replace") == []


# Training sessions -----------------------------------------------------------------------------------


async def test_create_session_adds_it_to_the_program_and_audits_its_role(db):
    program, actor = await coordinator(db)
    service = TrainingService(session=db)
    form = Form(
        values={
            "title": "Clerk training",
            "held_on": (TODAY - DAY).isoformat(),
            "hours": "2.5",
            "role": "clerk",
        }
    )

    session = await service.create_session(actor, form)
    await db.commit()

    saved = await fresh(db, TrainingSession, session.id)
    assert (saved.program_id, saved.title, saved.hours, saved.role) == (
        program.id,
        "Clerk training",
        Decimal("2.5"),
        CourtRole.CLERK,
    )
    [entry] = await audited(db, "training_create")
    assert (entry.record_id, entry.details) == (str(session.id), {"role": "clerk"})
    untitled = Form(values={"title": "", "held_on": TODAY.isoformat(), "hours": "2", "role": ""})
    assert await service.create_session(actor, untitled) is None
    assert "title" in untitled.errors
    assert await count(db, TrainingSession) == 1


# Training attendance ---------------------------------------------------------------------------------


async def training_session(db, program, *, held_on=None, role=None) -> TrainingSession:
    session = TrainingSession(
        program_id=program.id,
        held_on=held_on or TODAY - DAY,
        title="Clerk basics",
        hours=Decimal(2),
        role=role,
    )
    db.add(session)
    await db.commit()
    return session


async def test_mark_attendance_credits_each_juror_grants_the_role_and_audits(db):
    program, actor = await coordinator(db)
    await set_policy(db, program, credits_per_hour=1)
    session = await training_session(db, program, role=CourtRole.CLERK)
    jurors = [await make_juror(db, program), await make_juror(db, program, status=JurorStatus.APPLICANT)]
    form = Form.from_data({"juror_id": [str(j.id) for j in jurors]})

    marked = await TrainingService(session=db).mark_attendance(actor, session, form)
    await db.commit()

    assert (marked.result.attended, marked.result.credits) == (2, Decimal(4))
    assert marked.message.startswith("2 jurors marked present, 4 credits earned in all")
    assert await count(db, TrainingAttendance, TrainingAttendance.session_id == session.id) == 2
    [entry] = await audited(db, "training_attendance")
    assert entry.record_id == str(session.id)
    assert sorted(entry.details["juror_ids"]) == sorted(str(j.id) for j in jurors)
    assert entry.details["credits_each"] == "2"


async def test_mark_attendance_refusals_save_nothing(db):
    program, actor = await coordinator(db)
    juror = await make_juror(db, program)
    service = TrainingService(session=db)
    past = await training_session(db, program)

    bad = Form.from_data({"juror_id": ["not-an-id"]})
    assert await service.mark_attendance(actor, past, bad) is None
    assert bad.errors == {"juror_id": "Choose jurors from the list."}
    none = Form()
    assert await service.mark_attendance(actor, past, none) is None
    assert none.errors == {"juror_id": "Tick at least one juror who attended."}
    coming = await training_session(db, program, held_on=TODAY + 3 * DAY)
    early = Form.from_data({"juror_id": [str(juror.id)]})
    assert await service.mark_attendance(actor, coming, early) is None
    assert "once the session has taken place" in early.errors["juror_id"]
    assert await count(db, TrainingAttendance) == 0
    assert (await db.scalars(select(CreditEntry))).all() == []
    assert await audited(db, "training_attendance") == []
