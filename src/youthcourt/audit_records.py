"""How the audit trail names each kind of record: by case number, a staff member's name, or a juror's
first name and initial.

The namers live here, at the app factory's level, because they read the models of every area;
:mod:`youthcourt.audit.records` explains the registry they plug into. Each runs one query for
all the ids of its type on a page, through the reader's program scope, so a record of another
program is never named. A youth is never named: the trail's readers are admins, who open no
case page, so a youth and a referral are named by case number (marked when sealed).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Integer, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts.models import Membership, User, member_name
from youthcourt.audit import records
from youthcourt.audit.records import RecordName
from youthcourt.cases.models import Case, FollowUpCheck
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight
from youthcourt.jurors.models import Booking, Juror
from youthcourt.programs.models import Role
from youthcourt.referrals.models import Referral, Youth
from youthcourt.sanctions.models import Sanction

COORDINATORS = frozenset({Role.COORDINATOR})
STAFF = frozenset({Role.COORDINATOR, Role.PROGRAM_ADMIN})
ADMINS = frozenset({Role.PROGRAM_ADMIN})


def _hidden(case: Any) -> Any:
    """SQL: the case is sealed or expunged."""
    return or_(case.sealed_at.is_not(None), case.expunged_at.is_not(None))


async def _cases(db: AsyncSession, ids: list[UUID]) -> dict[UUID, RecordName]:
    rows = await db.execute(select(Case.id, Case.number, _hidden(Case)).where(Case.id.in_(ids)))
    return {
        case_id: RecordName(
            f"Case {number}" + (" (sealed)" if hidden else ""), f"/cases/{case_id}", COORDINATORS
        )
        for case_id, number, hidden in rows.all()
    }


async def _referrals(db: AsyncSession, ids: list[UUID]) -> dict[UUID, RecordName]:
    """By case number, or by the day it came in: the trail's readers are admins, who see no youth's name."""
    rows = await db.execute(
        select(Referral.id, Referral.received_on, Case.number, _hidden(Case))
        .outerjoin(Case, Case.referral_id == Referral.id)
        .where(Referral.id.in_(ids))
    )
    names = {}
    for referral_id, received_on, number, hidden in rows.all():
        if number:
            label = f"Referral of case {number}" + (" (sealed)" if hidden else "")
        else:
            label = f"Referral received {received_on.isoformat()}"
        names[referral_id] = RecordName(label, f"/referrals/{referral_id}", COORDINATORS)
    return names


async def _youth(db: AsyncSession, ids: list[UUID]) -> dict[UUID, RecordName]:
    """By the youth's first case number: never by name, as the trail's readers may not see it."""
    rows = await db.execute(
        select(Youth.id, func.min(Case.number), func.max(_hidden(Case).cast(Integer)))
        .outerjoin(Case, Case.youth_id == Youth.id)
        .where(Youth.id.in_(ids))
        .group_by(Youth.id)
    )
    return {
        youth_id: RecordName(
            f"Youth of case {number}" + (" (sealed)" if hidden else "") if number else "Youth of a referral"
        )
        for youth_id, number, hidden in rows.all()
    }


async def _users(db: AsyncSession, ids: list[UUID]) -> dict[UUID, RecordName]:
    """Only people with a membership in the reader's program (the scope limits memberships),
    by the name that program knows them by."""
    rows = await db.execute(
        select(User.id, member_name()).join(Membership, Membership.user_id == User.id).where(User.id.in_(ids))
    )
    return {user_id: RecordName(name, f"/admin/users/{user_id}", ADMINS) for user_id, name in rows.all()}


async def _jurors(db: AsyncSession, ids: list[UUID]) -> dict[UUID, RecordName]:
    """By first name and initial, what other young people see: admins read the trail, not the roster."""
    jurors = await db.scalars(select(Juror).where(Juror.id.in_(ids)))
    return {
        juror.id: RecordName(f"Juror {juror.short_name}", f"/jurors/{juror.id}", COORDINATORS)
        for juror in jurors
    }


async def _bookings(db: AsyncSession, ids: list[UUID]) -> dict[UUID, RecordName]:
    rows = await db.execute(
        select(Booking.id, Juror, HearingNight.held_on)
        .join(Juror, Juror.id == Booking.juror_id)
        .join(HearingNight, HearingNight.id == Booking.night_id)
        .where(Booking.id.in_(ids))
    )
    return {
        booking_id: RecordName(
            f"Booking of {juror.short_name} for {held_on.isoformat()}", f"/jurors/{juror.id}", COORDINATORS
        )
        for booking_id, juror, held_on in rows.all()
    }


async def _nights(db: AsyncSession, ids: list[UUID]) -> dict[UUID, RecordName]:
    rows = await db.execute(select(HearingNight.id, HearingNight.held_on).where(HearingNight.id.in_(ids)))
    return {
        night_id: RecordName(f"Hearing night {held_on.isoformat()}", f"/hearings/{night_id}", COORDINATORS)
        for night_id, held_on in rows.all()
    }


async def _hearings(db: AsyncSession, ids: list[UUID]) -> dict[UUID, RecordName]:
    rows = await db.execute(
        select(Hearing.id, Case.number, HearingNight.held_on)
        .join(Case, Case.id == Hearing.case_id)
        .join(Courtroom, Courtroom.id == Hearing.courtroom_id)
        .join(HearingNight, HearingNight.id == Courtroom.night_id)
        .where(Hearing.id.in_(ids))
    )
    return {
        hearing_id: RecordName(
            f"Hearing of case {number}, {held_on.isoformat()}", f"/hearings/slots/{hearing_id}", COORDINATORS
        )
        for hearing_id, number, held_on in rows.all()
    }


async def _sanctions(db: AsyncSession, ids: list[UUID]) -> dict[UUID, RecordName]:
    rows = await db.execute(
        select(Sanction.id, Sanction.sanction_type, Case.number)
        .join(Case, Case.id == Sanction.case_id)
        .where(Sanction.id.in_(ids))
    )
    return {
        sanction_id: RecordName(f"{kind.label}, case {number}", f"/sanctions/{sanction_id}", COORDINATORS)
        for sanction_id, kind, number in rows.all()
    }


async def _checks(db: AsyncSession, ids: list[UUID]) -> dict[UUID, RecordName]:
    rows = await db.execute(
        select(FollowUpCheck.id, FollowUpCheck.window_months, Case.number)
        .outerjoin(Case, Case.id == FollowUpCheck.case_id)
        .where(FollowUpCheck.id.in_(ids))
    )
    return {
        check_id: RecordName(
            f"{months}-month check, " + (f"case {number}" if number else "study referral"),
            f"/follow-ups/{check_id}",
            STAFF,
        )
        for check_id, months, number in rows.all()
    }


def register() -> None:
    for record_type, namer in {
        "case": _cases,
        "referral": _referrals,
        "youth": _youth,
        "user": _users,
        "juror": _jurors,
        "booking": _bookings,
        "hearing_night": _nights,
        "hearing": _hearings,
        "sanction": _sanctions,
        "follow_up_check": _checks,
    }.items():
        records.register(record_type, namer)
