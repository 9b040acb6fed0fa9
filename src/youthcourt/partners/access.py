"""Who may call the partner API, and nothing else: an API key, never a session.

:class:`ApiKeyMiddleware` sits beside the session middleware. On the API's routes (those whose
``opt`` carries :data:`PARTNER_API`) it wants ``Authorization: Bearer <key>`` and refuses a
session cookie, an unknown or revoked key (401) and a key past its requests per minute (429 with
``Retry-After``); then it runs the request as the key's agency, inside the key's program scope.
Every other route refuses a request that carries a key, so a key opens the API and nothing else.
Each call, let in or refused, goes into the audit trail in a transaction of its own.
"""

from __future__ import annotations

import logging
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar.connection import ASGIConnection
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from youthcourt.audit import service as audit
from youthcourt.clock import utc_now
from youthcourt.partners import keys
from youthcourt.partners.keys import Partner
from youthcourt.programs.scoping import ProgramScope, across_programs, program_scope
from youthcourt.settings import Settings
from youthcourt.web.problems import send_problem

logger = logging.getLogger("youthcourt")

PARTNER_API = {"partner_api": True}
"""Route ``opt`` of the API's routes: they take a key and no session."""
PARTNER_KEY = "youthcourt.partner"
"""Where the request's :class:`~youthcourt.partners.keys.Partner` is kept in the ASGI scope."""
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="youthcourt-partner-api"'}
NO_KEY = "Send the API key your program gave your agency as 'Authorization: Bearer <key>'."
BAD_KEY = "This API key is unknown or was revoked. Ask the program for a new key."
NO_SESSIONS = "The partner API takes an API key, not a signed-in session. Send the request without cookies."
KEY_ELSEWHERE = "API keys open only the partner API under /api/v1; this address is for signed-in people."


def presented_key(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The bearer token of the request, if it sends one."""
    scheme, _, value = (connection.headers.get("authorization") or "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def partner_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Partner:
    """The key calling an API handler (the middleware has let it in)."""
    return connection.scope[PARTNER_KEY]  # type: ignore[literal-required]


class ApiKeyMiddleware:
    def __init__(self, app: ASGIApp, database: SQLAlchemyAsyncConfig, settings: Settings) -> None:
        self.app = app
        self.database = database
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope)
        handler = scope.get("route_handler")
        key_text = presented_key(connection)
        if handler is None or not handler.opt.get("partner_api"):
            if key_text is not None:
                await self._refuse(connection, send, 401, KEY_ELSEWHERE, None)
                return
            await self.app(scope, receive, send)
            return
        if connection.cookies.get(self.settings.session.cookie_name):
            await self._refuse(connection, send, 401, NO_SESSIONS, None)
            return
        if not key_text:
            await self._refuse(connection, send, 401, NO_KEY, None, headers=CHALLENGE)
            return
        session_maker = scope["app"].state.session_maker
        async with session_maker() as db:
            partner = await keys.find_partner(db, key_text)
            if partner is None or partner.revoked:
                await self._refuse(connection, send, 401, BAD_KEY, partner, headers=CHALLENGE)
                return
            now = utc_now()
            count, started = await keys.count_use(db, partner.key_id, now)
            await db.commit()
        if count > partner.requests_per_minute:
            wait = keys.retry_after(started, now)
            detail = (
                f"This key may send {partner.requests_per_minute} requests a minute. Try again in {wait} s."
            )
            await self._refuse(connection, send, 429, detail, partner, headers={"Retry-After": str(wait)})
            return
        await self._serve(scope, receive, send, partner)

    async def _serve(self, scope: Scope, receive: Receive, send: Send, partner: Partner) -> None:
        """Run the request as the partner, then record the call with its status."""
        scope["user"] = partner.viewer()
        scope["auth"] = partner.key_id
        scope[PARTNER_KEY] = partner  # type: ignore[literal-required]
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        with program_scope(ProgramScope.of(partner.program_id)):
            await self.app(scope, receive, watch)
        await self._record(ASGIConnection(scope), status, partner)

    async def _refuse(
        self,
        connection: ASGIConnection[Any, Any, Any, Any],
        send: Send,
        status: int,
        detail: str,
        partner: Partner | None,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        await send_problem(send, status, detail, headers=headers)
        await self._record(connection, status, partner)

    async def _record(
        self, connection: ASGIConnection[Any, Any, Any, Any], status: int, partner: Partner | None
    ) -> None:
        """One entry per call: the route's pattern (never the address typed), the status, the key."""
        outcome = (
            audit.SUCCESS
            if 200 <= status < 400
            else audit.DENIED
            if status in (401, 403, 429)
            else audit.FAILURE
        )
        details = {
            "method": connection.scope.get("method", ""),
            "path": connection.scope.get("path_template") or "",
            "status": status,
        }
        fields: dict[str, Any] = {"outcome": outcome, "details": details}
        if partner is not None:
            fields |= {
                "program_id": partner.program_id,
                "actor_id": partner.key_id,
                "actor_name": partner.name,
                "record_type": "api_key",
                "record_id": partner.key_id,
            }
        try:
            with across_programs():
                await audit.record_independently(
                    connection.app.state.session_maker, connection, "api_call", **fields
                )
        except Exception:  # the answer was sent; a trail that cannot be written is logged, not raised
            logger.exception("Could not record an API call on %s", connection.scope.get("path_template"))
