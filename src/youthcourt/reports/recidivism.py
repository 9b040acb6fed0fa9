"""The recidivism report: who had a new offense within a follow-up window, by group, with uncertainty.

Pure computation on de-identified subjects (see :mod:`youthcourt.reports.cohort`), so the
same code serves the page, its CSV downloads and the benchmark.

The rules, in the words an evaluator would use:

- The clock starts at the chosen anchor (referral, first hearing, or case closure). A case
  that has not reached its anchor yet (no hearing, still open) is left out, and counted in a note.
- With a landmark (day L after the anchor), youth are grouped by what was known on day L
  (completion by then, jury service by then) and the clock starts on day L: youth with a new
  offense by day L, or not followed to it, are left out and counted in a note. Grouping by
  what happens after the clock starts would otherwise credit one group with the time its youth
  had to survive to join it (immortal-time bias).
- Only the chosen event types count, and only on or after the anchor.
- A youth *reoffended* when the first counted event falls on or before the window's last day.
  Otherwise, a youth whose records are known up to the window's end (a completed follow-up
  check, or a later event) is *not reoffended*; anyone else is *censored*: their outcome over
  the window is not known yet, so they count neither as a success nor as a failure.
- The rate is reoffended over those whose outcome over the whole window is known, with a
  Wilson 95% interval. The Kaplan-Meier curve and the log-rank test also use the follow-up of
  the censored youth, for as long as it lasted.
- Small counts are hidden (and any count from which a hidden one could be worked out), and the
  counts shown are rounded to fives (:data:`~youthcourt.reports.suppression.PUBLISHED_BASE`); a
  rate or a curve resting on a hidden count is withheld. Rates, curves and tests are computed
  from the exact counts.
"""

from __future__ import annotations

import datetime
import enum
import math
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import Any
from uuid import UUID

from youthcourt.cases.services import follow_up_days
from youthcourt.outcomes.models import OutcomeEventType
from youthcourt.referrals.models import StudyArm
from youthcourt.reports.cohort import Anchor, Subject, age_band, completion_status, window_end
from youthcourt.reports.statistics import (
    LogRankResult,
    kaplan_meier,
    logrank_test,
    survival_at,
    wilson_interval,
)
from youthcourt.reports.suppression import (
    PUBLISHED_BASE,
    CellStatus,
    Relation,
    Suppressed,
    published_count,
    rounded,
    suppress,
)
from youthcourt.web.i18n import N_, gettext, ngettext, pgettext

DAYS_PER_MONTH = 365.25 / 12
"""Curves are read on a grid of average months: follow-up is measured in days."""

COLUMNS = ("cohort", "full_window", "reoffended", "not_reoffended", "censored")
"""The counts of the group table, in the order shown: ``cohort = full_window + censored`` and
``full_window = reoffended + not_reoffended``."""
RATE_COLUMNS = ("full_window", "reoffended", "not_reoffended")
"""The counts a group's rate rests on: suppression hides others first when it has a choice."""
CURVE_COLUMNS = ("cohort", "reoffended", "not_reoffended")
"""The counts a group's curve rests on: its youth at risk at the start and at the window's end, and
its events. A hidden censored count does not withhold it (its numbers at risk are rounded)."""

COLUMN_LABELS = {
    "cohort": N_("In cohort"),
    "full_window": N_("Full window"),
    "reoffended": N_("Reoffended"),
    "not_reoffended": N_("Not reoffended"),
    "censored": N_("Censored"),
}
"""In English, marked for the catalog: translated where shown."""

TOTAL_KEY = "total"
PROGRAM_YOUTH = "Program youth"
ALL_YOUTH = "All youth"

WITHHELD_SMALL = N_("Withheld: the rate would rest on a count hidden to protect small numbers.")
WITHHELD_CURVE_SMALL = N_("Withheld: the curve would rest on a count hidden to protect small numbers.")
TOO_FEW_FOLLOWED = N_("Not drawn: fewer than %(threshold)s youth were followed for a month or more.")
NO_FULL_WINDOW = N_("Not yet: no youth in the group has been followed for the full window.")
TOO_FEW_AT_THE_END = N_(
    "Not yet: fewer than %(threshold)s youth have been followed to the end of the window."
)
"""Why a figure is not shown: written in the viewer's language when the report is computed (the
CSV files are computed in English)."""


LANDMARKS = (30, 60, 90, 180)
"""Landmark days the report offers for groupings known only after the clock starts."""


class Grouping(enum.StrEnum):
    """How the cohort is split for comparison."""

    NONE = "none"
    COMPLETION = "completion"
    OFFENSE_CLASS = "offense_class"
    SOURCE_KIND = "source_kind"
    AGE_BAND = "age_band"
    GENDER = "gender"
    RACE_ETHNICITY = "race_ethnicity"
    JUROR = "juror"
    COMPARISON = "comparison"
    ASSIGNMENT = "assignment"

    @property
    def label(self) -> str:
        """In English, marked for the catalog: translated where shown (``_(grouping.label)``)."""
        return GROUPING_LABELS[self.value]

    @property
    def known_after_the_anchor(self) -> bool:
        """Whether a youth's group is fixed only after the clock starts, so that a landmark applies."""
        return self in (Grouping.COMPLETION, Grouping.JUROR)


GROUPING_LABELS = {
    "none": N_("No grouping: all youth together"),
    "completion": N_("Completion status"),
    "offense_class": N_("Offense class"),
    "source_kind": N_("Referral source"),
    "age_band": N_("Age at referral"),
    "gender": N_("Gender"),
    "race_ethnicity": N_("Race and ethnicity"),
    "juror": N_("Later served as a juror"),
    "comparison": N_("Program youth and comparison groups"),
    "assignment": N_("Study arm (intent to treat)"),
}

ANCHOR_WORDS = {
    Anchor.REFERRAL: N_("referral"),
    Anchor.HEARING: N_("the first hearing"),
    Anchor.CLOSURE: N_("case closure"),
}
"""Where the clock starts, as the object of "since" ("Months since case closure")."""
LANDMARK_WORDS = {
    Anchor.REFERRAL: N_("day %(day)s after referral"),
    Anchor.HEARING: N_("day %(day)s after the first hearing"),
    Anchor.CLOSURE: N_("day %(day)s after case closure"),
}
"""Where a landmark report's clock starts, as the object of "since"."""
DEFINITIONS = {
    Anchor.REFERRAL: N_("New offense = %(events)s, within %(months)s months of referral"),
    Anchor.HEARING: N_("New offense = %(events)s, within %(months)s months of the first hearing"),
    Anchor.CLOSURE: N_("New offense = %(events)s, within %(months)s months of case closure"),
}
LANDMARK_DEFINITIONS = {
    Anchor.REFERRAL: N_("New offense = %(events)s, within %(months)s months from day %(day)s after referral"),
    Anchor.HEARING: N_(
        "New offense = %(events)s, within %(months)s months from day %(day)s after the first hearing"
    ),
    Anchor.CLOSURE: N_(
        "New offense = %(events)s, within %(months)s months from day %(day)s after case closure"
    ),
}


def anchor_words(anchor: Anchor, landmark_days: int | None = None) -> str:
    """Where the curves' clock starts, in the viewer's language: "case closure", "day 90 after referral"."""
    if landmark_days is not None:
        return gettext(LANDMARK_WORDS[anchor], day=landmark_days)
    return gettext(ANCHOR_WORDS[anchor])


def _group_names() -> dict[str, str]:
    """The groups' fixed labels, which stay English in the report and its files (they are its
    keys), each as the page shows it, in the viewer's language (see :func:`group_words`)."""
    return {
        "All youth": pgettext("group", "All youth"),
        "Total": pgettext("group", "Total"),
        "Program youth": pgettext("group", "Program youth"),
        "Program youth (comparison)": pgettext("group", "Program youth (comparison)"),
        "Served as a juror": pgettext("group", "Served as a juror"),
        "Did not serve as a juror": pgettext("group", "Did not serve as a juror"),
        "Had not served": pgettext("group", "Had not served"),
        "Open": pgettext("group", "Open"),
        "Completed": pgettext("group", "Completed"),
        "Unsuccessful": pgettext("group", "Unsuccessful"),
        "Withdrawn": pgettext("group", "Withdrawn"),
        "Declined or returned": pgettext("group", "Declined or returned"),
        "Unknown": pgettext("group", "Unknown"),
        "Not recorded": pgettext("group", "Not recorded"),
        "Other": pgettext("group", "Other"),
        "12 and under": pgettext("group", "12 and under"),
        "13 to 14": pgettext("group", "13 to 14"),
        "15 to 16": pgettext("group", "15 to 16"),
        "17 and over": pgettext("group", "17 and over"),
    }


_BY_DAY = re.compile(r"^(?P<group>.+) by day (?P<day>[0-9]+)$")
_ON_DAY = re.compile(r"^Open on day (?P<day>[0-9]+)$")
_CLASS = re.compile(r"^Class (?P<offense_class>.+)$")


def group_words(label: str) -> str:
    """A group's label as the page shows it, in the viewer's language; labels taken from the
    records (an imported group's name, a recorded category) are shown as they are."""
    if (name := _group_names().get(label)) is not None:
        return name
    if match := _BY_DAY.match(label):
        return gettext("%(group)s by day %(day)s", group=group_words(match["group"]), day=match["day"])
    if match := _ON_DAY.match(label):
        return gettext("Open on day %(day)s", day=match["day"])
    if match := _CLASS.match(label):
        return gettext("Class %(offense_class)s", offense_class=match["offense_class"])
    return label


ANCHOR_PHRASES = {
    Anchor.REFERRAL: "of referral",
    Anchor.HEARING: "of the first hearing",
    Anchor.CLOSURE: "of case closure",
}

_ORDER = {
    Grouping.COMPLETION: ("Completed", "Unsuccessful", "Withdrawn", "Open"),
    Grouping.AGE_BAND: tuple(age_band(age) for age in (12, 14, 16, 17, None)),
    Grouping.JUROR: ("Served as a juror", "Did not serve as a juror"),
    Grouping.COMPARISON: (PROGRAM_YOUTH,),
    Grouping.ASSIGNMENT: tuple(arm.label for arm in StudyArm),
}
_LAST = ("Not recorded", "Unknown", "Other")

_ANCHOR_FIELDS = {Anchor.REFERRAL: "referred_on", Anchor.HEARING: "heard_on", Anchor.CLOSURE: "closed_on"}


def study_arm_label(arm: str) -> str:
    """The group of a study arm's code (an intent-to-treat report holds only the study's youth)."""
    return StudyArm(arm).label


def _juror(served: bool) -> str:
    return "Served as a juror" if served else "Did not serve as a juror"


def _offense_class(offense_class: str) -> str:
    return f"Class {offense_class}"


def _source_kind(kind: str) -> str:
    return kind.replace("_", " ").capitalize()


def _same(value: str) -> str:
    return value


def _category(value: str) -> str:
    """A recorded category as a group's label: "female" reads "Female"."""
    return value[:1].upper() + value[1:]


_GROUP_OF: dict[Grouping, tuple[Callable[[Subject], Any], Callable[[Any], str]]] = {
    Grouping.COMPLETION: (attrgetter("state"), completion_status),
    Grouping.OFFENSE_CLASS: (attrgetter("offense_class"), _offense_class),
    Grouping.SOURCE_KIND: (attrgetter("source_kind"), _source_kind),
    Grouping.AGE_BAND: (attrgetter("age"), age_band),
    Grouping.GENDER: (attrgetter("gender"), _category),
    Grouping.RACE_ETHNICITY: (attrgetter("race_ethnicity"), _same),
    Grouping.JUROR: (attrgetter("served_as_juror"), _juror),
    Grouping.ASSIGNMENT: (attrgetter("study_arm"), study_arm_label),
}
"""Per grouping: the raw field each subject is sorted by (cheap), and its group label (once per value)."""


@dataclass(frozen=True)
class ReportOptions:
    """What the evaluator chose: which events count, when the clock starts, for how long, split how."""

    event_types: frozenset[OutcomeEventType]
    anchor: Anchor
    window_months: int
    grouping: Grouping = Grouping.NONE
    landmark_days: int | None = None
    """Group by what was known on this day after the anchor, and start the clock there."""

    @property
    def event_words(self) -> str:
        """The counted event types in words, in their usual order: "arrest or charge"."""
        names = [gettext(t.label).lower() for t in OutcomeEventType if t in self.event_types]
        if len(names) == 1:
            return names[0]
        return gettext("%(first)s or %(last)s", first=", ".join(names[:-1]), last=names[-1])

    @property
    def definition(self) -> str:
        """The headline definition: "New offense = arrest or charge, within 12 months of case closure"."""
        if self.landmark_days is not None:
            return gettext(
                LANDMARK_DEFINITIONS[self.anchor],
                events=self.event_words,
                months=self.window_months,
                day=self.landmark_days,
            )
        return gettext(DEFINITIONS[self.anchor], events=self.event_words, months=self.window_months)

    @property
    def intent_to_treat(self) -> bool:
        """Youth are grouped by the study arm assigned: the study's declined and returned referrals count too."""
        return self.grouping == Grouping.ASSIGNMENT

    @property
    def window_days(self) -> int:
        """The window's length in days: every youth's window is this long, wherever it falls."""
        return follow_up_days(self.window_months)

    @property
    def anchor_of(self) -> Callable[[Subject], datetime.date | None]:
        """Reads the day a subject's clock starts, or None when it has not started."""
        return attrgetter(_ANCHOR_FIELDS[self.anchor])

    def group_of(self, subject: Subject) -> str:
        """The label of the group the subject is counted in."""
        key_of, _ = _GROUP_OF.get(self.grouping, (None, _same))
        return group_label(self.grouping, key_of(subject) if key_of else None)

    @property
    def event_codes(self) -> list[str]:
        """The counted event types as codes, in their usual order."""
        return [t.value for t in OutcomeEventType if t in self.event_types]

    def as_details(self) -> dict[str, object]:
        """The choices for the audit trail and the downloads (codes, nothing personal)."""
        return {
            "event_types": self.event_codes,
            "anchor": self.anchor.value,
            "window_months": self.window_months,
            "grouping": self.grouping.value,
            **({"landmark_days": self.landmark_days} if self.landmark_days is not None else {}),
        }


@dataclass(frozen=True, slots=True)
class ComparisonSubject:
    """A youth of an imported comparison group: already de-identified, with its own anchor date."""

    group_label: str
    anchor_on: datetime.date
    followed_until: datetime.date
    events: tuple[tuple[datetime.date, OutcomeEventType], ...]
    """New offenses, oldest first."""
    age: int | None = None
    gender: str = ""
    race_ethnicity: str = ""
    offense_class: str = ""
    """The covariates the import carries (empty when the file did not hold them)."""
    prior: tuple[int | None, int | None, int | None] = (None, None, None)
    """Earlier police contacts, diversions and adjudications (None: not in the file)."""


@dataclass(frozen=True)
class GroupRow:
    """One line of the group table. Counts are read through :meth:`RecidivismReport.display`."""

    key: str
    label: str
    counts: dict[str, int]
    rate: float | None
    interval: tuple[float, float] | None
    withheld: str | None
    """Why no rate is shown, when none is."""

    @property
    def is_total(self) -> bool:
        return self.key == TOTAL_KEY

    @property
    def withheld_short(self) -> str:
        """The first word of the reason, for a table cell; the reason itself goes below the table."""
        return (self.withheld or "").split(":", 1)[0]


@dataclass(frozen=True)
class Incidence:
    """The share with a new offense by the window's end, estimated by Kaplan-Meier (1 - S(window)).

    Every youth counts for as long as they were followed, so censored youth are neither left
    out nor counted as successes: the headline, which the share among youth followed for the
    full window overstates while many are censored (an offense makes an outcome known early).
    """

    value: float | None
    interval: tuple[float, float] | None
    withheld: str | None


def incidence(tally: Tally, key: str, cells: Suppressed, threshold: int) -> Incidence:
    """The group's cumulative incidence at the window's end, or why it is not shown.

    Withheld like the group's curve when a count it rests on is hidden, and not estimated until
    ``threshold`` youth have been followed to the window's end (before that the curve's last
    step would stand in for a time nobody reached).
    """
    if cells.any_hidden(*(f"{key}|{column}" for column in CURVE_COLUMNS)):
        return Incidence(None, None, gettext(WITHHELD_CURVE_SMALL))
    if tally.not_reoffended < threshold:
        return Incidence(None, None, gettext(TOO_FEW_AT_THE_END, threshold=threshold))
    at_end = survival_at(kaplan_meier(tally.durations, tally.observed), math.inf)
    return Incidence(1 - at_end.survival, (1 - at_end.upper, 1 - at_end.lower), None)


@dataclass(frozen=True)
class CurvePoint:
    month: int
    at_risk: int
    """Youth still followed without a new offense, as published (rounded)."""
    survival: float
    lower: float
    upper: float


@dataclass(frozen=True)
class Curve:
    """A group's share not reoffended, month by month, as far as enough youth are still followed."""

    key: str
    label: str
    points: tuple[CurvePoint, ...]
    withheld: str | None
    """Why no curve is shown, when none is."""
    stopped_after: int | None
    """The last month shown when the curve stops early because few youth were still followed."""

    @property
    def shown(self) -> bool:
        return bool(self.points)


@dataclass(frozen=True)
class LogRank:
    """The log-rank test across the groups whose curves are shown, or why it was not run."""

    result: LogRankResult | None
    groups: tuple[str, ...]
    withheld: str | None

    @property
    def sentence(self) -> str:
        """The result in plain words, with the usual 5% reading."""
        if self.result is None:
            return self.withheld or ""
        r = self.result
        degrees = ngettext("%(num)s degree of freedom", "%(num)s degrees of freedom", r.degrees_of_freedom)
        if r.p_value < 0.01:
            reading = gettext("strong evidence that the groups differ")
        elif r.p_value < 0.05:
            reading = gettext("some evidence that the groups differ")
        else:
            reading = gettext("no clear evidence that the groups differ")
        return gettext(
            "χ² = %(statistic)s on %(degrees)s, %(p)s: %(reading)s.",
            statistic=f"{r.statistic:.1f}",
            degrees=degrees,
            p=format_p(r.p_value),
            reading=reading,
        )


@dataclass(frozen=True)
class RecidivismReport:
    options: ReportOptions
    threshold: int
    rows: tuple[GroupRow, ...]
    """The groups, then the total when there is one."""
    cells: Suppressed
    curves: tuple[Curve, ...]
    logrank: LogRank
    without_anchor: int
    """Cases left out because they have not reached the anchor (no hearing yet, not closed yet)."""
    comparison_youth: int
    headline_incidence: Incidence
    """The headline row's Kaplan-Meier share with a new offense by the window's end."""
    unsearched_checks: int = 0
    """Completed follow-up checks that searched no record system: they give no follow-up."""
    offended_by_landmark: int = 0
    """With a landmark: youth left out because a new offense came by the landmark day."""
    unfollowed_at_landmark: int = 0
    """With a landmark: youth left out because their records were not known up to the landmark day."""

    def display(self, row: GroupRow, column: str) -> str:
        """A count as it may be shown: the number, or a mark saying it is hidden."""
        return self.cells.display(f"{row.key}|{column}")

    @property
    def groups(self) -> tuple[GroupRow, ...]:
        return tuple(row for row in self.rows if not row.is_total)

    @property
    def headline(self) -> GroupRow:
        """The row that speaks for the program: the total, or program youth in a comparison."""
        return next((row for row in self.rows if row.is_total), self.rows[0])

    @property
    def shown_curves(self) -> tuple[Curve, ...]:
        return tuple(curve for curve in self.curves if curve.shown)

    @property
    def without_anchor_display(self) -> str:
        return self._note_count(self.without_anchor)

    @property
    def unsearched_checks_display(self) -> str:
        return self._note_count(self.unsearched_checks)

    @property
    def offended_by_landmark_display(self) -> str:
        return self._note_count(self.offended_by_landmark)

    @property
    def unfollowed_at_landmark_display(self) -> str:
        return self._note_count(self.unfollowed_at_landmark)

    def _note_count(self, count: int) -> str:
        """A count in a note, hidden below the threshold and rounded as the table's counts are."""
        return published_count(count, self.threshold, self.cells.base)

    @property
    def is_empty(self) -> bool:
        return not any(row.counts["cohort"] for row in self.rows)


def format_p(p_value: float) -> str:
    if math.isnan(p_value):
        return gettext("p not defined")
    if p_value < 0.001:
        return "p < 0.001"
    return f"p = {p_value:.3f}" if p_value < 0.1 else f"p = {p_value:.2f}"


REOFFENDED, NOT_REOFFENDED, CENSORED = 0, 1, 2
"""A youth's outcome over the window, as :mod:`youthcourt.reports.tallies` counts them in SQL."""


def youth_outcome(
    anchor_on: datetime.date,
    events: Iterable[tuple[datetime.date, OutcomeEventType]],
    known_until: datetime.date | None,
    counted: frozenset[OutcomeEventType],
    end: datetime.date,
) -> tuple[int, int]:
    """A youth's outcome over the window ending on ``end``, and the days the curve follows them.

    Reoffended: the first counted event on or after the anchor falls on or before ``end``
    (followed to that event). Not reoffended: records are known to ``end``, or the first event
    came later (followed for the whole window). Otherwise censored: followed as far as the
    records are known. :mod:`youthcourt.reports.tallies` counts the same in SQL.
    """
    first = next((day for day, kind in events if day >= anchor_on and kind in counted), None)
    if first is not None and first <= end:
        return REOFFENDED, (first - anchor_on).days
    if first is not None or (known_until is not None and known_until >= end):
        return NOT_REOFFENDED, (end - anchor_on).days
    followed = (known_until - anchor_on).days if known_until is not None else 0
    return CENSORED, max(followed, 0)


NOT_STARTED, OFFENDED_BY_LANDMARK, UNFOLLOWED_AT_LANDMARK = "not started", "offended", "unfollowed"
"""Why a youth is left out of a report: the clock has not started, or (with a landmark) a new offense
came by day L, or records were not known up to day L."""


def placed(
    subject: Subject, options: ReportOptions, nights: Sequence[datetime.date] = ()
) -> tuple[datetime.date, str] | str:
    """Where the report counts a youth: the day their clock starts and their group's label; or why not.

    ``nights`` are the youth's jury-service nights, which a landmark reads for the juror grouping.
    """
    anchor_on = options.anchor_of(subject)
    if anchor_on is None:
        return NOT_STARTED
    if options.landmark_days is None:
        return anchor_on, options.group_of(subject)
    landmark = anchor_on + datetime.timedelta(days=options.landmark_days)
    counted = options.event_types
    first = next((day for day, kind in subject.events if day >= anchor_on and kind in counted), None)
    if first is not None and first <= landmark:
        return OFFENDED_BY_LANDMARK
    if first is None and (subject.checked_until is None or subject.checked_until < landmark):
        return UNFOLLOWED_AT_LANDMARK
    return landmark, landmark_group(subject, options.grouping, landmark, options.landmark_days, nights)


def landmark_group(
    subject: Subject, grouping: Grouping, landmark: datetime.date, day: int, nights: Sequence[datetime.date]
) -> str:
    """The youth's group as known on the landmark: completion or jury service by then."""
    if grouping == Grouping.JUROR:
        served = any(subject.referred_on <= night <= landmark for night in nights)
        return f"Served as a juror by day {day}" if served else f"Had not served by day {day}"
    if grouping == Grouping.COMPLETION:
        if subject.closed_on is not None and subject.closed_on <= landmark:
            return f"{completion_status(subject.state)} by day {day}"
        return f"Open on day {day}"
    return group_label(grouping, None)


class Tally:
    """Per-group accumulator: the counts, and each youth's follow-up for the curve."""

    __slots__ = ("censored", "durations", "not_reoffended", "observed", "reoffended")

    def __init__(self) -> None:
        self.reoffended = 0
        self.not_reoffended = 0
        self.censored = 0
        self.durations: list[int] = []
        self.observed: list[bool] = []

    def add(
        self,
        anchor_on: datetime.date,
        events: Iterable[tuple[datetime.date, OutcomeEventType]],
        known_until: datetime.date | None,
        counted: frozenset[OutcomeEventType],
        ends: dict[datetime.date, datetime.date],
        months: int,
    ) -> None:
        end = ends.get(anchor_on)
        if end is None:
            end = ends[anchor_on] = window_end(anchor_on, months)
        self.add_many(*youth_outcome(anchor_on, events, known_until, counted, end), 1)

    def add_many(self, outcome: int, days: int, youth: int) -> None:
        """``youth`` youth with the same outcome and the same days followed (or to their first event)."""
        if outcome == REOFFENDED:
            self.reoffended += youth
        elif outcome == NOT_REOFFENDED:
            self.not_reoffended += youth
        else:
            self.censored += youth
        self.durations += [days] * youth
        self.observed += [outcome == REOFFENDED] * youth

    def merge(self, other: Tally) -> Tally:
        """Join two raw values that share a label (the open case states all read "Open")."""
        self.reoffended += other.reoffended
        self.not_reoffended += other.not_reoffended
        self.censored += other.censored
        self.durations += other.durations
        self.observed += other.observed
        return self

    def counts(self) -> dict[str, int]:
        full = self.reoffended + self.not_reoffended
        return {
            "cohort": full + self.censored,
            "full_window": full,
            "reoffended": self.reoffended,
            "not_reoffended": self.not_reoffended,
            "censored": self.censored,
        }


def _ordered(labels: Iterable[str], grouping: Grouping) -> list[str]:
    known = _ORDER.get(grouping, ())
    first = [label for label in known if label in labels]
    rest = sorted((label for label in labels if label not in known), key=lambda x: (x in _LAST, x.casefold()))
    return first + rest


def group_label(grouping: Grouping, key: Any) -> str:
    """The label of the group a raw value (a case state, an age...) falls in."""
    key_of, label_of = _GROUP_OF.get(grouping, (None, _same))
    if key_of is None:
        return PROGRAM_YOUTH if grouping == Grouping.COMPARISON else ALL_YOUTH
    return label_of(key)


def _tally_at_landmark(
    subjects: Sequence[Subject], options: ReportOptions, nights: Mapping[UUID, Sequence[datetime.date]]
) -> tuple[dict[str, Tally], dict[str, int]]:
    """The groups as known on the landmark day, each youth's clock starting there; and who was left out."""
    tallies: dict[str, Tally] = {}
    left_out = dict.fromkeys((NOT_STARTED, OFFENDED_BY_LANDMARK, UNFOLLOWED_AT_LANDMARK), 0)
    ends: dict[datetime.date, datetime.date] = {}
    for subject in subjects:
        place = placed(subject, options, nights.get(subject.youth_id, ()))
        if isinstance(place, str):
            left_out[place] += 1
            continue
        start, label = place
        tally = tallies.setdefault(label, Tally())
        tally.add(
            start, subject.events, subject.checked_until, options.event_types, ends, options.window_months
        )
    return tallies, left_out


def _tally_groups(subjects: Sequence[Subject], options: ReportOptions) -> tuple[dict[str, Tally], int]:
    counted = options.event_types
    months = options.window_months
    anchor_of = options.anchor_of
    key_of, _ = _GROUP_OF.get(options.grouping, (None, _same))
    ends: dict[datetime.date, datetime.date] = {}
    by_key: dict[object, Tally] = {}
    without_anchor = 0
    for subject in subjects:
        anchor_on = anchor_of(subject)
        if anchor_on is None:
            without_anchor += 1
            continue
        key = key_of(subject) if key_of else None
        tally = by_key.get(key)
        if tally is None:
            tally = by_key[key] = Tally()
        tally.add(anchor_on, subject.events, subject.checked_until, counted, ends, months)
    tallies: dict[str, Tally] = {}
    for key, tally in by_key.items():
        label = group_label(options.grouping, key)
        tallies[label] = tallies[label].merge(tally) if label in tallies else tally
    return tallies, without_anchor


def comparison_label(other: ComparisonSubject) -> str:
    """The group a comparison youth is counted in: their imported group, kept apart from program youth."""
    return comparison_group(other.group_label)


def comparison_group(imported: str) -> str:
    """The report's label of an imported comparison group (one named like program youth is told apart)."""
    return imported if imported != PROGRAM_YOUTH else f"{PROGRAM_YOUTH} (comparison)"


def _add_comparisons(
    tallies: dict[str, Tally], comparison_subjects: Sequence[ComparisonSubject], options: ReportOptions
) -> None:
    ends: dict[datetime.date, datetime.date] = {}
    for other in comparison_subjects:
        label = comparison_label(other)
        tally = tallies.get(label)
        if tally is None:
            tally = tallies[label] = Tally()
        tally.add(
            other.anchor_on,
            other.events,
            other.followed_until,
            options.event_types,
            ends,
            options.window_months,
        )


def _relations(keys: Sequence[str], with_total: bool) -> list[Relation]:
    rows = [*keys, TOTAL_KEY] if with_total else list(keys)
    relations = []
    for key in rows:
        relations.append(Relation(f"{key}|cohort", (f"{key}|full_window", f"{key}|censored")))
        relations.append(Relation(f"{key}|full_window", (f"{key}|reoffended", f"{key}|not_reoffended")))
    if with_total:
        for column in COLUMNS:
            relations.append(Relation(f"{TOTAL_KEY}|{column}", tuple(f"{key}|{column}" for key in keys)))
    return relations


def _suppressed(
    counts: Mapping[str, Mapping[str, int]],
    keys: Sequence[str],
    with_total: bool,
    threshold: int,
    published: Mapping[str, CellStatus] | None = None,
) -> Suppressed:
    """The group table as published: rounded, small counts hidden, and what would give them away."""
    return suppress(
        {f"{key}|{column}": value for key, row in counts.items() for column, value in row.items()},
        _relations(keys, with_total),
        threshold,
        keep={f"{key}|{column}" for key in counts for column in {*RATE_COLUMNS, *CURVE_COLUMNS}},
        base=PUBLISHED_BASE,
        exact={f"{key}|{column}" for key in counts for column in RATE_COLUMNS},
        published=published,
    )


def _row(key: str, label: str, counts: dict[str, int], cells: Suppressed) -> GroupRow:
    if cells.any_hidden(*(f"{key}|{column}" for column in RATE_COLUMNS)):
        return GroupRow(key, label, counts, None, None, gettext(WITHHELD_SMALL))
    if not counts["full_window"]:
        return GroupRow(key, label, counts, None, None, gettext(NO_FULL_WINDOW))
    rate = counts["reoffended"] / counts["full_window"]
    return GroupRow(
        key, label, counts, rate, wilson_interval(counts["reoffended"], counts["full_window"]), None
    )


def _curve(key: str, label: str, tally: Tally, cells: Suppressed, threshold: int, months: int) -> Curve:
    """The group's curve on the month grid, as far as at least ``threshold`` youth are still followed."""
    if not tally.durations:
        return Curve(key, label, (), gettext("No youth in this group."), None)
    if cells.any_hidden(*(f"{key}|{column}" for column in CURVE_COLUMNS)):
        return Curve(key, label, (), gettext(WITHHELD_CURVE_SMALL), None)
    steps = kaplan_meier(tally.durations, tally.observed)
    ordered = sorted(tally.durations)
    size = len(ordered)
    points = []
    for month in range(months + 1):
        if month < months:
            time = month * DAYS_PER_MONTH
            at_risk = size - bisect_left(ordered, time)
        else:
            # Windows differ by a day or two with the calendar: read the end of every youth's window.
            time = math.inf
            at_risk = tally.not_reoffended
        if at_risk < threshold:
            break
        step = survival_at(steps, time)
        points.append(CurvePoint(month, rounded(at_risk, cells.base), step.survival, step.lower, step.upper))
    if len(points) < 2:
        return Curve(key, label, (), gettext(TOO_FEW_FOLLOWED, threshold=threshold), None)
    stopped = points[-1].month if points[-1].month < months else None
    return Curve(key, label, tuple(points), None, stopped)


def _logrank(curves: Sequence[Curve], tallies: dict[str, Tally], grouping: Grouping) -> LogRank:
    if grouping == Grouping.NONE:
        return LogRank(None, (), gettext("Choose a grouping to compare groups with the log-rank test."))
    compared = [curve for curve in curves if curve.shown]
    if len(compared) < 2:
        return LogRank(
            None,
            tuple(curve.label for curve in compared),
            gettext("Not run: the log-rank test needs at least two groups whose curves can be shown."),
        )
    groups = [(tallies[curve.label].durations, tallies[curve.label].observed) for curve in compared]
    return LogRank(logrank_test(groups), tuple(curve.label for curve in compared), None)


def build_report(
    subjects: Sequence[Subject],
    comparison_subjects: Sequence[ComparisonSubject],
    options: ReportOptions,
    threshold: int,
    *,
    nights: Mapping[UUID, Sequence[datetime.date]] | None = None,
) -> RecidivismReport:
    """Count, rate and chart reoffending for the cohort, group by group, with small counts hidden.

    ``comparison_subjects`` join as their own groups only when grouping by comparison group.
    ``threshold`` is the smallest count that may be shown. ``nights`` (each youth's jury-service
    nights) are read with a landmark.
    """
    if options.landmark_days is not None:
        tallies, left_out = _tally_at_landmark(subjects, options, nights or {})
        report = report_from_tallies(tallies, left_out[NOT_STARTED], comparison_subjects, options, threshold)
        return replace(
            report,
            offended_by_landmark=left_out[OFFENDED_BY_LANDMARK],
            unfollowed_at_landmark=left_out[UNFOLLOWED_AT_LANDMARK],
        )
    tallies, without_anchor = _tally_groups(subjects, options)
    return report_from_tallies(tallies, without_anchor, comparison_subjects, options, threshold)


def report_from_tallies(
    tallies: dict[str, Tally],
    without_anchor: int,
    comparison_subjects: Sequence[ComparisonSubject],
    options: ReportOptions,
    threshold: int,
    *,
    unsearched_checks: int = 0,
) -> RecidivismReport:
    """The report from the program youth's tallies, counted here or by the database.

    ``unsearched_checks`` is the number of completed checks that searched no record system, for the note."""
    if options.grouping == Grouping.COMPARISON:
        _add_comparisons(tallies, comparison_subjects, options)
    labels = _ordered(tallies, options.grouping)
    keys = [f"g{index}" for index in range(len(labels))]
    counts = {key: tallies[label].counts() for key, label in zip(keys, labels, strict=True)}
    with_total = len(labels) > 1 and options.grouping != Grouping.COMPARISON
    if with_total:
        counts[TOTAL_KEY] = {column: sum(counts[key][column] for key in keys) for column in COLUMNS}
    published = None
    if with_total and options.landmark_days is None:
        # The total row is what the ungrouped report shows: hide it here exactly as there.
        alone = _suppressed({"g0": counts[TOTAL_KEY]}, ["g0"], False, threshold)
        published = {f"{TOTAL_KEY}|{column}": alone.status(f"g0|{column}") for column in COLUMNS}
    cells = _suppressed(counts, keys, with_total, threshold, published)
    rows = [_row(key, label, counts[key], cells) for key, label in zip(keys, labels, strict=True)]
    if with_total:
        rows.append(_row(TOTAL_KEY, "Total", counts[TOTAL_KEY], cells))
    curves = [
        _curve(key, label, tallies[label], cells, threshold, options.window_months)
        for key, label in zip(keys, labels, strict=True)
    ]
    headline_tally = Tally()
    for label in labels if with_total else labels[:1]:
        headline_tally.merge(tallies[label])
    headline = (
        incidence(headline_tally, rows[-1].key if with_total else rows[0].key, cells, threshold)
        if rows
        else Incidence(None, None, None)
    )
    return RecidivismReport(
        options=options,
        threshold=threshold,
        rows=tuple(rows),
        cells=cells,
        curves=tuple(curves),
        logrank=_logrank(curves, tallies, options.grouping),
        without_anchor=without_anchor,
        comparison_youth=len(comparison_subjects) if options.grouping == Grouping.COMPARISON else 0,
        headline_incidence=headline,
        unsearched_checks=unsearched_checks,
    )
