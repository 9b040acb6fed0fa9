"""Coordinators keep the time-credit ledger: a juror's balance and entries, rewards, redemptions.

The ledger only grows. There is no page, route or button that changes or removes an
entry: a mistake is corrected by an adjustment with a reason, which stays on the ledger
beside the entry it corrects.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.jurors.credits import (
    LedgerService,
    active_rewards,
    balance,
    credits_text,
    format_credits,
)
from youthcourt.jurors.forms import RewardForm
from youthcourt.jurors.models import CreditEntry, Juror, Reward
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData
from youthcourt.web.i18n import _
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.templating import page, redirect_to

COORDINATORS = [requires_role(Role.COORDINATOR)]
# Rewards --------------------------------------------------------------------------------------


def reward_form(reward: Reward) -> Form:
    return Form(values={"name": reward.name, "cost": format_credits(reward.cost)})


async def reward_name_taken(db_session: AsyncSession, name: str, exclude: UUID | None) -> bool:
    query = select(Reward.id).where(func.lower(Reward.name) == name.lower()).limit(1)
    if exclude is not None:
        query = query.where(Reward.id != exclude)
    return await db_session.scalar(query) is not None


async def read_reward(
    db_session: AsyncSession, form: Form, exclude: UUID | None
) -> tuple[str, Decimal] | None:
    reward = RewardForm.read(form)
    name, cost = reward.name, reward.cost
    if name and "name" not in form.errors and await reward_name_taken(db_session, name, exclude):
        form.error("name", _("Another reward already has this name. Choose a different name."))
    if not form.is_valid or cost is None:
        return None
    return name, cost


class RewardController(Controller):
    """The rewards jurors can redeem their time credits for."""

    path = "/jurors/rewards"
    guards = COORDINATORS

    @get("/")
    async def rewards(self, db_session: NamedDependency[AsyncSession], page_no: PageNumber = "1") -> Template:
        query = select(Reward).order_by(Reward.is_active.desc(), Reward.cost, Reward.name)
        results = await paginate(db_session, query, page_number(page_no))
        return page("jurors/ledger/rewards.html", results=results, credits=format_credits)

    @get("/new")
    async def new_reward(self) -> Template:
        return self._form_page(Form(), None)

    @post("/")
    async def create_reward(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], data: FormData
    ) -> Any:
        form = Form.from_data(data)
        values = await read_reward(db_session, form, None)
        if values is None:
            return self._form_page(form, None, status_code=422)
        name, cost = values
        reward = Reward(program_id=request.user.program_id, name=name, cost=cost)
        db_session.add(reward)
        await db_session.flush()
        audit.record(
            db_session,
            request,
            "reward_add",
            record_type="reward",
            record_id=reward.id,
            details={"cost": str(cost)},
        )
        flash(request, _("The reward was added."))
        return redirect_to(request, "/jurors/rewards")

    @get("/{reward_id:uuid}")
    async def edit_reward(
        self, db_session: NamedDependency[AsyncSession], reward_id: FromPath[UUID]
    ) -> Template:
        reward = await self._reward(db_session, reward_id)
        return self._form_page(reward_form(reward), reward)

    @post("/{reward_id:uuid}")
    async def update_reward(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        reward_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        reward = await self._reward(db_session, reward_id)
        form = Form.from_data(data)
        values = await read_reward(db_session, form, reward.id)
        if values is None:
            return self._form_page(form, reward, status_code=422)
        name, cost = values
        changed = [
            field for field, value in (("name", name), ("cost", cost)) if getattr(reward, field) != value
        ]
        if not changed:
            flash(request, _("Nothing was changed."), "info")
            return redirect_to(request, "/jurors/rewards")
        reward.name, reward.cost = name, cost
        audit.record(
            db_session,
            request,
            "reward_edit",
            record_type="reward",
            record_id=reward.id,
            details={"fields": ", ".join(changed), "cost": str(cost)},
        )
        flash(request, _("The reward was saved. Past redemptions keep the cost they had."))
        return redirect_to(request, "/jurors/rewards")

    @post("/{reward_id:uuid}/active")
    async def set_reward_active(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        reward_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        reward = await self._reward(db_session, reward_id)
        reward.is_active = Form.from_data(data).get("active") == "true"
        action = "reward_reactivate" if reward.is_active else "reward_deactivate"
        audit.record(db_session, request, action, record_type="reward", record_id=reward.id)
        flash(
            request,
            _("The reward was reactivated: jurors can redeem it again.")
            if reward.is_active
            else _("The reward was deactivated: it can no longer be redeemed. Past redemptions keep it."),
        )
        return redirect_to(request, f"/jurors/rewards/{reward.id}")

    async def _reward(self, db_session: AsyncSession, reward_id: UUID) -> Reward:
        reward = await db_session.scalar(select(Reward).where(Reward.id == reward_id))
        if reward is None:
            raise NotFoundException()
        return reward

    def _form_page(self, form: Form, reward: Reward | None, status_code: int = 200) -> Template:
        return page(
            "jurors/ledger/reward_form.html",
            form=form,
            reward=reward,
            credits=format_credits,
            status_code=status_code,
        )


# A juror's ledger -----------------------------------------------------------------------------


class LedgerController(Controller):
    """One juror's balance and entries, with redemption and adjustment forms."""

    path = "/jurors/{juror_id:uuid}/credits"
    guards = COORDINATORS
    dependencies = {"ledger": Provide(create_service_provider(LedgerService))}

    @get("/")
    async def credits(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        juror_id: FromPath[UUID],
        page_no: PageNumber = "1",
    ) -> Template:
        juror = await self._juror(db_session, juror_id)
        audit.record(db_session, request, "juror_credits_view", record_type="juror", record_id=juror.id)
        return await self._page(db_session, juror, page_no)

    @post("/redeem")
    async def redeem(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        ledger: NamedDependency[LedgerService],
        actor: NamedDependency[Actor],
        juror_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        juror = await self._juror(db_session, juror_id)
        form = Form.from_data(data)
        redeemed = await ledger.redeem(actor, juror, form)
        if redeemed is None:
            return await self._page(db_session, juror, "1", redeem_form=form, status_code=422)
        flash(request, redeemed.message)
        return redirect_to(request, f"/jurors/{juror.id}/credits")

    @post("/adjust")
    async def adjust(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        ledger: NamedDependency[LedgerService],
        actor: NamedDependency[Actor],
        juror_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        juror = await self._juror(db_session, juror_id)
        form = Form.from_data(data)
        entry = await ledger.adjust(actor, juror, form)
        if entry is None:
            return await self._page(db_session, juror, "1", adjust_form=form, status_code=422)
        flash(
            request,
            _("The adjustment of %(credits)s was added.", credits=credits_text(entry.amount, signed=True)),
        )
        return redirect_to(request, f"/jurors/{juror.id}/credits")

    async def _juror(self, db_session: AsyncSession, juror_id: UUID) -> Juror:
        juror = await db_session.scalar(select(Juror).where(Juror.id == juror_id))
        if juror is None:
            raise NotFoundException()
        return juror

    async def _page(
        self,
        db_session: AsyncSession,
        juror: Juror,
        page_no: str,
        *,
        redeem_form: Form | None = None,
        adjust_form: Form | None = None,
        status_code: int = 200,
    ) -> Template:
        entries = (
            select(CreditEntry)
            .where(CreditEntry.juror_id == juror.id)
            .order_by(CreditEntry.occurred_on.desc(), CreditEntry.created_at.desc(), CreditEntry.id)
        )
        results = await paginate(db_session, entries, page_number(page_no))
        rewards = await active_rewards(db_session)
        return page(
            "jurors/ledger/credits.html",
            juror=juror,
            balance=await balance(db_session, juror.id),
            results=results,
            rewards={str(r.id): f"{r.name} ({credits_text(r.cost)})" for r in rewards},
            redeem_form=redeem_form or Form(),
            adjust_form=adjust_form or Form(),
            credits=format_credits,
            status_code=status_code,
        )


ROUTES = [RewardController, LedgerController]
