"""The audit trail's filter form, declared once (see :class:`youthcourt.web.forms.DeclaredForm`)."""

from __future__ import annotations

from youthcourt.web.forms import Date, DeclaredForm


class TrailFilterForm(DeclaredForm):
    """The days the trail is limited to; the other filters match entries as typed and need no checking."""

    start = Date("the first day", required=False)
    end = Date("the last day", required=False)

    def check(self) -> None:
        if self.start and self.end and self.end < self.start:
            self.error("end", "The last day must be on or after the first day.")
