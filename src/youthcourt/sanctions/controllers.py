"""Pages of the sanctions area: recording a disposition, monitoring sanctions, progress and extensions."""

from __future__ import annotations

import datetime
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit.service import Actor
from youthcourt.cases.models import Case, CaseState
from youthcourt.cases.services import CASE_IN_PATH
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.reference.models import SanctionType
from youthcourt.sanctions import services
from youthcourt.sanctions.forms import DECIMAL_TYPES, NO_FINDING, TYPE_CHOICES
from youthcourt.sanctions.models import Sanction
from youthcourt.sanctions.services import (
    ROWS,
    SANCTION_IN_PATH,
    DispositionChoices,
    DispositionService,
    SanctionPage,
    SanctionService,
    kind_choices,
    not_scheduled_problem,
)
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData, new_submission_token
from youthcourt.web.i18n import _
from youthcourt.web.numbers import format_number
from youthcourt.web.pagination import PageNumber, page_number
from youthcourt.web.templating import htmx_target, page, redirect_to

SanctionTypeFilter = Annotated[str, QueryParameter(name="type", required=False)]


# ---------------------------------------------------------------------------------------------
# Disposition


def disposition_page(
    case: Case, choices: DispositionChoices, form: Form, *, status_code: int = 200, problem: str = ""
) -> Template:
    return page(
        "sanctions/disposition.html",
        case=case,
        choices=choices,
        form=form,
        rows=range(1, ROWS + 1),
        types={value: _(label) for value, label in TYPE_CHOICES.items()},
        no_finding=NO_FINDING,
        problem=problem,
        status_code=status_code,
    )


class DispositionController(Controller):
    """The jury's sentence: a set of sanctions, each checked against the grid for the offense class."""

    path = "/cases/{case_id:uuid}/disposition"
    guards = [requires_role(Role.COORDINATOR)]
    dependencies = {"dispositions": Provide(create_service_provider(DispositionService)), **CASE_IN_PATH}

    @get("/")
    async def disposition(
        self,
        db_session: NamedDependency[AsyncSession],
        dispositions: NamedDependency[DispositionService],
        actor: NamedDependency[Actor],
        case: NamedDependency[Case],
        hearing: FromQuery[str] = "",
    ) -> Template:
        choices = await dispositions.open_form(case, actor, hearing)
        today = actor.viewer.today().isoformat()
        form = Form(values={"decided_on": today, "hearing": hearing or choices.awaiting_hearing})
        problem = "" if case.state == CaseState.SCHEDULED else not_scheduled_problem(case)
        return disposition_page(case, choices, form, problem=problem)

    @post("/")
    async def create(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        dispositions: NamedDependency[DispositionService],
        actor: NamedDependency[Actor],
        case: NamedDependency[Case],
        data: FormData,
    ) -> Any:
        form = Form.from_data(data)
        result = await dispositions.record(case, form, actor)
        if result.problem:
            return disposition_page(case, result.choices, form, problem=result.problem, status_code=409)
        if result.disposition is None:
            return disposition_page(case, result.choices, form, status_code=422)
        flash(request, _("The disposition was recorded. The case's sanctions are now in progress."))
        return redirect_to(request, f"/cases/{case.id}")


# ---------------------------------------------------------------------------------------------
# Monitoring


def progress_form_defaults(sanction: Sanction, today: datetime.date) -> Form:
    kinds = services.PROGRESS_KINDS[sanction.sanction_type]
    return Form(
        values={
            "occurred_on": today.isoformat(),
            "kind": kinds[0].value,
            "submission_token": new_submission_token(),
        }
    )


def sanction_page(
    request: Request[Any, Any, Any],
    loaded: SanctionPage,
    *,
    progress_form: Form | None = None,
    extension_form: Form | None = None,
    problem: str = "",
    status_code: int = 200,
) -> Template:
    today = request.user.today()
    sanction = loaded.sanction
    return page(
        "sanctions/detail.html",
        sanction=sanction,
        case=loaded.case,
        summary=loaded.summary,
        today=today,
        kinds={value: _(label) for value, label in kind_choices(sanction).items()},
        needs_site=sanction.sanction_type == SanctionType.COMMUNITY_SERVICE,
        decimals=sanction.sanction_type in DECIMAL_TYPES,
        progress_form=progress_form or progress_form_defaults(sanction, today),
        extension_form=extension_form or Form(),
        format_number=format_number,
        problem=problem,
        status_code=status_code,
    )


class SanctionController(Controller):
    """Open sanctions across the program, each sanction's progress, completion and deadline."""

    path = "/sanctions"
    guards = [requires_role(Role.COORDINATOR)]
    dependencies = {"sanctions": Provide(create_service_provider(SanctionService)), **SANCTION_IN_PATH}

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        sanctions: NamedDependency[SanctionService],
        actor: NamedDependency[Actor],
        view: FromQuery[str] = services.OVERDUE,
        sanction_type: SanctionTypeFilter = "",
        page_no: PageNumber = "1",
    ) -> Template:
        view = view if view in services.VIEWS else services.OVERDUE
        chosen = SanctionType(sanction_type) if sanction_type in TYPE_CHOICES else None
        results, rows = await sanctions.monitor(view, chosen, page_number(page_no), actor)
        filters = {"view": view, "type": chosen.value if chosen else ""}
        target = htmx_target(request)
        return page(
            "sanctions/_rows.html" if target == "sanction-rows" else "sanctions/list.html",
            oob=target == "sanction-rows",
            results=results,
            rows=rows,
            today=actor.viewer.today(),
            filters=filters,
            base="/sanctions?" + urlencode(filters),
            views={value: _(label) for value, label in services.VIEWS.items()},
            types={value: _(label) for value, label in TYPE_CHOICES.items()},
        )

    @get("/{sanction_id:uuid}")
    async def show(
        self,
        request: Request[Any, Any, Any],
        sanctions: NamedDependency[SanctionService],
        actor: NamedDependency[Actor],
        sanction_id: FromPath[UUID],
    ) -> Template:
        return sanction_page(request, await sanctions.view(sanction_id, actor))

    @post("/{sanction_id:uuid}/progress")
    async def record_progress(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        sanctions: NamedDependency[SanctionService],
        actor: NamedDependency[Actor],
        sanction_id: FromPath[UUID],
        loaded: NamedDependency[SanctionPage],
        data: FormData,
    ) -> Any:
        form = Form.from_data(data)
        change = await sanctions.add_progress(loaded, form, actor)
        if change.problem:
            return sanction_page(request, loaded, progress_form=form, problem=change.problem, status_code=409)
        if not form.is_valid:
            return sanction_page(request, loaded, progress_form=form, status_code=422)
        if change.repeated:
            flash(request, _("This entry was already recorded."), "info")
        else:
            done = _("The progress was recorded. The sanction is now complete.")
            flash(request, done if change.completed else _("The progress was recorded."))
        return redirect_to(request, f"/sanctions/{sanction_id}")

    @post("/{sanction_id:uuid}/extension")
    async def extend(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        sanctions: NamedDependency[SanctionService],
        actor: NamedDependency[Actor],
        sanction_id: FromPath[UUID],
        loaded: NamedDependency[SanctionPage],
        data: FormData,
    ) -> Any:
        form = Form.from_data(data)
        change = await sanctions.extend(loaded, form, actor)
        if change.problem:
            return sanction_page(
                request, loaded, extension_form=form, problem=change.problem, status_code=409
            )
        if not form.is_valid:
            return sanction_page(request, loaded, extension_form=form, status_code=422)
        flash(request, _("The due date is now %(day)s.", day=loaded.sanction.due_on.isoformat()))
        return redirect_to(request, f"/sanctions/{sanction_id}")

    @post("/{sanction_id:uuid}/status")
    async def set_status(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        sanctions: NamedDependency[SanctionService],
        actor: NamedDependency[Actor],
        sanction_id: FromPath[UUID],
        loaded: NamedDependency[SanctionPage],
        data: FormData,
    ) -> Any:
        """Mark a sanction completed or not completed by hand, or reopen it."""
        form = Form.from_data(data)
        change = await sanctions.set_status(loaded, form, actor)
        if change.problem:
            return sanction_page(request, loaded, problem=change.problem, status_code=409)
        if not form.is_valid:
            return sanction_page(request, loaded, problem=form.errors["status"], status_code=422)
        flash(
            request,
            _("The sanction is %(status)s.", status=services.status_label(loaded.sanction.status).lower()),
        )
        return redirect_to(request, f"/sanctions/{sanction_id}")


ROUTES: list[type[Controller]] = [DispositionController, SanctionController]
