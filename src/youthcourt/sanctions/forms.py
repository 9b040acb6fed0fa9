"""The forms of dispositions and sanctions, declared once (see :class:`youthcourt.web.forms.DeclaredForm`).

A quantity in hours or dollars may have cents or parts of an hour; every other sanction is
counted whole. So each form with an amount comes in two classes, and :func:`for_type` picks the
one for a sanction type.
"""

from __future__ import annotations

from decimal import Decimal

from youthcourt.reference.models import SanctionType
from youthcourt.sanctions.models import ProgressKind, SanctionStatus
from youthcourt.web.forms import Choice, Date, DeclaredForm, Hidden, Number, Text
from youthcourt.web.i18n import N_, _, enter_message

DECIMAL_TYPES = frozenset({SanctionType.COMMUNITY_SERVICE, SanctionType.RESTITUTION})
"""Quantities in hours and dollars may have cents or parts of an hour; everything else is counted whole."""
MAX_AMOUNT = Decimal("99999.99")
TYPE_CHOICES = {t.value: t.label for t in SanctionType}
NO_FINDING = "none"
"""The factor choice of a sanction that addresses none of the jury's findings (it needs a reason)."""
STATUS_CHOICES = {status.value: status.label for status in SanctionStatus}


def amount_field(label: str, *, decimals: bool) -> Number:
    """A positive quantity of a sanction, with up to two decimal places when ``decimals``."""
    return Number(label, places=2 if decimals else 0, maximum=MAX_AMOUNT)


def as_amount(value: Decimal | int | None) -> Decimal | None:
    """A quantity as the sanction tables store it, to the cent."""
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def has_decimals(sanction_type: str) -> bool:
    """Whether a type's quantity may have decimals; a type not chosen (yet) may, so its number is read."""
    return sanction_type not in TYPE_CHOICES or SanctionType(sanction_type) in DECIMAL_TYPES


class DispositionForm(DeclaredForm):
    """The disposition's date and notes; its sanctions are :class:`SanctionRowForm` rows."""

    decided_on = Date(N_("the date of the decision"))
    notes = Text(N_("notes"), required=False, max_length=2000)

    def check(self) -> None:
        today = self.context.today
        if self.decided_on and today and self.decided_on > today:
            self.error("decided_on", _("The date of the decision cannot be in the future."))


class SanctionRowForm(DeclaredForm):
    """One sanction of the disposition form, read with its row's prefix (``s3_``) and ``{number}`` in
    words. The jury's findings are given as options (with :data:`NO_FINDING`)."""

    type = Choice(N_("the type of sanction {number}"), options=TYPE_CHOICES)
    quantity = amount_field(N_("the quantity of sanction {number}"), decimals=True)
    due_on = Date(N_("the due date of sanction {number}"), required=False)
    factor = Choice(N_("one of the jury's findings for sanction {number}"), required=False)
    no_factor_reason = Text(
        N_("the reason sanction {number} addresses none of the jury's findings"),
        required=False,
        max_length=2000,
    )
    description = Text(N_("the description of sanction {number}"), required=False, max_length=1000)
    reason = Text(N_("the reason sanction {number} is outside the grid"), required=False, max_length=2000)

    @staticmethod
    def for_type(sanction_type: str) -> type[SanctionRowForm]:
        return SanctionRowForm if has_decimals(sanction_type) else WholeSanctionRowForm


class WholeSanctionRowForm(SanctionRowForm):
    """A sanction row whose type is counted whole."""

    quantity = amount_field(N_("the quantity of sanction {number}"), decimals=False)


class ProgressForm(DeclaredForm):
    """Work done toward a sanction; hours of community service need the site and who verified them.
    The kinds of progress that fit the sanction are given as options."""

    occurred_on = Date(N_("the date"))
    amount = amount_field(N_("the amount"), decimals=True)
    kind = Choice(N_("what kind of progress this is"))
    site = Text(N_("the service site"), required=False)
    verified_by = Text(N_("who at the site verified the hours"), required=False)
    notes = Text(N_("notes"), required=False, max_length=2000)
    submission_token = Hidden()

    def check(self) -> None:
        today = self.context.today
        if self.occurred_on and today and self.occurred_on > today:
            self.error("occurred_on", _("The date cannot be in the future."))
        if self.kind == ProgressKind.HOURS:
            for attribute in ("site", "verified_by"):
                if not getattr(self, attribute) and not self.has_error(attribute):
                    self.error(attribute, enter_message(type(self).fields[attribute].label))

    @staticmethod
    def for_type(sanction_type: str) -> type[ProgressForm]:
        return ProgressForm if has_decimals(sanction_type) else WholeProgressForm


class WholeProgressForm(ProgressForm):
    """Progress on a sanction counted whole."""

    amount = amount_field(N_("the amount"), decimals=False)


class ExtensionForm(DeclaredForm):
    """A later due date for an open sanction, and why."""

    new_due_on = Date(N_("the new due date"))
    reason = Text(N_("the reason for the extension"), max_length=2000)


class StatusForm(DeclaredForm):
    """A sanction marked completed or not completed by hand, or reopened."""

    status = Choice(N_("completed, not completed or open"), options=STATUS_CHOICES)
