"""The forms of partner sites, placements, supervisor links and the supervisor's confirmation."""

from __future__ import annotations

from youthcourt.reference.forms import Phone
from youthcourt.reference.models import SanctionType, type_label
from youthcourt.sanctions.forms import MAX_AMOUNT
from youthcourt.sites.models import PLACEABLE_TYPES
from youthcourt.web.forms import Choice, Date, DeclaredForm, Email, Hidden, Many, Number, Text
from youthcourt.web.i18n import N_, _

KIND_CHOICES = {kind.value: kind.label for kind in PLACEABLE_TYPES}
"""The kinds of work, in English: pages show them with :func:`kind_names`."""
MAX_CAPACITY = 500
LINK_DAYS_DEFAULT = 90
LINK_DAYS_MAX = 365


class SiteForm(DeclaredForm):
    """A partner site's details; at least one kind of work."""

    name = Text(N_("the site's name"))
    address = Text(N_("the address"), required=False, max_length=1000)
    contact_name = Text(N_("the contact person"), required=False)
    phone = Phone(N_("a phone number"))
    email = Email(required=False)
    kinds = Many(N_("the kinds of work"), options=KIND_CHOICES)
    capacity = Number(N_("the capacity"), minimum=1, maximum=MAX_CAPACITY, example="4")
    notes = Text(N_("notes"), required=False, max_length=2000)

    def check(self) -> None:
        if not self.kinds:
            self.error("kinds", _("Choose at least one kind of work."))


class PlacementForm(DeclaredForm):
    """The site a sanction is served at; the sites that offer its kind of work are the options."""

    site = Choice(N_("a partner site"))
    placed_on = Date(N_("the date of the placement"), past=True)


class LinkForm(DeclaredForm):
    """A new private link for the site's supervisor."""

    label = Text(N_("who the link is for"), max_length=200)
    valid_days = Number(N_("how many days the link works"), minimum=1, maximum=LINK_DAYS_MAX, example="90")


class ConfirmationForm(DeclaredForm):
    """Hours (or sessions) the supervisor confirms, on one day, with a note."""

    occurred_on = Date(N_("the date"), past=True)
    amount = Number(N_("the amount"), places=2, maximum=MAX_AMOUNT, example="3.5")
    notes = Text(N_("a note"), required=False, max_length=1000)
    submission_token = Hidden()


class WholeConfirmationForm(ConfirmationForm):
    """Sessions (a workshop, counseling) are confirmed whole."""

    amount = Number(N_("the amount"), maximum=MAX_AMOUNT, example="1")


def kind_names() -> dict[str, str]:
    """The kinds of work a site offers, in the page's language."""
    return {value: type_label(SanctionType(value)) for value in KIND_CHOICES}
