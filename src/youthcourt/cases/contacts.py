"""When a family was last contacted, and which open cases are overdue for a contact.

Coordinators contact each family at least every ``contact_interval_days`` (a program policy).
The clock runs from the latest of: a contact in the case's log, the first contact recorded on
the referral, and the day the case opened. A case opened today is never overdue, whether or
not anyone has called yet.
"""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select

from youthcourt.cases.models import Case, ContactLog
from youthcourt.referrals.models import Referral, Youth


def latest_date(*days: datetime.date | None) -> datetime.date | None:
    known = [day for day in days if day is not None]
    return max(known) if known else None


def _later(first: Any, second: Any) -> ColumnElement[Any]:
    """The later of two nullable dates, in SQL both engines run (no GREATEST in SQLite)."""
    return case(
        (first.is_(None), second),
        (second.is_(None), first),
        (first > second, first),
        else_=second,
    )


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


def families_not_contacted(today: datetime.date, interval_days: int) -> Select[Any]:
    """Open, unsealed cases overdue for a contact, longest without one first.

    Each row has the case's ``id``, ``number``, ``state`` and ``opened_on``, the youth's name
    (``youth``) and the last contact or None (``last_contact``); the dashboard's count, its panel
    and the full list are all this one query, so they cannot disagree. Only the open cases' contacts
    are grouped, never a program's whole log.
    """
    open_now = and_(Case.closed_on.is_(None), Case.sealed_at.is_(None))
    logged = (
        select(ContactLog.case_id, func.max(ContactLog.contacted_on).label("on"))
        .join(Case, Case.id == ContactLog.case_id)
        .where(open_now)
        .group_by(ContactLog.case_id)
        .subquery()
    )
    last = _later(logged.c.on, Referral.family_contacted_on)
    cutoff = today - datetime.timedelta(days=interval_days)
    return (
        select(
            Case.id,
            Case.number,
            Case.state,
            Case.opened_on,
            Youth.full_name.label("youth"),
            last.label("last_contact"),
        )
        .join(Referral, Referral.id == Case.referral_id)
        .join(Youth, Youth.id == Case.youth_id)
        .outerjoin(logged, logged.c.case_id == Case.id)
        .where(open_now, _later(last, Case.opened_on) < cutoff)
        .order_by(last.asc().nulls_first(), Case.opened_on, Case.number)
    )
