"""Dispositions and their sanctions: quantities, progress, completion, extensions and overdue work.

Other areas record work toward a sanction through :func:`record_progress` (the jurors area
calls it when a respondent serves on a jury), so completion is decided in one place.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from uuid import UUID

from sqlalchemy import Exists, ScalarSelect, Select, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from youthcourt.cases.models import CLOSED_STATES, Case, EventKind
from youthcourt.cases.services import CaseService
from youthcourt.hearings.models import Courtroom, Hearing, Investigation, InvestigationFactor
from youthcourt.programs.viewer import Viewer
from youthcourt.reference.models import Factor, SanctionType
from youthcourt.sanctions.models import Disposition, ProgressKind, Sanction, SanctionProgress, SanctionStatus
from youthcourt.web.forms import Form

T = SanctionType
K = ProgressKind

DECIMAL_TYPES = frozenset({T.COMMUNITY_SERVICE, T.RESTITUTION})
"""Quantities in hours and dollars may have cents or parts of an hour; everything else is counted whole."""

MAX_AMOUNT = Decimal("99999.99")

PROGRESS_KINDS: dict[SanctionType, tuple[ProgressKind, ...]] = {
    T.COMMUNITY_SERVICE: (K.HOURS,),
    T.JURY_DUTY: (K.JURY_SERVICE, K.ATTENDANCE),
    T.APOLOGY_LETTER: (K.RECEIVED, K.REVIEWED),
    T.ESSAY: (K.RECEIVED, K.REVIEWED),
    T.RESTITUTION: (K.PAYMENT,),
    T.WORKSHOP: (K.ATTENDANCE,),
    T.COUNSELING: (K.ATTENDANCE,),
    T.TUTORING: (K.ATTENDANCE,),
    T.MENTORING: (K.ATTENDANCE,),
    T.CURFEW: (K.ATTENDANCE,),
    T.MEDIATION: (K.ATTENDANCE,),
}
"""Which kinds of progress fit each sanction type."""

REVIEWED_TYPES = frozenset({T.APOLOGY_LETTER, T.ESSAY})
"""Letters and essays are complete when a coordinator has reviewed them, not when they arrive."""

UNCOUNTED_KINDS = frozenset({K.REVIEWED})
"""A review marks a letter or essay as accepted; its amount does not add to what was received."""


def format_number(value: Decimal | int | float) -> str:
    """12 rather than 12.00; 12.50 keeps its cents."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return str(int(number))
    return f"{number:.2f}"


def unit_of(sanction_type: SanctionType, quantity: Decimal | int) -> str:
    """The sanction's unit, singular for exactly one ("1 letter", "2 letters")."""
    unit = sanction_type.unit
    return unit[:-1] if Decimal(str(quantity)) == 1 and unit.endswith("s") else unit


def read_amount(form: Form, name: str, label: str, *, decimals: bool) -> Decimal | None:
    """A positive quantity from ``form``; ``decimals`` allows up to two decimal places."""
    raw = form.get(name).strip().replace(",", "")
    if not raw:
        form.error(name, f"Enter {label}.")
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        form.error(name, f"Enter {label} as a number, for example 12.")
        return None
    if not value.is_finite():
        form.error(name, f"Enter {label} as a number, for example 12.")
        return None
    if value <= 0:
        form.error(name, f"{label.capitalize()} must be more than 0.")
        return None
    if value > MAX_AMOUNT:
        form.error(name, f"{label.capitalize()} must be at most {format_number(MAX_AMOUNT)}.")
        return None
    if decimals and value != value.quantize(Decimal("0.01")):
        form.error(name, f"{label.capitalize()} can have at most two decimal places.")
        return None
    if not decimals and value != value.to_integral_value():
        form.error(name, f"{label.capitalize()} must be a whole number.")
        return None
    return value.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class SanctionSummary:
    """A sanction with how much of it is done, ready to show."""

    sanction: Sanction
    done: Decimal
    reviewed: bool = False

    @classmethod
    def of(cls, sanction: Sanction) -> SanctionSummary:
        """From a sanction whose ``progress`` is loaded."""
        return cls(
            sanction,
            sum((p.amount for p in sanction.progress if p.kind not in UNCOUNTED_KINDS), Decimal(0)),
            any(p.kind == K.REVIEWED for p in sanction.progress),
        )

    @property
    def label(self) -> str:
        return self.sanction.sanction_type.label

    @property
    def quantity_text(self) -> str:
        quantity = self.sanction.quantity
        return f"{format_number(quantity)} {unit_of(self.sanction.sanction_type, quantity)}"

    @property
    def done_text(self) -> str:
        """What was done, in the sanction's unit: "12 hours", "1 letter, not reviewed"."""
        text = f"{format_number(self.done)} {unit_of(self.sanction.sanction_type, self.done)}"
        if self.sanction.sanction_type in REVIEWED_TYPES and self.done:
            text += ", reviewed" if self.reviewed else ", not reviewed"
        return text

    @property
    def progress_text(self) -> str:
        """ "12 of 20 hours"; letters and essays also say whether they were reviewed."""
        text = f"{format_number(self.done)} of {self.quantity_text}"
        if self.sanction.sanction_type in REVIEWED_TYPES:
            text += ", reviewed" if self.reviewed else (", not reviewed yet" if self.done else "")
        return text

    @property
    def reached(self) -> bool:
        """Whether the work done meets the sanction (for letters and essays: reviewed)."""
        if self.sanction.sanction_type in REVIEWED_TYPES:
            return self.reviewed
        return self.done >= self.sanction.quantity

    @property
    def bar_max(self) -> str:
        return format_number(self.sanction.quantity)

    @property
    def bar_value(self) -> str:
        if self.sanction.status == SanctionStatus.COMPLETED or self.reached:
            return self.bar_max
        return format_number(min(self.done, self.sanction.quantity))

    @property
    def is_open(self) -> bool:
        return self.sanction.status == SanctionStatus.OPEN

    def days_overdue(self, today: datetime.date) -> int:
        if self.sanction.status != SanctionStatus.OPEN or self.sanction.due_on >= today:
            return 0
        return (today - self.sanction.due_on).days


@dataclass(frozen=True)
class RecordedProgress:
    entry: SanctionProgress
    created: bool
    """False when the submission token had been used already: nothing new was recorded."""
    completed: bool
    """Whether this entry completed the sanction."""


class ProgressError(ValueError):
    """Progress that does not fit the sanction (a payment toward community service, a zero amount)."""


async def record_progress(
    db: AsyncSession,
    sanction: Sanction,
    kind: ProgressKind,
    amount: Decimal,
    occurred_on: datetime.date,
    *,
    site: str = "",
    verified_by: str = "",
    notes: str = "",
    recorded_by: Viewer | None = None,
    submission_token: str | None = None,
) -> RecordedProgress:
    """Record work toward ``sanction`` and complete the sanction when the work meets it.

    A ``submission_token`` seen before returns the entry it recorded, so a form posted
    twice records once. Completion is dated by the latest counted entry.
    """
    if kind not in PROGRESS_KINDS[sanction.sanction_type]:
        raise ProgressError(f"{kind.label} does not count toward {sanction.sanction_type.label.lower()}.")
    if amount <= 0:
        raise ProgressError("The amount must be more than 0.")
    if submission_token:
        existing = await db.scalar(
            select(SanctionProgress).where(SanctionProgress.submission_token == submission_token)
        )
        if existing is not None:
            return RecordedProgress(existing, created=False, completed=False)
    entry = SanctionProgress(
        program_id=sanction.program_id,
        sanction_id=sanction.id,
        case_id=sanction.case_id,
        kind=kind,
        amount=amount,
        occurred_on=occurred_on,
        site=site,
        verified_by=verified_by,
        notes=notes,
        recorded_by_id=recorded_by.user_id if recorded_by else None,
        submission_token=submission_token or None,
    )
    db.add(entry)
    await db.flush()
    if sanction.status != SanctionStatus.OPEN:
        return RecordedProgress(entry, created=True, completed=False)
    done, reviewed, last_day = await _totals(db, sanction.id)
    if not SanctionSummary(sanction, done, reviewed).reached:
        return RecordedProgress(entry, created=True, completed=False)
    sanction.status = SanctionStatus.COMPLETED
    sanction.completed_on = max(last_day or occurred_on, occurred_on)
    case = await db.scalar(select(Case).where(Case.id == sanction.case_id))
    if case is not None:
        CaseService(session=db).add_event(
            case, EventKind.SANCTION, recorded_by, f"{sanction.sanction_type.label} completed."
        )
    await db.flush()
    return RecordedProgress(entry, created=True, completed=True)


async def _totals(db: AsyncSession, sanction_id: UUID) -> tuple[Decimal, bool, datetime.date | None]:
    counted = SanctionProgress.kind.not_in(list(UNCOUNTED_KINDS))
    row = (
        await db.execute(
            select(
                func.coalesce(func.sum(SanctionProgress.amount).filter(counted), 0),
                func.count().filter(SanctionProgress.kind == K.REVIEWED),
                func.max(SanctionProgress.occurred_on),
            ).where(SanctionProgress.sanction_id == sanction_id)
        )
    ).one()
    return Decimal(str(row[0])), bool(row[1]), row[2]


def done_column() -> ScalarSelect[Decimal]:
    """What has been done toward each sanction, as a column of a query selecting ``Sanction``."""
    return (
        select(func.coalesce(func.sum(SanctionProgress.amount), 0))
        .where(
            SanctionProgress.sanction_id == Sanction.id, SanctionProgress.kind.not_in(list(UNCOUNTED_KINDS))
        )
        .correlate(Sanction)
        .scalar_subquery()
    )


def reviewed_column() -> Exists:
    return (
        exists()
        .where(SanctionProgress.sanction_id == Sanction.id, SanctionProgress.kind == K.REVIEWED)
        .correlate(Sanction)
    )


OVERDUE = "overdue"
ALL_OPEN = "open"
VIEWS = {OVERDUE: "Overdue", ALL_OPEN: "All open"}


def monitoring_query(view: str, sanction_type: SanctionType | None, today: datetime.date) -> Select:
    """Open sanctions of open cases with their case, youth and work done, soonest due first.

    One query for the rows (plus one for the youths), whatever the page holds.
    """
    query = (
        select(Sanction, Case, done_column().label("done"), reviewed_column().label("reviewed"))
        .join(Case, Case.id == Sanction.case_id)
        .where(Sanction.status == SanctionStatus.OPEN, Case.state.not_in(list(CLOSED_STATES)))
        .options(selectinload(Case.youth))
        .order_by(Sanction.due_on, Case.number, Sanction.created_at)
    )
    if view == OVERDUE:
        query = query.where(Sanction.due_on < today)
    if sanction_type is not None:
        query = query.where(Sanction.sanction_type == sanction_type)
    return query


@dataclass(frozen=True)
class MonitoringRow:
    summary: SanctionSummary
    case: Case
    days_overdue: int


def monitoring_rows(
    rows: Iterable[tuple[Sanction, Case, object, object]], today: datetime.date
) -> list[MonitoringRow]:
    result = []
    for sanction, case, done, reviewed in rows:
        summary = SanctionSummary(sanction, Decimal(str(done or 0)), bool(reviewed))
        result.append(MonitoringRow(summary, case, summary.days_overdue(today)))
    return result


def disposition_loads() -> list:
    """A disposition with its sanctions, their progress and factor, and the hearing it came from."""
    return [
        selectinload(Disposition.sanctions).selectinload(Sanction.progress),
        selectinload(Disposition.sanctions).selectinload(Sanction.factor),
        selectinload(Disposition.hearing).selectinload(Hearing.courtroom).selectinload(Courtroom.night),
    ]


async def dispositions_of(db: AsyncSession, case_id: UUID) -> list[Disposition]:
    """A case's dispositions, oldest first, with everything their summaries need (a fixed number of queries)."""
    query = (
        select(Disposition)
        .where(Disposition.case_id == case_id)
        .options(*disposition_loads())
        .order_by(Disposition.decided_on, Disposition.created_at)
    )
    return list((await db.scalars(query)).all())


async def sanctions_of(db: AsyncSession, case_id: UUID) -> list[SanctionSummary]:
    """Every sanction of a case with its progress, in the order they were ordered."""
    query = (
        select(Sanction)
        .where(Sanction.case_id == case_id)
        .options(selectinload(Sanction.progress))
        .order_by(Sanction.created_at, Sanction.id)
    )
    return [SanctionSummary.of(s) for s in (await db.scalars(query)).all()]


def add_days(day: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=days)


@dataclass(frozen=True)
class JuryFindings:
    """What the jury found in the case's investigation records: the choices a sanction addresses."""

    recorded: bool
    """Whether any investigation record exists for the case."""
    factors: list[Factor]

    @property
    def by_id(self) -> dict[str, Factor]:
        return {str(factor.id): factor for factor in self.factors}


async def jury_findings(db: AsyncSession, case_id: UUID) -> JuryFindings:
    """The factors and strengths the jury found at the case's hearings (two queries)."""
    recorded = await db.scalar(
        select(Investigation.id)
        .join(Hearing, Hearing.id == Investigation.hearing_id)
        .where(Hearing.case_id == case_id)
        .limit(1)
    )
    found = (
        await db.scalars(
            select(Factor)
            .join(InvestigationFactor, InvestigationFactor.factor_id == Factor.id)
            .join(Investigation, Investigation.id == InvestigationFactor.investigation_id)
            .join(Hearing, Hearing.id == Investigation.hearing_id)
            .where(Hearing.case_id == case_id)
            .distinct()
        )
    ).all()
    return JuryFindings(recorded is not None, sorted(found, key=lambda f: f.name.casefold()))
