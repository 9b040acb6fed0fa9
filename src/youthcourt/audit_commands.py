"""``youthcourt audit``: keep the audit trail to its retention period and set up the app's database role.

``youthcourt audit purge`` (run it daily from cron) deletes audit entries past
``YOUTHCOURT_AUDIT_RETENTION_DAYS``, failed sign-ins older than a day (they no longer count
towards a lock), sign-in sessions that have expired, the once-tokens of forms sent more than
a day ago (see ``web/idempotency.py``), and writes what it did to the trail.
``youthcourt audit grant-app-role ROLE`` (PostgreSQL) gives the app's login role every privilege
it needs except changing or deleting audit entries.
"""

from __future__ import annotations

import asyncio
import datetime
import sys
from dataclasses import asdict, dataclass

import click
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts import lockout
from youthcourt.accounts.models import UserSession
from youthcourt.audit import retention
from youthcourt.audit import service as audit
from youthcourt.audit.app_role import AppRoleError, grant_app_role
from youthcourt.clock import utc_now
from youthcourt.settings import Settings, get_settings
from youthcourt.web import idempotency

PURGE_ACTION = "audit_purge"


@dataclass(frozen=True)
class PurgeCounts:
    audit_entries: int
    sign_in_failures: int
    sessions: int
    sent_forms: int


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


async def purge(db: AsyncSession, settings: Settings, now: datetime.datetime | None = None) -> PurgeCounts:
    """Delete what is past keeping, and record the purge itself as a site-level entry."""
    now = now or utc_now()
    counts = PurgeCounts(
        audit_entries=await retention.purge_entries(db, settings.audit_retention_days, now),
        sign_in_failures=await lockout.purge_failures(db, now),
        sessions=await purge_expired_sessions(db, now),
        sent_forms=await idempotency.purge_spent(db, now),
    )
    audit.record_site_event(
        db,
        PURGE_ACTION,
        actor_name="youthcourt audit purge",
        details={**asdict(counts), "retention_days": settings.audit_retention_days},
    )
    return counts


def _fail(message: str) -> None:
    click.secho(message, fg="red", err=True)
    sys.exit(1)


@click.group(name="audit")
def audit_group() -> None:
    """Keep the audit trail: purge entries past retention, and the app's database role."""


@audit_group.command(name="purge")
def purge_command() -> None:
    """Delete audit entries past retention, old failed sign-ins and expired sessions (run daily)."""
    from youthcourt.database import create_database_config

    settings = get_settings()

    async def run() -> PurgeCounts:
        config = create_database_config(settings)
        try:
            async with config.get_session() as db:
                counts = await purge(db, settings)
                await db.commit()
                return counts
        finally:
            await config.get_engine().dispose()

    counts = asyncio.run(run())
    click.echo(
        f"Audit entries older than {settings.audit_retention_days} days deleted: {counts.audit_entries}."
    )
    click.echo(f"Failed sign-ins older than a day deleted: {counts.sign_in_failures}.")
    click.echo(f"Expired sign-in sessions deleted: {counts.sessions}.")
    click.echo(f"Forms sent more than a day ago forgotten: {counts.sent_forms}.")


@audit_group.command(name="grant-app-role")
@click.argument("role")
def grant_app_role_command(role: str) -> None:
    """Let ROLE (the app's PostgreSQL login) use every table but never change or delete audit entries.

    Run as the owner of the tables, after `youthcourt database upgrade`; then point
    YOUTHCOURT_DATABASE_URL at ROLE for the app, and keep the owner for migrations.
    """
    from youthcourt.database import create_database_config

    async def run() -> list[str]:
        config = create_database_config(get_settings())
        try:
            async with config.get_engine().begin() as connection:
                return await grant_app_role(connection, role)
        finally:
            await config.get_engine().dispose()

    try:
        statements = asyncio.run(run())
    except AppRoleError as error:
        _fail(str(error))
    click.echo(f"Granted to {role} ({len(statements)} statements): every table read and write, except")
    click.echo("audit_entry (read and insert only) and alembic_version (read only).")
