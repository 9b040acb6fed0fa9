"""The gate in front of a sealed case's records: the case, its referral, sanctions, hearings and checks.

A sealed case opens only to a user who recorded, within the last :data:`GRANT_MINUTES` minutes, why
they open it (the audit entry :data:`OPENED`, written by the sealing pages). The one loader each
kind of record uses calls :func:`check` (the referral's, :func:`check_referral`) with the viewer,
so every page that loads the record is gated, whatever its address; the sealing pages alone load
the case without it. A refusal is :class:`CaseSealed`, which the app answers with the sealed
case's cover page (see ``sealing/controllers.py``).

It lives in referrals, the lowest area whose records sealing hides: the referral's loader needs it,
and cases stand above referrals, so the case table is named here rather than imported.
"""

from __future__ import annotations

import datetime
from typing import Any, Protocol
from uuid import UUID

from advanced_alchemy.types import GUID, DateTimeUTC
from sqlalchemy import Date, Select, String, column, func, select, table
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit.models import AuditEntry
from youthcourt.clock import utc_now
from youthcourt.programs.viewer import Viewer

GRANT_MINUTES = 30
"""How long a recorded reason opens a sealed case for the user who gave it."""

OPENED = "sealed_case_opened"
"""The audit action that both records why a sealed case was opened and is the access grant itself."""

CASES = table(
    "youth_case",
    column("id", GUID(length=16)),
    column("referral_id", GUID(length=16)),
    column("youth_id", GUID(length=16)),
    column("number", String),
    column("opened_on", Date),
    column("closed_on", Date),
    column("sealed_at", DateTimeUTC(timezone=True)),
    column("expunged_at", DateTimeUTC(timezone=True)),
)
"""The case table, named rather than imported (cases stand above referrals)."""


class SealedCover(Protocol):
    """What the sealed page shows of a case: its number and dates, never its youth."""

    id: UUID
    number: str
    opened_on: datetime.date
    closed_on: datetime.date | None
    sealed_at: datetime.datetime | None
    expunged_at: datetime.datetime | None


class CaseSealed(Exception):
    """A record of a sealed case was asked for by a user who gave no reason lately."""

    def __init__(self, case: SealedCover) -> None:
        super().__init__(f"case {case.number} is sealed")
        self.case = case


def grant_query(case_id: UUID, user_id: UUID, now: datetime.datetime) -> Select[Any]:
    """The user's recorded reasons for this case within the grant's time (``ix_audit_entry_record``)."""
    return select(func.max(AuditEntry.occurred_at)).where(
        AuditEntry.record_type == "case",
        AuditEntry.record_id == str(case_id),
        AuditEntry.action == OPENED,
        AuditEntry.actor_id == user_id,
        AuditEntry.occurred_at > now - datetime.timedelta(minutes=GRANT_MINUTES),
    )


async def granted_until(db: AsyncSession, case_id: UUID, user_id: UUID) -> datetime.datetime | None:
    """Until when the user may see the sealed case; None when they have given no reason lately."""
    latest = await db.scalar(grant_query(case_id, user_id, utc_now()))
    if latest is None:
        return None
    if latest.tzinfo is None:
        latest = latest.replace(tzinfo=datetime.UTC)
    return latest + datetime.timedelta(minutes=GRANT_MINUTES)


async def check(db: AsyncSession, case: SealedCover, viewer: Viewer | None) -> None:
    """Raise :class:`CaseSealed` when ``case`` is sealed and ``viewer`` has no current grant.

    An unsealed case costs no query: loaders call this with the case they loaded anyway. No
    viewer, no grant: a sealed case stays shut to code that cannot say who is asking.
    """
    if case.sealed_at is None:
        return
    if viewer is None or await granted_until(db, case.id, viewer.user_id) is None:
        raise CaseSealed(case)


async def check_referral(db: AsyncSession, referral_id: UUID, viewer: Viewer | None) -> None:
    """The referral's pages are its case's: gated the same way once the case is sealed.

    Call it with a referral already loaded through the program scope: the named table is not scoped.
    """
    sealed = (
        await db.execute(
            select(*CASES.c).where(CASES.c.referral_id == referral_id, CASES.c.sealed_at.is_not(None))
        )
    ).first()
    if sealed is not None:
        await check(db, sealed, viewer)
