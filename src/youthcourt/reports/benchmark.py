"""How long reports and exports take on a large program, and how much memory they need.

Run it from a checkout::

    python -m youthcourt.reports.benchmark --cases 100000
    python -m youthcourt.reports.benchmark --cases 100000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/youthcourt_bench

Without ``--database-url`` it builds a scratch SQLite database in a temporary folder. With a
PostgreSQL URL it creates the database the URL names (it must not exist yet), and drops it
at the end. Either way the schema comes from the project's migrations, and the data is the
statewide demo scaled to ``--cases`` (``youthcourt demo-data --scale state --cases N``: a program
per 10,000 cases, at least two, over ten years, with their hearings, sentences, follow-up checks,
new offenses and jurors), written with COPY on PostgreSQL.

With ``--loaded`` it uses a database that ``youthcourt demo-data --scale state`` has loaded
already (the statewide set), and neither loads nor drops it.

Then each step runs in a fresh process, so its memory can be read on its own: loading the
cohort and building a recidivism report, and the full de-identified export in each format
(every byte of the stream consumed), and the same workbook written by the ``xlsxwriter``
library in its constant-memory mode, the comparison the README quotes for keeping our own
XLSX writer. The table gives seconds, rows, output size, the
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
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from youthcourt.database import create_database_config, upgrade_database
from youthcourt.outcomes.models import OutcomeEventType
from youthcourt.programs.models import Program
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.referrals.models import Referral
from youthcourt.reports import exports
from youthcourt.reports.cohort import Anchor, Cohort
from youthcourt.reports.recidivism import Grouping, ReportOptions, report_from_tallies
from youthcourt.reports.tallies import tally_in_database
from youthcourt.settings import Settings, normalise_database_url

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


def load_statewide(database_url: str, folder: str, cases: int) -> None:
    """The statewide demo scaled to ``cases`` cases, loaded by ``youthcourt demo-data --scale state``.

    The demo data sits above the reports, so the benchmark runs the command rather than import it.
    """
    environment = {
        **os.environ,
        "YOUTHCOURT_DATABASE_URL": database_url,
        "YOUTHCOURT_DATA_DIR": folder,
        "YOUTHCOURT_ENV": "development",
        "YOUTHCOURT_SECRET_KEY": SECRET,
    }
    command = [sys.executable, "-c", "from youthcourt.cli import main; main()"]
    command += ["demo-data", "--scale", "state", "--cases", str(cases)]
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise SystemExit(f"Loading the statewide demo failed:\n{result.stdout}\n{result.stderr}")


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
    """Every program, from the first referral to today."""
    async with session_maker() as session:
        program_ids = tuple((await session.scalars(select(Program.id).order_by(Program.slug))).all())
        first = await session.scalar(select(func.min(Referral.received_on)))
    today = datetime.date.today()
    return Cohort(program_ids, first or today, today)


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


class LibraryXlsxWriter:
    """The export's workbook written by ``xlsxwriter`` in constant-memory mode, for comparison.

    Same sheets, header, frozen heading, date format and formula guard as
    :class:`youthcourt.reports.exports.XlsxWriter`; only the writer differs.
    """

    def __init__(self, path: Path, spec: exports.ExportSpec) -> None:
        import xlsxwriter  # a comparison tool, not needed by the app

        self.spec = spec
        self.book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "tmpdir": str(path.parent),
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self.bold = self.book.add_format({"bold": True})
        self.date = self.book.add_format({"num_format": "yyyy-mm-dd"})
        cases, about, dictionary = exports.sheet_names(spec.kind)
        self.cases = self.book.add_worksheet(cases)
        self.about = self.book.add_worksheet(about)
        sheet = self.book.add_worksheet(dictionary)
        sheet.write_row(0, 0, exports.DICTIONARY_HEADER, self.bold)
        for number, row in enumerate(exports.dictionary_rows(spec.dates, spec.kind, spec.plan), 1):
            self._row(sheet, number, row)
        self.cases.freeze_panes(1, 1)
        self.cases.write_row(0, 0, spec.column_names, self.bold)
        self.next_row = 1

    def _row(self, sheet: Any, number: int, row: Any) -> None:
        for column, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime.date):
                sheet.write_datetime(number, column, value, self.date)
            elif isinstance(value, str):
                sheet.write_string(number, column, exports.plain_text(value))
            elif isinstance(value, bool):
                sheet.write_boolean(number, column, value)
            else:
                sheet.write_number(number, column, value)

    def write(self, rows: Any) -> None:
        for row in rows:
            self._row(self.cases, self.next_row, row)
            self.next_row += 1

    def close(self, row_count: int) -> None:
        for number, row in enumerate(self.spec.about(row_count)):
            self._row(self.about, number, row)
        self.book.close()

    def discard(self) -> None:
        with contextlib.suppress(Exception):
            self.book.close()


async def _export_with_library(database_url: str, data_dir: str, dates: str) -> list[Measure]:
    """The XLSX export with :class:`LibraryXlsxWriter` in place of ours."""
    exports.FILE_WRITERS[exports.ExportFormat.XLSX] = LibraryXlsxWriter
    (measure,) = await _export(database_url, data_dir, "xlsx", dates)
    measure.step = f"export xlsx ({dates}), written by xlsxwriter (constant memory)"
    return [measure]


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
    parser.add_argument(
        "--loaded",
        action="store_true",
        help="--database-url names a database already loaded by demo-data --scale state: "
        "measure it as it is (no load, nothing dropped)",
    )
    parser.add_argument(
        "--compare-xlsxwriter",
        action="store_true",
        help="also write the XLSX export with the xlsxwriter library (constant memory)",
    )
    args = parser.parse_args(argv)
    if args.loaded:
        if not args.database_url:
            raise SystemExit("--loaded needs --database-url")
        with tempfile.TemporaryDirectory(prefix="youthcourt-benchmark-") as folder:
            measure(normalise_database_url(args.database_url), folder, args, [])
        return

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


def run(database_url: str, folder: str, args: argparse.Namespace) -> None:
    upgrade_database(settings_for(database_url, Path(folder)))
    started = time.perf_counter()
    load_statewide(database_url, folder, args.cases)
    loaded = Measure(
        "load the statewide demo (demo-data --scale state)", time.perf_counter() - started, args.cases
    )
    measure(database_url, folder, args, [loaded])


def measure(database_url: str, folder: str, args: argparse.Namespace, measures: list[Measure]) -> None:
    """The report and export steps, each in its own process, and the table."""
    measures += measure_in_child(_load_and_report, database_url, folder)
    for file_format in args.formats.split(","):
        measures += measure_in_child(_export, database_url, folder, file_format.strip(), args.dates)
    if args.compare_xlsxwriter:
        measures += measure_in_child(_export_with_library, database_url, folder, args.dates)
    engine = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    cases = measures[0].rows if measures and measures[0].rows else args.cases
    print_table(f"\nYouthcourt benchmark: {cases:,} cases on {engine}\n", measures)


if __name__ == "__main__":
    main()
