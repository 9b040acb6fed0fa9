"""The page benchmark's parts that need no load: the floor page, reading wrk's figures, the forms it sends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import replace
from urllib.parse import parse_qs

import pytest
from litestar.testing import AsyncTestClient

from youthcourt.bench import pages
from youthcourt.bench.floor import app as floor
from youthcourt.bench.pages import (
    FORM,
    SEARCH,
    FormReader,
    Measure,
    median_floor,
    median_run,
    parse_report,
    table,
    warm,
)


async def test_the_floor_renders_a_25_row_table():
    async with AsyncTestClient(floor) as client:
        response = await client.get("/")
    assert response.status_code == 200
    assert response.text.count("<tr>") == 26, "a header row and 25 rows"


def test_wrk_s_figures_are_read_in_milliseconds_and_requests_per_second():
    output = "Running 10s test\n  2 threads and 16 connections\nBENCH 20000 10000000 7000 12000 15500 3\n"

    measure = parse_report(output, "floor")

    assert measure == Measure("floor", 2000.0, 7.0, 12.0, 15.5, 3, requests=20000)


def test_a_run_without_figures_says_so():
    with pytest.raises(RuntimeError, match="no figures for dashboard"):
        parse_report("unable to connect", "dashboard")


def test_the_table_gives_each_page_s_p95_over_the_floor_s():
    floor_measure = Measure("floor", 2000, 7, 12, 15, 0)
    page = Measure("dashboard", 100, 50, 60, 80, 0, queries=8)

    lines = table([page], floor_measure).splitlines()

    assert lines[2].startswith("| floor | 2000 |") and "| 1.0x |" in lines[2]
    assert lines[3] == "| dashboard | 100 | 50.0 | 60.0 | 80.0 | 12.0 | 5.0x |  |  | 8 | 0 |"


def test_each_page_is_compared_with_the_floor_measured_just_before_it():
    """The machine's speed moves within a run: a page measured while it was slow is compared with
    the floor measured then, and the table is headed by the median floor."""
    floors = [Measure("floor", 2000, 7, p95, 15, 0) for p95 in (12, 30, 20)]
    pages = [
        Measure("dashboard", 100, 50, 60, 80, 0, floor_p95_ms=12),
        Measure("jurors", 100, 50, 60, 80, 0, floor_p95_ms=30),
    ]

    lines = table(pages, median_floor(floors)).splitlines()

    assert "| 20.0 | 1.0x |" in lines[2]
    assert "| 12.0 | 5.0x |" in lines[3]
    assert "| 30.0 | 2.0x |" in lines[4]


def test_a_page_measured_several_times_shows_its_median_run_and_every_run_s_errors():
    """On a shared machine one run of a few seconds moved by a quarter either way: with ``--runs``,
    each page is shown by the run whose p95 over its own floor is the median, whole (its figures
    from one run), and a request that failed in any run is counted."""
    runs = [
        Measure("dashboard", 90, 50, 120, 150, 0, floor_p95_ms=20, requests=450),  # 6x
        Measure("dashboard", 140, 40, 100, 110, 2, floor_p95_ms=25, requests=700),  # 4x
        Measure("dashboard", 80, 60, 90, 95, 1, floor_p95_ms=10, requests=400),  # 9x
    ]
    chosen = median_run(runs)
    assert (chosen.requests_per_second, chosen.p95_ms, chosen.floor_p95_ms) == (90, 120, 20)
    assert chosen.errors == 3
    assert median_run(runs[:1]) == runs[0]


def test_the_form_reader_sends_what_the_first_get_form_shows():
    html = """
    <form method="post" action="/x"><input name="ignored" value="1"></form>
    <form method="get" action="/reports/recidivism">
      <input type="hidden" name="_once" value="token">
      <input type="checkbox" name="event" value="arrest" checked>
      <input type="checkbox" name="event" value="new_referral">
      <input type="month" name="referred_from" value="2024-01">
      <select name="anchor"><option value="referral">R</option><option value="closure" selected>C</option></select>
      <select name="group"><option value="none">None</option><option value="completion">C</option></select>
      <button type="submit">Build</button>
    </form>
    <form method="get"><input name="later" value="x"></form>
    """
    reader = FormReader()
    reader.feed(html)

    assert parse_qs("&".join(f"{k}={v}" for k, v in reader.fields)) == {
        "event": ["arrest"],
        "referred_from": ["2024-01"],
        "anchor": ["closure"],
        "group": ["none"],
    }


class RecordingClient:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str, str]] = []

    def get(self, address: str) -> None:
        self.requests.append(("GET", address, ""))

    def post(self, address: str, content: str, headers: dict[str, str]) -> None:
        assert headers == {"content-type": FORM}
        self.requests.append(("POST", address, content))


def test_each_page_is_warmed_by_each_worker_before_it_is_measured():
    clients = {"coordinator": RecordingClient(), "juror": RecordingClient()}
    pages = [
        ("case list", "coordinator", "/cases"),
        ("search", "coordinator", SEARCH),
        ("portal", "juror", "/me"),
    ]
    warm(pages, clients, {"search": "q=mar"}, workers=2)  # type: ignore[arg-type]
    assert clients["coordinator"].requests == [("GET", "/cases", "")] * 6 + [("POST", SEARCH, "q=mar")] * 6
    assert clients["juror"].requests == [("GET", "/me", "")] * 6


def test_a_server_that_runs_its_workers_in_a_child_process_is_stopped_whole(tmp_path):
    """``youthcourt run --wc 2`` starts uvicorn as a child process: stopping the parent alone left
    the child serving on its port after the run."""
    port = pages._free_port()
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-m', 'http.server', '{port}'])"
    with pages.serving([sys.executable, "-c", parent], port, tmp_path / "server.log") as server:
        assert urllib.request.urlopen(server.base).status == 200  # noqa: S310 - local server
    with pytest.raises(urllib.error.URLError, match="Connection refused"):
        urllib.request.urlopen(server.base, timeout=2)  # noqa: S310


def test_a_page_is_charged_the_processor_time_of_its_requests():
    """Beside its latency, each page says what a request cost the app's processes and PostgreSQL's:
    with both on one machine's cores, that is what a second server process can add."""
    page = Measure("dashboard", 100, 50, 60, 80, 0, requests=500)

    local = pages.charged(page, (10.0, 4.0), (16.0, 6.5), database=True)
    elsewhere = pages.charged(page, (10.0, 4.0), (16.0, 6.5), database=False)

    assert (local.app_cpu_ms, local.database_cpu_ms) == pytest.approx((12.0, 5.0))
    assert (elsewhere.app_cpu_ms, elsewhere.database_cpu_ms) == (pytest.approx(12.0), None)
    floor_measure = Measure("floor", 2000, 7, 12, 15, 0)
    assert (
        "| 5.0x | 12.0 | 5.0 | 8 | 0 |" in table([replace(local, queries=8)], floor_measure).splitlines()[3]
    )
    assert pages.charged(replace(page, requests=0), (1.0, 1.0), (2.0, 2.0), database=True).app_cpu_ms is None


def test_only_a_postgresql_on_this_machine_has_its_processes_read():
    assert pages.local_postgresql("postgresql://postgres@127.0.0.1:5432/youthcourt")
    assert pages.local_postgresql("postgresql+asyncpg://app@localhost/youthcourt")
    assert not pages.local_postgresql("postgresql://app@db.example.org/youthcourt")
    assert not pages.local_postgresql("")
    assert not pages.local_postgresql("sqlite+aiosqlite:///youthcourt.db")


WORKER = """
import time
end = time.process_time() + 0.5
while time.process_time() < end:
    pass
print("done", flush=True)
time.sleep(30)
"""


def test_the_processor_time_of_a_server_s_whole_process_group_is_read():
    """The server and the workers it starts are one process group: a worker's time is charged to
    the group, and none to another group."""
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {WORKER!r}])"
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", parent], start_new_session=True, stdout=subprocess.PIPE, text=True
    )
    try:
        group, other = pages.Charged(process.pid, database=False), pages.Charged(-1, database=False)
        before = group.seconds()
        assert process.stdout is not None and process.stdout.readline() == "done\n"
        after = group.seconds()
        assert after[0] - before[0] >= 0.3, (before, after)
        assert after[1] == before[1] == 0.0
        assert other.seconds() == (0.0, 0.0)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
