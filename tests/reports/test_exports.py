"""De-identified case exports through HTTP: the rows of the cohort, nothing identifying, on the audit trail."""

from __future__ import annotations

import csv
import datetime
import html
import io
import re
import tempfile
import zipfile
from collections import Counter
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import openpyxl
import pyarrow.parquet as pq
import pytest
from litestar.exceptions import LitestarException
from sqlalchemy import event, select

from tests.factories import (
    make_case,
    make_program,
    make_referral,
    make_user,
    make_youth,
    post_form,
    sign_in,
)
from tests.reports.shifts import export_shift
from youthcourt.accounts.models import Membership
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import Case, CaseState, FollowUpCheck
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight, HearingOutcome
from youthcourt.outcomes.models import OutcomeEvent, OutcomeEventType, RecordSystem
from youthcourt.programs.models import Role
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.referrals.models import Referral, Youth
from youthcourt.referrals.screening import age_on
from youthcourt.reports import exports
from youthcourt.reports.cohort import Cohort, load_subjects, stream_subjects
from youthcourt.reports.deidentify import K_ANONYMITY, QUASI_IDENTIFIERS
from youthcourt.reports.exports import COLUMN_NAMES

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)
LAST = TODAY.replace(day=1) - DAY
"""The last day of the last month that has ended: cohorts are whole months that have ended."""
START = (TODAY - 900 * DAY).replace(day=1)


async def add_hearing(db, case, held_on: datetime.date) -> None:
    night = HearingNight(
        program_id=case.program_id,
        held_on=held_on,
        starts_at=datetime.time(18),
        ends_at=datetime.time(20),
        location="Town hall",
    )
    db.add(night)
    await db.flush()
    room = Courtroom(program_id=case.program_id, night_id=night.id, name="A")
    db.add(room)
    await db.flush()
    db.add(
        Hearing(
            program_id=case.program_id, courtroom_id=room.id, case_id=case.id, outcome=HearingOutcome.HELD
        )
    )
    await db.commit()


async def add_event(db, case, occurred_on: datetime.date, event_type: OutcomeEventType) -> None:
    db.add(
        OutcomeEvent(
            program_id=case.program_id,
            case_id=case.id,
            occurred_on=occurred_on,
            event_type=event_type,
            offense_category="property",
            source=RecordSystem.POLICE,
        )
    )
    await db.commit()


async def make_cohort(db) -> dict[str, Any]:
    """Three cases (one youth twice) in the program, one too old, and one in a program not granted."""
    program = await make_program(db, "Export Test Court")
    other = await make_program(db, "Other Court")
    evaluator = await make_user(db, program, Role.EVALUATOR)
    quinn = await make_youth(
        db, program, first_name="Zephyrine", last_name="Quackenbush", date_of_birth=datetime.date(2010, 2, 3)
    )
    first = await make_case(
        db,
        program,
        CaseState.COMPLETED,
        referral=await make_referral(
            db, program, quinn, source_reference="PD-77123", received_on=TODAY - 400 * DAY
        ),
    )
    first.intake_on = TODAY - 390 * DAY
    first.closed_on = TODAY - 250 * DAY
    db.add(
        FollowUpCheck(
            program_id=program.id,
            case_id=first.id,
            window_months=6,
            due_on=TODAY - 60 * DAY,
            completed_on=TODAY - 50 * DAY,
            records_searched="police",
        )
    )
    await db.commit()
    await add_hearing(db, first, TODAY - 370 * DAY)
    await add_event(db, first, TODAY - 100 * DAY, OutcomeEventType.ARREST)
    await add_event(db, first, TODAY - 90 * DAY, OutcomeEventType.CHARGE)
    again = await make_case(
        db,
        program,
        CaseState.SANCTIONS_IN_PROGRESS,
        referral=await make_referral(
            db, program, quinn, source_reference="PD-88456", received_on=LAST - 60 * DAY
        ),
    )
    third = await make_case(
        db,
        program,
        CaseState.INTAKE,
        referral=await make_referral(
            db,
            program,
            await make_youth(db, program, first_name="Bartholomew", last_name="Vandersloot"),
            source_reference="SCH-55501",
            received_on=LAST - 10 * DAY,
        ),
    )
    too_old = await make_case(db, program, received_on=START - 10 * DAY, source_reference="PD-OLD-1")
    outsider = await make_case(
        db,
        other,
        referral=await make_referral(
            db,
            other,
            await make_youth(db, other, first_name="Ottoline", last_name="Outerbridge"),
            source_reference="OC-99999",
        ),
    )
    return {
        "program": program,
        "other": other,
        "evaluator": evaluator,
        "quinn": quinn,
        "cases": [first, again, third],
        "too_old": too_old,
        "outsider": outsider,
    }


def query(program_ids, **fields: str) -> str:
    params = [("program", str(pid)) for pid in program_ids]
    params += list(
        {
            "referred_from": START.strftime("%Y-%m"),
            "referred_to": LAST.strftime("%Y-%m"),
            "dates": "shift",
            "format": "csv",
            **fields,
        }.items()
    )
    return "/reports/exports/download?" + urlencode(params)


async def identifying_values(db, data) -> list[str]:
    """Everything that must never appear in an export: names, birth dates, references, numbers, ids."""
    values: list[str] = []
    for youth in (await db.scalars(select(Youth))).all():
        values += [
            youth.first_name,
            youth.last_name,
            youth.date_of_birth.isoformat(),
            str(youth.id),
            youth.id.hex,
        ]
    for referral in (await db.scalars(select(Referral))).all():
        values += [referral.source_reference, referral.narrative, referral.incident_place, str(referral.id)]
    for case in (await db.scalars(select(Case))).all():
        values += [case.number, str(case.id)]
    values += [data["program"].research_key, str(data["program"].id)]
    return [v for v in values if v]


def assert_none_in(text: str, forbidden: list[str]) -> None:
    lowered = text.lower()
    for value in forbidden:
        assert value.lower() not in lowered, f"{value!r} found in the export"


async def download(client, path: str) -> Any:
    response = await client.get(path)
    assert response.status_code == 200, response.text[:500]
    return response


async def test_csv_export_holds_the_cohort_and_nothing_identifying(client, db):
    data = await make_cohort(db)
    await sign_in(client, data["evaluator"])
    response = await download(client, query([data["program"].id]))

    assert response.headers["content-type"].startswith("text/csv")
    assert (
        response.headers["content-disposition"]
        == f'attachment; filename="youthcourt-cases-{TODAY.isoformat()}.csv"'
    )
    assert response.headers["cache-control"] == "no-store"
    assert "content-length" not in response.headers
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == list(COLUMN_NAMES)
    assert len(rows) == 3
    assert {row["program"] for row in rows} == {"Export Test Court"}
    shift = await export_shift(db, data["program"], data["quinn"].id)
    last = TODAY - exports.RECENT_DAYS * DAY

    def shifted(day: datetime.date) -> str:
        return (day + shift).isoformat() if day + shift <= last else ""

    done = next(row for row in rows if row["referred_on"] == shifted(TODAY - 400 * DAY))
    quinns = [row for row in rows if row["youth_id"] == done["youth_id"]]
    assert len(quinns) == 2, "one youth, one id across their cases"
    assert quinns[0]["case_pseudo_id"] != quinns[1]["case_pseudo_id"]
    assert len({row["youth_id"] for row in rows}) == 2
    assert done["closed_on"] == shifted(TODAY - 250 * DAY)
    assert done["first_hearing_on"] == shifted(TODAY - 370 * DAY)
    assert done["followed_until"] == min(TODAY - 50 * DAY + shift, last).isoformat()
    assert done["first_arrest_on"] == shifted(TODAY - 100 * DAY)
    assert done["first_adjudication_on"] == ""
    assert done["event_count"] == "2"
    assert done["completion_status"] == "Completed"
    assert done["age_at_referral"] == str(data["quinn"].age_on(TODAY - 400 * DAY))
    assert next(row for row in quinns if row is not done)["completion_status"] == "Open"
    assert_none_in(response.text, await identifying_values(db, data))
    assert "Other Court" not in response.text
    dates = [
        value for row in rows for name, value in row.items() if name.endswith(("_on", "_until")) and value
    ]
    assert dates and max(dates) < TODAY.isoformat(), "a date moved past the export's own date tells its shift"
    assert max(dates) <= last.isoformat(), "a date close to the export's own narrows the shift down"


def quasi_identifiers(row: dict[str, Any]) -> tuple[str, ...]:
    return tuple(row[name] for name in QUASI_IDENTIFIERS)


async def test_month_dates_are_coarsened_to_the_month_when_every_combination_has_k_rows(client, db):
    program = await make_program(db, "Alike Court")
    evaluator = await make_user(db, program, Role.EVALUATOR)
    alike_on = LAST - 40 * DAY
    for _ in range(K_ANONYMITY):
        await make_case(db, program, CaseState.COMPLETED, received_on=alike_on)
    await sign_in(client, evaluator)
    response = await download(client, query([program.id], dates="month"))
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["referred_on"] for row in rows] == [alike_on.strftime("%Y-%m")] * K_ANONYMITY
    assert {row["age_at_referral"] for row in rows} == {str(age_on(datetime.date(2011, 5, 17), alike_on))}

    workbook = openpyxl.load_workbook(
        io.BytesIO((await download(client, query([program.id], dates="month", format="xlsx"))).content),
        read_only=True,
    )
    about = dict(workbook["About this file"].iter_rows(values_only=True))
    assert about["k-anonymity"].startswith("Every combination of program, age_at_referral")
    assert about["k-anonymity"].endswith("no generalization needed; 0 rows left out of 5.")


async def test_a_month_export_generalizes_and_leaves_out_rows_until_every_combination_has_k_rows(client, db):
    data = await make_cohort(db)
    alike_on = LAST - 40 * DAY
    for _ in range(K_ANONYMITY):
        await make_case(db, data["program"], CaseState.COMPLETED, received_on=alike_on)
    await sign_in(client, data["evaluator"])
    response = await download(client, query([data["program"].id], dates="month"))
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) >= K_ANONYMITY
    assert min(Counter(quasi_identifiers(row) for row in rows).values()) >= K_ANONYMITY
    assert all(len(row["referred_on"]) < 7 or row["age_at_referral"] == "Withheld" for row in rows), (
        "eight cases this different cannot stay 5-anonymous without coarsening"
    )

    page = await client.get(query([data["program"].id], dates="month").replace("/download?", "/preview?"))
    assert page.status_code == 200
    assert any(step in page.text for step in ("withheld", "grouped", "given as its"))
    left_out = 8 - len(rows)
    assert f"{left_out} row{'' if left_out == 1 else 's'} left out, of 8" in page.text


def preview(program_ids, **fields: str) -> str:
    return query(program_ids, **fields).replace("/download?", "/preview?")


def plan_of(text: str) -> str:
    """The page's account of what the file's de-identification does, as plain text."""
    found = re.search(r'<article id="export-plan".*?</article>', text, re.S)
    assert found is not None, "no account of the de-identification on the page"
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", found[0])))


async def test_checking_a_shifted_case_file_shows_its_shift_and_the_dates_held_back(client, db):
    """The defaults (a case file with shifted dates) get an account of the shift, not a reloaded form."""
    data = await make_cohort(db)
    await sign_in(client, data["evaluator"])
    last = TODAY - exports.RECENT_DAYS * DAY
    quinn = await export_shift(db, data["program"], data["quinn"].id)
    third = await export_shift(db, data["program"], data["cases"][2].youth_id)
    blanked = [LAST - 60 * DAY + quinn > last, LAST - 10 * DAY + third > last].count(True)
    cut = int(TODAY - 50 * DAY + quinn > last)

    page = await client.get(preview([data["program"].id]))

    assert page.status_code == 200
    plan = plan_of(page.text)
    assert "What the shifted-date case file does" in plan
    assert "3 rows, one per case" in plan
    assert f"from 1 to {exports.MAX_SHIFT_DAYS}, derived from the program's secret key" in plan
    assert "the same offset in every export" in plan
    assert f"No shifted date later than {last.isoformat()} is given" in plan
    assert f"{blanked} of the 3 cases {'has' if blanked == 1 else 'have'} a date left blank for it" in plan
    assert f"followed_until ends on that day for {cut} of the 3." in plan
    assert "No row is left out" in plan
    assert "Drawn afresh for this file only" in plan
    assert "Names, birth dates, contact details" in plan
    assert "k-anonymity: Not applied" in plan
    assert "Sealed cases: Included" in plan
    assert 'value="shift" checked' in page.text
    assert_none_in(plan, await identifying_values(db, data))
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "export.previewed"))
    assert entry is not None and entry.details["dates"] == "shift"


async def test_checking_an_event_file_says_its_days_are_counted_on_the_true_dates(client, db):
    data = await make_cohort(db)
    await sign_in(client, data["evaluator"])

    page = await client.get(preview([data["program"].id], kind="events"))

    assert page.status_code == 200
    plan = plan_of(page.text)
    assert "What the event file does" in plan
    assert "2 rows, one per new offense" in plan
    assert "days counted on the true dates" in plan
    assert "No date is given" in plan
    assert "k-anonymity: Not applied" in plan
    assert "Drawn afresh for this file only" in plan
    assert 'value="events" checked' in page.text


async def test_checking_a_comparison_file_says_what_it_holds_even_when_empty(client, db):
    data = await make_cohort(db)
    await sign_in(client, data["evaluator"])

    page = await client.get(preview([data["program"].id], kind="comparison"))

    assert page.status_code == 200
    plan = plan_of(page.text)
    assert "What the comparison file does" in plan
    assert "0 rows, one per youth of an imported comparison group" in plan
    assert "days from each youth's own anchor" in plan
    assert "k-anonymity: Not applied" in plan


async def test_checking_a_month_only_file_in_a_release_names_its_own_pseudonyms(client, db):
    """A release's month-only case files share a key of their own, not the release's other files' ids."""
    data = await make_cohort(db)
    await sign_in(client, data["evaluator"])
    release = await post_form(client, "/reports/exports/releases", {"release_name": "Spring study"})
    release_id = release.headers["location"].split("release=")[1]

    page = await client.get(preview([data["program"].id], dates="month", release=release_id))

    plan = plan_of(page.text)
    assert "What the month-only case file does" in plan
    assert "Shared only by the month-only case files of the data release 'Spring study'" in plan


async def test_xlsx_export_has_the_rows_the_about_sheet_and_the_dictionary(client, db):
    data = await make_cohort(db)
    await sign_in(client, data["evaluator"])
    response = await download(client, query([data["program"].id], format="xlsx"))

    assert response.headers["content-type"] == exports.ExportFormat.XLSX.media_type
    assert response.headers["content-disposition"].endswith(f'youthcourt-cases-{TODAY.isoformat()}.xlsx"')
    assert response.headers["cache-control"] == "no-store"
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["Cases", "About this file", "Data dictionary"]
    cases = list(workbook["Cases"].iter_rows(values_only=True))
    assert cases[0] == COLUMN_NAMES
    assert len(cases) == 4
    about = dict(workbook["About this file"].iter_rows(values_only=True))
    assert about["Rows"] == "3"
    assert about["Programs"] == "Export Test Court"
    assert about["Referrals received from"] == START.isoformat()
    assert (
        "6 months = 183 days, 12 months = 365 days, 18 months = 548 days, 24 months = 730 days"
        in (about["Follow-up windows"])
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        text = "".join(archive.read(name).decode() for name in archive.namelist())
    assert_none_in(text, await identifying_values(db, data))


async def test_parquet_export_has_typed_rows_and_metadata(client, db):
    data = await make_cohort(db)
    await sign_in(client, data["evaluator"])
    response = await download(client, query([data["program"].id], format="parquet"))

    assert response.headers["content-type"] == "application/vnd.apache.parquet"
    parquet = pq.ParquetFile(io.BytesIO(response.content))
    table = parquet.read().to_pylist()
    assert len(table) == 3
    assert {row["program"] for row in table} == {"Export Test Court"}
    referrals = [row["referred_on"] for row in table if row["referred_on"] is not None]
    assert referrals and all(isinstance(day, datetime.date) for day in referrals)
    assert parquet.metadata.metadata[b"youthcourt.rows"] == b"3"
    everything = repr(table) + repr(parquet.metadata.metadata) + repr(parquet.schema_arrow)
    assert_none_in(everything, await identifying_values(db, data))


async def test_an_export_spanning_granted_programs_keys_each_program_apart(client, db):
    data = await make_cohort(db)
    second = await make_program(db, "Second Court")
    db.add(Membership(program_id=second.id, user_id=data["evaluator"].id, role=Role.EVALUATOR))
    moved = await make_case(db, second, received_on=LAST - 200 * DAY)
    await db.commit()
    await sign_in(client, data["evaluator"])
    response = await download(client, query([data["program"].id, second.id]))
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 4
    second_rows = [row for row in rows if row["program"] == "Second Court"]
    assert len(second_rows) == 1
    assert (
        second_rows[0]["referred_on"]
        == (LAST - 200 * DAY + await export_shift(db, second, moved.youth_id)).isoformat()
    ), "each program's youth are shifted with the program's own key"
    assert second_rows[0]["youth_id"] not in {
        row["youth_id"] for row in rows if row["program"] != "Second Court"
    }


async def test_export_is_audited_with_its_row_count(client, db):
    data = await make_cohort(db)
    await sign_in(client, data["evaluator"])
    await download(client, query([data["program"].id], format="xlsx", dates="month"))

    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "cases.exported"))
    assert entry is not None
    assert entry.outcome == "success"
    assert entry.program_id == data["program"].id
    assert entry.actor_id == data["evaluator"].id
    assert entry.details == {
        "programs": ["Export Test Court"],
        "referred_from": START.isoformat(),
        "referred_to": LAST.isoformat(),
        "kind": "cases",
        "format": "xlsx",
        "dates": "month",
        "rows": 0,
        "k_anonymity": {
            "k": 5,
            "generalized": entry.details["k_anonymity"]["generalized"],
            "suppressed": 3,
        },
    }
    assert entry.details["k_anonymity"]["generalized"], (
        "three cases cannot be 5-anonymous without generalizing"
    )


async def test_export_streams_in_batches(client, db, monkeypatch):
    data = await make_cohort(db)
    monkeypatch.setattr(exports, "BATCH_SIZE", 2)
    await sign_in(client, data["evaluator"])
    chunks = []
    async with client.stream("GET", query([data["program"].id])) as response:
        assert response.status_code == 200
        assert "content-length" not in response.headers
        assert response.headers["cache-control"] == "no-store"
        async for chunk in response.aiter_raw():
            chunks.append(chunk)
    text = b"".join(chunks).decode()
    assert len(list(csv.DictReader(io.StringIO(text)))) == 3


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"referred_to": (START - DAY).strftime("%Y-%m")}, "referred_to", "must be the first month or later"),
        ({"format": "pdf"}, "format", "Choose a file format"),
        ({"dates": "exact"}, "dates", "Choose how dates are de-identified"),
        ({"referred_from": "not-a-month"}, "referred_from", "as a year and month"),
    ],
)
async def test_bad_input_shows_the_form_again_without_a_file(client, db, fields, field, message):
    data = await make_cohort(db)
    await sign_in(client, data["evaluator"])
    response = await client.get(query([data["program"].id], **fields))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "attachment" not in response.headers.get("content-disposition", "")
    assert f'id="error-{field}"' in response.text
    assert message in response.text
    assert f'value="{data["program"].id}" checked' in response.text
    assert await db.scalar(select(AuditEntry).where(AuditEntry.action == "cases.exported")) is None


async def test_a_program_not_granted_is_refused(client, db):
    data = await make_cohort(db)
    await sign_in(client, data["evaluator"])
    response = await client.get(query([data["program"].id, data["other"].id]))
    assert response.status_code == 422
    assert "not a program you report on" in response.text
    assert "Ottoline" not in response.text
    response = await client.get(query([]))
    assert response.status_code == 422
    assert "Choose at least one program" in response.text


async def test_form_and_dictionary_pages(client, db):
    data = await make_cohort(db)
    await sign_in(client, data["evaluator"])
    response = await client.get("/reports/exports")
    assert response.status_code == 200
    assert f'value="{data["program"].id}" checked' in response.text
    assert re.search(r'name="referred_from" type="month"\s+value="\d{4}-01"', response.text)
    assert 'name="dates" value="shift" checked' in response.text
    assert 'name="format" value="csv" checked' in response.text
    assert 'href="/reports/exports/dictionary"' in response.text

    page = await client.get("/reports/exports/dictionary?dates=month")
    assert page.status_code == 200
    for name in COLUMN_NAMES:
        assert f"<code>{name}</code>" in page.text
    assert "month (YYYY-MM)" in page.text

    csv_file = await client.get("/reports/exports/dictionary.csv")
    assert csv_file.status_code == 200
    assert csv_file.headers["content-disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(csv_file.text)))
    assert rows[0] == ["column", "type", "meaning", "allowed_values"]
    assert [row[0] for row in rows[1:]] == list(COLUMN_NAMES)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.JUROR, Role.PROGRAM_ADMIN])
async def test_only_evaluators_export(client, db, role):
    data = await make_cohort(db)
    user = await make_user(db, data["program"], role)
    await sign_in(client, user)
    for path in (query([data["program"].id]), "/reports/exports", "/reports/exports/dictionary"):
        response = await client.get(path)
        assert response.status_code == 403, path
        assert "attachment" not in response.headers.get("content-disposition", "")


@contextmanager
def counting(db):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = db.bind.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


async def test_stream_subjects_matches_load_subjects_in_one_query_per_batch(db):
    data = await make_cohort(db)
    for _ in range(4):
        await make_case(db, data["program"], received_on=LAST - 5 * DAY)
    cohort = Cohort((data["program"].id,), START, LAST)
    with program_scope(ProgramScope.of(data["program"].id)):
        expected = {s.case_id: s for s in await load_subjects(db, cohort)}
        with counting(db) as statements:
            batches = [batch async for batch in stream_subjects(db, cohort, batch_size=3)]
    assert [len(batch) for batch in batches] == [3, 3, 1]
    streamed = [s for batch in batches for s in batch]
    assert {s.case_id: s for s in streamed} == expected
    assert [s.case_id for s in streamed] == sorted(s.case_id for s in streamed)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 1 + len(batches)
    assert (
        next(s for s in streamed if s.case_id == data["cases"][0].id).events[0][1] is OutcomeEventType.ARREST
    )


@pytest.mark.parametrize("file_format", ["xlsx", "parquet"])
async def test_an_export_that_fails_half_way_is_audited_and_leaves_no_file(
    client, db, monkeypatch, tmp_path, file_format
):
    data = await make_cohort(db)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr(exports, "BATCH_SIZE", 2)
    real_row = exports.export_row
    calls = []

    def failing_row(*args):
        calls.append(args)
        if len(calls) > 2:
            raise RuntimeError("the database went away")
        return real_row(*args)

    monkeypatch.setattr(exports, "export_row", failing_row)
    await sign_in(client, data["evaluator"])
    with pytest.raises(LitestarException, match="after response started"):
        await client.get(query([data["program"].id], format=file_format))

    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "cases.exported"))
    assert entry.outcome == "failure"
    assert entry.details["rows"] == 2
    assert entry.details["format"] == file_format
    assert list(scratch.iterdir()) == []


async def test_a_case_added_between_the_two_passes_of_a_month_export_is_left_out(client, db, monkeypatch):
    """The rows follow the plan the first pass made: a case it did not count is not written."""
    program = await make_program(db, "Two Pass Court")
    evaluator = await make_user(db, program, Role.EVALUATOR)
    alike_on = LAST - 40 * DAY
    for _ in range(K_ANONYMITY):
        await make_case(db, program, CaseState.COMPLETED, received_on=alike_on)
    planned = exports.plan_export

    async def plan_then_add_a_case(session, spec):
        result = await planned(session, spec)
        await make_case(db, program, CaseState.COMPLETED, received_on=alike_on, offense_class="D")
        return result

    monkeypatch.setattr(exports, "plan_export", plan_then_add_a_case)
    await sign_in(client, evaluator)
    rows = list(
        csv.DictReader(io.StringIO((await download(client, query([program.id], dates="month"))).text))
    )
    assert len(rows) == K_ANONYMITY
    assert {row["offense_class"] for row in rows} == {"A"}
