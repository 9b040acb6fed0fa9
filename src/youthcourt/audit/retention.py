"""How long the trail is kept: entries older than the retention setting are deleted, nothing younger.

The database itself refuses to delete an entry younger than a year (a trigger, see migration
80a4d229760f) and refuses any change to an entry, so this is the only way entries leave the trail.
"""

from __future__ import annotations

import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit.models import AuditEntry
from youthcourt.clock import utc_now
from youthcourt.settings import AUDIT_MINIMUM_DAYS


def cutoff(retention_days: int, now: datetime.datetime | None = None) -> datetime.datetime:
    """Entries before this moment are past retention. Never less than a year, whatever is asked."""
    return (now or utc_now()) - datetime.timedelta(days=max(retention_days, AUDIT_MINIMUM_DAYS))


async def purge_entries(db: AsyncSession, retention_days: int, now: datetime.datetime | None = None) -> int:
    """Delete the entries older than the retention period; returns how many went."""
    result = await db.execute(delete(AuditEntry).where(AuditEntry.occurred_at < cutoff(retention_days, now)))
    return result.rowcount or 0
