"""The event and comparison exports, data releases, and a report recomputed from its export."""

from __future__ import annotations

import csv
import datetime
import io
import random
import uuid
from collections import Counter
from typing import Any
from urllib.parse import urlencode

import openpyxl
import pyarrow.parquet as pq
from sqlalchemy import select

from tests.factories import make_case, make_program, make_user, post_form, sign_in
from tests.reports.test_exports import DAY, LAST, START, TODAY, add_event, add_hearing, make_cohort
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import CaseState, FollowUpCheck
from youthcourt.clock import utc_now
from youthcourt.outcomes.models import OutcomeEvent, OutcomeEventType, RecordSystem
from youthcourt.programs.models import Role
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.reports.analysis import DICTIONARY as ANALYSIS_DICTIONARY
from youthcourt.reports.analysis import analysis_rows
from youthcourt.reports.cohort import Anchor, Cohort
from youthcourt.reports.controllers.recidivism import load_comparison_subjects
from youthcourt.reports.deidentify import K_ANONYMITY, pseudonym
from youthcourt.reports.exports import (
    COMPARISON_COLUMNS,
    EVENT_COLUMNS,
    DateHandling,
    ExportFormat,
    ExportKind,
    ExportSpec,
    Release,
)
from youthcourt.reports.models import ComparisonEvent, ComparisonImport, ComparisonRecord, DataRelease
from youthcourt.reports.recidivism import Grouping, ReportOptions
from youthcourt.reports.tallies import tally_in_database

EVENT_NAMES = [column.name for column in EVENT_COLUMNS]
COMPARISON_NAMES = [column.name for column in COMPARISON_COLUMNS]


def query(program_ids, **fields: str) -> str:
    params = [("program", str(pid)) for pid in program_ids]
    params += list(
        {
            "referred_from": START.strftime("%Y-%m"),
            "referred_to": LAST.strftime("%Y-%m"),
            "kind": "cases",
            "dates": "shift",
            "format": "csv",
            **fields,
        }.items()
    )
    return "/reports/exports/download?" + urlencode(params)


async def rows_of(client, path: str) -> list[dict[str, str]]:
    response = await client.get(path)
    assert response.status_code == 200, response.text[:800]
    return list(csv.DictReader(io.StringIO(response.text)))


async def make_release(client, name: str = "Evaluation 2026") -> Any:
    return await post_form(client, "/reports/exports/releases", {"release_name": name})


async def test_the_event_export_has_every_event_with_days_from_each_anchor(client, db):
    data = await make_cohort(db)
    first, _again, third = data["cases"]
    db.add(
        OutcomeEvent(
            program_id=first.program_id,
            case_id=first.id,
            occurred_on=TODAY - 300 * DAY,
            event_type=OutcomeEventType.NEW_REFERRAL,
            offense_category="drug",
            source=RecordSystem.SCHOOL,
        )
    )
    await db.commit()
    await add_event(db, third, TODAY - 5 * DAY, OutcomeEventType.ARREST)
    third.sealed_at = utc_now()
    await db.commit()
    await sign_in(client, data["evaluator"])
    response = await client.get(query([data["program"].id], kind="events"))
    assert response.headers["content-disposition"].endswith(f'youthcourt-events-{TODAY.isoformat()}.csv"')
    rows = list(csv.DictReader(io.StringIO(response.text)))

    assert list(rows[0]) == EVENT_NAMES
    assert len(rows) == 4, "every event of every case, the sealed one's too"
    by_days = {row["days_from_referral"]: row for row in rows}
    school = by_days["100"]
    assert school["event_type"] == "new_referral"
    assert school["event_offense_category"] == "drug"
    assert school["record_system"] == "school"
    assert school["found_by_check"] == "false"
    assert school["days_from_first_hearing"] == "70"
    assert school["days_from_closure"] == "-50", "an offense before closure counts back from it"
    assert by_days["300"]["event_type"] == "arrest" and by_days["300"]["days_from_closure"] == "150"
    assert by_days["310"]["event_type"] == "charge" and by_days["310"]["record_system"] == "police"
    sealed = by_days[str((TODAY - 5 * DAY - (LAST - 10 * DAY)).days)]
    assert sealed["days_from_first_hearing"] == "" and sealed["days_from_closure"] == ""
    assert {row["referral_source_kind"] for row in rows} == {"police"}
    assert len({row["case_pseudo_id"] for row in rows}) == 2
    for value in (first.number, third.number, str(first.id), "Zephyrine", "Quackenbush"):
        assert value not in response.text


async def test_no_two_exports_share_ids_unless_both_are_in_one_release(client, db):
    data = await make_cohort(db)
    await add_event(db, data["cases"][2], TODAY - 5 * DAY, OutcomeEventType.CHARGE)
    await sign_in(client, data["evaluator"])
    program = [data["program"].id]

    once = await rows_of(client, query(program))
    twice = await rows_of(client, query(program))
    month = await rows_of(client, query(program, dates="month"))
    ids = [{row["youth_id"] for row in rows} for rows in (once, twice, month)]
    assert ids[0] and not ids[0] & ids[1], "two exports of the same cases share no id"
    assert not ids[0] & ids[2]
    assert not {row["case_pseudo_id"] for row in once} & {row["case_pseudo_id"] for row in twice}

    created = await make_release(client)
    assert created.status_code == 303
    release = await db.scalar(select(DataRelease).where(DataRelease.name == "Evaluation 2026"))
    assert created.headers["location"] == f"/reports/exports?release={release.id}"
    page = await client.get(created.headers["location"])
    assert f'<option value="{release.id}" selected>' in page.text
    assert release.pseudonym_key not in page.text

    cases = await rows_of(client, query(program, release=str(release.id)))
    events = await rows_of(client, query(program, kind="events", release=str(release.id)))
    again = await rows_of(client, query(program, release=str(release.id), format="csv"))
    case_ids = {row["case_pseudo_id"]: row["youth_id"] for row in cases}
    assert events and all(case_ids[row["case_pseudo_id"]] == row["youth_id"] for row in events)
    assert {row["youth_id"] for row in again} == set(case_ids.values())
    assert not set(case_ids.values()) & (ids[0] | ids[1] | ids[2])

    trail = (await db.scalars(select(AuditEntry).order_by(AuditEntry.occurred_at, AuditEntry.id))).all()
    made = [e for e in trail if e.action == "data_release.created"]
    assert len(made) == 1 and made[0].details == {"name": "Evaluation 2026"}
    assert made[0].record_id == str(release.id) and made[0].actor_id == data["evaluator"].id
    in_release = [e for e in trail if e.action.endswith(".exported") and e.details.get("release")]
    assert [e.action for e in in_release] == ["cases.exported", "events.exported", "cases.exported"]
    assert all(e.details["release"] == "Evaluation 2026" for e in in_release)


async def test_a_release_needs_a_new_name_and_a_chosen_program(client, db):
    data = await make_cohort(db)
    await sign_in(client, data["evaluator"])
    empty = await make_release(client, "  ")
    assert empty.status_code == 422
    assert 'id="error-release_name"' in empty.text
    assert (await make_release(client, "Study A")).status_code == 303
    taken = await make_release(client, "Study A")
    assert taken.status_code == 422
    assert "already has a data release of that name" in taken.text
    assert 'value="Study A"' in taken.text

    second = await make_program(db, "Second Court")
    evaluator = await make_user(db, second, Role.EVALUATOR)
    with program_scope(ProgramScope.of(second.id)):
        db.add(DataRelease(program_id=second.id, name="Elsewhere"))
        await db.commit()
        foreign = await db.scalar(select(DataRelease).where(DataRelease.name == "Elsewhere"))
    unknown = await client.get(query([data["program"].id], release=str(foreign.id), kind="events"))
    assert unknown.status_code == 422
    assert 'id="error-release"' in unknown.text
    assert 'name="kind" value="events" checked' in unknown.text
    assert "Elsewhere" not in unknown.text

    await sign_in(client, evaluator)
    own = await db.scalar(select(DataRelease).where(DataRelease.name == "Study A"))
    refused = await client.get(query([second.id], release=str(own.id)))
    assert refused.status_code == 422, "a release of a program the evaluator does not report on"


async def test_comparison_records_export_with_their_covariates_and_follow_up_in_days(client, db):
    data = await make_cohort(db)
    program = data["program"]
    upload = ComparisonImport(program_id=program.id, file_name="court.csv", row_count=3, group_labels="Court")
    db.add(upload)
    await db.flush()
    anchor = TODAY - 400 * DAY
    records = [
        ComparisonRecord(
            program_id=program.id,
            import_id=upload.id,
            external_id="RC-0001",
            group_label="Regular court",
            anchor_on=anchor,
            followed_until=anchor + 365 * DAY,
            age_years=15,
            gender="Female",
            race_ethnicity="White",
            offense_class="B",
        ),
        ComparisonRecord(
            program_id=program.id,
            import_id=upload.id,
            external_id="RC-0002",
            group_label="Regular court",
            anchor_on=anchor,
            followed_until=anchor + 200 * DAY,
        ),
        ComparisonRecord(
            program_id=program.id,
            import_id=upload.id,
            external_id="RC-0003",
            group_label="Regular court",
            anchor_on=START - 30 * DAY,
            followed_until=TODAY,
        ),
    ]
    db.add_all(records)
    await db.flush()
    for days, kind in (
        (40, OutcomeEventType.ARREST),
        (90, OutcomeEventType.CHARGE),
        (120, OutcomeEventType.ARREST),
    ):
        db.add(
            ComparisonEvent(
                program_id=program.id,
                record_id=records[0].id,
                occurred_on=anchor + days * DAY,
                event_type=kind,
            )
        )
    await db.commit()
    await sign_in(client, data["evaluator"])
    response = await client.get(query([program.id], kind="comparison", format="parquet"))
    assert response.status_code == 200
    table = pq.read_table(io.BytesIO(response.content))
    rows = sorted(table.to_pylist(), key=lambda row: -row["followed_days"])

    assert table.column_names == COMPARISON_NAMES
    assert len(rows) == 2, "only the youth whose clock started within the range, as the report counts"
    full, short = rows
    assert full["group"] == "Regular court" and full["program"] == "Export Test Court"
    assert (full["age_years"], full["gender"], full["race_ethnicity"], full["offense_class"]) == (
        15,
        "Female",
        "White",
        "B",
    )
    assert (full["followed_days"], full["first_arrest_days"], full["first_charge_days"]) == (365, 40, 90)
    assert full["first_adjudication_days"] is None and full["event_count"] == 3
    assert (short["followed_days"], short["event_count"], short["age_years"], short["gender"]) == (
        200,
        0,
        None,
        None,
    )
    assert "RC-000" not in repr(table.to_pylist()) + repr(table.schema.metadata)
    assert b"youthcourt.one_row_per" in table.schema.metadata


def _outcome(anchor: int | None, first_event: int | None, followed: int | None, window: int) -> str | None:
    """A youth's outcome recounted from the files' days, as an evaluator would."""
    if anchor is None:
        return None
    if first_event is not None and first_event <= window:
        return "reoffended"
    if first_event is not None or (followed is not None and followed >= window):
        return "not_reoffended"
    return "censored"


def _days_between(later: str, earlier: str) -> int | None:
    if not later or not earlier:
        return None
    return (datetime.date.fromisoformat(later) - datetime.date.fromisoformat(earlier)).days


async def test_a_reports_counts_are_recounted_from_its_export_with_a_sealed_case_in_it(client, db):
    """Reports count sealed cases; so does the export, and its files give each anchor's counts back."""
    program = await make_program(db, "Recount Court")
    evaluator = await make_user(db, program, Role.EVALUATOR)
    plans = [  # (referred days ago, heard after, closed after, first events after closure, checked after closure)
        (700, 30, 120, [(50, OutcomeEventType.ARREST)], 365),
        (650, 20, 100, [(-40, OutcomeEventType.ARREST), (300, OutcomeEventType.CHARGE)], 400),
        (600, 25, 90, [], 365),
        (500, 40, 150, [(200, OutcomeEventType.ADJUDICATION)], 250),
        (300, 30, 100, [], 100),
        (90, None, None, [], None),
    ]
    cases = []
    for referred, heard, closed, events, checked in plans:
        case = await make_case(
            db,
            program,
            CaseState.COMPLETED if closed else CaseState.INTAKE,
            received_on=TODAY - referred * DAY,
        )
        if heard is not None:
            await add_hearing(db, case, TODAY - (referred - heard) * DAY)
        if closed is not None:
            case.closed_on = TODAY - (referred - closed) * DAY
            db.add(
                FollowUpCheck(
                    program_id=program.id,
                    case_id=case.id,
                    window_months=12,
                    due_on=case.closed_on + checked * DAY,
                    completed_on=case.closed_on + checked * DAY,
                    records_searched="police",
                )
            )
            for after, kind in events:
                await add_event(db, case, case.closed_on + after * DAY, kind)
        cases.append(case)
    cases[1].sealed_at = utc_now()
    cases[3].sealed_at = utc_now()
    await db.commit()

    await sign_in(client, evaluator)
    created = await make_release(client, "Recount")
    release = created.headers["location"].split("release=")[1]
    program_ids = [program.id]
    case_rows = await rows_of(client, query(program_ids, release=release))
    event_rows = await rows_of(client, query(program_ids, kind="events", release=release))
    assert len(case_rows) == len(plans)

    counted = {OutcomeEventType.ARREST, OutcomeEventType.CHARGE}
    anchors = {Anchor.REFERRAL: ("referred_on", "referral"), Anchor.CLOSURE: ("closed_on", "closure")}
    for anchor, (column, suffix) in anchors.items():
        options = ReportOptions(event_types=frozenset(counted), anchor=anchor, window_months=12)
        cohort = Cohort((program.id,), START, LAST)
        with program_scope(ProgramScope.of(program.id)):
            tallies, _ = await tally_in_database(db, cohort, options)
        reported = tallies["All youth"].counts() if tallies else {}

        recount = {"reoffended": 0, "not_reoffended": 0, "censored": 0}
        for row in case_rows:
            firsts = [
                int(event[f"days_from_{suffix}"])
                for event in event_rows
                if event["case_pseudo_id"] == row["case_pseudo_id"]
                and event["event_type"] in counted
                and event[f"days_from_{suffix}"] != ""
                and int(event[f"days_from_{suffix}"]) >= 0
            ]
            anchor_on = row[column]
            outcome = _outcome(
                0 if anchor_on else None,
                min(firsts, default=None),
                _days_between(row["followed_until"], anchor_on),
                options.window_days,
            )
            if outcome is not None:
                recount[outcome] += 1
        assert reported["reoffended"] == recount["reoffended"], anchor
        assert reported["not_reoffended"] == recount["not_reoffended"], anchor
        assert reported["censored"] == recount["censored"], anchor
        assert reported["cohort"] == sum(recount.values()) >= 4, anchor


async def test_each_kind_of_file_carries_its_own_dictionary(client, db):
    data = await make_cohort(db)
    await add_event(db, data["cases"][2], TODAY - 5 * DAY, OutcomeEventType.CHARGE)
    await sign_in(client, data["evaluator"])
    response = await client.get(query([data["program"].id], kind="events", format="xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["Events", "About this file", "Data dictionary"]
    assert [
        row[0] for row in workbook["Data dictionary"].iter_rows(min_row=2, values_only=True)
    ] == EVENT_NAMES
    about = dict(workbook["About this file"].iter_rows(values_only=True))
    assert about["One row per"].startswith("new offense recorded on a case")
    assert about["Pseudonyms"].startswith("Drawn afresh for this file only")
    assert about["Sealed cases"].startswith("Included, as in every report")

    for kind, names in (("events", EVENT_NAMES), ("comparison", COMPARISON_NAMES)):
        dictionary = await client.get(f"/reports/exports/dictionary.csv?kind={kind}")
        assert [row[0] for row in list(csv.reader(io.StringIO(dictionary.text)))[1:]] == names
    page = await client.get("/reports/exports/dictionary")
    for name in [*EVENT_NAMES, *COMPARISON_NAMES, *(name for name, *_ in ANALYSIS_DICTIONARY)]:
        assert f"<code>{name}</code>" in page.text
    assert "Sealed and expunged cases</strong> are included" in page.text


async def test_a_comparison_reports_counts_are_recounted_from_the_comparison_file(client, db):
    """Grouped by comparison group, the report counts comparison youth as its analysis file shows
    them; the comparison file gives the same counts back, for each window and definition."""
    data = await make_cohort(db)
    program = data["program"]
    upload = ComparisonImport(
        program_id=program.id, file_name="court.csv", row_count=40, group_labels="Court"
    )
    db.add(upload)
    await db.flush()
    rng = random.Random(13)
    kinds = list(OutcomeEventType)
    for number in range(40):
        anchor = START + rng.randint(0, 700) * DAY
        followed = min(anchor + rng.randint(30, 800) * DAY, TODAY)
        record = ComparisonRecord(
            program_id=program.id,
            import_id=upload.id,
            external_id=f"RC-{number:04d}",
            group_label=rng.choice(["Regular court", "Diversion"]),
            anchor_on=anchor,
            followed_until=followed,
            age_years=rng.randint(12, 17),
        )
        db.add(record)
        await db.flush()
        for _ in range(rng.choice([0, 0, 1, 2])):
            db.add(
                ComparisonEvent(
                    program_id=program.id,
                    record_id=record.id,
                    occurred_on=anchor + rng.randint(0, (followed - anchor).days) * DAY,
                    event_type=rng.choice(kinds),
                )
            )
    await db.commit()
    await sign_in(client, data["evaluator"])
    rows = await rows_of(client, query([program.id], kind="comparison"))
    cohort = Cohort((program.id,), START, LAST)
    with program_scope(ProgramScope.of(program.id)):
        comparisons = await load_comparison_subjects(db, cohort)
    assert len(rows) == len(comparisons) > 20

    for counted, window in (({OutcomeEventType.ARREST, OutcomeEventType.CHARGE}, 12), (set(kinds), 6)):
        options = ReportOptions(frozenset(counted), Anchor.REFERRAL, window, Grouping.COMPARISON)
        analysis = analysis_rows([], comparisons, options)
        recount: Counter[tuple[str, str]] = Counter()
        for row in rows:
            firsts = [
                int(row[f"first_{kind.value}_days"]) for kind in counted if row[f"first_{kind.value}_days"]
            ]
            outcome = _outcome(0, min(firsts, default=None), int(row["followed_days"]), options.window_days)
            recount[row["group"], outcome] += 1
        reported: Counter[tuple[str, str]] = Counter()
        for row in analysis:
            outcome = (
                "reoffended" if row.event else "not_reoffended" if row.followed_full_window else "censored"
            )
            reported[row.group, outcome] += 1
        assert recount == reported, (counted, window)


async def test_the_policy_page_shows_k(client, db):
    program = await make_program(db, "Policy Court")
    await sign_in(client, await make_user(db, program, Role.PROGRAM_ADMIN))
    page = await client.get("/reference/policy")
    assert page.status_code == 200
    assert f"Month-only exports are {K_ANONYMITY}-anonymous:" in page.text
    assert f"(k = {K_ANONYMITY})" in page.text


def test_a_releases_month_only_files_share_ids_with_one_another_and_not_with_its_shifted_ones():
    """Months beside exact intervals would pin each youth's shift, so the two never join."""
    release = Release(uuid.uuid4(), "Evaluation 2026", b"k" * 32)
    cohort = Cohort((uuid.uuid4(),), START, LAST)

    def spec(dates: DateHandling, kind: ExportKind = ExportKind.CASES) -> ExportSpec:
        return ExportSpec(cohort, dates, ExportFormat.CSV, {}, TODAY, kind=kind, release=release)

    month, shifted = spec(DateHandling.MONTH), spec(DateHandling.SHIFT)
    events = spec(DateHandling.SHIFT, ExportKind.EVENTS)
    youth = uuid.uuid4()
    assert pseudonym(month.pseudonym_key, youth) == pseudonym(spec(DateHandling.MONTH).pseudonym_key, youth)
    assert pseudonym(month.pseudonym_key, youth) != pseudonym(shifted.pseudonym_key, youth)
    assert pseudonym(shifted.pseudonym_key, youth) == pseudonym(events.pseudonym_key, youth)


async def test_a_shifted_case_file_covers_at_least_a_year(client, db):
    """Rows are chosen by their true referral month: one month's file would tell each youth's month."""
    data = await make_cohort(db)
    await sign_in(client, data["evaluator"])
    program = [data["program"].id]
    month = LAST.strftime("%Y-%m")

    shifted = await client.get(query(program, referred_from=month, referred_to=month))
    coarse = await client.get(query(program, referred_from=month, referred_to=month, dates="month"))
    events = await client.get(query(program, referred_from=month, referred_to=month, kind="events"))

    assert shifted.status_code == 422
    assert "A file with shifted dates covers at least 12 months of referrals" in shifted.text
    assert f'value="{month}"' in shifted.text, "the chosen range is kept"
    assert coarse.status_code == 200 and events.status_code == 200, "their rows carry no shifted date"
