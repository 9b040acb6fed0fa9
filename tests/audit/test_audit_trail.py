"""The audit trail cannot be changed, is kept for its retention period, and program admins can export it.

Immutability is checked below the app, with raw SQL through the app's own engine: the database
refuses, whatever code asks. On PostgreSQL the app's login role also lacks the privilege.
"""

from __future__ import annotations

import asyncio
import csv
import datetime
import io
import os
import secrets
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import bindparam, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from tests.conftest import POSTGRES_ADMIN_URL, _postgres_admin, _postgres_url, make_settings
from tests.factories import make_program, make_user, post_form, sign_in, sign_in_with_form
from youthcourt.accounts.models import SignInFailure, UserSession
from youthcourt.app import create_app
from youthcourt.audit import retention
from youthcourt.audit.models import AuditEntry
from youthcourt.audit_commands import audit_group
from youthcourt.database import create_database_config
from youthcourt.programs.models import Program, Role
from youthcourt.settings import get_settings
from youthcourt.web.idempotency import FormSubmission
from youthcourt.worker import loop as worker_loop

NOW = datetime.datetime.now(datetime.UTC)
TWO_YEARS_AGO = NOW - datetime.timedelta(days=730)
YESTERDAY = NOW - datetime.timedelta(days=1)


def entry(program: Program | None, action: str = "case_view", *, at: datetime.datetime = NOW, **fields: Any):
    return AuditEntry(
        program_id=program.id if program else None,
        occurred_at=at,
        actor_name=fields.pop("actor_name", "Test Actor"),
        action=action,
        record_type=fields.pop("record_type", "case"),
        record_id=fields.pop("record_id", str(uuid.uuid4())),
        **fields,
    )


async def add(db: AsyncSession, *entries: AuditEntry) -> list[AuditEntry]:
    db.add_all(entries)
    await db.commit()
    return list(entries)


def by_id(sql: str, target: AuditEntry) -> Any:
    """Plain SQL naming one entry; the id is bound with the column's type (SQLite stores it as bytes)."""
    return text(sql).bindparams(bindparam("id", value=target.id, type_=AuditEntry.__table__.c.id.type))


# The database refuses changes ------------------------------------------------------------------------


async def test_the_database_refuses_to_change_an_entry(app: Litestar, db: AsyncSession) -> None:
    program = await make_program(db)
    (kept,) = await add(db, entry(program, at=TWO_YEARS_AGO))

    async with app.state.session_maker() as session:
        with pytest.raises(DBAPIError, match="audit entries cannot be changed"):
            await session.execute(
                by_id("UPDATE audit_entry SET action = 'nothing_happened' WHERE id = :id", kept)
            )
        await session.rollback()

    assert await db.scalar(select(AuditEntry.action).where(AuditEntry.id == kept.id)) == "case_view"


@pytest.mark.parametrize("age", [datetime.timedelta(0), datetime.timedelta(days=364)])
async def test_the_database_refuses_to_delete_an_entry_younger_than_a_year(
    app: Litestar, db: AsyncSession, age: datetime.timedelta
) -> None:
    program = await make_program(db)
    (recent,) = await add(db, entry(program, at=NOW - age))

    async with app.state.session_maker() as session:
        with pytest.raises(DBAPIError, match="audit entries are kept at least 365 days"):
            await session.execute(by_id("DELETE FROM audit_entry WHERE id = :id", recent))
        await session.rollback()

    assert await db.scalar(select(func.count()).where(AuditEntry.id == recent.id)) == 1


async def test_the_retention_purge_deletes_only_entries_past_retention(db: AsyncSession) -> None:
    program = await make_program(db)
    old, recent = await add(db, entry(program, at=TWO_YEARS_AGO), entry(program, at=YESTERDAY))

    assert await retention.purge_entries(db, 2555) == 0, "seven years: both are kept"
    assert await retention.purge_entries(db, 365) == 1
    assert await retention.purge_entries(db, 30) == 0, "never less than a year, whatever is asked"
    await db.commit()

    remaining = (await db.scalars(select(AuditEntry.id))).all()
    assert remaining == [recent.id] and old.id not in remaining


async def test_emptying_the_trail_is_refused_on_postgresql(postgres_db: str) -> None:
    connection = await asyncpg.connect(_plain_url(postgres_db))
    try:
        with pytest.raises(asyncpg.RaiseError, match="the audit trail cannot be emptied"):
            await connection.execute("TRUNCATE audit_entry")
    finally:
        await connection.close()


def test_no_route_of_the_app_changes_or_deletes_entries(app: Litestar) -> None:
    audit_routes = {
        route.path: {m for handler in route.route_handlers for m in handler.http_methods}
        for route in app.routes
        if route.path == "/audit" or route.path.startswith("/audit/")
    }
    assert set(audit_routes) == {"/audit", "/audit/search", "/audit/export"}
    # Filtering by who (a staff member's name) is posted, to keep the name out of addresses: these only read.
    searches = {"/audit/search": {"POST"}, "/audit/export": {"POST"}}
    for path, methods in audit_routes.items():
        assert methods <= {"GET", "HEAD", "OPTIONS"} | searches.get(path, set()), f"{path} accepts {methods}"


# The app's own PostgreSQL role --------------------------------------------------------------------------


def _plain_url(database: str, user: str | None = None, password: str | None = None) -> str:
    url = make_url(POSTGRES_ADMIN_URL).set(database=database)
    if user:
        url = url.set(username=user, password=password)
    return url.render_as_string(hide_password=False)


@pytest.fixture
def postgres_db(postgres_template: str) -> Iterator[str]:
    """A fresh migrated PostgreSQL database, for the tests that are about PostgreSQL alone."""
    name = f"youthcourt_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_postgres_admin(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"'))
    yield name
    asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def app_role(postgres_db: str) -> Iterator[tuple[str, str]]:
    """A login role with no privileges yet; dropped after the database it was granted in."""
    role, password = f"youthcourt_app_{uuid.uuid4().hex[:8]}", secrets.token_hex(12)
    asyncio.run(_postgres_admin(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'"))
    yield role, password
    asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{postgres_db}" WITH (FORCE)', f"DROP ROLE {role}"))


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> Iterator[Any]:
    def use(database_url: str, **extra: str) -> None:
        monkeypatch.setenv("YOUTHCOURT_DATABASE_URL", database_url)
        monkeypatch.setenv("YOUTHCOURT_DATA_DIR", str(tmp_path))
        monkeypatch.delenv("YOUTHCOURT_ENV", raising=False)
        for name, value in extra.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield use
    get_settings.cache_clear()


async def _as_app_role(url: str, program_id: uuid.UUID) -> None:
    connection = await asyncpg.connect(url)
    try:
        entry_id = uuid.uuid4()
        await connection.execute(
            "INSERT INTO audit_entry (id, program_id, occurred_at, actor_name, action, outcome, details) "
            "VALUES ($1, $2, now(), '', 'case_view', 'success', '{}')",
            entry_id,
            program_id,
        )
        assert await connection.fetchval("SELECT count(*) FROM audit_entry WHERE id = $1", entry_id) == 1
        for statement in (
            "UPDATE audit_entry SET action = 'nothing_happened'",
            "DELETE FROM audit_entry",
            "TRUNCATE audit_entry",
            "DELETE FROM alembic_version",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
                await connection.execute(statement)
        await connection.execute("UPDATE program SET name = name WHERE id = $1", program_id)
    finally:
        await connection.close()


def test_the_apps_role_can_add_to_the_trail_but_never_change_it(postgres_db, app_role, environment, tmp_path):
    role, password = app_role
    owner = make_settings(_postgres_url(postgres_db), tmp_path)

    async def program_and_admin() -> tuple[uuid.UUID, str]:
        config = create_database_config(owner)
        async with config.get_session() as db:
            program = await make_program(db)
            admin = await make_user(db, program, Role.PROGRAM_ADMIN)
        await config.get_engine().dispose()
        return program.id, admin.email

    program_id, admin_email = asyncio.run(program_and_admin())
    environment(_postgres_url(postgres_db))
    result = CliRunner().invoke(audit_group, ["grant-app-role", role])
    assert result.exit_code == 0, result.output
    assert "audit_entry (read and insert only)" in result.output
    again = CliRunner().invoke(audit_group, ["grant-app-role", role])
    assert again.exit_code == 0, "granting again changes nothing and does not fail"

    asyncio.run(_as_app_role(_plain_url(postgres_db, role, password), program_id))

    app_url = make_url(_postgres_url(postgres_db)).set(username=role, password=password)

    async def use_the_app() -> None:
        app = create_app(make_settings(app_url.render_as_string(hide_password=False), tmp_path))
        async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
            assert (await client.get("/login")).status_code == 200
            assert (await sign_in_with_form(client, admin_email)).status_code == 303
            page = await client.get("/audit?action=sign_in")
            assert page.status_code == 200 and "sign in" in page.text
            export = await client.get("/audit/export")
            assert export.status_code == 200 and "sign_in" in export.text
            assert "audit export" in (await client.get("/audit")).text

    asyncio.run(use_the_app())


def test_purging_as_the_apps_role_deletes_all_but_the_trail_which_is_left_to_the_owner(
    postgres_db, app_role, environment, tmp_path
):
    role, password = app_role
    owner = make_settings(_postgres_url(postgres_db), tmp_path)

    async def old_failure() -> None:
        config = create_database_config(owner)
        async with config.get_session() as db:
            user = await make_user(db, await make_program(db))
            db.add(SignInFailure(user_id=user.id, occurred_at=NOW - datetime.timedelta(days=2)))
            await db.commit()
        await config.get_engine().dispose()

    asyncio.run(old_failure())
    environment(_postgres_url(postgres_db))
    assert CliRunner().invoke(audit_group, ["grant-app-role", role]).exit_code == 0
    app_url = make_url(_postgres_url(postgres_db)).set(username=role, password=password)
    environment(app_url.render_as_string(hide_password=False))

    purged = CliRunner().invoke(audit_group, ["purge"])
    worker_round = asyncio.run(worker_loop.run(get_settings(), once=True))

    assert purged.exit_code == 1
    assert "Failed sign-ins older than a day deleted: 1." in purged.output
    assert "this database role may not delete them" in purged.output
    assert not worker_round.failed, "the worker's daily housekeeping runs as the app's role too"
    assert any(line.startswith("housekeeping: 0 audit entries") for line in worker_round.done)


def test_the_role_command_refuses_what_it_cannot_do(environment, postgres_db, tmp_path):
    environment(_postgres_url(postgres_db))
    missing = CliRunner().invoke(audit_group, ["grant-app-role", "no_such_role_here"])
    assert missing.exit_code == 1 and "There is no role 'no_such_role_here'" in missing.output
    injected = CliRunner().invoke(audit_group, ["grant-app-role", 'x"; DROP TABLE program; --'])
    assert injected.exit_code == 1 and "is not a role name" in injected.output

    environment(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    sqlite = CliRunner().invoke(audit_group, ["grant-app-role", "youthcourt_app"])
    assert sqlite.exit_code == 1 and "PostgreSQL only" in sqlite.output


# Retention: `youthcourt audit purge` --------------------------------------------------------------------


def test_the_purge_command_deletes_what_is_past_keeping_and_records_itself(
    environment, database_url, settings
):
    async def seed() -> dict[str, Any]:
        config = create_database_config(settings)
        async with config.get_session() as db:
            program = await make_program(db)
            user = await make_user(db, program)
            old, recent = await add(db, entry(program, at=TWO_YEARS_AGO), entry(program, at=YESTERDAY))
            db.add_all(
                [
                    SignInFailure(user_id=user.id, occurred_at=NOW - datetime.timedelta(days=2)),
                    SignInFailure(user_id=user.id, occurred_at=NOW - datetime.timedelta(hours=1)),
                    FormSubmission(key="sent two days ago", created_at=NOW - datetime.timedelta(days=2)),
                    FormSubmission(key="sent an hour ago", created_at=NOW - datetime.timedelta(hours=1)),
                    _session(user.id, expires=NOW - datetime.timedelta(minutes=1), seen=NOW),
                    _session(
                        user.id,
                        expires=NOW + datetime.timedelta(hours=5),
                        seen=NOW - datetime.timedelta(hours=1),
                    ),
                    _session(
                        user.id,
                        expires=NOW + datetime.timedelta(hours=5),
                        seen=NOW - datetime.timedelta(minutes=5),
                    ),
                ]
            )
            await db.commit()
        await config.get_engine().dispose()
        return {"old": old.id, "recent": recent.id}

    async def state() -> dict[str, Any]:
        config = create_database_config(settings)
        async with config.get_session() as db:
            found = {
                "entries": set(
                    (await db.scalars(select(AuditEntry.id).where(AuditEntry.action == "case_view"))).all()
                ),
                "failures": await db.scalar(select(func.count(SignInFailure.id))),
                "sessions": await db.scalar(select(func.count(UserSession.id))),
                "purges": (
                    await db.scalars(select(AuditEntry).where(AuditEntry.action == "audit_purge"))
                ).all(),
            }
        await config.get_engine().dispose()
        return found

    ids = asyncio.run(seed())
    environment(database_url)
    first = CliRunner().invoke(audit_group, ["purge"])
    assert first.exit_code == 0, first.output
    assert "Audit entries older than 2555 days deleted: 0." in first.output
    assert "Failed sign-ins older than a day deleted: 1." in first.output
    assert "Expired sign-in sessions deleted: 2." in first.output
    assert "Forms sent more than a day ago forgotten: 1." in first.output
    after_first = asyncio.run(state())
    assert after_first["entries"] == {ids["old"], ids["recent"]}, "seven years by default: both are kept"
    assert after_first["failures"] == 1 and after_first["sessions"] == 1

    environment(database_url, YOUTHCOURT_AUDIT_RETENTION_DAYS="365")
    second = CliRunner().invoke(audit_group, ["purge"])
    assert second.exit_code == 0, second.output
    assert "Audit entries older than 365 days deleted: 1." in second.output
    after = asyncio.run(state())
    assert after["entries"] == {ids["recent"]}
    purges = sorted(after["purges"], key=lambda e: e.occurred_at)
    assert [p.details for p in purges] == [
        {
            "audit_entries": 0,
            "sign_in_failures": 1,
            "sessions": 2,
            "sent_forms": 1,
            "abandoned_imports": 0,
            "retention_days": 2555,
        },
        {
            "audit_entries": 1,
            "sign_in_failures": 0,
            "sessions": 0,
            "sent_forms": 0,
            "abandoned_imports": 0,
            "retention_days": 365,
        },
    ]
    assert all(p.program_id is None and p.actor_id is None for p in purges), "site-level entries"


def _session(user_id: uuid.UUID, *, expires: datetime.datetime, seen: datetime.datetime) -> UserSession:
    return UserSession(
        token_hash=secrets.token_hex(32),
        user_id=user_id,
        last_seen_at=seen,
        expires_at=expires,
        idle_minutes=30,
    )


def test_the_audit_commands_are_part_of_the_youthcourt_command(tmp_path: Path) -> None:
    command = Path(sys.executable).with_name("youthcourt")
    env = {**os.environ, "YOUTHCOURT_DATA_DIR": str(tmp_path), "YOUTHCOURT_ENV": "development"}
    shown = subprocess.run(  # noqa: S603 - our own command with fixed arguments
        [command, "audit", "--help"], capture_output=True, text=True, check=False, env=env
    )
    assert shown.returncode == 0, shown.stderr
    assert "purge" in shown.stdout and "grant-app-role" in shown.stdout


# Export ------------------------------------------------------------------------------------------------


def read_csv(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"))))


async def test_the_export_holds_the_filtered_entries_of_the_program_only(client, db) -> None:
    program, other = await make_program(db), await make_program(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    ours = await add(db, *(entry(program, "case_view") for _ in range(3)), entry(program, "referral_view"))
    theirs = await add(db, entry(other, "case_view"), entry(other, "referral_view"))
    await add(db, entry(None, "case_view"))
    await sign_in(client, admin)

    response = await client.get("/audit/export?action=case_view")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-disposition"].startswith('attachment; filename="audit-trail-')
    rows = read_csv(response)
    assert {row["record_id"] for row in rows} == {e.record_id for e in ours[:3]}
    assert {row["action"] for row in rows} == {"case_view"}
    assert {row["program_id"] for row in rows} == {str(program.id)}
    everything = read_csv(await client.get("/audit/export"))
    assert not {e.record_id for e in theirs} & {row["record_id"] for row in everything}
    assert {row["program_id"] for row in everything} == {str(program.id)}, "no site-level entries either"
    exported = (
        await db.scalars(
            select(AuditEntry).where(AuditEntry.action == "audit_export").order_by(AuditEntry.occurred_at)
        )
    ).all()
    assert [e.details for e in exported] == [{"action": "case_view"}, {}]
    assert all(e.actor_id == admin.id and e.program_id == program.id for e in exported)


async def test_the_export_takes_every_filter_of_the_list_and_keeps_names_out_of_the_trail(client, db) -> None:
    program = await make_program(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    target = str(uuid.uuid4())
    await add(
        db,
        entry(program, "case_view", record_id=target, actor_name="Quinn Reviewer"),
        entry(program, "case_view", record_id=target, actor_name="Other Person", outcome="denied"),
        entry(program, "case_view", record_id=target, actor_name="Quinn Reviewer", at=TWO_YEARS_AGO),
        entry(program, "case_view", actor_name="Quinn Reviewer"),
    )
    await sign_in(client, admin)
    today = NOW.date().isoformat()
    query = {"record_type": "case", "record_id": target, "outcome": "success", "start": today, "end": today}

    rows = read_csv(await post_form(client, "/audit/export", {"actor": "quinn", **query}))

    assert [(row["actor_name"], row["record_id"], row["outcome"]) for row in rows] == [
        ("Quinn Reviewer", target, "success")
    ]
    exported = await db.scalar(select(AuditEntry).where(AuditEntry.action == "audit_export"))
    assert exported.details["actor"] == "filtered" and "quinn" not in str(exported.details).lower()
    bad = await client.get("/audit/export?start=2026-05-02&end=2026-05-01")
    assert bad.status_code == 422 and "The last day must be on or after the first day." in bad.text


async def test_the_audit_page_offers_the_export_of_what_it_shows(client, db) -> None:
    program = await make_program(db)
    await sign_in_with_form(client, await make_user(db, program, Role.PROGRAM_ADMIN))

    page = await client.get("/audit?action=sign_in&outcome=success")

    assert 'href="/audit/export?action=sign_in&amp;outcome=success"' in page.text


@pytest.mark.parametrize("role", [Role.JUROR, Role.COORDINATOR, Role.EVALUATOR])
async def test_only_program_admins_export_the_trail(client, db, role: Role) -> None:
    program = await make_program(db)
    await sign_in_with_form(client, await make_user(db, program, role))

    response = await client.get("/audit/export")

    assert response.status_code == 403
    assert "occurred_at_utc" not in response.text
    assert await db.scalar(select(func.count()).where(AuditEntry.action == "audit_export")) == 0
