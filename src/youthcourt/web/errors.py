"""What users see when something goes wrong: a page that says what happened and what to do."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, InternalServerException, NotAuthorizedException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_409_CONFLICT, HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.orm.exc import StaleDataError

from youthcourt.web import problems
from youthcourt.web.headers import security_headers
from youthcourt.web.i18n import N_, _, adopt_language, from_accept_language
from youthcourt.web.logging import redact

logger = logging.getLogger("youthcourt")

TITLES = {
    400: N_("The request could not be read"),
    403: N_("You do not have access to this page"),
    404: N_("Page not found"),
    405: N_("This action is not available here"),
    409: N_("Someone else changed this record"),
    413: N_("The upload is too large"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong on our side"),
}

ERROR_TITLE = N_("Error")
CSRF_FAILURE = "CSRF token verification failed"
STALE_EXPLANATION = N_(
    "Someone else changed this record at the same time. Reload the page and try again; nothing was saved."
)
CLIENT_DISCONNECTED = "client disconnected prematurely"
"""Litestar's message when the connection closes while a request body is read."""
CSRF_EXPLANATION = N_(
    "The form could not be accepted because it was out of date or did not come from this site. "
    "Go back, reload the page and try again; nothing was saved."
)
NOT_FOUND_EXPLANATION = N_("The address may be mistyped, or the record is not in your program.")
LINK_GONE_TITLE = N_("This link does not work any more")
LINK_GONE_EXPLANATION = N_(
    "It may have expired, been used already or been replaced. Ask the person who gave it to you for a new one."
)
PRIVATE_LINK_PREFIX = "/link/"
"""Pages opened by a private link, for people without an account: no home page to send them to."""


class ConflictError(Exception):
    """A change refused because another request changed the record first: a 409 page with the message."""


def _is_htmx(request: Request[Any, Any, Any]) -> bool:
    return request.headers.get("hx-request") == "true"


def local_path(target: str | None) -> str | None:
    """Only same-site paths are followed after sign-in; anything else could send users off-site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def sign_in_redirect(request: Request[Any, Any, Any], exc: NotAuthorizedException) -> Response[Any]:
    """Send signed-out visitors to the sign-in page, then back to the page they asked for."""
    from youthcourt.web.flash import flash

    if request.scope.get("youthcourt.session_expired"):
        flash(request, _("Your session ended. Sign in again to continue."), "info")
    target = "/login"
    wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method == "GET" and local_path(wanted) and wanted != "/":
        target += "?" + urlencode({"next": wanted})
    if _is_htmx(request):
        return Response(content="", status_code=200, headers={"HX-Redirect": target})
    return Redirect(target, status_code=303)


def client_left(exc: Exception) -> bool:
    """The browser dropped the request before its body arrived: htmx cancels a lookup when typing goes on."""
    return isinstance(exc, InternalServerException) and exc.detail == CLIENT_DISCONNECTED


def error_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if client_left(exc):
        logger.debug("Client left before %s %s was read", request.method, redact(request.url.path))
        return Response(content=b"", status_code=HTTP_400_BAD_REQUEST)
    if request.url.path.startswith(problems.API_PREFIX):
        return problems.from_exception(exc)
    status = exc.status_code if isinstance(exc, HTTPException) else HTTP_500_INTERNAL_SERVER_ERROR
    if isinstance(exc, ConflictError | StaleDataError):
        status = HTTP_409_CONFLICT
    if status >= 500:
        logger.exception("Unhandled error on %s %s", request.method, redact(request.url.path))
    detail = exc.detail if isinstance(exc, HTTPException) and status < 500 else ""
    if isinstance(exc, ConflictError):
        detail = str(exc)
    elif isinstance(exc, StaleDataError):
        detail = STALE_EXPLANATION
    if detail == CSRF_FAILURE:
        detail = CSRF_EXPLANATION
    if status in (404, 405):
        detail = NOT_FOUND_EXPLANATION
    private_link = status == 404 and request.url.path.startswith(PRIVATE_LINK_PREFIX)
    if private_link:
        detail = LINK_GONE_EXPLANATION
    if request.headers.get("accept", "").startswith("application/json"):
        return Response(
            content={"status_code": status, "detail": detail or TITLES.get(status, "Error")},
            status_code=status,
            media_type=MediaType.JSON,
        )
    settings = request.app.state.get("settings")
    headers = security_headers(bool(settings and settings.is_production))
    if "user" not in request.scope:
        # No route matched, so no middleware chose the language: the browser's, for this page.
        adopt_language(from_accept_language(request.headers.get("accept-language")))
    return Template(
        template_name="errors/error.html",
        # Messages the app wrote are in the catalog and come out translated; others stay as written.
        context={
            "status": status,
            "title": _(LINK_GONE_TITLE if private_link else TITLES.get(status, ERROR_TITLE)),
            "detail": _(detail) if detail else "",
            "private_link": private_link,
        },
        status_code=status,
        media_type=MediaType.HTML,
        headers={**headers, "Cache-Control": "no-store"},
    )
