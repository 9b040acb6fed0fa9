"""Operational measures for grant reports, for one program and one period of whole days.

Every figure comes from an aggregate query over the current program's records (the scoping
hook limits each query to it); the one median is taken in Python from a single column of day
counts. Figures are counts and derived values only: no names, no record ids.
"""

from __future__ import annotations

import calendar
import datetime
import statistics
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from babel.dates import format_date as babel_format_date
from sqlalchemy import (
    Date,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    distinct,
    func,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from youthcourt.cases.models import CLOSED_STATES, Case, CaseState
from youthcourt.hearings.models import HearingNight
from youthcourt.jurors.models import Booking, Juror, JurorSource
from youthcourt.jurors.records import ATTENDED, format_rate
from youthcourt.reference.models import ReferralSource, SanctionType
from youthcourt.referrals.models import Referral, ReferralStatus
from youthcourt.reports.forms import PeriodForm, last_ended_month
from youthcourt.reports.suppression import (
    PUBLISHED_BASE,
    CellStatus,
    Relation,
    Suppressed,
    grid_relations,
    suppress,
)
from youthcourt.sanctions.models import Disposition, ProgressKind, Sanction, SanctionProgress
from youthcourt.web.forms import Form
from youthcourt.web.i18n import N_, current_locale, gettext, pgettext
from youthcourt.web.numbers import format_number

SCREENING_OUTCOMES = (
    ReferralStatus.ACCEPTED,
    ReferralStatus.DECLINED,
    ReferralStatus.RETURNED,
    ReferralStatus.PENDING,
)
"""The columns of the referrals table, in the order screening usually ends."""


def screening_names() -> tuple[str, ...]:
    """The names of :data:`SCREENING_OUTCOMES` as column heads, in the viewer's language."""
    return (
        pgettext("referrals", "Accepted"),
        pgettext("referrals", "Declined"),
        pgettext("referrals", "Returned"),
        pgettext("referrals", "Pending"),
    )


# ---------------------------------------------------------------------------------------------
# The period


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    start: datetime.date
    end: datetime.date
    name: str = ""
    """What a one-click choice calls it ("Q1 2026", "2026 to date")."""

    @property
    def query(self) -> str:
        return urlencode(self.form_values)

    @property
    def form_values(self) -> dict[str, str]:
        """The period as the form takes it: its first and last months."""
        return {"start": f"{self.start:%Y-%m}", "end": f"{self.end:%Y-%m}"}

    @property
    def label(self) -> str:
        days = gettext("%(start)s to %(end)s", start=self.start.isoformat(), end=self.end.isoformat())
        return f"{self.name} ({days})" if self.name else days

    def same_days(self, other: Period) -> bool:
        return (self.start, self.end) == (other.start, other.end)


def quarter_containing(day: datetime.date) -> Period:
    first_month = (day.month - 1) // 3 * 3 + 1
    last_month = first_month + 2
    start = datetime.date(day.year, first_month, 1)
    end = datetime.date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])
    return Period(start, end, gettext("Q%(number)s %(year)s", number=(first_month + 2) // 3, year=day.year))


def last_complete_quarter(today: datetime.date) -> Period:
    return quarter_containing(quarter_containing(today).start - datetime.timedelta(days=1))


def recent_quarters(today: datetime.date, count: int = 4) -> list[Period]:
    """The last ``count`` complete quarters, oldest first (the order they sit in a year's report)."""
    quarters = [last_complete_quarter(today)]
    while len(quarters) < count:
        quarters.append(quarter_containing(quarters[-1].start - datetime.timedelta(days=1)))
    return quarters[::-1]


def year_to_date(today: datetime.date) -> Period:
    """The year's months that have ended (in January, the whole of last year)."""
    last = last_ended_month(today)
    month = babel_format_date(last, "LLLL", locale=current_locale())
    return Period(
        last.replace(month=1, day=1), last, gettext("%(year)s to %(month)s", year=last.year, month=month)
    )


def named(period: Period, choices: list[Period]) -> Period:
    """The period with the name of the one-click choice or the calendar quarter it matches, if any."""
    quarter = quarter_containing(period.start)
    return next((choice for choice in [*choices, quarter] if choice.same_days(period)), period)


def read_period(form: Form, today: datetime.date) -> Period | None:
    """The period in the query string; the last complete quarter when none is given.

    ``form`` keeps what was typed (or the default it was given) and the errors to show.
    """
    if not form.get("start").strip() and not form.get("end").strip():
        default = last_complete_quarter(today)
        form.values.update(default.form_values)
        return default
    period = PeriodForm.read(form, today=today)
    if not period.is_valid or period.start is None or period.end is None:
        return None
    return Period(period.start, period.end)


# ---------------------------------------------------------------------------------------------
# Day counts in SQL


class days_between(FunctionElement[int]):
    """Whole days from the first date to the second (later minus earlier), on either database."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between_default(element: days_between, compiler: Any, **kw: Any) -> str:
    earlier, later = list(element.clauses)
    return f"({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    earlier, later = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(later, **kw)}) - julianday({compiler.process(earlier, **kw)})"
        " AS INTEGER)"
    )


_START = bindparam("period_start", type_=Date)
_END = bindparam("period_end", type_=Date)


def _within(column: Any) -> Any:
    """Within the period the statement is run for (:func:`_period`)."""
    return and_(column >= _START, column <= _END)


def _period(period: Period) -> dict[str, datetime.date]:
    """The values of the measures' statements, each built once per process (see ``dashboard.services``)."""
    return {"period_start": period.start, "period_end": period.end}


# ---------------------------------------------------------------------------------------------
# The figures


@dataclass(frozen=True)
class Source:
    key: str
    """The cell name's row part: the source's id (names may hold any character)."""
    name: str


@dataclass(frozen=True)
class Figures:
    """What the queries found, before small counts are hidden."""

    youth_carried: int
    youth_new: int
    sources: list[Source]
    referrals: dict[tuple[str, ReferralStatus], int]
    hearing_waits: list[int]
    """Days from referral to the first held hearing, one per case first heard in the period."""
    closed: dict[CaseState, int]
    stay_cases: int
    stay_average: float | None
    service_ordered_youth: int
    service_ordered_hours: Decimal
    service_logged_youth: int
    service_logged_hours: Decimal
    jurors_active: int
    jurors_former: int
    juror_hours: Decimal

    @property
    def median_wait(self) -> float | None:
        return statistics.median(self.hearing_waits) if self.hearing_waits else None


def _youth_served() -> Select[Any]:
    # Still open, or closed on or after its start: two ranges of the index of cases by program and
    # closing day, which holds the opening day and the youth (on PostgreSQL). As one condition with
    # OR, PostgreSQL read each of the program's matching cases from the table (991 pages, 2.3 ms
    # on a statewide program).
    opened = Case.opened_on <= _END
    cases = union_all(
        select(Case.youth_id, Case.opened_on).where(Case.closed_on.is_(None), opened),
        select(Case.youth_id, Case.opened_on).where(Case.closed_on >= _START, opened),
    ).subquery()
    carried = case((cases.c.opened_on < _START, 1), else_=0)
    per_youth = (
        select(cases.c.youth_id, func.max(carried).label("carried")).group_by(cases.c.youth_id).subquery()
    )
    return select(func.count(), func.coalesce(func.sum(per_youth.c.carried), 0))


_YOUTH_SERVED = _youth_served()


async def youth_served(db: AsyncSession, period: Period) -> tuple[int, int]:
    """(carried over, new): youth with a case open on at least one day of the period.

    A youth counts once; one with a case carried over and another opened in the period counts
    as carried over, so the two parts add up to the total.
    """
    total, carried_over = (await db.execute(_YOUTH_SERVED, _period(period))).one()
    return int(carried_over), int(total) - int(carried_over)


_REFERRALS_BY_SOURCE = (
    select(ReferralSource.id, ReferralSource.name, Referral.status, func.count(Referral.id))
    .outerjoin(Referral, and_(Referral.source_id == ReferralSource.id, _within(Referral.received_on)))
    .where(or_(ReferralSource.is_active, Referral.id.is_not(None)))
    .group_by(ReferralSource.id, ReferralSource.name, Referral.status)
    .order_by(ReferralSource.name, ReferralSource.id)
)


async def referrals_by_source(
    db: AsyncSession, period: Period
) -> tuple[list[Source], dict[tuple[str, ReferralStatus], int]]:
    """Referrals received in the period by source and status: every active source is a row, and
    an inactive one when it still sent referrals in the period."""
    rows = await db.execute(_REFERRALS_BY_SOURCE, _period(period))
    sources: dict[str, Source] = {}
    counts: dict[tuple[str, ReferralStatus], int] = {}
    for source_id, name, status, count in rows:
        key = str(source_id)
        sources.setdefault(key, Source(key, name))
        if status is not None:
            counts[(key, ReferralStatus(status))] = int(count)
    return list(sources.values()), counts


_HEARING_WAITS = select(days_between(Case.referred_on, Case.first_heard_on)).where(
    _within(Case.first_heard_on)
)


async def hearing_waits(db: AsyncSession, period: Period) -> list[int]:
    """Days from referral received to the case's first held hearing, for first hearings held in the period.

    Both days are columns the database keeps on each case (``Case.referred_on`` and
    ``Case.first_heard_on``): no referral is read."""
    waits = await db.scalars(_HEARING_WAITS, _period(period))
    return sorted(int(days) for days in waits)


_CLOSURES = (
    select(
        Case.state,
        func.count(),
        func.count(Case.intake_on),
        func.sum(days_between(Case.intake_on, Case.closed_on)),
    )
    .where(Case.state.in_(CLOSED_STATES), _within(Case.closed_on))
    .group_by(Case.state)
)


async def closures(db: AsyncSession, period: Period) -> tuple[dict[CaseState, int], int, float | None]:
    """Cases closed in the period by how they closed, and their average stay from intake to exit.

    Returns (count per closed state, cases with an intake date, average days).
    """
    rows = await db.execute(_CLOSURES, _period(period))
    closed = dict.fromkeys(sorted(CLOSED_STATES), 0)
    stay_cases, stay_days = 0, 0
    for state, count, with_intake, days in rows:
        closed[CaseState(state)] = int(count)
        stay_cases += int(with_intake or 0)
        stay_days += int(days or 0)
    return closed, stay_cases, (stay_days / stay_cases if stay_cases else None)


def _service_hours() -> Select[Any]:
    ordered = (
        select(func.count(distinct(Sanction.case_id)), func.coalesce(func.sum(Sanction.quantity), 0))
        .join(Disposition, Disposition.id == Sanction.disposition_id)
        .where(Sanction.sanction_type == SanctionType.COMMUNITY_SERVICE, _within(Disposition.decided_on))
        .subquery()
    )
    logged = (
        select(
            func.count(distinct(SanctionProgress.case_id)),
            func.coalesce(func.sum(SanctionProgress.amount), 0),
        )
        # Hours are logged on community service alone (``sanctions.services.PROGRESS_KINDS``, which
        # every entry is checked against): joined to its sanction for its type, each of a statewide
        # quarter's 1,136 entries cost 3 ms of every view.
        .where(SanctionProgress.kind == ProgressKind.HOURS, _within(SanctionProgress.occurred_on))
        .subquery()
    )
    # Two one-row aggregates side by side, in one round trip.
    return select(*ordered.c, *logged.c).select_from(ordered.join(logged, true()))


_SERVICE_HOURS = _service_hours()


async def service_hours(db: AsyncSession, period: Period) -> tuple[int, Decimal, int, Decimal]:
    """Community service: (youth ordered it, hours ordered) for dispositions decided in the period,
    and (youth who logged hours, hours logged) for hours served in the period."""
    row = (await db.execute(_SERVICE_HOURS, _period(period))).one()
    return int(row[0]), Decimal(str(row[1])), int(row[2]), Decimal(str(row[3]))


_FORMER_RESPONDENTS = select(Juror.id).where(Juror.source == JurorSource.FORMER_RESPONDENT)
"""The program's jurors who were once respondents, read once from their index: looked up for each
of a quarter's 1,278 bookings on a statewide program, their sources cost about 2 ms of each view."""

_JUROR_SERVICE = (
    select(
        func.count(distinct(Booking.juror_id)),
        func.count(distinct(Booking.juror_id)).filter(Booking.juror_id.in_(_FORMER_RESPONDENTS)),
        func.coalesce(func.sum(Booking.hours), 0),
    )
    .join(HearingNight, HearingNight.id == Booking.night_id)
    .where(
        _within(HearingNight.held_on),
        HearingNight.is_cancelled.is_(False),
        Booking.attendance.in_(ATTENDED),
    )
)


async def juror_service(db: AsyncSession, period: Period) -> tuple[int, int, Decimal]:
    """(jurors who served, of them former respondents, their hours) on nights held in the period."""
    active, former_count, hours = (await db.execute(_JUROR_SERVICE, _period(period))).one()
    return int(active), int(former_count), Decimal(str(hours))


async def load_figures(db: AsyncSession, period: Period) -> Figures:
    """Every figure of the measures table, in six queries whatever the program's size."""
    carried, new = await youth_served(db, period)
    sources, referrals = await referrals_by_source(db, period)
    closed, stay_cases, stay_average = await closures(db, period)
    ordered_youth, ordered_hours, logged_youth, logged_hours = await service_hours(db, period)
    jurors_active, jurors_former, juror_hours = await juror_service(db, period)
    return Figures(
        youth_carried=carried,
        youth_new=new,
        sources=sources,
        referrals=referrals,
        hearing_waits=await hearing_waits(db, period),
        closed=closed,
        stay_cases=stay_cases,
        stay_average=stay_average,
        service_ordered_youth=ordered_youth,
        service_ordered_hours=ordered_hours,
        service_logged_youth=logged_youth,
        service_logged_hours=logged_hours,
        jurors_active=jurors_active,
        jurors_former=jurors_former,
        juror_hours=juror_hours,
    )


# ---------------------------------------------------------------------------------------------
# The table: every figure with its definition, small counts hidden


TOTAL = "all"
"""The row and column key of the referral table's totals."""


@dataclass(frozen=True)
class Measure:
    label: str
    value: str
    how_counted: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    measures: list[Measure]
    how_counted: str = ""


@dataclass(frozen=True)
class ReferralTable:
    """Referrals by source (rows) and screening outcome (columns), with totals, as shown."""

    rows: list[tuple[str, list[str], str]]
    """(source name, a value per outcome, the row's total)."""
    totals: tuple[list[str], str]
    """(a total per outcome, the grand total)."""
    columns: tuple[str, ...] = ()
    """The screening outcomes' names, one per column (see :func:`screening_names`)."""
    how_counted: str = ""
    all_label: str = "All"
    """The head of the totals column."""


@dataclass(frozen=True)
class MeasuresTable:
    period: Period
    threshold: int
    sections: list[Section]
    referrals: ReferralTable
    base: int = PUBLISHED_BASE
    """Shown counts are rounded to a multiple of this."""

    def csv_rows(self) -> list[list[str]]:
        """The whole table, one figure a line: section, measure, value, how counted."""
        lines = [["Section", "Measure", "Value", "How counted"]]  # column names stay English for analysis
        for section in self.sections:
            lines.extend([section.title, m.label, m.value, m.how_counted] for m in section.measures)
        referrals = self.referrals
        totals, grand = referrals.totals
        for name, values, total in [*referrals.rows, (gettext("All sources"), totals, grand)]:
            for column, value in zip(
                [*referrals.columns, referrals.all_label], [*values, total], strict=True
            ):
                lines.append(
                    [gettext("Referrals received"), f"{name}: {column.lower()}", value, referrals.how_counted]
                )
        return lines


def _cell(row: str, column: str) -> str:
    return f"{row}|{column}"


def count_cells(figures: Figures) -> dict[str, int]:
    """Every count the table shows, by cell name, for suppression."""
    closed = figures.closed
    completed, unsuccessful = closed[CaseState.COMPLETED], closed[CaseState.UNSUCCESSFUL]
    cells = {
        "youth.carried": figures.youth_carried,
        "youth.new": figures.youth_new,
        "youth.total": figures.youth_carried + figures.youth_new,
        "hearings.cases": len(figures.hearing_waits),
        "closed.completed": completed,
        "closed.unsuccessful": unsuccessful,
        "closed.withdrawn": closed[CaseState.WITHDRAWN],
        "closed.total": sum(closed.values()),
        "stay.cases": figures.stay_cases,
        "service.ordered": figures.service_ordered_youth,
        "service.logged": figures.service_logged_youth,
        "jurors.active": figures.jurors_active,
        "jurors.former": figures.jurors_former,
        "jurors.volunteer": figures.jurors_active - figures.jurors_former,
    }
    statuses = [status.value for status in SCREENING_OUTCOMES]
    for source in figures.sources:
        for status in SCREENING_OUTCOMES:
            cells[_cell(source.key, status.value)] = figures.referrals.get((source.key, status), 0)
        cells[_cell(source.key, TOTAL)] = sum(cells[_cell(source.key, s)] for s in statuses)
    for status in [*statuses, TOTAL]:
        cells[_cell(TOTAL, status)] = sum(cells[_cell(source.key, status)] for source in figures.sources)
    return cells


def count_relations(figures: Figures) -> list[Relation]:
    """Which counts add up to which, so a hidden count cannot be recovered by subtraction."""
    relations = [
        Relation("youth.total", ("youth.carried", "youth.new")),
        Relation("closed.total", ("closed.completed", "closed.unsuccessful", "closed.withdrawn")),
        Relation("jurors.active", ("jurors.former", "jurors.volunteer")),
    ]
    if figures.sources:
        rows = [source.key for source in figures.sources]
        columns = [status.value for status in SCREENING_OUTCOMES]
        relations += grid_relations(rows, columns, row_total=TOTAL, column_total=TOTAL)
    return relations


NONE = N_("none in the period")
"""A rate or average with nothing to count (the dash means a hidden count)."""


def _days(value: float | None) -> str:
    if value is None:
        return gettext(NONE)
    rounded = round(value, 1)
    return gettext("%(number)s days", number=format_number(Decimal(str(rounded))))


class _Shown:
    """Counts as shown, and derived figures withheld when a count they rest on is hidden."""

    def __init__(self, suppressed: Suppressed) -> None:
        self.suppressed = suppressed

    def count(self, name: str) -> str:
        return self.suppressed.display(name)

    def derived(self, value: str, *names: str) -> str:
        hidden = [name for name in names if self.suppressed.is_hidden(name)]
        if any(self.suppressed.status(name) is CellStatus.PRIMARY for name in hidden):
            return gettext("withheld: fewer than %(threshold)s", threshold=self.suppressed.threshold)
        return gettext("withheld: rests on a hidden count") if hidden else value


RATE_COUNTS = ("closed.completed", "closed.unsuccessful", "jurors.active", "jurors.former")
"""The counts the page's rates rest on: a reader can work them back out of a shown rate, so their
rounding is not counted on to protect anything."""


def build_table(figures: Figures, period: Period, threshold: int) -> MeasuresTable:
    cells = suppress(
        count_cells(figures), count_relations(figures), threshold, base=PUBLISHED_BASE, exact=RATE_COUNTS
    )
    shown = _Shown(cells)
    return MeasuresTable(
        period=period,
        threshold=threshold,
        sections=[
            _youth_section(shown, period),
            _hearing_section(shown, figures),
            _closure_section(shown, figures),
            _service_section(shown, figures),
            _juror_section(shown, figures),
        ],
        referrals=_referral_table(shown, figures),
    )


def _youth_section(shown: _Shown, period: Period) -> Section:
    return Section(
        gettext("Youth served"),
        [
            Measure(
                gettext("Carried over"),
                shown.count("youth.carried"),
                gettext(
                    "A case opened before %(day)s and not closed before that day.",
                    day=period.start.isoformat(),
                ),
            ),
            Measure(
                pgettext("cases", "New"),
                shown.count("youth.new"),
                gettext("A case opened in the period, and none carried over."),
            ),
            Measure(
                pgettext("cases", "Total"), shown.count("youth.total"), gettext("Carried over plus new.")
            ),
        ],
        gettext("Youth with a case open on at least one day of the period, each counted once."),
    )


def _hearing_section(shown: _Shown, figures: Figures) -> Section:
    median = _days(figures.median_wait)
    return Section(
        gettext("Referral to hearing"),
        [
            Measure(
                gettext("Cases first heard in the period"),
                shown.count("hearings.cases"),
                gettext(
                    "Cases whose first held hearing (not a no-show, rescheduled or cancelled one) was on a night "
                    "in the period."
                ),
            ),
            Measure(
                gettext("Median days from referral to first hearing"),
                shown.derived(median, "hearings.cases"),
                gettext(
                    "From the day the referral was received to that night; half the cases waited less, half more."
                ),
            ),
        ],
    )


def _closure_section(shown: _Shown, figures: Figures) -> Section:
    closed = figures.closed
    completed, unsuccessful = closed[CaseState.COMPLETED], closed[CaseState.UNSUCCESSFUL]
    rate = format_rate(completed / (completed + unsuccessful)) if completed + unsuccessful else gettext(NONE)
    return Section(
        gettext("Cases closed"),
        [
            Measure(
                pgettext("cases", "Completed"),
                shown.count("closed.completed"),
                gettext("Closed as successful."),
            ),
            Measure(
                pgettext("cases", "Unsuccessful"),
                shown.count("closed.unsuccessful"),
                gettext("Returned to the referral source."),
            ),
            Measure(
                pgettext("cases", "Withdrawn"),
                shown.count("closed.withdrawn"),
                gettext("Not counted in the completion rate."),
            ),
            Measure(
                gettext("All closed"),
                shown.count("closed.total"),
                gettext("Completed, unsuccessful and withdrawn."),
            ),
            Measure(
                gettext("Completion rate"),
                shown.derived(rate, "closed.completed", "closed.unsuccessful"),
                gettext(
                    "Completed ÷ (completed + unsuccessful). Withdrawn cases are not counted either way."
                ),
            ),
            Measure(
                gettext("Cases with an intake date"),
                shown.count("stay.cases"),
                gettext(
                    "Closed cases that reached intake; cases closed before intake have no length of stay."
                ),
            ),
            Measure(
                gettext("Average length of stay"),
                shown.derived(_days(figures.stay_average), "stay.cases"),
                gettext("Days from intake to closure, averaged over those cases."),
            ),
        ],
        gettext("Cases closed in the period (by the date closed)."),
    )


def _service_section(shown: _Shown, figures: Figures) -> Section:
    return Section(
        gettext("Community service"),
        [
            Measure(
                gettext("Youth ordered community service"),
                shown.count("service.ordered"),
                gettext("Youth whose disposition, decided in the period, includes community service."),
            ),
            Measure(
                gettext("Hours ordered"),
                shown.derived(format_number(figures.service_ordered_hours), "service.ordered"),
                gettext("The hours of those community service sanctions."),
            ),
            Measure(
                gettext("Youth who served hours"),
                shown.count("service.logged"),
                gettext("Youth with community service hours logged for a day in the period."),
            ),
            Measure(
                gettext("Hours completed"),
                shown.derived(format_number(figures.service_logged_hours), "service.logged"),
                gettext("Hours logged for days in the period, whenever the sanction was ordered."),
            ),
        ],
    )


def _juror_section(shown: _Shown, figures: Figures) -> Section:
    share = (
        format_rate(figures.jurors_former / figures.jurors_active) if figures.jurors_active else gettext(NONE)
    )
    return Section(
        gettext("Jurors"),
        [
            Measure(
                gettext("Jurors active"),
                shown.count("jurors.active"),
                gettext(
                    "Jurors present or late on at least one hearing night held in the period (cancelled nights "
                    "left out)."
                ),
            ),
            Measure(
                gettext("Former respondents"),
                shown.count("jurors.former"),
                gettext("Jurors who came to the program as respondents."),
            ),
            Measure(
                gettext("Volunteers"),
                shown.count("jurors.volunteer"),
                gettext("Jurors who joined as volunteers."),
            ),
            Measure(
                gettext("Share who are former respondents"),
                shown.derived(share, "jurors.active", "jurors.former"),
                gettext("Former respondents ÷ jurors active."),
            ),
            Measure(
                gettext("Juror hours"),
                shown.derived(format_number(figures.juror_hours), "jurors.active"),
                gettext("Hours recorded at check-in for those nights."),
            ),
        ],
    )


def _referral_table(shown: _Shown, figures: Figures) -> ReferralTable:
    statuses = [status.value for status in SCREENING_OUTCOMES]
    return ReferralTable(
        rows=[
            (
                source.name,
                [shown.count(_cell(source.key, status)) for status in statuses],
                shown.count(_cell(source.key, TOTAL)),
            )
            for source in figures.sources
        ],
        totals=([shown.count(_cell(TOTAL, status)) for status in statuses], shown.count(_cell(TOTAL, TOTAL))),
        columns=screening_names(),
        all_label=pgettext("referrals", "All"),
        how_counted=gettext(
            "Referrals received in the period (by the date received), by source agency and where screening "
            "stands today: accepted (a case was opened), declined, returned to the source, or pending "
            "(not decided yet)."
        ),
    )
