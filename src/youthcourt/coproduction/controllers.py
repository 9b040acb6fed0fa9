"""Pages of the co-production self-assessment, for coordinators and program admins.

Evaluators are left out on purpose: the assessment is the program's own reflection, with staff
comments about how the court runs; it leaves the program as the print view its board receives.
"""

from __future__ import annotations

from typing import Any

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit.service import Actor
from youthcourt.coproduction import chart, periods
from youthcourt.coproduction.forms import read_period
from youthcourt.coproduction.models import SelfAssessment
from youthcourt.coproduction.questions import LEVELS, QUESTIONS, SCALE
from youthcourt.coproduction.services import (
    ASSESSMENT_IN_PATH,
    CoproductionService,
    answer_values,
    evidence_for,
    history_query,
    period_of,
    scores_of,
)
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.reports.measures import Period
from youthcourt.reports.suppression import PUBLISHED_BASE
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData
from youthcourt.web.i18n import _
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.templating import page, redirect_to

QUESTION_CONTEXT = {"questions": QUESTIONS, "scale": SCALE, "levels": LEVELS, "base": PUBLISHED_BASE}


def chart_columns(assessments: list[SelfAssessment]) -> list[chart.Column]:
    columns = []
    for assessment in assessments:
        top, _space, bottom = period_of(assessment).name.partition(" ")
        scores = {element.value: score for element, score in scores_of(assessment).items()}
        columns.append(chart.Column(top, bottom, scores))
    return columns


class CoproductionController(Controller):
    path = "/coproduction"
    guards = [requires_role(Role.COORDINATOR, Role.PROGRAM_ADMIN)]
    dependencies = {
        "assessments": Provide(create_service_provider(CoproductionService)),
        **ASSESSMENT_IN_PATH,
    }

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        assessments: NamedDependency[CoproductionService],
        page_no: PageNumber = "1",
    ) -> Template:
        history = await paginate(db_session, history_query(), page_number(page_no))
        return page(
            "coproduction/index.html",
            results=history,
            charts=chart.score_charts(chart_columns(await assessments.chart_history())),
            offered=periods.offered(request.user.today()),
            period_of=period_of,
            scores_of=scores_of,
            **QUESTION_CONTEXT,
        )

    async def _form_page(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        form: Form,
        period: Period,
        assessment: SelfAssessment | None = None,
        status_code: int = 200,
    ) -> Template:
        return page(
            "coproduction/form.html",
            form=form,
            period=period,
            assessment=assessment,
            evidence=await evidence_for(db, request.user.program_id, period),
            today=request.user.today(),
            status_code=status_code,
            **QUESTION_CONTEXT,
        )

    @get("/new")
    async def new_assessment(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        assessments: NamedDependency[CoproductionService],
        period: FromQuery[str] = "",
    ) -> Any:
        """The six questions for the period chosen on the list, with that period's evidence."""
        form = Form(values={"period": period})
        offered = periods.offered(request.user.today())
        key = read_period(form, offered)
        if not key:
            return page("coproduction/choose.html", form=form, offered=offered, status_code=422)
        existing = await assessments.assessed(key)
        if existing is not None:
            flash(
                request,
                _(
                    "%(period)s is assessed already: here it is to re-open.",
                    period=periods.period_of(key).name,
                ),
            )
            return redirect_to(request, f"/coproduction/{existing.id}/edit")
        return await self._form_page(request, db_session, form, periods.period_of(key))

    @post("/")
    async def create(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        assessments: NamedDependency[CoproductionService],
        actor: NamedDependency[Actor],
        data: FormData,
    ) -> Any:
        form = Form.from_data(data)
        assessment = await assessments.create(actor, form)
        if assessment is None:
            offered = periods.offered(request.user.today())
            typed = form.get("period")
            if typed not in offered:
                return page("coproduction/choose.html", form=form, offered=offered, status_code=422)
            return await self._form_page(request, db_session, form, periods.period_of(typed), status_code=422)
        flash(request, _("The self-assessment for %(period)s was saved.", period=period_of(assessment).name))
        return redirect_to(request, f"/coproduction/{assessment.id}")

    @get("/{assessment_id:uuid}")
    async def show(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        assessment: NamedDependency[SelfAssessment],
    ) -> Template:
        return await self._assessment_page(request, db_session, assessment, "coproduction/show.html")

    @get("/{assessment_id:uuid}/print")
    async def print_view(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        assessment: NamedDependency[SelfAssessment],
    ) -> Template:
        """One page for the program's board: scores, comments and the evidence."""
        return await self._assessment_page(request, db_session, assessment, "coproduction/print.html")

    async def _assessment_page(
        self, request: Request[Any, Any, Any], db: AsyncSession, assessment: SelfAssessment, template: str
    ) -> Template:
        period = period_of(assessment)
        return page(
            template,
            assessment=assessment,
            period=period,
            answers={answer.element: answer for answer in assessment.answers},
            evidence=await evidence_for(db, request.user.program_id, period),
            today=request.user.today(),
            **QUESTION_CONTEXT,
        )

    @get("/{assessment_id:uuid}/edit")
    async def reopen(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        assessment: NamedDependency[SelfAssessment],
    ) -> Template:
        form = Form(values=answer_values(assessment))
        return await self._form_page(request, db_session, form, period_of(assessment), assessment)

    @post("/{assessment_id:uuid}/edit")
    async def save(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        assessments: NamedDependency[CoproductionService],
        actor: NamedDependency[Actor],
        assessment: NamedDependency[SelfAssessment],
        data: FormData,
    ) -> Any:
        form = Form.from_data(data)
        if not await assessments.update(actor, assessment, form):
            period = period_of(assessment)
            return await self._form_page(request, db_session, form, period, assessment, status_code=422)
        flash(request, _("The self-assessment for %(period)s was saved.", period=period_of(assessment).name))
        return redirect_to(request, f"/coproduction/{assessment.id}")


ROUTES: list[type[Controller]] = [CoproductionController]
