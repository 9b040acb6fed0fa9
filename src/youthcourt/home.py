"""``/``: send each user to the home page of their role."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Redirect, Template

from youthcourt.programs.models import Role
from youthcourt.programs.viewer import Viewer
from youthcourt.web.templating import page

ROLE_HOMES = {
    Role.COORDINATOR: "/dashboard",
    Role.PROGRAM_ADMIN: "/admin/users",
    Role.EVALUATOR: "/reports",
    Role.JUROR: "/me",
}


def home_of(viewer: Viewer) -> str | None:
    if viewer.role in ROLE_HOMES:
        return ROLE_HOMES[viewer.role]
    if viewer.is_site_admin:
        return "/admin/programs"
    return None


class HomeController(Controller):
    @get("/")
    async def home(self, request: Request[Any, Any, Any]) -> Redirect | Template:
        target = home_of(request.user)
        if target is None:
            return page("home/no_program.html")
        return Redirect(target, status_code=303)
