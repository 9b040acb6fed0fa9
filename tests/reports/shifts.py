"""The date shift an export gives a youth, worked out from the database for a test's expectations."""

from __future__ import annotations

import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.cases.models import Case
from youthcourt.programs.models import Program
from youthcourt.referrals.models import Referral
from youthcourt.reports import exports


async def export_shift(db: AsyncSession, program: Program, youth_id: UUID) -> datetime.timedelta:
    """The youth's offset as a shifted file applies it: around each of their cases, among the nights."""
    rows = await db.execute(
        select(Referral.received_on, Case.first_heard_on)
        .select_from(Case)
        .join(Referral, Case.referral_id == Referral.id)
        .where(Case.program_id == program.id, Case.youth_id == youth_id)
    )
    cases = [exports.Dated(referred_on, heard_on) for referred_on, heard_on in rows]
    nights = (await exports.nights_of(db, [program.id])).get(program.id, ())
    days = exports.shift_days(program.research_key, youth_id, cases, nights)
    return datetime.timedelta(days=days)
