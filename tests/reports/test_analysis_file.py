"""Every figure of the recidivism report, recomputed from its analysis file with lifelines and statsmodels.

The report is computed as the page computes it (its tallies counted by the database); the file
is read as an evaluator reads it. Ten settings cover every anchor, window and grouping, on the
demo program, on both engines.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict

import pyarrow.parquet as pq
import pytest
from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test
from sqlalchemy import select
from statsmodels.stats.proportion import proportion_confint

from tests.factories import sign_in
from tests.reports.test_recidivism_report import audited, evaluator_with_cohort, report_query
from youthcourt import demo
from youthcourt.outcomes.models import OutcomeEventType
from youthcourt.programs.models import Program
from youthcourt.reports.analysis import COLUMN_NAMES, DICTIONARY
from youthcourt.reports.cohort import Anchor, Cohort
from youthcourt.reports.controllers.recidivism import Choices, load_analysis, run_report
from youthcourt.reports.recidivism import DAYS_PER_MONTH, PROGRAM_YOUTH, Grouping, ReportOptions
from youthcourt.reports.suppression import PUBLISHED_BASE, rounded

ARREST, CHARGE = OutcomeEventType.ARREST, OutcomeEventType.CHARGE
NEW_REFERRAL, ADJUDICATION = OutcomeEventType.NEW_REFERRAL, OutcomeEventType.ADJUDICATION
SETTINGS = [
    (Anchor.REFERRAL, 6, Grouping.NONE, {ARREST, CHARGE}),
    (Anchor.REFERRAL, 24, Grouping.COMPLETION, {ARREST, CHARGE, ADJUDICATION}),
    (Anchor.REFERRAL, 12, Grouping.OFFENSE_CLASS, {NEW_REFERRAL, ARREST}),
    (Anchor.HEARING, 12, Grouping.GENDER, {ARREST, CHARGE}),
    (Anchor.HEARING, 18, Grouping.AGE_BAND, {ARREST}),
    (Anchor.CLOSURE, 12, Grouping.NONE, {ARREST, CHARGE}),
    (Anchor.CLOSURE, 6, Grouping.SOURCE_KIND, {ARREST, CHARGE}),
    (Anchor.CLOSURE, 24, Grouping.JUROR, {NEW_REFERRAL, ARREST, CHARGE, ADJUDICATION}),
    (Anchor.CLOSURE, 18, Grouping.RACE_ETHNICITY, {ARREST, CHARGE}),
    (Anchor.CLOSURE, 12, Grouping.COMPARISON, {ARREST, CHARGE}),
    (Anchor.REFERRAL, 12, Grouping.JUROR, {ARREST, CHARGE}, 90),
    (Anchor.REFERRAL, 6, Grouping.COMPLETION, {ARREST, CHARGE, NEW_REFERRAL}, 180),
]
"""Anchor, window, grouping, events counted and, for the last two, a landmark day."""
CLOSE = 1e-9


def published(count: int) -> str:
    """A count as the page must publish it: to the nearest five (halves up), with thousands separators."""
    return f"{5 * ((count + 2) // 5):,}"


def approx(value):
    return pytest.approx(value, abs=CLOSE)


def tallied(rows) -> dict[str, int]:
    full = sum(row.followed_full_window for row in rows)
    reoffended = sum(row.event for row in rows)
    return {
        "cohort": len(rows),
        "full_window": full,
        "reoffended": reoffended,
        "not_reoffended": full - reoffended,
        "censored": len(rows) - full,
    }


def fitted(rows) -> KaplanMeierFitter:
    return KaplanMeierFitter().fit([row.time_days for row in rows], [row.event for row in rows])


def band_at(fitter: KaplanMeierFitter, time: float) -> tuple[float, float, float]:
    survival = fitter.survival_function_at_times(time).iloc[0]
    lower, upper = fitter.confidence_interval_.loc[:time].iloc[-1]
    return survival, lower, upper


def assert_table_reproduced(report, by_group, everyone) -> int:
    rates = 0
    for row in report.rows:
        members = everyone if row.is_total else by_group[row.label]
        counts = tallied(members)
        assert counts == row.counts, row.label
        for column, count in counts.items():
            assert report.display(row, column) in (published(count), "<10", "\N{EM DASH}"), (
                row.label,
                column,
            )
            assert report.display(row, column) != "<10" or 0 < count < 10
        if row.rate is not None:
            low, high = proportion_confint(
                counts["reoffended"], counts["full_window"], alpha=0.05, method="wilson"
            )
            assert row.rate == approx(counts["reoffended"] / counts["full_window"])
            assert row.interval == approx((low, high))
            rates += 1
    return rates


def assert_curves_reproduced(report, by_group) -> int:
    points = 0
    window_days = report.options.window_days
    for curve in report.shown_curves:
        members = by_group[curve.label]
        fitter = fitted(members)
        for point in curve.points:
            last = point.month == report.options.window_months
            time = window_days if last else point.month * DAYS_PER_MONTH
            at_risk = (
                tallied(members)["not_reoffended"] if last else sum(m.time_days >= time for m in members)
            )
            assert point.at_risk == rounded(at_risk, PUBLISHED_BASE), (curve.label, point.month)
            assert at_risk >= 10
            assert (point.survival, point.lower, point.upper) == approx(band_at(fitter, time))
            points += 1
    return points


def assert_headline_reproduced(report, by_group, everyone) -> None:
    estimate = report.headline_incidence
    if estimate.value is None:
        return
    program_youth = by_group[PROGRAM_YOUTH] if report.options.grouping == Grouping.COMPARISON else everyone
    survival, lower, upper = band_at(fitted(program_youth), report.options.window_days)
    assert estimate.value == approx(1 - survival)
    assert estimate.interval == approx((1 - upper, 1 - lower))


def assert_logrank_reproduced(report, by_group) -> bool:
    if report.logrank.result is None:
        return False
    members = [row for label in report.logrank.groups for row in by_group[label]]
    theirs = multivariate_logrank_test(
        [row.time_days for row in members], [row.group for row in members], [row.event for row in members]
    )
    assert report.logrank.result.statistic == approx(theirs.test_statistic)
    assert report.logrank.result.p_value == approx(theirs.p_value)
    return True


@pytest.mark.demo
async def test_every_figure_of_the_report_is_reproduced_from_its_analysis_file(db):
    program = await db.scalar(select(Program).where(Program.slug == demo.DEMO_PROGRAM_SLUG))
    today = datetime.date.today()
    cohort = Cohort((program.id,), today.replace(year=today.year - 4), today)
    shown = {"rates": 0, "points": 0, "tests": 0}
    for anchor, window, grouping, events, *landmark in SETTINGS:
        options = ReportOptions(frozenset(events), anchor, window, grouping, *landmark)
        choices = Choices(cohort, options, {program.id: program.name})
        report = await run_report(db, choices)
        rows = await load_analysis(db, choices)
        by_group = defaultdict(list)
        for row in rows:
            by_group[row.group].append(row)
        program_rows = [row for row in rows if not row.group.endswith("(comparison)")]
        everyone = program_rows if grouping != Grouping.COMPARISON else rows

        shown["rates"] += assert_table_reproduced(report, by_group, everyone)
        shown["points"] += assert_curves_reproduced(report, by_group)
        assert_headline_reproduced(report, by_group, everyone)
        shown["tests"] += assert_logrank_reproduced(report, by_group)
        assert len({row.pseudo_id for row in rows}) == len(rows)

    assert shown["rates"] >= 20 and shown["points"] >= 100 and shown["tests"] >= 3, shown


async def test_the_analysis_file_downloads_as_csv_and_parquet_with_new_pseudonyms_each_time(client, db):
    program, evaluator = await evaluator_with_cohort(db)
    await sign_in(client, evaluator)

    first = await client.get(f"/reports/recidivism/analysis.csv?{report_query(program)}")
    again = await client.get(f"/reports/recidivism/analysis.csv?{report_query(program)}")
    parquet = await client.get(f"/reports/recidivism/analysis.parquet?{report_query(program)}")
    page = await client.get(f"/reports/recidivism?{report_query(program)}")

    assert first.status_code == 200
    assert first.headers["content-disposition"].startswith(
        'attachment; filename="recidivism-analysis_closure-6m_'
    )
    rows = list(csv.DictReader(io.StringIO(first.text.lstrip("\ufeff"))))
    assert tuple(rows[0]) == COLUMN_NAMES
    assert len(rows) == 11, "the eleven closed cases; the open one has not started its clock"
    assert sum(int(row["event"]) for row in rows) == 3
    assert sum(row["followed_full_window"] == "true" for row in rows) == 8
    assert {
        row["time_days"] for row in rows if row["event"] == "0" and row["followed_full_window"] == "true"
    } == {"183"}
    assert "Zebediah" not in first.text and "Quartermaine" not in first.text
    assert {row["pseudo_id"] for row in rows}.isdisjoint(
        row["pseudo_id"] for row in csv.DictReader(io.StringIO(again.text.lstrip("\ufeff")))
    )
    table = pq.read_table(io.BytesIO(parquet.content))
    assert table.num_rows == 11
    assert table.schema.field("time_days").type == "int32"
    assert b"within 6 months of case closure" in table.schema.metadata[b"counts"]
    assert b"Days from the start of the clock" in table.schema.metadata[b"column:time_days"]
    assert all(f"<code>{name}</code>" in page.text for name in COLUMN_NAMES), "each column is explained"
    assert "/reports/recidivism/analysis.csv?" in page.text
    files = [entry.details["file"] for entry in await audited(db, "report.downloaded")]
    assert sorted(files) == ["analysis.csv", "analysis.csv", "analysis.parquet"]


def test_every_column_of_the_analysis_file_is_in_its_dictionary():
    assert tuple(name for name, _, _ in DICTIONARY) == COLUMN_NAMES


async def test_a_wrong_analysis_query_gets_the_form_with_its_errors(client, db):
    program, evaluator = await evaluator_with_cohort(db)
    await sign_in(client, evaluator)

    response = await client.get(f"/reports/recidivism/analysis.csv?{report_query(program, window='7')}")

    assert response.status_code == 422
    assert "follow-up window" in response.text.lower()
