"""The statewide demo, scaled down, loaded on PostgreSQL through the migrations: what it promises holds.

One load for the module, into a database of its own; the tests read it. A smaller load on SQLite
checks the other writer.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import re
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import asyncpg
import pytest
from click.testing import CliRunner
from litestar.testing import AsyncTestClient
from sqlalchemy import event, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.cases.test_case_summaries import SUMMARIES_DISAGREE
from tests.conftest import _postgres_admin, _postgres_url, make_settings
from tests.factories import counting, sign_in
from youthcourt import cli, demo
from youthcourt.accounts.models import Membership, User
from youthcourt.accounts.passwords import verify_password
from youthcourt.app import create_app
from youthcourt.bench.pages import FormReader
from youthcourt.cases.contacts import FAMILIES_NOT_CONTACTED, contact_cutoff
from youthcourt.cases.listing import CaseFilters
from youthcourt.cases.models import CLOSED_STATES, Case, CaseState
from youthcourt.database import create_database_config, upgrade_database
from youthcourt.demo import statewide
from youthcourt.demo.people import DEMO_TOTP_SECRET
from youthcourt.demo.statewide.rows import verify_references
from youthcourt.hearings.models import HearingNight
from youthcourt.hearings.services import HearingService
from youthcourt.jurors.models import Booking, Juror, JurorSource
from youthcourt.jurors.records import absence_flags, service_stats
from youthcourt.outcomes.models import OutcomeEventType
from youthcourt.programs.models import Program
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.reference.models import ProgramPolicy
from youthcourt.reports.cohort import (
    Anchor,
    Cohort,
    _subjects_query,
    cohort_values,
    in_cohort,
    unsearched_checks,
)
from youthcourt.reports.disclosure import EDGE_ROWS, monthly_counts, thin_edge_months
from youthcourt.reports.measures import (
    hearing_waits,
    juror_service,
    quarter_containing,
    service_hours,
    youth_served,
)
from youthcourt.reports.recidivism import ReportOptions
from youthcourt.reports.tallies import tally_statement
from youthcourt.settings import Settings, get_settings
from youthcourt.web.pagination import paginate

SIZE = statewide.Size(programs=2, cases=2000, jurors=400, bookings=5000, years=3)
TODAY = datetime.date.today()


@pytest.fixture(scope="module")
def state(postgres_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    name = f"youthcourt_state_{uuid.uuid4().hex[:10]}"
    asyncio.run(_postgres_admin(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"'))
    settings = make_settings(_postgres_url(name), tmp_path_factory.mktemp("state"))
    try:
        assert asyncio.run(statewide.load(settings, SIZE, today=TODAY, report=lambda _line: None))
        yield settings
    finally:
        asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def query(settings: Settings, sql: str) -> list[tuple]:
    async def run() -> list[tuple]:
        engine = create_database_config(settings).get_engine()
        try:
            async with engine.connect() as connection:
                return [tuple(row) for row in (await connection.execute(text(sql))).all()]
        finally:
            await engine.dispose()

    return asyncio.run(run())


def one(settings: Settings, sql: str) -> object:
    return query(settings, sql)[0][0]


def test_the_counts_are_the_ones_asked_for(state):
    counts = query(
        state,
        "SELECT (SELECT count(*) FROM program), (SELECT count(*) FROM youth_case), "
        "(SELECT count(*) FROM juror), (SELECT count(*) FROM booking)",
    )[0]
    assert counts == (SIZE.programs, SIZE.cases, SIZE.jurors, SIZE.bookings)
    for table in ("referral", "youth", "guardian", "hearing", "disposition", "sanction", "sanction_progress",
                  "contact_log", "case_event", "follow_up_check", "outcome_event", "audit_entry", "credit_entry"):  # fmt: skip
        assert one(state, f"SELECT count(*) FROM {table}"), f"no {table} rows"  # noqa: S608


def test_the_load_leaves_the_tables_vacuumed_and_analysed(state):
    """Index-only scans answer from the index alone once a table's pages are marked all-visible."""
    for table in ("youth_case", "referral", "booking", "audit_entry"):
        pages, visible, rows = query(
            state,
            f"SELECT relpages, relallvisible, reltuples FROM pg_class WHERE relname = '{table}'",  # noqa: S608
        )[0]
        assert rows > 0, f"{table} has no statistics"
        assert visible == pages > 0, f"{table}: {visible} of {pages} pages all-visible"


def test_every_reference_names_a_row_and_the_rows_agree(state):
    async def check() -> None:
        driver = await asyncpg.connect(
            state.database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
        )
        try:
            tables = await driver.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            await verify_references(driver, [row[0] for row in tables])
        finally:
            await driver.close()

    asyncio.run(check())
    disagreements = {
        "a hearing in another program's courtroom": "SELECT count(*) FROM hearing h JOIN courtroom r ON r.id = h.courtroom_id "
        "JOIN youth_case c ON c.id = h.case_id WHERE r.program_id <> c.program_id OR h.program_id <> c.program_id",
        "a booking on another program's night": "SELECT count(*) FROM booking b JOIN juror j ON j.id = b.juror_id "
        "JOIN hearing_night n ON n.id = b.night_id WHERE j.program_id <> n.program_id",
        "a case whose youth is not its referral's": "SELECT count(*) FROM youth_case c JOIN referral r ON r.id = c.referral_id "
        "WHERE r.youth_id <> c.youth_id OR r.status <> 'accepted'",
        "a counter behind its year's numbers": "SELECT count(*) FROM (SELECT program_id, split_part(number, '-', 1)::int AS year, "
        "max(split_part(number, '-', 2)::int) AS last FROM youth_case GROUP BY 1, 2) n "
        "LEFT JOIN case_counter k ON k.program_id = n.program_id AND k.year = n.year WHERE k.last_number IS DISTINCT FROM n.last",
        "a balance that is not the sum of its ledger": "SELECT count(*) FROM juror j LEFT JOIN (SELECT juror_id, sum(amount) AS total "
        "FROM credit_entry GROUP BY 1) e ON e.juror_id = j.id WHERE j.credit_balance <> coalesce(e.total, 0)",
        "a closed case without its follow-up checks": "SELECT count(*) FROM youth_case c WHERE c.state IN ('completed', 'unsuccessful') "
        "AND NOT EXISTS (SELECT 1 FROM follow_up_check f WHERE f.case_id = c.id)",
        "a completed case with a sanction not completed": "SELECT count(*) FROM sanction s JOIN youth_case c ON c.id = s.case_id "
        "WHERE c.state = 'completed' AND s.status <> 'completed'",
        "a sanction completed after its case closed": "SELECT count(*) FROM sanction s JOIN youth_case c ON c.id = s.case_id "
        "WHERE s.completed_on > c.closed_on",
        "a night of jury duty that is not a juror's night": "SELECT count(*) FROM sanction_progress p WHERE p.kind = 'jury_service' "
        "AND NOT EXISTS (SELECT 1 FROM booking b WHERE 'jury-night:' || b.id = p.submission_token AND b.attendance IN ('present', 'late'))",
        "something in the future that has happened": "SELECT (SELECT count(*) FROM case_event WHERE occurred_at > now()) "
        "+ (SELECT count(*) FROM sanction_progress WHERE occurred_on > current_date) "
        "+ (SELECT count(*) FROM booking b JOIN hearing_night n ON n.id = b.night_id WHERE n.held_on >= current_date AND b.attendance IS NOT NULL)",
    }  # fmt: skip
    found = {what: one(state, sql) for what, sql in disagreements.items()}
    assert found == dict.fromkeys(disagreements, 0)


def test_each_case_and_referral_sums_up_its_records_though_the_copy_skipped_the_triggers(state):
    assert one(state, "SELECT count(*) FROM youth_case WHERE first_heard_on IS NOT NULL") > SIZE.cases // 2
    assert one(state, "SELECT count(*) FROM youth_case WHERE checked_until IS NOT NULL") > SIZE.cases // 4
    assert one(state, SUMMARIES_DISAGREE) == 0
    ages_disagree = (
        "SELECT count(*) FROM referral r JOIN youth y ON y.id = r.youth_id WHERE r.youth_age "
        "IS DISTINCT FROM CAST(date_part('year', age(r.received_on, y.date_of_birth)) AS INTEGER)"
    )
    assert one(state, ages_disagree) == 0
    assert one(state, "SELECT count(*) FROM referral WHERE youth_age BETWEEN 10 AND 18") > SIZE.cases // 2


def test_nights_sit_a_few_courtrooms_of_four_to_eight_cases(state):
    per_room = query(
        state,
        "SELECT n.held_on < current_date, min(k), max(k), max(rooms) FROM (SELECT r.night_id, count(*) AS k, "
        "count(*) OVER (PARTITION BY r.night_id) AS rooms FROM courtroom r JOIN hearing h ON h.courtroom_id = r.id "
        "GROUP BY r.night_id, r.id) c JOIN hearing_night n ON n.id = c.night_id GROUP BY 1",
    )
    held = next(row for row in per_room if row[0])
    assert (held[1], held[2]) >= (4, 4) and held[2] <= 8 and held[3] <= 5
    coming = next((row for row in per_room if not row[0]), None)
    assert coming is None or coming[2] <= 8
    empty = one(
        state,
        "SELECT count(*) FROM courtroom r JOIN hearing_night n ON n.id = r.night_id WHERE n.held_on < current_date "
        "AND NOT EXISTS (SELECT 1 FROM hearing h WHERE h.courtroom_id = r.id)",
    )
    assert empty == 0, "every courtroom of a past night heard cases"
    assert one(state, "SELECT count(*) FROM hearing WHERE kind <> 'initial'"), (
        "returning and discharge hearings too"
    )


def test_old_cases_are_closed_and_recent_ones_on_their_way(state):
    states = dict(
        query(
            state,
            "SELECT state, count(*) FROM youth_case WHERE opened_on < current_date - 365 GROUP BY state",
        )
    )
    assert set(states) <= {s.value for s in CLOSED_STATES}
    assert states["completed"] > 3 * (states.get("unsuccessful", 0) + states.get("withdrawn", 0))
    recent = {
        state
        for (state,) in query(
            state, "SELECT DISTINCT state FROM youth_case WHERE opened_on > current_date - 60"
        )
    }
    assert {CaseState.INTAKE.value, CaseState.SANCTIONS_IN_PROGRESS.value} <= recent
    assert one(state, "SELECT count(*) FROM youth_case WHERE state = 'scheduled'"), "cases on coming dockets"
    statuses = dict(query(state, "SELECT status, count(*) FROM referral GROUP BY status"))
    assert {"accepted", "declined", "returned", "pending"} <= set(statuses)
    assert statuses["declined"] + statuses["returned"] < statuses["accepted"] / 5
    offenses = query(
        state,
        "SELECT o.name, count(*) FROM referral r JOIN offense o ON o.id = r.offense_id GROUP BY 1 ORDER BY 2 DESC",
    )
    assert offenses[0][0] == "Petit larceny / shoplifting"
    sources = query(
        state,
        "SELECT s.kind, count(*) FROM referral r JOIN referral_source s ON s.id = r.source_id GROUP BY 1 ORDER BY 2 DESC",
    )
    assert sources[0][0] == "police"


def test_bookings_are_served_on_past_nights_and_answered_for_coming_ones(state):
    past = dict(
        query(
            state,
            "SELECT b.status, count(*) FROM booking b JOIN hearing_night n ON n.id = b.night_id "
            "WHERE n.held_on < current_date GROUP BY 1",
        )
    )
    assert past["confirmed"] > sum(past.values()) / 2
    unrecorded = one(
        state,
        "SELECT count(*) FROM booking b JOIN hearing_night n ON n.id = b.night_id WHERE n.held_on < current_date "
        "AND b.status = 'confirmed' AND b.courtroom_id IS NOT NULL AND b.attendance IS NULL",
    )
    assert unrecorded == 0
    coming = dict(
        query(
            state,
            "SELECT b.status, count(*) FROM booking b JOIN hearing_night n ON n.id = b.night_id "
            "WHERE n.held_on >= current_date GROUP BY 1",
        )
    )
    assert set(coming) <= {"invited", "confirmed", "declined", "waitlisted"}
    assert coming.get("invited", 0) + coming.get("confirmed", 0) > sum(coming.values()) / 2
    sources = dict(query(state, "SELECT source, count(*) FROM juror GROUP BY source"))
    assert sources[JurorSource.FORMER_RESPONDENT.value] > sources[JurorSource.VOLUNTEER.value]
    sentenced = one(
        state,
        "SELECT count(*) FROM juror j WHERE j.source = 'former_respondent' AND NOT EXISTS (SELECT 1 FROM sanction s "
        "JOIN youth_case c ON c.id = s.case_id WHERE c.youth_id = j.youth_id AND s.sanction_type = 'jury_duty')",
    )
    assert sentenced == 0, "former respondents joined through their own jury-duty sentence"


def test_the_demo_accounts_sign_in_to_the_first_program_as_in_the_demo(state):
    async def check() -> tuple[dict[str, User], dict[str, set[str]], Juror, int, int]:
        config = create_database_config(state)
        try:
            async with config.get_session() as db:
                users = {u.email: u for u in (await db.scalars(select(User))).all()}
                rows = await db.execute(
                    select(User.email, Program.slug)
                    .select_from(User)
                    .join(Membership, Membership.user_id == User.id)
                    .join(Program, Program.id == Membership.program_id)
                )
                programs: dict[str, set[str]] = {}
                for email, slug in rows.all():
                    programs.setdefault(email, set()).add(slug)
                juror = await db.scalar(select(Juror).where(Juror.user_id == users["juror@example.org"].id))
                served = await db.scalar(
                    select(func.count())
                    .select_from(Booking)
                    .where(Booking.juror_id == juror.id, Booking.attendance == "present")
                )
                coming = await db.scalar(
                    text(
                        "SELECT count(*) FROM booking b JOIN hearing_night n ON n.id = b.night_id "
                        "WHERE b.juror_id = :juror AND n.held_on >= current_date AND b.status = 'confirmed'"
                    ),
                    {"juror": juror.id},
                )
        finally:
            await config.get_engine().dispose()
        return users, programs, juror, served, coming

    users, programs, juror, served, coming = asyncio.run(check())
    for email, _what in demo.DEMO_LOGINS:
        assert verify_password(users[email].password_hash, demo.DEMO_PASSWORD)
        assert users[email].has_mfa and users[email].totp_secret == DEMO_TOTP_SECRET
        assert programs[email] == {demo.DEMO_PROGRAM_SLUG}
    assert users["admin@example.org"].is_site_admin
    assert juror.source == JurorSource.FORMER_RESPONDENT and juror.youth_id is not None
    assert served >= 1 and coming >= 1, "the demo juror has served nights and has nights coming"
    assert juror.credit_balance > Decimal(0)


async def test_the_coordinator_sees_the_first_programs_cases(state):
    config = create_database_config(state)
    async with config.get_session() as db:
        coordinator = await db.scalar(select(User).where(User.email == "coordinator@example.org"))
        riverside = await db.scalar(select(Program.id).where(Program.slug == demo.DEMO_PROGRAM_SLUG))
        numbers = set(
            (
                await db.scalars(
                    select(Case.number).where(
                        Case.program_id == riverside, Case.state == "sanctions_in_progress"
                    )
                )
            ).all()
        )
    await config.get_engine().dispose()
    app = create_app(state)
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
        await sign_in(client, coordinator)
        page = await client.get("/cases", params={"state": "sanctions_in_progress"})
        dashboard = await client.get("/dashboard")
    await app.state.database.get_engine().dispose()
    assert page.status_code == 200 and "Riverside County Youth Court" in page.text
    shown = set(re.findall(r"(?<![\w-])20\d\d-\d{4}(?![\w-])", page.text))
    assert shown and shown <= numbers, "the coordinator's list holds the first program's cases"
    assert dashboard.status_code == 200


def test_loading_again_changes_nothing(state):
    assert asyncio.run(statewide.load(state, SIZE, today=TODAY, report=lambda _line: None)) is None


def test_sizes_scale_with_the_cases():
    assert statewide.Size.for_cases(200_000) == statewide.Size()
    small = statewide.Size.for_cases(2000)
    assert (small.programs, small.jurors, small.bookings) == (2, 200, 10_000)
    plans = statewide.plans(statewide.Size())
    assert plans[0].slug == demo.DEMO_PROGRAM_SLUG and len({p.slug for p in plans}) == 20
    assert sum(p.cases for p in plans) == 200_000 and sum(p.bookings for p in plans) == 1_000_000


def test_on_sqlite_the_trigger_keeps_the_balances(tmp_path: Path):
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'state.db'}", tmp_path)
    upgrade_database(settings)
    size = statewide.Size(programs=2, cases=300, jurors=60, bookings=600, years=2)
    loaded = asyncio.run(statewide.load(settings, size, today=TODAY, report=lambda _line: None))
    assert loaded is not None and loaded.written.rows["youth_case"] == 300
    wrong = one(
        settings,
        "SELECT count(*) FROM juror j WHERE abs(j.credit_balance - "
        "(SELECT coalesce(sum(amount), 0) FROM credit_entry e WHERE e.juror_id = j.id)) > 0.001",
    )
    assert wrong == 0, "SQLite keeps decimals as floating point: equal to a thousandth"
    assert one(settings, SUMMARIES_DISAGREE) == 0


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("YOUTHCOURT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("YOUTHCOURT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("YOUTHCOURT_ENV", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_command_refuses_production_and_a_database_with_other_programs(environment, monkeypatch):
    runner = CliRunner()
    settings = get_settings()
    upgrade_database(settings)

    async def add_program() -> None:
        config = create_database_config(settings)
        async with config.get_session() as db:
            db.add(Program(name="Another Youth Court", slug="another"))
            await db.commit()
        await config.get_engine().dispose()

    asyncio.run(add_program())
    over_another = runner.invoke(cli.demo_data, ["--scale", "state", "--cases", "100"])
    assert over_another.exit_code == 1 and "Load the statewide set into a new database" in over_another.output
    assert runner.invoke(cli.demo_data, ["--cases", "100"]).exit_code == 1
    monkeypatch.setenv("YOUTHCOURT_ENV", "production")
    monkeypatch.setenv("YOUTHCOURT_SECRET_KEY", "p" * 40)
    get_settings.cache_clear()
    refused = runner.invoke(cli.demo_data, ["--scale", "state"])
    assert refused.exit_code == 1 and "never loaded in production" in refused.output


# The same statements for the demo and for the state ----------------------------------------------------

ROLE_EMAILS = {
    "coordinator": "coordinator@example.org",
    "juror": "juror@example.org",
    "evaluator": "evaluator@example.org",
}
ANY_ID = "[0-9a-f-]{36}"


async def _users(db) -> dict[str, User]:
    return {
        role: await db.scalar(select(User).where(User.email == email)) for role, email in ROLE_EMAILS.items()
    }


async def _page_counts(client, app, users: dict[str, User]) -> dict[str, int]:
    """Statements each key page sends (after a first, warming request), signed in as its role."""
    counts: dict[str, int] = {}

    async def link(path: str, pattern: str) -> str:
        match = re.search(rf'href="({pattern})"', (await client.get(path)).text)
        assert match, f"no link like {pattern} on {path}"
        return match.group(1)

    async def count(pages: dict[str, str]) -> None:
        for name, path in pages.items():
            await client.get(path)
            with counting(app) as statements:
                response = await client.get(path)
            assert response.status_code == 200, path
            counts[name] = len(statements)

    await sign_in(client, users["coordinator"])
    night = await link("/hearings", f"/hearings/{ANY_ID}")
    await count(
        {
            "dashboard": "/dashboard",
            "case list": "/cases",
            "case list, filtered": "/cases?state=sanctions_in_progress",
            "a case page": await link("/cases", f"/cases/{ANY_ID}"),
            "hearing nights": "/hearings",
            "a hearing night": night,
            "a docket": await link(night, f"/hearings/{ANY_ID}/courtrooms/{ANY_ID}/docket"),
            "jurors": "/jurors",
            "follow-ups": "/follow-ups",
        }
    )
    client.cookies.clear()
    await sign_in(client, users["juror"])
    await count({"juror portal": "/me"})
    client.cookies.clear()
    await sign_in(client, users["evaluator"])
    reader = FormReader()
    reader.feed((await client.get("/reports/recidivism")).text)
    await count(
        {
            "recidivism report": f"/reports/recidivism?{urlencode(reader.fields)}",
            "measures": "/reports/measures",
        }
    )
    return counts


@pytest.mark.demo
@pytest.mark.parametrize("worker_database", ["postgresql"], indirect=True)
async def test_each_key_page_sends_as_many_statements_for_the_state_as_for_the_demo(state, app, client, db):
    demo_counts = await _page_counts(client, app, await _users(db))
    config = create_database_config(state)
    async with config.get_session() as state_db:
        state_users = await _users(state_db)
    await config.get_engine().dispose()
    state_app = create_app(state)
    async with AsyncTestClient(app=state_app, base_url="http://testserver.local") as state_client:
        state_counts = await _page_counts(state_client, state_app, state_users)
    await state_app.state.database.get_engine().dispose()

    assert len(demo_counts) == 12
    assert state_counts == demo_counts


class _Caught(Exception):
    """A statement stopped on its way to the database, with its parameters."""


def _catch(_connection, _cursor, statement, parameters, *_args) -> None:
    raise _Caught(statement, parameters)


def _aggregates_under_loops(node: dict, inside_loop: bool = False) -> list[str]:
    """Aggregates a plan runs again for each row of a nested loop around them (not sub-plans)."""
    found = [node["Node Type"]] if inside_loop and node["Node Type"] == "Aggregate" else []
    for child in node.get("Plans", []):
        repeated = inside_loop or (
            node["Node Type"] == "Nested Loop" and child.get("Parent Relationship") == "Inner"
        )
        if child.get("Parent Relationship") != "SubPlan":
            found += _aggregates_under_loops(child, repeated)
    return found


async def test_an_export_of_one_program_reads_each_youths_jury_service_once_not_per_row(state):
    """Each table's program criteria made PostgreSQL expect one row of a program's export, and it ran
    the aggregate of every booking again for each of the program's cases: the download never ended."""

    def subjects(db: AsyncSession, riverside: uuid.UUID) -> Awaitable[object]:
        cohort = Cohort((riverside,), TODAY - datetime.timedelta(days=1100), TODAY)
        return db.execute(_subjects_query().where(in_cohort(cohort)))

    # At this test's size PostgreSQL still joins by hashing; at a state's, believing one row would
    # come, it looped. Whatever it picks, no aggregate may be left for it to repeat.
    plan = await _plan_of(state, subjects, "hashjoin", "mergejoin")
    assert _aggregates_under_loops(plan) == []


def _scans(node: dict) -> set[tuple[str, str]]:
    found = {(node["Node Type"], node["Index Name"])} if "Index Name" in node else set()
    for child in node.get("Plans", []):
        found |= _scans(child)
    return found


async def _plan_of(
    state: Settings,
    run: Callable[[AsyncSession, uuid.UUID], Awaitable[object]],
    *avoid: str,
    analyze: bool = False,
) -> dict:
    """PostgreSQL's plan of the first statement ``run(db, program)`` sends, in the first program's
    scope, with the plan kinds named in ``avoid`` off (``enable_<kind>``): at this test's size a
    whole table is read or hashed more cheaply than at a state's. With ``analyze``, the statement
    is run and the plan holds the rows each step read."""
    config = create_database_config(state)
    async with config.get_session() as db:
        riverside = await db.scalar(select(Program.id).where(Program.slug == demo.DEMO_PROGRAM_SLUG))
        event.listen(config.get_engine().sync_engine, "before_cursor_execute", _catch)
        with program_scope(ProgramScope.of(riverside)), pytest.raises(_Caught) as caught:
            await run(db, riverside)
        statement, parameters = caught.value.args
        driver = (await (await db.connection()).get_raw_connection()).driver_connection
        if avoid:
            await driver.execute("; ".join(f"SET LOCAL enable_{kind} = off" for kind in avoid))
        explain = "EXPLAIN (ANALYZE, FORMAT JSON)" if analyze else "EXPLAIN (FORMAT JSON)"
        plan = await driver.fetchval(f"{explain} {statement}", *parameters)
    await config.get_engine().dispose()
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


async def test_a_page_of_jurors_service_is_read_from_the_bookings_index_alone(state):
    """Each juror's bookings lie on as many of the table's pages as they have nights."""
    config = create_database_config(state)
    async with config.get_session() as db:
        jurors = list(await db.scalars(select(Booking.juror_id).distinct().limit(25)))
    await config.get_engine().dispose()
    policy = ProgramPolicy(absence_limit=3, absence_window=10)

    for run in (lambda db, _: service_stats(db, jurors), lambda db, _: absence_flags(db, jurors, policy)):
        plan = await _plan_of(state, run, "seqscan", "bitmapscan")
        assert ("Index Only Scan", "ix_booking_juror_service") in _scans(plan)
    # The absences are counted over each juror's latest nights: each booking's night was read from
    # the table for its date (751 nights for a page of a statewide program's jurors, 2 ms a view).
    plan = await _plan_of(state, lambda db, _: absence_flags(db, jurors, policy), "seqscan", "bitmapscan")
    assert _reads(plan)["hearing_night"] == {"Index Only Scan"}, _reads(plan)


async def test_a_search_by_part_of_a_name_or_number_is_found_through_the_trigram_indexes(state):
    """``LIKE '%mar%'`` on a name or a number: the trigram indexes must match the expressions the
    search writes, or PostgreSQL reads every case and youth of the program for each search."""
    plan = await _plan_of(state, lambda db, _: db.execute(*CaseFilters.read({"q": "Mar"}).query()), "seqscan")
    assert {"ix_youth_program_name_trigrams", "ix_youth_case_number_trigrams"} <= {
        name for _, name in _scans(plan)
    }


async def test_a_search_reads_the_matching_cases_from_indexes_not_each_from_the_table(state):
    """A search for "mar" matched 871 youth of a statewide program: the name index held every
    program's names (14,000 matches to set aside), and each matching case was then read from the
    table by its key for its date and number, about half of the search's 12 ms."""
    query, values = CaseFilters.read({"q": "Mar"}).query()
    plan = await _plan_of(
        state, lambda db, _: paginate(db, query, 1, run_once=True, params=values), "seqscan"
    )
    scans = _scans(plan)
    assert ("Bitmap Index Scan", "ix_youth_program_name_trigrams") in scans, scans
    assert ("Index Only Scan", "ix_youth_case_youth_listed") in scans, scans
    assert ("Index Scan", "pk_youth_case") not in scans, scans


async def test_a_quarters_jury_service_is_counted_from_its_nights_bookings_in_the_index(state):
    """From the quarter's nights, not from every juror of the program (41 ms on a statewide one)."""
    quarter = quarter_containing(TODAY - datetime.timedelta(days=100))
    plan = await _plan_of(state, lambda db, _: juror_service(db, quarter), "seqscan", "bitmapscan")
    assert ("Index Only Scan", "ix_booking_night_status") in _scans(plan)
    # The former respondents among them from one read of the program's, not one lookup of each of
    # a quarter's 1,278 bookings' jurors (about 2 ms of each view of the measures).
    assert ("Index Only Scan", "ix_juror_program_source") in _scans(plan), _scans(plan)
    assert "juror" not in _relations_outside_subplans(plan)


async def test_a_quarters_community_service_is_counted_from_indexes_alone(state):
    """The service ordered (the quarter's dispositions' sanctions) and served (its hours logged):
    PostgreSQL read each sanction and each progress entry from the table for its kind, case and
    amount, one page each (about 1,500 pages a view on a statewide program)."""
    quarter = quarter_containing(TODAY - datetime.timedelta(days=100))
    plan = await _plan_of(state, lambda db, _: service_hours(db, quarter), "seqscan", "bitmapscan")
    reads = _reads(plan)
    assert reads["sanction"] == {"Index Only Scan"} and reads["sanction_progress"] == {"Index Only Scan"}, (
        reads
    )
    # Hours are logged on community service alone: each of a quarter's 1,136 entries was joined to
    # its sanction for its type (3 ms); only the ordered side reads sanctions.
    assert len(_nodes_of(plan, "sanction")) == 1, _nodes_of(plan, "sanction")


def _reads(node: dict) -> dict[str, set[str]]:
    """How the plan reads each table: the kinds of scan of it (an index's scan names its table)."""
    found: dict[str, set[str]] = {}
    if "Relation Name" in node:
        found.setdefault(node["Relation Name"], set()).add(node["Node Type"])
    for child in node.get("Plans", []):
        for table, kinds in _reads(child).items():
            found.setdefault(table, set()).update(kinds)
    return found


def _relations_outside_subplans(node: dict) -> set[str]:
    found = {node["Relation Name"]} if "Relation Name" in node else set()
    for child in node.get("Plans", []):
        if child.get("Parent Relationship") != "SubPlan":
            found |= _relations_outside_subplans(child)
    return found


async def test_the_families_to_contact_name_only_the_youth_shown(state):
    """Joined, PostgreSQL read every open case's youth before filtering (437 for 12 rows)."""
    rows = FAMILIES_NOT_CONTACTED.params(contact_cutoff(TODAY, interval_days=30)).limit(8)
    plan = await _plan_of(state, lambda db, _: db.execute(rows), "hashjoin", "mergejoin")
    assert "youth" not in _relations_outside_subplans(plan)


async def test_a_nights_case_picker_names_only_the_youth_shown(state):
    """Joined, PostgreSQL read the youth of each of a statewide program's 286 schedulable cases to
    show ten of them; searched by name, the youth are joined, as the search needs them."""
    config = create_database_config(state)
    async with config.get_session() as db:
        night_id = await db.scalar(select(HearingNight.id).order_by(HearingNight.held_on.desc()).limit(1))
    await config.get_engine().dispose()
    night = SimpleNamespace(id=night_id)
    plan = await _plan_of(
        state, lambda db, _: HearingService(db).schedulable_cases(night), "hashjoin", "mergejoin"
    )
    assert "youth" not in _relations_outside_subplans(plan)
    plan = await _plan_of(
        state, lambda db, _: HearingService(db).schedulable_cases(night, search="mar"), "seqscan"
    )
    assert "youth" in _relations_outside_subplans(plan)


def _nodes_of(node: dict, relation: str) -> list[dict]:
    found = [node] if node.get("Relation Name") == relation else []
    for child in node.get("Plans", []):
        found += _nodes_of(child, relation)
    return found


async def test_the_families_to_contact_set_aside_cases_contacted_since_before_reading_referrals(state):
    """Each open case's referral was read for its family contact day, to set aside all but a few
    (417 of a statewide program's 437 open cases, 13 microseconds each): a case contacted or
    opened since the cutoff is set aside by what the case holds, before its referral is read."""
    rows = FAMILIES_NOT_CONTACTED.params(contact_cutoff(TODAY, interval_days=30)).limit(8)
    plan = await _plan_of(state, lambda db, _: db.execute(rows), "hashjoin", "mergejoin")
    (cases,) = _nodes_of(plan, "youth_case")
    assert "opened_on" in cases.get("Filter", "") and "contacted_until" in cases.get("Filter", ""), cases


async def test_the_families_to_contact_read_open_cases_and_their_contacts_from_indexes(state):
    """Each of a statewide program's 437 open cases was read from the table, and each of their
    contacts too, for its program (the scope's condition): 3.5 ms of each dashboard view; then each
    open case's latest contact from the log's index (2.5 ms)."""
    rows = FAMILIES_NOT_CONTACTED.params(contact_cutoff(TODAY, interval_days=30)).limit(8)
    plan = await _plan_of(state, lambda db, _: db.execute(rows), "seqscan", "bitmapscan")
    # Each case holds its latest logged contact (``youth_case.contacted_until``): no log is read.
    assert "contact_log" not in _reads(plan), _reads(plan)
    assert ("Index Only Scan", "ix_youth_case_open") in _scans(plan), _scans(plan)


async def test_a_reports_edge_months_are_read_from_the_edges_of_its_range(state):
    """A report's first and last months (and the nearest full ones) were found by counting every
    case of the range by month: 5,600 cases of a statewide program's three years, 4.5 ms a view."""
    cohort = Cohort((uuid.uuid4(),), datetime.date(TODAY.year - 3, 1, 1), TODAY)
    plan = await _plan_of(
        state,
        lambda db, program: thin_edge_months(db, replace(cohort, program_ids=(program,)), 11),
        analyze=True,
    )
    config = create_database_config(state)
    async with config.get_session() as db:
        in_range = await db.scalar(
            select(func.count())
            .select_from(Case)
            .join(Program, Program.id == Case.program_id)
            .where(Program.slug == demo.DEMO_PROGRAM_SLUG, Case.referred_on >= cohort.referred_from)
        )
    await config.get_engine().dispose()
    assert in_range > 4 * EDGE_ROWS
    assert 0 < _rows_read(plan, "youth_case") <= 2 * EDGE_ROWS


def _rows_read(node: dict, relation: str) -> int:
    """The rows an analyzed plan read from ``relation`` (through any index of it)."""
    found = node["Actual Rows"] * node["Actual Loops"] if node.get("Relation Name") == relation else 0
    return found + sum(_rows_read(child, relation) for child in node.get("Plans", []))


async def test_the_recidivism_report_reads_its_cohorts_cases_and_checks_from_indexes(state):
    """A statewide program's 12,500 cases lie on 6,640 of the table's pages, which the report read
    twice a view (its months' counts and its tallies); then it read every case of the program from
    an index to join them to the range's referrals. The cohort is now one range of an index of the
    cases by their referral's day, and no referral is read. It also read all 34,000 of the
    program's checks to count the few that searched no record system."""

    def cohort(program: uuid.UUID) -> Cohort:
        return Cohort((program,), datetime.date(TODAY.year - 3, 1, 1), TODAY)

    options = ReportOptions(frozenset({OutcomeEventType.ARREST, OutcomeEventType.CHARGE}), Anchor.CLOSURE, 12)
    for run in (
        lambda db, program: monthly_counts(db, cohort(program)),
        lambda db, program: db.execute(tally_statement(options), cohort_values(cohort(program))),
    ):
        plan = await _plan_of(state, run, "seqscan", "bitmapscan")
        assert ("Index Only Scan", "ix_youth_case_cohort") in _scans(plan)
        assert "referral" not in _relations_outside_subplans(plan)
    # The unsearched checks (none here) are looked up first; cases and referrals are read only for
    # those found, whatever PostgreSQL expects of the cohort (hash joins off, it would read it first).
    plan = await _plan_of(state, lambda db, program: unsearched_checks(db, cohort(program)), "hashjoin")
    assert _relations_outside_subplans(plan) == {"follow_up_check"}
    assert "ix_follow_up_check_unsearched" in {name for _, name in _scans(plan)}


async def test_a_quarters_youth_served_are_counted_from_the_closed_cases_index_alone(state):
    """As one condition (still open, or closed since the quarter began), PostgreSQL combined two
    ranges of the index and read each case from the table for its opening day and youth (991
    pages, 2.3 ms of the measures page on a statewide program)."""
    quarter = quarter_containing(TODAY - datetime.timedelta(days=100))
    plan = await _plan_of(state, lambda db, _: youth_served(db, quarter), "seqscan", "bitmapscan")
    scans = _scans(plan)
    assert scans and scans <= {("Index Only Scan", "ix_youth_case_program_closed")}, scans


async def test_a_quarters_hearing_waits_read_no_referral(state):
    """Joined, PostgreSQL hashed the quarter's few hundred cases and read all 14,000 of the program's
    referrals to find theirs (3 ms of the measures page); looked up by key, it read one for each
    case. Each case holds its referral's day: the waits read the quarter's cases alone."""
    quarter = quarter_containing(TODAY - datetime.timedelta(days=100))
    plan = await _plan_of(state, lambda db, _: hearing_waits(db, quarter), "seqscan", "bitmapscan")
    assert _relations_outside_subplans(plan) == {"youth_case"}
    assert "pk_referral" not in {name for _, name in _scans(plan)}
