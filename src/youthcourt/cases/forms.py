"""The forms of a case's own pages, declared once (see :class:`youthcourt.web.forms.DeclaredForm`)."""

from __future__ import annotations

from youthcourt.cases.models import ContactMethod
from youthcourt.web.forms import Choice, Date, DeclaredForm, Hidden, Text

CONTACT_METHODS = {method.value: method.label for method in ContactMethod}


class ContactForm(DeclaredForm):
    """A contact with the family, for the case's contact log."""

    submission_token = Hidden()
    contacted_on = Date("the contact date", past=True)
    method = Choice("how you made contact", options=CONTACT_METHODS)
    contact_with = Text("who you spoke with", required=False, max_length=120)
    summary = Text("a short summary", max_length=5000)
