"""Imports of a program's records: map the columns (guessed, remembered), preview every problem by row
and column, import all rows or none, once, in the admin's own program only; imported cases count
in the recidivism report on both of its paths."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import func, select, update

from tests.concurrency import Browser, fire, running_server
from tests.factories import csrf_token, make_program, make_user, post_form, sign_in
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import Case, CaseState, FollowUpCheck, ImportKind, ImportStatus, RecordImport
from youthcourt.clock import utc_now
from youthcourt.hearings.models import Hearing, HearingNight
from youthcourt.imports.models import ImportMapping
from youthcourt.imports.sample_files import sample_csv
from youthcourt.imports.services import ABANDONED_AFTER
from youthcourt.jurors.models import Juror, Qualification, TrainingAttendance
from youthcourt.outcomes.models import OutcomeEvent, OutcomeEventType
from youthcourt.programs.models import Program, Role
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.reference.defaults import ensure_defaults
from youthcourt.referrals.models import Referral, Youth
from youthcourt.reports.cohort import Anchor, Cohort, load_subjects
from youthcourt.reports.recidivism import Grouping, ReportOptions, _tally_groups
from youthcourt.reports.tallies import tally_in_database
from youthcourt.worker import housekeeping

URL = "/imports"
SAMPLE_CASES = 10


async def admin_signed_in(client: Any, db: Any, program: Program | None = None) -> Program:
    program = program or await make_program(db)
    await ensure_defaults(db, program.id)
    await db.commit()
    await sign_in(client, await make_user(db, program, Role.PROGRAM_ADMIN, name="Ada Admin"))
    return program


async def upload(client: Any, content: bytes | str, kind: str = "cases", filename: str = "cases.csv") -> Any:
    body = content.encode() if isinstance(content, str) else content
    return await client.post(
        URL,
        data={"_csrf_token": csrf_token(client), "kind": kind},
        files={"file": (filename, body, "text/csv")},
        follow_redirects=False,
    )


def import_id(response: Any) -> str:
    assert response.status_code in (302, 303), response.text[:500]
    match = re.search(r"/imports/([0-9a-f-]{36})/mapping", response.headers["location"])
    assert match, response.headers["location"]
    return match.group(1)


def mapping_fields(page: str) -> dict[str, str]:
    """The mapping page's selects as the browser would send them: each one's selected option."""
    fields = {}
    for name, body in re.findall(
        r'<select id="field-(column-\d+)" name="[^"]+"[^>]*>(.*?)</select>', page, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)"\s+selected', body)
        fields[name] = chosen.group(1) if chosen else ""
    return fields


async def staged(client: Any, content: str, kind: str = "cases") -> str:
    """Upload ``content`` and keep the guessed mapping: the import's id."""
    record = import_id(await upload(client, content, kind))
    page = await client.get(f"{URL}/{record}/mapping")
    saved = await post_form(client, f"{URL}/{record}/mapping", mapping_fields(page.text))
    assert saved.status_code == 303, saved.text[:800]
    return record


async def count(db: Any, model: Any, *where: Any) -> int:
    return int(await db.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def sample_with(replacements: dict[str, str]) -> str:
    text = sample_csv(ImportKind.CASES)
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


# The whole flow --------------------------------------------------------------------------------------


async def test_the_sample_case_file_imports_whole_and_counts_in_the_recidivism_report(client, db):
    program = await admin_signed_in(client, db)
    record_id = await staged(client, sample_csv(ImportKind.CASES))

    preview = await client.get(f"{URL}/{record_id}/preview")
    assert preview.status_code == 200
    assert f"{SAMPLE_CASES} of {SAMPLE_CASES} rows are fine" in preview.text
    done = await post_form(client, f"{URL}/{record_id}/run", {})
    assert done.status_code == 303, done.text[:800]

    with program_scope(ProgramScope.of(program.id)):
        assert await count(db, Case, Case.import_id.is_not(None)) == SAMPLE_CASES
        assert await count(db, Youth) == SAMPLE_CASES
        assert await count(db, Referral) == SAMPLE_CASES
        assert await count(db, Hearing) == SAMPLE_CASES - 1  # the withdrawn case was never heard
        assert await count(db, HearingNight) == 9
        assert await count(db, OutcomeEvent) == 3
        unsearched = await db.scalar(
            select(func.count())
            .select_from(FollowUpCheck)
            .where(FollowUpCheck.records_searched == "", FollowUpCheck.completed_on.is_not(None))
        )
        assert unsearched == 1  # Esme's check searched no records and stays so
        # A case whose follow-up the file records has a check for every window after its last one,
        # done or still to do (one already past due shows as due now), not a gap in the middle.
        windows = (await db.execute(select(FollowUpCheck.case_id, FollowUpCheck.window_months))).all()
        by_case: dict[Any, set[int]] = {}
        for case_id, months in windows:
            by_case.setdefault(case_id, set()).add(months)
        followed = {case_id for case_id, in (await db.execute(
            select(FollowUpCheck.case_id).where(FollowUpCheck.completed_on.is_not(None))
        )).all()}  # fmt: skip
        assert followed and all(by_case[case_id] == {6, 12} for case_id in followed), by_case
        past_due = await db.scalar(
            select(func.count())
            .select_from(FollowUpCheck)
            .where(FollowUpCheck.completed_on.is_(None), FollowUpCheck.due_on <= datetime.date.today())
        )
        assert past_due >= 1, "a window the old records missed is due now"
        states = dict((await db.execute(select(Case.state, func.count()).group_by(Case.state))).all())
        assert states == {CaseState.COMPLETED: 7, CaseState.UNSUCCESSFUL: 2, CaseState.WITHDRAWN: 1}
        record = await db.scalar(select(RecordImport))
        assert record.status is ImportStatus.IMPORTED and record.staged_rows == []
        assert record.imported_count == SAMPLE_CASES
        entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "import_imported"))
        assert entry.details["rows"] == SAMPLE_CASES and entry.actor_name

        cohort = Cohort((program.id,), datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
        subjects = await load_subjects(db, cohort)
        assert len(subjects) == SAMPLE_CASES
        heard = [s for s in subjects if s.heard_on is not None]
        assert len(heard) == SAMPLE_CASES - 1
        options = ReportOptions(frozenset(OutcomeEventType), Anchor.CLOSURE, 12, Grouping.NONE)
        python_tallies, _ = _tally_groups(subjects, options)
        database_tallies, _ = await tally_in_database(db, cohort, options)
    # From closure, within a year: Bastian (arrest), Dmitri (charge) and Hugo (new referral, 325 days
    # on) reoffended; Avery, Carmen, Felix and Ines were checked a full year on. Jonah was checked
    # only six months on, Esme's check searched no records and Greta's case was withdrawn: censored.
    (tally,) = python_tallies.values()
    assert tally.counts() == {
        "cohort": 10,
        "full_window": 7,
        "reoffended": 3,
        "not_reoffended": 4,
        "censored": 3,
    }
    assert {label: t.counts() for label, t in database_tallies.items()} == {
        label: t.counts() for label, t in python_tallies.items()
    }

    await sign_in(client, await make_user(db, program, Role.COORDINATOR))
    listed = await client.get("/cases?origin=imported")
    assert listed.status_code == 200
    assert listed.text.count("tag-imported") == SAMPLE_CASES


# Mapping ---------------------------------------------------------------------------------------------


async def test_the_mapping_is_guessed_from_synonyms_and_remembered_for_the_next_file(client, db):
    await admin_signed_in(client, db)
    header = "Youth First Name,SURNAME,DOB,Referral Date,Charge,Referred by,Closed,Outcome,Notes"
    row = "Pia,Rask,2008-01-02,2022-03-01,Trespass,Police Department,2022-06-01,completed,x"
    record_id = import_id(await upload(client, f"{header}\n{row}\n"))

    page = await client.get(f"{URL}/{record_id}/mapping")
    guessed = mapping_fields(page.text)
    assert guessed == {
        "column-0": "first_name",
        "column-1": "last_name",
        "column-2": "date_of_birth",
        "column-3": "received_on",
        "column-4": "offense",
        "column-5": "source",
        "column-6": "closed_on",
        "column-7": "closure",
        "column-8": "",
    }
    chosen = {**guessed, "column-8": "disposition"}
    assert (await post_form(client, f"{URL}/{record_id}/mapping", chosen)).status_code == 303
    assert (await client.get(f"{URL}/{record_id}/preview")).status_code == 200

    again = import_id(await upload(client, f"{header.lower()}\n{row}\n"))
    remembered = mapping_fields((await client.get(f"{URL}/{again}/mapping")).text)
    assert remembered["column-8"] == "disposition"


async def test_a_mapping_without_a_required_column_or_with_a_column_twice_is_shown_again(client, db):
    await admin_signed_in(client, db)
    record_id = import_id(await upload(client, sample_csv(ImportKind.CASES)))
    fields = mapping_fields((await client.get(f"{URL}/{record_id}/mapping")).text)

    twice = await post_form(client, f"{URL}/{record_id}/mapping", {**fields, "column-1": "first_name"})
    assert twice.status_code == 422
    assert "First name is already filled from" in twice.text
    assert "Last name" in twice.text  # now missing: named among the required columns


# Every kind of row error -----------------------------------------------------------------------------


async def test_every_problem_is_shown_by_row_and_column_and_nothing_is_imported(client, db):
    program = await admin_signed_in(client, db)
    with program_scope(ProgramScope.of(program.id)):
        db.add(
            Youth(
                program_id=program.id,
                first_name="Felix",
                last_name="Nakamura-Stone",
                date_of_birth=datetime.date(2010, 5, 22),
            )
        )
        await db.commit()
    text = sample_with(
        {
            "Avery,Lindqvist,2009-04-12": "Avery,Lindqvist,2009-13-12",  # row 2: a date that is not one
            "Disorderly conduct,School District": "Jaywalking,School District",  # row 3: unknown offense
            "Carmen,Delacroix-Reyes": ",Delacroix-Reyes",  # row 4: a required value missing
            "2024-08-01,not completed": "2024-08-01,half done",  # row 5: not a closure
            "2025-02-27,,no new offense": "2024-07-27,,no new offense",  # row 6: checked before closing
            "Greta,Oduya,2009-12-01": "Greta,Oduya,2027-12-01",  # row 8: a birth date in the future
        }
    )
    lines = text.strip().split("\n")
    lines.append(lines[10])  # row 12: the same as row 11
    record_id = await staged(client, "\n".join(lines) + "\n")

    preview = await client.get(f"{URL}/{record_id}/preview")
    assert preview.status_code == 200
    expected = {
        2: "Enter the date of birth as a real date",
        3: "“Jaywalking” is not an offense of the program&#39;s catalog",
        4: "Enter the first name.",
        5: "“half done” is not one of",
        6: "A follow-up check is dated before the case closed.",
        7: "A youth with this name and birth date is already in the program",
        8: "The date of birth cannot be in the future.",
        12: "a duplicate row",
    }
    rows = dict(re.findall(r'<tr id="row-(\d+)" data-row="\d+">(.*?)</tr>', preview.text, re.S))
    for number, message in expected.items():
        assert message in rows.get(str(number), ""), (number, rows.get(str(number)))
    assert "Row 9<" not in preview.text
    assert "3 of 11 rows are fine" in preview.text, re.findall(r'id="fine-count">(.*?)<', preview.text)
    assert "Nakamura-Stone" not in preview.text  # names are never shown back
    assert "import-button" not in preview.text

    refused = await post_form(client, f"{URL}/{record_id}/run", {})
    assert refused.status_code == 422
    assert "Nothing was imported" in refused.text
    with program_scope(ProgramScope.of(program.id)):
        assert await count(db, Case) == 0
        assert await count(db, Youth) == 1
        assert await count(db, HearingNight) == 0
        assert (await db.scalar(select(RecordImport))).status is ImportStatus.STAGED


async def test_follow_up_rules_keep_the_file_honest(client, db):
    await admin_signed_in(client, db)
    text = sample_with(
        {
            # a result without check dates' records, a new offense with no type, checks in one month
            "2024-11-21; 2025-05-22,police; juvenile_court,no new offense": "2024-11-21; 2024-11-25,police,no new offense",
            "2025-03-14,arrest,theft,police": "2025-03-14,,theft,police",
            "2025-02-01,juvenile_court,new offense": "2025-02-01,juvenile_court,",
        }
    )
    record_id = await staged(client, text)
    preview = (await client.get(f"{URL}/{record_id}/preview")).text
    assert "Two checks fall in the same month after closure" in preview
    assert "Enter the new offense type: the result is a new offense." in preview
    assert "Enter what the checks found" in preview


# All or none, once -----------------------------------------------------------------------------------


async def test_parallel_imports_of_one_file_import_it_once(app, db, database_url):
    program = await make_program(db)
    await ensure_defaults(db, program.id)
    await db.commit()
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    async with running_server(app) as base:
        browser = Browser(base)
        await browser.sign_in(admin, database_url)
        token = browser.token
        uploaded = await browser.http.post(
            URL,
            data={"_csrf_token": token, "kind": "cases"},
            files={"file": ("cases.csv", sample_csv(ImportKind.CASES).encode(), "text/csv")},
        )
        record = import_id(uploaded)
        page = await browser.http.get(f"{URL}/{record}/mapping")
        await browser.post(f"{URL}/{record}/mapping", mapping_fields(page.text))
        preview = f"{URL}/{record}/preview"
        same = await browser.form_fields(preview)  # one form's once-token: a double click
        first = await fire(4, lambda _: browser.http.post(f"{URL}/{record}/run", data=same))
        second = await fire(3, lambda _: browser.post(f"{URL}/{record}/run", {}))  # other tabs
        await browser.close()
    assert [r.status_code for r in first + second] == [303] * 7, [r.text[:200] for r in first + second]
    with program_scope(ProgramScope.of(program.id)):
        assert await count(db, Case) == SAMPLE_CASES
        assert await count(db, AuditEntry, AuditEntry.action == "import_imported") == 1


# Jurors ----------------------------------------------------------------------------------------------


async def test_the_sample_juror_file_imports_the_roster_with_roles_and_training(client, db):
    program = await admin_signed_in(client, db)
    record_id = await staged(client, sample_csv(ImportKind.JURORS), kind="jurors")
    assert "4 of 4 rows are fine" in (await client.get(f"{URL}/{record_id}/preview")).text
    assert (await post_form(client, f"{URL}/{record_id}/run", {})).status_code == 303
    with program_scope(ProgramScope.of(program.id)):
        assert await count(db, Juror, Juror.import_id.is_not(None)) == 4
        assert await count(db, Qualification) == 6
        assert await count(db, TrainingAttendance) == 5

    again = await staged(client, sample_csv(ImportKind.JURORS), kind="jurors")
    preview = (await client.get(f"{URL}/{again}/preview")).text
    assert preview.count("already on the program&#39;s roster") == 4


async def test_an_xlsx_workbook_is_read_like_its_csv(client, db):
    from openpyxl import Workbook

    program = await admin_signed_in(client, db)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["First name", "Last name", "Date of birth", "Oath date", "Roles"])
    sheet.append(["Quinn", "Ashdown", datetime.datetime(2008, 4, 1), datetime.date(2024, 1, 9), "juror"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    record_id = import_id(await upload(client, buffer.getvalue(), "jurors", "roster.xlsx"))
    page = await client.get(f"{URL}/{record_id}/mapping")
    assert (
        await post_form(client, f"{URL}/{record_id}/mapping", mapping_fields(page.text))
    ).status_code == 303
    assert (await post_form(client, f"{URL}/{record_id}/run", {})).status_code == 303
    with program_scope(ProgramScope.of(program.id)):
        juror = await db.scalar(select(Juror))
    assert (juror.date_of_birth, juror.oath_signed_on) == (
        datetime.date(2008, 4, 1),
        datetime.date(2024, 1, 9),
    )


async def test_a_file_that_is_not_a_table_is_refused_on_the_upload_form(client, db):
    await admin_signed_in(client, db)
    refused = await upload(client, b"%PDF-1.7 not a table", filename="scan.pdf")
    assert refused.status_code == 422
    assert "not a CSV file" in refused.text
    assert (await upload(client, "first_name,last_name\n")).status_code == 422


# Scope and roles -------------------------------------------------------------------------------------


async def test_another_programs_imports_and_mappings_are_not_found(client, db):
    await admin_signed_in(client, db)
    record_id = await staged(client, sample_csv(ImportKind.CASES))
    with program_scope(ProgramScope.of(*[p.id for p in (await db.scalars(select(Program))).all()])):
        mapping = await db.scalar(select(ImportMapping))
    await admin_signed_in(client, db)  # another program's admin

    for path in (f"{URL}/{record_id}", f"{URL}/{record_id}/mapping", f"{URL}/{record_id}/preview"):
        assert (await client.get(path)).status_code == 404, path
    for path in (
        f"{URL}/{record_id}/mapping",
        f"{URL}/{record_id}/run",
        f"{URL}/{record_id}/discard",
        f"{URL}/mappings/{mapping.id}/forget",
    ):
        assert (await post_form(client, path, {})).status_code == 404, path
    index = await client.get(URL)
    assert "cases.csv</a>" not in index.text and "headers remembered" not in index.text


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.EVALUATOR, Role.JUROR])
async def test_only_program_admins_import(client, db, role):
    program = await make_program(db)
    await sign_in(client, await make_user(db, program, role))
    assert (await client.get(URL)).status_code == 403
    assert (await client.get(f"{URL}/samples/cases.csv")).status_code == 403


async def test_a_discarded_upload_keeps_no_rows_and_cannot_be_imported(client, db):
    program = await admin_signed_in(client, db)
    record_id = await staged(client, sample_csv(ImportKind.CASES))
    assert (await post_form(client, f"{URL}/{record_id}/discard", {})).status_code == 303
    after = await post_form(client, f"{URL}/{record_id}/run", {})
    assert after.status_code == 303
    with program_scope(ProgramScope.of(program.id)):
        record = await db.scalar(select(RecordImport))
        assert (record.status, record.staged_rows, await count(db, Case)) == (ImportStatus.DISCARDED, [], 0)


async def test_an_upload_left_staged_for_a_week_is_discarded_by_the_daily_housekeeping(client, db, settings):
    """Staged rows hold names and birth dates: an upload nobody imports does not keep them for good."""
    await admin_signed_in(client, db)
    old_id = await staged(client, sample_csv(ImportKind.CASES))
    recent_id = await staged(client, sample_csv(ImportKind.JURORS), "jurors")
    now = utc_now()
    await db.execute(
        update(RecordImport)
        .where(RecordImport.id == UUID(str(old_id)))
        .values(updated_at=now - ABANDONED_AFTER - datetime.timedelta(minutes=1))
    )
    await db.commit()

    counts = await housekeeping.purge(db, settings, now)
    await db.commit()

    assert counts.abandoned_imports == 1
    rows = {
        str(r.id): r
        for r in (await db.scalars(select(RecordImport).execution_options(populate_existing=True))).all()
    }
    assert (rows[str(old_id)].status, rows[str(old_id)].staged_rows) == (ImportStatus.DISCARDED, [])
    assert rows[str(recent_id)].status == ImportStatus.STAGED and rows[str(recent_id)].staged_rows


async def test_the_done_page_sends_a_program_admin_to_no_page_their_role_cannot_open(client, db):
    """Only coordinators open the case list: the admin who imported is told where the cases are."""
    await admin_signed_in(client, db)
    record_id = await staged(client, sample_csv(ImportKind.CASES))
    done = await post_form(client, f"{URL}/{record_id}/run", {})
    page = await client.get(done.headers["location"])

    assert page.status_code == 200
    assert "origin=imported" not in page.text
    assert "Coordinators find them in the case list" in page.text
