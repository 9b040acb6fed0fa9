"""The sealing forms, declared once (see :class:`youthcourt.web.forms.DeclaredForm`)."""

from __future__ import annotations

from youthcourt.web.forms import MAX_FIELD_LENGTH, DeclaredForm, Hidden, Text
from youthcourt.web.i18n import N_, _

REASON_LENGTH = 1000


class SealForm(DeclaredForm):
    """Sealing a closed case: the reason, and the box ticked to confirm."""

    reason = Text(N_("the reason for sealing"), max_length=REASON_LENGTH)
    confirm = Hidden()

    def check(self) -> None:
        if self.confirm != "yes":
            self.error("confirm", _("Tick the box to confirm that the case is to be sealed."))


class OpenForm(DeclaredForm):
    """Why a user opens a sealed case; the entry is the user's access for a short time."""

    reason = Text(N_("why you need to open this sealed case"), max_length=REASON_LENGTH)


class UnsealForm(DeclaredForm):
    unseal_reason = Text(N_("why the case is unsealed"), max_length=REASON_LENGTH)


class ExpungeForm(DeclaredForm):
    """The case number typed again, which the page compares with the case's."""

    confirm_number = Text(N_("the case number"), required=False, max_length=MAX_FIELD_LENGTH)
