"""Reading and checking the reference data forms: sources, offenses, factors, the grid and the policy.

Each reader takes a :class:`~youthcourt.web.forms.Form`, records a message per field that
is wrong, and returns the cleaned values. Checks that need the database (a name already
in use) are made by the controllers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
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
from youthcourt.web.forms import Form

SOURCE_KINDS = {
    SourceKind.POLICE.value: "Police",
    SourceKind.SCHOOL.value: "School",
    SourceKind.PROBATION.value: "Probation / juvenile intake",
    SourceKind.COURT.value: "Court",
    SourceKind.FAMILY.value: "Family",
    SourceKind.OTHER.value: "Other",
}
OFFENSE_CLASSES = {
    OffenseClass.A.value: "A (least serious)",
    OffenseClass.B.value: "B",
    OffenseClass.C.value: "C",
    OffenseClass.D.value: "D (most serious)",
}
FACTOR_KINDS = {
    FactorKind.CONTRIBUTING.value: "Contributing factors",
    FactorKind.STRENGTH.value: "Strengths",
}
FOLLOW_UP_MONTHS = ("6", "12", "18", "24")

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
    "family_response_days": ("the days a family has to respond", 180),
    "hearing_target_days": ("the target days from referral to hearing", 365),
    "sanction_deadline_days": ("the days allowed to complete sanctions", 730),
    "contact_interval_days": ("the days between family contacts", 180),
}
"""Policy fields counted in days: what they are called in messages and their upper bound."""

JURY_FIELDS: dict[str, tuple[str, str, int]] = {
    "jury_min": ("Smallest jury", "the smallest jury", 20),
    "jury_max": ("Largest jury", "the largest jury", 20),
    "absence_limit": ("Absences that flag a juror", "the absences that flag a juror", 20),
    "absence_window": ("Out of the last nights", "the nights the absence rule looks back over", 50),
    "credits_per_hour": ("Time credits per hour served", "the credits per hour", 10),
}
"""Juror program settings: label, name in messages, upper bound (all whole numbers from 1)."""

_DIGITS = re.compile(r"[0-9]+")
_NEGATIVE = re.compile(r"-[0-9]+")
_PHONE = re.compile(r"[0-9+()./ x-]*")


def whole_number(
    form: Form, name: str, label: str, *, minimum: int, maximum: int, required: bool = True
) -> int | None:
    """A whole number from ``minimum`` to ``maximum``; ``None`` when empty or wrong."""
    raw = form.get(name).strip()
    if not raw:
        if required:
            form.error(name, f"Enter {label}.")
        return None
    if _NEGATIVE.fullmatch(raw):
        form.error(name, f"{_capitalize(label)} cannot be negative.")
        return None
    if not _DIGITS.fullmatch(raw):
        form.error(name, f"Enter {label} as a whole number, for example 12.")
        return None
    value = int(raw) if len(raw) <= 9 else maximum + 1
    if not minimum <= value <= maximum:
        form.error(name, f"{_capitalize(label)} must be from {minimum} to {maximum}.")
        return None
    return value


def checked(data: Mapping[str, Any] | None, name: str, options: Iterable[str]) -> list[str]:
    """The ticked boxes of a checkbox group, in the order of ``options``; unknown values are ignored."""
    raw = (data or {}).get(name, [])
    chosen = {str(value) for value in (raw if isinstance(raw, list) else [raw])}
    return [option for option in options if option in chosen]


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


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


def read_source(form: Form) -> SourceInput | None:
    name = form.text("name", "the agency's name")
    kind = form.choice("kind", "the kind of agency", SOURCE_KINDS)
    contact_name = form.text("contact_name", "a contact person", required=False)
    contact_email = form.email("contact_email", required=False)
    contact_phone = form.text("contact_phone", "a phone number", required=False, max_length=40)
    if contact_phone and (not _PHONE.fullmatch(contact_phone) or sum(c.isdigit() for c in contact_phone) < 3):
        form.error("contact_phone", "Enter a phone number with digits, for example 555-0142.")
    address = form.text("address", "an address", required=False, max_length=1000)
    if not form.is_valid:
        return None
    return SourceInput(name, SourceKind(kind), contact_name, contact_email, contact_phone, address)


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


def read_offense(form: Form) -> OffenseInput | None:
    name = form.text("name", "the offense's name")
    category = form.text("category", "a category, for example theft", max_length=60)
    offense_class = form.choice("offense_class", "the offense class", OFFENSE_CLASSES)
    if not form.is_valid:
        return None
    return OffenseInput(name, category, OffenseClass(offense_class))


# Factors


def read_factor_name(form: Form, name: str = "name") -> str | None:
    value = form.text(name, "a name", max_length=120)
    return value if form.is_valid else None


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
            where = f"{sanction_type.label.lower()} for class {offense_class.value}"
            low_raw, high_raw = form.get(low_name).strip(), form.get(high_name).strip()
            if not low_raw and not high_raw:
                grid[(sanction_type, offense_class)] = None
                continue
            if not low_raw or not high_raw:
                missing = low_name if not low_raw else high_name
                form.error(
                    missing,
                    f"Enter both the minimum and the maximum of {where}, or leave both empty "
                    "if it is not allowed.",
                )
                continue
            low = whole_number(form, low_name, f"the minimum of {where}", minimum=0, maximum=GRID_MAXIMUM)
            high = whole_number(form, high_name, f"the maximum of {where}", minimum=0, maximum=GRID_MAXIMUM)
            if low is not None and high is not None:
                if low > high:
                    form.error(
                        high_name,
                        f"The maximum of {where} ({high}) must not be less than the minimum ({low}).",
                    )
                else:
                    grid[(sanction_type, offense_class)] = (low, high)
    return grid


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


def read_phone(form: Form, name: str, label: str) -> str:
    """An optional phone number: digits with the usual separators."""
    phone = form.text(name, label, required=False, max_length=40)
    if phone and (not _PHONE.fullmatch(phone) or sum(c.isdigit() for c in phone) < 3):
        form.error(name, "Enter a phone number with digits, for example 555-0142.")
    return phone


def read_security(form: Form) -> dict[str, int | None]:
    """The security settings: session limits and automatic sealing (empty means never)."""
    return {
        "session_idle_minutes": whole_number(
            form,
            "session_idle_minutes",
            "the idle minutes before sign-out",
            minimum=SESSION_IDLE_LIMITS[0],
            maximum=SESSION_IDLE_LIMITS[1],
        ),
        "session_absolute_hours": whole_number(
            form,
            "session_absolute_hours",
            "the longest session in hours",
            minimum=SESSION_ABSOLUTE_LIMITS[0],
            maximum=SESSION_ABSOLUTE_LIMITS[1],
        ),
        "auto_seal_months": whole_number(
            form,
            "auto_seal_months",
            "the months before a completed case is sealed",
            minimum=1,
            maximum=AUTO_SEAL_LIMIT,
            required=False,
        ),
    }


def read_policy(form: Form, data: Mapping[str, Any] | None) -> PolicyInput | None:
    """Check the policy form; checkbox groups are read from the raw ``data`` (several values per name)."""
    low, high = AGE_LIMITS
    min_age = whole_number(form, "min_age", "the youngest age accepted", minimum=low, maximum=high)
    max_age = whole_number(form, "max_age", "the oldest age accepted", minimum=low, maximum=high)
    if min_age is not None and max_age is not None and min_age > max_age:
        form.error("max_age", "The oldest age must not be below the youngest age.")
    classes = "".join(checked(data, "accepted_classes", OFFENSE_CLASSES))
    form.values["accepted_classes"] = classes
    if not classes:
        form.error("accepted_classes", "Choose at least one offense class the program accepts.")
    months = ",".join(checked(data, "follow_up_months", FOLLOW_UP_MONTHS))
    form.values["follow_up_months"] = months
    if not months:
        form.error("follow_up_months", "Choose at least one follow-up window.")
    days = {
        name: whole_number(form, name, label, minimum=1, maximum=upper)
        for name, (label, upper) in DAY_FIELDS.items()
    }
    jury = {
        name: whole_number(form, name, label, minimum=1, maximum=upper)
        for name, (_title, label, upper) in JURY_FIELDS.items()
    }
    if jury["jury_min"] and jury["jury_max"] and jury["jury_min"] > jury["jury_max"]:
        form.error("jury_max", "The largest jury must not be smaller than the smallest.")
    if jury["absence_limit"] and jury["absence_window"] and jury["absence_limit"] > jury["absence_window"]:
        form.error("absence_window", "The absences that flag a juror cannot be more than the nights counted.")
    threshold = whole_number(
        form,
        "suppression_threshold",
        "the smallest count reports show",
        minimum=SUPPRESSION_LIMITS[0],
        maximum=SUPPRESSION_LIMITS[1],
    )
    security = read_security(form)
    contact_phone = read_phone(form, "contact_phone", "the program's phone number")
    if not form.is_valid or min_age is None or max_age is None or threshold is None:
        return None
    return PolicyInput(
        min_age=min_age,
        max_age=max_age,
        suppression_threshold=threshold,
        accepted_classes=classes,
        first_time_only=form.get("first_time_only") == "yes",
        follow_up_months=months,
        mfa_for_jurors=form.get("mfa_for_jurors") == "yes",
        contact_phone=contact_phone,
        **security,  # type: ignore[arg-type]
        **{name: value for name, value in days.items() if value is not None},
        **{name: value for name, value in jury.items() if value is not None},
    )


# Court-role progression

ROLE_RULE_FIELDS = ("min_nights", "training_hours", "training_course", "prior_role")
MAX_ROLE_NIGHTS = 100
MAX_ROLE_TRAINING_HOURS = Decimal(200)


def role_field(role: CourtRole, name: str) -> str:
    """Name of a progression input: ``youth_judge__min_nights``."""
    return f"{role.value}__{name}"


def prior_role_choices(role: CourtRole) -> dict[str, str]:
    return {other.value: other.label for other in PROGRESSION_ROLES if other != role}


def role_rules_values(rules: Mapping[CourtRole, RoleRule]) -> dict[str, str]:
    values = {}
    for role, rule in rules.items():
        values[role_field(role, "min_nights")] = str(rule.min_nights)
        values[role_field(role, "training_hours")] = format_hours(rule.training_hours)
        values[role_field(role, "training_course")] = rule.training_course
        values[role_field(role, "prior_role")] = rule.prior_role.value if rule.prior_role else ""
    return values


def read_role_rules(form: Form) -> dict[CourtRole, RoleRule]:
    """Each role's rule from the policy form; a prior role that leads back to the role is refused."""
    rules: dict[CourtRole, RoleRule] = {}
    for role in PROGRESSION_ROLES:
        where = role.label.lower()
        nights = whole_number(
            form,
            role_field(role, "min_nights"),
            f"the nights a {where} must have served",
            minimum=0,
            maximum=MAX_ROLE_NIGHTS,
        )
        hours_name = role_field(role, "training_hours")
        hours = form.number(
            hours_name,
            f"the training hours of a {where}",
            places=2,
            allow_zero=True,
            maximum=MAX_ROLE_TRAINING_HOURS,
            example="4",
        )
        hours = hours if hours is not None else Decimal(0)
        course = form.text(
            role_field(role, "training_course"), f"the training a {where} must attend", required=False
        )
        prior_name = role_field(role, "prior_role")
        prior_value = form.get(prior_name)
        prior = None
        if prior_value:
            if prior_value in prior_role_choices(role):
                prior = CourtRole(prior_value)
            else:
                form.error(prior_name, f"Choose the role a {where} must hold first, or none.")
        rules[role] = RoleRule(
            role,
            min_nights=nights or 0,
            training_hours=hours.quantize(Decimal("0.01")),
            training_course=course,
            prior_role=prior,
        )
    for role, rule in rules.items():
        seen = [role]
        current = rule.prior_role
        while current is not None and current not in seen:
            seen.append(current)
            current = rules[current].prior_role if current in rules else None
        if current is not None:
            chain = " → ".join(r.label.lower() for r in [*seen, current])
            form.error(
                role_field(role, "prior_role"),
                f"The prior roles go round in a circle ({chain}), so nobody could ever be granted them. "
                "Remove one of them.",
            )
            break
    return rules
