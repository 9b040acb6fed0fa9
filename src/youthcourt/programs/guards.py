"""Route guards: who may reach a route. Every route needs a signed-in user unless marked public.

Guards are coroutines although they wait for nothing: Litestar runs a plain function guard in a
thread pool, and under load each hop waits for the interpreter lock (milliseconds per request).
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from youthcourt.programs.models import Role
from youthcourt.programs.viewer import Viewer
from youthcourt.web.i18n import N_

PUBLIC = {"public": True}
"""Route ``opt`` for pages anyone may reach (sign-in, health, error pages, static files)."""

PASSWORD_CHANGE_ALLOWED = {"password_change_allowed": True}
"""Route ``opt`` for the pages a user who must change their password may still reach."""

CODE_STEP_ALLOWED = {"code_step_allowed": True}
"""Route ``opt`` for the pages a session still waiting for its authenticator code may reach."""


class CodeRequired(NotAuthorizedException):
    """The password was right; the second step of sign-in (an authenticator code) is still due."""


class PasswordChangeRequired(NotAuthorizedException):
    """The user signed in with a temporary password and must choose their own first."""


def viewer_of(connection: ASGIConnection) -> Viewer | None:
    return connection.scope.get("user")  # type: ignore[return-value]


async def require_sign_in(connection: ASGIConnection, route_handler: BaseRouteHandler) -> None:
    """Application-wide guard: deny by default, so a new route is never public by accident."""
    if route_handler.opt.get("public"):
        return
    viewer = viewer_of(connection)
    if viewer is None:
        raise NotAuthorizedException(N_("Sign in to continue."))
    if viewer.awaiting_code:
        if not route_handler.opt.get("code_step_allowed"):
            raise CodeRequired(N_("Enter the code from your authenticator app to continue."))
        return
    if viewer.must_change_password and not route_handler.opt.get("password_change_allowed"):
        raise PasswordChangeRequired(N_("Choose a new password to continue."))


def requires_role(*roles: Role) -> Guard:
    """Allow only users holding one of ``roles`` in their current program."""

    async def guard(connection: ASGIConnection, _route_handler: BaseRouteHandler) -> None:
        viewer = viewer_of(connection)
        if viewer is None or not viewer.has_role(*roles):
            raise PermissionDeniedException(
                N_("Your role in this program does not give access to this page.")
            )

    return guard


async def requires_site_admin(connection: ASGIConnection, _route_handler: BaseRouteHandler) -> None:
    viewer = viewer_of(connection)
    if viewer is None or not viewer.is_site_admin:
        raise PermissionDeniedException(N_("Only site administrators can open this page."))
