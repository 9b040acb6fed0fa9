"""Reference data a program admin edits; seeded with sensible defaults when a program is created."""

from __future__ import annotations

import enum
from decimal import Decimal

from sqlalchemy import Enum, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from youthcourt.database import Base
from youthcourt.programs.models import ProgramOwned
from youthcourt.web.i18n import N_, _, ngettext


def enum_column(enum_class: type[enum.Enum], length: int = 30) -> Enum:
    """Enums are stored as their values in a plain string column (portable, readable in SQL)."""
    return Enum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
    )


class SourceKind(enum.StrEnum):
    POLICE = "police"
    SCHOOL = "school"
    PROBATION = "probation"
    COURT = "court"
    FAMILY = "family"
    OTHER = "other"


class OffenseClass(enum.StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


class SanctionType(enum.StrEnum):
    """The sanctions juries choose from. Each counts in one unit."""

    COMMUNITY_SERVICE = "community_service"
    JURY_DUTY = "jury_duty"
    APOLOGY_LETTER = "apology_letter"
    ESSAY = "essay"
    RESTITUTION = "restitution"
    WORKSHOP = "workshop"
    COUNSELING = "counseling"
    TUTORING = "tutoring"
    MENTORING = "mentoring"
    CURFEW = "curfew"
    MEDIATION = "mediation"

    @property
    def label(self) -> str:
        """In English (the catalog's key): pages show ``_(sanction_type.label)``."""
        return SANCTION_LABELS[self]

    @property
    def unit(self) -> str:
        """In English (the catalog's key): pages show ``_(sanction_type.unit)``."""
        return SANCTION_UNITS[self]


SANCTION_LABELS = {
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
SANCTION_UNITS = {
    SanctionType.COMMUNITY_SERVICE: N_("hours"),
    SanctionType.JURY_DUTY: N_("sessions"),
    SanctionType.APOLOGY_LETTER: N_("letters"),
    SanctionType.ESSAY: N_("words"),
    SanctionType.RESTITUTION: N_("dollars"),
    SanctionType.WORKSHOP: N_("sessions"),
    SanctionType.COUNSELING: N_("sessions"),
    SanctionType.TUTORING: N_("sessions"),
    SanctionType.MENTORING: N_("sessions"),
    SanctionType.CURFEW: N_("days"),
    SanctionType.MEDIATION: N_("sessions"),
}


def type_label(sanction_type: SanctionType) -> str:
    """The sanction type in the active language: "Community service", "Servicio comunitario"."""
    return _(sanction_type.label)


def amount_text(sanction_type: SanctionType, quantity: Decimal | int) -> str:
    """A quantity in the sanction's unit, in the active language: "1 letter", "12,5 horas"."""
    unit = sanction_type.unit
    if unit == "hours":
        return ngettext("%(num)s hour", "%(num)s hours", quantity)
    if unit == "letters":
        return ngettext("%(num)s letter", "%(num)s letters", quantity)
    if unit == "words":
        return ngettext("%(num)s word", "%(num)s words", quantity)
    if unit == "dollars":
        return ngettext("%(num)s dollar", "%(num)s dollars", quantity)
    if unit == "days":
        return ngettext("%(num)s day", "%(num)s days", quantity)
    return ngettext("%(num)s session", "%(num)s sessions", quantity)


class CourtRole(enum.StrEnum):
    """Roles a juror grows into: from juror to foreperson, clerk, bailiff and youth judge."""

    JUROR = "juror"
    FOREPERSON = "foreperson"
    CLERK = "clerk"
    BAILIFF = "bailiff"
    YOUTH_JUDGE = "youth_judge"

    @property
    def label(self) -> str:
        """In English (the catalog's key): pages show ``_(role.label)``."""
        return COURT_ROLE_LABELS[self]


COURT_ROLE_LABELS = {
    CourtRole.JUROR: N_("Juror"),
    CourtRole.FOREPERSON: N_("Foreperson"),
    CourtRole.CLERK: N_("Clerk"),
    CourtRole.BAILIFF: N_("Bailiff"),
    CourtRole.YOUTH_JUDGE: N_("Youth judge"),
}


class FactorKind(enum.StrEnum):
    CONTRIBUTING = "contributing"
    STRENGTH = "strength"


class ReferralSource(Base, ProgramOwned):
    """An agency that refers young people: a police department, a school, probation, a court."""

    __tablename__ = "referral_source"
    __table_args__ = (UniqueConstraint("program_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[SourceKind] = mapped_column(enum_column(SourceKind))
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)


class Offense(Base, ProgramOwned):
    """An offense in the program's catalog, with its category and class (A least serious, D most)."""

    __tablename__ = "offense"
    __table_args__ = (UniqueConstraint("program_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(60))
    offense_class: Mapped[OffenseClass] = mapped_column(enum_column(OffenseClass, 1))
    is_active: Mapped[bool] = mapped_column(default=True)


class SanctionRule(Base, ProgramOwned):
    """One cell of the sanction grid: the range of a sanction type allowed for an offense class."""

    __tablename__ = "sanction_rule"
    __table_args__ = (UniqueConstraint("program_id", "offense_class", "sanction_type"),)

    offense_class: Mapped[OffenseClass] = mapped_column(enum_column(OffenseClass, 1))
    sanction_type: Mapped[SanctionType] = mapped_column(enum_column(SanctionType))
    min_quantity: Mapped[int] = mapped_column(Integer)
    max_quantity: Mapped[int] = mapped_column(Integer)


class Factor(Base, ProgramOwned):
    """A contributing factor (family, school, peers, ...) or a strength, from the program's list."""

    __tablename__ = "factor"
    __table_args__ = (UniqueConstraint("program_id", "kind", "name"),)

    kind: Mapped[FactorKind] = mapped_column(enum_column(FactorKind))
    name: Mapped[str] = mapped_column(String(120))
    is_active: Mapped[bool] = mapped_column(default=True)


K_ANONYMITY = 5
"""Every combination of quasi-identifiers in a month-only export covers at least this many rows.

The quasi-identifiers are what someone outside could know of a youth (age, gender, race and
ethnicity, offense, referral source, program, referral month); rarer combinations are generalized
or their rows left out of the file (see :mod:`youthcourt.reports.deidentify`). Shown on the policy page.
"""


class ProgramPolicy(Base, ProgramOwned):
    """A program's rules: eligibility, deadlines and follow-up windows. One row per program."""

    __tablename__ = "program_policy"
    __table_args__ = (UniqueConstraint("program_id"),)

    min_age: Mapped[int] = mapped_column(default=10)
    max_age: Mapped[int] = mapped_column(default=17)
    accepted_classes: Mapped[str] = mapped_column(String(10), default="ABC")
    """Offense classes the program accepts, as letters: "ABC"."""
    first_time_only: Mapped[bool] = mapped_column(default=True)
    family_response_days: Mapped[int] = mapped_column(default=30)
    hearing_target_days: Mapped[int] = mapped_column(default=56)
    sanction_deadline_days: Mapped[int] = mapped_column(default=90)
    contact_interval_days: Mapped[int] = mapped_column(default=30)
    jury_min: Mapped[int] = mapped_column(default=6)
    jury_max: Mapped[int] = mapped_column(default=8)
    """A courtroom's jury closes when this many jurors have confirmed; later replies wait."""
    absence_limit: Mapped[int] = mapped_column(default=3)
    absence_window: Mapped[int] = mapped_column(default=10)
    """A juror absent ``absence_limit`` times in their last ``absence_window`` nights is flagged."""
    credits_per_hour: Mapped[int] = mapped_column(default=1)
    follow_up_months: Mapped[str] = mapped_column(String(40), default="6,12")
    """Months after closure at which records are checked for new offenses, comma-separated."""
    suppression_threshold: Mapped[int] = mapped_column(default=10)
    """Counts from 1 to one below this are hidden in reports and exports (small cells identify children)."""
    mfa_for_jurors: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    """Jurors also sign in with an authenticator code (always required for staff and evaluators)."""
    session_idle_minutes: Mapped[int] = mapped_column(default=30, server_default="30")
    session_absolute_hours: Mapped[int] = mapped_column(default=12, server_default="12")
    """Session limits for this program's users; they can only shorten the installation's."""
    auto_seal_months: Mapped[int | None] = mapped_column()
    """Seal a successfully completed case this many months after closure; empty for never."""
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    """The number families call (printed on hearing notices); empty until an admin sets it."""

    @property
    def accepted_class_set(self) -> set[str]:
        return set(self.accepted_classes)

    @property
    def follow_up_windows(self) -> list[int]:
        return [int(part) for part in self.follow_up_months.split(",") if part.strip().isdigit()]


class RoleRequirement(Base, ProgramOwned):
    """What a juror needs before a court role is granted: the program's progression rule for it.

    A program without a row for a role uses the defaults in ``reference/defaults.py``.
    """

    __tablename__ = "role_requirement"
    __table_args__ = (UniqueConstraint("program_id", "role"),)

    role: Mapped[CourtRole] = mapped_column(enum_column(CourtRole))
    min_nights: Mapped[int] = mapped_column(Integer, default=0)
    """Hearing nights served (present or late) before the role."""
    training_hours: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(0))
    """Hours of training attended, all sessions together."""
    training_course: Mapped[str] = mapped_column(String(200), default="")
    """A training session the juror must have attended, by its title; empty for none."""
    prior_role: Mapped[CourtRole | None] = mapped_column(enum_column(CourtRole))
    """A role the juror must hold first (youth judge after foreperson); empty for none."""
