"""The forms of a case's own pages, declared once (see :class:`youthcourt.web.forms.DeclaredForm`)."""

from __future__ import annotations

import datetime

from youthcourt.cases.models import ContactMethod
from youthcourt.referrals.models import RACE_ETHNICITY_CATEGORIES
from youthcourt.web.forms import Choice, Context, Date, DeclaredForm, Form, Hidden, Many, Text
from youthcourt.web.i18n import N_, _

CONTACT_METHODS = {method.value: method.label for method in ContactMethod}
INTAKE_DATES = {
    "intake_on": N_("the intake interview date"),
    "youth_consent_on": N_("the youth's consent date"),
    "guardian_consent_on": N_("the guardian's consent date"),
    "confidentiality_signed_on": N_("the confidentiality agreement date"),
    "waiver_signed_on": N_("the waiver date"),
    "admission_on": N_("the date the youth admitted the offense"),
}


class ContactForm(DeclaredForm):
    """A contact with the family, for the case's contact log."""

    submission_token = Hidden()
    contacted_on = Date(N_("the contact date"), past=True)
    method = Choice(N_("how you made contact"), options=CONTACT_METHODS)
    contact_with = Text(N_("who you spoke with"), required=False, max_length=120)
    summary = Text(N_("a short summary"), max_length=5000)


class CaseFilterForm(DeclaredForm):
    """The case list's opening dates; the other filters match cases as chosen and need no checking."""

    opened_from = Date(N_("the first day"), required=False)
    opened_to = Date(N_("the last day"), required=False)

    def check(self) -> None:
        if self.opened_from and self.opened_to and self.opened_to < self.opened_from:
            self.error("opened_to", _("The last day must be on or after the first day."))


class IntakeForm(DeclaredForm):
    """A case's intake: its dates (none in the future), coordinator, needs and strengths, race and
    ethnicity, and notes. The program's coordinators are given as options; the ticked factors are
    checked against the program's lists by the service."""

    intake_on = Date(INTAKE_DATES["intake_on"], required=False, past=True)
    youth_consent_on = Date(INTAKE_DATES["youth_consent_on"], required=False, past=True)
    guardian_consent_on = Date(INTAKE_DATES["guardian_consent_on"], required=False, past=True)
    confidentiality_signed_on = Date(INTAKE_DATES["confidentiality_signed_on"], required=False, past=True)
    waiver_signed_on = Date(INTAKE_DATES["waiver_signed_on"], required=False, past=True)
    admission_on = Date(INTAKE_DATES["admission_on"], required=False, past=True)
    coordinator_id = Choice(N_("one of the program's coordinators"), required=False)
    factor = Many()
    intake_notes = Text(N_("notes"), required=False, max_length=5000)
    race_ethnicity = Choice(
        N_("race and ethnicity from the list, or leave it unrecorded"),
        options=dict.fromkeys(RACE_ETHNICITY_CATEGORIES),
        required=False,
    )

    def dates(self) -> dict[str, datetime.date | None]:
        return {name: getattr(self, name) for name in INTAKE_DATES}


def ticked_factors(form: Form) -> list[str]:
    """The factor ids an intake form holds, saved or sent, to name them: nothing is checked."""
    return IntakeForm.factor.read(form, IntakeForm.factor.name, Context())


class NoteForm(DeclaredForm):
    """A note for the case's timeline."""

    note = Text(N_("the note"), max_length=5000)
