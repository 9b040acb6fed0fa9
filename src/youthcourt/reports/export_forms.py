"""The export page's own forms: what one row is, the data release, and a new release's name.

The cohort (programs, referral dates) and the file's dates and format are read by the report
forms (:mod:`youthcourt.reports.forms`); these add what only record-level exports choose.
"""

from __future__ import annotations

from youthcourt.reports.exports import ExportKind
from youthcourt.reports.forms import WordedChoice
from youthcourt.web.forms import Context, DeclaredForm, Form, Text
from youthcourt.web.i18n import N_, gettext

KIND_CHOICES = {kind.value: kind.label for kind in ExportKind}
NO_RELEASE = ""


class ExportKindForm(DeclaredForm):
    """Which rows, and the release whose pseudonyms the file shares (none: a fresh key)."""

    kind = WordedChoice(N_("what one row of the file is"), options=KIND_CHOICES, required=False)
    """Empty: one row per case, as addresses made before there was a choice still ask."""
    release = WordedChoice(N_("a data release from the list"), required=False)


class WordedText(Text):
    """A text field whose label (marked ``N_``) and messages are in the viewer's language."""

    def read(self, form: Form, name: str, context: Context) -> str:
        value = form.get(name).strip()
        label = gettext(self.label)
        if not value:
            form.error(name, gettext("Enter %(what)s.", what=label))
        elif len(value) > self.max_length:
            what = label[:1].upper() + label[1:]
            form.error(
                name, gettext("%(what)s must be at most %(max)s characters.", what=what, max=self.max_length)
            )
        return value


class ReleaseForm(DeclaredForm):
    """A new named data release."""

    release_name = WordedText(N_("a name for the data release"), max_length=120)
