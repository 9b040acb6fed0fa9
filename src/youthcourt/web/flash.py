"""Flash messages: one-time notices shown on the next page ("The account was created.").

They travel in a signed cookie, so they work before sign-in (after signing out) and need
no database write. Messages are fixed texts written by the app, never personal data.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

COOKIE_NAME = "youthcourt_flash"
_OUTGOING = "youthcourt.flash_out"
_INCOMING = "youthcourt.flash_in"


@dataclass(frozen=True)
class Flash:
    message: str
    category: str = "success"


def flash(connection: ASGIConnection, message: str, category: str = "success") -> None:
    """Show ``message`` on the next page this browser renders. Categories: success, info, error."""
    connection.scope.setdefault(_OUTGOING, []).append(Flash(message, category))  # type: ignore[misc]


def outgoing(connection: ASGIConnection) -> list[Flash]:
    """The messages this response will carry to the next page (read only)."""
    return list(connection.scope.get(_OUTGOING) or [])


def take_flashes(connection: ASGIConnection) -> list[Flash]:
    """The messages waiting for this page; taking them clears them."""
    waiting = connection.scope.get(_INCOMING) or []
    connection.scope[_INCOMING] = []  # type: ignore[literal-required]
    if waiting:
        connection.scope["youthcourt.flash_taken"] = True  # type: ignore[literal-required]
    return waiting


def _sign(payload: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def encode(flashes: list[Flash], secret: str) -> str:
    payload = base64.urlsafe_b64encode(json.dumps([[f.message, f.category] for f in flashes]).encode())
    return f"{payload.decode()}.{_sign(payload, secret)}"


def decode(value: str, secret: str) -> list[Flash]:
    payload, _, signature = value.rpartition(".")
    if not payload or not hmac.compare_digest(_sign(payload.encode(), secret), signature):
        return []
    try:
        return [Flash(str(m), str(c)) for m, c in json.loads(base64.urlsafe_b64decode(payload))][:10]
    except (ValueError, TypeError):
        return []


class FlashMiddleware:
    """Read the flash cookie on the way in; on the way out, set new messages or clear shown ones."""

    def __init__(self, app: ASGIApp, secret: str, secure: bool) -> None:
        self.app = app
        self.secret = secret
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookie = ASGIConnection(scope).cookies.get(COOKIE_NAME)
        scope[_INCOMING] = decode(cookie, self.secret) if cookie else []  # type: ignore[literal-required]

        async def send_with_flash(message: Message) -> None:
            if message["type"] == "http.response.start":
                outgoing = scope.get(_OUTGOING) or []
                if outgoing or scope.get("youthcourt.flash_taken"):
                    # Messages not shown yet (a redirect that rendered nothing) travel on with the new ones,
                    # each once (a form sent twice repeats the first answer's message, which may be waiting).
                    waiting = list(dict.fromkeys([*(scope.get(_INCOMING) or []), *outgoing]))
                    value = encode(waiting, self.secret) if waiting else ""
                    headers = MutableScopeHeaders.from_message(message)
                    headers.add("set-cookie", self._cookie(value).to_header(header=""))
            await send(message)

        await self.app(scope, receive, send_with_flash)

    def _cookie(self, value: str) -> Cookie:
        return Cookie(
            key=COOKIE_NAME,
            value=value,
            path="/",
            httponly=True,
            samesite="lax",
            secure=self.secure,
            max_age=120 if value else 0,
        )
