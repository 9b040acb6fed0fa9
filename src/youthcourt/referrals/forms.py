"""The forms of the referral pages, declared once (see :class:`youthcourt.web.forms.DeclaredForm`)."""

from __future__ import annotations

from typing import Any

from youthcourt.referrals.models import AssignmentMethod, StudyArm
from youthcourt.referrals.uploads import clean_title
from youthcourt.web.forms import (
    MAX_FIELD_LENGTH,
    Choice,
    Date,
    DeclaredForm,
    Email,
    Flag,
    Hidden,
    Number,
    Text,
)
from youthcourt.web.i18n import LANGUAGES, N_, _

MAX_TEXT = 5000


class IntakeKeysForm(DeclaredForm):
    """What the intake page itself puts in the form: its one-time token, the record on file chosen,
    and the tick confirming that a likely duplicate is someone new."""

    submission_token = Hidden()
    youth_id = Hidden()
    confirm_new_youth = Flag()


class YouthForm(DeclaredForm):
    """The young person, when no record on file was chosen."""

    first_name = Text(N_("the first name"), max_length=100)
    last_name = Text(N_("the last name"), max_length=100)
    date_of_birth = Date(N_("the date of birth"))
    gender = Text(N_("the gender"), required=False, max_length=40)
    school = Text(N_("the school"), required=False, max_length=200)
    grade = Text(N_("the grade"), required=False, max_length=20)
    phone = Text(N_("the phone number"), required=False, max_length=40)
    email = Email(required=False)
    address = Text(N_("the address"), required=False, max_length=1000)


class YouthSearchForm(DeclaredForm):
    """The names and birth date typed so far, for the search of records on file (never an error)."""

    first_name = Text(N_("the first name"), required=False, max_length=MAX_FIELD_LENGTH)
    last_name = Text(N_("the last name"), required=False, max_length=MAX_FIELD_LENGTH)
    date_of_birth = Date(N_("the date of birth"), required=False)


class GuardianForm(DeclaredForm):
    """The first parent or guardian (prefix ``guardian1_``); the second is :class:`SecondGuardianForm`.
    Each slot's labels are whole phrases, so that each reads right in every language."""

    name = Text(N_("the first guardian's name"), required=False, max_length=200)
    relationship = Text(N_("the first guardian's relationship"), required=False, max_length=60)
    phone = Text(N_("the first guardian's phone number"), required=False, max_length=40)
    email = Email(required=False)
    address = Text(N_("the first guardian's address"), required=False, max_length=1000)
    preferred_language = Choice(N_("the first guardian's language"), options=LANGUAGES, required=False)
    """The language of the notices and letters to the family; English when not chosen."""

    MISSING_NAME = N_("Enter the first guardian's name, or clear the other fields of this guardian.")

    def check(self) -> None:
        if self.is_typed and not self.name:
            self.error("name", _(self.MISSING_NAME))

    @property
    def is_typed(self) -> bool:
        """Something besides the name was typed in this slot."""
        return any((self.relationship, self.phone, self.email, self.address))

    @property
    def is_reachable(self) -> bool:
        return bool(self.name and (self.phone or self.email))


class SecondGuardianForm(GuardianForm):
    """The second parent or guardian (prefix ``guardian2_``)."""

    name = Text(N_("the second guardian's name"), required=False, max_length=200)
    relationship = Text(N_("the second guardian's relationship"), required=False, max_length=60)
    phone = Text(N_("the second guardian's phone number"), required=False, max_length=40)
    address = Text(N_("the second guardian's address"), required=False, max_length=1000)
    preferred_language = Choice(N_("the second guardian's language"), options=LANGUAGES, required=False)

    MISSING_NAME = N_("Enter the second guardian's name, or clear the other fields of this guardian.")


GUARDIAN_FORMS = {1: GuardianForm, 2: SecondGuardianForm}
"""The form of each guardian slot of the intake form."""


STUDY_ARMS = {arm.value: arm.label for arm in StudyArm}
"""The study arms in English (marked for the catalogs): pages translate them where shown."""
MAX_PRIOR = 99
"""The most earlier contacts, diversions or adjudications a referral (or a comparison file) records."""
ASSIGNMENT_METHODS = {method.value: method.label for method in AssignmentMethod}


class ReferralForm(DeclaredForm):
    """The referral itself; the offenses and agencies are the program's, given as options."""

    incident_date = Date(N_("the incident date"))
    incident_place = Text(N_("the place"), required=False, max_length=200)
    offense_id = Choice(N_("the offense"))
    narrative = Text(N_("what happened"), required=False, max_length=MAX_TEXT)
    source_id = Choice(N_("the referring agency"))
    source_reference = Text(N_("the agency's reference number"), required=False, max_length=80)
    received_on = Date(N_("the date the referral was received"))
    prior_police_contacts = Number(
        N_("the number of earlier police contacts"), required=False, allow_zero=True, maximum=MAX_PRIOR
    )
    prior_diversions = Number(
        N_("the number of earlier diversions"), required=False, allow_zero=True, maximum=MAX_PRIOR
    )
    prior_adjudications = Number(
        N_("the number of earlier adjudications"), required=False, allow_zero=True, maximum=MAX_PRIOR
    )
    study_arm = Choice(N_("the study arm"), options=STUDY_ARMS, required=False)
    assigned_on = Date(N_("the day of assignment"), required=False)
    assignment_method = Choice(
        N_("how the referral was assigned"), options=ASSIGNMENT_METHODS, required=False
    )

    def check(self) -> None:
        if self.study_arm and not self.assigned_on and not self.has_error("assigned_on"):
            self.error("assigned_on", _("Enter the day of assignment, or leave the study arm empty."))
        if self.study_arm and not self.assignment_method:
            self.error(
                "assignment_method", _("Choose how the referral was assigned, or leave the study arm empty.")
            )
        if not self.study_arm and (self.assigned_on or self.assignment_method):
            self.error("study_arm", _("Choose the study arm the referral was assigned to."))

    def values(self) -> dict[str, Any]:
        values = super().values()
        # Read even when the form has errors (then nothing is saved): an unknown code is None.
        values["study_arm"] = StudyArm(self.study_arm) if self.study_arm in STUDY_ARMS else None
        method = self.assignment_method
        values["assignment_method"] = AssignmentMethod(method) if method in ASSIGNMENT_METHODS else None
        return values


class FamilyContactForm(DeclaredForm):
    """The date of the first contact with the family; it cannot be in the future."""

    family_contacted_on = Date(N_("the date of the first contact with the family"))

    def check(self) -> None:
        day = self.family_contacted_on
        if day and self.context.today and day > self.context.today:
            self.error("family_contacted_on", _("The date of the first contact cannot be in the future."))


class AcceptForm(DeclaredForm):
    """Accepting a referral; the reason matters only when the referral fails screening."""

    accept_reason = Text(N_("the reason to accept it"), required=False, max_length=MAX_TEXT)


class DecisionForm(DeclaredForm):
    """Declining a referral or returning it to its source: read with the decision as prefix
    (``decline_``, ``return_``), as the source agency is told the reason."""

    reason = Text(N_("the reason"), required=False, max_length=MAX_TEXT)

    MISSING = {
        "decline_": N_("Enter the reason for declining; the source agency is told why."),
        "return_": N_("Enter the reason for returning the referral; the source agency is told why."),
    }

    def check(self) -> None:
        if not self.reason:
            self.error("reason", _(self.MISSING[self.prefix]))


class DocumentForm(DeclaredForm):
    """A document's title (its file comes beside the form); a title is only ever a label, never a path."""

    title = Text(N_("the title"), required=False, max_length=MAX_FIELD_LENGTH)

    def check(self) -> None:
        if not self.title:
            self.error("title", _("Enter a title for the document, for example Police report."))
        elif not self.safe_title:
            self.error("title", _("Enter a title made of words, not a file path."))

    @property
    def safe_title(self) -> str:
        return clean_title(self.title)
