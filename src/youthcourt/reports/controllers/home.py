"""The evaluator's workspace: de-identified figures only."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit.service import previous_sign_in
from youthcourt.database import plan_for_values
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.web.templating import page


class EvaluatorHomeController(Controller):
    guards = [requires_role(Role.EVALUATOR)]
    before_request = plan_for_values

    @get("/reports")
    async def workspace(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Template:
        return page("reports/home.html", previous=await previous_sign_in(db_session, request.user.user_id))


ROUTES = [EvaluatorHomeController]
