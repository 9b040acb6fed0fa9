"""The export page's own forms: what one row is, the data release, and a new release's name.

The cohort (programs, referral dates) and the file's dates and format are read by the report
forms (:mod:`youthcourt.reports.forms`); these add what only record-level exports choose.
"""

from __future__ import annotations

from youthcourt.reports.exports import ExportKind
from youthcourt.web.forms import Choice, DeclaredForm, Text
from youthcourt.web.i18n import N_

KIND_CHOICES = {kind.value: kind.label for kind in ExportKind}
NO_RELEASE = ""


class ExportKindForm(DeclaredForm):
    """Which rows, and the release whose pseudonyms the file shares (none: a fresh key)."""

    kind = Choice(N_("what one row of the file is"), options=KIND_CHOICES, required=False)
    """Empty: one row per case, as addresses made before there was a choice still ask."""
    release = Choice(N_("a data release from the list"), required=False)


class ReleaseForm(DeclaredForm):
    """A new named data release."""

    release_name = Text(N_("a name for the data release"), max_length=120)
