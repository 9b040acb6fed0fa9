"""Refused requests go on the audit trail: a page the user's role does not open (403), a record
that is not theirs to see (404), a save refused because someone else saved first (409).

A middleware watches the status of every response to a signed-in user, so a refusal is recorded
whichever way it was made: an exception turned into an error page, or a form re-shown with 409.
The entry is written in its own transaction, since the request's own rolls back. It names the
route's pattern (``/cases/{case_id}``), never the address as typed, and takes the record from
the route's id parameters: nothing a user typed, no query string, no form field.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from litestar.connection import ASGIConnection
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from youthcourt.audit import service as audit

logger = logging.getLogger("youthcourt")

ACTION = "request_refused"
OUTCOMES = {403: audit.DENIED, 404: "not_found", 409: "conflict"}
RECORD_TYPES = {
    "night_id": "hearing_night",
    "check_id": "follow_up_check",
    "session_id": "training_session",
    "message_id": "outbox_message",
    "import_id": "comparison_import",
    "mapping_id": "import_mapping",
    "conflict_id": "juror_conflict",
}
"""Path parameters whose record type is not simply their name without ``_id``."""


def refused_record(path_params: dict[str, Any]) -> tuple[str | None, UUID | None]:
    """The record a refused request was about: the route's last id parameter, if it has one."""
    ids = [(name, value) for name, value in path_params.items() if isinstance(value, UUID)]
    if not ids:
        return None, None
    name, value = ids[-1]
    return RECORD_TYPES.get(name, name.removesuffix("_id")), value


async def record_refusal(scope: Scope, status: int) -> None:
    connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope)
    record_type, record_id = refused_record(scope.get("path_params") or {})
    await audit.record_independently(
        scope["app"].state.session_maker,
        connection,
        ACTION,
        outcome=OUTCOMES[status],
        record_type=record_type,
        record_id=record_id,
        details={"method": scope["method"], "path": scope.get("path_template") or "", "status": status},
    )


def refusal_audit(app: ASGIApp) -> ASGIApp:
    """Middleware (placed inside the session middleware, which sets the user) recording refusals."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await app(scope, receive, watch)
        handler = scope.get("route_handler")
        public = handler is not None and handler.opt.get(
            "public"
        )  # static files, sign-in: no access decision
        if status in OUTCOMES and scope.get("user") is not None and not public:
            try:
                await record_refusal(scope, status)
            except Exception:  # the refusal was sent; a trail that cannot be written is logged, not raised
                logger.exception("Could not record a refused request on %s", scope.get("path_template"))

    return middleware
