"""The effects report: two groups of the cohort compared, with the sample at each step and a methods note.

Youth are placed exactly as the recidivism report places them (:func:`placed`: anchor, landmark,
group), so the two reports and the analysis file agree on who is in which group. Every count the
page shows goes through the same publication rules (rounded to fives, small counts hidden), and
an estimate that would give a hidden count back is withheld.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from youthcourt.cases.models import CaseState
from youthcourt.referrals.models import StudyArm
from youthcourt.reports.cohort import Subject, window_end
from youthcourt.reports.effects import (
    CALIPER_SD,
    Covariate,
    CoxResult,
    PropensityMethod,
    PropensityResult,
    Raw,
    Risks,
    Youth,
    complete_cases,
    cox_model,
    encode,
    propensity_analysis,
    risks_of,
    usable_covariates,
)
from youthcourt.reports.recidivism import (
    CENSORED,
    NOT_STARTED,
    PROGRAM_YOUTH,
    REOFFENDED,
    ComparisonSubject,
    Grouping,
    ReportOptions,
    anchor_words,
    comparison_group,
    comparison_label,
    group_label,
    group_words,
    placed,
    study_arm_label,
    youth_outcome,
)
from youthcourt.reports.suppression import PUBLISHED_BASE, Relation, Suppressed, published_count, suppress
from youthcourt.web.i18n import N_, gettext

WITHHELD_SMALL = N_("Withheld: it would rest on a count hidden to protect small numbers.")
TOO_FEW_EVENTS = N_("Not estimated: fewer than %(threshold)s new offenses in one of the groups.")
"""Why an estimate is not shown: written in the viewer's language when the report is computed."""


@dataclass(frozen=True)
class Comparison:
    """What the evaluator compares: two groups of a report's grouping, adjusted for some covariates.

    The groups' labels are the report's keys, in English (as the recidivism report's, its files and
    the audit trail give them); :attr:`first_words` and :attr:`second_words` show them."""

    options: ReportOptions
    first: str
    second: str
    covariates: tuple[Covariate, ...]
    method: PropensityMethod

    @property
    def first_words(self) -> str:
        return group_name(self.first)

    @property
    def second_words(self) -> str:
        return group_name(self.second)

    def as_details(self) -> dict[str, object]:
        return {
            **self.options.as_details(),
            "first_group": self.first,
            "second_group": self.second,
            "covariates": [c.value for c in self.covariates],
            "propensity": self.method.value,
        }


@dataclass(frozen=True)
class Step:
    label: str
    count: int


@dataclass(frozen=True)
class EffectsReport:
    comparison: Comparison
    threshold: int
    flow: tuple[Step, ...]
    """The sample at each step, from the cohort to the youth analysed."""
    cells: Suppressed
    risks: Risks | None
    risks_withheld: str | None
    dropped_covariates: tuple[str, ...]
    """Columns that did not vary among the youth analysed, left out of the models."""
    cox: CoxResult | None
    cox_withheld: str | None
    propensity: PropensityResult | None
    propensity_cells: Suppressed | None
    propensity_withheld: str | None
    first_is_larger: bool = False
    """More youth are analysed in the first group: matching each of them leaves many without a pair."""
    followed_shares: tuple[float, float] | None = None
    """The share of each group followed for the full window, when they differ enough to mislead."""
    empty_group: str | None = None
    """A group with no youth in this range: nothing is compared."""

    @property
    def follow_up_warning(self) -> str | None:
        """Why the risk table may point another way than the Cox model, when follow-up differs."""
        if self.followed_shares is None:
            return None
        first, second = self.followed_shares
        comparison = self.comparison
        return gettext(
            "Followed for the full window: about %(first_share)s%% of %(first)s, %(second_share)s%% of "
            "%(second)s. The risk table counts only youth followed to the window's end, so where follow-up "
            "differs this much it can point the other way from the Cox model, which counts every youth for "
            "as long as they were followed. Read the hazard ratio first, or choose a shorter window.",
            first_share=_five(first),
            first=comparison.first_words,
            second_share=_five(second),
            second=comparison.second_words,
        )

    def count(self, count: int) -> str:
        """A count outside the tables, published like theirs."""
        return published_count(count, self.threshold, PUBLISHED_BASE)

    def cell(self, name: str) -> str:
        return self.cells.display(name)


PRIOR = (Covariate.PRIOR_POLICE_CONTACTS, Covariate.PRIOR_DIVERSIONS, Covariate.PRIOR_ADJUDICATIONS)


def _raw_of_subject(subject: Subject) -> Raw:
    return {
        Covariate.AGE: float(subject.age),
        Covariate.GENDER: subject.gender,
        Covariate.RACE_ETHNICITY: subject.race_ethnicity,
        Covariate.OFFENSE_CLASS: subject.offense_class,
        **{covariate: _count(value) for covariate, value in zip(PRIOR, subject.prior, strict=True)},
    }


def _count(value: int | None) -> float | None:
    return None if value is None else float(value)


def _raw_of_comparison(other: ComparisonSubject) -> Raw:
    return {
        Covariate.AGE: None if other.age is None else float(other.age),
        Covariate.GENDER: other.gender or None,
        Covariate.RACE_ETHNICITY: other.race_ethnicity or None,
        Covariate.OFFENSE_CLASS: other.offense_class or None,
        **{covariate: _count(value) for covariate, value in zip(PRIOR, other.prior, strict=True)},
    }


@dataclass(frozen=True)
class _Placed:
    treated: bool
    outcome: int
    days: int
    raw: Raw


def _place_all(
    subjects: Sequence[Subject],
    comparisons: Sequence[ComparisonSubject],
    comparison: Comparison,
    nights: Mapping[UUID, Sequence[datetime.date]],
) -> tuple[list[_Placed], int]:
    """The youth of the two groups, with their outcome; and how many youth's clocks had started."""
    options = comparison.options
    chosen: list[_Placed] = []
    started = 0

    def add(
        label: str, start: datetime.date, events: Sequence, known: datetime.date | None, raw: Raw
    ) -> None:
        if label not in (comparison.first, comparison.second):
            return
        end = window_end(start, options.window_months)
        outcome, days = youth_outcome(start, events, known, options.event_types, end)
        chosen.append(_Placed(label == comparison.first, outcome, days, raw))

    for subject in subjects:
        place = placed(subject, options, nights.get(subject.youth_id, ()))
        if place == NOT_STARTED:
            continue
        started += 1
        if not isinstance(place, str):
            add(place[1], place[0], subject.events, subject.checked_until, _raw_of_subject(subject))
    for other in comparisons:
        started += 1
        add(
            comparison_label(other),
            other.anchor_on,
            other.events,
            other.followed_until,
            _raw_of_comparison(other),
        )
    return chosen, started


def build_effects(
    subjects: Sequence[Subject],
    comparisons: Sequence[ComparisonSubject],
    comparison: Comparison,
    threshold: int,
    *,
    nights: Mapping[UUID, Sequence[datetime.date]] | None = None,
) -> EffectsReport:
    """Compare the two groups: risks at the window, the Cox model and the propensity analysis."""
    chosen, started = _place_all(subjects, comparisons, comparison, nights or {})
    in_first = sum(p.treated for p in chosen)
    if not in_first or in_first == len(chosen):
        return _nothing_to_compare(
            comparison, threshold, len(subjects) + len(comparisons), started, chosen, in_first
        )
    names, encoded = encode([p.raw for p in chosen], comparison.covariates)
    everyone = [
        Youth(p.treated, p.days, p.outcome == REOFFENDED, p.outcome != CENSORED, row)
        for p, row in zip(chosen, encoded, strict=True)
    ]
    analysed = complete_cases(everyone, names)
    usable = usable_covariates(analysed, names)
    risks = risks_of(everyone)
    cells = _risk_cells(risks, threshold)
    flow = _flow(comparison, len(subjects) + len(comparisons), started, len(everyone), len(analysed), risks)
    cox, cox_withheld = _cox(analysed, usable, threshold)
    propensity, propensity_cells, propensity_withheld = _propensity(
        analysed, usable, comparison.method, threshold
    )
    return EffectsReport(
        comparison=comparison,
        threshold=threshold,
        flow=flow,
        cells=cells,
        risks=None if _hidden(cells) else risks,
        risks_withheld=gettext(WITHHELD_SMALL) if _hidden(cells) else None,
        dropped_covariates=tuple(name for name in names if name not in usable),
        cox=cox,
        cox_withheld=cox_withheld,
        propensity=propensity,
        propensity_cells=propensity_cells,
        propensity_withheld=propensity_withheld,
        first_is_larger=2 * sum(y.treated for y in analysed) > len(analysed),
        followed_shares=_uneven_follow_up(risks, in_first, len(everyone) - in_first),
    )


def _five(share: float) -> int:
    """A share as a percentage to the nearest 5: coarse enough to give no count back."""
    return 5 * round(share * 20)


UNEVEN_FOLLOW_UP = 0.10
"""Shares followed for the full window this far apart make the risk table unreliable beside the Cox model."""


def _uneven_follow_up(risks: Risks, first: int, second: int) -> tuple[float, float] | None:
    shares = (risks.treated_total / first, risks.other_total / second)
    return shares if abs(shares[0] - shares[1]) > UNEVEN_FOLLOW_UP else None


def _nothing_to_compare(
    comparison: Comparison,
    threshold: int,
    referred: int,
    started: int,
    chosen: Sequence[_Placed],
    in_first: int,
) -> EffectsReport:
    """The report when one group holds nobody in this range: the sample, and which group is empty."""
    if not chosen:
        empty = gettext(
            "No youth of this range are in %(first)s or %(second)s: there is nothing to compare. Choose "
            "another group or a wider range.",
            first=comparison.first_words,
            second=comparison.second_words,
        )
    else:
        empty = gettext(
            "No youth of this range are in %(group)s: there is nothing to compare. Choose another group or "
            "a wider range.",
            group=comparison.first_words if in_first == 0 else comparison.second_words,
        )
    risks = risks_of([])
    return EffectsReport(
        comparison=comparison,
        threshold=threshold,
        flow=_flow(comparison, referred, started, len(chosen), 0, risks),
        cells=_risk_cells(risks, threshold),
        risks=None,
        risks_withheld=None,
        dropped_covariates=(),
        cox=None,
        cox_withheld=None,
        propensity=None,
        propensity_cells=None,
        propensity_withheld=None,
        empty_group=empty,
    )


def _flow(
    comparison: Comparison, referred: int, started: int, grouped: int, analysed: int, risks: Risks
) -> tuple[Step, ...]:
    """The sample at each step: referred, eligible (clock started), assigned to a group, analysed."""
    options = comparison.options
    groups = {"first": comparison.first_words, "second": comparison.second_words}
    if options.intent_to_treat:
        referred_words = gettext(
            "Referred in the range, the study's declined and returned referrals included"
        )
        grouped_words = gettext("Assigned to %(first)s or %(second)s", **groups)
    else:
        referred_words = (
            gettext("Referred in the range, with the comparison youth")
            if options.grouping == Grouping.COMPARISON
            else gettext("Referred in the range")
        )
        grouped_words = gettext("In %(first)s or %(second)s", **groups)
    return (
        Step(referred_words, referred),
        Step(gettext("Eligible: their clock had started"), started),
        Step(grouped_words, grouped),
        Step(gettext("Of these, analysed in the models: every chosen covariate known"), analysed),
        Step(
            gettext("Of these, in the risk table: followed for the full window"),
            risks.treated_total + risks.other_total,
        ),
    )


RISK_CELLS = ("first_events", "first_none", "first_total", "second_events", "second_none", "second_total")


def _risk_cells(risks: Risks, threshold: int) -> Suppressed:
    """The 2x2 table as published. Its ratios give every cell back, so each is known exactly."""
    cells = {
        "first_events": risks.treated_events,
        "first_none": risks.treated_total - risks.treated_events,
        "first_total": risks.treated_total,
        "second_events": risks.other_events,
        "second_none": risks.other_total - risks.other_events,
        "second_total": risks.other_total,
    }
    relations = [
        Relation("first_total", ("first_events", "first_none")),
        Relation("second_total", ("second_events", "second_none")),
    ]
    return suppress(cells, relations, threshold, base=PUBLISHED_BASE, exact=set(cells))


def _hidden(cells: Suppressed) -> bool:
    return cells.any_hidden(*RISK_CELLS)


def _cox(
    youth: Sequence[Youth], covariates: Sequence[str], threshold: int
) -> tuple[CoxResult | None, str | None]:
    first = sum(y.event for y in youth if y.treated)
    second = sum(y.event for y in youth if not y.treated)
    if min(first, second) < threshold:
        return None, gettext(TOO_FEW_EVENTS, threshold=threshold)
    return cox_model(youth, covariates), None


def _propensity(
    youth: Sequence[Youth], covariates: Sequence[str], method: PropensityMethod, threshold: int
) -> tuple[PropensityResult | None, Suppressed | None, str | None]:
    if not covariates:
        return None, None, gettext("Choose at least one covariate that varies among these youth.")
    result = propensity_analysis(youth, covariates, method)
    if result is None:
        return None, None, gettext("Not estimated: both groups are needed.")
    cells = _risk_cells(result.risks, threshold)
    if method is PropensityMethod.MATCHING and _hidden(cells):
        return result, cells, gettext(WITHHELD_SMALL)
    return result, cells, None


def methods_note(report: EffectsReport, cohort_words: str) -> list[tuple[str, str]]:
    """What was done, in words, for the page and the PDF, in the viewer's language."""
    comparison = report.comparison
    options = comparison.options
    covariates = ", ".join(gettext(c.label).lower() for c in comparison.covariates) or gettext("none")
    if comparison.method is PropensityMethod.MATCHING:
        propensity = gettext(
            "Logistic regression of group on the covariates (statsmodels); 1:1 nearest-neighbour matching "
            "without replacement within %(caliper)s standard deviations of the logit of the score; balance as "
            "standardized mean differences (|SMD| under 0.1 is the usual bar).",
            caliper=CALIPER_SD,
        )
    else:
        propensity = gettext(
            "Logistic regression of group on the covariates (statsmodels); inverse-probability weights "
            "(1/p in the first group, 1/(1 - p) in the second); balance as standardized mean differences "
            "(|SMD| under 0.1 is the usual bar)."
        )
    return [
        (gettext("Cohort"), cohort_words),
        (
            gettext("Groups"),
            gettext(
                "%(first)s (first) against %(second)s (second), by %(grouping)s.",
                first=comparison.first_words,
                second=comparison.second_words,
                grouping=gettext(options.grouping.label).lower(),
            ),
        ),
        (
            gettext("Clock"),
            gettext(
                "Starts at %(start)s; the window is %(months)s months, %(days)s days.",
                start=anchor_words(options.anchor, options.landmark_days),
                months=options.window_months,
                days=options.window_days,
            ),
        ),
        (gettext("Event"), gettext("A first %(events)s inside the window.", events=options.event_words)),
        (
            gettext("Risks"),
            gettext(
                "Among youth followed for the full window: risk difference with Newcombe's hybrid score "
                "interval, risk ratio and odds ratio with log (Katz, Woolf) %(level)s%% intervals.",
                level=95,
            ),
        ),
        (
            gettext("Cox model"),
            gettext(
                "Proportional hazards (lifelines, Efron ties), time from the start of the clock to the first "
                "new offense or the end of follow-up, adjusted for: %(covariates)s. The proportional-hazards "
                "assumption is checked with scaled Schoenfeld residuals against the rank of time.",
                covariates=covariates,
            ),
        ),
        (gettext("Propensity score"), propensity),
        (
            gettext("Missing values"),
            gettext(
                "Complete-case analysis: youth whose record lacks a chosen covariate are left out of the "
                "models (the flow table counts them). Categories are indicators against the most common one."
            ),
        ),
        (
            gettext("Small numbers"),
            gettext(
                "Counts are rounded to the nearest %(base)s; counts from 1 to %(hidden)s are hidden, and so "
                "are estimates that would give one back.",
                base=PUBLISHED_BASE,
                hidden=report.threshold - 1,
            ),
        ),
        (gettext("Limits"), _limits(options)),
    ]


def _limits(options: ReportOptions) -> str:
    if options.intent_to_treat:
        return gettext(
            "Intent to treat: youth stay in the arm they were assigned to, declined and returned referrals "
            "included, so the estimate is of assignment to youth court, not of taking part in it. Arms are "
            "comparable by design only when assigned at random (the referral records the method); referrals "
            "still pending are not in the cohort yet."
        )
    return gettext(
        "Groups other than randomized arms are not comparable by design: the adjusted estimates correct "
        "only for the covariates chosen, recorded as the program records them."
    )


GROUP_CODES = {
    "completion:completed": (Grouping.COMPLETION, CaseState.COMPLETED),
    "completion:unsuccessful": (Grouping.COMPLETION, CaseState.UNSUCCESSFUL),
    "completion:withdrawn": (Grouping.COMPLETION, CaseState.WITHDRAWN),
    "completion:open": (Grouping.COMPLETION, None),
    "juror:served": (Grouping.JUROR, True),
    "juror:not": (Grouping.JUROR, False),
    "comparison:program": (Grouping.COMPARISON, None),
    **{f"assignment:{arm.value}": (Grouping.ASSIGNMENT, arm.value) for arm in StudyArm},
}
"""The groups two of which an effects report compares, by code; imported comparison groups add theirs
(``comparison:<label>``)."""
COMPARISON_PREFIX = "comparison:"


def group_options(comparison_labels: Sequence[str]) -> dict[str, str]:
    """Every group a report can compare, code to words in the viewer's language, with the program's
    imported comparison groups (named as imported)."""
    words = {
        "completion:completed": gettext("Completion status: completed"),
        "completion:unsuccessful": gettext("Completion status: unsuccessful"),
        "completion:withdrawn": gettext("Completion status: withdrawn"),
        "completion:open": gettext("Completion status: still open"),
        "juror:served": gettext("Jury service: served as a juror"),
        "juror:not": gettext("Jury service: did not serve"),
        "comparison:program": gettext("Comparison design: program youth"),
        **{
            f"assignment:{arm.value}": gettext(
                "Study arm, intent to treat: %(arm)s", arm=gettext(arm.label).lower()
            )
            for arm in StudyArm
        },
    }
    words |= {
        f"{COMPARISON_PREFIX}{label}": gettext("Comparison design: %(group)s", group=label)
        for label in comparison_labels
    }
    return words


_ARM_LABELS = {arm.label for arm in StudyArm}


def group_name(label: str) -> str:
    """A compared group's label (a report's key, in English) as the page and the PDF show it, in the
    viewer's language; an imported comparison group keeps the name it was imported with."""
    if label in _ARM_LABELS:
        return gettext(label)
    return group_words(label)


def grouping_of(code: str) -> Grouping:
    return Grouping.COMPARISON if code.startswith(COMPARISON_PREFIX) else GROUP_CODES[code][0]


def label_of(code: str, landmark_days: int | None) -> str:
    """The label the report gives the group of ``code`` (with a landmark, as known on that day)."""
    if code == "comparison:program":
        return PROGRAM_YOUTH
    if code.startswith(COMPARISON_PREFIX):
        return comparison_group(code.removeprefix(COMPARISON_PREFIX))
    grouping, value = GROUP_CODES[code]
    if grouping == Grouping.ASSIGNMENT:
        return study_arm_label(value)
    if grouping == Grouping.JUROR:
        if landmark_days is None:
            return group_label(grouping, value)
        return (
            f"Served as a juror by day {landmark_days}" if value else f"Had not served by day {landmark_days}"
        )
    if landmark_days is None:
        return value.label if value else "Open"
    return f"{value.label} by day {landmark_days}" if value else f"Open on day {landmark_days}"
