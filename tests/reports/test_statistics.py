"""Wilson intervals, Kaplan-Meier curves and log-rank tests, checked against lifelines and statsmodels."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test as lifelines_logrank_test
from lifelines.statistics import multivariate_logrank_test
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from youthcourt.reports.statistics import (
    LogRankResult,
    SurvivalStep,
    chi_square_sf,
    kaplan_meier,
    logrank_test,
    survival_at,
    wilson_interval,
)

TOLERANCE = 1e-9


def follow_up(seed: int, size: int, *, censored_share: float, tied: bool) -> tuple[list[float], list[bool]]:
    """Follow-up times in days (many ties) or continuous, with the given share censored."""
    rng = random.Random(seed)
    if tied:
        durations = [float(rng.randint(0, 60)) for _ in range(size)]
    else:
        durations = [rng.expovariate(1 / 200) for _ in range(size)]
    observed = [rng.random() >= censored_share for _ in range(size)]
    return durations, observed


def assert_matches_lifelines(durations, observed, confidence: float = 0.95) -> list[SurvivalStep]:
    steps = kaplan_meier(durations, observed, confidence)
    fitter = KaplanMeierFitter(alpha=1 - confidence).fit(durations, observed)
    table = fitter.event_table
    assert [step.time for step in steps] == list(fitter.survival_function_.index)
    assert [step.at_risk for step in steps] == list(table["at_risk"])
    assert [step.events for step in steps] == list(table["observed"])
    assert [step.censored for step in steps] == list(table["censored"])
    ours = np.array([[step.survival, step.lower, step.upper] for step in steps])
    theirs = np.column_stack([fitter.survival_function_.to_numpy(), fitter.confidence_interval_.to_numpy()])
    np.testing.assert_allclose(ours, theirs, rtol=TOLERANCE, atol=1e-12)
    return steps


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("censored_share", [0.1, 0.6, 0.95])
@pytest.mark.parametrize("tied", [True, False])
def test_kaplan_meier_matches_lifelines(seed, censored_share, tied):
    durations, observed = follow_up(seed, 400, censored_share=censored_share, tied=tied)
    steps = assert_matches_lifelines(durations, observed)
    assert steps[0].time == 0.0
    assert all(later.survival <= earlier.survival for earlier, later in itertools.pairwise(steps))
    assert all(step.lower <= step.survival <= step.upper for step in steps)


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.99])
def test_kaplan_meier_bands_follow_the_confidence_level(confidence):
    durations, observed = follow_up(11, 150, censored_share=0.4, tied=True)
    assert_matches_lifelines(durations, observed, confidence)


def test_ties_count_events_before_censorings():
    steps = kaplan_meier([2, 2, 2, 5], [True, False, False, True])
    at_two = steps[1]
    assert (at_two.time, at_two.at_risk, at_two.events, at_two.censored) == (2.0, 4, 1, 2)
    assert at_two.survival == pytest.approx(0.75)
    assert steps[2].at_risk == 1


def test_curve_and_band_drop_to_zero_when_everyone_left_has_the_event():
    steps = assert_matches_lifelines([1, 3, 3, 4, 4], [True, False, True, True, True])
    assert (steps[-1].survival, steps[-1].lower, steps[-1].upper) == (0.0, 0.0, 0.0)
    assert 0 < steps[-2].lower < steps[-2].survival < steps[-2].upper < 1


@pytest.mark.parametrize(
    ("durations", "observed"),
    [
        ([3, 5, 8], [False, False, False]),
        ([0, 0, 1, 4], [True, False, True, False]),
        ([0, 0], [True, True]),
        ([7], [True]),
        ([7], [False]),
        ([2.5, 2.5, 2.5], [True, True, True]),
    ],
    ids=["all-censored", "events-at-zero", "all-at-zero", "one-event", "one-censored", "all-tied"],
)
def test_kaplan_meier_edge_cases_match_lifelines(durations, observed):
    assert_matches_lifelines(durations, observed)


def test_curve_starts_at_time_zero_with_everyone_at_risk():
    first = kaplan_meier([4, 9], [True, False])[0]
    assert first == SurvivalStep(0.0, 2, 0, 0, 1.0, 1.0, 1.0)


@pytest.mark.parametrize(
    ("durations", "observed", "confidence"),
    [
        ([], [], 0.95),
        ([1, 2], [True], 0.95),
        ([1, -2], [True, True], 0.95),
        ([1, math.nan], [True, True], 0.95),
        ([1, math.inf], [True, True], 0.95),
        ([1, 2], [True, True], 1.0),
        ([1, 2], [True, True], 0.0),
    ],
)
def test_kaplan_meier_rejects_unusable_input(durations, observed, confidence):
    with pytest.raises(ValueError, match=r"\w"):
        kaplan_meier(durations, observed, confidence)


def test_survival_at_reads_the_right_continuous_step_function():
    durations, observed = follow_up(3, 200, censored_share=0.5, tied=False)
    steps = kaplan_meier(durations, observed)
    fitter = KaplanMeierFitter().fit(durations, observed)
    grid = [0.0, 0.5, 30.0, 91.25, 180.0, 365.0, 5000.0, steps[5].time]
    expected = fitter.predict(grid).to_numpy()
    np.testing.assert_allclose([survival_at(steps, t).survival for t in grid], expected, rtol=TOLERANCE)
    assert survival_at(steps, steps[5].time) == steps[5]
    assert survival_at(steps, math.nextafter(steps[5].time, 0)) == steps[4]
    assert survival_at(steps, 10**9) == steps[-1]
    with pytest.raises(ValueError, match="starts later"):
        survival_at(steps, -1)


def group_data(seed: int, count: int, *, tied: bool) -> list[tuple[list[float], list[bool]]]:
    rng = random.Random(seed)
    groups = []
    for index in range(count):
        durations, observed = follow_up(
            seed * 10 + index, rng.randint(20, 120), censored_share=rng.choice([0.3, 0.7, 0.9]), tied=tied
        )
        # Give the groups different hazards so the statistic is not always near zero.
        groups.append(([duration * (1 + index / 2) for duration in durations], observed))
    return groups


def lifelines_multivariate(groups):
    durations = [duration for group, _ in groups for duration in group]
    observed = [event for _, events in groups for event in events]
    labels = [index for index, (group, _) in enumerate(groups) for _ in group]
    return multivariate_logrank_test(durations, labels, observed)


def assert_same_test(ours: LogRankResult, theirs) -> None:
    assert ours.statistic == pytest.approx(theirs.test_statistic, rel=TOLERANCE, abs=1e-12)
    assert ours.p_value == pytest.approx(theirs.p_value, rel=TOLERANCE, abs=1e-15)
    assert ours.degrees_of_freedom == theirs.degrees_of_freedom


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("count", [2, 3, 4])
@pytest.mark.parametrize("tied", [True, False])
def test_logrank_matches_lifelines_multivariate(seed, count, tied):
    groups = group_data(seed, count, tied=tied)
    ours = logrank_test(groups)
    assert_same_test(ours, lifelines_multivariate(groups))
    assert ours.degrees_of_freedom == count - 1


@pytest.mark.parametrize("seed", range(5))
def test_two_group_logrank_matches_lifelines_logrank_test(seed):
    (first, first_events), (second, second_events) = group_data(seed, 2, tied=seed % 2 == 0)
    theirs = lifelines_logrank_test(
        first, second, event_observed_A=first_events, event_observed_B=second_events
    )
    assert_same_test(logrank_test([(first, first_events), (second, second_events)]), theirs)


def test_logrank_finds_a_real_difference():
    result = logrank_test(
        [([1, 2, 2, 3, 4, 5, 6, 7], [True] * 8), ([10, 11, 12, 14, 15, 16, 18, 20], [True] * 8)]
    )
    assert result.p_value < 0.001


@pytest.mark.parametrize(
    "groups",
    [
        [([1, 2, 3], [False, False, False]), ([2, 4], [False, False])],
        [([1, 1, 2], [True, False, True]), ([5, 6], [True, True]), ([0.5, 0.7], [False, False])],
        [([1, 2], [True, True]), ([1, 2], [True, True])],
        [([3], [True]), ([3], [True]), ([4, 5], [True, False])],
    ],
    ids=["no-events", "group-gone-before-any-event", "identical", "single-youth-groups"],
)
def test_logrank_degenerate_cases_match_lifelines(groups):
    assert_same_test(logrank_test(groups), lifelines_multivariate(groups))


@pytest.mark.parametrize(
    "groups",
    [
        [([1, 2], [True, False])],
        [([1, 2], [True, False]), ([], [])],
        [([1, 2], [True, False]), ([3], [True, False])],
        [([1, 2], [True, False]), ([-3], [True])],
    ],
)
def test_logrank_rejects_unusable_groups(groups):
    with pytest.raises(ValueError, match=r"\w"):
        logrank_test(groups)


@pytest.mark.parametrize("degrees_of_freedom", [1, 2, 3, 4, 5, 9, 30])
@pytest.mark.parametrize("statistic", [1e-8, 0.01, 0.45, 1.0, 2.7, 3.84, 7.5, 15.0, 42.0, 120.0, 600.0])
def test_chi_square_sf_matches_scipy(statistic, degrees_of_freedom):
    expected = stats.chi2.sf(statistic, degrees_of_freedom)
    assert chi_square_sf(statistic, degrees_of_freedom) == pytest.approx(expected, rel=1e-10, abs=1e-300)


def test_chi_square_sf_limits():
    assert chi_square_sf(0.0, 1) == 1.0
    assert chi_square_sf(math.inf, 2) == 0.0
    with pytest.raises(ValueError, match="degrees of freedom"):
        chi_square_sf(1.0, 0)


def statsmodels_wilson(successes: int, n: int, confidence: float) -> tuple[float, float]:
    lower, upper = proportion_confint(successes, n, alpha=1 - confidence, method="wilson")
    return float(lower), float(upper)


@pytest.mark.parametrize("n", [1, 2, 5, 10, 37, 100, 1000, 123457])
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_wilson_matches_statsmodels(n, confidence):
    for successes in sorted({0, 1, n // 3, n // 2, n - 1, n}):
        expected = statsmodels_wilson(successes, n, confidence)
        assert wilson_interval(successes, n, confidence) == pytest.approx(expected, rel=TOLERANCE, abs=1e-12)


def test_wilson_ends_exactly_at_zero_and_one():
    z2 = 1.959963984540054**2
    lower, upper = wilson_interval(0, 20)
    assert lower == 0.0
    assert upper == pytest.approx(z2 / (20 + z2), rel=1e-12)
    lower, upper = wilson_interval(20, 20)
    assert lower == pytest.approx(20 / (20 + z2), rel=1e-12)
    assert upper == 1.0


@pytest.mark.parametrize(
    ("successes", "n", "confidence"), [(0, 0, 0.95), (3, 2, 0.95), (-1, 5, 0.95), (1, 5, 1.5)]
)
def test_wilson_rejects_impossible_counts(successes, n, confidence):
    with pytest.raises(ValueError, match=r"\w"):
        wilson_interval(successes, n, confidence)


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(1, 10**6),
    share=st.floats(0, 1),
    confidence=st.floats(0.5, 0.999),
)
def test_wilson_property(n, share, confidence):
    successes = round(share * n)
    lower, upper = wilson_interval(successes, n, confidence)
    assert 0.0 <= lower <= successes / n <= upper <= 1.0
    expected = statsmodels_wilson(successes, n, confidence)
    assert (lower, upper) == pytest.approx(expected, rel=TOLERANCE, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 15), st.booleans()), min_size=1, max_size=40))
def test_kaplan_meier_property(subjects):
    durations = [float(duration) for duration, _ in subjects]
    observed = [event for _, event in subjects]
    steps = assert_matches_lifelines(durations, observed)
    assert sum(step.events + step.censored for step in steps) == len(subjects)
