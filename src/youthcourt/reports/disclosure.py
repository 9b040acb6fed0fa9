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
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from uuid import UUID

from babel.dates import format_date
from sqlalchemy import CompoundSelect, Select, bindparam, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.cases.models import Case
from youthcourt.referrals.models import Referral
from youthcourt.reports.cohort import ASSIGNED_IN_ANY_COHORT, IN_ANY_COHORT, Cohort, cohort_values
from youthcourt.reports.tallies import month_start
from youthcourt.web.i18n import N_, babel_locale, current_language, gettext

EDGE_ROWS = 240
"""The referral days read from each end of a program's range: the edge month and the nearest full
month inwards are among them at any usual pace (a statewide program refers about 100 cases a
month). Ends thinner than that are counted month by month over the whole range."""


@dataclass(frozen=True)
class ThinMonth:
    """A program's first or last month with referrals in the range, holding fewer than the threshold."""

    program_id: UUID
    month: datetime.date
    """Its first day."""
    first: bool
    """The range's first month with referrals (else its last)."""
    instead: datetime.date | None = None
    """The program's nearest month inwards from this one with enough referrals (its first day); None if none has."""


def _month_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = day.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


@lru_cache(maxsize=2)
def _monthly_counts_statement(intent_to_treat: bool) -> Select:
    """Each program's counted referrals by month, for the cohort given as parameters: those that
    became cases (read from the case, ``Case.referred_on``); for intent to treat, the study's
    assigned referrals, with a case or without. Built once (see :data:`IN_ANY_COHORT`)."""
    if intent_to_treat:
        program, month = Referral.program_id, month_start(Referral.received_on)
        found = select(program, month, func.count()).select_from(Referral).where(ASSIGNED_IN_ANY_COHORT)
    else:
        program, month = Case.program_id, month_start(Case.referred_on)
        found = select(program, month, func.count()).select_from(Case).where(IN_ANY_COHORT)
    return found.group_by(program, month).order_by(program, month)


async def monthly_counts(
    db: AsyncSession, cohort: Cohort, *, intent_to_treat: bool = False
) -> dict[UUID, list[tuple[datetime.date, int]]]:
    """Each program's counted referrals by month of the range (first day, count), oldest first.

    One grouped pass over the whole cohort: :func:`thin_edge_months` reads the range's two ends
    instead, and counts this way only an end too thin for what it read.
    """
    rows = await db.execute(_monthly_counts_statement(intent_to_treat), cohort_values(cohort))
    counts: dict[UUID, list[tuple[datetime.date, int]]] = {}
    for program_id, first_day, count in rows:
        counts.setdefault(program_id, []).append((first_day, int(count)))
    return counts


def _nearest_full(months: Iterable[tuple[datetime.date, int]], threshold: int) -> datetime.date | None:
    return next((month for month, count in months if count >= threshold), None)


@lru_cache(maxsize=64)
def _edge_months_statement(intent_to_treat: bool, programs: int) -> CompoundSelect:
    """The first and last :data:`EDGE_ROWS` referral days of each of a cohort's ``programs``
    programs, counted by month (``place`` in the cohort, ``latest`` 0 for the first end, 1 for the
    last, the month's first day and its count), each end read in order from the index of the cases
    (or the referrals) by program and day, all in one statement. Built once for each number of
    programs; the cohort, its programs one by one (``edge_program_<place>``) and the number of days
    (``edge_rows``) are its parameters. Counted here rather than in Python: the 480 days of a
    program's two ends were a third of the recidivism page's own work."""
    if intent_to_treat:
        day, program, counted = Referral.received_on, Referral.program_id, ASSIGNED_IN_ANY_COHORT
    else:
        day, program, counted = Case.referred_on, Case.program_id, IN_ANY_COHORT
    ends = []
    for place in range(programs):
        for latest in (0, 1):
            end = (
                select(day.label("day"))
                .where(counted, program == bindparam(f"edge_program_{place}"))
                .order_by(day.desc() if latest else day.asc())
                .limit(bindparam("edge_rows"))
                .subquery()
            )
            month = month_start(end.c.day)
            ends.append(
                select(
                    literal(place).label("place"), literal(latest).label("latest"), month, func.count()
                ).group_by(month)
            )
    return union_all(*ends)


async def thin_edge_months(
    db: AsyncSession, cohort: Cohort, threshold: int, *, intent_to_treat: bool = False
) -> list[ThinMonth]:
    """The edge months, program by program, with 1 to ``threshold - 1`` referrals, each with the
    nearest month that would do instead.

    One query of each program's two ends: counting every month of the range, to read its edges,
    took 4.5 ms of each view of a statewide program's three years. An end read whole without
    reaching a full month is counted over the whole range instead.
    """
    if not cohort.program_ids:
        return []
    places = {f"edge_program_{place}": program_id for place, program_id in enumerate(cohort.program_ids)}
    values = {**cohort_values(cohort), **places, "edge_rows": EDGE_ROWS}
    ends: dict[tuple[int, int], list[tuple[datetime.date, int]]] = {}
    statement = _edge_months_statement(intent_to_treat, len(places))
    for place, latest, month, count in (await db.execute(statement, values)).all():
        ends.setdefault((place, latest), []).append((month, int(count)))
    thin = []
    for place, program_id in enumerate(cohort.program_ids):
        for first in (True, False):
            # In order from the edge inwards (a union keeps no order of its own).
            months = sorted(ends.get((place, 0 if first else 1), []), reverse=not first)
            if sum(count for _, count in months) == EDGE_ROWS and _nearest_full(months, threshold) is None:
                one = Cohort((program_id,), cohort.referred_from, cohort.referred_to)
                counted = await monthly_counts(db, one, intent_to_treat=intent_to_treat)
                months = counted.get(program_id, [])[:: 1 if first else -1]
            if months and months[0][1] < threshold:
                thin.append(ThinMonth(program_id, months[0][0], first, _nearest_full(months, threshold)))
    return thin


THIN_FIRST = {
    False: N_(
        "%(program)s has fewer than %(threshold)s cases referred in %(month)s, the first month of this range with any."
    ),
    True: N_(
        "%(program)s has fewer than %(threshold)s youth assigned to the study referred in %(month)s, the first "
        "month of this range with any."
    ),
}
THIN_LAST = {
    False: N_(
        "%(program)s has fewer than %(threshold)s cases referred in %(month)s, the last month of this range with any."
    ),
    True: N_(
        "%(program)s has fewer than %(threshold)s youth assigned to the study referred in %(month)s, the last "
        "month of this range with any."
    ),
}
THIN_RULE = {
    False: N_(
        "Each program's first and last months need at least %(threshold)s cases, so that two reports never "
        "differ by only a few youth."
    ),
    True: N_(
        "Each program's first and last months need at least %(threshold)s youth assigned to the study, so that "
        "two reports never differ by only a few youth."
    ),
}


def thin_month_message(
    month: ThinMonth, program_name: str, threshold: int, instead: datetime.date | None, *, study: bool = False
) -> str:
    """What the evaluator reads on the range's field, with the nearest month that would do, in the
    evaluator's language; ``study`` counts the youth assigned to a study rather than cases."""
    found = gettext(
        (THIN_FIRST if month.first else THIN_LAST)[study],
        program=program_name,
        threshold=threshold,
        month=month_words(month.month),
    )
    if instead is None:
        advice = gettext(
            "No month of this range has %(threshold)s: choose a wider range, or one program at a time.",
            threshold=threshold,
        )
    elif month.first:
        advice = gettext(
            "Start the range at %(month)s instead, or at another month with at least %(threshold)s.",
            month=month_words(instead),
            threshold=threshold,
        )
    else:
        advice = gettext(
            "End the range at %(month)s instead, or at another month with at least %(threshold)s.",
            month=month_words(instead),
            threshold=threshold,
        )
    return f"{found} {advice} {gettext(THIN_RULE[study], threshold=threshold)}"


MONTH_PATTERNS = {"en": "LLLL y", "es": "LLLL 'de' y"}


def month_words(day: datetime.date) -> str:
    """A month in words, in the viewer's language: "November 2026", "noviembre de 2026"."""
    language = current_language()
    return format_date(day, MONTH_PATTERNS.get(language, "LLLL y"), locale=babel_locale(language))


async def publishable_range(
    db: AsyncSession, cohort: Cohort, threshold: int
) -> tuple[datetime.date, datetime.date]:
    """The cohort's range narrowed to months that pass the rule, for a form's first values.

    Each thin edge moves inwards to the program's nearest month with enough referrals; the range
    is left as it is when that cannot be done (the evaluator then reads why on the form).
    """
    start, end = cohort.referred_from, cohort.referred_to
    for month in await thin_edge_months(db, cohort, threshold):
        instead = month.instead
        if instead is None:
            return cohort.referred_from, cohort.referred_to
        if month.first:
            start = max(start, instead)
        else:
            end = min(end, _month_of(instead)[1])
    return (start, end) if start <= end else (cohort.referred_from, cohort.referred_to)
