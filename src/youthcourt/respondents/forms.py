"""The coordinator's form for a new family link: whom it is for."""

from __future__ import annotations

from youthcourt.web.forms import Choice, DeclaredForm


class FamilyLinkForm(DeclaredForm):
    """The youth or one of their guardians; the options are the case's own people."""

    holder = Choice("whom the link is for")
