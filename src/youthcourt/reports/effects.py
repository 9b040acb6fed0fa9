"""Effect estimates between two groups: risks at the window, a Cox model, and a propensity-score analysis.

Pure computation on one row per youth (:class:`Youth`, built from the same placement as the
recidivism report and its analysis file), so the page, its PDF and the tests share it.

Which library does what, and why:

- Risk difference, risk ratio and odds ratio at the window are closed formulas, written here
  (Newcombe's hybrid score interval for the difference; log intervals for the ratios), with no
  library in the way of reading them.
- The Cox model and its proportional-hazards check come from lifelines (``CoxPHFitter``, Efron
  ties, and the scaled-Schoenfeld test of ``proportional_hazard_test``): survival analysis is
  what lifelines is built for, and it reports both in one place.
- The propensity score is a logistic regression from statsmodels (``GLM`` with a binomial
  family), which gives plain maximum likelihood without the penalty scikit-learn applies by
  default; matching and weighting on it are a few lines here.

The libraries are imported inside the functions that need them, so that no other page pays
for loading them.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

from youthcourt.web.i18n import N_, gettext

Z95 = NormalDist().inv_cdf(0.975)
SMD_BAR = 0.1
"""The usual bar for balance: an absolute standardized mean difference under 0.1."""
PH_ALPHA = 0.05
"""A proportional-hazards test below this p-value gets a warning."""
CALIPER_SD = 0.2
"""Matching caliper: 0.2 standard deviations of the logit of the propensity score (Austin 2011)."""


class PropensityMethod(enum.StrEnum):
    MATCHING = "matching"
    WEIGHTING = "weighting"

    @property
    def label(self) -> str:
        """In English, marked for the catalog: translated where shown (``_(method.label)``)."""
        if self is PropensityMethod.MATCHING:
            return N_("Nearest-neighbour matching, 1:1 without replacement, within a caliper")
        return N_("Inverse-probability weighting (average effect in the whole sample)")


@dataclass(frozen=True, slots=True)
class Youth:
    """One youth of the two groups compared."""

    treated: bool
    """In the first of the two groups chosen."""
    time_days: int
    event: bool
    followed_full_window: bool
    covariates: Mapping[str, float | None]
    """Numeric covariates (indicators for categories); None when the record does not hold it."""


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float


@dataclass(frozen=True)
class Risks:
    """Reoffending at the window's end among youth followed for the full window, in both groups."""

    treated_events: int
    treated_total: int
    other_events: int
    other_total: int
    difference: Estimate | None
    ratio: Estimate | None
    odds_ratio: Estimate | None


def _proportion_score_bounds(events: int, total: int) -> tuple[float, float]:
    """Wilson's score interval for one proportion."""
    p = events / total
    centre = (p + Z95**2 / (2 * total)) / (1 + Z95**2 / total)
    half = Z95 * math.sqrt(p * (1 - p) / total + Z95**2 / (4 * total**2)) / (1 + Z95**2 / total)
    return centre - half, centre + half


def risk_effects(treated_events: int, treated_total: int, other_events: int, other_total: int) -> Risks:
    """Risk difference (Newcombe's hybrid score interval), risk ratio and odds ratio (log intervals).

    A ratio is not estimated when a cell it divides by is empty (it would be infinite or zero
    with no interval); the difference needs only both groups.
    """
    a, n1, c, n0 = treated_events, treated_total, other_events, other_total
    b, d = n1 - a, n0 - c
    difference = ratio = odds = None
    if n1 and n0:
        p1, p0 = a / n1, c / n0
        l1, u1 = _proportion_score_bounds(a, n1)
        l0, u0 = _proportion_score_bounds(c, n0)
        delta = p1 - p0
        difference = Estimate(
            delta,
            delta - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2),
            delta + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2),
        )
    if a and c and n1 and n0:
        log_ratio = math.log((a / n1) / (c / n0))
        se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n0)
        ratio = Estimate(math.exp(log_ratio), math.exp(log_ratio - Z95 * se), math.exp(log_ratio + Z95 * se))
    if a and b and c and d:
        log_odds = math.log(a * d / (b * c))
        se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
        odds = Estimate(math.exp(log_odds), math.exp(log_odds - Z95 * se), math.exp(log_odds + Z95 * se))
    return Risks(a, n1, c, n0, difference, ratio, odds)


def risks_of(youth: Sequence[Youth]) -> Risks:
    """The 2x2 table of the youth followed for the full window, and its effects."""
    full = [y for y in youth if y.followed_full_window]
    treated = [y for y in full if y.treated]
    other = [y for y in full if not y.treated]
    return risk_effects(sum(y.event for y in treated), len(treated), sum(y.event for y in other), len(other))


def complete_cases(youth: Sequence[Youth], covariates: Sequence[str]) -> list[Youth]:
    """The youth whose record holds every chosen covariate (missing values: complete-case analysis)."""
    return [y for y in youth if all(y.covariates.get(name) is not None for name in covariates)]


def usable_covariates(youth: Sequence[Youth], covariates: Sequence[str]) -> list[str]:
    """The covariates that vary among these youth: a constant column cannot be estimated."""
    return [name for name in covariates if len({y.covariates[name] for y in youth}) > 1]


@dataclass(frozen=True)
class HazardRatio:
    name: str
    estimate: Estimate
    p_value: float
    ph_p_value: float | None
    """The proportional-hazards test for this term (scaled Schoenfeld residuals against rank of time)."""


@dataclass(frozen=True)
class CoxResult:
    terms: tuple[HazardRatio, ...]
    youth: int
    events: int
    ph_violated: tuple[str, ...]
    """Terms whose proportional-hazards test falls below :data:`PH_ALPHA`."""

    @property
    def group(self) -> HazardRatio:
        return self.terms[0]


TREATED = "group"
"""The name of the group indicator in the Cox model (1 for the first group chosen)."""


def cox_model(youth: Sequence[Youth], covariates: Sequence[str]) -> CoxResult | None:
    """Hazard ratios of the group and the covariates, with the proportional-hazards test.

    ``youth`` are complete cases; returns None when too few events leave nothing to estimate.
    """
    import pandas as pd
    from lifelines import CoxPHFitter
    from lifelines.statistics import proportional_hazard_test

    events = sum(y.event for y in youth)
    if events < 2 or len({y.treated for y in youth}) < 2:
        return None
    frame = pd.DataFrame(
        {
            "time_days": [y.time_days for y in youth],
            "event": [int(y.event) for y in youth],
            TREATED: [int(y.treated) for y in youth],
            **{name: [float(y.covariates[name]) for y in youth] for name in covariates},  # type: ignore[arg-type]
        }
    )
    fitter = CoxPHFitter().fit(frame, duration_col="time_days", event_col="event")
    test = proportional_hazard_test(fitter, frame, time_transform="rank")
    ph = dict(zip(test.summary.index, test.summary["p"], strict=True))
    summary = fitter.summary
    terms = tuple(
        HazardRatio(
            name,
            Estimate(
                float(summary.loc[name, "exp(coef)"]),
                float(summary.loc[name, "exp(coef) lower 95%"]),
                float(summary.loc[name, "exp(coef) upper 95%"]),
            ),
            float(summary.loc[name, "p"]),
            float(ph[name]) if name in ph else None,
        )
        for name in [TREATED, *covariates]
    )
    violated = tuple(t.name for t in terms if t.ph_p_value is not None and t.ph_p_value < PH_ALPHA)
    return CoxResult(terms, len(youth), events, violated)


@dataclass(frozen=True)
class Balance:
    name: str
    before: float
    after: float


@dataclass(frozen=True)
class PropensityResult:
    method: PropensityMethod
    balance: tuple[Balance, ...]
    risks: Risks
    """Matching: the 2x2 of the matched youth followed for the full window."""
    weighted_difference: float | None
    """Weighting: the weighted risk difference among youth followed for the full window."""
    matched_pairs: int
    unmatched_treated: int


def propensity_scores(youth: Sequence[Youth], covariates: Sequence[str]) -> list[float]:
    """The probability of being in the first group given the covariates (logistic regression)."""
    import numpy as np
    import statsmodels.api as sm

    exog = sm.add_constant(
        np.array([[float(y.covariates[name]) for name in covariates] for y in youth]),
        has_constant="add",  # type: ignore[arg-type]
    )
    endog = np.array([float(y.treated) for y in youth])
    fitted = sm.GLM(endog, exog, family=sm.families.Binomial()).fit()
    return [float(p) for p in fitted.predict(exog)]


def smd(values: Sequence[float], treated: Sequence[bool], weights: Sequence[float] | None = None) -> float:
    """Standardized mean difference: (weighted) means apart, over the pooled unweighted SD."""
    weights = weights or [1.0] * len(values)

    def mean(group: bool) -> float:
        pairs = [(v, w) for v, t, w in zip(values, treated, weights, strict=True) if t == group]
        total = sum(w for _, w in pairs)
        return sum(v * w for v, w in pairs) / total if total else 0.0

    def variance(group: bool) -> float:
        chosen = [v for v, t in zip(values, treated, strict=True) if t == group]
        if len(chosen) < 2:
            return 0.0
        m = sum(chosen) / len(chosen)
        return sum((v - m) ** 2 for v in chosen) / (len(chosen) - 1)

    spread = math.sqrt((variance(True) + variance(False)) / 2)
    return (mean(True) - mean(False)) / spread if spread else 0.0


def match(scores: Sequence[float], treated: Sequence[bool]) -> list[tuple[int, int]]:
    """Greedy 1:1 nearest-neighbour matching on the logit of the score, without replacement.

    Treated youth are taken in order of their score (highest first, the hardest to match), each
    with the closest unused comparison within the caliper; ties go to the earlier row.
    """
    logits = [math.log(p / (1 - p)) for p in (min(max(s, 1e-9), 1 - 1e-9) for s in scores)]
    mean = sum(logits) / len(logits)
    caliper = CALIPER_SD * math.sqrt(sum((x - mean) ** 2 for x in logits) / max(len(logits) - 1, 1))
    controls = [i for i, t in enumerate(treated) if not t]
    used: set[int] = set()
    pairs = []
    for i in sorted((i for i, t in enumerate(treated) if t), key=lambda i: (-logits[i], i)):
        distance, j = min(
            ((abs(logits[i] - logits[j]), j) for j in controls if j not in used), default=(math.inf, -1)
        )
        if distance <= caliper:
            used.add(j)
            pairs.append((i, j))
    return pairs


def propensity_analysis(
    youth: Sequence[Youth], covariates: Sequence[str], method: PropensityMethod
) -> PropensityResult | None:
    """The balance of each covariate before and after, and the matched or weighted estimate."""
    if not covariates or len({y.treated for y in youth}) < 2:
        return None
    scores = propensity_scores(youth, covariates)
    treated = [y.treated for y in youth]
    columns = {name: [float(y.covariates[name]) for y in youth] for name in covariates}  # type: ignore[arg-type]
    if method is PropensityMethod.MATCHING:
        pairs = match(scores, treated)
        chosen = [i for pair in pairs for i in pair]
        balance = tuple(
            Balance(
                name,
                smd(values, treated),
                smd([values[i] for i in chosen], [treated[i] for i in chosen]),
            )
            for name, values in columns.items()
        )
        matched = [youth[i] for i in chosen]
        return PropensityResult(
            method, balance, risks_of(matched), None, len(pairs), sum(treated) - len(pairs)
        )
    weights = [1 / s if t else 1 / (1 - s) for s, t in zip(scores, treated, strict=True)]
    balance = tuple(
        Balance(name, smd(values, treated), smd(values, treated, weights)) for name, values in columns.items()
    )
    return PropensityResult(
        method,
        balance,
        risks_of(youth),
        weighted_difference(youth, weights),
        0,
        0,
    )


def weighted_difference(youth: Sequence[Youth], weights: Sequence[float]) -> float | None:
    """The weighted share reoffending in the first group minus that in the second, full window only."""

    def share(group: bool) -> float | None:
        pairs = [
            (y.event, w)
            for y, w in zip(youth, weights, strict=True)
            if y.treated == group and y.followed_full_window
        ]
        total = sum(w for _, w in pairs)
        return sum(w for e, w in pairs if e) / total if total else None

    first, second = share(True), share(False)
    return None if first is None or second is None else first - second


class Covariate(enum.StrEnum):
    """What a model can adjust for: what both program and comparison records carry."""

    AGE = "age"
    GENDER = "gender"
    RACE_ETHNICITY = "race_ethnicity"
    OFFENSE_CLASS = "offense_class"
    PRIOR_POLICE_CONTACTS = "prior_police_contacts"
    PRIOR_DIVERSIONS = "prior_diversions"
    PRIOR_ADJUDICATIONS = "prior_adjudications"

    @property
    def label(self) -> str:
        """In English, marked for the catalog: translated where shown (``_(covariate.label)``)."""
        return COVARIATE_LABELS[self.value]

    @property
    def numeric(self) -> bool:
        return self not in (Covariate.GENDER, Covariate.RACE_ETHNICITY, Covariate.OFFENSE_CLASS)


COVARIATE_LABELS = {
    "age": N_("Age at referral (years)"),
    "gender": N_("Gender"),
    "race_ethnicity": N_("Race and ethnicity"),
    "offense_class": N_("Offense class"),
    "prior_police_contacts": N_("Earlier police contacts"),
    "prior_diversions": N_("Earlier diversions"),
    "prior_adjudications": N_("Earlier adjudications"),
}

Raw = Mapping[Covariate, "float | str | None"]
"""A youth's covariates as recorded: a number, a category, or None when the record lacks it."""


def encode(
    raw: Sequence[Raw], chosen: Sequence[Covariate]
) -> tuple[list[str], list[dict[str, float | None]]]:
    """The model's columns: numbers as they are, each category but the most common as a 0/1 indicator.

    The most common category is the reference, so each indicator's coefficient compares with it.
    A record without the covariate has None in every column of it (and leaves a complete-case
    analysis). The columns are named in the active language, as the page and the PDF show them
    (a category keeps the words it was recorded with).
    """
    names: list[str] = []
    rows: list[dict[str, float | None]] = [{} for _ in raw]
    for covariate in chosen:
        values = [record.get(covariate) for record in raw]
        label = gettext(covariate.label)
        if covariate.numeric:
            names.append(label)
            for row, value in zip(rows, values, strict=True):
                row[label] = None if value is None else float(value)
            continue
        counts: dict[str, int] = {}
        for value in values:
            if value is not None:
                counts[str(value)] = counts.get(str(value), 0) + 1
        categories = sorted(counts, key=lambda c: (-counts[c], c))[1:]
        for category in categories:
            name = f"{label}: {category}"
            names.append(name)
            for row, value in zip(rows, values, strict=True):
                row[name] = None if value is None else float(str(value) == category)
    return names, rows
