"""How long reports and exports take on a large program, and how much memory they need.

Run it from a checkout::

    python -m youthcourt.reports.benchmark --cases 100000
    python -m youthcourt.reports.benchmark --cases 100000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/youthcourt_bench

Without ``--database-url`` it builds a scratch SQLite database in a temporary folder. With a
PostgreSQL URL it creates the database the URL names (it must not exist yet), and drops it
at the end. Either way the schema comes from the project's migrations, and synthetic data
(two programs, their offenses, sources, youth, referrals, cases, hearings, follow-up checks,
new offenses and former respondents serving on juries) is written with bulk inserts.

Then each step runs in a fresh process, so its memory can be read on its own: loading the
cohort and building a recidivism report, and the full de-identified export in each format
(every byte of the stream consumed). The table gives seconds, rows, output size, the
process's peak resident memory and how far it grew during the step; the exports should
grow about as much for 2,000 cases as for 100,000. Nothing here is a test, and nothing of a
real program is read.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import multiprocessing
import random
import resource
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import Table, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from youthcourt.cases.models import Case, CaseState, FollowUpCheck
from youthcourt.database import create_database_config, upgrade_database
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight, HearingOutcome
from youthcourt.jurors.models import Attendance, Booking, BookingStatus, Juror, JurorSource, JurorStatus
from youthcourt.outcomes.models import OutcomeEvent, OutcomeEventType, RecordSystem
from youthcourt.programs.models import Program
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.reference.models import Offense, OffenseClass, ReferralSource, SourceKind
from youthcourt.referrals.models import Referral, ReferralStatus, Youth
from youthcourt.reports import exports
from youthcourt.reports.cohort import Anchor, Cohort
from youthcourt.reports.recidivism import Grouping, ReportOptions, report_from_tallies
from youthcourt.reports.tallies import tally_in_database
from youthcourt.settings import Settings, normalise_database_url

INSERT_BATCH = 5000
PROGRAMS = ("Benchmark County Youth Court", "Benchmark City Teen Court")
CATEGORIES = ("property", "person", "drug", "public order")
GENDERS = ("Female", "Male", "Non-binary", "")
RACES = ("Black", "White", "Hispanic or Latino", "Asian", "Two or more", "")
YEARS = 6
CHECK_WINDOWS = (6, 12)
SECRET = "benchmark-secret-key-0123456789-abcdefghij"  # noqa: S105 - a scratch database's settings


def settings_for(database_url: str, data_dir: Path) -> Settings:
    return Settings(env="development", database_url=database_url, secret_key=SECRET, data_dir=data_dir)


# --- the scratch database ------------------------------------------------------------------


def _admin_dsn(url: str) -> tuple[str, str]:
    """A libpq address of the server's maintenance database, and the scratch database's name."""
    parsed = make_url(url)
    name = parsed.database or ""
    if not name or name in ("postgres", "template0", "template1"):
        raise SystemExit("Name a scratch database in --database-url, for example .../youthcourt_bench")
    admin = parsed.set(drivername="postgresql", database="postgres")
    return admin.render_as_string(hide_password=False), name


async def _create_postgres(url: str) -> None:
    dsn, name = _admin_dsn(url)
    connection = await asyncpg.connect(dsn)
    try:
        if await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            raise SystemExit(
                f"The database {name} exists already: name one the benchmark may create and drop."
            )
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def _drop_postgres(url: str) -> None:
    dsn, name = _admin_dsn(url)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


# --- synthetic data ------------------------------------------------------------------------


@dataclass
class Rows:
    """Rows per table, in the order they must be inserted."""

    tables: dict[Table, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, model: Any, **values: Any) -> uuid.UUID:
        row_id = values.setdefault("id", uuid.uuid4())
        self.tables.setdefault(model.__table__, []).append(values)
        return row_id

    def count(self, model: Any) -> int:
        return len(self.tables.get(model.__table__, []))


@dataclass
class SyntheticProgram:
    id: uuid.UUID
    sources: list[uuid.UUID]
    offenses: list[tuple[uuid.UUID, str]]
    nights: list[tuple[datetime.date, uuid.UUID, uuid.UUID]]
    """Hearing nights, oldest first: the date, the night and its one courtroom."""


def _programs(rows: Rows, today: datetime.date) -> list[SyntheticProgram]:
    programs = []
    for index, name in enumerate(PROGRAMS):
        program_id = rows.add(Program, name=name, slug=f"benchmark-{index}")
        sources = [
            rows.add(ReferralSource, program_id=program_id, name=f"{kind.value.title()} agency", kind=kind)
            for kind in SourceKind
        ]
        offenses = [
            (
                rows.add(
                    Offense,
                    program_id=program_id,
                    name=f"{category} offense {offense_class.value}",
                    category=category,
                    offense_class=offense_class,
                ),
                category,
            )
            for category in CATEGORIES
            for offense_class in OffenseClass
        ]
        nights = []
        day = today - datetime.timedelta(days=365 * YEARS)
        while day <= today + datetime.timedelta(days=60):
            night_id = rows.add(
                HearingNight,
                program_id=program_id,
                held_on=day,
                starts_at=datetime.time(18),
                ends_at=datetime.time(20, 30),
                location="Courthouse",
            )
            room_id = rows.add(Courtroom, program_id=program_id, night_id=night_id, name="Courtroom A")
            nights.append((day, night_id, room_id))
            day += datetime.timedelta(days=14)
        programs.append(SyntheticProgram(program_id, sources, offenses, nights))
    return programs


def _night_after(program: SyntheticProgram, day: datetime.date) -> tuple[datetime.date, uuid.UUID, uuid.UUID]:
    first = program.nights[0][0]
    index = min(max((day - first).days // 14 + 1, 0), len(program.nights) - 1)
    return program.nights[index]


def generate(cases: int, today: datetime.date, seed: int = 2026) -> Rows:
    """A deterministic population of ``cases`` cases spread over two programs and six years."""
    rng = random.Random(seed)
    rows = Rows()
    programs = _programs(rows, today)
    day = datetime.timedelta(days=1)
    for number in range(cases):
        program = programs[number % len(programs)]
        received = today - rng.randint(1, 365 * YEARS) * day
        youth_id = rows.add(
            Youth,
            program_id=program.id,
            first_name=f"First{number}",
            last_name=f"Last{number}",
            date_of_birth=received - rng.randint(10 * 365, 17 * 365) * day,
            gender=rng.choice(GENDERS),
            race_ethnicity=rng.choice(RACES),
        )
        offense_id, category = rng.choice(program.offenses)
        referral_id = rows.add(
            Referral,
            program_id=program.id,
            youth_id=youth_id,
            source_id=rng.choice(program.sources),
            source_reference=f"REF-{number:07d}",
            received_on=received,
            incident_date=received - rng.randint(1, 20) * day,
            offense_id=offense_id,
            status=ReferralStatus.ACCEPTED,
        )
        _case(rows, rng, program, number, youth_id, referral_id, received, category, today)
    return rows


def _case(
    rows: Rows,
    rng: random.Random,
    program: SyntheticProgram,
    number: int,
    youth_id: uuid.UUID,
    referral_id: uuid.UUID,
    received: datetime.date,
    category: str,
    today: datetime.date,
) -> None:
    day = datetime.timedelta(days=1)
    intake = received + rng.randint(5, 25) * day
    heard_on, _night, room = _night_after(program, intake)
    closed = heard_on + rng.randint(60, 150) * day
    if closed <= today:
        state = rng.choices(
            (CaseState.COMPLETED, CaseState.UNSUCCESSFUL, CaseState.WITHDRAWN), weights=(85, 10, 5)
        )[0]
    else:
        state, closed = CaseState.SANCTIONS_IN_PROGRESS, None
    case_id = rows.add(
        Case,
        program_id=program.id,
        number=f"{received.year}-{number:07d}",
        referral_id=referral_id,
        youth_id=youth_id,
        state=state if intake <= today else CaseState.INTAKE,
        opened_on=received,
        intake_on=intake if intake <= today else None,
        closed_on=closed,
    )
    if heard_on <= today:
        rows.add(
            Hearing, program_id=program.id, courtroom_id=room, case_id=case_id, outcome=HearingOutcome.HELD
        )
    if closed is None:
        return
    checked_until = None
    for months in CHECK_WINDOWS:
        due = closed + months * 30 * day
        done = due + rng.randint(0, 20) * day
        rows.add(
            FollowUpCheck,
            program_id=program.id,
            case_id=case_id,
            window_months=months,
            due_on=due,
            completed_on=done if done <= today else None,
            records_searched="police,juvenile_court" if done <= today else "",
        )
        checked_until = done if done <= today else checked_until
    if checked_until and rng.random() < 0.15:
        for _ in range(rng.randint(1, 3)):
            rows.add(
                OutcomeEvent,
                program_id=program.id,
                case_id=case_id,
                occurred_on=received + rng.randint(30, (checked_until - received).days) * day,
                event_type=rng.choice(list(OutcomeEventType)),
                offense_category=category,
                source=RecordSystem.POLICE,
            )
    if state is CaseState.COMPLETED and rng.random() < 0.3:
        juror_id = rows.add(
            Juror,
            program_id=program.id,
            source=JurorSource.FORMER_RESPONDENT,
            status=JurorStatus.ACTIVE,
            youth_id=youth_id,
            first_name="Juror",
            last_name=str(number),
        )
        _served, night, _room = _night_after(program, heard_on + 20 * day)
        rows.add(
            Booking,
            program_id=program.id,
            juror_id=juror_id,
            night_id=night,
            status=BookingStatus.CONFIRMED,
            attendance=Attendance.PRESENT,
        )


def _batches(items: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def insert(engine: AsyncEngine, rows: Rows) -> None:
    """Bulk inserts, a batch per statement (executemany), no ORM objects.

    PostgreSQL then gathers its planner statistics, as its autovacuum would within a minute of
    a bulk load; without them it plans for empty tables and the timings mean nothing.
    """
    async with engine.begin() as connection:
        for table, items in rows.tables.items():
            for batch in _batches(items, INSERT_BATCH):
                await connection.execute(table.insert(), batch)
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            await connection.execute(text("ANALYZE"))
            await connection.commit()


# --- the measured steps (each in its own process) ------------------------------------------


def _memory_mib() -> tuple[float, float]:
    """The process's resident memory now, and its peak since the last :func:`_reset_peak`.

    Read from /proc on Linux (the peak of a freshly started process is its own there);
    elsewhere both are the lifetime peak that ``getrusage`` reports.
    """
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return peak, peak
    values = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return int(values["VmRSS"].split()[0]) / 1024, int(values["VmHWM"].split()[0]) / 1024


def _reset_peak() -> float:
    """Start measuring a new peak from the memory in use now (Linux 4.0+; elsewhere nothing to do)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    return _memory_mib()[0]


def _measure(step: str, seconds: float, rows: int | None, output: str, baseline: float) -> Measure:
    peak = _memory_mib()[1]
    return Measure(step, seconds, rows, output, peak, peak - baseline)


@dataclass
class Measure:
    step: str
    seconds: float
    rows: int | None = None
    output: str = ""
    peak_mib: float = 0.0
    growth_mib: float = 0.0


async def _load_and_report(database_url: str, data_dir: str) -> list[Measure]:
    """The report as the page builds it (tallies counted by the database), for three choices."""
    config = create_database_config(settings_for(database_url, Path(data_dir)))
    session_maker = config.create_session_maker()
    cohort = await _cohort(session_maker)
    measures = []
    for anchor, grouping in (
        (Anchor.CLOSURE, Grouping.COMPLETION),
        (Anchor.REFERRAL, Grouping.AGE_BAND),
        (Anchor.HEARING, Grouping.NONE),
    ):
        options = ReportOptions(frozenset(OutcomeEventType), anchor, 12, grouping)
        baseline = _reset_peak()
        started = time.perf_counter()
        with program_scope(ProgramScope.of(*cohort.program_ids)):
            async with session_maker() as session:
                tallies, without_anchor = await tally_in_database(session, cohort, options)
                report = report_from_tallies(tallies, without_anchor, [], options, 10)
        youth = sum(row.counts["cohort"] for row in report.groups) + without_anchor
        step = f"recidivism report ({anchor.value} anchor, 12 months, by {grouping.value})"
        measures.append(_measure(step, time.perf_counter() - started, youth, "", baseline))
    await config.get_engine().dispose()
    return measures


async def _cohort(session_maker: async_sessionmaker[AsyncSession]) -> Cohort:
    async with session_maker() as session:
        program_ids = tuple((await session.scalars(select(Program.id).order_by(Program.slug))).all())
    today = datetime.date.today()
    return Cohort(program_ids, today - datetime.timedelta(days=365 * YEARS + 1), today)


async def _export(database_url: str, data_dir: str, file_format: str, dates: str) -> list[Measure]:
    config = create_database_config(settings_for(database_url, Path(data_dir)))
    session_maker = config.create_session_maker()
    cohort = await _cohort(session_maker)
    async with session_maker() as session:
        rows = await session.execute(select(Program.id, Program.name, Program.research_key))
        keys = {pid: exports.ProgramKey(pid, name, key) for pid, name, key in rows}
    spec = exports.ExportSpec(
        cohort, exports.DateHandling(dates), exports.ExportFormat(file_format), keys, datetime.date.today()
    )
    progress = exports.Progress()
    size = 0
    baseline = _reset_peak()
    started = time.perf_counter()
    async for chunk in exports.export_chunks(session_maker, spec, progress):
        size += len(chunk)
    seconds = time.perf_counter() - started
    await config.get_engine().dispose()
    if not progress.finished:
        raise RuntimeError("the export stopped before the end")
    output = f"{size / 1024 / 1024:.1f} MiB"
    return [_measure(f"export {file_format} ({dates})", seconds, progress.rows, output, baseline)]


def _run_step(step: Callable[..., Any], *args: str) -> list[Measure]:
    return asyncio.run(step(*args))


def measure_in_child(step: Callable[..., Any], *args: str) -> list[Measure]:
    """Run a step in a fresh interpreter so its peak memory is its own."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_run_step, (step, *args))


# --- the command ---------------------------------------------------------------------------


def print_table(title: str, measures: list[Measure]) -> None:
    print(title)
    width = max(len(m.step) for m in measures)
    header = f"{'step':<{width}} {'seconds':>8} {'rows':>9} {'output':>10} {'peak RSS':>10} {'growth':>9}"
    print(header)
    print("-" * len(header))
    for m in measures:
        rows = f"{m.rows:,}" if m.rows is not None else ""
        peak = f"{m.peak_mib:.0f} MiB" if m.peak_mib else ""
        growth = f"+{m.growth_mib:.0f} MiB" if m.peak_mib else ""
        print(f"{m.step:<{width}} {m.seconds:>8.2f} {rows:>9} {m.output:>10} {peak:>10} {growth:>9}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="how many cases to generate")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL database to create, use and drop (default: a scratch SQLite file)",
    )
    parser.add_argument("--formats", default="csv,xlsx,parquet", help="export formats to time")
    parser.add_argument("--dates", choices=("shift", "month"), default="shift")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="youthcourt-benchmark-") as folder:
        database_url = normalise_database_url(args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}")
        postgres = database_url.startswith("postgresql")
        if postgres:
            asyncio.run(_create_postgres(database_url))
        try:
            run(database_url, folder, args)
        finally:
            if postgres:
                asyncio.run(_drop_postgres(database_url))


async def _load(settings: Settings, rows: Rows) -> None:
    config = create_database_config(settings)
    await insert(config.get_engine(), rows)
    await config.get_engine().dispose()


def run(database_url: str, folder: str, args: argparse.Namespace) -> None:
    settings = settings_for(database_url, Path(folder))
    upgrade_database(settings)
    started = time.perf_counter()
    rows = generate(args.cases, datetime.date.today())
    generated = time.perf_counter()

    asyncio.run(_load(settings, rows))
    measures = [
        Measure("generate rows in memory", generated - started, rows.count(Case)),
        Measure(
            f"insert {sum(len(items) for items in rows.tables.values()):,} rows",
            time.perf_counter() - generated,
            rows.count(Case),
        ),
    ]
    del rows
    measures += measure_in_child(_load_and_report, database_url, folder)
    for file_format in args.formats.split(","):
        measures += measure_in_child(_export, database_url, folder, file_format.strip(), args.dates)
    engine = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    print_table(f"\nYouthcourt benchmark: {args.cases:,} cases on {engine}\n", measures)


if __name__ == "__main__":
    main()
