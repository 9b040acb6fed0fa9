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
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.jurors.forms import AdjustmentForm, RedeemForm
from youthcourt.jurors.models import CreditEntry, CreditKind, Juror, Reward
from youthcourt.web.forms import Form
from youthcourt.web.i18n import _, ngettext
from youthcourt.web.numbers import format_number


class LedgerError(ValueError):
    """The entry would overdraw the balance, or is not a valid entry."""


def balance_of(juror: Juror) -> Decimal:
    """The balance of a juror read in this request (the database keeps it as entries are added)."""
    return Decimal(juror.credit_balance or 0)


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
    """Credits as every number is shown (5, 1.5, -2.25), with +3 for a gain when ``signed``."""
    return ("+" if signed and (value or 0) > 0 else "") + format_number(value)


def credits_text(value: Decimal | int | None, *, signed: bool = False) -> str:
    """ "1 credit", "2.5 credits", "0 credits" (and "+1 credit" when ``signed``)."""
    text = format_credits(value, signed=signed)
    one = text.lstrip("+-") == "1"
    return ngettext("%(amount)s credit", "%(amount)s credits", 1 if one else 2, amount=text)


def shortfall(available: Decimal | int | None) -> str:
    """Why a spend is refused: "Only 1 credit is available." """
    one = format_credits(available) == "1"
    return ngettext(
        "Only %(amount)s credit is available.",
        "Only %(amount)s credits are available.",
        1 if one else 2,
        amount=format_credits(available),
    )


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
        raise LedgerError(_("The amount cannot be zero."))
    if kind in (CreditKind.SERVICE, CreditKind.TRAINING) and amount < 0:
        raise LedgerError(_("Credits earned cannot be negative."))
    if kind == CreditKind.REDEMPTION and amount > 0:
        raise LedgerError("A redemption spends credits.")
    if kind == CreditKind.ADJUSTMENT and not reason.strip():
        raise LedgerError(_("An adjustment needs a reason."))
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


def catalog_query() -> Select[tuple[Reward]]:
    """The rewards a juror can redeem now, cheapest first: the catalog jurors see in their portal."""
    return select(Reward).where(Reward.is_active.is_(True)).order_by(Reward.cost, Reward.name, Reward.id)


async def active_rewards(db: AsyncSession) -> list[Reward]:
    """The rewards a juror can redeem now, cheapest first."""
    return list((await db.scalars(catalog_query())).all())


@dataclass(frozen=True)
class Redeemed:
    entry: CreditEntry
    reward: Reward

    @property
    def message(self) -> str:
        return _(
            "%(reward)s was redeemed for %(credits)s.",
            reward=self.reward.name,
            credits=credits_text(self.reward.cost),
        )


class LedgerService(SQLAlchemyAsyncRepositoryService[CreditEntry]):
    """A coordinator's entries on a juror's ledger, each with its audit entry, callable without a request.

    The form's checks of the balance are for a clear message; :func:`add_entry` and the database
    still refuse an overdraft when two spends arrive together, and the form then says so.
    """

    class Repository(SQLAlchemyAsyncRepository[CreditEntry]):
        model_type = CreditEntry

    repository_type = Repository

    @property
    def db(self) -> AsyncSession:
        return self.repository.session

    async def redeem(self, actor: Actor, juror: Juror, form: Form) -> Redeemed | None:
        """Spend credits on the active reward chosen on ``form``; None, with the form's errors, when refused."""
        offered = {str(reward.id): reward for reward in await active_rewards(self.db)}
        reward = offered.get(RedeemForm.read(form, options={"reward_id": offered}).reward_id)
        if reward is None:
            return None
        available = await balance(self.db, juror.id)
        if reward.cost > available:
            form.error("reward_id", shortfall(available))
            return None
        entry = await self._add(
            actor,
            juror,
            form,
            "reward_id",
            CreditKind.REDEMPTION,
            -reward.cost,
            reason=f"Redeemed: {reward.name}",
            reward_id=reward.id,
        )
        if entry is None:
            return None
        details = {
            "entry_id": str(entry.id),
            "reward_id": str(reward.id),
            "amount": format_credits(entry.amount),
        }
        audit.record(
            self.db, actor, "credit_redeem", record_type="juror", record_id=juror.id, details=details
        )
        return Redeemed(entry, reward)

    async def adjust(self, actor: Actor, juror: Juror, form: Form) -> CreditEntry | None:
        """Add or take off credits with a reason; None, with the form's errors, when refused."""
        adjustment = AdjustmentForm.read(form)
        amount, reason = adjustment.amount, adjustment.reason
        if amount is not None and amount < 0:
            available = await balance(self.db, juror.id)
            if available + amount < 0:
                one = format_credits(available) == "1"
                form.error(
                    "amount",
                    ngettext(
                        "Only %(amount)s credit is available: the balance cannot go below zero.",
                        "Only %(amount)s credits are available: the balance cannot go below zero.",
                        1 if one else 2,
                        amount=format_credits(available),
                    ),
                )
        if not form.is_valid or amount is None:
            return None
        entry = await self._add(actor, juror, form, "amount", CreditKind.ADJUSTMENT, amount, reason=reason)
        if entry is None:
            return None
        details = {"entry_id": str(entry.id), "amount": format_credits(entry.amount)}
        audit.record(
            self.db, actor, "credit_adjust", record_type="juror", record_id=juror.id, details=details
        )
        return entry

    async def _add(
        self,
        actor: Actor,
        juror: Juror,
        form: Form,
        field: str,
        kind: CreditKind,
        amount: Decimal,
        *,
        reason: str,
        reward_id: UUID | None = None,
    ) -> CreditEntry | None:
        """The entry, or None with the refusal on ``field`` (credits spent meanwhile by another request)."""
        try:
            return await add_entry(
                self.db,
                juror,
                kind,
                amount,
                actor.viewer.today(),
                reason=reason,
                actor_name=actor.viewer.full_name,
                reward_id=reward_id,
            )
        except LedgerError as error:
            form.error(field, str(error))
            return None
