"""Reading a program's reference data, and checking a sanction against the grid."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.reference.defaults import ensure_defaults
from youthcourt.reference.models import (
    Factor,
    FactorKind,
    Offense,
    OffenseClass,
    ProgramPolicy,
    ReferralSource,
    SanctionRule,
    SanctionType,
)


async def policy(db: AsyncSession, program_id: UUID) -> ProgramPolicy:
    """The program's policy (created with the defaults on first use)."""
    return await ensure_defaults(db, program_id)


async def active_sources(db: AsyncSession) -> list[ReferralSource]:
    query = select(ReferralSource).where(ReferralSource.is_active).order_by(ReferralSource.name)
    return list((await db.scalars(query)).all())


async def active_offenses(db: AsyncSession) -> list[Offense]:
    query = select(Offense).where(Offense.is_active).order_by(Offense.offense_class, Offense.name)
    return list((await db.scalars(query)).all())


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
