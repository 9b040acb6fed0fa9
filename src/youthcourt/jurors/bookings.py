"""Booking rules for hearing nights: replies, seats, full juries and the waiting list.

A night seats up to ``jury_max`` jurors per courtroom (a program setting). There is one seat
count, :func:`seats_taken`: confirmed jurors who still hold a seat. A juror marked absent or
excused frees theirs; declined, withdrawn and waiting jurors never hold one.

Anything that may give a seat away first takes the night's lock (:func:`lock_night`), so two
replies at the same moment cannot both take the last seat: on PostgreSQL a row lock on the
night, on SQLite the database's write lock, both held until the transaction ends.
"""

from __future__ import annotations

import datetime
from uuid import UUID

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.clock import utc_now
from youthcourt.hearings.models import Courtroom, HearingNight
from youthcourt.jurors.models import Attendance, Booking, BookingStatus, Juror, JurorStatus
from youthcourt.reference.models import ProgramPolicy
from youthcourt.web.i18n import _, format_day

SERVING = (Attendance.PRESENT, Attendance.LATE)
"""Attendance that keeps a seat; an absent or excused juror's seat is free for someone else."""


class BookingError(ValueError):
    """The reply or booking is not possible; the message says why."""


async def lock_night(db: AsyncSession, night_id: UUID) -> None:
    """Hold the night until the transaction ends; a second caller waits for the first to commit.

    A write that changes nothing: PostgreSQL locks the row (``SELECT ... FOR UPDATE`` would
    too, but SQLite ignores it), SQLite takes its single write lock. Counts read after this
    see every reply committed before it.
    """
    await db.execute(
        update(HearingNight)
        .where(HearingNight.id == night_id)
        .values(sequence=HearingNight.sequence, updated_at=HearingNight.updated_at)
        .execution_options(synchronize_session=False)
    )


async def seats(db: AsyncSession, night: HearingNight, policy: ProgramPolicy) -> int:
    rooms = await db.scalar(select(func.count()).select_from(Courtroom).where(Courtroom.night_id == night.id))
    return (rooms or 0) * policy.jury_max


def holds_seat() -> list:
    """The one definition of a seat taken: confirmed, and not marked absent or excused."""
    return [
        Booking.status == BookingStatus.CONFIRMED,
        or_(Booking.attendance.is_(None), Booking.attendance.in_(SERVING)),
    ]


def is_seated(booking: Booking) -> bool:
    """On a panel and still there (an absent or excused juror's seat is free)."""
    return (
        booking.status == BookingStatus.CONFIRMED
        and booking.courtroom_id is not None
        and (booking.attendance is None or booking.attendance in SERVING)
    )


async def seats_taken(db: AsyncSession, night: HearingNight) -> int:
    """Confirmed jurors still holding a seat of the night."""
    return (
        await db.scalar(select(func.count(Booking.id)).where(Booking.night_id == night.id, *holds_seat()))
        or 0
    )


# Overlapping nights ------------------------------------------------------------------------------


def _span(night: HearingNight) -> tuple[datetime.datetime, datetime.datetime]:
    starts = datetime.datetime.combine(night.held_on, night.starts_at)
    ends = datetime.datetime.combine(night.held_on, night.ends_at)
    if ends <= starts:
        ends += datetime.timedelta(days=1)
    return starts, ends


def overlap(one: HearingNight, other: HearingNight) -> bool:
    """The two nights share some time (back to back does not count)."""
    first, second = _span(one), _span(other)
    return first[0] < second[1] and second[0] < first[1]


async def overlapping(
    db: AsyncSession,
    night: HearingNight,
    juror_ids: list[UUID],
    statuses: tuple[BookingStatus, ...] = (BookingStatus.CONFIRMED,),
) -> dict[UUID, HearingNight]:
    """Per juror, another night they are booked for (with one of ``statuses``) that overlaps this one."""
    if not juror_ids:
        return {}
    rows = await db.execute(
        select(Booking.juror_id, HearingNight)
        .join(HearingNight, HearingNight.id == Booking.night_id)
        .where(
            Booking.juror_id.in_(juror_ids),
            Booking.night_id != night.id,
            Booking.status.in_(statuses),
            Booking.attendance.is_(None),
            HearingNight.is_cancelled.is_(False),
            HearingNight.held_on.between(
                night.held_on - datetime.timedelta(days=1), night.held_on + datetime.timedelta(days=1)
            ),
        )
        .order_by(HearingNight.held_on, HearingNight.starts_at)
    )
    found: dict[UUID, HearingNight] = {}
    for juror_id, other in rows.all():
        if juror_id not in found and overlap(night, other):
            found[juror_id] = other
    return found


# Replies ----------------------------------------------------------------------------------------


async def respond(
    db: AsyncSession,
    booking: Booking,
    juror: Juror,
    night: HearingNight,
    policy: ProgramPolicy,
    *,
    accept: bool,
    by_juror: bool = False,
) -> BookingStatus:
    """A juror's reply to an invitation: confirmed (or waiting list when the night is full) or declined.

    Confirming a night that overlaps one the juror is already confirmed for is refused: nobody
    can sit on two juries at once, so there is nothing for a coordinator to override.
    """
    if night.is_cancelled:
        raise BookingError(_("This hearing night was cancelled."))
    if booking.status in (BookingStatus.CANCELLED,):
        raise BookingError(_("This invitation was withdrawn."))
    if booking.attendance is not None:
        raise BookingError(_("This night has already happened."))
    if accept:
        if juror.status != JurorStatus.ACTIVE:
            raise BookingError(_("Only active jurors can confirm a night."))
        if juror.oath_signed_on is None:
            raise BookingError(_("Sign the confidentiality oath before you can sit on a jury."))
        if booking.status == BookingStatus.CONFIRMED:
            return booking.status
        await lock_night(db, night.id)
        await db.refresh(booking, ["status", "attendance"])
        if booking.status == BookingStatus.CONFIRMED:
            return booking.status
        clash = (await overlapping(db, night, [juror.id])).get(juror.id)
        if clash is not None:
            when = f"{format_day(clash.held_on, 'day')}, {clash.starts_at:%H:%M}"
            if by_juror:
                refusal = _(
                    "You are already confirmed for a night at the same time (%(when)s). Decline that night first.",
                    when=when,
                )
            else:
                refusal = _(
                    "%(juror)s is already confirmed for a night at the same time (%(when)s). "
                    "Decline that night first.",
                    juror=juror.short_name,
                    when=when,
                )
            raise BookingError(refusal)
        full = await seats_taken(db, night) >= await seats(db, night, policy)
        booking.status = BookingStatus.WAITLISTED if full else BookingStatus.CONFIRMED
    else:
        if booking.status == BookingStatus.CONFIRMED:
            await lock_night(db, night.id)
            await db.refresh(booking, ["status", "attendance"])
        booking.status = BookingStatus.DECLINED
        booking.courtroom_id = None
        booking.role = None
    booking.responded_at = utc_now()
    await db.flush()
    return booking.status
