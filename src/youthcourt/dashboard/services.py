"""What the coordinator's dashboard counts: one query per panel, whatever the program's size.

Each panel reads the columns it shows, joined, with its count beside them.

Sealed cases are left out of every panel but the follow-ups: they are closed, but a check of one
is still due, and the panel counts what the worklist it links to lists, without the youth's name.

Each panel's statement is built once per process and run with the day's values as parameters:
built on every view, the panels' statements and the keys SQLAlchemy finds their compiled SQL by
took about 2 ms of each view.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, Select, and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.cases import contacts
from youthcourt.cases.models import Case, CaseState, FollowUpCheck
from youthcourt.database import TODAY
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight, HearingOutcome
from youthcourt.reference.models import ProgramPolicy, ReferralSource
from youthcourt.referrals.models import Referral, ReferralStatus, Youth
from youthcourt.sanctions.models import Sanction, SanctionStatus

PANEL_ROWS = 8
WAITING_DAYS = 30


@dataclass(frozen=True)
class NightLoad:
    night: HearingNight
    scheduled: int
    capacity: int


@dataclass(frozen=True)
class Panel:
    """A panel's count and its first rows, read in one query (the count is a window over the rows)."""

    total: int
    rows: list[Any]


def _first_rows(query: Select[Any]) -> Select[Any]:
    """A panel's statement: its first rows, each with the whole count as ``total``."""
    return query.add_columns(func.count().over().label("total")).limit(PANEL_ROWS)


async def _panel(db: AsyncSession, statement: Select[Any], parameters: dict[str, Any]) -> Panel:
    return _counted((await db.execute(statement, parameters)).all())


def _counted(rows: Sequence[Any]) -> Panel:
    """A panel of rows that each carry the whole count as ``total``."""
    return Panel(rows[0].total if rows else 0, list(rows))


CASES_BY_STATE = select(Case.state, func.count()).where(Case.sealed_at.is_(None)).group_by(Case.state)


async def cases_by_state(db: AsyncSession) -> dict[CaseState, int]:
    counts = dict((await db.execute(CASES_BY_STATE)).all())
    return {state: counts.get(state, 0) for state in CaseState}


def _upcoming_nights() -> Select[Any]:
    """The next hearing nights with how many cases are on their dockets and how many fit.

    The nights are chosen first; only their courtrooms and hearings are counted.
    """
    chosen = (
        select(HearingNight.id)
        .where(HearingNight.held_on >= TODAY, ~HearingNight.is_cancelled)
        .order_by(HearingNight.held_on, HearingNight.starts_at)
        .limit(4)
        .scalar_subquery()
    )
    capacity = (
        select(func.coalesce(func.sum(Courtroom.capacity), 0))
        .where(Courtroom.night_id == HearingNight.id)
        .correlate(HearingNight)
        .scalar_subquery()
    )
    scheduled = (
        select(func.count(Hearing.id))
        .join(Courtroom, Courtroom.id == Hearing.courtroom_id)
        .where(Courtroom.night_id == HearingNight.id, Hearing.outcome != HearingOutcome.CANCELLED)
        .correlate(HearingNight)
        .scalar_subquery()
    )
    return (
        select(HearingNight, scheduled, capacity)
        .where(HearingNight.id.in_(chosen))
        .order_by(HearingNight.held_on, HearingNight.starts_at)
    )


UPCOMING_NIGHTS = _upcoming_nights()


async def upcoming_nights(db: AsyncSession, today: datetime.date) -> list[NightLoad]:
    rows = await db.execute(UPCOMING_NIGHTS, {"today": today})
    return [NightLoad(night, int(booked), int(room)) for night, booked, room in rows.all()]


OVERDUE_SANCTIONS = _first_rows(
    select(Sanction.id, Sanction.sanction_type, Sanction.due_on, Case.number, Youth.full_name.label("youth"))
    .join(Case, Case.id == Sanction.case_id)
    .join(Youth, Youth.id == Case.youth_id)
    .where(Sanction.status == SanctionStatus.OPEN, Sanction.due_on < TODAY, Case.sealed_at.is_(None))
    .order_by(Sanction.due_on, Sanction.id)
)


async def overdue_sanctions(db: AsyncSession, today: datetime.date) -> Panel:
    return await _panel(db, OVERDUE_SANCTIONS, {"today": today})


FAMILIES_NOT_CONTACTED = _first_rows(contacts.FAMILIES_NOT_CONTACTED)


async def families_not_contacted(db: AsyncSession, today: datetime.date, interval_days: int) -> Panel:
    """How many open cases are overdue for a contact with the family, and the longest waiting."""
    return await _panel(db, FAMILIES_NOT_CONTACTED, contacts.contact_cutoff(today, interval_days))


WAITING_REFERRALS = _first_rows(
    select(
        Referral.id,
        Referral.received_on,
        Referral.family_contacted_on,
        ReferralSource.name.label("source"),
        Youth.full_name.label("youth"),
    )
    .join(Youth, Youth.id == Referral.youth_id)
    .join(ReferralSource, ReferralSource.id == Referral.source_id)
    .where(
        Referral.status == ReferralStatus.PENDING,
        or_(
            Referral.received_on < bindparam("waiting_since", type_=Date),
            and_(
                Referral.family_contacted_on.is_(None),
                Referral.received_on < bindparam("unanswered_since", type_=Date),
            ),
        ),
    )
    .order_by(Referral.received_on, Referral.id)
)


async def waiting_referrals(db: AsyncSession, today: datetime.date, policy: ProgramPolicy) -> Panel:
    """Pending referrals older than 30 days, or without a family response past the program's limit."""
    return await _panel(
        db,
        WAITING_REFERRALS,
        {
            "waiting_since": today - datetime.timedelta(days=WAITING_DAYS),
            "unanswered_since": today - datetime.timedelta(days=policy.family_response_days),
        },
    )


def _follow_ups_due() -> Select[Any]:
    """Checks due by today, of cases and of study referrals, as the worklist it links to counts them.

    A sealed case's check is still due; the panel shows it without the youth's name, as the worklist does.
    The checks are counted and the first chosen on their own index; only those few are joined to
    their case, referral and youth (joined first, PostgreSQL expected thousands of due checks and
    read all of the program's cases, referrals and youth to name eight).
    """
    due = (
        select(
            FollowUpCheck.id,
            FollowUpCheck.window_months,
            FollowUpCheck.due_on,
            FollowUpCheck.case_id,
            FollowUpCheck.referral_id,
            func.count().over().label("total"),
        )
        .where(FollowUpCheck.completed_on.is_(None), FollowUpCheck.due_on <= TODAY)
        .order_by(FollowUpCheck.due_on, FollowUpCheck.id)
        .limit(PANEL_ROWS)
        .subquery()
    )
    return (
        select(
            due.c.id,
            due.c.window_months,
            due.c.due_on,
            due.c.case_id,
            Case.number,
            due.c.referral_id,
            Referral.received_on,
            Case.sealed_at,
            Youth.full_name.label("youth"),
            due.c.total,
        )
        .select_from(due)
        .outerjoin(Case, Case.id == due.c.case_id)
        .outerjoin(Referral, Referral.id == due.c.referral_id)
        .outerjoin(
            Youth,
            (Youth.id == func.coalesce(Case.youth_id, Referral.youth_id)) & Case.sealed_at.is_(None),
        )
        .order_by(due.c.due_on, due.c.id)
    )


FOLLOW_UPS_DUE = _follow_ups_due()


async def follow_ups_due(db: AsyncSession, today: datetime.date) -> Panel:
    return await _panel(db, FOLLOW_UPS_DUE, {"today": today})
