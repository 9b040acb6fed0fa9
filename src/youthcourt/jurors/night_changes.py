"""When a hearing night moves or is cancelled, the jurors booked for it hear about it.

* Mail about the night still waiting in the outbox is brought up to date: invitations and
  "you moved up" messages are rewritten with the new date, time and place; reminders and
  earlier change notices are withdrawn (reminders go again, at the new date, through
  :mod:`youthcourt.jurors.reminders`, whose keys carry the night's sequence). A cancelled
  night's waiting mail is all withdrawn.
* Jurors who were already written to (their invitation went out, or is going out that moment, or
  they replied) and still hold a booking get a change notice, or a cancellation notice. Jurors
  who declined do not.
* Calendar feeds follow by themselves: they are built from the night, with its sequence.

The hearings area sits below this one, so it announces the change through
:mod:`youthcourt.hearings.events`; :func:`register` plugs this in at start-up.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from youthcourt.clock import utc_now
from youthcourt.hearings import events
from youthcourt.hearings.models import HearingNight
from youthcourt.jurors import delivery, invitations, mail, reminders
from youthcourt.jurors.mail import clock, long_date
from youthcourt.jurors.models import Booking, BookingStatus, Juror, OutboxMessage, OutboxStatus
from youthcourt.programs.viewer import today_in
from youthcourt.reference.services import policy as program_policy
from youthcourt.web.i18n import _, ngettext, use_locale

LISTENER_NAME = "jurors.night_changes"
STILL_BOOKED = (BookingStatus.INVITED, BookingStatus.CONFIRMED, BookingStatus.WAITLISTED)
REWRITTEN = ("juror_invitation", "juror_moved_up")
CHANGE_KINDS = ("juror_night_changed", "juror_night_cancelled")


def register() -> None:
    events.on_night_change(LISTENER_NAME, night_changed)


def _when(day: datetime.date, starts_at: datetime.time, ends_at: datetime.time, location: str) -> list[str]:
    return [
        "  " + _("Date: %(day)s", day=long_date(day)),
        "  " + _("Time: %(start)s to %(end)s", start=clock(starts_at), end=clock(ends_at)),
        "  " + _("Location: %(place)s", place=location),
    ]


def change_text(change: events.NightChange, juror: Juror, portal_url: str) -> tuple[str, str]:
    night = change.night
    subject = _("Jury night moved: now %(day)s", day=long_date(night.held_on))
    body = "\n".join(
        [
            _("Hi %(name)s,", name=juror.first_name),
            "",
            _("The youth court jury night you are booked for has changed. It is now:"),
            "",
            *_when(night.held_on, night.starts_at, night.ends_at, night.location),
            "",
            _("It was:"),
            "",
            *_when(change.was_held_on, change.was_starts_at, change.was_ends_at, change.was_location),
            "",
            _("If you can no longer come, say so in your juror portal at %(url)s.", url=portal_url),
        ]
    )
    return subject, body


def cancel_text(change: events.NightChange, juror: Juror, portal_url: str) -> tuple[str, str]:
    night = change.night
    subject = _("Jury night cancelled: %(day)s", day=long_date(night.held_on))
    body = "\n".join(
        [
            _("Hi %(name)s,", name=juror.first_name),
            "",
            _("The youth court jury night you were booked for has been cancelled:"),
            "",
            *_when(night.held_on, night.starts_at, night.ends_at, night.location),
            "",
            _("You do not need to come. Your coordinator will invite you to another night."),
            _("Your nights are in your juror portal at %(url)s.", url=portal_url),
        ]
    )
    return subject, body


async def night_changed(db: AsyncSession, change: events.NightChange) -> list[str]:
    night = change.night
    portal_url = change.base_url.rstrip("/") + "/me" if change.base_url else "/me"
    cancelled = change.kind == events.NightChangeKind.CANCELLED
    bookings = {
        booking.id: booking
        for booking in (
            await db.scalars(
                select(Booking)
                .where(Booking.night_id == night.id, Booking.status.in_(STILL_BOOKED))
                .options(selectinload(Booking.juror))
            )
        ).all()
    }
    waiting = await mail.waiting_for_night(db, night.id)
    policy = await program_policy(db, night.program_id)
    rewritten = withdrawn = 0
    for message in waiting:
        booking = bookings.get(message.booking_id) if message.booking_id else None
        if not cancelled and message.kind in REWRITTEN and booking is not None:
            with use_locale(await mail.juror_language(db, booking.juror)):
                text = (
                    invitations.invitation_text(night, booking.juror, portal_url, policy.contact_phone)
                    if message.kind == "juror_invitation"
                    else invitations.moved_up_text(night, booking.juror, portal_url)
                )
            message.subject, message.body = text[0][:200], text[1]
            rewritten += 1
        else:
            mail.withdraw(message, _("The night was cancelled.") if cancelled else _("The night moved."))
            withdrawn += 1
    await db.flush()
    told = await _tell_booked(db, change, bookings.values(), portal_url)
    if not cancelled:
        await reminders.queue_reminders(db, today_in(change.viewer.timezone), night_id=night.id)
    said = []
    if told and cancelled:
        said.append(
            ngettext(
                "%(num)s booked juror was told it is cancelled.",
                "%(num)s booked jurors were told it is cancelled.",
                told,
            )
        )
    elif told:
        said.append(
            ngettext(
                "%(num)s booked juror was sent a change notice.",
                "%(num)s booked jurors were sent a change notice.",
                told,
            )
        )
    if rewritten:
        said.append(
            ngettext(
                "%(num)s queued invitation was rewritten.",
                "%(num)s queued invitations were rewritten.",
                rewritten,
            )
        )
    if withdrawn:
        said.append(
            ngettext(
                "%(num)s queued message was withdrawn.", "%(num)s queued messages were withdrawn.", withdrawn
            )
        )
    return said


async def _tell_booked(
    db: AsyncSession,
    change: events.NightChange,
    bookings: Iterable[Booking],
    portal_url: str,
) -> int:
    """A change or cancellation notice to each juror who was already written to about the night."""
    night: HearingNight = change.night
    cancelled = change.kind == events.NightChangeKind.CANCELLED
    written_to = set(
        (
            await db.scalars(
                select(OutboxMessage.booking_id).where(
                    OutboxMessage.night_id == night.id,
                    OutboxMessage.status.in_((OutboxStatus.SENT, OutboxStatus.FAILED))
                    | delivery.being_sent(utc_now()),
                )
            )
        ).all()
    )
    told = 0
    for booking in bookings:
        juror = booking.juror
        replied = booking.status != BookingStatus.INVITED
        if booking.attendance is not None or not juror.email.strip():
            continue
        if not replied and booking.id not in written_to:
            continue  # their invitation had not gone out: it was rewritten or withdrawn instead
        with use_locale(await mail.juror_language(db, juror)):
            subject, body = (cancel_text if cancelled else change_text)(change, juror, portal_url)
        message = await mail.enqueue(
            db,
            night.program_id,
            to_address=juror.email.strip(),
            subject=subject,
            body=body,
            kind="juror_night_cancelled" if cancelled else "juror_night_changed",
            dedupe_key=f"night-change:{booking.id}:{night.sequence}",
            night_id=night.id,
            booking_id=booking.id,
        )
        told += message is not None
    return told
