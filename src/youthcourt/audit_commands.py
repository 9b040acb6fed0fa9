"""``youthcourt audit``: keep the audit trail to its retention period and set up the app's database role.

``youthcourt audit purge`` deletes audit entries past ``YOUTHCOURT_AUDIT_RETENTION_DAYS``,
failed sign-ins older than a day (they no longer count towards a lock), sign-in sessions that
have expired, the once-tokens of forms sent more than a day ago (see ``web/idempotency.py``),
and writes what it did to the trail: what ``youthcourt worker`` does daily (see
``worker/housekeeping.py``), for the owner of the tables where the app's role may not delete
audit entries.
``youthcourt audit grant-app-role ROLE`` (PostgreSQL) gives the app's login role every privilege
it needs except changing or deleting audit entries.
"""

from __future__ import annotations

import asyncio
import sys

import click

from youthcourt.audit.app_role import AppRoleError, grant_app_role
from youthcourt.settings import get_settings
from youthcourt.worker.housekeeping import PurgeCounts, purge


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
    click.echo(f"Failed sign-ins older than a day deleted: {counts.sign_in_failures}.")
    click.echo(f"Expired sign-in sessions deleted: {counts.sessions}.")
    click.echo(f"Forms sent more than a day ago forgotten: {counts.sent_forms}.")
    click.echo(f"Uploads left unimported for a week discarded: {counts.abandoned_imports}.")
    if counts.audit_entries is None:
        _fail(
            "Audit entries past retention were not deleted: this database role may not delete them. "
            "Run `youthcourt audit purge` with the URL of the tables' owner."
        )
    click.echo(
        f"Audit entries older than {settings.audit_retention_days} days deleted: {counts.audit_entries}."
    )


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
