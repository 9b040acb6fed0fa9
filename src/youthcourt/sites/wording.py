"""Sanctions named and counted in the reader's language, for the pages people outside the program
read through a private link: the site supervisor's and the family's (``respondents``)."""

from __future__ import annotations

from decimal import Decimal

from youthcourt.reference.models import SanctionType
from youthcourt.web.i18n import N_, ngettext

SANCTION_NAMES = {
    SanctionType.COMMUNITY_SERVICE: N_("Community service"),
    SanctionType.JURY_DUTY: N_("Jury duty"),
    SanctionType.APOLOGY_LETTER: N_("Apology letter"),
    SanctionType.ESSAY: N_("Essay"),
    SanctionType.RESTITUTION: N_("Restitution"),
    SanctionType.WORKSHOP: N_("Workshop"),
    SanctionType.COUNSELING: N_("Counseling"),
    SanctionType.TUTORING: N_("Tutoring"),
    SanctionType.MENTORING: N_("Mentoring"),
    SanctionType.CURFEW: N_("Curfew"),
    SanctionType.MEDIATION: N_("Mediation"),
}
"""The sanctions as these pages name them, translated where shown."""


def amount_text(sanction_type: SanctionType, amount: Decimal | int) -> str:
    """An amount in the sanction's unit, in the page's language: "3 hours", "3 horas"."""
    unit = sanction_type.unit
    if unit == "hours":
        return ngettext("%(num)s hour", "%(num)s hours", amount)
    if unit == "letters":
        return ngettext("%(num)s letter", "%(num)s letters", amount)
    if unit == "words":
        return ngettext("%(num)s word", "%(num)s words", amount)
    if unit == "dollars":
        return ngettext("%(num)s dollar", "%(num)s dollars", amount)
    if unit == "days":
        return ngettext("%(num)s day", "%(num)s days", amount)
    return ngettext("%(num)s session", "%(num)s sessions", amount)
