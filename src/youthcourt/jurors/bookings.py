"""Booking rules for hearing nights: replies, full juries and the waiting list.

A night seats up to ``jury_max`` jurors per courtroom (a program setting). Confirmations
past that go to the waiting list; when a confirmed juror declines or is excused, the
first on the waiting list can be moved up.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit.models import utc_now
from youthcourt.hearings.models import Courtroom, HearingNight
from youthcourt.jurors.models import Booking, BookingStatus, Juror, JurorStatus
from youthcourt.reference.models import ProgramPolicy


class BookingError(ValueError):
    """The reply or booking is not possible; the message says why."""


async def seats(db: AsyncSession, night: HearingNight, policy: ProgramPolicy) -> int:
    rooms = await db.scalar(select(func.count()).select_from(Courtroom).where(Courtroom.night_id == night.id))
    return (rooms or 0) * policy.jury_max


async def confirmed_count(db: AsyncSession, night: HearingNight) -> int:
    return (
        await db.scalar(
            select(func.count())
            .select_from(Booking)
            .where(Booking.night_id == night.id, Booking.status == BookingStatus.CONFIRMED)
        )
        or 0
    )


async def respond(
    db: AsyncSession,
    booking: Booking,
    juror: Juror,
    night: HearingNight,
    policy: ProgramPolicy,
    *,
    accept: bool,
) -> BookingStatus:
    """A juror's reply to an invitation: confirmed (or waiting list when the night is full) or declined."""
    if night.is_cancelled:
        raise BookingError("This hearing night was cancelled.")
    if booking.status in (BookingStatus.CANCELLED,):
        raise BookingError("This invitation was withdrawn.")
    if booking.attendance is not None:
        raise BookingError("This night has already happened.")
    if accept:
        if juror.status != JurorStatus.ACTIVE:
            raise BookingError("Only active jurors can confirm a night.")
        if juror.oath_signed_on is None:
            raise BookingError("Sign the confidentiality oath before you can sit on a jury.")
        if booking.status == BookingStatus.CONFIRMED:
            return booking.status
        full = await confirmed_count(db, night) >= await seats(db, night, policy)
        booking.status = BookingStatus.WAITLISTED if full else BookingStatus.CONFIRMED
    else:
        booking.status = BookingStatus.DECLINED
        booking.courtroom_id = None
        booking.role = None
    booking.responded_at = utc_now()
    await db.flush()
    return booking.status
