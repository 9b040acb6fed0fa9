"""The statewide demo: many programs on one installation, ten years of their cases, jurors and nights.

``youthcourt demo-data --scale state`` loads 20 programs with 200,000 cases over ten years (their
referrals, youth and guardians, hearings on nights of a few courtrooms with four to eight cases
each, sentences and the work done on them, contacts, timelines, follow-up checks and new offenses,
the audit trail), 20,000 jurors and 1,000,000 juror bookings. ``--cases`` scales it all down or up
(a program per 10,000 cases, at least two; a juror per ten cases; five bookings per case).

The first program is the regular demo's Riverside, where the four documented demo accounts sign
in with the demo's password and authenticator key; the demo juror is a former respondent serving
jury duty, with nights served and nights coming. The data is made by seeded generators, program
by program, and written with PostgreSQL's COPY by parallel processes (executemany on SQLite, where
it is much slower, in one transaction), then analysed so the planner knows the tables' sizes.
"""

from __future__ import annotations

import asyncio
import datetime
import multiprocessing
import random
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial

import asyncpg
from sqlalchemy import select
from sqlalchemy.engine import make_url

from youthcourt.accounts.passwords import hash_password
from youthcourt.cases.summaries import CATCH_UP_SUMMARIES
from youthcourt.database import create_database_config
from youthcourt.demo import DEMO_PASSWORD, DEMO_PROGRAM_SLUG, SEED
from youthcourt.demo.statewide import names
from youthcourt.demo.statewide.cases import Cases, Pin
from youthcourt.demo.statewide.jurors import Jurors
from youthcourt.demo.statewide.programs import Plan, Program, at, set_up
from youthcourt.demo.statewide.rows import (
    Ids,
    Rows,
    Written,
    copy,
    insert,
    may_skip_checks,
    skip_checks,
    verify_references,
)
from youthcourt.programs.models import Program as ProgramRow
from youthcourt.settings import Settings

CASES_PER_PROGRAM = 10_000
JUROR_PIN = Pin("Jordan", "Reyes", "juror@example.org", "Carmen Reyes", days_ago=55)
"""The documented juror's own case: heard about a month ago, two nights of jury duty served, two to come."""
WORKERS = 2
"""Processes making and copying programs beside this one (the machine's two cores, and PostgreSQL's)."""


@dataclass(frozen=True)
class Size:
    programs: int = 20
    cases: int = 200_000
    jurors: int = 20_000
    bookings: int = 1_000_000
    years: int = 10

    @classmethod
    def for_cases(cls, cases: int) -> Size:
        """The statewide proportions for ``cases`` cases."""
        return cls(max(2, round(cases / CASES_PER_PROGRAM)), cases, max(cases // 10, 2), cases * 5)


class DatabaseNotEmpty(RuntimeError):
    """The statewide set goes into a database with no programs yet."""


class LoadFailed(RuntimeError):
    """A load stopped part-way; the programs written already stay, and the next load refuses them."""


@dataclass(frozen=True)
class Loaded:
    written: Written
    seconds: float


def plans(size: Size) -> list[Plan]:
    """The programs: the first the largest, the last a third of its size; counts split in proportion."""
    count = size.programs
    weights = [1.25 - index / 2 / max(count - 1, 1) for index in range(count)]
    cases, jurors, bookings = (_split(total, weights) for total in (size.cases, size.jurors, size.bookings))
    made = []
    for index in range(count):
        county = names.COUNTIES[index % len(names.COUNTIES)]
        kind = names.COURT_KINDS[0] if index == 0 else names.COURT_KINDS[index % len(names.COURT_KINDS)]
        suffix = f" {index // len(names.COUNTIES) + 1}" if index >= len(names.COUNTIES) else ""
        slug = (
            DEMO_PROGRAM_SLUG if index == 0 else county.lower().replace(" ", "-") + suffix.replace(" ", "-")
        )
        made.append(
            Plan(
                index,
                f"{county}{suffix} {kind}",
                slug,
                county,
                cases[index],
                jurors[index],
                bookings[index],
                SEED + index,
            )
        )
    return made


def _split(total: int, weights: list[float]) -> list[int]:
    """``total`` in proportion to ``weights``, the remainders to the largest fractions (so it adds up)."""
    shares = [total * weight / sum(weights) for weight in weights]
    parts = [int(share) for share in shares]
    for index in sorted(range(len(shares)), key=lambda i: parts[i] - shares[i])[: total - sum(parts)]:
        parts[index] += 1
    return parts


def build(
    plan: Plan, size: Size, today: datetime.date, password_hash: str, *, balances_by_trigger: bool
) -> Rows:
    """Every row of one program."""
    rng = random.Random(plan.seed)
    # What happens later today has not happened yet: nothing is stamped after now (or the day's end).
    now = min(max(datetime.datetime.now(datetime.UTC), at(today, 0)), at(today, 23, 59))
    rows = Rows(Ids(rng), stamp=now)
    start = today - datetime.timedelta(days=365 * size.years)
    program = Program(plan, rng, rows, today, start)
    set_up(program, password_hash)
    cases = Cases(program, JUROR_PIN if plan.index == 0 else None)
    cases.draw()
    cases.simulate()
    jurors = Jurors(program, cases.respondents, balances_by_trigger=balances_by_trigger)
    jurors.build()
    jurors.book()
    cases.write()
    jurors.write(password_hash, program.users.get(JUROR_PIN.email))
    return rows


@dataclass(frozen=True)
class Job:
    """What a process needs to load one program (everything in it crosses to the process)."""

    dsn: str
    plan: Plan
    size: Size
    today: datetime.date
    password_hash: str
    skip_checks: bool


def load_program(job: Job) -> tuple[Written, float, float]:
    """Make one program and COPY it in a transaction of its own; runs in a worker process."""
    return asyncio.run(_load_program(job))


async def _load_program(job: Job) -> tuple[Written, float, float]:
    began = time.perf_counter()
    rows = build(job.plan, job.size, job.today, job.password_hash, balances_by_trigger=not job.skip_checks)
    made = time.perf_counter()
    written = Written()
    driver = await asyncpg.connect(job.dsn)
    try:
        async with driver.transaction():
            if job.skip_checks:
                await skip_checks(driver)
            await copy(driver, rows, written)
    finally:
        await driver.close()
    return written, made - began, time.perf_counter() - made


async def load(
    settings: Settings,
    size: Size | None = None,
    *,
    today: datetime.date | None = None,
    report: Callable[[str], None] = print,
) -> Loaded | None:
    """Load the statewide set; None when it is there already. Raises DatabaseNotEmpty over other data.

    On PostgreSQL the programs after the first are made and copied by worker processes, one
    transaction each, two at a time, while this process makes and copies the first program
    (the one the demo accounts sign in to) in a transaction it commits last, once the others
    are in and every reference is checked: until then the set is not there, and a load that
    fails part-way leaves a database that the next load refuses. A role that may not skip the
    foreign-key checks keeps them, and the credit balances are then kept by their trigger. SQLite
    gets one transaction, program after program.
    """
    size = size or Size()
    today = today or datetime.date.today()
    programs = plans(size)
    password_hash = hash_password(DEMO_PASSWORD)
    started = time.perf_counter()
    if settings.is_sqlite:
        written = await _load_sqlite(settings, programs, size, today, password_hash, report)
    else:
        written = await _load_postgres(settings, programs, size, today, password_hash, report)
    if written is None:
        return None
    return Loaded(written, time.perf_counter() - started)


def _check_empty(slugs: set[str], programs: list[Plan]) -> bool:
    """Whether the set is loaded already; raises DatabaseNotEmpty over other programs."""
    if slugs == {plan.slug for plan in programs}:
        return True
    if slugs:
        raise DatabaseNotEmpty(
            f"This database has {len(slugs)} program(s) already. "
            "Load the statewide set into a new database (after `youthcourt database upgrade`)."
        )
    return False


def _progress(plan: Plan, size: Size, written: Written, made: float, copied: float) -> str:
    return (
        f"{plan.index + 1:>3}/{size.programs} {plan.name}: {plan.cases:,} cases, {written.total:,} rows "
        f"(made in {made:.1f} s, written in {copied:.1f} s)"
    )


async def _load_postgres(
    settings: Settings,
    programs: list[Plan],
    size: Size,
    today: datetime.date,
    password_hash: str,
    report: Callable[[str], None],
) -> Written | None:
    dsn = make_url(settings.database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    driver = await asyncpg.connect(dsn)
    written = Written()
    try:
        slugs = {row[0] for row in await driver.fetch("SELECT slug FROM program")}
        if _check_empty(slugs, programs):
            return None
        skipped = await may_skip_checks(driver)
        loop = asyncio.get_running_loop()
        workers = ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("spawn"))

        async def elsewhere(plan: Plan) -> tuple[Plan, tuple[Written, float, float]]:
            job = Job(dsn, plan, size, today, password_hash, skipped)
            return plan, await loop.run_in_executor(workers, load_program, job)

        others = [asyncio.ensure_future(elsewhere(plan)) for plan in programs[1:]]
        try:
            async with driver.transaction():
                if skipped:
                    await skip_checks(driver)
                first = programs[0]
                began = time.perf_counter()
                build_first = partial(
                    build, first, size, today, password_hash, balances_by_trigger=not skipped
                )
                rows = await loop.run_in_executor(None, build_first)
                made = time.perf_counter()
                own = Written()
                await copy(driver, rows, own)
                del rows
                report(_progress(first, size, own, made - began, time.perf_counter() - made))
                written.merge(own)
                for done in asyncio.as_completed(others):
                    plan, (program_written, made_in, copied_in) = await done
                    report(_progress(plan, size, program_written, made_in, copied_in))
                    written.merge(program_written)
                if skipped:
                    began = time.perf_counter()
                    await verify_references(driver, written.rows)
                    report(f"Checked every reference in {time.perf_counter() - began:.1f} s.")
                    began = time.perf_counter()
                    for statement in CATCH_UP_SUMMARIES:
                        await driver.execute(statement)
                    report(
                        f"Summed up every case's checks, hearings and referral day, and each referral's age, in {time.perf_counter() - began:.1f} s."
                    )
        except BaseException as error:
            for task in others:
                task.cancel()
            workers.shutdown(cancel_futures=True)
            committed = sum(
                1 for task in others if task.done() and not task.cancelled() and not task.exception()
            )
            raise LoadFailed(
                f"The statewide load failed ({error}); {committed} program(s) were written already. "
                "Drop the database, create it again and load again."
            ) from error
        workers.shutdown()
        began = time.perf_counter()
        # VACUUM marks the written pages all-visible, as autovacuum would in time: until then a
        # count from a covering index (the dashboard's cases by state) reads every row's page too.
        await driver.execute("VACUUM (ANALYZE)")
        report(f"Vacuumed and analysed the tables in {time.perf_counter() - began:.1f} s.")
    finally:
        await driver.close()
    return written


async def _load_sqlite(
    settings: Settings,
    programs: list[Plan],
    size: Size,
    today: datetime.date,
    password_hash: str,
    report: Callable[[str], None],
) -> Written | None:
    config = create_database_config(settings)
    engine = config.get_engine()
    written = Written()
    try:
        async with engine.begin() as connection:
            slugs = set((await connection.execute(select(ProgramRow.__table__.c.slug))).scalars().all())
            if _check_empty(slugs, programs):
                return None
            for plan in programs:
                began = time.perf_counter()
                rows = build(plan, size, today, password_hash, balances_by_trigger=True)
                made = time.perf_counter()
                own = Written()
                await insert(connection, rows, own)
                report(_progress(plan, size, own, made - began, time.perf_counter() - made))
                written.merge(own)
    finally:
        await engine.dispose()
    return written


def summary(loaded: Loaded) -> str:
    """Rows per table, largest first, with the time spent writing each."""
    width = max(len(table) for table in loaded.written.rows)
    lines = [f"{'table':<{width}} {'rows':>11} {'seconds':>8}"]
    for table, count in sorted(loaded.written.rows.items(), key=lambda item: -item[1]):
        lines.append(f"{table:<{width}} {count:>11,} {loaded.written.seconds[table]:>8.1f}")
    lines.append(f"{'total':<{width}} {loaded.written.total:>11,} {loaded.seconds:>8.1f}")
    return "\n".join(lines)
