"""Reading a program's reference data, and checking a sanction against the grid."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from litestar.connection import ASGIConnection
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.reference.defaults import ROLE_RULES, ensure_defaults
from youthcourt.reference.models import (
    CourtRole,
    Factor,
    FactorKind,
    Offense,
    OffenseClass,
    ProgramPolicy,
    ReferralSource,
    RoleRequirement,
    SanctionRule,
    SanctionType,
)

CHANGE = "reference_change"
"""The audit action of every change to reference data; ``details["change"]`` says which."""

Cell = tuple[SanctionType, OffenseClass]
Range = tuple[int, int]


def record_change(
    db: AsyncSession,
    source: ASGIConnection | Actor,
    record_type: str,
    record_id: UUID,
    change: str,
    **details: str,
) -> None:
    """An entry for a change to reference data: which fields changed, never agency people's names."""
    audit.record(
        db,
        source,
        CHANGE,
        record_type=record_type,
        record_id=record_id,
        details={"change": change, **details},
    )


async def policy(db: AsyncSession, program_id: UUID) -> ProgramPolicy:
    """The program's policy (created with the defaults on first use)."""
    return await ensure_defaults(db, program_id)


ACTIVE_SOURCES = select(ReferralSource).where(ReferralSource.is_active).order_by(ReferralSource.name)
ACTIVE_OFFENSES = select(Offense).where(Offense.is_active).order_by(Offense.offense_class, Offense.name)


async def active_sources(db: AsyncSession) -> list[ReferralSource]:
    return list((await db.scalars(ACTIVE_SOURCES)).all())


async def active_offenses(db: AsyncSession) -> list[Offense]:
    return list((await db.scalars(ACTIVE_OFFENSES)).all())


async def active_factors(db: AsyncSession, kind: FactorKind) -> list[Factor]:
    query = select(Factor).where(Factor.is_active, Factor.kind == kind).order_by(Factor.name)
    return list((await db.scalars(query)).all())


@dataclass(frozen=True)
class GridCheck:
    within: bool
    minimum: int | None
    maximum: int | None

    @property
    def message(self) -> str:
        if self.minimum is None:
            return "The sanction grid has no range for this sanction and offense class."
        return f"The grid allows {self.minimum} to {self.maximum} for this offense class."


async def check_against_grid(
    db: AsyncSession, offense_class: OffenseClass, sanction_type: SanctionType, quantity: Decimal
) -> GridCheck:
    """Whether ``quantity`` of ``sanction_type`` is within the program's grid for ``offense_class``."""
    rule = await db.scalar(
        select(SanctionRule).where(
            SanctionRule.offense_class == offense_class, SanctionRule.sanction_type == sanction_type
        )
    )
    if rule is None:
        return GridCheck(False, None, None)
    return GridCheck(rule.min_quantity <= quantity <= rule.max_quantity, rule.min_quantity, rule.max_quantity)


PROGRESSION_ROLES = (CourtRole.FOREPERSON, CourtRole.CLERK, CourtRole.BAILIFF, CourtRole.YOUTH_JUDGE)
"""Roles with a progression rule; plain jurors need only the oath."""


def format_hours(value: Decimal) -> str:
    """4 rather than 4.00; 1.5 keeps its half hour."""
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value:.2f}".rstrip("0")


@dataclass(frozen=True)
class RoleRule:
    """What a juror needs before ``role`` is granted."""

    role: CourtRole
    min_nights: int = 0
    training_hours: Decimal = Decimal(0)
    training_course: str = ""
    prior_role: CourtRole | None = None

    @property
    def needs(self) -> list[str]:
        """The prerequisites in words: "3 nights served", "Foreperson first"."""
        parts = []
        if self.min_nights:
            parts.append(f"{self.min_nights} night{'s' if self.min_nights != 1 else ''} served")
        if self.training_hours:
            hours = format_hours(self.training_hours)
            parts.append(f"{hours} hour{'s' if self.training_hours != 1 else ''} of training")
        if self.training_course:
            parts.append(f"the training “{self.training_course}”")
        if self.prior_role is not None:
            parts.append(f"{self.prior_role.label} first")
        return parts

    @property
    def text(self) -> str:
        return ", ".join(self.needs) if self.needs else "No prerequisites"


def rule_of(requirement: RoleRequirement) -> RoleRule:
    return RoleRule(
        role=requirement.role,
        min_nights=requirement.min_nights,
        training_hours=Decimal(str(requirement.training_hours)),
        training_course=requirement.training_course,
        prior_role=requirement.prior_role,
    )


def default_rule(role: CourtRole) -> RoleRule:
    return RoleRule(role, **ROLE_RULES.get(role, {}))  # type: ignore[arg-type]


async def progression_rules(db: AsyncSession) -> dict[CourtRole, RoleRule]:
    """The program's progression rule for each court role; the defaults where it has not set one."""
    saved = {row.role: rule_of(row) for row in (await db.scalars(select(RoleRequirement))).all()}
    return {role: saved.get(role) or default_rule(role) for role in PROGRESSION_ROLES}


async def save_grid(db: AsyncSession, actor: Actor, grid: dict[Cell, Range | None]) -> int:
    """Make the program's sanction grid ``grid`` and audit each changed cell; returns how many changed.

    A cell set to None is not allowed any more: its rule is removed. Nothing changed, nothing is audited.
    """
    program_id = actor.viewer.program_id if actor.viewer else None
    assert program_id is not None
    rules = {(r.sanction_type, r.offense_class): r for r in (await db.scalars(select(SanctionRule))).all()}
    details: dict[str, str] = {}
    for cell, wanted in grid.items():
        rule = rules.get(cell)
        before = f"{rule.min_quantity}-{rule.max_quantity}" if rule else "not allowed"
        if wanted is None:
            if rule is not None:
                await db.delete(rule)
                details[f"{cell[0].value} {cell[1].value}"] = f"{before} -> not allowed"
            continue
        if rule is None:
            rule = SanctionRule(program_id=program_id, sanction_type=cell[0], offense_class=cell[1])
            db.add(rule)
        elif (rule.min_quantity, rule.max_quantity) == wanted:
            continue
        rule.min_quantity, rule.max_quantity = wanted
        details[f"{cell[0].value} {cell[1].value}"] = f"{before} -> {wanted[0]}-{wanted[1]}"
    if details:
        record_change(db, actor, "sanction_grid", program_id, "edit", **details)
    return len(details)
