"""What a juror sees of their own service: upcoming nights, past nights, credits, training and roles.

Every query here is limited to one juror (and, by the scoping hook, to their program). The
facts about the cases of a night are read as plain columns into :class:`CaseFacts`, so a
page about a night cannot show more of a respondent than the first name, the last initial,
the age and the offense category, whatever its template does.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager, joinedload

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.cases.models import Case
from youthcourt.database import TODAY
from youthcourt.hearings.models import Hearing, HearingNight, HearingOutcome
from youthcourt.hearings.services import KIND_PRIORITY
from youthcourt.jurors import invitations
from youthcourt.jurors.bookings import BookingError
from youthcourt.jurors.models import (
    Attendance,
    Booking,
    BookingStatus,
    CourtRole,
    CreditEntry,
    Juror,
    JurorStatus,
    TrainingAttendance,
    TrainingSession,
)
from youthcourt.reference.models import Offense
from youthcourt.reference.services import policy
from youthcourt.referrals.models import Referral, Youth
from youthcourt.web.i18n import N_, _

OPEN_STATUSES = (BookingStatus.INVITED, BookingStatus.CONFIRMED, BookingStatus.WAITLISTED)
"""Bookings still on a juror's list: not declined by them, not withdrawn by the program."""

SERVED = (Attendance.PRESENT, Attendance.LATE)
"""Attendance that counts as a night served."""

FACTS_DAYS_BEFORE = 1
"""Case facts open the day before the night and close when the night's date is over."""

HEARD_OUTCOMES = (HearingOutcome.SCHEDULED, HearingOutcome.HELD, HearingOutcome.NO_SHOW)
"""Hearings still on a docket (moved and cancelled ones are not)."""

ANSWERS = {"yes": True, "no": False}
REPLY_MESSAGES = {
    BookingStatus.CONFIRMED: N_("You're confirmed. See you there!"),
    BookingStatus.WAITLISTED: N_(
        "That night is full, so you're on the waiting list. Your coordinator will tell you if a seat opens."
    ),
    BookingStatus.DECLINED: N_("Got it: you're not coming that night. Thanks for telling us."),
}


_JUROR = bindparam("juror_id")

JUROR_OF_USER = (
    select(Juror).where(Juror.user_id == bindparam("user_id")).options(joinedload(Juror.qualifications))
)
"""The juror and their few qualifications in one statement: a second one, for every page of the
portal, cost more to build than its rows."""


async def juror_for_user(db: AsyncSession, user_id: UUID) -> Juror | None:
    """The signed-in user's own juror record in the current program, if one is linked."""
    return (await db.execute(JUROR_OF_USER, {"user_id": user_id})).unique().scalar_one_or_none()


async def own_booking(db: AsyncSession, juror: Juror, booking_id: UUID) -> Booking | None:
    """One of the juror's bookings, with its night and courtroom; None for anyone else's."""
    return await db.scalar(
        select(Booking)
        .where(Booking.id == booking_id, Booking.juror_id == juror.id)
        .options(joinedload(Booking.night), joinedload(Booking.courtroom))
    )


# A juror's nights, credits and training, for the portal's pages and the youth's own page. Each is
# built once per process (see ``dashboard.services``) and run with :func:`of_juror`'s values.

UPCOMING_NIGHTS = (
    select(Booking)
    .join(HearingNight, HearingNight.id == Booking.night_id)
    .where(
        Booking.juror_id == _JUROR,
        Booking.status.in_(OPEN_STATUSES),
        Booking.attendance.is_(None),
        HearingNight.held_on >= TODAY,
    )
    .options(contains_eager(Booking.night), joinedload(Booking.courtroom))
    .order_by(HearingNight.held_on, HearingNight.starts_at, Booking.id)
)
"""Nights still ahead that the juror is invited to, confirmed for or waiting for, soonest first."""

PAST_NIGHTS = (
    select(Booking)
    .join(HearingNight, HearingNight.id == Booking.night_id)
    .where(
        Booking.juror_id == _JUROR,
        or_(
            Booking.attendance.is_not(None),
            (HearingNight.held_on < TODAY) & (Booking.status == BookingStatus.CONFIRMED),
        ),
    )
    .options(contains_eager(Booking.night), joinedload(Booking.courtroom))
    .order_by(HearingNight.held_on.desc(), HearingNight.starts_at.desc(), Booking.id)
)
"""Nights the juror was expected at (or whose attendance was recorded), newest first."""

CREDIT_LEDGER = (
    select(CreditEntry)
    .where(CreditEntry.juror_id == _JUROR)
    .order_by(CreditEntry.occurred_on.desc(), CreditEntry.created_at.desc(), CreditEntry.id)
)
"""The juror's credit ledger, newest first."""

TRAINING_ATTENDED = (
    select(TrainingSession)
    .join(TrainingAttendance, TrainingAttendance.session_id == TrainingSession.id)
    .where(TrainingAttendance.juror_id == _JUROR)
    .order_by(TrainingSession.held_on.desc(), TrainingSession.id)
)
"""Training sessions the juror attended, newest first."""


def of_juror(juror: Juror, today: datetime.date | None = None) -> dict[str, Any]:
    """The values of the statements above for ``juror`` (and ``today``, for its nights)."""
    return {"juror_id": juror.id} if today is None else {"juror_id": juror.id, "today": today}


@dataclass(frozen=True)
class ServiceTotals:
    nights_served: int
    hours: Decimal
    absences: int
    excused: int

    @property
    def nights_recorded(self) -> int:
        return self.nights_served + self.absences

    @property
    def attendance_percent(self) -> int | None:
        """Nights served out of nights served or missed without an excuse."""
        if not self.nights_recorded:
            return None
        return round(100 * self.nights_served / self.nights_recorded)


_SERVED = Booking.attendance.in_(SERVED)
SERVICE_TOTALS = select(
    func.count().filter(_SERVED),
    func.coalesce(func.sum(Booking.hours).filter(_SERVED), 0),
    func.count().filter(Booking.attendance == Attendance.ABSENT),
    func.count().filter(Booking.attendance == Attendance.EXCUSED),
).where(Booking.juror_id == _JUROR)


async def service_totals(db: AsyncSession, juror: Juror) -> ServiceTotals:
    """Nights served, their hours, and absences, in one query."""
    row = (await db.execute(SERVICE_TOTALS, of_juror(juror))).one()
    return ServiceTotals(
        nights_served=row[0] or 0, hours=Decimal(row[1] or 0), absences=row[2] or 0, excused=row[3] or 0
    )


@dataclass(frozen=True)
class RoleStep:
    """One step of the path from juror to youth judge, and when the juror reached it."""

    role: CourtRole
    earned_on: datetime.date | None


def role_path(juror: Juror) -> list[RoleStep]:
    """Every court role in order, with the date the juror earned it (None for roles still ahead)."""
    earned = {q.role: q.earned_on for q in juror.qualifications}
    return [RoleStep(role, earned.get(role)) for role in CourtRole]


def can_confirm(juror: Juror) -> str | None:
    """Why the juror cannot confirm a night yet, or None when they can."""
    if juror.oath_signed_on is None:
        return _("Sign the confidentiality oath with your coordinator before you can sit on a jury.")
    if juror.status != JurorStatus.ACTIVE:
        return _("Your coordinator has not made you an active juror yet, so you cannot confirm nights.")
    return None


# Case facts for a night -------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFacts:
    """All a juror is told about a respondent before the hearing."""

    first_name: str
    last_initial: str
    age: int
    offense_category: str

    @property
    def short_name(self) -> str:
        return f"{self.first_name} {self.last_initial}."


@dataclass(frozen=True)
class FactsWindow:
    """When the case facts of a booked night may be shown."""

    opens_on: datetime.date
    closes_on: datetime.date

    @classmethod
    def for_night(cls, night: HearingNight) -> FactsWindow:
        return cls(night.held_on - datetime.timedelta(days=FACTS_DAYS_BEFORE), night.held_on)

    def is_open(self, today: datetime.date) -> bool:
        return self.opens_on <= today <= self.closes_on


def facts_allowed(booking: Booking) -> bool:
    """Only a confirmed juror seated in a courtroom of a night that goes ahead learns its cases."""
    return (
        booking.status == BookingStatus.CONFIRMED
        and booking.courtroom_id is not None
        and not booking.night.is_cancelled
    )


def _age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


async def case_facts(db: AsyncSession, booking: Booking) -> list[CaseFacts]:
    """The minimum about each case on the booking's courtroom docket, in hearing order.

    Only the columns needed are read: no last name beyond its initial, birth date beyond the
    age, case number, address or narrative ever leaves the database for this page.
    """
    if booking.courtroom_id is None:
        return []
    rows = await db.execute(
        select(Youth.first_name, func.substr(Youth.last_name, 1, 1), Youth.date_of_birth, Offense.category)
        .select_from(Hearing)
        .join(Case, Case.id == Hearing.case_id)
        .join(Youth, Youth.id == Case.youth_id)
        .join(Referral, Referral.id == Case.referral_id)
        .join(Offense, Offense.id == Referral.offense_id)
        .where(Hearing.courtroom_id == booking.courtroom_id, Hearing.outcome.in_(HEARD_OUTCOMES))
        .order_by(KIND_PRIORITY, Hearing.position, Hearing.created_at)
    )
    held_on = booking.night.held_on
    return [
        CaseFacts(
            first_name=first, last_initial=initial, age=_age_on(born, held_on), offense_category=category
        )
        for first, initial, born, category in rows.all()
    ]


# Replying to an invitation ----------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """What the juror is told after answering: ``error`` when the answer was refused and nothing changed."""

    message: str = ""
    error: str = ""


class JurorPortalService(SQLAlchemyAsyncRepositoryService[Booking]):
    """What a juror changes from their portal, with its audit entry, callable without a request."""

    class Repository(SQLAlchemyAsyncRepository[Booking]):
        model_type = Booking

    repository_type = Repository

    @property
    def db(self) -> AsyncSession:
        return self.repository.session

    async def reply(
        self, actor: Actor, juror: Juror, booking: Booking, answer: str, *, portal_url: str
    ) -> Reply:
        """Confirm (or join the waiting list) or decline ``booking``, through the booking rules.

        ``answer`` is "yes" or "no" as the form sends it; anything else, a night already past or
        a reply the booking rules refuse comes back as the error, with nothing saved.
        """
        today = actor.viewer.today()
        if answer not in ANSWERS:
            return Reply(error=_("Choose whether you can come."))
        if booking.night.held_on < today:
            return Reply(error=_("This night has already happened."))
        program_policy = await policy(self.db, juror.program_id)
        try:
            await invitations.reply(
                self.db,
                booking,
                juror,
                booking.night,
                program_policy,
                today,
                accept=ANSWERS[answer],
                portal_url=portal_url,
                by_juror=True,
            )
        except BookingError as refused:
            return Reply(error=str(refused))
        audit.record(
            self.db,
            actor,
            "juror_booking_reply",
            record_type="booking",
            record_id=booking.id,
            details={"accept": ANSWERS[answer], "status": booking.status.value},
        )
        return Reply(message=_(REPLY_MESSAGES.get(booking.status, N_("Your reply was saved."))))
