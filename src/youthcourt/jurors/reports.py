"""Figures about the jury pool for coordinators and grant reports.

Each figure is one aggregate query over the program's bookings and jurors.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Float, Select, and_, case, cast, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.hearings.models import HearingNight
from youthcourt.jurors.models import Booking, Juror, JurorSource, JurorStatus
from youthcourt.jurors.records import ATTENDED, COUNTED

MONTHS = 12
TOP = 10


def _count_if(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


async def status_counts(db: AsyncSession) -> dict[JurorStatus, int]:
    rows = await db.execute(select(Juror.status, func.count()).group_by(Juror.status))
    found = {status: int(count) for status, count in rows.all()}
    return {status: found.get(status, 0) for status in JurorStatus}


async def active_by_source(db: AsyncSession) -> dict[JurorSource, int]:
    rows = await db.execute(
        select(Juror.source, func.count()).where(Juror.status == JurorStatus.ACTIVE).group_by(Juror.source)
    )
    found = {source: int(count) for source, count in rows.all()}
    return {source: found.get(source, 0) for source in JurorSource}


@dataclass(frozen=True)
class AttendanceFigure:
    attended: int
    counted: int

    @property
    def rate(self) -> float | None:
        return self.attended / self.counted if self.counted else None


async def overall_attendance(db: AsyncSession) -> AttendanceFigure:
    """Present or late over every night that counts (attendance recorded, excused left out)."""
    row = (
        await db.execute(
            select(_count_if(Booking.attendance.in_(ATTENDED)), func.count()).where(
                Booking.attendance.in_(COUNTED)
            )
        )
    ).one()
    return AttendanceFigure(int(row[0] or 0), int(row[1] or 0))


@dataclass(frozen=True)
class JurorAttendance:
    juror_id: UUID
    name: str
    attended: int
    counted: int

    @property
    def rate(self) -> float | None:
        return self.attended / self.counted if self.counted else None


async def top_attendance(db: AsyncSession, limit: int = TOP) -> list[JurorAttendance]:
    """The jurors with the best attendance, most nights first among equals."""
    attended = _count_if(Booking.attendance.in_(ATTENDED))
    counted = func.count(Booking.id)
    rate = cast(attended, Float) / counted
    rows = await db.execute(
        select(Juror.id, Juror.first_name, Juror.last_name, attended, counted)
        .join(Booking, Booking.juror_id == Juror.id)
        .where(Booking.attendance.in_(COUNTED))
        .group_by(Juror.id, Juror.first_name, Juror.last_name)
        .order_by(rate.desc(), counted.desc(), Juror.last_name, Juror.first_name, Juror.id)
        .limit(limit)
    )
    return [
        JurorAttendance(juror_id, f"{first} {last}", int(n_attended or 0), int(n_counted or 0))
        for juror_id, first, last, n_attended, n_counted in rows.all()
    ]


@dataclass(frozen=True)
class MonthHours:
    month: datetime.date
    """The first day of the month."""
    hours: Decimal
    jurors: int


def first_month(today: datetime.date, months: int = MONTHS) -> datetime.date:
    """The first day of the month ``months - 1`` months before today's."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return datetime.date(index // 12, index % 12 + 1, 1)


async def hours_by_month(db: AsyncSession, today: datetime.date, months: int = MONTHS) -> list[MonthHours]:
    """Hours jurors served in each of the last ``months`` months (this one included), oldest first."""
    start = first_month(today, months)
    year = func.extract("year", HearingNight.held_on)
    month = func.extract("month", HearingNight.held_on)
    rows = await db.execute(
        select(year, month, func.sum(Booking.hours), func.count(distinct(Booking.juror_id)))
        .join(HearingNight, HearingNight.id == Booking.night_id)
        .where(HearingNight.held_on >= start, HearingNight.held_on <= today, Booking.hours > 0)
        .group_by(year, month)
    )
    found = {
        (int(y), int(m)): (Decimal(str(hours or 0)), int(jurors or 0)) for y, m, hours, jurors in rows.all()
    }
    result = []
    for offset in range(months):
        index = start.year * 12 + start.month - 1 + offset
        day = datetime.date(index // 12, index % 12 + 1, 1)
        hours, jurors = found.get((day.year, day.month), (Decimal(0), 0))
        result.append(MonthHours(day, hours, jurors))
    return result


def night_shares(today: datetime.date) -> Select:
    """Past nights, newest first, with the jurors present and how many of them were former respondents.

    Rows: (night id, date, present, former respondents). For :func:`paginate`.
    """
    present = func.count(Booking.id)
    former = _count_if(Juror.source == JurorSource.FORMER_RESPONDENT)
    return (
        select(HearingNight.id, HearingNight.held_on, present, former)
        .outerjoin(Booking, and_(Booking.night_id == HearingNight.id, Booking.attendance.in_(ATTENDED)))
        .outerjoin(Juror, Juror.id == Booking.juror_id)
        .where(HearingNight.held_on <= today, HearingNight.is_cancelled.is_(False))
        .group_by(HearingNight.id, HearingNight.held_on)
        .order_by(HearingNight.held_on.desc(), HearingNight.id)
    )
