"""Dispositions and their sanctions: quantities, progress, completion, extensions and overdue work.

Other areas record work toward a sanction through :func:`record_progress` (the jurors area
calls it when a respondent serves on a jury), so completion is decided in one place. The
coordinator's pages go through :class:`DispositionService` and :class:`SanctionService`,
which check the forms, write the records, the case's timeline and the audit trail.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from sqlalchemy import Exists, ScalarSelect, Select, bindparam, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.cases.models import CLOSED_STATES, Case, CaseState, EventKind
from youthcourt.cases.services import CaseService
from youthcourt.cases.states import TransitionError
from youthcourt.hearings.models import (
    Courtroom,
    Hearing,
    HearingKind,
    HearingOutcome,
    Investigation,
    InvestigationFactor,
)
from youthcourt.programs.viewer import Viewer
from youthcourt.reference.models import (
    Factor,
    FactorKind,
    OffenseClass,
    SanctionRule,
    SanctionType,
    amount_text,
    type_label,
)
from youthcourt.reference.services import check_against_grid, policy
from youthcourt.referrals import sealed
from youthcourt.sanctions import events
from youthcourt.sanctions.forms import (
    NO_FINDING,
    TYPE_CHOICES,
    DispositionForm,
    ExtensionForm,
    ProgressForm,
    SanctionRowForm,
    StatusForm,
    as_amount,
)
from youthcourt.sanctions.models import (
    DeadlineExtension,
    Disposition,
    ProgressKind,
    Sanction,
    SanctionProgress,
    SanctionStatus,
)
from youthcourt.web.errors import ConflictError
from youthcourt.web.forms import Form
from youthcourt.web.i18n import N_, NC_, _, format_plain_number, pgettext
from youthcourt.web.numbers import format_number
from youthcourt.web.pagination import Page, paginate

T = SanctionType
K = ProgressKind


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


def unit_of(sanction_type: SanctionType, quantity: Decimal | int) -> str:
    """The sanction's unit, singular for exactly one ("1 letter", "2 letters")."""
    unit = sanction_type.unit
    return unit[:-1] if Decimal(str(quantity)) == 1 and unit.endswith("s") else unit


STATUS_LABELS = {
    SanctionStatus.OPEN: NC_("sanction status", "Open"),
    SanctionStatus.COMPLETED: NC_("sanction status", "Completed"),
    SanctionStatus.NOT_COMPLETED: NC_("sanction status", "Not completed"),
}
"""A sanction's status (una sanción: "Cumplida", not a case's "Completado")."""


def status_label(status: SanctionStatus) -> str:
    """A sanction's status in the active language."""
    return pgettext("sanction status", STATUS_LABELS[status])


PROGRESS_KIND_LABELS = {
    ProgressKind.HOURS: N_("Hours"),
    ProgressKind.RECEIVED: N_("Received"),
    ProgressKind.REVIEWED: N_("Reviewed"),
    ProgressKind.PAYMENT: N_("Payment"),
    ProgressKind.ATTENDANCE: N_("Attendance"),
    ProgressKind.JURY_SERVICE: N_("Jury service"),
}


HEARING_KINDS = {
    HearingKind.INITIAL: N_("initial hearing"),
    HearingKind.RETURNING: N_("returning hearing"),
    HearingKind.DISCHARGE: N_("discharge hearing"),
}
"""Hearings as the disposition form names them (``HearingKind.label`` stays English)."""
HEARING_OUTCOMES = {
    HearingOutcome.SCHEDULED: N_("scheduled"),
    HearingOutcome.HELD: N_("held"),
    HearingOutcome.NO_SHOW: N_("no-show"),
    HearingOutcome.RESCHEDULED: N_("rescheduled"),
    HearingOutcome.CANCELLED: N_("cancelled"),
}


UNIT_LABELS = (N_("hours"), N_("sessions"), N_("letters"), N_("words"), N_("dollars"), N_("days"))
"""The units in the plural, for the catalogs: pages show them with ``_(sanction_type.unit)``."""


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
        return type_label(self.sanction.sanction_type)

    @property
    def status_label(self) -> str:
        return status_label(self.sanction.status)

    @property
    def quantity_text(self) -> str:
        return amount_text(self.sanction.sanction_type, self.sanction.quantity)

    @property
    def done_text(self) -> str:
        """What was done, in the sanction's unit: "12 hours", "1 letter, not reviewed"."""
        text = amount_text(self.sanction.sanction_type, self.done)
        if self.sanction.sanction_type in REVIEWED_TYPES and self.done:
            return (
                _("%(done)s, reviewed", done=text)
                if self.reviewed
                else _("%(done)s, not reviewed", done=text)
            )
        return text

    @property
    def completed_text(self) -> str:
        """The sanction and what was done, for the closing letter: "community service (20 hours)"."""
        return _("%(sanction)s (%(done)s)", sanction=self.label.lower(), done=self.done_text)

    @property
    def progress_text(self) -> str:
        """ "12 of 20 hours"; letters and essays also say whether they were reviewed."""
        text = _("%(done)s of %(quantity)s", done=format_plain_number(self.done), quantity=self.quantity_text)
        if self.sanction.sanction_type in REVIEWED_TYPES:
            if self.reviewed:
                return _("%(done)s, reviewed", done=text)
            if self.done:
                return _("%(done)s, not reviewed yet", done=text)
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
    verified_by_site: bool = False,
    notes: str = "",
    recorded_by: Viewer | None = None,
    submission_token: str | None = None,
) -> RecordedProgress:
    """Record work toward ``sanction`` and complete the sanction when the work meets it.

    A ``submission_token`` seen before returns the entry it recorded, so a form posted
    twice records once (two at the same moment: the unique constraint refuses the second with
    an ``IntegrityError``). Completion is dated by the latest counted entry. ``verified_by_site``
    marks hours the partner site's supervisor confirmed through their private link.
    """
    if kind not in PROGRESS_KINDS[sanction.sanction_type]:
        raise ProgressError(
            _(
                "%(kind)s does not count toward %(sanction)s.",
                kind=_(kind.label),
                sanction=type_label(sanction.sanction_type).lower(),
            )
        )
    if amount <= 0:
        raise ProgressError(_("The amount must be more than 0."))
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
        verified_by_site=verified_by_site,
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
VIEWS = {OVERDUE: N_("Overdue"), ALL_OPEN: N_("All open")}


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


DISPOSITIONS_OF_CASE = (
    select(Disposition)
    .where(Disposition.case_id == bindparam("case_id"))
    .options(*disposition_loads())
    .order_by(Disposition.decided_on, Disposition.created_at)
)
"""Built once per process (see ``dashboard.services``): the case page reads it on every view."""


async def dispositions_of(db: AsyncSession, case_id: UUID) -> list[Disposition]:
    """A case's dispositions, oldest first, with everything their summaries need (a fixed number of queries)."""
    return list((await db.scalars(DISPOSITIONS_OF_CASE, {"case_id": case_id})).all())


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


# ---------------------------------------------------------------------------------------------
# Recording a disposition

ROWS = 6
"""Sanction rows on the disposition form; empty rows are ignored."""

ROW_FIELDS = ("type", "quantity", "due_on", "description", "factor", "reason", "no_factor_reason")


def row_field(number: int, name: str) -> str:
    return f"s{number}_{name}"


@dataclass(frozen=True)
class SanctionRow:
    number: int
    sanction_type: SanctionType
    quantity: Decimal
    due_on: datetime.date
    description: str
    factor_id: UUID | None
    outside_grid_reason: str
    no_factor_reason: str


@dataclass(frozen=True)
class DispositionChoices:
    """What the disposition form offers: the case's hearings, factors and grid."""

    hearings: dict[str, str]
    hearing_dates: dict[str, datetime.date]
    awaiting_hearing: str
    """The latest hearing by today marked held or still scheduled: where the disposition comes from."""
    factors: dict[str, str]
    """The factors and strengths the jury found: the only ones a sanction may address."""
    contributing: dict[str, str]
    strengths: dict[str, str]
    investigated: bool
    """Whether the jury's investigation record exists for any of the case's hearings."""
    investigation_hearing: str
    """The hearing whose investigation record to open when none is recorded yet."""
    grid: list[tuple[SanctionType, int, int]]
    deadline_days: int


async def disposition_choices(
    db: AsyncSession, case: Case, program_id: UUID, today: datetime.date
) -> DispositionChoices:
    hearings = (
        await db.scalars(
            select(Hearing)
            .where(Hearing.case_id == case.id)
            .options(selectinload(Hearing.courtroom).selectinload(Courtroom.night))
        )
    ).all()
    hearings = sorted(hearings, key=lambda h: (h.courtroom.night.held_on, h.courtroom.night.starts_at))
    rules = (
        await db.scalars(select(SanctionRule).where(SanctionRule.offense_class == offense_class_of(case)))
    ).all()
    order = list(SanctionType)
    findings = await jury_findings(db, case.id)
    open_hearing = next(
        (
            str(h.id)
            for h in reversed(hearings)
            if h.outcome in (HearingOutcome.HELD, HearingOutcome.SCHEDULED)
            and h.courtroom.night.held_on <= today
        ),
        "",
    )
    return DispositionChoices(
        hearings={
            str(h.id): _(
                "%(day)s, %(courtroom)s (%(kind)s, %(outcome)s)",
                day=h.courtroom.night.held_on.isoformat(),
                courtroom=h.courtroom.name,
                kind=_(HEARING_KINDS[h.kind]),
                outcome=_(HEARING_OUTCOMES[h.outcome]),
            )
            for h in hearings
        },
        hearing_dates={str(h.id): h.courtroom.night.held_on for h in hearings},
        awaiting_hearing=next(
            (
                str(h.id)
                for h in reversed(hearings)
                if h.outcome in (HearingOutcome.SCHEDULED, HearingOutcome.HELD)
                and h.courtroom.night.held_on <= today
            ),
            "",
        ),
        factors={str(f.id): f.name for f in findings.factors},
        contributing={str(f.id): f.name for f in findings.factors if f.kind == FactorKind.CONTRIBUTING},
        strengths={str(f.id): f.name for f in findings.factors if f.kind == FactorKind.STRENGTH},
        investigated=findings.recorded,
        investigation_hearing=open_hearing,
        grid=sorted(
            ((r.sanction_type, r.min_quantity, r.max_quantity) for r in rules),
            key=lambda item: order.index(item[0]),
        ),
        deadline_days=(await policy(db, program_id)).sanction_deadline_days,
    )


def offense_class_of(case: Case) -> OffenseClass:
    return case.referral.offense.offense_class


async def read_rows(
    db: AsyncSession, form: Form, case: Case, choices: DispositionChoices, decided_on: datetime.date | None
) -> list[SanctionRow]:
    """Check every non-empty row, against the grid too; errors go on the row's fields."""
    rows: list[SanctionRow] = []
    for number in range(1, ROWS + 1):
        if not any(form.get(row_field(number, name)).strip() for name in ROW_FIELDS):
            continue
        row = await _read_row(db, form, number, offense_class_of(case), choices, decided_on)
        if row is not None:
            rows.append(row)
    return rows


async def _read_row(
    db: AsyncSession,
    form: Form,
    number: int,
    offense_class: OffenseClass,
    choices: DispositionChoices,
    decided_on: datetime.date | None,
) -> SanctionRow | None:
    """One row of the form, or None when it has errors (they are on the form, in the order of its fields)."""
    prefix = row_field(number, "")
    before = len(form.errors)
    row_form = SanctionRowForm.for_type(form.get(prefix + "type"))
    findings = {**choices.factors, NO_FINDING: "None of the findings"}
    row = row_form.read(form, prefix=prefix, words={"number": str(number)}, options={"factor": findings})
    kind = SanctionType(row.type) if row.type in TYPE_CHOICES else None
    quantity = as_amount(row.quantity)
    due_on = _due_on(row, number, choices.deadline_days, decided_on)
    no_factor_reason = _check_finding(row, number, choices)
    reason = row.reason
    if kind is not None and quantity is not None:
        reason = await _grid_reason(db, row, number, offense_class, kind, quantity)
    if len(form.errors) != before or kind is None or quantity is None or due_on is None:
        return None
    factor_id = UUID(row.factor) if row.factor and row.factor != NO_FINDING else None
    return SanctionRow(number, kind, quantity, due_on, row.description, factor_id, reason, no_factor_reason)


def _due_on(
    row: SanctionRowForm, number: int, deadline_days: int, decided_on: datetime.date | None
) -> datetime.date | None:
    """The row's due date; left empty, the program's deadline after the decision."""
    due_on = row.due_on
    if due_on is None and not row.has_error("due_on") and decided_on is not None:
        return add_days(decided_on, deadline_days)
    if due_on is not None and decided_on is not None and due_on < decided_on:
        row.error(
            "due_on",
            _(
                "The due date of sanction %(n)s cannot be before the decision (%(day)s).",
                n=number,
                day=decided_on.isoformat(),
            ),
        )
    return due_on


def _check_finding(row: SanctionRowForm, number: int, choices: DispositionChoices) -> str:
    """Check the jury's finding a row addresses; for none, the reason it needs (returned)."""
    if row.factor == NO_FINDING:
        if not row.no_factor_reason and not row.has_error("no_factor_reason"):
            row.error(
                "no_factor_reason",
                _(
                    "Sanction %(n)s addresses none of the jury's findings: say why, "
                    "or choose the finding it addresses.",
                    n=number,
                ),
            )
        return row.no_factor_reason
    if not row.factor and not row.has_error("factor"):
        row.error(
            "factor",
            _("Choose the finding sanction %(n)s addresses.", n=number)
            if choices.investigated
            else _(
                "Choose the finding sanction %(n)s addresses. The jury's findings are not recorded yet: "
                "record the investigation record first, or choose “None of the findings” and give the reason.",
                n=number,
            ),
        )
    return ""


async def _grid_reason(
    db: AsyncSession,
    row: SanctionRowForm,
    number: int,
    offense_class: OffenseClass,
    kind: SanctionType,
    quantity: Decimal,
) -> str:
    """The reason to go outside the grid: kept only when the row is outside it, and required then."""
    check = await check_against_grid(db, offense_class, kind, quantity)
    if check.within:
        return ""
    if not row.reason:
        row.error(
            "reason",
            _(
                "Sanction %(n)s: %(amount)s of %(sanction)s is outside the grid. "
                "The grid allows %(low)s to %(high)s for this offense class. "
                "Change the quantity, or give the reason to go outside the grid.",
                n=number,
                amount=amount_text(kind, quantity),
                sanction=type_label(kind).lower(),
                low=check.minimum,
                high=check.maximum,
            )
            if check.minimum is not None
            else _(
                "Sanction %(n)s: %(amount)s of %(sanction)s is outside the grid. "
                "The sanction grid has no range for this sanction and offense class. "
                "Change the quantity, or give the reason to go outside the grid.",
                n=number,
                amount=amount_text(kind, quantity),
                sanction=type_label(kind).lower(),
            ),
        )
    return row.reason


def read_decision(
    form: Form, case: Case, choices: DispositionChoices, today: datetime.date
) -> DispositionForm:
    """The date of the decision and the notes: the date by today, and not before the case opened or
    the hearing it came from."""
    entry = DispositionForm.read(form, today=today)
    decided_on, hearing = entry.decided_on, form.get("hearing")
    if not decided_on or entry.has_error("decided_on"):
        return entry
    if decided_on < case.opened_on:
        entry.error(
            "decided_on",
            _(
                "The date of the decision cannot be before the case opened (%(day)s).",
                day=case.opened_on.isoformat(),
            ),
        )
    elif hearing and decided_on < choices.hearing_dates[hearing]:
        entry.error(
            "decided_on",
            _(
                "The date of the decision cannot be before the hearing (%(day)s).",
                day=choices.hearing_dates[hearing].isoformat(),
            ),
        )
    return entry


def not_scheduled_problem(case: Case) -> str:
    if case.state == CaseState.SANCTIONS_IN_PROGRESS:
        return _("The disposition of this case is already recorded: its sanctions are in progress.")
    return _(
        "A disposition is recorded for a case scheduled for its hearing. This case is %(state)s.",
        state=case.state.shown.lower(),
    )


def disposition_summary(rows: list[SanctionRow]) -> str:
    """The timeline's line for a disposition: each sanction with its quantity and due date."""
    return (
        "Disposition: "
        + "; ".join(
            f"{row.sanction_type.label}, {format_number(row.quantity)} "
            f"{unit_of(row.sanction_type, row.quantity)}, due {row.due_on.isoformat()}"
            for row in rows
        )
        + "."
    )


class CaseChangedMeanwhile(ConflictError):
    """Another request changed the case while the disposition was being recorded: a 409 page."""

    def __init__(self) -> None:
        super().__init__(_("Someone else changed this case at the same time. Reload it and try again."))


@dataclass(frozen=True)
class DispositionResult:
    """What recording a disposition came to; field errors are on the form."""

    choices: DispositionChoices
    """What the form offers, to show it again."""
    disposition: Disposition | None = None
    """The disposition recorded, or None when nothing was."""
    problem: str = ""
    """Why no disposition can be recorded for the case as it is (not scheduled): a 409 page."""


class DispositionService(SQLAlchemyAsyncRepositoryService[Disposition]):
    """The jury's sentence: a set of sanctions, each checked against the grid for the offense class."""

    class Repository(SQLAlchemyAsyncRepository[Disposition]):
        model_type = Disposition

    repository_type = Repository

    @property
    def db(self) -> AsyncSession:
        return self.repository.session

    async def open_form(self, case: Case, actor: Actor, hearing: str = "") -> DispositionChoices:
        """The form's choices for ``case``; a ``hearing`` not of the case is a 404. Opening it is audited."""
        choices = await disposition_choices(self.db, case, actor.viewer.program_id, actor.viewer.today())
        if hearing and hearing not in choices.hearings:
            raise NotFoundException()
        audit.record(self.db, actor, "disposition_form_view", record_type="case", record_id=case.id)
        return choices

    async def record(self, case: Case, form: Form, actor: Actor) -> DispositionResult:
        """Record the disposition in ``form``: its sanctions, the hearing held, the case's new state,
        its timeline and audit entries.

        Nothing is written when the form has errors or the case is not scheduled. When another
        request moved the case meanwhile, the state machine's refusal comes back as the problem
        (or :class:`CaseChangedMeanwhile` is raised) after the rows were added: the caller rolls
        back, as a request answered with 409 does.
        """
        viewer = actor.viewer
        choices = await disposition_choices(self.db, case, viewer.program_id, viewer.today())
        if form.get("hearing") and form.get("hearing") not in choices.hearings:
            raise NotFoundException()
        if case.state != CaseState.SCHEDULED:
            return DispositionResult(choices, problem=not_scheduled_problem(case))
        decision = read_decision(form, case, choices, viewer.today())
        decided_on, notes = decision.decided_on, decision.notes
        rows = await read_rows(self.db, form, case, choices, decided_on)
        if form.is_valid and not rows:
            form.error(row_field(1, "type"), _("Enter at least one sanction."))
        hearing = await self._hearing_to_hold(form) if form.is_valid else None
        if not form.is_valid or decided_on is None:
            return DispositionResult(choices)
        disposition = await self._write(case, hearing, decided_on, notes, rows, viewer)
        try:
            await self._start_sanctions(case, rows, viewer)
        except TransitionError as error:
            return DispositionResult(choices, problem=str(error))
        audit.record(
            self.db,
            actor,
            "disposition_create",
            record_type="case",
            record_id=case.id,
            details={
                "disposition_id": str(disposition.id),
                "sanctions": len(rows),
                "outside_grid": sum(1 for row in rows if row.outside_grid_reason),
                "no_finding": sum(1 for row in rows if row.no_factor_reason),
                "hearing_id": str(hearing.id) if hearing else None,
            },
        )
        return DispositionResult(choices, disposition)

    async def _hearing_to_hold(self, form: Form) -> Hearing | None:
        """The hearing the disposition comes from, unless one was already recorded there (a field error)."""
        if not form.get("hearing"):
            return None
        hearing = await self.db.scalar(select(Hearing).where(Hearing.id == UUID(form.get("hearing"))))
        if await self.db.scalar(select(Disposition.id).where(Disposition.hearing_id == hearing.id)):
            form.error("hearing", "A disposition was already recorded at this hearing.")
        return hearing

    async def _write(
        self,
        case: Case,
        hearing: Hearing | None,
        decided_on: datetime.date,
        notes: str,
        rows: list[SanctionRow],
        viewer: Viewer,
    ) -> Disposition:
        """The disposition and its sanctions, flushed one by one so they keep the jury's order."""
        if hearing is not None:
            hearing.outcome = HearingOutcome.HELD
        disposition = Disposition(
            program_id=viewer.program_id,
            case_id=case.id,
            hearing_id=hearing.id if hearing else None,
            decided_on=decided_on,
            notes=notes,
        )
        self.db.add(disposition)
        await self.db.flush()
        recorded: list[Sanction] = []
        for row in rows:
            recorded.append(
                Sanction(
                    program_id=viewer.program_id,
                    case_id=case.id,
                    disposition_id=disposition.id,
                    sanction_type=row.sanction_type,
                    quantity=row.quantity,
                    description=row.description,
                    factor_id=row.factor_id,
                    due_on=row.due_on,
                    original_due_on=row.due_on,
                    outside_grid_reason=row.outside_grid_reason,
                    no_factor_reason=row.no_factor_reason,
                    status=SanctionStatus.OPEN,
                )
            )
            self.db.add(recorded[-1])
            await self.db.flush()
        await events.disposition_recorded(self.db, case, recorded, viewer)
        return disposition

    async def _start_sanctions(self, case: Case, rows: list[SanctionRow], viewer: Viewer) -> None:
        """Move the case to sanctions in progress and put the sanctions on its timeline."""
        cases = CaseService(session=self.db)
        try:
            await cases.transition(
                case, CaseState.SANCTIONS_IN_PROGRESS, viewer, "Disposition recorded; sanctions in progress."
            )
        except StaleDataError as error:
            raise CaseChangedMeanwhile() from error
        cases.add_event(case, EventKind.SANCTION, viewer, disposition_summary(rows))


# ---------------------------------------------------------------------------------------------
# A sanction's progress, deadline and status


@dataclass(frozen=True)
class SanctionPage:
    sanction: Sanction
    case: Case

    @property
    def summary(self) -> SanctionSummary:
        return SanctionSummary.of(self.sanction)


async def load_sanction(db: AsyncSession, sanction_id: UUID, viewer: Viewer | None) -> SanctionPage:
    """A sanction with its progress, extensions, factor and disposition, and its case; 404 when unknown.

    A sealed case's sanction raises :class:`~youthcourt.referrals.sealed.CaseSealed` unless ``viewer``
    gave a reason lately.
    """
    sanction = await db.scalar(
        select(Sanction)
        .where(Sanction.id == sanction_id)
        .options(
            selectinload(Sanction.progress),
            selectinload(Sanction.extensions),
            selectinload(Sanction.factor),
            selectinload(Sanction.disposition),
        )
    )
    if sanction is None:
        raise NotFoundException()
    case = await db.scalar(select(Case).where(Case.id == sanction.case_id).options(selectinload(Case.youth)))
    if case is None:
        raise NotFoundException()
    await sealed.check(db, case, viewer)
    return SanctionPage(sanction, case)


async def provide_sanction(
    sanction_id: FromPath[UUID], db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any]
) -> SanctionPage:
    """The sanction named in the path, for handlers that declare ``loaded`` (scoped, 404, sealing gate)."""
    return await load_sanction(db_session, sanction_id, request.user)


SANCTION_IN_PATH = {"loaded": Provide(provide_sanction)}


def kind_choices(sanction: Sanction) -> dict[str, str]:
    return {kind.value: kind.label for kind in PROGRESS_KINDS[sanction.sanction_type]}


def closed_problem(case: Case) -> str:
    return _("The case is %(state)s: its sanctions can no longer change.", state=case.state.shown.lower())


@dataclass(frozen=True)
class ProgressEntry:
    """The progress form, checked."""

    kind: ProgressKind
    amount: Decimal
    occurred_on: datetime.date
    site: str
    verified_by: str
    notes: str
    submission_token: str | None


def read_progress(form: Form, sanction: Sanction, today: datetime.date) -> ProgressEntry | None:
    """The progress form for ``sanction``, or None with the errors on the form."""
    progress_form = ProgressForm.for_type(sanction.sanction_type.value)
    entry = progress_form.read(form, today=today, options={"kind": kind_choices(sanction)})
    occurred_on, amount = entry.occurred_on, as_amount(entry.amount)
    decided_on = sanction.disposition.decided_on
    if occurred_on and not entry.has_error("occurred_on") and occurred_on < decided_on:
        entry.error(
            "occurred_on",
            _("The date cannot be before the disposition (%(day)s).", day=decided_on.isoformat()),
        )
    if not form.is_valid or occurred_on is None or amount is None:
        return None
    return ProgressEntry(
        ProgressKind(entry.kind),
        amount,
        occurred_on,
        entry.site,
        entry.verified_by,
        entry.notes,
        entry.submission_token or None,
    )


@dataclass(frozen=True)
class SanctionChange:
    """What a coordinator's change to a sanction came to; field errors are on the form."""

    problem: str = ""
    """Why the sanction cannot change at all (its case is closed): a 409 page."""
    completed: bool = False
    """The progress recorded completed the sanction."""
    repeated: bool = False
    """The same progress form had been recorded already: nothing new was."""


class SanctionService(SQLAlchemyAsyncRepositoryService[Sanction]):
    """A coordinator's work on one sanction: progress, a later deadline, its status by hand."""

    class Repository(SQLAlchemyAsyncRepository[Sanction]):
        model_type = Sanction

    repository_type = Repository

    @property
    def db(self) -> AsyncSession:
        return self.repository.session

    async def monitor(
        self, view: str, sanction_type: SanctionType | None, number: int, actor: Actor
    ) -> tuple[Page[Any], list[MonitoringRow]]:
        """One page of the monitoring list (see :func:`monitoring_query`); reading it is audited."""
        today = actor.viewer.today()
        results = await paginate(self.db, monitoring_query(view, sanction_type, today), number)
        rows = monitoring_rows(results.items, today)
        audit.record(
            self.db,
            actor,
            "sanction_list_view",
            record_type="sanction",
            details={"view": view, "type": sanction_type.value if sanction_type else "", "rows": len(rows)},
        )
        return results, rows

    async def view(self, sanction_id: UUID, actor: Actor) -> SanctionPage:
        """A sanction's page, as :func:`load_sanction` reads it; reading it is audited."""
        loaded = await load_sanction(self.db, sanction_id, actor.viewer)
        audit.record(
            self.db,
            actor,
            "sanction_view",
            record_type="sanction",
            record_id=sanction_id,
            details={"case_id": str(loaded.case.id)},
        )
        return loaded

    async def add_progress(self, page: SanctionPage, form: Form, actor: Actor) -> SanctionChange:
        """Record the progress form; a form sent twice records once (see :func:`record_progress`)."""
        sanction, case = page.sanction, page.case
        if case.state.is_closed:
            return SanctionChange(problem=closed_problem(case))
        entry = read_progress(form, sanction, actor.viewer.today())
        if entry is None:
            return SanctionChange()
        try:
            result = await record_progress(
                self.db,
                sanction,
                entry.kind,
                entry.amount,
                entry.occurred_on,
                site=entry.site,
                verified_by=entry.verified_by,
                notes=entry.notes,
                recorded_by=actor.viewer,
                submission_token=entry.submission_token,
            )
        except IntegrityError:
            # The same form arrived twice at the same moment; the other request recorded it.
            await self.db.rollback()
            return SanctionChange(repeated=True)
        if not result.created:
            return SanctionChange(repeated=True)
        audit.record(
            self.db,
            actor,
            "sanction_progress_record",
            record_type="sanction",
            record_id=sanction.id,
            details={
                "case_id": str(case.id),
                "kind": entry.kind.value,
                "amount": str(entry.amount),
                "completed": result.completed,
            },
        )
        return SanctionChange(completed=result.completed)

    async def extend(self, page: SanctionPage, form: Form, actor: Actor) -> SanctionChange:
        """Move an open sanction's due date later, with the reason, on the timeline and in the trail."""
        sanction, case = page.sanction, page.case
        if case.state.is_closed:
            return SanctionChange(problem=closed_problem(case))
        if sanction.status != SanctionStatus.OPEN:
            return SanctionChange(problem=_("Only an open sanction's due date can be extended."))
        extension = ExtensionForm.read(form)
        new_due_on, reason = extension.new_due_on, extension.reason
        if new_due_on and new_due_on <= sanction.due_on:
            extension.error(
                "new_due_on",
                _(
                    "The new due date must be after the current one (%(day)s).",
                    day=sanction.due_on.isoformat(),
                ),
            )
        if not form.is_valid or new_due_on is None:
            return SanctionChange()
        viewer, previous = actor.viewer, sanction.due_on
        self.db.add(
            DeadlineExtension(
                program_id=viewer.program_id,
                sanction_id=sanction.id,
                previous_due_on=previous,
                new_due_on=new_due_on,
                reason=reason,
                actor_name=viewer.full_name,
            )
        )
        sanction.due_on = new_due_on
        CaseService(session=self.db).add_event(
            case,
            EventKind.SANCTION,
            viewer,
            f"{sanction.sanction_type.label}: due date extended from {previous.isoformat()} "
            f"to {new_due_on.isoformat()}. {reason}",
        )
        audit.record(
            self.db,
            actor,
            "sanction_extend",
            record_type="sanction",
            record_id=sanction.id,
            details={"case_id": str(case.id), "from": previous.isoformat(), "to": new_due_on.isoformat()},
        )
        return SanctionChange()

    async def set_status(self, page: SanctionPage, form: Form, actor: Actor) -> SanctionChange:
        """Mark a sanction completed or not completed by hand, or reopen it.

        A status that is none of those is an error on the form's ``status``; the same status again
        changes nothing and writes nothing.
        """
        sanction, case = page.sanction, page.case
        if case.state.is_closed:
            return SanctionChange(problem=closed_problem(case))
        chosen = StatusForm.read(form)
        if not chosen.is_valid:
            return SanctionChange()
        wanted, previous = SanctionStatus(chosen.status), sanction.status
        if wanted == previous:
            return SanctionChange()
        sanction.status = wanted
        sanction.completed_on = actor.viewer.today() if wanted == SanctionStatus.COMPLETED else None
        CaseService(session=self.db).add_event(
            case,
            EventKind.SANCTION,
            actor.viewer,
            f"{sanction.sanction_type.label} marked {wanted.label.lower()}.",
        )
        audit.record(
            self.db,
            actor,
            "sanction_status_change",
            record_type="sanction",
            record_id=sanction.id,
            details={"case_id": str(case.id), "from": previous.value, "to": wanted.value},
        )
        return SanctionChange()
