"""The time-credit ledger: one hour of service earns one credit (a program setting).

Entries are only ever added. The balance is the sum of a juror's entries and can never
go below zero: a redemption or adjustment that would overdraw it is refused.

The database holds both rules, so they hold for requests that arrive together: the juror's
``credit_balance`` column is moved by a trigger on every new entry and a check constraint
keeps it at zero or above. Before spending, :func:`add_entry` claims the credits with a
conditional update of the juror's row, which waits for any other transaction spending from
the same balance and then sees its result; if the credits are no longer there, nothing is
written and the refusal says how many are left.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.jurors.models import CreditEntry, CreditKind, Juror


class LedgerError(ValueError):
    """The entry would overdraw the balance, or is not a valid entry."""


async def balance(db: AsyncSession, juror_id: UUID) -> Decimal:
    total = await db.scalar(select(Juror.credit_balance).where(Juror.id == juror_id))
    return Decimal(total or 0)


async def balances(db: AsyncSession, juror_ids: list[UUID]) -> dict[UUID, Decimal]:
    """Balances of many jurors in one query."""
    if not juror_ids:
        return {}
    rows = await db.execute(select(Juror.id, Juror.credit_balance).where(Juror.id.in_(juror_ids)))
    found = {juror_id: Decimal(total) for juror_id, total in rows.all()}
    return {juror_id: found.get(juror_id, Decimal(0)) for juror_id in juror_ids}


async def _claim(db: AsyncSession, juror_id: UUID, amount: Decimal) -> bool:
    """Take the juror's row for this transaction if the balance covers ``amount`` (negative).

    The update changes nothing itself (the entry's trigger moves the balance); it holds the row
    until the transaction ends, so a concurrent spend waits and then finds what is left.
    """
    table = Juror.__table__
    result = await db.execute(
        update(table)
        .where(table.c.id == juror_id, table.c.credit_balance + amount >= 0)
        .values(credit_balance=table.c.credit_balance)
    )
    return result.rowcount == 1


def format_credits(value: Decimal | int | None, *, signed: bool = False) -> str:
    """Credits without trailing zeros: 5, 1.5, -2.25 (and +3 when ``signed``)."""
    number = Decimal(value or 0).quantize(Decimal("0.01"))
    text = f"{number.normalize():f}"
    if text in ("-0", "0"):
        text = "0"
    return f"+{text}" if signed and number > 0 else text


def credits_text(value: Decimal | int | None, *, signed: bool = False) -> str:
    """ "1 credit", "2.5 credits", "0 credits" (and "+1 credit" when ``signed``)."""
    text = format_credits(value, signed=signed)
    return f"{text} credit" if text.lstrip("+-") == "1" else f"{text} credits"


def shortfall(available: Decimal | int | None) -> str:
    """Why a spend is refused: "Only 1 credit is available." """
    verb = "is" if format_credits(available) == "1" else "are"
    return f"Only {credits_text(available)} {verb} available."


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
    if amount < 0 and not await _claim(db, juror.id, amount):
        available = await balance(db, juror.id)
        raise LedgerError(shortfall(available))
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
