"""Deleting what is past keeping: audit entries past retention, old failed sign-ins, expired sessions,
and the staged rows of uploads nobody imported.

Run daily by the worker, and by ``youthcourt audit purge``. On PostgreSQL the app's own role
may not delete audit entries (``youthcourt audit grant-app-role``): then the entries are left
for the owner of the tables to purge, and everything else is deleted all the same.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts import lockout
from youthcourt.accounts.models import UserSession
from youthcourt.audit import retention
from youthcourt.audit import service as audit
from youthcourt.clock import utc_now
from youthcourt.imports import services as imports
from youthcourt.settings import Settings
from youthcourt.web import idempotency

PURGE_ACTION = "audit_purge"


@dataclass(frozen=True)
class PurgeCounts:
    audit_entries: int | None
    """``None`` when this database role may not delete audit entries."""
    sign_in_failures: int
    sessions: int
    sent_forms: int
    abandoned_imports: int
    """Uploads left staged past :data:`youthcourt.imports.services.ABANDONED_AFTER`, discarded."""


async def purge_expired_sessions(db: AsyncSession, now: datetime.datetime) -> int:
    """Sessions past their absolute end or idle longer than their own idle limit."""
    deleted = (await db.execute(delete(UserSession).where(UserSession.expires_at <= now))).rowcount or 0
    # Idle limits differ per program; there are only a few distinct values, one DELETE each.
    for minutes in (await db.scalars(select(UserSession.idle_minutes).distinct())).all():
        idle_since = now - datetime.timedelta(minutes=minutes)
        result = await db.execute(
            delete(UserSession).where(
                UserSession.idle_minutes == minutes, UserSession.last_seen_at <= idle_since
            )
        )
        deleted += result.rowcount or 0
    return deleted


async def may_delete_audit_entries(db: AsyncSession) -> bool:
    """Whether this connection's role may delete audit entries (SQLite has no roles: the triggers guard)."""
    if db.get_bind().dialect.name != "postgresql":
        return True
    return bool(await db.scalar(text("SELECT has_table_privilege('audit_entry', 'DELETE')")))


async def purge(
    db: AsyncSession,
    settings: Settings,
    now: datetime.datetime | None = None,
    *,
    actor_name: str = "youthcourt audit purge",
) -> PurgeCounts:
    """Delete what is past keeping, and record the purge itself as a site-level entry."""
    now = now or utc_now()
    allowed = await may_delete_audit_entries(db)
    counts = PurgeCounts(
        audit_entries=await retention.purge_entries(db, settings.audit_retention_days, now)
        if allowed
        else None,
        sign_in_failures=await lockout.purge_failures(db, now),
        sessions=await purge_expired_sessions(db, now),
        sent_forms=await idempotency.purge_spent(db, now),
        abandoned_imports=await imports.discard_abandoned(db, now),
    )
    audit.record_site_event(
        db,
        PURGE_ACTION,
        actor_name=actor_name,
        details={**asdict(counts), "retention_days": settings.audit_retention_days},
    )
    return counts
