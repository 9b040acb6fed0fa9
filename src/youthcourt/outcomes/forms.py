"""The forms of follow-up checks and new offenses, declared once (see
:class:`youthcourt.web.forms.DeclaredForm`).

Their labels and messages are in the viewer's language: the labels are marked ``N_``, and the
shared fields translate them, completed with the words that name an event (``{of_event}``), in
the messages they give.
"""

from __future__ import annotations

from collections.abc import Mapping

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


class EventForm(DeclaredForm):
    """One new offense: a row of the check form (prefix ``e2_``) or the case page's one-event form
    (prefix ``event_``); the words ``event`` and ``of_event`` name it ("event 2", "of event 2";
    "the offense", "of the offense"): see :func:`youthcourt.outcomes.services.event_words`. The
    offense categories are the catalog's, given as options."""

    occurred_on = Date(N_("the date {of_event}"))
    event_type = Choice(N_("the type {of_event}"), options=EVENT_TYPES)
    offense_category = Choice(N_("the offense category {of_event}"))
    source = Choice(N_("the records {event} was found in"), options=RECORD_SYSTEMS)


class CheckForm(DeclaredForm):
    """What a follow-up check found: when it was made, the records it searched and its result.
    Its event rows are :class:`EventForm` rows."""

    checked_on = Date(N_("the date of the check"), past=True)
    records = Many()
    result = Choice(N_("what the check found"), options=RESULTS)

    def check(self) -> None:
        if not self.records:
            self.error("records", gettext("Choose at least one kind of record you searched."))
        elif any(value not in RECORD_SYSTEMS for value in self.records):
            self.error("records", gettext("Choose the records searched from the list."))


def ticked_records(form: Form) -> list[str]:
    """The records a check form has ticked, to show them ticked again: nothing is checked."""
    return CheckForm.records.read(form, CheckForm.records.name, Context())
