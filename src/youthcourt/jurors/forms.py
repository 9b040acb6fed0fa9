"""The juror program's forms, declared once (see :class:`youthcourt.web.forms.DeclaredForm`).

Records, qualifications, training, credits and rewards, panels, check-in and invitations. Checks
that need the database (a name in use, a balance, a progression rule) stay with the services.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from youthcourt.jurors.models import Attendance, JurorStatus
from youthcourt.reference.models import CourtRole
from youthcourt.web.forms import Choice, Date, DeclaredForm, Email, Many, Number, Text, Time
from youthcourt.web.i18n import N_, _

STATUS_CHOICES = {status.value: status.label for status in JurorStatus}
ROLE_CHOICES = {role.value: role.label for role in CourtRole}
ATTENDANCE_CHOICES = {kind.value: kind.label for kind in Attendance}
MAX_TRAINING_HOURS = Decimal(100)
MAX_AMOUNT = Decimal(10_000)
"""The largest number of credits one entry may add or take off."""
EARLIEST_BIRTH = datetime.date(1900, 1, 1)


def credit_amount(label: str, *, allow_negative: bool = False) -> Number:
    """A number of credits: at most two decimals, never zero, within a sane range."""
    return Number(label, places=2, maximum=MAX_AMOUNT, allow_negative=allow_negative, example="5 or 2.5")


# Records


class DetailsForm(DeclaredForm):
    """A juror's details, for a new volunteer or an edit."""

    first_name = Text(N_("the first name"), max_length=100)
    last_name = Text(N_("the last name"), max_length=100)
    date_of_birth = Date(N_("the date of birth"), past=True)
    school = Text(N_("the school"), required=False, max_length=200)
    grade = Text(N_("the grade"), required=False, max_length=20)
    email = Email(required=False)
    phone = Text(N_("the phone number"), required=False, max_length=40)
    guardian_name = Text(N_("the guardian's name"), required=False)
    guardian_email = Email(required=False)
    parent_consent_on = Date(N_("the date of the parent's consent"), past=True, required=False)
    screening_notes = Text(N_("notes"), required=False, max_length=5000)

    def check(self) -> None:
        born = self.date_of_birth
        if born and born < EARLIEST_BIRTH:
            self.error("date_of_birth", _("Check the date of birth: it is too long ago."))
            born = None
        consent = self.parent_consent_on
        if born and consent and consent < born:
            self.error("parent_consent_on", _("The parent's consent cannot be before the juror was born."))


class StatusForm(DeclaredForm):
    status = Choice(N_("the new status"), options=STATUS_CHOICES)


class OathForm(DeclaredForm):
    """The oath; a volunteer's parent consents on the same form (a former respondent's did at intake)."""

    oath_signed_on = Date(N_("the date the oath was signed"), past=True)


class ConsentForm(DeclaredForm):
    parent_consent_on = Date(N_("the date of the parent's consent"), past=True, required=False)


class PortalAccessForm(DeclaredForm):
    email = Email()


class QualificationForm(DeclaredForm):
    """A court role granted; the reason is needed only when the juror is short of the role's rule."""

    role = Choice(N_("a court role"), options=ROLE_CHOICES)
    earned_on = Date(N_("the date the role was earned"), past=True)
    override_reason = Text(N_("the reason to grant the role early"), required=False, max_length=2000)


class ConflictForm(DeclaredForm):
    note = Text(N_("a note"), required=False, max_length=500)


# Training


class TrainingForm(DeclaredForm):
    """A new training session; the role it trains for is optional."""

    held_on = Date(N_("the date of the session"))
    title = Text(N_("a title"), max_length=200)
    hours = Number(N_("the hours"), places=2, example="2 or 1.5")
    role = Choice(N_("a court role, or none"), options=ROLE_CHOICES, required=False)

    def check(self) -> None:
        if self.hours is not None and self.hours > MAX_TRAINING_HOURS:
            self.error("hours", _("A session lasts at most %(hours)s hours.", hours=MAX_TRAINING_HOURS))
            self.hours = None


class TickedJurorsForm(DeclaredForm):
    """Jurors ticked in a list (training attendance, invitations)."""

    juror_ids = Many(name="juror_id")


# Credits and rewards


class RewardForm(DeclaredForm):
    name = Text(N_("the reward's name"))
    cost = credit_amount(N_("the cost in credits"))


class RedeemForm(DeclaredForm):
    """A reward redeemed: the active rewards are the options, given at read time."""

    reward_id = Choice(N_("one of the rewards offered"))


class AdjustmentForm(DeclaredForm):
    amount = credit_amount(N_("the number of credits"), allow_negative=True)
    reason = Text(N_("the reason for the adjustment"), max_length=500)


# Panels and check-in


class SeatForm(DeclaredForm):
    """A juror seated on a panel: the night's courtrooms are the options, given at read time."""

    courtroom_id = Choice(N_("one of this night's courtrooms"))
    role = Choice(N_("a role"), options=ROLE_CHOICES)


class CheckinForm(DeclaredForm):
    """Attendance at a night; a late arrival gives its time (:class:`ArrivalForm`), an excuse its reason."""

    attendance = Choice(N_("present, late, absent or excused"), options=ATTENDANCE_CHOICES)


class ArrivalForm(DeclaredForm):
    arrived_at = Time(N_("the arrival time"))


class ExcuseForm(DeclaredForm):
    reason = Text(N_("why the juror is excused"), max_length=500)
