"""The audit trail's filter form, declared once (see :class:`youthcourt.web.forms.DeclaredForm`)."""

from __future__ import annotations

from youthcourt.web.forms import MAX_FIELD_LENGTH, Date, DeclaredForm, Text
from youthcourt.web.i18n import N_, _

OUTCOMES = ("success", "failure", "denied", "not_found", "conflict")


def _as_typed(label: str) -> Text:
    """A filter matched as typed: never refused (an unknown value simply matches nothing)."""
    return Text(label, required=False, max_length=MAX_FIELD_LENGTH)


class TrailFilterForm(DeclaredForm):
    """What the trail is limited to; only the days are checked, the rest match entries as typed."""

    action = _as_typed("the action")
    outcome = _as_typed("the outcome")
    actor = _as_typed("who")
    record_type = _as_typed("the kind of record")
    record_id = _as_typed("the record")
    start = Date(N_("the first day"), required=False)
    end = Date(N_("the last day"), required=False)

    def check(self) -> None:
        if self.start and self.end and self.end < self.start:
            self.error("end", _("The last day must be on or after the first day."))
        if self.outcome not in OUTCOMES:
            self.outcome = ""  # a tampered outcome filters nothing, as no outcome chosen
