"""What the coordinator's dashboard counts: one query per panel, whatever the program's size.

Sealed cases are left out of every panel (they are closed, so only the follow-ups panel would
otherwise show one); the follow-up worklist still lists their checks, without the youth's name.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from youthcourt.cases import contacts
from youthcourt.cases.models import Case, CaseState, FollowUpCheck
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight, HearingOutcome
from youthcourt.reference.models import ProgramPolicy
from youthcourt.referrals.models import Referral, ReferralStatus
from youthcourt.sanctions.models import Sanction, SanctionStatus

PANEL_ROWS = 8
WAITING_DAYS = 30


@dataclass(frozen=True)
class NightLoad:
    night: HearingNight
    scheduled: int
    capacity: int


async def cases_by_state(db: AsyncSession) -> dict[CaseState, int]:
    rows = await db.execute(
        select(Case.state, func.count()).where(Case.sealed_at.is_(None)).group_by(Case.state)
    )
    counts = dict(rows.all())
    return {state: counts.get(state, 0) for state in CaseState}


async def upcoming_nights(db: AsyncSession, today: datetime.date) -> list[NightLoad]:
    """The next hearing nights with how many cases are on their dockets and how many fit."""
    capacity = (
        select(Courtroom.night_id, func.sum(Courtroom.capacity).label("capacity"))
        .group_by(Courtroom.night_id)
        .subquery()
    )
    scheduled = (
        select(Courtroom.night_id, func.count(Hearing.id).label("scheduled"))
        .join(Hearing, Hearing.courtroom_id == Courtroom.id)
        .where(Hearing.outcome != HearingOutcome.CANCELLED)
        .group_by(Courtroom.night_id)
        .subquery()
    )
    rows = await db.execute(
        select(HearingNight, func.coalesce(scheduled.c.scheduled, 0), func.coalesce(capacity.c.capacity, 0))
        .outerjoin(capacity, capacity.c.night_id == HearingNight.id)
        .outerjoin(scheduled, scheduled.c.night_id == HearingNight.id)
        .where(HearingNight.held_on >= today, ~HearingNight.is_cancelled)
        .order_by(HearingNight.held_on, HearingNight.starts_at)
        .limit(4)
    )
    return [NightLoad(night, int(booked), int(room)) for night, booked, room in rows.all()]


async def overdue_sanctions(db: AsyncSession, today: datetime.date) -> tuple[int, list[Sanction]]:
    condition = and_(
        Sanction.status == SanctionStatus.OPEN,
        Sanction.due_on < today,
        Sanction.case_id.in_(select(Case.id).where(Case.sealed_at.is_(None))),
    )
    total = await db.scalar(select(func.count()).select_from(Sanction).where(condition)) or 0
    rows = await db.scalars(
        select(Sanction)
        .where(condition)
        .options(selectinload(Sanction.case).selectinload(Case.youth))
        .order_by(Sanction.due_on)
        .limit(PANEL_ROWS)
    )
    return total, list(rows.all())


async def families_not_contacted(
    db: AsyncSession, today: datetime.date, interval_days: int
) -> tuple[int, list[Any]]:
    """How many open cases are overdue for a contact with the family, and the longest waiting."""
    query = contacts.families_not_contacted(today, interval_days)
    total = await db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = await db.execute(query.limit(PANEL_ROWS))
    return total, list(rows.all())


async def waiting_referrals(
    db: AsyncSession, today: datetime.date, policy: ProgramPolicy
) -> tuple[int, list[Referral]]:
    """Pending referrals older than 30 days, or without a family response past the program's limit."""
    condition = and_(
        Referral.status == ReferralStatus.PENDING,
        or_(
            Referral.received_on < today - datetime.timedelta(days=WAITING_DAYS),
            and_(
                Referral.family_contacted_on.is_(None),
                Referral.received_on < today - datetime.timedelta(days=policy.family_response_days),
            ),
        ),
    )
    total = await db.scalar(select(func.count()).select_from(Referral).where(condition)) or 0
    rows = await db.scalars(
        select(Referral)
        .where(condition)
        .options(selectinload(Referral.youth), selectinload(Referral.source))
        .order_by(Referral.received_on)
        .limit(PANEL_ROWS)
    )
    return total, list(rows.all())


async def follow_ups_due(db: AsyncSession, today: datetime.date) -> tuple[int, list[FollowUpCheck]]:
    condition = and_(
        FollowUpCheck.completed_on.is_(None),
        FollowUpCheck.due_on <= today,
        or_(
            FollowUpCheck.case_id.in_(select(Case.id).where(Case.sealed_at.is_(None))),
            FollowUpCheck.referral_id.is_not(None),
        ),
    )
    total = await db.scalar(select(func.count()).select_from(FollowUpCheck).where(condition)) or 0
    rows = await db.scalars(
        select(FollowUpCheck)
        .where(condition)
        .options(
            selectinload(FollowUpCheck.case).selectinload(Case.youth),
            selectinload(FollowUpCheck.referral).selectinload(Referral.youth),
        )
        .order_by(FollowUpCheck.due_on)
        .limit(PANEL_ROWS)
    )
    return total, list(rows.all())
