"""The evidence the app already holds for each of the six questions, computed for one period.

Every figure is a definition in :data:`FIGURES`: the question it informs, what it is called, how it
is counted (shown beside it), one SQL statement returning one row, which of the row's columns count
young people, and how the figure reads. A new figure is one
more definition here and nothing else: the page, the print view and the tests take every figure
from this list.

Each figure costs one query, whatever the program's size, and the program scope limits every query
to the viewer's program. Counts of young people (or of their records: intakes, sanctions, jurors)
follow the reports' small-cell rules (:mod:`youthcourt.reports.suppression`): rounded to a multiple
of five, hidden below the program's threshold, and complementary cells hidden so no hidden count
can be worked back; a share, hours or credits resting on a hidden count are withheld. Counts of
things (training sessions, referral agencies, courtrooms) identify nobody and are shown as counted.

A figure's name and how it is counted are in English here (marked for the catalog) and shown in the
reader's language with ``_()``; how a figure reads is written in the reader's language when shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from sqlalchemy import Select, and_, case, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.cases.models import Case, CaseFactor
from youthcourt.coproduction.questions import Element
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight, HearingOutcome
from youthcourt.jurors.models import (
    Booking,
    CreditEntry,
    CreditKind,
    Juror,
    JurorSource,
    Qualification,
    TrainingAttendance,
    TrainingSession,
)
from youthcourt.jurors.records import ATTENDED, format_rate
from youthcourt.reference.models import CourtRole, Factor, FactorKind, ReferralSource
from youthcourt.referrals.models import Referral
from youthcourt.reports.measures import Period
from youthcourt.reports.suppression import PUBLISHED_BASE, CellStatus, Relation, Suppressed, suppress
from youthcourt.sanctions.models import Disposition, Sanction, SanctionProgress
from youthcourt.sites.models import PartnerSite, Placement
from youthcourt.surveys.models import SurveyAnswer, SurveyItem, SurveyKind
from youthcourt.web.i18n import N_, _, current_locale, format_plain_number

NONE = N_("none in the period")
LEAD_ROLES = (CourtRole.FOREPERSON, CourtRole.CLERK, CourtRole.BAILIFF, CourtRole.YOUTH_JUDGE)
"""The court roles beyond juror that young people grow into."""
EARNED = (CreditKind.SERVICE, CreditKind.TRAINING)
"""Credits earned by giving time; adjustments by hand are left out of both earned and redeemed."""
HEARD_MEAN = 4
"""An exit survey answer counts as "felt heard" when its statements average "agree" or more."""


def format_count(number: int) -> str:
    """A count of things with the language's thousands separator: 1,234 or 1.234."""
    return format_decimal(number, "#,##0", locale=current_locale())


def _within(column: Any, period: Period) -> Any:
    return and_(column >= period.start, column <= period.end)


def _count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# ---------------------------------------------------------------------------------------------
# How a figure reads, once small counts are hidden


@dataclass(frozen=True)
class Column:
    """A column of a figure's row. ``cell`` names a count of young people (hidden when small); two
    figures that count the same young people share a cell, so they hide it alike."""

    name: str
    cell: str = ""


class Shown:
    """One figure's row as it may be shown: young people's counts through the suppressed table,
    everything else as counted."""

    def __init__(self, figure: Figure, row: dict[str, Any], table: Suppressed) -> None:
        self.figure = figure
        self.row = row
        self.table = table

    def _cell(self, name: str) -> str:
        return self.figure.cell_of(name)

    def _withheld(self, *names: str) -> str | None:
        cells = [self._cell(name) for name in names if self._cell(name)]
        hidden = [cell for cell in cells if self.table.is_hidden(cell)]
        if any(self.table.status(cell) is CellStatus.PRIMARY for cell in hidden):
            return _("withheld: fewer than %(threshold)s", threshold=self.table.threshold)
        return _("withheld: rests on a hidden count") if hidden else None

    def count(self, name: str) -> str:
        """A count as it may be shown: a young people's count rounded or hidden, any other as counted."""
        cell = self._cell(name)
        return self.table.display(cell) if cell else format_count(int(self.row[name]))

    def amount(self, name: str, *resting_on: str) -> str:
        """Hours or credits, "withheld" when a count of young people they rest on is hidden (that
        count, shown beside it as "<10" or a dash, says why)."""
        if self._withheld(*resting_on):
            return _("withheld")
        return format_plain_number(Decimal(str(self.row[name])))

    def share(self, part: str, whole: str) -> str:
        """``part`` of ``whole`` as a percentage beside both counts, or why it is not shown."""
        if not self.row[whole]:
            return _(NONE)
        if withheld := self._withheld(part, whole):
            return withheld
        rate = format_rate(int(self.row[part]) / int(self.row[whole]))
        return _(
            "%(rate)s (%(part)s of %(whole)s)", rate=rate, part=self.count(part), whole=self.count(whole)
        )


@dataclass(frozen=True)
class Figure:
    key: str
    element: Element
    label: str
    how_counted: str
    statement: Callable[[Period], Select[Any]]
    """The one query: a single row whose columns are named as in ``columns``."""
    columns: tuple[Column, ...]
    reads: Callable[[Shown], str]
    totals: tuple[tuple[str, str], ...] = field(default=())
    """(part, whole) pairs of young people's counts: the whole is the part plus the rest, so a
    hidden part cannot be had from the whole minus a shown rest."""

    def cell_of(self, name: str) -> str:
        return next((column.cell for column in self.columns if column.name == name), "")


# ---------------------------------------------------------------------------------------------
# The statements


def intakes_with_strengths(period: Period) -> Select[Any]:
    strength = (
        select(CaseFactor.id)
        .join(Factor, Factor.id == CaseFactor.factor_id)
        .where(CaseFactor.case_id == Case.id, Factor.kind == FactorKind.STRENGTH)
        .exists()
    )
    return select(func.count(Case.id).label("intakes"), _count_if(strength).label("with_strength")).where(
        _within(Case.intake_on, period)
    )


def sanctions_on_strengths(period: Period) -> Select[Any]:
    return (
        select(func.count(Sanction.id).label("sanctions"), func.count(Factor.id).label("on_strength"))
        .join(Disposition, Disposition.id == Sanction.disposition_id)
        .outerjoin(Factor, and_(Factor.id == Sanction.factor_id, Factor.kind == FactorKind.STRENGTH))
        .where(_within(Disposition.decided_on, period))
    )


def training_given(period: Period) -> Select[Any]:
    return (
        select(
            func.count(distinct(TrainingSession.id)).label("sessions"),
            func.coalesce(func.sum(TrainingSession.hours), 0).label("hours"),
            func.count(distinct(TrainingAttendance.juror_id)).label("jurors"),
        )
        .select_from(TrainingAttendance)
        .join(TrainingSession, TrainingSession.id == TrainingAttendance.session_id)
        .where(_within(TrainingSession.held_on, period))
    )


def roles_earned(period: Period) -> Select[Any]:
    return select(
        func.count(Qualification.id).label("roles"),
        func.count(distinct(Qualification.juror_id)).label("jurors"),
    ).where(Qualification.role.in_(LEAD_ROLES), _within(Qualification.earned_on, period))


def credits_moved(period: Period) -> Select[Any]:
    earned = CreditEntry.kind.in_(EARNED)
    redeemed = CreditEntry.kind == CreditKind.REDEMPTION
    return select(
        func.coalesce(func.sum(case((earned, CreditEntry.amount), else_=0)), 0).label("earned"),
        func.count(distinct(case((earned, CreditEntry.juror_id)))).label("earners"),
        func.coalesce(func.sum(case((redeemed, -CreditEntry.amount), else_=0)), 0).label("redeemed"),
        func.count(distinct(case((redeemed, CreditEntry.juror_id)))).label("redeemers"),
    ).where(_within(CreditEntry.occurred_on, period))


def referral_partners(period: Period) -> Select[Any]:
    per_source = (
        select(
            ReferralSource.is_active.label("listed"),
            func.min(Referral.received_on).label("first_referral"),
            func.max(case((_within(Referral.received_on, period), 1), else_=0)).label("sent"),
        )
        .outerjoin(Referral, Referral.source_id == ReferralSource.id)
        .group_by(ReferralSource.id, ReferralSource.is_active)
        .subquery()
    )
    return select(
        func.coalesce(func.sum(per_source.c.sent), 0).label("sending"),
        _count_if(per_source.c.listed.is_(True)).label("listed"),
        _count_if(_within(per_source.c.first_referral, period)).label("new"),
    )


def partner_sites(period: Period) -> Select[Any]:
    """Sites on the program's list, and the sites, young people and site-confirmed hours of the work
    logged at them in the period. One statement of four scalar subqueries."""
    worked = (
        select(
            Placement.site_id,
            SanctionProgress.case_id,
            SanctionProgress.amount,
            SanctionProgress.verified_by_site,
        )
        .join(SanctionProgress, SanctionProgress.sanction_id == Placement.sanction_id)
        .where(_within(SanctionProgress.occurred_on, period))
        .subquery()
    )
    confirmed = case((worked.c.verified_by_site.is_(True), worked.c.amount), else_=0)
    return select(
        select(func.count(PartnerSite.id))
        .where(PartnerSite.is_active.is_(True))
        .scalar_subquery()
        .label("listed"),
        select(func.count(distinct(worked.c.site_id))).scalar_subquery().label("working"),
        select(func.count(distinct(worked.c.case_id))).scalar_subquery().label("youth"),
        select(func.coalesce(func.sum(confirmed), 0)).scalar_subquery().label("verified_hours"),
    )


def _served(statement: Select[Any], period: Period) -> Select[Any]:
    """Attended bookings on nights held in the period (cancelled nights left out)."""
    return statement.join(HearingNight, HearingNight.id == Booking.night_id).where(
        _within(HearingNight.held_on, period),
        HearingNight.is_cancelled.is_(False),
        Booking.attendance.in_(ATTENDED),
    )


def former_respondents(period: Period) -> Select[Any]:
    former = case((Juror.source == JurorSource.FORMER_RESPONDENT, Booking.juror_id))
    statement = select(
        func.count(distinct(Booking.juror_id)).label("served"),
        func.count(distinct(former)).label("former"),
    ).join(Juror, Juror.id == Booking.juror_id)
    return _served(statement, period)


def youth_in_court_roles(period: Period) -> Select[Any]:
    leading = case((Booking.role.in_(LEAD_ROLES), Booking.juror_id))
    statement = select(
        func.count(distinct(Booking.juror_id)).label("served"),
        func.count(distinct(leading)).label("leading"),
    ).select_from(Booking)
    return _served(statement, period)


def courtrooms_led_by_youth(period: Period) -> Select[Any]:
    def youth_as(role: CourtRole) -> Any:
        return (
            select(Booking.id)
            .where(
                Booking.courtroom_id == Courtroom.id,
                Booking.role == role,
                Booking.attendance.in_(ATTENDED),
            )
            .exists()
        )

    heard = (
        select(Hearing.id)
        .where(Hearing.courtroom_id == Courtroom.id, Hearing.outcome == HearingOutcome.HELD)
        .exists()
    )
    return (
        select(
            func.count(Courtroom.id).label("courtrooms"),
            _count_if(youth_as(CourtRole.YOUTH_JUDGE)).label("youth_judge"),
            _count_if(youth_as(CourtRole.FOREPERSON)).label("youth_foreperson"),
        )
        .join(HearingNight, HearingNight.id == Courtroom.night_id)
        .where(_within(HearingNight.held_on, period), HearingNight.is_cancelled.is_(False), heard)
    )


def felt_heard(period: Period) -> Select[Any]:
    """Each respondent's or parent's answer with its mean on the agree scale, then how many reached 4."""
    means = (
        select(SurveyAnswer.id, func.avg(SurveyItem.value).label("mean"))
        .join(SurveyItem, SurveyItem.answer_id == SurveyAnswer.id)
        .where(
            SurveyAnswer.kind.in_((SurveyKind.RESPONDENT, SurveyKind.GUARDIAN)),
            SurveyAnswer.answered_month.between(period.start.replace(day=1), period.end),
        )
        .group_by(SurveyAnswer.id)
        .subquery()
    )
    return select(
        func.count().label("answered"), _count_if(means.c.mean >= HEARD_MEAN).label("heard")
    ).select_from(means)


# ---------------------------------------------------------------------------------------------
# The figures


def _of(part: str, whole: str) -> Callable[[Shown], str]:
    return lambda shown: shown.share(part, whole)


FIGURES: list[Figure] = [
    Figure(
        "intake_strengths",
        Element.ASSETS,
        N_("Intakes that recorded a strength"),
        N_(
            "Cases whose intake was in the period, and of them those with at least one strength ticked on "
            "the intake checklist."
        ),
        intakes_with_strengths,
        (Column("intakes", "intakes"), Column("with_strength", "intakes.with_strength")),
        _of("with_strength", "intakes"),
        totals=(("with_strength", "intakes"),),
    ),
    Figure(
        "sanctions_on_strengths",
        Element.ASSETS,
        N_("Sanctions that build on a strength"),
        N_(
            "Sanctions of dispositions decided in the period, and of them those the jury tied to a strength "
            "it found (rather than to a contributing factor, or to none)."
        ),
        sanctions_on_strengths,
        (Column("sanctions", "sanctions"), Column("on_strength", "sanctions.on_strength")),
        _of("on_strength", "sanctions"),
        totals=(("on_strength", "sanctions"),),
    ),
    Figure(
        "training",
        Element.CAPABILITIES,
        N_("Training given to jurors"),
        N_(
            "Training sessions held in the period that someone attended; hours are each session's length "
            "times its attendees; jurors are counted once however many sessions they attended."
        ),
        training_given,
        (Column("sessions"), Column("hours"), Column("jurors", "training.jurors")),
        lambda shown: _(
            "Sessions: %(sessions)s · hours: %(hours)s (%(jurors)s jurors)",
            sessions=shown.count("sessions"),
            hours=shown.amount("hours", "jurors"),
            jurors=shown.count("jurors"),
        ),
    ),
    Figure(
        "roles_earned",
        Element.CAPABILITIES,
        N_("Court roles earned"),
        N_(
            "Roles beyond juror (foreperson, clerk, bailiff, youth judge) granted to jurors in the period, "
            "and the jurors who earned them."
        ),
        roles_earned,
        (Column("roles"), Column("jurors", "roles.jurors")),
        lambda shown: _(
            "Roles earned: %(roles)s (%(jurors)s jurors)",
            roles=shown.amount("roles", "jurors"),
            jurors=shown.count("jurors"),
        ),
    ),
    Figure(
        "credits",
        Element.MUTUALITY,
        N_("Time credits earned and redeemed"),
        N_(
            "Credits on jurors' ledgers dated in the period: earned by service and training (one hour, one "
            "credit at the program's rate), and spent on rewards. Adjustments by hand are left out."
        ),
        credits_moved,
        (
            Column("earned"),
            Column("earners", "credits.earners"),
            Column("redeemed"),
            Column("redeemers", "credits.redeemers"),
        ),
        lambda shown: _(
            "Earned: %(earned)s (%(earners)s jurors) · redeemed: %(redeemed)s (%(redeemers)s jurors)",
            earned=shown.amount("earned", "earners"),
            earners=shown.count("earners"),
            redeemed=shown.amount("redeemed", "redeemers"),
            redeemers=shown.count("redeemers"),
        ),
    ),
    Figure(
        "referral_partners",
        Element.NETWORKS,
        N_("Referral agencies working with the court"),
        N_(
            "Agencies that sent at least one referral received in the period, of those on the program's "
            "list; new: agencies whose first referral ever came in the period."
        ),
        referral_partners,
        (Column("sending"), Column("listed"), Column("new")),
        lambda shown: _(
            "Referred: %(sending)s of %(listed)s listed · new: %(new)s",
            sending=shown.count("sending"),
            listed=shown.count("listed"),
            new=shown.count("new"),
        ),
    ),
    Figure(
        "partner_sites",
        Element.NETWORKS,
        N_("Community partner sites"),
        N_(
            "Partner sites on the program's list; those where a placed young person logged work in the "
            "period, the young people who did, and the hours the sites' supervisors confirmed through "
            "their links."
        ),
        partner_sites,
        (Column("listed"), Column("working"), Column("youth", "sites.youth"), Column("verified_hours")),
        lambda shown: _(
            "Sites listed: %(listed)s · with work in the period: %(working)s (%(youth)s young people) · "
            "hours confirmed by the sites: %(hours)s",
            listed=shown.count("listed"),
            working=shown.count("working"),
            youth=shown.count("youth"),
            hours=shown.amount("verified_hours", "youth"),
        ),
    ),
    Figure(
        "felt_heard",
        Element.MUTUALITY,
        N_("Respondents and parents who felt heard"),
        N_(
            "Exit surveys answered in the period by respondents and parents or guardians, and of them "
            'those whose answers to the fairness and voice statements averaged "agree" or more (4 of 5).'
        ),
        felt_heard,
        (Column("answered", "surveys.answered"), Column("heard", "surveys.heard")),
        _of("heard", "answered"),
        totals=(("heard", "answered"),),
    ),
    Figure(
        "former_respondents",
        Element.BLURRING_ROLES,
        N_("Jurors who are former respondents"),
        N_(
            "Jurors present or late on at least one hearing night held in the period, and of them those "
            "who came to the program as respondents."
        ),
        former_respondents,
        (Column("served", "jurors.served"), Column("former", "jurors.former")),
        _of("former", "served"),
        totals=(("former", "served"),),
    ),
    Figure(
        "youth_in_court_roles",
        Element.BLURRING_ROLES,
        N_("Young people serving as foreperson, clerk, bailiff or youth judge"),
        N_(
            "Of the jurors who served in the period, those who sat in one of these roles on at least one "
            "night."
        ),
        youth_in_court_roles,
        (Column("served", "jurors.served"), Column("leading", "jurors.leading")),
        _of("leading", "served"),
        totals=(("leading", "served"),),
    ),
    Figure(
        "courtrooms_led_by_youth",
        Element.CATALYSTS,
        N_("Courtrooms run by young people"),
        N_(
            "Courtrooms that heard at least one case on a night held in the period, and of them those "
            "where a youth judge presided, or a youth foreperson led the questioning (present or late "
            "that night): the adults there facilitated rather than ran the hearing."
        ),
        courtrooms_led_by_youth,
        (Column("courtrooms"), Column("youth_judge"), Column("youth_foreperson")),
        lambda shown: _(
            "Courtrooms: %(courtrooms)s · with a youth judge: %(judge)s · with a youth foreperson: "
            "%(foreperson)s",
            courtrooms=shown.count("courtrooms"),
            judge=shown.count("youth_judge"),
            foreperson=shown.count("youth_foreperson"),
        ),
    ),
]
"""Every figure shown beside the questions, in the order of the questions."""


# ---------------------------------------------------------------------------------------------
# Reading and showing


Readings = dict[str, dict[str, Any]]


async def read_figures(db: AsyncSession, period: Period, figures: list[Figure] | None = None) -> Readings:
    """Each figure's row for ``period``: one query per figure."""
    readings: Readings = {}
    for figure in figures or FIGURES:
        row = (await db.execute(figure.statement(period))).one()
        readings[figure.key] = {column.name: row._mapping[column.name] for column in figure.columns}
    return readings


@dataclass(frozen=True)
class Evidence:
    figure: Figure
    value: str


def _cells(readings: Readings, figures: list[Figure]) -> tuple[dict[str, int], list[Relation], set[str]]:
    cells: dict[str, int] = {}
    relations: list[Relation] = []
    exact: set[str] = set()
    for figure in figures:
        row = readings[figure.key]
        for column in figure.columns:
            if column.cell:
                cells[column.cell] = int(row[column.name])
        for part, whole in figure.totals:
            part_cell, whole_cell = figure.cell_of(part), figure.cell_of(whole)
            rest = f"{part_cell}.rest"
            cells[rest] = cells[whole_cell] - cells[part_cell]
            relations.append(Relation(whole_cell, (part_cell, rest)))
            exact |= {part_cell, whole_cell}
    return cells, relations, exact


def show(
    readings: Readings, threshold: int, figures: list[Figure] | None = None
) -> dict[Element, list[Evidence]]:
    """Every figure as it may be shown, by question."""
    figures = figures or FIGURES
    cells, relations, exact = _cells(readings, figures)
    table = suppress(cells, relations, threshold, base=PUBLISHED_BASE, exact=exact)
    shown: dict[Element, list[Evidence]] = {element: [] for element in Element}
    for figure in figures:
        shown[figure.element].append(
            Evidence(figure, figure.reads(Shown(figure, readings[figure.key], table)))
        )
    return shown
