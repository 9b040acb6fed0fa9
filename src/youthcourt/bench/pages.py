"""``make bench``: the key pages under load, each against the floor measured in the same run.

Starts the floor (``bench/floor.py``) and the app as servers with the same worker count, signs
in as a coordinator, a juror and an evaluator, and drives each key page with wrk (16 connections
by default), the floor again just before each page. Prints requests per second, p50, p95 and
p99, the ratio of each page's p95 to the floor's measured just before it, the processor time each
request took in the app's server and, for a PostgreSQL on this machine, in the database's
processes, and the SQL statements the page sends (counted in this process, on the same database).
Without ``--database-url``, a fresh SQLite database with the demo data is made in a temporary
folder; with one, the database is used as it is.

    python -m youthcourt.bench.pages [--connections 16] [--duration 10] [--workers 1] [--runs 1]

With ``--runs 3``, every page is measured three times (each time after the floor), in rounds over
all the pages, and shown by its median run (:func:`median_run`).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from sqlalchemy import event

DEMO_PASSWORD = "youthcourt-demo"  # noqa: S105 - the documented demo password
ROLES = {
    "coordinator": "coordinator@example.org",
    "juror": "juror@example.org",
    "evaluator": "evaluator@example.org",
}
REPORT_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    errors.connect + errors.read + errors.write + errors.status + errors.timeout))
end
"""
"""wrk's own summary lacks p95: this script prints the figures, latencies in microseconds."""


@dataclass(frozen=True)
class Measure:
    page: str
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    queries: int | None = None
    floor_p95_ms: float | None = None
    """The floor's p95 measured just before this page, which its ratio is taken against (see :func:`table`)."""
    requests: int = 0
    app_cpu_ms: float | None = None
    """Processor time of the app's server processes for each request answered."""
    database_cpu_ms: float | None = None
    """Processor time of PostgreSQL's processes for each request answered, where it runs on this
    machine: beside the app's, it says how much a second server process can add (both share the
    machine's cores)."""


def parse_report(output: str, page: str) -> Measure:
    """The figures of :data:`REPORT_SCRIPT`'s line in wrk's output."""
    match = re.search(r"^BENCH (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", output, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"wrk printed no figures for {page}:\n{output}")
    requests, duration_us, p50, p95, p99, errors = (int(value) for value in match.groups())
    return Measure(
        page, requests / (duration_us / 1e6), p50 / 1000, p95 / 1000, p99 / 1000, errors, requests=requests
    )


def table(measures: list[Measure], floor: Measure) -> str:
    """The results as a Markdown table, the floor first.

    Each page's p95 is divided by the floor's measured just before it, where there is one: on a
    shared machine the floor itself moved by half within a run of a few minutes, and a page
    measured while the machine was slow looked worse against a floor measured while it was fast.
    """
    lines = [
        "| page | req/s | p50 ms | p95 ms | p99 ms | floor p95 ms | p95 / floor | app CPU ms | "
        "database CPU ms | queries | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for measure in [floor, *measures]:
        against = measure.floor_p95_ms or floor.p95_ms
        ratio = measure.p95_ms / against if against else float("nan")
        queries = "" if measure.queries is None else str(measure.queries)
        app, database = (_ms(measure.app_cpu_ms), _ms(measure.database_cpu_ms))
        lines.append(
            f"| {measure.page} | {measure.requests_per_second:.0f} | {measure.p50_ms:.1f} | "
            f"{measure.p95_ms:.1f} | {measure.p99_ms:.1f} | {against:.1f} | {ratio:.1f}x | {app} | {database} | "
            f"{queries} | {measure.errors} |"
        )
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def median_run(runs: list[Measure]) -> Measure:
    """A page measured ``--runs`` times: the run whose p95 over its own floor is the median, whole
    (its figures from one run, so they agree), with the errors of every run."""
    ordered = sorted(runs, key=lambda run: run.p95_ms / run.floor_p95_ms if run.floor_p95_ms else run.p95_ms)
    return replace(ordered[len(ordered) // 2], errors=sum(run.errors for run in runs))


def median_floor(floors: list[Measure]) -> Measure:
    """The floor run whose p95 is the median of the run's, to head the table."""
    return sorted(floors, key=lambda measure: measure.p95_ms)[len(floors) // 2]


# Servers ---------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _youthcourt(*args: str) -> list[str]:
    return [sys.executable, "-c", "from youthcourt.cli import main; main()", *args]


@dataclass(frozen=True)
class Server:
    base: str
    """Its address, ``http://127.0.0.1:<port>``."""
    group: int
    """Its process group: the server and the workers it starts."""


@contextmanager
def serving(command: list[str], port: int, log: Path, health: str = "/") -> Iterator[Server]:
    """Run a server until the block ends; yields it once it answers.

    The server runs in a process group of its own, stopped whole at the end: with more than one
    worker, ``youthcourt run`` starts uvicorn as a child process, which outlived its parent and
    went on holding its port (and memory) after the run."""
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603
            command, stdout=out, stderr=subprocess.STDOUT, env=os.environ.copy(), start_new_session=True
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        try:
            while True:
                try:
                    with urllib.request.urlopen(base + health, timeout=2):  # noqa: S310 - local server
                        break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"the server did not start:\n{log.read_text()}") from None
                    time.sleep(0.2)
            yield Server(base, process.pid)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
            _wait_for_group(process.pid)


def _wait_for_group(group: int, timeout: float = 20) -> None:
    """Until every process of the group has ended (uvicorn stops its workers first); then kills what is left."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    with suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)


# Processor time --------------------------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def processes() -> Iterator[tuple[str, int, float]]:
    """(name, process group, seconds of processor time so far) of each process of this machine,
    from Linux's ``/proc`` (none elsewhere)."""
    folder = Path("/proc")
    for entry in folder.iterdir() if folder.is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # ended meanwhile
            continue
        # The name is in parentheses and may hold spaces; the fields follow the last ")".
        name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        yield name, int(fields[2]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@dataclass(frozen=True)
class Charged:
    """Whose processor time a page's requests are charged: the app's server (its process group)
    and, for a PostgreSQL on this machine, the database's processes."""

    app_group: int
    database: bool

    def seconds(self) -> tuple[float, float]:
        """The processor time used so far by the app and by the database."""
        app = database = 0.0
        for name, group, seconds in processes():
            if group == self.app_group:
                app += seconds
            elif self.database and name == "postgres":
                database += seconds
        return app, database


def local_postgresql(url: str) -> bool:
    """Whether ``url`` names a PostgreSQL that runs on this machine (its processes can be read)."""
    parts = urlsplit(url)
    return parts.scheme.startswith("postgresql") and parts.hostname in (
        None,
        "",
        "127.0.0.1",
        "localhost",
        "::1",
    )


def charged(
    measure: Measure, before: tuple[float, float], after: tuple[float, float], database: bool
) -> Measure:
    """The measure with the processor time used while it was driven, for each request answered."""
    if not measure.requests:
        return measure
    app, used = ((end - start) * 1000 / measure.requests for start, end in zip(before, after, strict=True))
    return replace(measure, app_cpu_ms=app, database_cpu_ms=used if database else None)


# Signing in and finding the pages --------------------------------------------------------------------


def sign_in(base: str, email: str) -> httpx.Client:
    """A client signed in as a demo account (password, then the authenticator code)."""
    from youthcourt.accounts.mfa import code_at, current_step
    from youthcourt.demo.people import DEMO_TOTP_SECRET

    client = httpx.Client(base_url=base, follow_redirects=True, timeout=60)
    page = client.get("/login")
    page = client.post(
        "/login", data={"email": email, "password": DEMO_PASSWORD, "_csrf_token": _token(page.text)}
    )
    # A code is accepted once: where the current step's was just used (a run a moment ago), the
    # next step's code, within the allowed drift, signs in.
    step = current_step(time.time())
    for attempt in (step, step + 1):
        if "/login/code" not in page.url.path:
            break
        code = code_at(DEMO_TOTP_SECRET, attempt)
        page = client.post(page.url.path, data={"code": code, "_csrf_token": _token(page.text)})
    if "/login" in page.url.path:
        raise RuntimeError(f"{email} could not sign in")
    return client


def _token(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    if match is None:
        raise RuntimeError("no form token on the page")
    return match.group(1)


def first_link(client: httpx.Client, path: str, pattern: str) -> str:
    """The first link on ``path`` whose address matches ``pattern``."""
    match = re.search(rf'href="({pattern})"', client.get(path).text)
    if match is None:
        raise RuntimeError(f"no link like {pattern} on {path}")
    return match.group(1)


class FormReader(HTMLParser):
    """The values a browser would send from the page's first GET form, as it is first shown."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._state = "before"
        self._select: str | None = None
        self._first_option: tuple[str, str] | None = None
        self._chosen = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and self._state == "before" and values.get("method", "get").lower() == "get":
            self._state = "inside"
        if self._state == "inside":
            self._field(tag, values)

    def _field(self, tag: str, values: dict[str, str]) -> None:
        name = values.get("name", "")
        if name.startswith("_"):
            return  # the form's tokens, not a choice
        if tag == "input" and name and values.get("type") not in ("submit", "button", "file"):
            if values.get("type") not in ("checkbox", "radio") or "checked" in values:
                self.fields.append((name, values.get("value", "")))
        elif tag == "select":
            self._select, self._first_option, self._chosen = name, None, False
        elif tag == "option" and self._select is not None:
            option = (self._select, values.get("value", ""))
            self._first_option = self._first_option or option
            if "selected" in values:
                self.fields.append(option)
                self._chosen = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._state == "inside":
            self._state = "after"
        if tag == "select" and self._select is not None:
            if not self._chosen and self._first_option is not None:
                self.fields.append(self._first_option)
            self._select = None


def form_query(client: httpx.Client, path: str) -> str:
    """The query string the page's form sends as it is first shown (its defaults)."""
    reader = FormReader()
    reader.feed(client.get(path).text)
    return urlencode(reader.fields)


FORM = "application/x-www-form-urlencoded"
SEARCH = "/cases/search"
"""A search by name is a POST: its terms go in the body, never in an address (a GET drops them)."""


def search_body(client: httpx.Client) -> str:
    """The case search form's body for the term "mar", with the form's token as a browser sends it."""
    return urlencode({"q": "mar", "_csrf_token": _token(client.get("/cases").text)})


def key_pages(clients: dict[str, httpx.Client]) -> list[tuple[str, str, str]]:
    """(name, role, address) of each page the benchmark drives; :data:`SEARCH` is posted."""
    coordinator, evaluator = clients["coordinator"], clients["evaluator"]
    case = first_link(coordinator, "/cases", r"/cases/[0-9a-f-]{36}")
    night = first_link(coordinator, "/hearings", r"/hearings/[0-9a-f-]{36}")
    docket = first_link(coordinator, night, r"/hearings/[0-9a-f-]{36}/courtrooms/[0-9a-f-]{36}/docket")
    report = form_query(evaluator, "/reports/recidivism")
    export = form_query(evaluator, "/reports/exports")
    return [
        ("dashboard", "coordinator", "/dashboard"),
        ("case list", "coordinator", "/cases"),
        ("case list, filtered", "coordinator", "/cases?state=sanctions_in_progress"),
        ("case list, searched", "coordinator", SEARCH),
        ("a case page", "coordinator", case),
        ("hearing nights", "coordinator", "/hearings"),
        ("a hearing night", "coordinator", night),
        ("a courtroom's docket", "coordinator", docket),
        ("jurors", "coordinator", "/jurors"),
        ("follow-ups", "coordinator", "/follow-ups"),
        ("juror portal", "juror", "/me"),
        ("recidivism report", "evaluator", f"/reports/recidivism?{report}"),
        ("measures", "evaluator", "/reports/measures"),
        ("an export", "evaluator", f"/reports/exports/download?{export}"),
    ]


# Measuring -------------------------------------------------------------------------------------------


def drive(
    url: str, cookie: str, page: str, args: argparse.Namespace, script: Path, body: str = ""
) -> Measure:
    """wrk at ``url``; with a ``body``, every request is a form POST of it."""
    if body:
        posting = script.with_name("post.lua")
        posting.write_text(
            script.read_text() + f'wrk.method = "POST"\nwrk.body = "{body}"\n'
            f'wrk.headers["Content-Type"] = "{FORM}"\n'
        )
        script = posting
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "30s"]
    command += ["-s", str(script), "-H", f"Cookie: {cookie}", url]
    result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=args.duration + 120)  # noqa: S603
    return parse_report(result.stdout, page)


def warm(
    pages: list[tuple[str, str, str]], clients: dict[str, httpx.Client], bodies: dict[str, str], workers: int
) -> None:
    """Ask each page a few times before it is measured, as a server that has been running would have.

    A page's first request compiles its templates and its statements (a tenth of a second or more);
    measured cold, those first requests wait behind it and set the page's p95, not its steady cost.
    """
    for name, role, address in pages:
        for _ in range(3 * workers):
            body = bodies.get(name, "")
            if body:
                clients[role].post(address, content=body, headers={"content-type": FORM})
            else:
                clients[role].get(address)


def cookie_header(client: httpx.Client) -> str:
    return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


async def count_queries(
    pages: list[tuple[str, str, str]], clients: dict[str, httpx.Client], bodies: dict[str, str]
) -> dict[str, int]:
    """The statements each page sends, asked once in this process after a first, warming request."""
    from litestar.testing import AsyncTestClient

    from youthcourt.app import create_app

    app = create_app()
    engine = app.state.database.get_engine().sync_engine
    counts: dict[str, int] = {}
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *_: statements.append(""))
    async with AsyncTestClient(app) as client:
        for name, role, address in pages:
            client.cookies.clear()
            for cookie, value in clients[role].cookies.items():
                client.cookies.set(cookie, value)
            body = bodies.get(name, "")
            await _fetch(client, address, body)
            sent = len(statements)
            response = await _fetch(client, address, body)
            counts[name] = len(statements) - sent if response.status_code == 200 else -response.status_code
    return counts


async def _fetch(client: Any, address: str, body: str) -> httpx.Response:
    if body:
        return await client.post(address, content=body, headers={"content-type": FORM})
    return await client.get(address)


def prepare(args: argparse.Namespace) -> None:
    """The environment the servers and this process share; a fresh demo database unless one is given."""
    if args.database_url:
        os.environ["YOUTHCOURT_DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("YOUTHCOURT_DATABASE_URL", None)
    os.environ.setdefault("YOUTHCOURT_DATA_DIR", tempfile.mkdtemp(prefix="youthcourt-bench-"))
    os.environ["YOUTHCOURT_ENV"] = "development"
    if not args.database_url:
        for step in (("database", "upgrade", "--no-prompt"), ("demo-data",)):
            subprocess.run(_youthcourt(*step), check=True, capture_output=True, timeout=600)  # noqa: S603


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--workers", type=int, default=1, help="server processes, for the floor and the app")
    parser.add_argument(
        "--runs", type=int, default=1, help="measure each page this many times, show its median run"
    )
    parser.add_argument("--database-url", default="", help="measure this database instead of a fresh demo")
    args = parser.parse_args(argv)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk); `make bench` installs it.")
    prepare(args)
    folder = Path(os.environ["YOUTHCOURT_DATA_DIR"])
    script = folder / "report.lua"
    script.write_text(REPORT_SCRIPT)
    floor_port, app_port = _free_port(), _free_port()
    floor_command = [sys.executable, "-m", "uvicorn", "youthcourt.bench.floor:app", "--port", str(floor_port)]
    floor_command += ["--workers", str(args.workers), "--log-level", "warning"]
    app_command = _youthcourt("run", "--port", str(app_port), "--wc", str(args.workers))
    with (
        serving(floor_command, floor_port, folder / "floor.log") as floor_server,
        serving(app_command, app_port, folder / "app.log", health="/health") as app_server,
    ):
        floor_base, app_base = floor_server.base, app_server.base
        database = local_postgresql(os.environ.get("YOUTHCOURT_DATABASE_URL", ""))
        seconds = Charged(app_server.group, database).seconds
        clients = {role: sign_in(app_base, email) for role, email in ROLES.items()}
        pages = key_pages(clients)
        bodies = {name: search_body(clients[role]) for name, role, address in pages if address == SEARCH}
        warm(pages, clients, bodies, args.workers)
        urllib.request.urlopen(floor_base + "/").close()  # noqa: S310 - local server
        floors: list[Measure] = []
        runs: dict[str, list[Measure]] = {name: [] for name, _, _ in pages}
        for _ in range(args.runs):
            for name, role, address in pages:
                floors.append(
                    drive(floor_base + "/", "", "floor (bare Litestar, 25-row table)", args, script)
                )
                before = seconds()
                page = drive(
                    app_base + address, cookie_header(clients[role]), name, args, script, bodies.get(name, "")
                )
                page = charged(page, before, seconds(), database)
                runs[name].append(replace(page, floor_p95_ms=floors[-1].p95_ms))
        measures = [median_run(runs[name]) for name, _, _ in pages]
        floor = median_floor(floors)
    queries = asyncio.run(count_queries(pages, clients, bodies))
    measures = [replace(m, queries=queries.get(m.page)) for m in measures]
    engine = os.environ.get("YOUTHCOURT_DATABASE_URL", "sqlite (demo)").split(":")[0]
    runs = f", median of {args.runs} runs" if args.runs > 1 else ""
    print(
        f"{args.connections} connections, {args.duration} s a page{runs}, {args.workers} server process(es), "
        f"{engine}\n"
    )
    print(table(measures, floor))


if __name__ == "__main__":
    main()
