"""The form that issues an API key (the agencies are the program's, given as options)."""

from __future__ import annotations

from youthcourt.web.forms import Choice, DeclaredForm, Text
from youthcourt.web.i18n import N_


class IssueKeyForm(DeclaredForm):
    source_id = Choice(N_("the agency"))
    label = Text(N_("what the key is for"), required=False, max_length=100)
