"""The recidivism tallies counted by the database, so a report on 100,000 cases answers in a second.

:func:`youthcourt.reports.recidivism.build_report` follows each youth in Python, which is
clear and is what the tests check the rules with; but carrying every case out of the
database costs seconds at scale. Here the same rules run in one SQL statement that returns
one row per group, outcome and follow-up length with its number of youth: a few thousand
rows at most, whatever the size of the cohort. A test checks both give the same tallies.

Dates need three functions the two engines spell differently (days between two dates, a
date some days later, the first day of a month); they are compiled per dialect below. The age
at referral is a column the database keeps (``Referral.youth_age``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Date, Integer, and_, case, func, literal, literal_column, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from youthcourt.cases.models import Case
from youthcourt.cases.services import follow_up_days
from youthcourt.outcomes.models import OutcomeEvent
from youthcourt.reference.models import Offense, ReferralSource
from youthcourt.referrals.models import Referral, Youth
from youthcourt.reports.cohort import (
    IN_ANY_COHORT,
    Anchor,
    Cohort,
    cohort_values,
    last_served,
)
from youthcourt.reports.recidivism import (
    CENSORED,
    NOT_REOFFENDED,
    REOFFENDED,
    Grouping,
    ReportOptions,
    Tally,
    group_label,
)


class days_between(FunctionElement):
    """Whole days from the second date to the first."""

    type = Integer()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_postgresql(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"({later} - {earlier})"


class days_after(FunctionElement):
    """The day some days later. Built with :func:`days_later`: the count is written into the SQL,
    so it is part of the statement's cache key."""

    type = Date()
    inherit_cache = True


def days_later(day: Any, days: int) -> days_after:
    return days_after(day, literal_column(str(int(days))))


@compiles(days_after, "sqlite")
def _days_after_sqlite(element: days_after, compiler: Any, **kw: Any) -> str:
    day, days = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"date({day}, '+{int(days)} days')"


@compiles(days_after, "postgresql")
def _days_after_postgresql(element: days_after, compiler: Any, **kw: Any) -> str:
    day, days = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST({day} + {int(days)} AS DATE)"


class month_start(FunctionElement):
    """The first day of a date's month."""

    type = Date()
    inherit_cache = True


@compiles(month_start, "sqlite")
def _month_start_sqlite(element: month_start, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, 'start of month')"


@compiles(month_start, "postgresql")
def _month_start_postgresql(element: month_start, compiler: Any, **kw: Any) -> str:
    # Date arithmetic: date_trunc would go through a timestamp with time zone for every row.
    day = compiler.process(element.clauses, **kw)
    return f"({day} - CAST(EXTRACT(DAY FROM {day}) AS INTEGER) + 1)"


_REFERRAL = (Referral, Case.referral_id == Referral.id)


def _group_key(grouping: Grouping) -> tuple[Any, tuple[Any, ...]]:
    """The raw value a grouping splits on, as ``recidivism`` reads it from a subject, and the
    tables it needs beyond the case (joined only when needed: this is the expensive part of the
    statement; the cohort itself is read from the case alone)."""
    if grouping == Grouping.JUROR:
        served = last_served()
        return and_(served.c.served_on.is_not(None), served.c.served_on >= Case.referred_on), (
            (served, served.c.youth_id == Case.youth_id),
        )
    youth = ((Youth, Case.youth_id == Youth.id),)
    return {
        Grouping.COMPLETION: (Case.state, ()),
        Grouping.OFFENSE_CLASS: (
            Offense.offense_class,
            (_REFERRAL, (Offense, Referral.offense_id == Offense.id)),
        ),
        Grouping.SOURCE_KIND: (
            ReferralSource.kind,
            (_REFERRAL, (ReferralSource, Referral.source_id == ReferralSource.id)),
        ),
        Grouping.AGE_BAND: (Referral.youth_age, (_REFERRAL,)),
        Grouping.GENDER: (func.coalesce(func.nullif(Youth.gender, ""), "Not recorded"), youth),
        Grouping.RACE_ETHNICITY: (
            func.coalesce(func.nullif(Youth.race_ethnicity, ""), "Not recorded"),
            youth,
        ),
    }.get(grouping, (literal(None), ()))


def _cases(options: ReportOptions) -> Any:
    """One row per case of the cohort: its group, anchor date, window end and the latest check."""
    key, joins = _group_key(options.grouping)
    anchor = {
        Anchor.HEARING: Case.first_heard_on,
        Anchor.REFERRAL: Case.referred_on,
    }.get(options.anchor, Case.closed_on)
    statement = select(
        Case.id.label("case_id"),
        key.label("group_key"),
        anchor.label("anchor_on"),
        days_later(anchor, follow_up_days(options.window_months)).label("window_end"),
        Case.checked_until,
    ).select_from(Case)
    for target, on in joins:
        statement = statement.outerjoin(target, on)
    return statement.where(IN_ANY_COHORT).cte("cohort_cases")


@lru_cache(maxsize=512)
def tally_statement(options: ReportOptions, dialect: str = "postgresql") -> Any:
    """Youth counted by group, outcome over the window and days followed (or to the first event),
    for the cohort given as parameters (:func:`~youthcourt.reports.cohort.cohort_values`), in the
    form that runs faster on ``dialect`` (see :func:`_first_events`).

    Built once per choice of options: building it and its cache key cost more than running it
    over a program's cases (1 ms of the report's 10 on the demo)."""
    each = _first_events(_cases(options), options, dialect)
    reoffended = and_(each.c.first_on.is_not(None), each.c.first_on <= each.c.window_end)
    known = or_(each.c.first_on.is_not(None), each.c.checked_until >= each.c.window_end)
    outcome = case(
        (each.c.anchor_on.is_(None), literal(None)),
        (reoffended, REOFFENDED),
        (known, NOT_REOFFENDED),
        else_=CENSORED,
    )
    followed = days_between(each.c.checked_until, each.c.anchor_on)
    days = case(
        (reoffended, days_between(each.c.first_on, each.c.anchor_on)),
        (known, days_between(each.c.window_end, each.c.anchor_on)),
        (and_(each.c.checked_until.is_not(None), followed > 0), followed),
        else_=0,
    )
    followed_youth = select(each.c.group_key, outcome.label("outcome"), days.label("days")).subquery()
    columns = (followed_youth.c.group_key, followed_youth.c.outcome, followed_youth.c.days)
    return select(*columns, func.count().label("youth")).group_by(*columns)


def _first_events(cases: Any, options: ReportOptions, dialect: str) -> Any:
    """Each case of the cohort with the day of its first counted event since its anchor.

    PostgreSQL joins the cohort to the events and groups by case, in one pass over each (a look-up
    per case took six times as long). SQLite sorted the cohort for that grouping, a third of the
    statement: there each case looks its first event up in the index of its events, once (the
    look-ups kept in a materialized table, as SQLite would otherwise run one for each use).
    """
    counted = and_(
        OutcomeEvent.case_id == cases.c.case_id,
        OutcomeEvent.event_type.in_(sorted(options.event_types)),
        OutcomeEvent.occurred_on >= cases.c.anchor_on,
    )
    if dialect == "sqlite":
        first_on = select(func.min(OutcomeEvent.occurred_on)).where(counted).scalar_subquery()
        followed = select(*cases.c, first_on.label("first_on")).cte("followed_cases")
        return followed.prefix_with("MATERIALIZED")
    # Joined to a separate aggregate of the events instead, the cohort was read twice.
    return (
        select(*cases.c, func.min(OutcomeEvent.occurred_on).label("first_on"))
        .select_from(cases)
        .outerjoin(OutcomeEvent, counted)
        .group_by(*cases.c)
        .subquery("followed_cases")
    )


async def tally_in_database(
    db: AsyncSession, cohort: Cohort, options: ReportOptions
) -> tuple[dict[str, Tally], int]:
    """The program youth's tallies by group label, and how many cases have not reached their anchor."""
    tallies: dict[str, Tally] = {}
    without_anchor = 0
    if db.get_bind().dialect.name == "postgresql":
        # Compiling this statement just in time costs PostgreSQL more than running it does, and
        # over a state's cases its groupings outgrow the default 4 MB of memory and spill to disk.
        # Both for this transaction alone (SET LOCAL), in one statement.
        await db.execute(text("SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)"))
    statement = tally_statement(options, db.get_bind().dialect.name)
    for group_key, outcome, days, youth in await db.execute(statement, cohort_values(cohort)):
        if outcome is None:
            without_anchor += youth
            continue
        label = group_label(options.grouping, group_key)
        tally = tallies.get(label)
        if tally is None:
            tally = tallies[label] = Tally()
        tally.add_many(int(outcome), int(days), int(youth))
    return tallies, without_anchor
