"""The forms of partner sites, placements, supervisor links and the supervisor's confirmation."""

from __future__ import annotations

from youthcourt.reference.forms import Phone
from youthcourt.sanctions.forms import MAX_AMOUNT
from youthcourt.sites.models import PLACEABLE_TYPES
from youthcourt.web.forms import Choice, Date, DeclaredForm, Email, Hidden, Many, Number, Text

KIND_CHOICES = {kind.value: kind.label for kind in PLACEABLE_TYPES}
MAX_CAPACITY = 500
LINK_DAYS_DEFAULT = 90
LINK_DAYS_MAX = 365


class SiteForm(DeclaredForm):
    """A partner site's details; at least one kind of work."""

    name = Text("the site's name")
    address = Text("the address", required=False, max_length=1000)
    contact_name = Text("the contact person", required=False)
    phone = Phone("a phone number")
    email = Email(required=False)
    kinds = Many("the kinds of work", options=KIND_CHOICES)
    capacity = Number("the capacity", minimum=1, maximum=MAX_CAPACITY, example="4")
    notes = Text("notes", required=False, max_length=2000)

    def check(self) -> None:
        if not self.kinds:
            self.error("kinds", "Choose at least one kind of work.")


class PlacementForm(DeclaredForm):
    """The site a sanction is served at; the sites that offer its kind of work are the options."""

    site = Choice("a partner site")
    placed_on = Date("the date of the placement", past=True)


class LinkForm(DeclaredForm):
    """A new private link for the site's supervisor."""

    label = Text("who the link is for", max_length=200)
    valid_days = Number("how many days the link works", minimum=1, maximum=LINK_DAYS_MAX, example="90")


class ConfirmationForm(DeclaredForm):
    """Hours (or sessions) the supervisor confirms, on one day, with a note."""

    occurred_on = Date("the date", past=True)
    amount = Number("the amount", places=2, maximum=MAX_AMOUNT, example="3.5")
    notes = Text("a note", required=False, max_length=1000)
    submission_token = Hidden()


class WholeConfirmationForm(ConfirmationForm):
    """Sessions (a workshop, counseling) are confirmed whole."""

    amount = Number("the amount", maximum=MAX_AMOUNT, example="1")
