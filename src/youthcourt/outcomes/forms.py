"""The forms of follow-up checks and new offenses, declared once (see
:class:`youthcourt.web.forms.DeclaredForm`)."""

from __future__ import annotations

from youthcourt.cases.models import CheckResult
from youthcourt.outcomes.models import OutcomeEventType, RecordSystem
from youthcourt.web.forms import Choice, Context, Date, DeclaredForm, Form, Many

EVENT_TYPES = {kind.value: kind.label for kind in OutcomeEventType}
RECORD_SYSTEMS = {system.value: system.label for system in RecordSystem}
RESULTS = {result.value: result.label for result in CheckResult}


class EventForm(DeclaredForm):
    """One new offense: a row of the check form (prefix ``e2_``) or the case page's one-event form
    (prefix ``event_``); ``{event}`` in words names it ("event 2", "the offense"). The offense
    categories are the catalog's, given as options."""

    occurred_on = Date("the date of {event}")
    event_type = Choice("the type of {event}", options=EVENT_TYPES)
    offense_category = Choice("the offense category of {event}")
    source = Choice("the records {event} was found in", options=RECORD_SYSTEMS)


class CheckForm(DeclaredForm):
    """What a follow-up check found: when it was made, the records it searched and its result.
    Its event rows are :class:`EventForm` rows."""

    checked_on = Date("the date of the check")
    records = Many()
    result = Choice("what the check found", options=RESULTS)

    def check(self) -> None:
        today = self.context.today
        if self.checked_on and today and self.checked_on > today:
            self.error("checked_on", "The date of the check cannot be in the future.")
        if not self.records:
            self.error("records", "Choose at least one kind of record you searched.")
        elif any(value not in RECORD_SYSTEMS for value in self.records):
            self.error("records", "Choose the records searched from the list.")


def ticked_records(form: Form) -> list[str]:
    """The records a check form has ticked, to show them ticked again: nothing is checked."""
    return CheckForm.records.read(form, CheckForm.records.name, Context())
