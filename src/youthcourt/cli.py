"""The ``youthcourt`` command: Litestar's command line plus our own commands.

``youthcourt run`` serves the app and ``youthcourt worker`` does its scheduled work (mail,
reminders, automatic sealing, housekeeping; one or more, on any servers sharing the database).
``youthcourt database upgrade`` (and the other Advanced Alchemy database commands),
``youthcourt demo-data``, ``youthcourt create-user``, ``youthcourt backup`` and
``youthcourt restore``, ``youthcourt documents to-database``, and ``youthcourt audit``. The
worker's jobs can also be run once by hand: ``youthcourt send-mail``, ``youthcourt seal-due``
and ``youthcourt audit purge``.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import click

from youthcourt.settings import Settings, SettingsError, get_settings


def _fail(message: str) -> None:
    click.secho(message, fg="red", err=True)
    sys.exit(1)


async def _with_session(work):  # type: ignore[no-untyped-def]
    from youthcourt.database import create_database_config

    config = create_database_config(get_settings())
    try:
        async with config.get_session() as db:
            result = await work(db)
            await db.commit()
            return result
    finally:
        await config.get_engine().dispose()


@click.command(name="demo-data")
@click.option(
    "--scale",
    type=click.Choice(["demo", "state"]),
    default="demo",
    help="demo: one program to explore. state: 20 programs, 200,000 cases (PostgreSQL, a new database).",
)
@click.option(
    "--cases",
    type=click.IntRange(min=100),
    default=None,
    help="With --scale state: this many cases instead (programs, jurors and bookings in proportion).",
)
def demo_data(scale: str, cases: int | None) -> None:
    """Load the demo program and its accounts (once; a second run changes nothing)."""
    from youthcourt import demo

    settings = get_settings()
    if settings.is_production:
        _fail("Demo data is never loaded in production (YOUTHCOURT_ENV=production).")
    if scale == "state":
        _load_statewide(settings, cases)
        return
    if cases is not None:
        _fail("--cases goes with --scale state.")
    loaded = asyncio.run(_with_session(demo.load))
    click.echo("Demo data loaded." if loaded else "Demo data is already loaded; nothing changed.")
    click.echo(demo.logins_text())


def _load_statewide(settings: Settings, cases: int | None) -> None:
    from youthcourt import demo
    from youthcourt.demo import statewide

    if settings.is_sqlite:
        click.secho(
            "The statewide set is made for PostgreSQL; on SQLite it loads many times slower.",
            fg="yellow",
            err=True,
        )
    size = statewide.Size.for_cases(cases) if cases else statewide.Size()
    click.echo(
        f"Loading {size.programs} programs, {size.cases:,} cases, {size.jurors:,} jurors, {size.bookings:,} bookings."
    )
    try:
        loaded = asyncio.run(statewide.load(settings, size, report=click.echo))
    except (statewide.DatabaseNotEmpty, statewide.LoadFailed) as error:
        _fail(str(error))
    if loaded is None:
        click.echo("The statewide set is already loaded; nothing changed.")
    else:
        click.echo(statewide.summary(loaded))
    click.echo(demo.logins_text())


@click.command(name="create-user")
@click.option("--email", prompt=True, help="The person's email address; they sign in with it.")
@click.option("--name", "full_name", prompt="Full name", help="The person's full name.")
@click.option("--site-admin", is_flag=True, help="Make the user a site administrator (manages programs).")
@click.option("--program", "program_slug", default=None, help="Short name of a program to add the user to.")
@click.option(
    "--role", type=click.Choice(["coordinator", "juror", "evaluator", "program_admin"]), default=None
)
@click.password_option(help="The password (asked twice when not given).")
def create_user(
    email: str, full_name: str, site_admin: bool, program_slug: str | None, role: str | None, password: str
) -> None:
    """Create a user, for example the first administrator of a new installation."""
    from sqlalchemy import select

    from youthcourt.accounts.forms import NewAccountForm
    from youthcourt.accounts.models import Membership
    from youthcourt.accounts.passwords import password_problem
    from youthcourt.accounts.services import UserService
    from youthcourt.programs.models import Program, Role

    form = NewAccountForm.read({"email": email, "full_name": full_name}).form
    if problem := password_problem(password, email=email):
        form.error("password", problem)
    if bool(program_slug) != bool(role):
        form.error("role", "Give --program and --role together.")
    if not site_admin and not program_slug:
        form.error("role", "Give --site-admin, or --program and --role.")
    if form.errors:
        _fail("\n".join(form.errors.values()))

    async def work(db):  # type: ignore[no-untyped-def]
        users = UserService(session=db)
        if await users.get_by_email(email):
            _fail("A user with this email already exists.")
        user = await users.create_user(
            email=email,
            full_name=full_name.strip(),
            password=password,
            must_change=False,
            site_admin=site_admin,
        )
        if program_slug:
            program = await db.scalar(select(Program).where(Program.slug == program_slug))
            if program is None:
                _fail(f"No program has the short name '{program_slug}'.")
            db.add(Membership(program_id=program.id, user_id=user.id, role=Role(role)))
        return user

    asyncio.run(_with_session(work))
    click.echo("User created. They can sign in now.")


@click.command(name="send-mail")
def send_mail() -> None:
    """Queue the reminders for hearing nights in two days, then send the pending mail of every program."""
    from youthcourt.jurors.delivery import deliver_pending
    from youthcourt.jurors.reminders import queue_everywhere
    from youthcourt.surveys.services import register_email

    register_email()
    smtp = get_settings().smtp

    async def work(db):  # type: ignore[no-untyped-def]
        queued = await queue_everywhere(db)
        await db.commit()
        sent, failed = await deliver_pending(db, smtp, limit=1000)
        return queued, sent, failed

    queued, sent, failed = asyncio.run(_with_session(work))
    click.echo(f"Reminders queued: {queued}.")
    if smtp.enabled:
        click.echo(f"Messages sent: {sent}. Failed: {failed}.")
    else:
        click.echo("No mail server is set (YOUTHCOURT_SMTP_HOST): messages stay in the outbox. Sent: 0.")


@click.command(name="backup")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the database backup (default: <data dir>/backups/youthcourt-<UTC time>.sqlite3 or .dump).",
)
def backup(output: Path | None) -> None:
    """Back up the database and the uploaded documents; safe while the app runs."""
    from youthcourt.backup import BackupError, back_up, human_size

    try:
        written = back_up(get_settings(), output)
    except BackupError as error:
        _fail(str(error))
    for item in written:
        click.echo(f"Backed up to {item.path} ({human_size(item.size_bytes)}).")
    if get_settings().documents_in_database:
        click.echo("Uploaded documents are kept in the database: its backup holds them.")
    elif len(written) == 1:
        click.echo("There are no uploaded documents to back up.")
    click.echo("These files hold children's records: keep them encrypted and off this server.")


@click.command(name="restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (required in production).")
def restore(path: Path, yes: bool) -> None:
    """Replace the database (and the uploaded documents beside the backup) with a backup. Stop the app first."""
    from youthcourt.backup import BackupError, human_size
    from youthcourt.backup import restore as restore_backup

    settings = get_settings()
    if not yes:
        if settings.is_production:
            _fail("Restoring replaces every record. In production, stop the app and run again with --yes.")
        click.confirm(
            "Restoring replaces every record in the database. Is the app stopped, and go on?", abort=True
        )
    try:
        restored = restore_backup(settings, path)
    except BackupError as error:
        _fail(str(error))
    for item in restored:
        click.echo(f"Restored from {item.path} ({human_size(item.size_bytes)}).")
    if len(restored) == 1:
        click.echo("No uploads archive was beside the backup: the uploaded documents were left as they are.")
    click.echo("If the backup is from an older version, run `youthcourt database upgrade --no-prompt` now.")


@click.command(name="seal-due")
def seal_due() -> None:
    """Seal the completed cases past each program's auto-seal time (run daily; a second run seals nothing)."""
    from youthcourt.sealing.services import seal_due as seal_due_cases

    sealed = asyncio.run(_with_session(seal_due_cases))
    click.echo(f"Cases sealed: {sum(sealed.values())} (in {len(sealed)} programs with automatic sealing).")


@click.command(name="worker")
@click.option(
    "--interval",
    type=click.FloatRange(min=1),
    default=30.0,
    show_default=True,
    envvar="YOUTHCOURT_WORKER_INTERVAL",
    help="Seconds between rounds (or YOUTHCOURT_WORKER_INTERVAL).",
)
@click.option(
    "--once", is_flag=True, help="Do one round and stop (for cron or a test); fails if any part failed."
)
def worker(interval: float, once: bool) -> None:
    """Send mail, queue reminders, seal due cases and delete what is past keeping, on schedule.

    Run one or more, on any servers that share the database: each message is sent once and each
    daily job runs once a day, whatever the number of workers.
    """
    import logging

    from youthcourt.worker.loop import run

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    last = asyncio.run(run(get_settings(), interval=interval, once=once))
    if once:
        for line in last.done or ["Nothing was due."]:
            click.echo(line)
        if last.failed:
            _fail("\n".join(last.failed))


@click.group(name="documents")
def documents_group() -> None:
    """Where uploaded documents are kept (YOUTHCOURT_DOCUMENT_STORE)."""


@documents_group.command(name="to-database")
def documents_to_database() -> None:
    """Copy the documents kept in the uploads folder into the database (once, when changing stores)."""
    from youthcourt.referrals.document_store import copy_folder_to_database

    settings = get_settings()
    result = asyncio.run(_with_session(lambda db: copy_folder_to_database(db, settings.upload_dir)))
    click.echo(f"Documents copied into the database: {result.copied}. Already there: {result.already}.")
    if result.missing or result.damaged:
        click.secho(
            f"Not copied: {result.missing} with no file in {settings.upload_dir}, "
            f"{result.damaged} whose file does not match its checksum.",
            fg="yellow",
        )
    if settings.documents_in_database:
        click.echo(
            f"The files in {settings.upload_dir} are no longer read: delete them once a backup holds them."
        )
    else:
        click.echo("Set YOUTHCOURT_DOCUMENT_STORE=database (or leave it empty on PostgreSQL) to serve them.")


def main() -> None:
    os.environ.setdefault("LITESTAR_APP", "youthcourt.app:create_app")
    try:
        get_settings()
    except SettingsError as error:
        _fail(str(error))
    from litestar.cli.main import litestar_group

    litestar_group.add_command(demo_data)
    litestar_group.add_command(create_user)
    litestar_group.add_command(send_mail)
    litestar_group.add_command(backup)
    litestar_group.add_command(restore)
    from youthcourt.audit_commands import audit_group  # `youthcourt audit purge` / `grant-app-role`

    litestar_group.add_command(audit_group)
    litestar_group.add_command(seal_due)
    litestar_group.add_command(documents_group)
    litestar_group.add_command(worker)
    litestar_group(prog_name="youthcourt")
