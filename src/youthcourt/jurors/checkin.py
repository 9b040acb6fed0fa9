"""Hearing-night check-in: attendance, hours served, time credits and jury-duty progress.

Check-in opens on the night's date. Hours come from the night's start and end (a late
juror's from their arrival; absent and excused jurors serve none). Present and late
jurors earn ``hours x credits_per_hour`` time credits at once, recorded against the
booking, and a former respondent's open jury-duty sanction counts the night.

Corrections are allowed until credits are added: an absent or excused juror can still be
marked present or late (they turned up after all), but once a booking has earned credits
its attendance is final here. The ledger is append-only, so a mistake after that is put
right with a credit adjustment, not by changing the check-in.

An absent or excused juror's seat is free: the first juror on the waiting list can take
it (the replacement), with the same courtroom and role when they qualify for it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.cases.models import CLOSED_STATES, Case
from youthcourt.hearings.models import HearingNight
from youthcourt.jurors import credits, panels
from youthcourt.jurors.forms import ATTENDANCE_CHOICES, ArrivalForm, CheckinForm, ExcuseForm
from youthcourt.jurors.invitations import SERVING, first_waiting, promote
from youthcourt.jurors.models import Attendance, Booking, BookingStatus, CourtRole, CreditEntry, CreditKind
from youthcourt.programs.viewer import Viewer
from youthcourt.reference.models import ProgramPolicy, SanctionType
from youthcourt.reference.services import policy as program_policy
from youthcourt.sanctions.models import ProgressKind, Sanction, SanctionStatus
from youthcourt.sanctions.services import record_progress
from youthcourt.web.forms import Form
from youthcourt.web.i18n import _

CENT = Decimal("0.01")


class CheckinError(ValueError):
    """The check-in cannot be recorded; ``field`` is the form field at fault, if any."""

    def __init__(self, message: str, field: str = "attendance") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def number(value: Decimal | int) -> str:
    """Hours and credits as people write them: 3, 2.5, 1.75."""
    return f"{Decimal(value).normalize():f}"


def is_open(night: HearingNight, today: datetime.date) -> bool:
    """Check-in opens on the night's date and stays open after it (for late entries)."""
    return not night.is_cancelled and today >= night.held_on


def hours_between(start: datetime.time, end: datetime.time) -> Decimal:
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return (Decimal(max(0, minutes)) / 60).quantize(CENT, rounding=ROUND_HALF_UP)


def hours_served(
    night: HearingNight, attendance: Attendance, arrived_at: datetime.time | None = None
) -> Decimal:
    """Present: the whole night; late: from arrival to the end; absent or excused: none."""
    if attendance == Attendance.PRESENT:
        return hours_between(night.starts_at, night.ends_at)
    if attendance == Attendance.LATE:
        if arrived_at is None:
            raise CheckinError(_("Enter the time the juror arrived."), "arrived_at")
        return hours_between(max(arrived_at, night.starts_at), night.ends_at)
    return Decimal("0.00")


def arrival_of(night: HearingNight, booking: Booking) -> datetime.time | None:
    """A late juror's arrival, worked back from the hours they served."""
    if booking.attendance != Attendance.LATE or booking.hours is None:
        return None
    end = datetime.datetime.combine(night.held_on, night.ends_at)
    minutes = int((booking.hours * 60).to_integral_value(rounding=ROUND_HALF_UP))
    return (end - datetime.timedelta(minutes=minutes)).time()


async def credited(db: AsyncSession, booking_ids: list[UUID]) -> set[UUID]:
    """Which bookings have earned their credits already."""
    if not booking_ids:
        return set()
    rows = await db.scalars(select(CreditEntry.booking_id).where(CreditEntry.booking_id.in_(booking_ids)))
    return {booking_id for booking_id in rows.all() if booking_id is not None}


async def open_jury_duty(db: AsyncSession, youth_id: UUID) -> Sanction | None:
    """A youth's open jury-duty sanction on a case still open, the one due soonest."""
    return await db.scalar(
        select(Sanction)
        .join(Case, Case.id == Sanction.case_id)
        .where(
            Case.youth_id == youth_id,
            Case.state.not_in(list(CLOSED_STATES)),
            Sanction.sanction_type == SanctionType.JURY_DUTY,
            Sanction.status == SanctionStatus.OPEN,
        )
        .order_by(Sanction.due_on, Sanction.created_at)
        .limit(1)
    )


@dataclass(frozen=True)
class CheckinResult:
    attendance: Attendance
    hours: Decimal
    credits: Decimal
    sanction: Sanction | None
    """The jury-duty sanction the night counted toward, if any."""
    seat_freed: bool

    @property
    def message(self) -> str:
        """What the coordinator is told: "Marked present, 2.5 hours, 5 credits added."."""
        marked = _(self.attendance.label).lower()
        if self.credits and self.sanction is not None:
            return _(
                "Marked %(attendance)s, %(hours)s hours, %(credits)s credits added, counted toward the "
                "juror's jury-duty sanction.",
                attendance=marked,
                hours=number(self.hours),
                credits=number(self.credits),
            )
        if self.credits:
            return _(
                "Marked %(attendance)s, %(hours)s hours, %(credits)s credits added.",
                attendance=marked,
                hours=number(self.hours),
                credits=number(self.credits),
            )
        if self.sanction is not None:
            return _(
                "Marked %(attendance)s, counted toward the juror's jury-duty sanction.", attendance=marked
            )
        return _("Marked %(attendance)s.", attendance=marked)


async def record_attendance(
    db: AsyncSession,
    booking: Booking,
    night: HearingNight,
    attendance: Attendance,
    policy: ProgramPolicy,
    viewer: Viewer,
    *,
    arrived_at: datetime.time | None = None,
    reason: str = "",
) -> CheckinResult:
    """Record one juror's attendance; ``booking.juror`` must be loaded."""
    if booking.status != BookingStatus.CONFIRMED:
        raise CheckinError(_("Only jurors who confirmed the night can be checked in."))
    if await credited(db, [booking.id]):
        raise CheckinError(
            _(
                "Credits were already added for this night, so the attendance can no longer be changed here. "
                "Correct the credits with an adjustment instead."
            )
        )
    if attendance == Attendance.LATE and arrived_at is not None:
        if arrived_at >= night.ends_at:
            raise CheckinError(_("The arrival time must be before the night ends."), "arrived_at")
        if arrived_at <= night.starts_at:
            raise CheckinError(_("They arrived by the start time: mark them present instead."), "arrived_at")
    if attendance == Attendance.EXCUSED and not reason.strip():
        raise CheckinError(_("Enter why the juror is excused."), "reason")
    hours = hours_served(night, attendance, arrived_at)
    was_seated = booking.courtroom_id is not None and (
        booking.attendance is None or booking.attendance in SERVING
    )
    booking.attendance = attendance
    booking.hours = hours
    booking.excuse_reason = reason.strip() if attendance == Attendance.EXCUSED else ""
    earned = Decimal(0)
    sanction = None
    if attendance in SERVING:
        earned = (hours * policy.credits_per_hour).quantize(CENT)
        if earned > 0:
            await credits.add_entry(
                db,
                booking.juror,
                CreditKind.SERVICE,
                earned,
                night.held_on,
                reason=f"Jury service on {night.held_on.isoformat()}",
                actor_name=viewer.full_name,
                booking_id=booking.id,
            )
        sanction = await count_toward_jury_duty(db, booking, night, viewer)
    await db.flush()
    return CheckinResult(
        attendance, hours, earned, sanction, seat_freed=was_seated and attendance not in SERVING
    )


class CheckinService(SQLAlchemyAsyncRepositoryService[Booking]):
    """A coordinator's check-in of one juror on the night, with its audit entry."""

    class Repository(SQLAlchemyAsyncRepository[Booking]):
        model_type = Booking

    repository_type = Repository

    @property
    def db(self) -> AsyncSession:
        return self.repository.session

    async def check_in(
        self, actor: Actor, night: HearingNight, booking: Booking, form: Form
    ) -> CheckinResult | None:
        """Record the attendance chosen on ``form``; None, with the form's errors, when refused.

        Raises :class:`CheckinError` while check-in is closed (before the night, or a cancelled
        night): nothing on the form can change that.
        """
        if not is_open(night, actor.viewer.today()):
            raise CheckinError(_("Check-in opens on the day of the night."))
        choice = CheckinForm.read(form).attendance
        attendance = Attendance(choice) if choice in ATTENDANCE_CHOICES else None
        arrived_at = ArrivalForm.read(form).arrived_at if attendance == Attendance.LATE else None
        reason = ExcuseForm.read(form).reason if attendance == Attendance.EXCUSED else ""
        if not form.is_valid or attendance is None:
            return None
        policy = await program_policy(self.db, night.program_id)
        try:
            result = await record_attendance(
                self.db,
                booking,
                night,
                attendance,
                policy,
                actor.viewer,
                arrived_at=arrived_at,
                reason=reason,
            )
        except CheckinError as error:
            form.error(error.field, error.message)
            return None
        audit.record(
            self.db,
            actor,
            "juror_checkin",
            record_type="booking",
            record_id=booking.id,
            details={
                "attendance": attendance.value,
                "hours": str(result.hours),
                "credits": str(result.credits),
                "jury_duty_counted": result.sanction is not None,
            },
        )
        return result

    async def replace_absent(
        self, actor: Actor, night: HearingNight, freed: Booking, *, portal_url: str
    ) -> Booking:
        """Seat the first juror on the waiting list in the seat ``freed`` left (see :func:`replace`).

        Raises :class:`CheckinError` or :class:`BookingError` when nobody can take it; the
        caller rolls back what the attempt changed.
        """
        policy = await program_policy(self.db, night.program_id)
        replacement = await replace(self.db, night, freed, policy, portal_url=portal_url)
        audit.record(
            self.db,
            actor,
            "juror_replace",
            record_type="booking",
            record_id=replacement.id,
            details={"replaces": str(freed.id)},
        )
        return replacement


async def count_toward_jury_duty(
    db: AsyncSession, booking: Booking, night: HearingNight, viewer: Viewer
) -> Sanction | None:
    """A former respondent's night on a jury counts one session of their jury-duty sanction, once per booking."""
    youth_id = booking.juror.youth_id
    if youth_id is None:
        return None
    sanction = await open_jury_duty(db, youth_id)
    if sanction is None:
        return None
    await record_progress(
        db,
        sanction,
        ProgressKind.JURY_SERVICE,
        Decimal(1),
        night.held_on,
        notes="Served on a jury (hearing-night check-in).",
        recorded_by=viewer,
        submission_token=f"jury-night:{booking.id}",
    )
    return sanction


async def replace(
    db: AsyncSession, night: HearingNight, freed: Booking, policy: ProgramPolicy, *, portal_url: str
) -> Booking:
    """Seat the first juror on the waiting list in the seat ``freed`` (absent or excused) left.

    They keep the freed role when qualified for it, otherwise they sit as a juror. The
    panel rules apply as for any seat: a replacement kept off that courtroom is refused.
    """
    if freed.courtroom_id is None or freed.attendance is None or freed.attendance in SERVING:
        raise CheckinError(_("This juror's seat is not free."))
    waiting = await first_waiting(db, night)
    if waiting is None:
        raise CheckinError(_("No one is on the waiting list."))
    await promote(db, night, waiting, portal_url=portal_url)
    role = freed.role or CourtRole.JUROR
    if role != CourtRole.JUROR and role not in {q.role for q in waiting.juror.qualifications}:
        role = CourtRole.JUROR
    courtroom_id = freed.courtroom_id
    freed.courtroom_id = None
    freed.role = None
    await db.flush()
    night_panels = await panels.load(db, night)
    courtroom = night_panels.room(courtroom_id)
    booking = next(b for b in night_panels.bookings if b.id == waiting.id)
    if courtroom is None:
        raise CheckinError(_("The courtroom is no longer part of this night."))
    try:
        panels.seat(night_panels, booking, courtroom, role, policy)
    except panels.PanelError as error:
        raise CheckinError(
            _("The first on the waiting list cannot take the seat: %(why)s", why=error)
        ) from error
    await db.flush()
    return booking
