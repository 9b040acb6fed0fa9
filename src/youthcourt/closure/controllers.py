"""Pages of the closure area: closing a case and the letter to the referral source."""

from __future__ import annotations

from typing import Any

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts.services import member_names
from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.cases.models import Case
from youthcourt.cases.services import CASE_IN_PATH
from youthcourt.closure import services
from youthcourt.closure.services import OUTCOME_CHOICES, ClosedAlready, ClosureService
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.sanctions.services import SanctionSummary, sanctions_of
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData
from youthcourt.web.i18n import N_, _
from youthcourt.web.templating import page, redirect_to

OUTCOME_WORDS = {
    "successful": N_("successful"),
    "unsuccessful": N_("unsuccessful"),
    "withdrawn": N_("withdrawn"),
}
"""How the confirmation names each outcome."""


def closure_page(
    case: Case,
    sanctions: list[SanctionSummary],
    form: Form,
    *,
    problem: str = "",
    status_code: int = 200,
) -> Template:
    return page(
        "closure/close.html",
        case=case,
        sanctions=sanctions,
        form=form,
        outcomes={value: _(label) for value, label in OUTCOME_CHOICES.items()},
        successful_problem=services.successful_problem(case, sanctions),
        problem=problem,
        status_code=status_code,
    )


class ClosureController(Controller):
    """Ending a case (successful, unsuccessful or withdrawn) and writing to the referral source."""

    path = "/cases/{case_id:uuid}"
    guards = [requires_role(Role.COORDINATOR)]
    dependencies = {"closure_service": Provide(create_service_provider(ClosureService)), **CASE_IN_PATH}

    @get("/closure")
    async def show(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        case: NamedDependency[Case],
    ) -> Template:
        sanctions = await sanctions_of(db_session, case.id)
        audit.record(db_session, request, "closure_form_view", record_type="case", record_id=case.id)
        form = Form(values={"closed_on": request.user.today().isoformat()})
        return closure_page(case, sanctions, form)

    @post("/closure")
    async def close(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        closure_service: NamedDependency[ClosureService],
        actor: NamedDependency[Actor],
        case: NamedDependency[Case],
        data: FormData,
    ) -> Any:
        sanctions = await sanctions_of(db_session, case.id)
        form = Form.from_data(data)
        try:
            outcome = await closure_service.close(case, sanctions, form, actor)
        except ClosedAlready as refusal:
            return closure_page(case, sanctions, form, problem=str(refusal), status_code=409)
        if outcome is None:
            return closure_page(case, sanctions, form, status_code=422)
        flash(request, _("The case is closed (%(outcome)s).", outcome=_(OUTCOME_WORDS[outcome.value])))
        return redirect_to(request, f"/cases/{case.id}")

    @get("/letter")
    async def letter(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        case: NamedDependency[Case],
    ) -> Template:
        if not case.state.is_closed:
            return page("closure/letter.html", case=case, letter=None, status_code=409)
        sanctions = await sanctions_of(db_session, case.id)
        audit.record(db_session, request, "letter_view", record_type="case", record_id=case.id)
        return page(
            "closure/letter.html",
            case=case,
            letter=services.letter_for(case, sanctions),
            coordinator_name=(await member_names(db_session, [case.coordinator_id])).get(case.coordinator_id),
            today=request.user.today(),
        )


ROUTES: list[type[Controller]] = [ClosureController]
