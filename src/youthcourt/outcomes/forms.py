"""The forms of follow-up checks and new offenses, declared once (see
:class:`youthcourt.web.forms.DeclaredForm`).

Their labels and messages are in the viewer's language: the labels are marked ``N_`` and the
fields below translate them, and the messages they give, when the form is read.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from youthcourt.cases.models import CheckResult
from youthcourt.outcomes.models import EVENT_TYPE_LABELS, RECORD_SYSTEM_LABELS
from youthcourt.web.forms import Choice, Context, Date, DeclaredForm, Form, Many
from youthcourt.web.i18n import N_, gettext

EVENT_TYPES = dict(EVENT_TYPE_LABELS)
RECORD_SYSTEMS = dict(RECORD_SYSTEM_LABELS)
RESULTS = {
    CheckResult.NO_NEW_OFFENSE.value: N_("No new offense"),
    CheckResult.NEW_OFFENSE.value: N_("New offense found"),
}
"""A check's results as shown; :attr:`CheckResult.label` gives the same English words."""


def shown(options: Mapping[str, str]) -> dict[str, str]:
    """Options as the page shows them, in the viewer's language."""
    return {value: gettext(text) for value, text in options.items()}


class _Worded:
    """A field whose label is a marked message, completed by the context's words (``%(event)s``)."""

    label: str

    def label_in(self, context: Context) -> str:
        return gettext(self.label, **context.words)


class WordedDate(_Worded, Date):
    def read(self, form: Form, name: str, context: Context) -> datetime.date | None:
        label = self.label_in(context)
        value = form.get(name).strip()
        if not value:
            if self.required:
                form.error(name, gettext("Enter %(what)s.", what=label))
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            form.error(name, gettext("Enter %(what)s as a real date, for example 2026-03-14.", what=label))
            return None


class WordedChoice(_Worded, Choice):
    def read(self, form: Form, name: str, context: Context) -> Any:
        options = self.options if self.options is not None else context.options[self.attribute]
        value = form.get(name)
        if not self.required and not value:
            return ""
        if value not in options:
            form.error(name, gettext("Choose %(what)s.", what=self.label_in(context)))
        return value


class EventForm(DeclaredForm):
    """One new offense: a row of the check form (prefix ``e2_``) or the case page's one-event form
    (prefix ``event_``); the words ``event`` and ``of_event`` name it ("event 2", "of event 2";
    "the offense", "of the offense"): see :func:`youthcourt.outcomes.services.event_words`. The
    offense categories are the catalog's, given as options."""

    occurred_on = WordedDate(N_("the date %(of_event)s"))
    event_type = WordedChoice(N_("the type %(of_event)s"), options=EVENT_TYPES)
    offense_category = WordedChoice(N_("the offense category %(of_event)s"))
    source = WordedChoice(N_("the records %(event)s was found in"), options=RECORD_SYSTEMS)


class CheckForm(DeclaredForm):
    """What a follow-up check found: when it was made, the records it searched and its result.
    Its event rows are :class:`EventForm` rows."""

    checked_on = WordedDate(N_("the date of the check"))
    records = Many()
    result = WordedChoice(N_("what the check found"), options=RESULTS)

    def check(self) -> None:
        today = self.context.today
        if self.checked_on and today and self.checked_on > today:
            self.error("checked_on", gettext("The date of the check cannot be in the future."))
        if not self.records:
            self.error("records", gettext("Choose at least one kind of record you searched."))
        elif any(value not in RECORD_SYSTEMS for value in self.records):
            self.error("records", gettext("Choose the records searched from the list."))


def ticked_records(form: Form) -> list[str]:
    """The records a check form has ticked, to show them ticked again: nothing is checked."""
    return CheckForm.records.read(form, CheckForm.records.name, Context())
