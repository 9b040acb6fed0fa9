"""The form that issues an API key (the agencies are the program's, given as options)."""

from __future__ import annotations

from youthcourt.web.forms import Choice, DeclaredForm, Text


class IssueKeyForm(DeclaredForm):
    source_id = Choice("the agency")
    label = Text("what the key is for", required=False, max_length=100)
