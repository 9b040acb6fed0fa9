"""Cohorts that cannot be told apart by a few youth: the rule on a report's first and last months.

Counts are rounded and small ones hidden (:mod:`youthcourt.reports.suppression`), but rates and
curves are computed from the exact counts. Two reports whose cohorts differ by one youth would
then differ in their rates by that youth's outcome alone. Cohorts are whole months that have
ended (:mod:`youthcourt.reports.forms`), and each program's first and last months with
referrals in the range must each hold at least the threshold's number of them (the referrals
the report counts: cases, or for intent to treat every referral assigned to a study arm). Any two cohorts
that both pass then differ by at least that many youth of each program: a range is a run of
months, so what one range holds and another does not is a run at its start or its end, and that
run holds the edge month with referrals.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.cases.models import Case
from youthcourt.referrals.models import Referral
from youthcourt.reports.cohort import Cohort, assigned_in_cohort, in_cohort


@dataclass(frozen=True)
class ThinMonth:
    """A program's first or last month with referrals in the range, holding fewer than the threshold."""

    program_id: UUID
    month: datetime.date
    """Its first day."""
    first: bool
    """The range's first month with referrals (else its last)."""


def _month_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = day.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _program(intent_to_treat: bool) -> Any:
    return Referral.program_id if intent_to_treat else Case.program_id


def _referrals(columns: Any, cohort: Cohort, intent_to_treat: bool) -> Select:
    """``columns`` (given the program column) over the referrals a report counts: those that became
    cases; for intent to treat, the study's assigned referrals, with a case or without."""
    program = _program(intent_to_treat)
    if intent_to_treat:
        return select(*columns(program)).select_from(Referral).where(assigned_in_cohort(cohort))
    return (
        select(*columns(program))
        .select_from(Case)
        .join(Referral, Case.referral_id == Referral.id)
        .where(in_cohort(cohort))
    )


async def thin_edge_months(
    db: AsyncSession, cohort: Cohort, threshold: int, *, intent_to_treat: bool = False
) -> list[ThinMonth]:
    """The edge months, program by program, with 1 to ``threshold - 1`` referrals. Two queries."""
    edges = (
        await db.execute(
            _referrals(
                lambda program: (program, func.min(Referral.received_on), func.max(Referral.received_on)),
                cohort,
                intent_to_treat,
            ).group_by(_program(intent_to_treat))
        )
    ).all()
    if not edges:
        return []
    months = [
        (program_id, _month_of(day), first)
        for program_id, earliest, latest in edges
        for day, first in ((earliest, True), (latest, False))
    ]

    def counts_of(program: Any) -> list[Any]:
        return [
            func.sum(
                case((and_(program == program_id, Referral.received_on.between(start, end)), 1), else_=0)
            )
            for program_id, (start, end), _ in months
        ]

    counts = (await db.execute(_referrals(counts_of, cohort, intent_to_treat))).one()
    return [
        ThinMonth(program_id, start, first)
        for (program_id, (start, _), first), count in zip(months, counts, strict=True)
        if count < threshold
    ]


async def nearest_full_month(
    db: AsyncSession,
    cohort: Cohort,
    program_id: UUID,
    threshold: int,
    *,
    first: bool,
    intent_to_treat: bool = False,
) -> datetime.date | None:
    """The program's first (or last) month of the range with at least ``threshold`` referrals.

    Reads referral dates from that end of the range until a month has enough: a few months' worth.
    """
    day = Referral.received_on
    dates = await db.stream_scalars(
        _referrals(lambda _: (day,), cohort, intent_to_treat)
        .where(_program(intent_to_treat) == program_id)
        .order_by(day if first else day.desc())
        .execution_options(yield_per=500)
    )
    month, count = None, 0
    async for received in dates:
        start = received.replace(day=1)
        month, count = (month, count + 1) if start == month else (start, 1)
        if count >= threshold:
            await dates.close()
            return month
    return None


def thin_month_message(
    month: ThinMonth, program_name: str, threshold: int, instead: datetime.date | None, *, what: str = "cases"
) -> str:
    """What the evaluator reads on the range's field, with the nearest month that would do."""
    which, verb = ("first", "Start") if month.first else ("last", "End")
    advice = (
        f"{verb} the range at {instead:%B %Y} instead, or at another month with at least {threshold}"
        if instead
        else f"No month of this range has {threshold}: choose a wider range, or one program at a time"
    )
    return (
        f"{program_name} has fewer than {threshold} {what} referred in {month.month:%B %Y}, the {which} month "
        f"of this range with any. {advice}. Each program's first and last months need at least {threshold} "
        f"{what}, so that two reports never differ by only a few youth."
    )


async def publishable_range(
    db: AsyncSession, cohort: Cohort, threshold: int
) -> tuple[datetime.date, datetime.date]:
    """The cohort's range narrowed to months that pass the rule, for a form's first values.

    Each thin edge moves inwards to the program's nearest month with enough referrals; the range
    is left as it is when that cannot be done (the evaluator then reads why on the form).
    """
    start, end = cohort.referred_from, cohort.referred_to
    for month in await thin_edge_months(db, cohort, threshold):
        instead = await nearest_full_month(db, cohort, month.program_id, threshold, first=month.first)
        if instead is None:
            return cohort.referred_from, cohort.referred_to
        if month.first:
            start = max(start, instead)
        else:
            end = min(end, _month_of(instead)[1])
    return (start, end) if start <= end else (cohort.referred_from, cohort.referred_to)
