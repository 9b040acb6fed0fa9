"""The closing form of a case, declared once (see :class:`youthcourt.web.forms.DeclaredForm`)."""

from __future__ import annotations

from youthcourt.web.forms import Choice, Date, DeclaredForm, Text
from youthcourt.web.i18n import N_, _


class ClosingForm(DeclaredForm):
    """How and when a case closes. The outcomes are given as options; the reason's label (``{reason}``
    in words) and whether it is needed follow the chosen outcome, which the service knows."""

    outcome = Choice(N_("the outcome"))
    reason = Text("{reason}", required=False, max_length=2000)
    closed_on = Date(N_("the date the case closed"))

    def check(self) -> None:
        today = self.context.today
        if self.closed_on and today and self.closed_on > today:
            self.error("closed_on", _("The closing date cannot be in the future."))
