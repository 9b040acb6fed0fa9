"""Pages of the closure area: closing a case and the letter to the referral source."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from youthcourt.accounts.services import member_names
from youthcourt.audit import service as audit
from youthcourt.cases import states
from youthcourt.cases.models import Case
from youthcourt.cases.services import CaseService, case_or_404
from youthcourt.closure import services
from youthcourt.closure.services import Outcome
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.programs.viewer import Viewer
from youthcourt.reference.services import policy
from youthcourt.sanctions.models import SanctionStatus
from youthcourt.sanctions.services import SanctionSummary, sanctions_of
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData
from youthcourt.web.templating import page, redirect_to

OUTCOME_CHOICES = {outcome.value: outcome.label for outcome in Outcome}
REASON_LABELS = {
    Outcome.SUCCESSFUL.value: "the reason",
    Outcome.UNSUCCESSFUL.value: "the reason the case returns to the referral source",
    Outcome.WITHDRAWN.value: "the reason the case is withdrawn",
}


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
        outcomes=OUTCOME_CHOICES,
        successful_problem=services.successful_problem(case, sanctions),
        problem=problem,
        status_code=status_code,
    )


class ClosureController(Controller):
    """Ending a case (successful, unsuccessful or withdrawn) and writing to the referral source."""

    path = "/cases/{case_id:uuid}"
    guards = [requires_role(Role.COORDINATOR)]

    @get("/closure")
    async def show(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        case_id: FromPath[UUID],
    ) -> Template:
        case = await case_or_404(db_session, case_id)
        sanctions = await sanctions_of(db_session, case.id)
        audit.record(db_session, request, "closure_form_view", record_type="case", record_id=case.id)
        form = Form(values={"closed_on": request.user.today().isoformat()})
        return closure_page(case, sanctions, form)

    @post("/closure")
    async def close(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        case_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        viewer: Viewer = request.user
        case = await case_or_404(db_session, case_id)
        sanctions = await sanctions_of(db_session, case.id)
        form = Form.from_data(data)
        if case.state.is_closed:
            return closure_page(
                case, sanctions, form, problem="This case is closed already.", status_code=409
            )
        choice = form.choice("outcome", "the outcome", OUTCOME_CHOICES)
        reason = form.text(
            "reason",
            REASON_LABELS.get(choice, "the reason"),
            required=choice in {Outcome.UNSUCCESSFUL.value, Outcome.WITHDRAWN.value},
            max_length=2000,
        )
        closed_on = form.date("closed_on", "the date the case closed")
        today = viewer.today()
        if closed_on and closed_on > today:
            form.error("closed_on", "The closing date cannot be in the future.")
        elif closed_on and closed_on < case.opened_on:
            form.error(
                "closed_on",
                f"The closing date cannot be before the case opened ({case.opened_on.isoformat()}).",
            )
        outcome = Outcome(choice) if choice in OUTCOME_CHOICES else None
        if outcome == Outcome.SUCCESSFUL:
            if problem := services.successful_problem(case, sanctions):
                form.error("outcome", problem)
        elif outcome is not None and not states.allowed(case.state, outcome.state):
            form.error("outcome", str(states.TransitionError(case.state, outcome.state)))
        if not form.is_valid or outcome is None or closed_on is None:
            return closure_page(case, sanctions, form, status_code=422)

        if outcome != Outcome.SUCCESSFUL:
            for summary in sanctions:
                if summary.sanction.status == SanctionStatus.OPEN:
                    summary.sanction.status = SanctionStatus.NOT_COMPLETED
        windows = (await policy(db_session, case.program_id)).follow_up_windows
        try:
            checks = await CaseService(session=db_session).close(
                case, outcome.state, viewer, reason=reason, closed_on=closed_on, follow_up_months=windows
            )
        except StaleDataError as error:
            raise HTTPException(
                status_code=409,
                detail="Someone else changed this case at the same time. Reload it and try again.",
            ) from error
        audit.record(
            db_session,
            request,
            "case_close",
            record_type="case",
            record_id=case.id,
            details={"outcome": outcome.value, "closed_on": closed_on.isoformat(), "follow_ups": len(checks)},
        )
        flash(request, f"The case is closed ({outcome.value}).")
        return redirect_to(request, f"/cases/{case.id}")

    @get("/letter")
    async def letter(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        case_id: FromPath[UUID],
    ) -> Template:
        case = await case_or_404(db_session, case_id)
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
