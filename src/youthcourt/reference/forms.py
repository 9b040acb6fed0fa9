"""The reference data forms, declared once: sources, offenses, factors, the grid and the policy.

Each reader takes a :class:`~youthcourt.web.forms.Form`, reads it through the declared class
(a message per field that is wrong) and returns the cleaned values. Checks that need the
database (a name already in use) are made by the controllers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from youthcourt.reference.models import (
    CourtRole,
    FactorKind,
    OffenseClass,
    ProgramPolicy,
    ReferralSource,
    SanctionRule,
    SanctionType,
    SourceKind,
)
from youthcourt.reference.services import PROGRESSION_ROLES, Cell, Range, RoleRule, format_hours
from youthcourt.web.forms import (
    Choice,
    Context,
    DeclaredForm,
    Email,
    Flag,
    Form,
    Many,
    Number,
    Text,
    about,
)
from youthcourt.web.i18n import N_, _
from youthcourt.web.numbers import parse_number

SOURCE_KINDS = {
    SourceKind.POLICE.value: N_("Police"),
    SourceKind.SCHOOL.value: N_("School"),
    SourceKind.PROBATION.value: N_("Probation / juvenile intake"),
    SourceKind.COURT.value: N_("Court"),
    SourceKind.FAMILY.value: N_("Family"),
    SourceKind.OTHER.value: N_("Other"),
}
"""Each kind of agency by value, with its English label (the catalog's key): pages show ``_(label)``."""
OFFENSE_CLASSES = {
    OffenseClass.A.value: N_("A (least serious)"),
    OffenseClass.B.value: "B",
    OffenseClass.C.value: "C",
    OffenseClass.D.value: N_("D (most serious)"),
}
FACTOR_KINDS = {
    FactorKind.CONTRIBUTING.value: N_("Contributing factors"),
    FactorKind.STRENGTH.value: N_("Strengths"),
}
FOLLOW_UP_MONTHS = ("6", "12", "18", "24")


def translated(choices: Mapping[str, str]) -> dict[str, str]:
    """A menu's choices in the reader's language (the constants hold the English, the catalog's keys)."""
    return {value: _(label) for value, label in choices.items()}


GRID_MAXIMUM = 100_000
"""Largest quantity a grid cell may hold (more than any real grid; keeps numbers in range)."""

AGE_LIMITS = (5, 25)
SUPPRESSION_LIMITS = (5, 50)
"""Reports hide counts below the threshold; below 5 would identify children, above 50 hides too much."""
SESSION_IDLE_LIMITS = (5, 30)
SESSION_ABSOLUTE_LIMITS = (1, 12)
"""A program may shorten sessions, never lengthen them past the installation's 30 minutes and 12 hours."""
AUTO_SEAL_LIMIT = 120
"""Automatic sealing waits at most ten years after completion."""
DAY_FIELDS: dict[str, tuple[str, int]] = {
    "family_response_days": (N_("the days a family has to respond"), 180),
    "hearing_target_days": (N_("the target days from referral to hearing"), 365),
    "sanction_deadline_days": (N_("the days allowed to complete sanctions"), 730),
    "contact_interval_days": (N_("the days between family contacts"), 180),
}
"""Policy fields counted in days: what they are called in messages and their upper bound."""

JURY_FIELDS: dict[str, tuple[str, str, int]] = {
    "jury_min": (N_("Smallest jury"), N_("the smallest jury"), 20),
    "jury_max": (N_("Largest jury"), N_("the largest jury"), 20),
    "absence_limit": (N_("Absences that flag a juror"), N_("the absences that flag a juror"), 20),
    "absence_window": (N_("Out of the last nights"), N_("the nights the absence rule looks back over"), 50),
    "credits_per_hour": (N_("Time credits per hour served"), N_("the credits per hour"), 10),
}
"""Juror program settings: label, name in messages, upper bound (all whole numbers from 1)."""

_PHONE = re.compile(r"[0-9+()./ x-]*")


class WholeNumber(Number):
    """A whole number from ``minimum`` to ``maximum``.

    Text that is no number at all is asked for "as a whole number", as these pages always have.
    """

    def __init__(
        self, label: str, *, minimum: int, maximum: int, required: bool = True, name: str | None = None
    ) -> None:
        super().__init__(label, minimum=minimum, maximum=maximum, required=required, name=name)

    def read(self, form: Form, name: str, context: Context) -> int | None:
        raw = form.get(name).strip()
        if raw and parse_number(raw) is None:
            form.error(
                name, about(self.label_in(context), N_("Enter %(what)s as a whole number, for example 12."))
            )
            return None
        return super().read(form, name, context)  # type: ignore[return-value]


class Phone(Text):
    """An optional phone number: digits with the usual separators."""

    def __init__(self, label: str, *, name: str | None = None) -> None:
        super().__init__(label, required=False, max_length=40, name=name)

    def read(self, form: Form, name: str, context: Context) -> str:
        phone = super().read(form, name, context)
        if phone and (not _PHONE.fullmatch(phone) or sum(c.isdigit() for c in phone) < 3):
            form.error(
                name,
                about(self.label_in(context), N_("Enter a phone number with digits, for example 555-0142.")),
            )
        return phone


# Referral sources


@dataclass(frozen=True)
class SourceInput:
    name: str
    kind: SourceKind
    contact_name: str
    contact_email: str
    contact_phone: str
    address: str


SOURCE_FIELDS = ("name", "kind", "contact_name", "contact_email", "contact_phone", "address")


def source_form(source: ReferralSource) -> Form:
    return Form(values={field: str(getattr(source, field)) for field in SOURCE_FIELDS})


class SourceForm(DeclaredForm):
    name = Text(N_("the agency's name"))
    kind = Choice(N_("the kind of agency"), options=SOURCE_KINDS)
    contact_name = Text(N_("a contact person"), required=False)
    contact_email = Email(required=False)
    contact_phone = Phone(N_("a phone number"))
    address = Text(N_("an address"), required=False, max_length=1000)


def read_source(form: Form) -> SourceInput | None:
    source = SourceForm.read(form)
    if not source.is_valid:
        return None
    return SourceInput(**{**source.values(), "kind": SourceKind(source.kind)})


# Offenses


@dataclass(frozen=True)
class OffenseInput:
    name: str
    category: str
    offense_class: OffenseClass


def offense_form(offense: Any) -> Form:
    return Form(
        values={
            "name": offense.name,
            "category": offense.category,
            "offense_class": offense.offense_class.value,
        }
    )


class OffenseForm(DeclaredForm):
    name = Text(N_("the offense's name"))
    category = Text(N_("a category, for example theft"), max_length=60)
    offense_class = Choice(N_("the offense class"), options=OFFENSE_CLASSES)


def read_offense(form: Form) -> OffenseInput | None:
    offense = OffenseForm.read(form)
    if not offense.is_valid:
        return None
    return OffenseInput(offense.name, offense.category, OffenseClass(offense.offense_class))


# Factors


class FactorForm(DeclaredForm):
    """A factor's name; the add form names its field after the list (``strength_name``), read with a prefix."""

    name = Text(N_("a name"), max_length=120)


def read_factor_name(form: Form, prefix: str = "") -> str | None:
    factor = FactorForm.read(form, prefix=prefix)
    return factor.name if factor.is_valid else None


# Sanction grid


def grid_field(bound: str, sanction_type: SanctionType, offense_class: OffenseClass) -> str:
    """Name of a grid input: ``min__community_service__A`` or ``max__community_service__A``."""
    return f"{bound}__{sanction_type.value}__{offense_class.value}"


def grid_form(rules: Iterable[SanctionRule]) -> Form:
    values: dict[str, str] = {}
    for rule in rules:
        values[grid_field("min", rule.sanction_type, rule.offense_class)] = str(rule.min_quantity)
        values[grid_field("max", rule.sanction_type, rule.offense_class)] = str(rule.max_quantity)
    return Form(values=values)


def read_grid(form: Form) -> dict[Cell, Range | None]:
    """Every cell's range; ``None`` for a cell left empty (that sanction is not allowed for the class)."""
    grid: dict[Cell, Range | None] = {}
    for sanction_type in SanctionType:
        for offense_class in OffenseClass:
            low_name = grid_field("min", sanction_type, offense_class)
            high_name = grid_field("max", sanction_type, offense_class)
            where = _(
                "%(sanction)s for class %(letter)s",
                sanction=_(sanction_type.label).lower(),
                letter=offense_class.value,
            )
            low_raw, high_raw = form.get(low_name).strip(), form.get(high_name).strip()
            if not low_raw and not high_raw:
                grid[(sanction_type, offense_class)] = None
                continue
            if not low_raw or not high_raw:
                missing = low_name if not low_raw else high_name
                form.error(
                    missing,
                    _(
                        "Enter both the minimum and the maximum of %(where)s, or leave both empty "
                        "if it is not allowed.",
                        where=where,
                    ),
                )
                continue
            cell = grid_cell_form(sanction_type, offense_class).read(form, words={"where": where})
            if cell.is_valid_cell():
                grid[(sanction_type, offense_class)] = (cell.low, cell.high)
    return grid


class GridCellForm(DeclaredForm):
    """One cell of the grid, both bounds typed; :func:`grid_cell_form` names its fields after the cell."""

    low: Any
    high: Any

    def check(self) -> None:
        if self.low is not None and self.high is not None and self.low > self.high:
            self.error(
                "high",
                _(
                    "The maximum of %(where)s (%(high)s) must not be less than the minimum (%(low)s).",
                    where=self.context.words["where"],
                    high=self.high,
                    low=self.low,
                ),
            )

    def is_valid_cell(self) -> bool:
        return not self.has_error("low") and not self.has_error("high")


@cache
def grid_cell_form(sanction_type: SanctionType, offense_class: OffenseClass) -> type[GridCellForm]:
    """The form of one cell, whose inputs are named ``min__<type>__<class>`` and ``max__<type>__<class>``."""
    fields = {
        "low": WholeNumber(
            N_("the minimum of {where}"),
            minimum=0,
            maximum=GRID_MAXIMUM,
            name=grid_field("min", sanction_type, offense_class),
        ),
        "high": WholeNumber(
            N_("the maximum of {where}"),
            minimum=0,
            maximum=GRID_MAXIMUM,
            name=grid_field("max", sanction_type, offense_class),
        ),
    }
    return type(f"GridCellForm_{sanction_type.value}_{offense_class.value}", (GridCellForm,), fields)


# Program policy


@dataclass(frozen=True)
class PolicyInput:
    min_age: int
    max_age: int
    accepted_classes: str
    first_time_only: bool
    family_response_days: int
    hearing_target_days: int
    sanction_deadline_days: int
    contact_interval_days: int
    follow_up_months: str
    jury_min: int
    jury_max: int
    absence_limit: int
    absence_window: int
    credits_per_hour: int
    suppression_threshold: int
    mfa_for_jurors: bool
    session_idle_minutes: int
    session_absolute_hours: int
    auto_seal_months: int | None
    contact_phone: str


POLICY_FIELDS = tuple(PolicyInput.__dataclass_fields__)


def policy_form(policy: ProgramPolicy) -> Form:
    names = (
        "min_age",
        "max_age",
        "suppression_threshold",
        "session_idle_minutes",
        "session_absolute_hours",
        *DAY_FIELDS,
        *JURY_FIELDS,
    )
    values = {name: str(getattr(policy, name)) for name in names}
    values["accepted_classes"] = policy.accepted_classes
    values["follow_up_months"] = ",".join(str(m) for m in policy.follow_up_windows)
    values["auto_seal_months"] = str(policy.auto_seal_months or "")
    values["contact_phone"] = policy.contact_phone
    if policy.first_time_only:
        values["first_time_only"] = "yes"
    if policy.mfa_for_jurors:
        values["mfa_for_jurors"] = "yes"
    return Form(values=values)


def _days(name: str) -> WholeNumber:
    label, upper = DAY_FIELDS[name]
    return WholeNumber(label, minimum=1, maximum=upper)


def _jury(name: str) -> WholeNumber:
    _title, label, upper = JURY_FIELDS[name]
    return WholeNumber(label, minimum=1, maximum=upper)


class PolicyForm(DeclaredForm):
    """The program's eligibility rules, deadlines, juror settings, report threshold and security."""

    min_age = WholeNumber(N_("the youngest age accepted"), minimum=AGE_LIMITS[0], maximum=AGE_LIMITS[1])
    max_age = WholeNumber(N_("the oldest age accepted"), minimum=AGE_LIMITS[0], maximum=AGE_LIMITS[1])
    accepted_classes = Many(options=OFFENSE_CLASSES)
    follow_up_months = Many(options=dict.fromkeys(FOLLOW_UP_MONTHS))
    family_response_days = _days("family_response_days")
    hearing_target_days = _days("hearing_target_days")
    sanction_deadline_days = _days("sanction_deadline_days")
    contact_interval_days = _days("contact_interval_days")
    jury_min = _jury("jury_min")
    jury_max = _jury("jury_max")
    absence_limit = _jury("absence_limit")
    absence_window = _jury("absence_window")
    credits_per_hour = _jury("credits_per_hour")
    suppression_threshold = WholeNumber(
        N_("the smallest count reports show"), minimum=SUPPRESSION_LIMITS[0], maximum=SUPPRESSION_LIMITS[1]
    )
    session_idle_minutes = WholeNumber(
        N_("the idle minutes before sign-out"), minimum=SESSION_IDLE_LIMITS[0], maximum=SESSION_IDLE_LIMITS[1]
    )
    session_absolute_hours = WholeNumber(
        N_("the longest session in hours"),
        minimum=SESSION_ABSOLUTE_LIMITS[0],
        maximum=SESSION_ABSOLUTE_LIMITS[1],
    )
    auto_seal_months = WholeNumber(
        N_("the months before a completed case is sealed"), minimum=1, maximum=AUTO_SEAL_LIMIT, required=False
    )
    contact_phone = Phone(N_("the program's phone number"))
    first_time_only = Flag()
    mfa_for_jurors = Flag()

    def check(self) -> None:
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            self.error("max_age", _("The oldest age must not be below the youngest age."))
        if not self.accepted_classes:
            self.error("accepted_classes", _("Choose at least one offense class the program accepts."))
        if not self.follow_up_months:
            self.error("follow_up_months", _("Choose at least one follow-up window."))
        if self.jury_min and self.jury_max and self.jury_min > self.jury_max:
            self.error("jury_max", _("The largest jury must not be smaller than the smallest."))
        if self.absence_limit and self.absence_window and self.absence_limit > self.absence_window:
            self.error(
                "absence_window", _("The absences that flag a juror cannot be more than the nights counted.")
            )


def read_policy(form: Form) -> PolicyInput | None:
    """Check the policy form; the ticked boxes are kept in the page as one value each (``ABC``, ``6,12``)."""
    policy = PolicyForm.read(form)
    classes = "".join(policy.accepted_classes)
    months = ",".join(policy.follow_up_months)
    form.values.update(accepted_classes=classes, follow_up_months=months)
    if not policy.is_valid:
        return None
    return PolicyInput(**{**policy.values(), "accepted_classes": classes, "follow_up_months": months})


# Court-role progression

ROLE_RULE_FIELDS = ("min_nights", "training_hours", "training_course", "prior_role")
MAX_ROLE_NIGHTS = 100
MAX_ROLE_TRAINING_HOURS = Decimal(200)


def role_field(role: CourtRole, name: str) -> str:
    """Name of a progression input: ``youth_judge__min_nights``."""
    return f"{role.value}__{name}"


def prior_role_choices(role: CourtRole) -> dict[str, str]:
    """The roles that may come before ``role``, with their English labels (pages show ``_(label)``)."""
    return {other.value: other.label for other in PROGRESSION_ROLES if other != role}


def role_rules_values(rules: Mapping[CourtRole, RoleRule]) -> dict[str, str]:
    values = {}
    for role, rule in rules.items():
        values[role_field(role, "min_nights")] = str(rule.min_nights)
        values[role_field(role, "training_hours")] = format_hours(rule.training_hours)
        values[role_field(role, "training_course")] = rule.training_course
        values[role_field(role, "prior_role")] = rule.prior_role.value if rule.prior_role else ""
    return values


class RoleRuleForm(DeclaredForm):
    """What a court role needs, one row per role read with the role as prefix (``youth_judge__min_nights``)."""

    min_nights = WholeNumber(N_("the nights a {where} must have served"), minimum=0, maximum=MAX_ROLE_NIGHTS)
    training_hours = Number(
        N_("the training hours of a {where}"),
        places=2,
        allow_zero=True,
        maximum=MAX_ROLE_TRAINING_HOURS,
        example="4",
    )
    training_course = Text(N_("the training a {where} must attend"), required=False)
    prior_role = Choice(N_("the role a {where} must hold first, or none"), required=False)


def read_role_rules(form: Form) -> dict[CourtRole, RoleRule]:
    """Each role's rule from the policy form; a prior role that leads back to the role is refused."""
    rules: dict[CourtRole, RoleRule] = {}
    for role in PROGRESSION_ROLES:
        rule = RoleRuleForm.read(
            form,
            prefix=role_field(role, ""),
            words={"where": _(role.label).lower()},
            options={"prior_role": prior_role_choices(role)},
        )
        rules[role] = RoleRule(
            role,
            min_nights=rule.min_nights or 0,
            training_hours=(rule.training_hours or Decimal(0)).quantize(Decimal("0.01")),
            training_course=rule.training_course,
            prior_role=CourtRole(rule.prior_role)
            if rule.prior_role and not rule.has_error("prior_role")
            else None,
        )
    for role, rule in rules.items():
        seen = [role]
        current = rule.prior_role
        while current is not None and current not in seen:
            seen.append(current)
            current = rules[current].prior_role if current in rules else None
        if current is not None:
            chain = " → ".join(_(r.label).lower() for r in [*seen, current])
            form.error(
                role_field(role, "prior_role"),
                _(
                    "The prior roles go round in a circle (%(chain)s), so nobody could ever be granted "
                    "them. Remove one of them.",
                    chain=chain,
                ),
            )
            break
    return rules
