"""Program measures for grant reports: counts and derived figures for any period, with small counts hidden.

The period is in the query string (dates are not personal data), so a report can be bookmarked
and shared. The page and its CSV show aggregates only; exporting is on the audit trail.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.database import plan_for_values
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.reference.services import policy
from youthcourt.reports import measures
from youthcourt.web.downloads import csv_download
from youthcourt.web.forms import Form
from youthcourt.web.i18n import DEFAULT_LANGUAGE, current_language, use_locale
from youthcourt.web.templating import page


class MeasuresController(Controller):
    guards = [requires_role(Role.EVALUATOR, Role.COORDINATOR, Role.PROGRAM_ADMIN)]
    before_request = plan_for_values

    async def _table(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        form: Form,
        choices: list[measures.Period],
        language: str | None = None,
    ) -> measures.MeasuresTable | None:
        """The table, in ``language`` when given (the CSV file is in English, for analysis code,
        whoever downloads it), else in the viewer's."""
        period = measures.read_period(form, request.user.today())
        if period is None:
            return None
        threshold = (await policy(db, request.user.program_id)).suppression_threshold
        figures = await measures.load_figures(db, period)
        with use_locale(language or current_language()):
            return measures.build_table(figures, measures.named(period, choices), threshold)

    def _choices(self, request: Request[Any, Any, Any]) -> list[measures.Period]:
        today = request.user.today()
        return [*measures.recent_quarters(today), measures.year_to_date(today)]

    @get("/reports/measures", name="measures")
    async def show(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Template:
        form = Form.from_data(dict(request.query_params))
        choices = self._choices(request)
        table = await self._table(request, db_session, form, choices)
        return page(
            "reports/measures.html",
            form=form,
            table=table,
            choices=choices,
            status_code=200 if table else 422,
        )

    @get("/reports/measures.csv", name="measures_csv")
    async def download(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Response[str] | Template:
        form = Form.from_data(dict(request.query_params))
        choices = self._choices(request)
        table = await self._table(request, db_session, form, choices, language=DEFAULT_LANGUAGE)
        if table is None:
            return page("reports/measures.html", form=form, table=None, choices=choices, status_code=422)
        period = table.period
        audit.record(
            db_session,
            request,
            "measures.exported",
            record_type="measures",
            details={"start": period.start.isoformat(), "end": period.end.isoformat()},
        )
        name = f"measures-{period.start.isoformat()}-to-{period.end.isoformat()}.csv"
        return csv_download(table.csv_rows(), name)


ROUTES: list[type[Controller]] = [MeasuresController]
