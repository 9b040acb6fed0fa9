"""The time-credit ledger: one hour of service earns one credit (a program setting).

Entries are only ever added. The balance is the sum of a juror's entries and can never
go below zero: a redemption or adjustment that would overdraw it is refused.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.jurors.models import CreditEntry, CreditKind, Juror


class LedgerError(ValueError):
    """The entry would overdraw the balance, or is not a valid entry."""


async def balance(db: AsyncSession, juror_id: UUID) -> Decimal:
    total = await db.scalar(
        select(func.coalesce(func.sum(CreditEntry.amount), 0)).where(CreditEntry.juror_id == juror_id)
    )
    return Decimal(total or 0)


async def balances(db: AsyncSession, juror_ids: list[UUID]) -> dict[UUID, Decimal]:
    """Balances of many jurors in one query."""
    if not juror_ids:
        return {}
    rows = await db.execute(
        select(CreditEntry.juror_id, func.sum(CreditEntry.amount))
        .where(CreditEntry.juror_id.in_(juror_ids))
        .group_by(CreditEntry.juror_id)
    )
    found = {juror_id: Decimal(total) for juror_id, total in rows.all()}
    return {juror_id: found.get(juror_id, Decimal(0)) for juror_id in juror_ids}


async def add_entry(
    db: AsyncSession,
    juror: Juror,
    kind: CreditKind,
    amount: Decimal,
    occurred_on: datetime.date,
    *,
    reason: str = "",
    actor_name: str = "",
    booking_id: UUID | None = None,
    training_id: UUID | None = None,
    reward_id: UUID | None = None,
) -> CreditEntry:
    """Append an entry; refuses a zero amount, earnings below zero, and anything that overdraws."""
    if amount == 0:
        raise LedgerError("The amount cannot be zero.")
    if kind in (CreditKind.SERVICE, CreditKind.TRAINING) and amount < 0:
        raise LedgerError("Credits earned cannot be negative.")
    if kind == CreditKind.REDEMPTION and amount > 0:
        raise LedgerError("A redemption spends credits.")
    if kind == CreditKind.ADJUSTMENT and not reason.strip():
        raise LedgerError("An adjustment needs a reason.")
    if amount < 0:
        # Lock the juror's row while checking, so two redemptions at once cannot both pass.
        await db.scalar(select(Juror.id).where(Juror.id == juror.id).with_for_update())
        available = await balance(db, juror.id)
        if available + amount < 0:
            raise LedgerError(f"Only {available:g} credits are available.")
    entry = CreditEntry(
        program_id=juror.program_id,
        juror_id=juror.id,
        kind=kind,
        amount=amount,
        occurred_on=occurred_on,
        reason=reason,
        actor_name=actor_name,
        booking_id=booking_id,
        training_id=training_id,
        reward_id=reward_id,
    )
    db.add(entry)
    await db.flush()
    return entry
