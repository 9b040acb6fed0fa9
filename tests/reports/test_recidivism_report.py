"""The evaluator's recidivism report through HTTP: the form, its checks, the results, CSV and audit."""

from __future__ import annotations

import csv
import datetime
import html
import io
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.app.test_query_counts import counting
from tests.factories import make_case, make_program, make_user, make_youth, sign_in, sign_in_with_form
from youthcourt.accounts.models import Membership
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import CaseState, CheckResult, FollowUpCheck
from youthcourt.outcomes.models import OutcomeEvent, OutcomeEventType, RecordSystem
from youthcourt.programs.models import Program, Role
from youthcourt.reference.models import ProgramPolicy
from youthcourt.reports.controllers.recidivism import CURVE_DICTIONARY, TABLE_DICTIONARY
from youthcourt.reports.models import ComparisonEvent, ComparisonImport, ComparisonRecord

REFERRED = datetime.date(2023, 11, 1)
CLOSED = datetime.date(2024, 1, 15)
DAY = datetime.timedelta(days=1)
WINDOW_END = CLOSED + 183 * DAY
"""Six months (183 days) after ``CLOSED``."""


async def closed_case(
    db: AsyncSession,
    program: Program,
    *,
    checked: datetime.date | None = None,
    event: tuple[datetime.date, OutcomeEventType] | None = None,
    state: CaseState = CaseState.COMPLETED,
    searched: str = "police,juvenile_court",
    **youth_fields: Any,
) -> None:
    youth = await make_youth(db, program, **youth_fields)
    case = await make_case(db, program, state, youth=youth, received_on=REFERRED)
    case.closed_on = CLOSED if state.is_closed else None
    if checked:
        db.add(
            FollowUpCheck(
                program_id=program.id,
                case_id=case.id,
                window_months=6,
                due_on=WINDOW_END,
                completed_on=checked,
                records_searched=searched,
                result=CheckResult.NEW_OFFENSE if event else CheckResult.NO_NEW_OFFENSE,
            )
        )
    if event:
        db.add(
            OutcomeEvent(
                program_id=program.id,
                case_id=case.id,
                occurred_on=event[0],
                event_type=event[1],
                offense_category="Property",
                source=RecordSystem.POLICE,
            )
        )
    await db.commit()


async def evaluator_with_cohort(db: AsyncSession) -> tuple[Program, Any]:
    """Eleven closed cases and one open one; the program hides counts under 3.

    Six months after closure: 3 arrests within the window, 5 youth checked to its end (one
    of them with only a new referral, which arrests and charges do not count), 3 checked
    only part-way (censored), and the open case has no closure to start the clock.
    """
    program = await make_program(db, "Riverside Test Court")
    evaluator = await make_user(db, program, Role.EVALUATOR)
    await closed_case(db, program, checked=WINDOW_END, first_name="Zebediah", last_name="Quartermaine")
    for _ in range(3):
        await closed_case(db, program, checked=WINDOW_END)
    await closed_case(
        db, program, checked=WINDOW_END, event=(CLOSED + 20 * DAY, OutcomeEventType.NEW_REFERRAL)
    )
    for _ in range(3):
        await closed_case(db, program, event=(CLOSED + 40 * DAY, OutcomeEventType.ARREST))
    for _ in range(3):
        await closed_case(db, program, checked=CLOSED + 60 * DAY)
    await closed_case(db, program, state=CaseState.SANCTIONS_IN_PROGRESS)
    policy = await db.scalar(select(ProgramPolicy).where(ProgramPolicy.program_id == program.id))
    policy.suppression_threshold = 3
    await db.commit()
    return program, evaluator


def report_query(program: Program, /, **changes: Any) -> str:
    fields: dict[str, Any] = {
        "program": [str(program.id)],
        "referred_from": "2023-01",
        "referred_to": "2023-12",
        "event": ["arrest", "charge"],
        "anchor": "closure",
        "window": "6",
        "group": "none",
    }
    fields.update(changes)
    return urlencode(fields, doseq=True)


EXPORT_QUERY = urlencode(
    {"referred_from": "2023-01", "referred_to": "2023-12", "dates": "shift", "format": "csv"}
)


async def audited(db: AsyncSession, action: str) -> list[AuditEntry]:
    return list((await db.scalars(select(AuditEntry).where(AuditEntry.action == action))).all())


async def test_the_report_counts_censored_youth_apart_and_shows_no_names(client, db):
    program, evaluator = await evaluator_with_cohort(db)
    await sign_in(client, evaluator)

    response = await client.get(f"/reports/recidivism?{report_query(program)}")

    assert response.status_code == 200
    page = response.text
    assert "New offense = arrest or charge, within 6 months of case closure" in page
    assert "37.5%" in page, "3 of the 8 youth followed for the full window; the 3 censored are left out"
    assert "Among youth followed for the full window" in page
    assert "Kaplan-Meier estimate, each youth counted for as long as they were followed" in page
    assert '<td class="num">10</td><td class="num">10</td><td class="num">5</td>' in page, (
        "11 in the cohort, 8 followed for the full window, 3 reoffended: published to the nearest five"
    )
    assert "Counts are rounded to the nearest 5" in page
    assert "Fewer than 3 cases of these referrals are left out" in page
    assert "6 months means 183 days from the start of the clock (case closed)" in page
    assert '<svg class="survival-chart" role="img"' in page
    assert "/reports/recidivism/groups.csv?" in page
    assert "Zebediah" not in page and "Quartermaine" not in page
    [entry] = await audited(db, "report.viewed")
    assert entry.actor_id == evaluator.id
    assert entry.details == {
        "report": "recidivism",
        "programs": ["Riverside Test Court"],
        "referred_from": "2023-01-01",
        "referred_to": "2023-12-31",
        "event_types": ["arrest", "charge"],
        "anchor": "closure",
        "window_months": 6,
        "grouping": "none",
    }


async def test_a_check_that_searched_no_records_gives_no_follow_up(client, db):
    """Four youth whose only check searched no record system are censored, not counted as successes."""
    program, evaluator = await evaluator_with_cohort(db)
    for _ in range(4):
        await closed_case(db, program, checked=WINDOW_END, searched="")
    await sign_in(client, evaluator)

    response = await client.get(f"/reports/recidivism?{report_query(program)}")
    export = await client.get(f"/reports/exports/download?{EXPORT_QUERY}&program={program.id}")

    assert response.status_code == 200
    assert "37.5%" in response.text, "still 3 of the same 8 youth followed for the full window"
    counts = '<td class="num">15</td><td class="num">10</td><td class="num">5</td><td class="num">5</td><td class="num">5</td>'
    assert counts in response.text, (
        "cohort 15, full window 8, reoffended 3, not reoffended 5, censored 7, rounded"
    )
    assert "About 5 completed follow-up checks searched no record system" in response.text
    assert export.status_code == 200, export.text[:500]
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert len(rows) == 16
    assert sum(1 for row in rows if row["followed_until"]) == 8, "the 5 checked to the end and 3 part-way"


async def test_without_a_query_the_form_shows_its_defaults_and_no_results(client, db):
    program, evaluator = await evaluator_with_cohort(db)
    await sign_in(client, evaluator)

    response = await client.get("/reports/recidivism")

    assert response.status_code == 200
    assert f'value="{program.id}" checked' in response.text
    assert 'value="arrest" checked' in response.text
    assert 'value="new_referral" checked' not in response.text
    assert '<option value="closure" selected>' in response.text
    assert 'id="results"' not in response.text
    assert await audited(db, "report.viewed") == []


async def test_a_range_without_cases_says_so(client, db):
    program, evaluator = await evaluator_with_cohort(db)
    await sign_in(client, evaluator)

    response = await client.get(
        f"/reports/recidivism?{report_query(program, referred_from='2020-01', referred_to='2020-12')}"
    )

    assert response.status_code == 200
    assert "No case in this cohort has reached the start of the clock (case closed) yet." in response.text
    assert "<svg" not in response.text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"referred_from": "2024-02", "referred_to": "2024-01"},
            "The last month must be the first month or later.",
        ),
        ({"anchor": "moon"}, "Choose when the follow-up clock starts."),
        ({"window": "7"}, "Choose a follow-up window."),
        ({"event": ["arrest", "burglary"]}, "Choose the kinds of event from the list."),
        ({"event": []}, "Choose at least one kind of event that counts as a new offense."),
        ({"group": "shoe_size"}, "Choose how to group the youth."),
        ({"program": ["not-an-id"]}, "not a program you report on"),
        ({"landmark": "90"}, "A landmark applies only when grouping by completion status or jury service."),
        ({"landmark": "45", "group": "juror"}, "Choose a landmark day."),
    ],
)
async def test_wrong_choices_are_refused_with_the_form_kept(client, db, changes, message):
    program, evaluator = await evaluator_with_cohort(db)
    await sign_in(client, evaluator)

    response = await client.get(f"/reports/recidivism?{report_query(program, **changes)}")

    assert response.status_code == 422
    assert message in response.text
    assert 'id="results"' not in response.text
    assert "37.5%" not in response.text
    if "referred_from" in changes:
        assert 'value="2024-02"' in response.text, "what was typed is kept"
    assert await audited(db, "report.viewed") == []


async def test_a_program_the_evaluator_does_not_report_on_is_refused(client, db):
    program, evaluator = await evaluator_with_cohort(db)
    other = await make_program(db, "Someone Else's Court")
    await closed_case(db, other, checked=WINDOW_END)
    await sign_in(client, evaluator)

    response = await client.get(
        f"/reports/recidivism?{report_query(program, program=[str(program.id), str(other.id)])}"
    )
    csv_response = await client.get(
        f"/reports/recidivism/groups.csv?{report_query(other, program=[str(other.id)])}"
    )

    assert response.status_code == 422
    assert "not a program you report on" in response.text
    assert "Someone Else" not in response.text
    assert csv_response.status_code == 422
    assert "text/csv" not in csv_response.headers["content-type"]
    assert await audited(db, "report.downloaded") == []


async def test_the_group_table_downloads_as_shown_and_is_audited(client, db):
    program, evaluator = await evaluator_with_cohort(db)
    await sign_in(client, evaluator)

    response = await client.get(f"/reports/recidivism/groups.csv?{report_query(program)}")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "recidivism-groups_closure-6m_arrest+charge_2023-01-01_to_2023-12-31.csv" in disposition
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0][:9] == [
        "anchor",
        "window_months",
        "event_types",
        "programs",
        "referred_from",
        "referred_to",
        "grouping",
        "landmark_days",
        "group",
    ]
    assert rows[1] == [
        "closure",
        "6",
        "arrest;charge",
        "Riverside Test Court",
        "2023-01-01",
        "2023-12-31",
        "none",
        "",
        "All youth",
        "10",
        "10",
        "5",
        "5",
        "5",
        "37.5",
        "13.7",
        "69.4",
        "",
    ]
    assert len(rows) == 2
    [entry] = await audited(db, "report.downloaded")
    assert entry.details["file"] == "groups.csv"
    assert entry.details["rows"] == 1
    assert entry.details["anchor"] == "closure"
    assert "Zebediah" not in response.text


async def test_the_curves_download_month_by_month(client, db):
    program, evaluator = await evaluator_with_cohort(db)
    await sign_in(client, evaluator)

    response = await client.get(f"/reports/recidivism/curves.csv?{report_query(program)}")

    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0][8:] == [
        "group",
        "month",
        "at_risk",
        "survival_percent",
        "ci95_low_percent",
        "ci95_high_percent",
    ]
    assert [row[9:12] for row in rows[1:4]] == [
        ["0", "10", "100.0"],
        ["1", "10", "100.0"],
        ["2", "5", "72.7"],
    ]
    assert rows[-1][9:11] == ["6", "5"], (
        "at the window's end: the youth followed through it without an offense"
    )
    [entry] = await audited(db, "report.downloaded")
    assert entry.details["rows"] == len(rows) - 1 == 7


async def add_comparison_group(db: AsyncSession, program: Program, size: int, charged: int) -> None:
    """Youth of a regular court, followed a year from 2023-06-01; the first ``charged`` were charged a month in."""
    imported = ComparisonImport(
        program_id=program.id, file_name="court.csv", row_count=size, group_labels="Regular court"
    )
    db.add(imported)
    await db.flush()
    for number in range(size):
        record = ComparisonRecord(
            program_id=program.id,
            import_id=imported.id,
            external_id=f"RC-{number}-{imported.id.hex[:6]}",
            group_label="Regular court",
            anchor_on=datetime.date(2023, 6, 1),
            followed_until=datetime.date(2024, 6, 1),
        )
        db.add(record)
        await db.flush()
        if number < charged:
            db.add(
                ComparisonEvent(
                    program_id=program.id,
                    record_id=record.id,
                    occurred_on=datetime.date(2023, 7, 1),
                    event_type=OutcomeEventType.CHARGE,
                )
            )
    await db.commit()


async def test_comparison_groups_join_as_their_own_rows(client, db):
    program, evaluator = await evaluator_with_cohort(db)
    await add_comparison_group(db, program, size=6, charged=3)
    await sign_in(client, evaluator)

    response = await client.get(f"/reports/recidivism?{report_query(program, group='comparison')}")

    assert response.status_code == 200
    assert '<th scope="row">Program youth</th>' in response.text
    assert '<th scope="row">Regular court</th>' in response.text
    assert "50.0%" in response.text, "3 of the 6 comparison youth were charged within 6 months"
    assert "Log-rank test across Program youth, Regular court" in response.text


async def test_the_report_costs_the_same_queries_however_many_youth(client, db, app):
    program, evaluator = await evaluator_with_cohort(db)
    await add_comparison_group(db, program, size=2, charged=1)
    await sign_in(client, evaluator)
    path = f"/reports/recidivism?{report_query(program, group='comparison')}"
    with counting(app) as few:
        assert (await client.get(path)).status_code == 200
    for _ in range(4):
        await closed_case(db, program, event=(CLOSED + 3 * DAY, OutcomeEventType.CHARGE))
    await add_comparison_group(db, program, size=8, charged=5)
    with counting(app) as many:
        assert (await client.get(path)).status_code == 200

    assert len(few) > 0
    assert len(many) == len(few)


async def test_a_report_reads_its_programs_suppression_threshold_once(client, db, app):
    """Its range's edges are checked with the threshold, then its cells suppressed with it: one read."""
    program, evaluator = await evaluator_with_cohort(db)
    await sign_in(client, evaluator)
    with counting(app) as statements:
        assert (await client.get(f"/reports/recidivism?{report_query(program)}")).status_code == 200
    assert len([sql for sql in statements if "suppression_threshold" in sql]) == 1


async def test_htmx_gets_the_report_region_only(client, db):
    program, evaluator = await evaluator_with_cohort(db)
    await sign_in(client, evaluator)

    response = await client.get(
        f"/reports/recidivism?{report_query(program)}",
        headers={"HX-Request": "true", "HX-Target": "recidivism-report"},
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="results"' in response.text
    assert 'hx-push-url="true"' in response.text


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.JUROR])
async def test_only_evaluators_reach_the_report(client, db, role):
    program, _ = await evaluator_with_cohort(db)
    await sign_in_with_form(client, await make_user(db, program, role))

    for path in ("/reports/recidivism", f"/reports/recidivism/groups.csv?{report_query(program)}"):
        response = await client.get(path)
        assert response.status_code == 403, path
        assert "Zebediah" not in response.text


@pytest.mark.parametrize(
    ("changes", "warned"),
    [
        ({"group": "juror"}, True),
        ({"group": "completion", "anchor": "referral"}, True),
        ({"group": "completion"}, False),
        ({"group": "gender"}, False),
    ],
)
async def test_groupings_known_only_after_the_clock_starts_carry_a_warning(client, db, changes, warned):
    program, evaluator = await evaluator_with_cohort(db)
    await sign_in(client, evaluator)

    response = await client.get(f"/reports/recidivism?{report_query(program, **changes)}")

    assert response.status_code == 200
    assert ("Grouped by what happened after the clock started." in response.text) is warned


async def test_a_range_whose_first_or_last_month_holds_few_referrals_is_refused(client, db):
    """Two reports whose ranges differ by a month holding one youth would differ by that youth alone."""
    program, evaluator = await evaluator_with_cohort(db)  # twelve referrals in November 2023
    for received_on in (datetime.date(2023, 9, 12), datetime.date(2023, 12, 5)):
        youth = await make_youth(db, program)
        await make_case(db, program, CaseState.COMPLETED, youth=youth, received_on=received_on)
    await db.commit()
    await sign_in(client, evaluator)

    refused = await client.get(f"/reports/recidivism?{report_query(program)}")
    download = await client.get(f"/reports/recidivism/groups.csv?{report_query(program)}")
    analysis = await client.get(f"/reports/recidivism/analysis.csv?{report_query(program)}")
    narrowed = await client.get(
        f"/reports/recidivism?{report_query(program, referred_from='2023-10', referred_to='2023-11')}"
    )

    assert refused.status_code == download.status_code == analysis.status_code == 422
    text = html.unescape(refused.text)
    assert (
        "Riverside Test Court has fewer than 3 cases referred in September 2023, the first month of this range "
        "with any. Start the range at November 2023 instead" in text
    )
    assert (
        "fewer than 3 cases referred in December 2023, the last month of this range with any. End the range at November 2023"
        in text
    )
    assert 'value="2023-01"' in refused.text and 'value="2023-12"' in refused.text, "what was chosen is kept"
    assert 'id="results"' not in refused.text
    assert narrowed.status_code == 200 and 'id="results"' in narrowed.text
    assert len(await audited(db, "report.viewed")) == 1
    assert await audited(db, "report.downloaded") == []


async def test_the_first_form_offers_a_range_that_may_be_published(client, db):
    program, evaluator = await evaluator_with_cohort(db)  # the program hides counts under 3
    last_month = datetime.date.today().replace(day=1) - datetime.timedelta(days=1)
    month_before = last_month.replace(day=1) - datetime.timedelta(days=1)
    for received_on in [month_before] * 3 + [last_month]:
        await make_case(
            db, program, CaseState.INTAKE, youth=await make_youth(db, program), received_on=received_on
        )
    await db.commit()
    await sign_in(client, evaluator)

    page = (await client.get("/reports/recidivism")).text

    assert 'name="referred_from" type="month"' in page
    assert f'value="{datetime.date.today().year - 3}-01"' in page
    assert f'value="{month_before:%Y-%m}"' in page, (
        "the last month holds one referral: the range ends before it"
    )
    assert f'value="{last_month:%Y-%m}"' not in page


async def test_a_landmark_report_says_where_the_clock_starts_and_who_was_left_out(client, db):
    program, evaluator = await evaluator_with_cohort(db)
    await sign_in(client, evaluator)
    query = report_query(program, anchor="referral", group="completion", landmark="90")

    page = await client.get(f"/reports/recidivism?{query}")
    table = await client.get(f"/reports/recidivism/groups.csv?{query}")

    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "New offense = arrest or charge, within 6 months from day 90 after referral" in text
    assert "Landmark at day 90." in text
    assert "Grouped by what happened after the clock started" not in text, "the landmark removes that bias"
    assert "Completed by day 90" in text, "the cases referred on 1 November closed on 15 January, by day 90"
    assert "Open on day 90" not in text, "the open case was never checked: not followed to day 90"
    assert '<option value="90" selected>' in page.text
    rows = list(csv.reader(io.StringIO(table.text.lstrip("\ufeff"))))
    assert rows[0][7] == "landmark_days" and rows[1][7] == "90"
    assert "recidivism-groups_referral-from-day-90-6m_" in table.headers["content-disposition"]
    [entry] = await audited(db, "report.viewed")
    assert entry.details["landmark_days"] == 90


async def test_the_first_form_ticks_the_program_the_evaluator_works_in(client, db):
    program, evaluator = await evaluator_with_cohort(db)
    other = await make_program(db, "Lakeside Teen Court")
    db.add(Membership(user_id=evaluator.id, program_id=other.id, role=Role.EVALUATOR))
    await db.commit()
    await sign_in(client, evaluator)

    page = (await client.get("/reports/recidivism")).text

    assert f'value="{program.id}" checked' in page
    assert f'value="{other.id}" >' in page, "the other program is offered, not ticked"


async def test_every_column_of_the_report_csvs_is_in_the_data_dictionary(client, db):
    program, evaluator = await evaluator_with_cohort(db)
    await sign_in(client, evaluator)

    groups = await client.get(f"/reports/recidivism/groups.csv?{report_query(program)}")
    curves = await client.get(f"/reports/recidivism/curves.csv?{report_query(program)}")
    dictionary = (await client.get("/reports/exports/dictionary")).text

    for response, columns in ((groups, TABLE_DICTIONARY), (curves, CURVE_DICTIONARY)):
        header = next(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
        assert header == [name for name, _, _ in columns]
    assert all(f"<code>{name}</code>" in dictionary for name, _, _ in (*TABLE_DICTIONARY, *CURVE_DICTIONARY))
    assert "A recidivism report&#39;s tables as CSV" in dictionary or "report's tables as CSV" in dictionary
