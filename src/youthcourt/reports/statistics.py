"""Interval estimates and time-to-event statistics for outcome reports.

Evaluators compare reoffending across programs and groups, so every rate goes out with its
uncertainty. Youth who have not yet been followed for the whole window are censored rather
than counted as successes: counting them as successes would flatter the program, and
dropping them would waste what is known. The Kaplan-Meier curve and the log-rank test use
their follow-up for as long as it lasted.

Everything here is plain standard-library Python, so the reports need no numerical stack at
run time. The results follow the conventions of lifelines (confidence bands, at-risk counts,
test statistic) and statsmodels (Wilson interval), so figures can be checked against them.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, compress, repeat
from operator import add, attrgetter, mul, neg, sub, truediv
from statistics import NormalDist
from typing import NamedTuple


class SurvivalStep(NamedTuple):
    """One row of a Kaplan-Meier table: the curve from ``time`` until the next step.

    ``at_risk`` counts the youth still followed just before ``time``; ``events`` and
    ``censored`` are those whose follow-up ended at ``time`` with and without the event.
    ``lower`` and ``upper`` bound ``survival`` (the share without the event).

    An immutable named tuple rather than a dataclass: a curve over a large extract has one
    step per distinct time, and tuples are built several times faster.
    """

    time: float
    at_risk: int
    events: int
    censored: int
    survival: float
    lower: float
    upper: float


@dataclass(frozen=True)
class LogRankResult:
    """A log-rank test: chi-square ``statistic`` on ``degrees_of_freedom`` and its ``p_value``."""

    statistic: float
    degrees_of_freedom: int
    p_value: float


def _critical_value(confidence: float) -> float:
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be between 0 and 1")
    return NormalDist().inv_cdf(1.0 - (1.0 - confidence) / 2.0)


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval for a proportion.

    Unlike the textbook normal interval it stays inside [0, 1] and does not collapse to a
    single point when a small program reports 0 or 100 percent.
    """
    if n <= 0:
        raise ValueError("a proportion needs at least one observation")
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")
    z = _critical_value(confidence)
    z2 = z * z
    share = successes / n
    denominator = 1.0 + z2 / n
    centre = (share + z2 / (2.0 * n)) / denominator
    half_width = z * math.sqrt(share * (1.0 - share) / n + z2 / (4.0 * n * n)) / denominator
    lower = 0.0 if successes == 0 else max(0.0, centre - half_width)
    upper = 1.0 if successes == n else min(1.0, centre + half_width)
    return lower, upper


def _tally(durations: Sequence[float], observed: Sequence[bool]) -> tuple[Counter[float], Counter[float]]:
    """Count, per distinct time, the youth whose follow-up ended then, and how many of them had the event."""
    if len(durations) != len(observed):
        raise ValueError("durations and observed must have the same length")
    if not durations:
        raise ValueError("no durations given")
    ended = Counter(durations)
    if not all(map(math.isfinite, ended)) or min(ended) < 0:
        raise ValueError("durations must be finite and not negative")
    return ended, Counter(compress(durations, observed))


def _counts_at(counter: Counter[float], times: list[float]) -> list[int]:
    return list(map(counter.get, times, repeat(0)))


def _at_risk(ended_at: list[int], total: int) -> list[int]:
    """How many are still followed just before each time (those ending at a time were at risk then)."""
    return list(accumulate(ended_at[:-1], sub, initial=total))


def _greenwood_bands(at_risk: list[int], died: list[int], z: float) -> tuple[list[float], ...]:
    """Survival and its exponential Greenwood band (log(-log) transform) after each event time.

    The formulas are lifelines' own, step for step. When everyone still followed has the
    event (possible only at the last time) the curve and its band drop to 0.
    """
    wiped_out = bool(died) and at_risk[-1] == died[-1]
    if wiped_out:
        at_risk, died = at_risk[:-1], died[:-1]
    remaining = list(map(sub, at_risk, died))
    log_survival = list(accumulate(map(sub, map(math.log, remaining), map(math.log, at_risk))))
    variance = accumulate(map(truediv, died, map(mul, at_risk, remaining)))
    shift = list(map(truediv, map(mul, map(math.sqrt, variance), repeat(z)), log_survival))
    log_hazard = list(map(math.log, map(neg, log_survival)))
    columns = (
        list(map(math.exp, log_survival)),
        list(map(math.exp, map(neg, map(math.exp, map(sub, log_hazard, shift))))),
        list(map(math.exp, map(neg, map(math.exp, map(add, log_hazard, shift))))),
    )
    if wiped_out:
        for column in columns:
            column.append(0.0)
    return columns


def kaplan_meier(
    durations: Sequence[float], observed: Sequence[bool], confidence: float = 0.95
) -> list[SurvivalStep]:
    """The Kaplan-Meier estimate of the share still without the event, one step per distinct time.

    ``durations`` is each youth's follow-up time and ``observed`` whether it ended with the
    event (True) or was censored (False). The table starts with a step at time 0, where the
    curve is 1 unless events happened at 0. At a tied time the events count before the
    censorings, so a youth censored at ``t`` was still at risk of an event at ``t``.
    """
    z = _critical_value(confidence)
    ended, events = _tally(durations, observed)
    times = sorted(ended)
    if times[0] > 0:
        times.insert(0, 0.0)
    ended_at = _counts_at(ended, times)
    at_risk = _at_risk(ended_at, len(durations))
    died = _counts_at(events, times)
    # The curve only moves at event times: compute it there, then carry it over the censorings.
    bands = _greenwood_bands(list(compress(at_risk, died)), list(filter(None, died)), z)
    events_so_far = list(accumulate(map(bool, died)))
    survival, lower, upper = (list(map([1.0, *band].__getitem__, events_so_far)) for band in bands)
    censored = map(sub, ended_at, died)
    rows = zip(map(float, times), at_risk, died, censored, survival, lower, upper, strict=True)
    # What SurvivalStep._make does, without a Python call per step.
    return list(map(tuple.__new__, repeat(SurvivalStep), rows))


def survival_at(steps: Sequence[SurvivalStep], t: float) -> SurvivalStep:
    """The step in force at time ``t``: the last one at or before ``t`` (the curve is right-continuous).

    Use it to read the curve on a regular grid (every month, say) for a chart or a table.
    After the last step the curve stays where it ended; before time 0 it is not defined.
    """
    index = bisect_right(steps, t, key=attrgetter("time"))
    if index == 0:
        raise ValueError("the curve starts later than the requested time")
    return steps[index - 1]


def _quadratic_form_pinv(matrix: list[list[float]], vector: list[float]) -> float:
    """``vector' pinv(matrix) vector`` for a symmetric positive semi-definite ``matrix``.

    The log-rank vector always lies in the range of its covariance matrix, so eliminating
    with the vanishing pivots left out gives the same value as the Moore-Penrose inverse
    (which is what lifelines uses when, say, a group shares no event time with the others).
    """
    size = len(vector)
    a = [row[:] for row in matrix]
    b = vector[:]
    tolerance = max((a[i][i] for i in range(size)), default=0.0) * 1e-12
    total = 0.0
    for pivot in range(size):
        if a[pivot][pivot] <= tolerance:
            continue
        total += b[pivot] * b[pivot] / a[pivot][pivot]
        for row in range(pivot + 1, size):
            factor = a[row][pivot] / a[pivot][pivot]
            b[row] -= factor * b[pivot]
            for column in range(pivot + 1, size):
                a[row][column] -= factor * a[pivot][column]
    return total


def _dot(left: Iterable[float], right: Iterable[float]) -> float:
    return sum(map(mul, left, right))


def _followed_until(durations: Sequence[float], observed: Sequence[bool]) -> list[float]:
    """The group's durations in order, checked like :func:`kaplan_meier` checks them."""
    if len(durations) != len(observed):
        raise ValueError("durations and observed must have the same length")
    if not durations:
        raise ValueError("every group needs at least one youth")
    if not all(map(math.isfinite, durations)) or min(durations) < 0:
        raise ValueError("durations must be finite and not negative")
    return sorted(durations)


def _still_followed(ordered: list[float], times: list[float]) -> list[int]:
    """How many durations in ``ordered`` last at least until each time (at risk there)."""
    return list(map(sub, repeat(len(ordered)), map(bisect_left, repeat(ordered), times)))


def logrank_test(groups: Sequence[tuple[Sequence[float], Sequence[bool]]]) -> LogRankResult:
    """The log-rank test that two or more groups have the same time-to-event curve.

    Each group is ``(durations, observed)`` as for :func:`kaplan_meier`. Comparing
    reoffending this way, rather than comparing rates at a fixed window, keeps the youth
    whose follow-up is still short in the comparison for as long as they were followed.
    """
    if len(groups) < 2:
        raise ValueError("the log-rank test compares at least two groups")
    ordered = [_followed_until(durations, observed) for durations, observed in groups]
    events = Counter(chain.from_iterable(compress(durations, observed) for durations, observed in groups))
    times = sorted(events)
    died = list(map(events.__getitem__, times))
    at_risk = [_still_followed(durations, times) for durations in ordered]
    total_at_risk = list(map(sum, zip(*at_risk, strict=True)))
    share_dying = list(map(truediv, died, total_at_risk))
    # d (n - d) / ((n - 1) n^2); when n is 1 the numerator is 0, so any denominator will do.
    weight = list(
        map(
            truediv,
            map(mul, died, map(sub, total_at_risk, died)),
            map(
                mul,
                map(max, map(sub, total_at_risk, repeat(1)), repeat(1)),
                map(mul, total_at_risk, total_at_risk),
            ),
        )
    )
    compared = len(groups) - 1
    difference = [
        sum(map(bool, observed)) - _dot(risk, share_dying)
        for risk, (_, observed) in zip(at_risk[:compared], groups, strict=False)
    ]
    covariance = [[0.0] * compared for _ in range(compared)]
    for j in range(compared):
        weighted = list(map(mul, weight, at_risk[j]))
        covariance[j][j] = _dot(weighted, map(sub, total_at_risk, at_risk[j]))
        for other in range(j):
            covariance[j][other] = covariance[other][j] = -_dot(weighted, at_risk[other])
    statistic = _quadratic_form_pinv(covariance, difference)
    return LogRankResult(statistic, compared, chi_square_sf(statistic, compared))


_TINY = 1e-300
_EPSILON = 1e-16
_MAX_ITERATIONS = 10_000


def _lower_gamma_series(a: float, x: float) -> float:
    """Regularized lower incomplete gamma P(a, x) by its power series (good for x < a + 1)."""
    term = total = 1.0 / a
    denominator = a
    for _ in range(_MAX_ITERATIONS):
        denominator += 1.0
        term *= x / denominator
        total += term
        if abs(term) < abs(total) * _EPSILON:
            break
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _upper_gamma_fraction(a: float, x: float) -> float:
    """Regularized upper incomplete gamma Q(a, x) by its continued fraction (modified Lentz)."""
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    result = d
    for i in range(1, _MAX_ITERATIONS):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        if abs(d) < _TINY:
            d = _TINY
        c = b + an / c
        if abs(c) < _TINY:
            c = _TINY
        d = 1.0 / d
        delta = d * c
        result *= delta
        if abs(delta - 1.0) < _EPSILON:
            break
    return result * math.exp(-x + a * math.log(x) - math.lgamma(a))


def chi_square_sf(statistic: float, degrees_of_freedom: int) -> float:
    """P(X >= statistic) for a chi-square variable: the p-value of a chi-square test."""
    if degrees_of_freedom <= 0:
        raise ValueError("degrees of freedom must be positive")
    if math.isnan(statistic):
        return math.nan
    if statistic <= 0.0:
        return 1.0
    if statistic == math.inf:
        return 0.0
    a = degrees_of_freedom / 2.0
    x = statistic / 2.0
    if x < a + 1.0:
        return 1.0 - _lower_gamma_series(a, x)
    return _upper_gamma_fraction(a, x)
