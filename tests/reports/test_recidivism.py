"""The recidivism report's counting rules, suppression and chart, on hand-built subjects."""

from __future__ import annotations

import datetime
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import KaplanMeierFitter
from statsmodels.stats.proportion import proportion_confint

from tests.reports.test_disclosure_attacks import possible_counts, read
from tests.reports.test_suppression import pinned_cells
from youthcourt.cases.models import CaseState
from youthcourt.outcomes.models import OutcomeEventType
from youthcourt.reports.charts import survival_chart
from youthcourt.reports.cohort import Anchor, Subject
from youthcourt.reports.recidivism import (
    COLUMNS,
    NO_FULL_WINDOW,
    RATE_COLUMNS,
    WITHHELD_CURVE_SMALL,
    WITHHELD_SMALL,
    ComparisonSubject,
    Curve,
    CurvePoint,
    Grouping,
    LogRank,
    ReportOptions,
    build_report,
)
from youthcourt.reports.statistics import LogRankResult, logrank_test
from youthcourt.reports.suppression import PUBLISHED_BASE, Relation

ARREST = OutcomeEventType.ARREST
CHARGE = OutcomeEventType.CHARGE
NEW_REFERRAL = OutcomeEventType.NEW_REFERRAL
CLOSED = datetime.date(2024, 1, 15)
DAY = datetime.timedelta(days=1)
WINDOW_END = CLOSED + 183 * DAY
"""Six months (183 days) after ``CLOSED``."""


def subject(
    *,
    closed: datetime.date | None = CLOSED,
    checked: datetime.date | None = None,
    events: tuple[tuple[datetime.date, OutcomeEventType], ...] = (),
    state: CaseState = CaseState.COMPLETED,
    referred: datetime.date = datetime.date(2023, 11, 1),
    heard: datetime.date | None = datetime.date(2023, 11, 20),
    served_as_juror: bool = False,
) -> Subject:
    return Subject(
        case_id=uuid.uuid4(),
        program_id=uuid.uuid4(),
        youth_id=uuid.uuid4(),
        referred_on=referred,
        intake_on=None,
        heard_on=heard,
        closed_on=closed,
        state=state,
        offense_class="A",
        offense_category="Property",
        source_kind="police",
        age=15,
        gender="Female",
        race_ethnicity="Not recorded",
        served_as_juror=served_as_juror,
        checked_until=checked,
        events=events,
    )


def options(
    events: frozenset[OutcomeEventType] = frozenset({ARREST, CHARGE}),
    anchor: Anchor = Anchor.CLOSURE,
    window: int = 6,
    grouping: Grouping = Grouping.NONE,
) -> ReportOptions:
    return ReportOptions(events, anchor, window, grouping)


def counts(report, label: str | None = None) -> dict[str, int]:
    row = report.rows[0] if label is None else next(r for r in report.rows if r.label == label)
    return row.counts


def cell_counts(report) -> dict[str, int]:
    """Every count of the group table, exact, by the name suppression gives it."""
    return {f"{row.key}|{column}": row.counts[column] for row in report.rows for column in COLUMNS}


def report_relations(report) -> list[Relation]:
    """How the table's counts add up, written out here apart from the module."""
    relations = []
    for row in report.rows:
        relations.append(Relation(f"{row.key}|cohort", (f"{row.key}|full_window", f"{row.key}|censored")))
        relations.append(
            Relation(f"{row.key}|full_window", (f"{row.key}|reoffended", f"{row.key}|not_reoffended"))
        )
    groups = [row.key for row in report.rows if not row.is_total]
    if len(groups) < len(report.rows):
        relations += [Relation(f"total|{c}", tuple(f"{g}|{c}" for g in groups)) for c in COLUMNS]
    return relations


@pytest.mark.parametrize(
    "closed", [datetime.date(2026, 8, 31), datetime.date(2027, 2, 28), datetime.date(2024, 1, 15)]
)
@pytest.mark.parametrize(("window", "days"), [(6, 183), (12, 365), (18, 548), (24, 730)])
def test_a_window_is_the_same_number_of_days_wherever_it_falls(closed, window, days):
    """In calendar months, six months from Aug 31 ends on Feb 28 (181 days) and from Feb 28 on Aug 28 (181):
    a shift of the dates in an export moved youth across the edge. A window is a number of days."""
    last_day = subject(closed=closed, events=((closed + days * DAY, ARREST),))
    day_after = subject(
        closed=closed, checked=closed + 800 * DAY, events=((closed + (days + 1) * DAY, ARREST),)
    )
    checked_to_the_end = subject(closed=closed, checked=closed + days * DAY)
    checked_a_day_short = subject(closed=closed, checked=closed + (days - 1) * DAY)

    report = build_report(
        [last_day, day_after, checked_to_the_end, checked_a_day_short],
        [],
        options(window=window),
        threshold=1,
    )

    assert counts(report) == {
        "cohort": 4,
        "full_window": 3,
        "reoffended": 1,
        "not_reoffended": 2,
        "censored": 1,
    }


def test_censored_youth_are_not_counted_as_successes():
    report = build_report(
        [
            *(subject(checked=WINDOW_END) for _ in range(3)),
            *(subject(checked=CLOSED + 60 * DAY) for _ in range(3)),
            *(subject(checked=None) for _ in range(3)),
            *(subject(events=((CLOSED + 30 * DAY, ARREST),)) for _ in range(3)),
        ],
        [],
        options(),
        threshold=3,
    )
    assert counts(report) == {
        "cohort": 12,
        "full_window": 6,
        "reoffended": 3,
        "not_reoffended": 3,
        "censored": 6,
    }
    [row] = report.rows
    assert row.label == "All youth"
    assert row.rate == 0.5, "three of the six youth followed for the whole window; the censored are left out"
    assert row.interval == pytest.approx(proportion_confint(3, 6, method="wilson"), abs=1e-12)


def test_an_event_before_the_anchor_is_ignored():
    before_closure = subject(events=((CLOSED - 20 * DAY, ARREST),), checked=WINDOW_END)
    by_closure = build_report([before_closure], [], options(), threshold=1)
    by_referral = build_report([before_closure], [], options(anchor=Anchor.REFERRAL), threshold=1)

    assert counts(by_closure)["reoffended"] == 0
    assert counts(by_closure)["not_reoffended"] == 1
    assert counts(by_referral)["reoffended"] == 1


def test_only_the_chosen_event_types_count_and_the_first_of_them_dates_the_offense():
    youth = subject(events=((CLOSED + 10 * DAY, NEW_REFERRAL), (WINDOW_END + 5 * DAY, ARREST)))
    arrests = build_report([youth], [], options(frozenset({ARREST})), threshold=1)
    referrals = build_report([youth], [], options(frozenset({NEW_REFERRAL})), threshold=1)

    assert counts(arrests) == {
        "cohort": 1,
        "full_window": 1,
        "reoffended": 0,
        "not_reoffended": 1,
        "censored": 0,
    }
    assert counts(referrals)["reoffended"] == 1
    assert arrests.options.definition == "New offense = arrest, within 6 months of case closure"
    assert (
        options(frozenset({ARREST, CHARGE, NEW_REFERRAL}), window=12).definition
        == "New offense = new referral, arrest or charge, within 12 months of case closure"
    )


def test_cases_without_their_anchor_are_left_out_and_counted():
    subjects = [
        subject(checked=WINDOW_END),
        subject(closed=None, state=CaseState.SANCTIONS_IN_PROGRESS),
        subject(closed=None, heard=None, state=CaseState.SCHEDULED),
    ]
    by_closure = build_report(subjects, [], options(), threshold=1)
    by_hearing = build_report(subjects, [], options(anchor=Anchor.HEARING), threshold=1)

    assert by_closure.without_anchor == 2
    assert counts(by_closure)["cohort"] == 1
    assert by_hearing.without_anchor == 1
    assert counts(by_hearing)["cohort"] == 2
    assert by_closure.without_anchor_display == "fewer than 3", "rounded to fives, 2 would read 0"
    assert build_report(subjects, [], options(), threshold=10).without_anchor_display == "fewer than 10"
    many = subjects + [subject(closed=None, state=CaseState.SANCTIONS_IN_PROGRESS) for _ in range(11)]
    assert build_report(many, [], options(), threshold=10).without_anchor_display == "about 15"


def test_groups_come_in_their_natural_order_with_a_total():
    subjects = [
        subject(state=CaseState.UNSUCCESSFUL, checked=WINDOW_END),
        subject(state=CaseState.COMPLETED, events=((CLOSED + DAY, ARREST),)),
        subject(state=CaseState.WITHDRAWN, checked=WINDOW_END),
        subject(state=CaseState.COMPLETED, checked=WINDOW_END),
    ]
    report = build_report(subjects, [], options(grouping=Grouping.COMPLETION), threshold=1)

    assert [row.label for row in report.rows] == ["Completed", "Unsuccessful", "Withdrawn", "Total"]
    assert counts(report, "Completed") == {
        "cohort": 2,
        "full_window": 2,
        "reoffended": 1,
        "not_reoffended": 1,
        "censored": 0,
    }
    assert counts(report, "Total") == {
        "cohort": 4,
        "full_window": 4,
        "reoffended": 1,
        "not_reoffended": 3,
        "censored": 0,
    }
    assert report.headline.label == "Total"


def test_small_counts_are_hidden_and_what_rests_on_them_is_withheld():
    served = [subject(served_as_juror=True, checked=WINDOW_END) for _ in range(20)]
    served += [subject(served_as_juror=True, events=((CLOSED + 40 * DAY, ARREST),)) for _ in range(10)]
    others = [subject(checked=WINDOW_END) for _ in range(3)] + [subject(events=((CLOSED + DAY, ARREST),))]
    report = build_report(served + others, [], options(grouping=Grouping.JUROR), threshold=10)

    served_row, others_row, total = report.rows
    assert (served_row.label, others_row.label, total.label) == (
        "Served as a juror",
        "Did not serve as a juror",
        "Total",
    )
    assert [report.display(others_row, c) for c in ("cohort", "reoffended", "not_reoffended")] == [
        "<10",
        "<10",
        "<10",
    ]
    assert "—" in [report.display(served_row, c) for c in ("reoffended", "not_reoffended")], (
        "the total's exact rate minus the other group's would give the small group away"
    )
    cells = cell_counts(report)
    hidden = [name for name in cells if report.cells.is_hidden(name)]
    rate_cells = [f"{row.key}|{column}" for row in report.rows for column in RATE_COLUMNS]
    assert not list(pinned_cells(cells, report_relations(report), 10, hidden, PUBLISHED_BASE, rate_cells))
    assert report.display(served_row, "cohort") == "30", "rounding protects the cohort sizes: no dash needed"
    assert (served_row.rate, others_row.rate) == (None, None)
    assert total.rate == pytest.approx(11 / 34), "the whole cohort's rate hides no one"
    assert others_row.withheld == WITHHELD_SMALL
    assert others_row.withheld_short == "Withheld"
    assert [curve.withheld for curve in report.curves] == [WITHHELD_CURVE_SMALL, WITHHELD_CURVE_SMALL]
    assert report.logrank.result is None
    assert "at least two groups" in report.logrank.sentence


def test_without_a_small_group_every_rate_and_curve_is_shown():
    served = [subject(served_as_juror=True, checked=WINDOW_END) for _ in range(20)]
    served += [subject(served_as_juror=True, events=((CLOSED + 40 * DAY, ARREST),)) for _ in range(10)]
    others = [subject(checked=WINDOW_END) for _ in range(12)] + [
        subject(checked=CLOSED + DAY) for _ in range(10)
    ]
    report = build_report(served + others, [], options(grouping=Grouping.JUROR), threshold=10)

    served_row, others_row, total = report.rows
    assert [report.display(others_row, c) for c in ("cohort", "full_window", "reoffended", "censored")] == [
        "20",
        "10",
        "0",
        "10",
    ], "rounded to fives: 22, 12, 0 and 10"
    assert (served_row.rate, others_row.rate) == (pytest.approx(1 / 3), 0.0)
    assert total.rate == pytest.approx(10 / 42)
    assert all(curve.shown for curve in report.curves)
    assert report.logrank.result is not None


def test_a_group_with_no_full_window_says_so_instead_of_a_rate():
    report = build_report([subject(checked=CLOSED + 30 * DAY) for _ in range(3)], [], options(), threshold=1)
    [row] = report.rows
    assert row.rate is None
    assert row.withheld == NO_FULL_WINDOW


def test_curves_are_read_monthly_and_end_at_the_window():
    reoffending = [subject(events=((CLOSED + 40 * DAY, ARREST),)) for _ in range(10)]
    clean = [subject(checked=WINDOW_END) for _ in range(10)]
    report = build_report(reoffending + clean, [], options(), threshold=5)

    [curve] = report.curves
    assert [(p.month, p.at_risk, round(p.survival, 9)) for p in curve.points] == [
        (0, 20, 1.0),
        (1, 20, 1.0),
        (2, 10, 0.5),
        (3, 10, 0.5),
        (4, 10, 0.5),
        (5, 10, 0.5),
        (6, 10, 0.5),
    ]
    assert curve.stopped_after is None
    assert curve.points[2].lower < 0.5 < curve.points[2].upper


def test_a_curve_stops_where_too_few_youth_are_still_followed():
    report = build_report(
        [subject(checked=CLOSED + 100 * DAY) for _ in range(12)], [], options(), threshold=10
    )

    [curve] = report.curves
    assert [(p.month, p.at_risk) for p in curve.points] == [(0, 10), (1, 10), (2, 10), (3, 10)], "12, rounded"
    assert curve.stopped_after == 3


def test_the_log_rank_test_compares_the_shown_groups_with_their_whole_follow_up():
    completed = [subject(checked=WINDOW_END) for _ in range(15)]
    completed += [subject(events=((CLOSED + 100 * DAY, ARREST),)) for _ in range(5)]
    unsuccessful = [subject(state=CaseState.UNSUCCESSFUL, checked=WINDOW_END) for _ in range(5)]
    unsuccessful += [
        subject(state=CaseState.UNSUCCESSFUL, events=((CLOSED + 20 * DAY, ARREST),)) for _ in range(15)
    ]
    report = build_report(completed + unsuccessful, [], options(grouping=Grouping.COMPLETION), threshold=5)

    end = (WINDOW_END - CLOSED).days
    expected = logrank_test(
        [
            ([end] * 15 + [100] * 5, [False] * 15 + [True] * 5),
            ([end] * 5 + [20] * 15, [False] * 5 + [True] * 15),
        ]
    )
    assert report.logrank.result == expected
    assert report.logrank.groups == ("Completed", "Unsuccessful")
    assert report.logrank.sentence.startswith(
        f"χ² = {expected.statistic:.1f} on 1 degree of freedom, p < 0.001"
    )
    assert report.logrank.sentence.endswith("strong evidence that the groups differ.")


def test_the_log_rank_result_reads_in_plain_words():
    result = LogRank(LogRankResult(3.2, 2, 0.2019), ("A", "B", "C"), None)
    assert (
        result.sentence
        == "χ² = 3.2 on 2 degrees of freedom, p = 0.20: no clear evidence that the groups differ."
    )
    assert LogRank(LogRankResult(4.5, 1, 0.034), ("A", "B"), None).sentence.endswith(
        "p = 0.034: some evidence that the groups differ."
    )


def test_comparison_groups_sit_beside_program_youth_without_a_total():
    program = [subject(checked=WINDOW_END) for _ in range(3)] + [subject(events=((CLOSED + DAY, CHARGE),))]
    comparison = [
        ComparisonSubject("Regular court", CLOSED, WINDOW_END, ((CLOSED + 10 * DAY, ARREST),)),
        ComparisonSubject("Regular court", CLOSED, WINDOW_END, ()),
        ComparisonSubject("Regular court", CLOSED, CLOSED + 20 * DAY, ()),
        ComparisonSubject("Another diversion", CLOSED, WINDOW_END, ((CLOSED - DAY, ARREST),)),
    ]
    report = build_report(program, comparison, options(grouping=Grouping.COMPARISON), threshold=1)

    assert [row.label for row in report.rows] == ["Program youth", "Another diversion", "Regular court"]
    assert counts(report, "Program youth") == {
        "cohort": 4,
        "full_window": 4,
        "reoffended": 1,
        "not_reoffended": 3,
        "censored": 0,
    }
    assert counts(report, "Regular court") == {
        "cohort": 3,
        "full_window": 2,
        "reoffended": 1,
        "not_reoffended": 1,
        "censored": 1,
    }
    assert counts(report, "Another diversion")["not_reoffended"] == 1
    assert report.headline.label == "Program youth"
    assert report.comparison_youth == 4

    ungrouped = build_report(program, comparison, options(), threshold=1)
    assert [row.label for row in ungrouped.rows] == ["All youth"]
    assert counts(ungrouped)["cohort"] == 4, "comparison youth join only a comparison of groups"


def test_no_youth_at_all_gives_an_empty_report():
    report = build_report([subject(closed=None, state=CaseState.INTAKE)], [], options(), threshold=10)
    assert report.rows == ()
    assert report.is_empty
    assert report.without_anchor == 1


def curve(label: str, values: list[float]) -> Curve:
    points = tuple(CurvePoint(m, 50, v, v - 0.05, min(v + 0.05, 1.0)) for m, v in enumerate(values))
    return Curve(label, label, points, None, None)


def test_the_chart_is_accessible_svg_without_scripts_or_inline_styles():
    curves = [
        curve("Completed", [1.0, 0.95, 0.9]),
        Curve("x", "Withheld group", (), WITHHELD_CURVE_SMALL, None),
        curve("<b>Regular</b> court", [1.0, 0.8, 0.7]),
    ]
    svg = str(
        survival_chart(curves, months=2, x_label="Months since case closure", title="Share", chart_id="c")
    )

    assert svg.startswith('<svg class="survival-chart" role="img"')
    assert '<title id="c-title">Share</title>' in svg
    assert "Completed: 90% not reoffended after 2 months (95% interval 85% to 95%)." in svg
    assert "&lt;b&gt;Regular&lt;/b&gt; court" in svg
    assert "<b>" not in svg
    assert "style=" not in svg
    assert "<script" not in svg
    assert svg.count("<polygon") == 2, "a band per shown curve"
    assert 'stroke-dasharray="2 3"' in svg, "the third group keeps its own dash pattern"
    assert "Withheld group" not in svg
    assert ">0%</text>" not in svg or ">60%</text>" in svg
    assert survival_chart([curves[1]], months=2, x_label="x", title="t", chart_id="c") == ""


def test_the_headline_is_the_kaplan_meier_share_reoffending_by_the_end_of_the_window():
    """Many youth censored early, few events: the share among the fully followed runs high, the
    Kaplan-Meier estimate does not. The headline is the estimate, as lifelines computes it."""
    youth = (
        [subject(events=((CLOSED + (20 + 7 * n) * DAY, ARREST),)) for n in range(12)]
        + [subject(checked=WINDOW_END + 10 * DAY) for _ in range(30)]
        + [subject(checked=CLOSED + (15 + 4 * n) * DAY) for n in range(40)]
    )

    report = build_report(youth, [], options(), threshold=5)

    durations = [20 + 7 * n for n in range(12)] + [183] * 30 + [15 + 4 * n for n in range(40)]
    observed = [True] * 12 + [False] * 70
    fitter = KaplanMeierFitter().fit(durations, observed)
    survival = fitter.survival_function_at_times(183).iloc[0]
    lower, upper = fitter.confidence_interval_.loc[:183].iloc[-1]
    estimate = report.headline_incidence
    assert estimate.withheld is None
    assert estimate.value == pytest.approx(1 - survival, abs=1e-9)
    assert estimate.interval == pytest.approx((1 - upper, 1 - lower), abs=1e-9)
    assert report.headline.rate == pytest.approx(12 / 42), "the share among the fully followed"
    assert estimate.value < report.headline.rate


def test_the_headline_waits_until_enough_youth_reach_the_end_of_the_window():
    """Six arrests and twenty youth followed a month so far: the curve has not reached the window's end."""
    youth = [subject(events=((CLOSED + 10 * DAY, ARREST),)) for _ in range(6)] + [
        subject(checked=CLOSED + 30 * DAY) for _ in range(20)
    ]

    report = build_report(youth, [], options(), threshold=5)

    assert report.headline_incidence.value is None
    assert (
        report.headline_incidence.withheld
        == "Not yet: fewer than 5 youth have been followed to the end of the window."
    )


def test_a_landmark_groups_by_jury_service_by_that_day_and_starts_the_clock_there():
    referred = datetime.date(2023, 11, 1)
    landmark = referred + 90 * DAY
    by_landmark = ReportOptions(frozenset({ARREST}), Anchor.REFERRAL, 6, Grouping.JUROR, landmark_days=90)
    end = landmark + 183 * DAY
    served_early = [subject(checked=end, served_as_juror=True) for _ in range(12)]
    served_late = [subject(checked=end, served_as_juror=True) for _ in range(12)]
    # Arrested on day 100, ten days after the landmark: inside the window counted from day 90.
    arrested = [subject(events=((referred + 100 * DAY, ARREST),), served_as_juror=True) for _ in range(3)]
    arrested_early = [subject(events=((referred + 60 * DAY, ARREST),)) for _ in range(4)]
    unfollowed = [subject(checked=referred + 80 * DAY) for _ in range(5)]
    nights = {s.youth_id: [referred + 30 * DAY] for s in served_early + arrested}
    nights |= {s.youth_id: [referred + 120 * DAY] for s in served_late}
    everyone = served_early + served_late + arrested + arrested_early + unfollowed

    report = build_report(everyone, [], by_landmark, threshold=3, nights=nights)

    assert {row.label: row.counts["cohort"] for row in report.groups} == {
        "Served as a juror by day 90": 15,
        "Had not served by day 90": 12,
    }, "service on day 120 is not known on day 90; the arrested and unfollowed are left out"
    served = next(row for row in report.groups if row.label.startswith("Served"))
    assert (served.counts["reoffended"], served.counts["not_reoffended"]) == (3, 12)
    assert (report.offended_by_landmark, report.unfollowed_at_landmark) == (4, 5)
    assert report.offended_by_landmark_display == "about 5"
    [curve] = [c for c in report.curves if c.label.startswith("Served")]
    assert curve.points[0].at_risk == 15, "the clock starts on day 90 for every youth counted"
    assert by_landmark.definition == "New offense = arrest, within 6 months from day 90 after referral"
    assert by_landmark.as_details()["landmark_days"] == 90


def test_a_landmark_groups_by_completion_by_that_day():
    referred = datetime.date(2023, 11, 1)
    by_landmark = ReportOptions(
        frozenset({ARREST}), Anchor.REFERRAL, 6, Grouping.COMPLETION, landmark_days=60
    )
    end = referred + (60 + 183) * DAY
    closed_early = [subject(closed=referred + 50 * DAY, checked=end) for _ in range(3)]
    closed_late = [subject(closed=referred + 70 * DAY, checked=end) for _ in range(3)]
    failed_early = [
        subject(closed=referred + 40 * DAY, state=CaseState.UNSUCCESSFUL, checked=end) for _ in range(3)
    ]

    report = build_report(closed_early + closed_late + failed_early, [], by_landmark, threshold=3)

    assert {row.label: row.counts["cohort"] for row in report.groups} == {
        "Completed by day 60": 3,
        "Open on day 60": 3,
        "Unsuccessful by day 60": 3,
    }


group_counts = st.tuples(st.integers(0, 14), st.integers(0, 25), st.integers(0, 14))


@settings(max_examples=60, deadline=None)
@given(st.lists(group_counts, min_size=2, max_size=3))
def test_a_grouped_report_beside_the_ungrouped_one_gives_no_hidden_count_away(groups):
    """The total row is the ungrouped report: hidden the same way where it can be, and the two
    together pin no hidden count (the small counts are then shown as dashes, saying less)."""
    subjects = []
    for state, (reoffended, clean, censored) in zip(
        (CaseState.COMPLETED, CaseState.UNSUCCESSFUL, CaseState.WITHDRAWN), groups, strict=False
    ):
        subjects += [subject(state=state, events=((CLOSED + 20 * DAY, ARREST),)) for _ in range(reoffended)]
        subjects += [subject(state=state, checked=WINDOW_END) for _ in range(clean)]
        subjects += [subject(state=state, checked=CLOSED + 30 * DAY) for _ in range(censored)]
    grouped = build_report(subjects, [], options(grouping=Grouping.COMPLETION), threshold=10)
    alone = build_report(subjects, [], options(), threshold=10)
    if len(grouped.rows) < 2 or not grouped.rows[-1].is_total:
        return

    total, [everyone] = grouped.rows[-1], alone.rows
    for column in COLUMNS:
        if not grouped.cells.is_hidden(f"total|{column}"):
            assert grouped.display(total, column) == alone.display(everyone, column)
    known = {}
    for row in grouped.rows:
        for column in COLUMNS:
            shown = read(grouped.display(row, column), 10)
            if row.is_total and shown is None:
                shown = read(alone.display(everyone, column), 10)
            rate_shown = (row.rate if not row.is_total else everyone.rate) is not None
            if shown is not None and column in RATE_COLUMNS and rate_shown and shown != (1, 9):
                shown = (row.counts[column],) * 2
            if shown is not None:
                known[f"{row.key}|{column}"] = shown
    relations = [(r.total, r.parts) for r in report_relations(grouped)]
    for name, count in cell_counts(grouped).items():
        published = name.startswith("total|") and not alone.cells.is_hidden(name.replace("total|", "g0|"))
        if grouped.cells.is_hidden(name) and count and not published:
            assert len(possible_counts(name, relations, known)) >= 2, name
