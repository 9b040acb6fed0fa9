"""Reminders of a hearing night, to the jurors booked and to the families on its dockets.

Everyone booked for a night in the next ``DAYS_AHEAD`` days who has not had a reminder gets
one: a juror who confirms the day before is reminded too, not only those booked when the
night was exactly two days away. Each reminder has a dedupe key (the booking, or the
hearing and the address, and the night's schedule sequence), so running this any number of
times queues each reminder once, and a night that moves is reminded again at its new date.
Reminders say when and where only: a juror's reminder never names a respondent or a case,
and a family's names the young person by first name and nothing about the offense.
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
from youthcourt.jurors.mail import clock, enqueue, juror_language, long_date, short_date
from youthcourt.jurors.models import Booking, BookingStatus, JurorStatus
from youthcourt.programs.models import Program
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.programs.viewer import today_in
from youthcourt.referrals.family import family_language
from youthcourt.referrals.models import Youth
from youthcourt.web.i18n import _, use_locale

DAYS_AHEAD = 2
MAX_DEDUPE_KEY_LENGTH = 120


def when_and_where(night: HearingNight) -> str:
    return "\n".join(
        [
            _("Date: %(day)s", day=long_date(night.held_on)),
            _("Time: %(start)s to %(end)s", start=clock(night.starts_at), end=clock(night.ends_at)),
            _("Place: %(place)s", place=night.location),
        ]
    )


def _moved(sequence: int) -> str:
    """The schedule sequence in a key, once the night has moved (keys of unmoved nights are unchanged)."""
    return f":{sequence}" if sequence else ""


def juror_key(booking_id: UUID, sequence: int = 0) -> str:
    return f"remind-juror:{booking_id}{_moved(sequence)}"


def family_key_prefix(hearing_id: UUID) -> str:
    """How every family reminder of a hearing's key begins: the family's own page finds them by it."""
    return f"remind-family:{hearing_id}"


def family_key(hearing_id: UUID, address: str, sequence: int = 0) -> str:
    """One reminder per hearing, address and schedule; very long addresses are hashed to fit the column."""
    key = f"{family_key_prefix(hearing_id)}{_moved(sequence)}:{address}"
    if len(key) > MAX_DEDUPE_KEY_LENGTH:
        key = f"{family_key_prefix(hearing_id)}{_moved(sequence)}:{hashlib.sha256(address.encode()).hexdigest()}"
    return key


def juror_reminder(first_name: str, night: HearingNight, program_name: str) -> tuple[str, str]:
    """The juror's reminder, in the active language (the juror's)."""
    subject = _("Reminder: youth court jury on %(day)s", day=short_date(night.held_on))
    body = "\n\n".join(
        [
            _("Hello %(name)s,", name=first_name),
            _(
                "This is a reminder that you are booked to serve on the jury at %(program)s.",
                program=program_name,
            ),
            when_and_where(night),
            _(
                "Please arrive ten minutes early. If you cannot come, tell the program coordinator as soon as "
                "you can, so that another juror can take your place."
            ),
            _("Thank you for serving.") + "\n" + program_name + "\n",
        ]
    )
    return subject, body


def family_reminder(
    greeting: str, youth_first_name: str, night: HearingNight, program_name: str, *, to_youth: bool
) -> tuple[str, str]:
    """A family's reminder, in the active language (the family's)."""
    subject = _("Reminder: youth court hearing on %(day)s", day=short_date(night.held_on))
    if to_youth:
        whose = _("This is a reminder of your hearing at %(program)s.", program=program_name)
        arrive = _(
            "Please arrive fifteen minutes early, with a parent or guardian. If you cannot come, call the "
            "program coordinator before the hearing."
        )
    else:
        whose = _(
            "This is a reminder of %(name)s's hearing at %(program)s.",
            name=youth_first_name,
            program=program_name,
        )
        arrive = _(
            "Please arrive fifteen minutes early and come with %(name)s: a parent or guardian attends the "
            "hearing. If you cannot come, call the program coordinator before the hearing.",
            name=youth_first_name,
        )
    body = "\n\n".join(
        [_("Hello %(name)s,", name=greeting), whose, when_and_where(night), arrive, program_name + "\n"]
    )
    return subject, body


def family_addresses(youth: Youth) -> Iterator[tuple[str, str, bool]]:
    """(address, greeting, to the youth) for each guardian with an email, then the youth's own."""
    for guardian in youth.guardians:
        if guardian.email.strip():
            yield guardian.email.strip().lower(), guardian.name, False
    if youth.email.strip():
        yield youth.email.strip().lower(), youth.first_name, True


def is_soon(night: HearingNight, today: datetime.date) -> bool:
    """The night is within the reminder window: from today to ``DAYS_AHEAD`` days ahead."""
    return not night.is_cancelled and today <= night.held_on <= today + datetime.timedelta(days=DAYS_AHEAD)


async def queue_reminders(
    db: AsyncSession, today: datetime.date, *, night_id: UUID | None = None, booking_id: UUID | None = None
) -> int:
    """Queue the reminders not yet queued for nights from ``today`` to ``DAYS_AHEAD`` days ahead.

    ``night_id`` limits it to one night (a night just moved), ``booking_id`` to one juror's
    booking (a juror just confirmed or moved up; no family reminders then). Within a request
    the program scope limits this to the user's program; unscoped (the command line) it
    covers every program. Returns how many were queued.
    """
    last = today + datetime.timedelta(days=DAYS_AHEAD)
    query = select(HearingNight).where(
        HearingNight.held_on >= today, HearingNight.held_on <= last, HearingNight.is_cancelled.is_(False)
    )
    if night_id is not None:
        query = query.where(HearingNight.id == night_id)
    if booking_id is not None:
        query = query.where(HearingNight.id.in_(select(Booking.night_id).where(Booking.id == booking_id)))
    nights = (
        await db.scalars(
            query.options(
                selectinload(HearingNight.courtrooms)
                .selectinload(Courtroom.hearings)
                .selectinload(Hearing.case)
                .selectinload(Case.youth)
                .selectinload(Youth.guardians)
            )
            .order_by(HearingNight.held_on, HearingNight.starts_at, HearingNight.id)
            .execution_options(populate_existing=True)
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
    booked = select(Booking).where(
        Booking.night_id.in_([n.id for n in nights]),
        Booking.status == BookingStatus.CONFIRMED,
        Booking.attendance.is_(None),
    )
    if booking_id is not None:
        booked = booked.where(Booking.id == booking_id)
    bookings = (
        await db.scalars(booked.options(selectinload(Booking.juror)).order_by(Booking.created_at, Booking.id))
    ).all()
    by_id = {night.id: night for night in nights}
    queued = 0
    for booking in bookings:
        juror, night = booking.juror, by_id[booking.night_id]
        if juror.status == JurorStatus.SUSPENDED or not juror.email.strip():
            continue
        with use_locale(await juror_language(db, juror)):
            subject, body = juror_reminder(juror.first_name, night, programs[night.program_id])
        message = await enqueue(
            db,
            night.program_id,
            to_address=juror.email.strip(),
            subject=subject,
            body=body,
            kind="juror_reminder",
            dedupe_key=juror_key(booking.id, night.sequence),
            night_id=night.id,
            booking_id=booking.id,
        )
        queued += message is not None
    if booking_id is not None:
        return queued
    for night in nights:
        for courtroom in night.courtrooms:
            for hearing in courtroom.hearings:
                if hearing.outcome != HearingOutcome.SCHEDULED:
                    continue
                youth = hearing.case.youth
                language = family_language(youth.guardians)
                for address, greeting, to_youth in family_addresses(youth):
                    with use_locale(language):
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
                        dedupe_key=family_key(hearing.id, address, night.sequence),
                        night_id=night.id,
                    )
                    queued += message is not None
    return queued


async def queue_everywhere(db: AsyncSession) -> int:
    """Queue the reminders of every active program, "in two days" counted from each program's today."""
    queued = 0
    for program in (await db.scalars(select(Program).where(Program.is_active.is_(True)))).all():
        with program_scope(ProgramScope.of(program.id)):
            queued += await queue_reminders(db, today_in(program.timezone))
    return queued
