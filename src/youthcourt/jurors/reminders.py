"""Reminders two days before a hearing night, to the jurors booked and to the families on its dockets.

Each reminder has a dedupe key (the booking, or the hearing and the address), so running
this any number of times on the same day queues each reminder once. Reminders say when
and where only: a juror's reminder never names a respondent or a case, and a family's
names the young person by first name and nothing about the offense.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from youthcourt.cases.models import Case
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight, HearingOutcome
from youthcourt.jurors.invitations import clock, long_date
from youthcourt.jurors.mail import enqueue
from youthcourt.jurors.models import Booking, BookingStatus, JurorStatus
from youthcourt.programs.models import Program
from youthcourt.referrals.models import Youth

DAYS_AHEAD = 2
MAX_DEDUPE_KEY_LENGTH = 120


def when_and_where(night: HearingNight) -> str:
    return (
        f"Date: {long_date(night.held_on)}\n"
        f"Time: {clock(night.starts_at)} to {clock(night.ends_at)}\n"
        f"Place: {night.location}"
    )


def family_key(hearing_id: UUID, address: str) -> str:
    """One reminder per hearing and address; very long addresses are hashed to fit the column."""
    key = f"remind-family:{hearing_id}:{address}"
    if len(key) > MAX_DEDUPE_KEY_LENGTH:
        key = f"remind-family:{hearing_id}:{hashlib.sha256(address.encode()).hexdigest()}"
    return key


def juror_reminder(first_name: str, night: HearingNight, program_name: str) -> tuple[str, str]:
    subject = f"Reminder: youth court jury on {night.held_on:%B} {night.held_on.day}"
    body = (
        f"Hello {first_name},\n\n"
        f"This is a reminder that you are booked to serve on the jury at {program_name}.\n\n"
        f"{when_and_where(night)}\n\n"
        "Please arrive ten minutes early. If you cannot come, tell the program coordinator as soon as "
        "you can, so that another juror can take your place.\n\n"
        "Thank you for serving.\n"
        f"{program_name}\n"
    )
    return subject, body


def family_reminder(
    greeting: str, youth_first_name: str, night: HearingNight, program_name: str, *, to_youth: bool
) -> tuple[str, str]:
    subject = f"Reminder: youth court hearing on {night.held_on:%B} {night.held_on.day}"
    whose = "your" if to_youth else f"{youth_first_name}'s"
    body = (
        f"Hello {greeting},\n\n"
        f"This is a reminder of {whose} hearing at {program_name}.\n\n"
        f"{when_and_where(night)}\n\n"
        + (
            "Please arrive fifteen minutes early, with a parent or guardian."
            if to_youth
            else f"Please arrive fifteen minutes early and come with {youth_first_name}: "
            "a parent or guardian attends the hearing."
        )
        + " If you cannot come, call the program coordinator before the hearing.\n\n"
        f"{program_name}\n"
    )
    return subject, body


def family_addresses(youth: Youth) -> Iterator[tuple[str, str, bool]]:
    """(address, greeting, to the youth) for each guardian with an email, then the youth's own."""
    for guardian in youth.guardians:
        if guardian.email.strip():
            yield guardian.email.strip().lower(), guardian.name, False
    if youth.email.strip():
        yield youth.email.strip().lower(), youth.first_name, True


async def queue_reminders(db: AsyncSession, today: datetime.date) -> int:
    """Queue the reminders for hearing nights ``DAYS_AHEAD`` days after ``today``; returns how many.

    Within a request the program scope limits this to the user's program; unscoped (the
    command line) it covers every program's nights held on that date.
    """
    day = today + datetime.timedelta(days=DAYS_AHEAD)
    nights = (
        await db.scalars(
            select(HearingNight)
            .where(HearingNight.held_on == day, HearingNight.is_cancelled.is_(False))
            .options(
                selectinload(HearingNight.courtrooms)
                .selectinload(Courtroom.hearings)
                .selectinload(Hearing.case)
                .selectinload(Case.youth)
                .selectinload(Youth.guardians)
            )
            .order_by(HearingNight.starts_at, HearingNight.id)
        )
    ).all()
    if not nights:
        return 0
    programs = dict(
        (
            await db.execute(
                select(Program.id, Program.name).where(Program.id.in_({n.program_id for n in nights}))
            )
        ).all()
    )
    bookings = (
        await db.scalars(
            select(Booking)
            .where(Booking.night_id.in_([n.id for n in nights]), Booking.status == BookingStatus.CONFIRMED)
            .options(selectinload(Booking.juror))
            .order_by(Booking.created_at, Booking.id)
        )
    ).all()
    by_id = {night.id: night for night in nights}
    queued = 0
    for booking in bookings:
        juror, night = booking.juror, by_id[booking.night_id]
        if juror.status == JurorStatus.SUSPENDED or not juror.email.strip():
            continue
        subject, body = juror_reminder(juror.first_name, night, programs[night.program_id])
        message = await enqueue(
            db,
            night.program_id,
            to_address=juror.email.strip(),
            subject=subject,
            body=body,
            kind="juror_reminder",
            dedupe_key=f"remind-juror:{booking.id}",
        )
        queued += message is not None
    for night in nights:
        for courtroom in night.courtrooms:
            for hearing in courtroom.hearings:
                if hearing.outcome != HearingOutcome.SCHEDULED:
                    continue
                youth = hearing.case.youth
                for address, greeting, to_youth in family_addresses(youth):
                    subject, body = family_reminder(
                        greeting, youth.first_name, night, programs[night.program_id], to_youth=to_youth
                    )
                    message = await enqueue(
                        db,
                        night.program_id,
                        to_address=address,
                        subject=subject,
                        body=body,
                        kind="family_reminder",
                        dedupe_key=family_key(hearing.id, address),
                    )
                    queued += message is not None
    return queued
