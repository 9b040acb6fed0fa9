"""The statewide demo: many programs on one installation, ten years of their cases, jurors and nights.

``youthcourt demo-data --scale state`` loads 20 programs with 200,000 cases over ten years (their
referrals, youth and guardians, hearings on nights of a few courtrooms with four to eight cases
each, sentences and the work done on them, contacts, timelines, follow-up checks and new offenses,
the audit trail), 20,000 jurors and 1,000,000 juror bookings. ``--cases`` scales it all down or up
(a program per 10,000 cases, at least two; a juror per ten cases; five bookings per case).

The first program is the regular demo's Riverside, where the four documented demo accounts sign
in with the demo's password and authenticator key; the demo juror is a former respondent serving
jury duty, with nights served and nights coming. The data is made by seeded generators, program
by program, and written with PostgreSQL's COPY (executemany on SQLite, where it is much slower),
all in one transaction, then analysed so the planner knows the tables' sizes.
"""

from __future__ import annotations

import asyncio
import datetime
import random
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import select, text

from youthcourt.accounts.passwords import hash_password
from youthcourt.database import create_database_config
from youthcourt.demo import DEMO_PASSWORD, DEMO_PROGRAM_SLUG, SEED
from youthcourt.demo.statewide import names
from youthcourt.demo.statewide.cases import Cases, Pin
from youthcourt.demo.statewide.jurors import Jurors
from youthcourt.demo.statewide.programs import Plan, Program, at, set_up
from youthcourt.demo.statewide.rows import Ids, Rows, Written, skip_checks, verify_references, write
from youthcourt.programs.models import Program as ProgramRow
from youthcourt.settings import Settings

CASES_PER_PROGRAM = 10_000
JUROR_PIN = Pin("Jordan", "Reyes", "juror@example.org", "Carmen Reyes", days_ago=55)
"""The documented juror's own case: heard about a month ago, two nights of jury duty served, two to come."""
BALANCE_TRIGGER = "credit_entry_moves_balance"


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


def build(plan: Plan, size: Size, today: datetime.date, password_hash: str, *, postgres: bool) -> Rows:
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
    jurors = Jurors(program, cases.respondents, balances_by_trigger=not postgres)
    jurors.build()
    jurors.book()
    cases.write()
    jurors.write(password_hash, program.users.get(JUROR_PIN.email))
    return rows


async def load(
    settings: Settings,
    size: Size | None = None,
    *,
    today: datetime.date | None = None,
    report: Callable[[str], None] = print,
) -> Loaded | None:
    """Load the statewide set; None when it is there already. Raises DatabaseNotEmpty over other data.

    One transaction: a load that fails leaves nothing behind. The next program is made (in a
    thread) while the database takes the one before. On PostgreSQL the foreign keys are checked
    all at once at the end (see ``rows.skip_checks``), or, for a role that may not skip them, the
    credit ledger's balance trigger is off during the load (the jurors' balances are written with
    them) and back on before the commit.
    """
    size = size or Size()
    today = today or datetime.date.today()
    config = create_database_config(settings)
    engine = config.get_engine()
    postgres = engine.dialect.name == "postgresql"
    started = time.perf_counter()
    written = Written()
    password_hash = hash_password(DEMO_PASSWORD)
    loop = asyncio.get_running_loop()
    try:
        async with engine.begin() as connection:
            slugs = set((await connection.execute(select(ProgramRow.__table__.c.slug))).scalars().all())
            programs = plans(size)
            if slugs == {plan.slug for plan in programs}:
                return None
            if slugs:
                raise DatabaseNotEmpty(
                    f"This database has {len(slugs)} program(s) already. "
                    "Load the statewide set into a new database (after `youthcourt database upgrade`)."
                )
            skipped = postgres and await skip_checks(connection)
            if postgres and not skipped:
                await connection.execute(text(f"ALTER TABLE credit_entry DISABLE TRIGGER {BALANCE_TRIGGER}"))
            with ThreadPoolExecutor(1) as maker:

                def made(plan: Plan) -> Future[tuple[Rows, float]]:
                    def timed() -> tuple[Rows, float]:
                        began = time.perf_counter()
                        return build(
                            plan, size, today, password_hash, postgres=postgres
                        ), time.perf_counter() - began

                    return loop.run_in_executor(maker, timed)  # type: ignore[return-value]

                coming = made(programs[0])
                for index, plan in enumerate(programs):
                    rows, seconds = await coming
                    if index + 1 < len(programs):
                        coming = made(programs[index + 1])
                    began, before = time.perf_counter(), written.total
                    await write(connection, rows, written)
                    report(
                        f"{plan.index + 1:>3}/{size.programs} {plan.name}: {plan.cases:,} cases, "
                        f"{written.total - before:,} rows (made in {seconds:.1f} s, "
                        f"written in {time.perf_counter() - began:.1f} s)"
                    )
                    del rows
            if skipped:
                began = time.perf_counter()
                await verify_references(connection, written.rows)
                report(f"Checked every reference in {time.perf_counter() - began:.1f} s.")
            elif postgres:
                await connection.execute(text(f"ALTER TABLE credit_entry ENABLE TRIGGER {BALANCE_TRIGGER}"))
        if postgres:
            began = time.perf_counter()
            async with engine.connect() as connection:
                await connection.execute(text("ANALYZE"))
                await connection.commit()
            report(f"Analysed the tables in {time.perf_counter() - began:.1f} s.")
    finally:
        await engine.dispose()
    return Loaded(written, time.perf_counter() - started)


def summary(loaded: Loaded) -> str:
    """Rows per table, largest first, with the time spent writing each."""
    width = max(len(table) for table in loaded.written.rows)
    lines = [f"{'table':<{width}} {'rows':>11} {'seconds':>8}"]
    for table, count in sorted(loaded.written.rows.items(), key=lambda item: -item[1]):
        lines.append(f"{table:<{width}} {count:>11,} {loaded.written.seconds[table]:>8.1f}")
    lines.append(f"{'total':<{width}} {loaded.written.total:>11,} {loaded.seconds:>8.1f}")
    return "\n".join(lines)
