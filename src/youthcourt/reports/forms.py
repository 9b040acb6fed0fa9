"""The report forms, declared once (see :class:`youthcourt.web.forms.DeclaredForm`).

Every report reads a cohort or a period, and some read counting choices besides: the programs
and event kinds are ticked from lists that a tampered form could extend, so an unknown value is
refused with a message rather than silently dropped.

Cohorts and periods are whole calendar months that have ended: two tables whose ranges differ
by a day (or that grow by a day as time passes) would differ by the few youth of that day.

Labels and messages are marked ``N_``: the shared fields give their messages in the viewer's
language through the label, and :class:`Listed` adds the two a checkbox group of these forms needs.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from youthcourt.cases.services import add_months
from youthcourt.outcomes.models import OutcomeEventType
from youthcourt.programs.viewer import Viewer
from youthcourt.reports.cohort import WINDOWS, Anchor, Cohort, granted_programs
from youthcourt.reports.disclosure import month_words
from youthcourt.reports.effects import Covariate, PropensityMethod
from youthcourt.reports.effects_report import grouping_of
from youthcourt.reports.exports import DateHandling, ExportFormat
from youthcourt.reports.recidivism import LANDMARKS, Grouping
from youthcourt.web.forms import Choice, Context, DeclaredForm, Form, Many, Month
from youthcourt.web.i18n import N_, gettext

LONGEST_PERIOD_YEARS = 5
"""The longest period of the measures page."""
LONGEST_COHORT_YEARS = 15
"""The longest referral range of a cohort (recidivism needs long follow-up)."""
DATE_CHOICES = {handling.value: handling.label for handling in DateHandling}
FORMAT_CHOICES = {fmt.value: fmt.label for fmt in ExportFormat}
LANDMARK_CHOICES = {"": N_("None: group by what is known at the end"), **{str(day): "" for day in LANDMARKS}}
"""The landmark values a form accepts; :func:`landmark_options` names them."""


def landmark_options() -> dict[str, str]:
    """The landmark choices as the page shows them, in the viewer's language."""
    return {
        "": gettext(LANDMARK_CHOICES[""]),
        **{str(day): gettext("Day %(day)s", day=day) for day in LANDMARKS},
    }


class Listed(Many):
    """A checkbox group of which at least one is ticked, each one of the options.

    The shared :class:`~youthcourt.web.forms.Many` accepts none ticked and drops unknown values
    silently; a report must refuse both, each with its own sentence (``empty``, ``unknown``)."""

    def __init__(
        self, *, empty: str, unknown: str, options: Mapping[str, Any] | None = None, name: str | None = None
    ) -> None:
        super().__init__(name=name)
        self.listed = options
        self.empty = empty
        self.unknown = unknown

    def read(self, form: Form, name: str, context: Context) -> list[str]:
        ticked = super().read(form, name, Context())  # every ticked value, as sent
        options = self.listed if self.listed is not None else context.options[self.attribute]
        if not ticked:
            form.error(name, gettext(self.empty))
        elif any(value not in options for value in ticked):
            form.error(name, gettext(self.unknown))
        return ticked


def last_ended_month(today: datetime.date) -> datetime.date:
    """The last day of the last calendar month that has ended."""
    return today.replace(day=1) - datetime.timedelta(days=1)


class PeriodForm(DeclaredForm):
    """The measures page's period: whole months that have ended."""

    start = Month(N_("the first month"))
    end = Month(N_("the last month"), last_day=True)

    def check(self) -> None:
        if self.start and self.end and self.end < self.start:
            self.error("end", gettext("The last month must be the first month or later."))
        elif self.start and self.end and _too_long(self.start, self.end):
            self.error(
                "end", gettext("Choose a period of at most %(years)s years.", years=LONGEST_PERIOD_YEARS)
            )
        elif self.end and self.context.today and self.end > last_ended_month(self.context.today):
            last = month_words(last_ended_month(self.context.today))
            self.error("end", gettext("Choose a month that has ended: %(month)s or earlier.", month=last))


def _too_long(start: datetime.date, end: datetime.date) -> bool:
    try:
        return end >= add_months(start, 12 * LONGEST_PERIOD_YEARS)
    except ValueError:  # five years after the start is past the calendar's end, and so is nothing else
        return False


class CohortForm(DeclaredForm):
    """The programs reported on (given as options: those the viewer is granted) and the referral range."""

    programs = Listed(
        name="program",
        empty=N_("Choose at least one program."),
        unknown=N_("Choose programs from the list: one of them is not a program you report on."),
    )
    referred_from = Month(N_("the first month of referrals"))
    referred_to = Month(N_("the last month of referrals"), last_day=True)

    def check(self) -> None:
        start, end = self.referred_from, self.referred_to
        if start and end and end < start:
            self.error("referred_to", gettext("The last month must be the first month or later."))
        elif start and end and (end - start).days > 366 * LONGEST_COHORT_YEARS:
            self.error(
                "referred_from",
                gettext("Choose a range of at most %(years)s years.", years=LONGEST_COHORT_YEARS),
            )
        elif end and self.context.today and end > last_ended_month(self.context.today):
            last = month_words(last_ended_month(self.context.today))
            self.error(
                "referred_to", gettext("Choose a month that has ended: %(month)s or earlier.", month=last)
            )


def read_cohort(form: Form, viewer: Viewer) -> Cohort | None:
    """Check the cohort fields of a report or export form: programs, and the referral date range."""
    granted = {str(choice.id): choice.id for choice in granted_programs(viewer)}
    cohort = CohortForm.read(form, options={"programs": granted}, today=viewer.today())
    if not cohort.is_valid or cohort.referred_from is None or cohort.referred_to is None:
        return None
    chosen = dict.fromkeys(granted[value] for value in cohort.programs)
    return Cohort(tuple(chosen), cohort.referred_from, cohort.referred_to)


class RecidivismForm(DeclaredForm):
    """What counts as a new offense, and how the follow-up is measured and grouped."""

    events = Listed(
        name="event",
        options={t.value: t for t in OutcomeEventType},
        empty=N_("Choose at least one kind of event that counts as a new offense."),
        unknown=N_("Choose the kinds of event from the list."),
    )
    anchor = Choice(N_("when the follow-up clock starts"), options={a.value: a for a in Anchor})
    window = Choice(N_("a follow-up window"), options={str(months): months for months in WINDOWS})
    grouping = Choice(N_("how to group the youth"), options={g.value: g for g in Grouping}, name="group")
    landmark = Choice(N_("a landmark day"), options=LANDMARK_CHOICES)

    def check(self) -> None:
        if self.has_error("grouping"):
            return
        if self.landmark and not Grouping(self.grouping).known_after_the_anchor:
            self.error(
                "landmark",
                gettext("A landmark applies only when grouping by completion status or jury service."),
            )
        _check_intent_to_treat(self, Grouping(self.grouping))


INTENT_TO_TREAT_ANCHOR = N_(
    "Intent to treat counts every youth assigned from their referral: choose “Referral received”. "
    "Declined and returned referrals have no hearing and no closing."
)


def _check_intent_to_treat(form: DeclaredForm, grouping: Grouping) -> None:
    """Grouping by study arm counts referrals without a case, whose clock can only start at referral."""
    if grouping == Grouping.ASSIGNMENT and not form.has_error("anchor") and form.anchor != Anchor.REFERRAL:
        form.error("anchor", gettext(INTENT_TO_TREAT_ANCHOR))


class ExportForm(DeclaredForm):
    """How an export de-identifies dates, and its file format."""

    dates = Choice(N_("how dates are de-identified"), options=DATE_CHOICES)
    file_format = Choice(N_("a file format"), options=FORMAT_CHOICES, name="format")


class EffectsForm(DeclaredForm):
    """Two groups to compare (given as options: the program's groups), the counting choices and the models."""

    events = RecidivismForm.fields["events"]
    anchor = RecidivismForm.fields["anchor"]
    window = RecidivismForm.fields["window"]
    landmark = Choice("a landmark day", options=LANDMARK_CHOICES)
    first = Choice(N_("the first group"))
    second = Choice(N_("the second group"))
    covariates = Listed(
        name="covariate",
        options={c.value: c for c in Covariate},
        empty=N_("Choose at least one covariate to adjust for."),
        unknown=N_("Choose the covariates from the list."),
    )
    method = Choice(N_("matching or weighting"), options={m.value: m for m in PropensityMethod})

    def check(self) -> None:
        if self.has_error("first") or self.has_error("second"):
            return
        if self.first == self.second:
            self.error("second", gettext("Choose a second group other than the first."))
        elif grouping_of(self.first) != grouping_of(self.second):
            self.error("second", gettext("Choose two groups of the same kind: two completion statuses, say."))
        elif self.landmark and not grouping_of(self.first).known_after_the_anchor:
            self.error(
                "landmark",
                gettext("A landmark applies only when comparing by completion status or jury service."),
            )
        else:
            _check_intent_to_treat(self, grouping_of(self.first))
