"""Effect estimates, each checked against a computation by another library or written out here."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.proportion import confint_proportions_2indep

from youthcourt.reports.effects import (
    CALIPER_SD,
    PropensityMethod,
    Youth,
    cox_model,
    propensity_analysis,
    risk_effects,
    smd,
)

CLOSE = 1e-9


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 60), st.integers(1, 60), st.integers(1, 60), st.integers(1, 60))
def test_risk_ratio_and_odds_ratio_intervals_match_statsmodels(a, b, c, d):
    risks = risk_effects(a, a + b, c, c + d)
    table = Table2x2(np.array([[a, b], [c, d]]))

    assert risks.ratio.value == pytest.approx(table.riskratio, rel=CLOSE)
    assert (risks.ratio.low, risks.ratio.high) == pytest.approx(table.riskratio_confint(), rel=CLOSE)
    assert risks.odds_ratio.value == pytest.approx(table.oddsratio, rel=CLOSE)
    assert (risks.odds_ratio.low, risks.odds_ratio.high) == pytest.approx(
        table.oddsratio_confint(), rel=CLOSE
    )
    low, high = confint_proportions_2indep(a, a + b, c, c + d, method="newcomb", compare="diff")
    assert risks.difference.value == pytest.approx(a / (a + b) - c / (c + d), abs=CLOSE)
    assert (risks.difference.low, risks.difference.high) == pytest.approx((low, high), abs=CLOSE)


def test_a_ratio_with_an_empty_cell_is_not_estimated():
    risks = risk_effects(0, 20, 5, 20)
    assert risks.ratio is None and risks.odds_ratio is None
    assert risks.difference.value == pytest.approx(-0.25)


def simulated(size: int, seed: int, effect: float = -0.5) -> list[Youth]:
    """Youth whose hazard rises with age and prior contacts, and falls in the first group."""
    rng = random.Random(seed)
    youth = []
    for _ in range(size):
        age = rng.randint(12, 17)
        priors = rng.choice([0, 0, 0, 1, 1, 2, 3])
        girl = rng.random() < 0.4
        treated = rng.random() < 1 / (1 + math.exp(-(0.3 * (age - 14.5) - 0.4 * priors)))
        rate = 0.0015 * math.exp(0.15 * (age - 14) + 0.35 * priors - 0.3 * girl + effect * treated)
        onset = rng.expovariate(rate)
        followed = rng.choice([120, 250, 365, 365, 365])
        event = onset <= min(followed, 365)
        youth.append(
            Youth(
                treated=treated,
                time_days=int(min(onset, followed, 365)) if event else min(followed, 365),
                event=event,
                followed_full_window=event or followed >= 365,
                covariates={"age": float(age), "priors": float(priors), "girl": float(girl)},
            )
        )
    return youth


def test_hazard_ratios_match_statsmodels_efron_fit():
    youth = simulated(600, seed=4)
    result = cox_model(youth, ["age", "priors", "girl"])

    exog = np.array(
        [[float(y.treated), *(y.covariates[n] for n in ("age", "priors", "girl"))] for y in youth]
    )
    theirs = PHReg(
        np.array([y.time_days for y in youth], dtype=float),
        exog,
        status=np.array([int(y.event) for y in youth]),
        ties="efron",
    ).fit()
    assert [t.name for t in result.terms] == ["group", "age", "priors", "girl"]
    assert [math.log(t.estimate.value) for t in result.terms] == pytest.approx(list(theirs.params), abs=1e-6)
    low, high = np.exp(theirs.conf_int()).T
    assert [t.estimate.low for t in result.terms] == pytest.approx(list(low), abs=1e-6)
    assert [t.estimate.high for t in result.terms] == pytest.approx(list(high), abs=1e-6)
    assert result.group.estimate.value < 1, "the simulated first group reoffends at 60% of the hazard"
    assert result.events == sum(y.event for y in youth)


def test_a_hazard_that_changes_over_time_fails_the_proportional_hazards_check():
    rng = random.Random(9)
    youth = []
    for index in range(500):
        treated = index % 2 == 0
        # The first group reoffends early or not at all; the second at a steady rate.
        onset = (
            rng.expovariate(0.02)
            if treated and rng.random() < 0.5
            else (10_000 if treated else rng.expovariate(0.0025))
        )
        youth.append(
            Youth(treated, int(min(onset, 365)), onset <= 365, True, {"age": float(rng.randint(12, 17))})
        )

    result = cox_model(youth, ["age"])

    assert "group" in result.ph_violated
    assert result.group.ph_p_value < 0.05


def test_the_weighted_estimate_matches_a_direct_computation():
    youth = simulated(500, seed=7)
    names = ["age", "priors", "girl"]
    result = propensity_analysis(youth, names, PropensityMethod.WEIGHTING)

    x = sm.add_constant(np.array([[y.covariates[n] for n in names] for y in youth]))
    treated = np.array([y.treated for y in youth], dtype=float)
    score = sm.Logit(treated, x).fit(disp=0).predict(x)
    weight = np.where(treated == 1, 1 / score, 1 / (1 - score))
    full = np.array([y.followed_full_window for y in youth])
    event = np.array([y.event for y in youth], dtype=float)

    def share(group: int) -> float:
        chosen = full & (treated == group)
        return float(np.sum(weight[chosen] * event[chosen]) / np.sum(weight[chosen]))

    assert result.weighted_difference == pytest.approx(share(1) - share(0), abs=CLOSE)
    for balance in result.balance:
        values = np.array([y.covariates[balance.name] for y in youth])
        pooled = math.sqrt((values[treated == 1].var(ddof=1) + values[treated == 0].var(ddof=1)) / 2)
        before = (values[treated == 1].mean() - values[treated == 0].mean()) / pooled
        after = (
            np.average(values[treated == 1], weights=weight[treated == 1])
            - np.average(values[treated == 0], weights=weight[treated == 0])
        ) / pooled
        assert (balance.before, balance.after) == pytest.approx((before, after), abs=CLOSE)
    assert max(abs(b.after) for b in result.balance) < 0.1, "weighting balances the simulated covariates"


def test_matching_pairs_within_the_caliper_and_improves_balance():
    youth = simulated(500, seed=3)
    names = ["age", "priors", "girl"]
    result = propensity_analysis(youth, names, PropensityMethod.MATCHING)

    assert result.matched_pairs > 50
    assert result.matched_pairs + result.unmatched_treated == sum(y.treated for y in youth)
    assert max(abs(b.after) for b in result.balance) < max(abs(b.before) for b in result.balance)
    assert result.risks.treated_total <= result.matched_pairs
    assert CALIPER_SD == 0.2


def test_standardized_mean_difference_of_equal_groups_is_zero():
    assert smd([1.0, 2.0, 1.0, 2.0], [True, True, False, False]) == 0.0
    assert smd([3.0, 3.0, 1.0, 1.0], [True, True, False, False]) == 0.0, "no spread: no difference to scale"
