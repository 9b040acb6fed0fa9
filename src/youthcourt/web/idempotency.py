"""Every form does its work once, however often it is sent: a double-click does one thing.

Every form of the app carries a once-token beside its CSRF token: wherever a template writes
``{{ csrf_input | safe }}``, :func:`youthcourt.web.templating.page` adds a hidden ``_once``
field with a fresh random value (a new one for each form, so a page's forms never share one).

When a POST arrives with a token, :class:`OnceMiddleware` claims it before the handler runs:
a row keyed by the token, the address and the values sent is inserted into ``form_submission``
in a short transaction of its own (the key is unique, so only one request can claim it). When
the handler succeeds, the row is marked done, with the redirect it answered, in the request's
own transaction: done if and only if the request's changes are saved. A request that fails
(a form re-shown with 422, a conflict, an error) gives the token back, so the same form can be
sent again. A second request with a claimed key runs no handler: it waits for the first to
finish and follows its redirect, with a note that nothing was done twice (an htmx request whose
first answer replaced part of the page gets an empty 204). The claim has its own transaction so
that a request holds no write lock while its handler works (SQLite has one for the whole
database, and error pages write their audit entry on their own). Forms posted without a token
(clients other than a browser on our pages) work as before.

Rows only need to outlive a double-click or a resent page: ``youthcourt audit purge`` removes
them after a day.
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import html
import secrets
import time
from collections.abc import Mapping
from typing import Any
from uuid import uuid4

from advanced_alchemy.types import DateTimeUTC, JsonB
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import MutableScopeHeaders, UploadFile
from litestar.response import Template
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from sqlalchemy import String, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from youthcourt.database import Base
from youthcourt.web.flash import flash, outgoing
from youthcourt.web.i18n import N_, gettext

FIELD = "_once"
"""The hidden field that carries the token."""
KEEP_FOR = datetime.timedelta(days=1)
ALREADY_DONE = N_("That form was sent twice; it was done once.")
STILL_AT_WORK = N_(
    "That form was already sent and is still being saved. Reload the page in a moment to see it."
)
READ_ONLY_SUFFIXES = ("/search", "/youth-matches", "/youth-section")
"""POSTs that only look something up (searches travel in a body, see ``web/search.py``)."""
SIGN_IN_PATHS = frozenset({"/login", "/login/code", "/logout"})
"""Signing in and out are governed by their own rules (single-use codes, throttling)."""


class FormSubmission(Base):
    """A form that was sent and done: its key, and where its answer sent the browser."""

    __tablename__ = "form_submission"

    key: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the once-token, the address and the values sent."""
    completed_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    """When the request that sent it saved its changes; empty while it is at work."""
    location: Mapped[str | None] = mapped_column(String(2000))
    """The redirect the first request answered with, for the duplicates to follow."""
    notices: Mapped[list[list[str]]] = mapped_column(JsonB, default=list)
    """The messages the first answer showed ("The reward was redeemed."), shown again to the duplicates."""


# Emitting the token -----------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(18)


class FormInputs:
    """The hidden inputs every form carries: the CSRF token and a fresh once-token per form.

    Rendered through ``__html__`` (what ``| safe`` and autoescaping call), so each form written
    with it gets a token of its own.
    """

    def __init__(self, csrf_input: str) -> None:
        self.csrf_input = csrf_input

    def __html__(self) -> str:
        return f'{self.csrf_input}<input type="hidden" name="{FIELD}" value="{html.escape(new_token())}">'

    def __str__(self) -> str:
        return self.__html__()


class OnceTemplate(Template):
    """A page whose forms carry once-tokens."""

    def create_template_context(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        context = super().create_template_context(request)
        context["csrf_input"] = FormInputs(context["csrf_input"])
        return context


# Spending it -----------------------------------------------------------------------------------


def submission_key(token: str, path: str, values: Mapping[str, Any]) -> str:
    """The token, the address and the values sent (without the tokens), hashed together."""
    digest = hashlib.sha256()
    for part in (token, path):
        digest.update(part.encode() + b"\0")
    for name in sorted(values):
        if name in (FIELD, "_csrf_token"):
            continue
        items = values[name] if isinstance(values[name], list) else [values[name]]
        for item in items:
            text = item.filename if isinstance(item, UploadFile) else str(item)
            digest.update(f"{name}={text}".encode() + b"\0")
    return digest.hexdigest()


def applies_to(scope: Scope) -> bool:
    path = scope["path"]
    return (
        scope["type"] == "http"
        and scope.get("method") == "POST"
        and path not in SIGN_IN_PATHS
        and not path.endswith(READ_ONLY_SUFFIXES)
    )


def _local(target: str | None) -> str | None:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def _redirect_target(message: Message) -> str | None:
    """Where a response sends the browser: a 3xx ``Location``, or htmx's redirect headers."""
    headers = MutableScopeHeaders.from_message(message)
    if 300 <= message["status"] < 400:
        return _local(headers.get("location"))
    return _local(headers.get("hx-redirect") or headers.get("hx-location"))


class OnceMiddleware:
    """Claim each form's once-token before its handler runs; answer duplicates without a second effect."""

    def __init__(self, app: ASGIApp, database: Any) -> None:
        self.app = app
        self.database = database

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not applies_to(scope) or scope.get("user") is None:
            await self.app(scope, receive, send)
            return
        request: Request[Any, Any, Any] = Request(scope, receive)
        form = await request.form()
        token = str(form.get(FIELD) or "")[:100]
        if not token:
            await self.app(scope, receive, send)
            return
        key = submission_key(token, scope["path"], form.dict())
        session_maker = scope["app"].state.session_maker
        while not await _claim(session_maker, key):
            outcome, first = await _wait_for_first(session_maker, key)
            if outcome != GONE:
                await _answer_duplicate(request, first, send, busy=outcome == BUSY)
                return
            # The first one failed and gave the token back: this one does the work.

        status = 0

        async def mark_done(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if status < 400:
                    # In the request's own transaction: done if, and only if, its changes are saved.
                    session: AsyncSession = self.database.provide_session(scope["app"].state, scope)
                    notices = [[notice.message, notice.category] for notice in outgoing(request)]
                    await session.execute(
                        update(FormSubmission)
                        .where(FormSubmission.key == key)
                        .values(completed_at=_now(), location=_redirect_target(message), notices=notices)
                    )
            await send(message)

        try:
            await self.app(scope, receive, mark_done)
        finally:
            if status >= 400 or not await _completed(session_maker, key):
                await _release(session_maker, key)


PENDING, DONE, GONE, BUSY = "pending", "done", "gone", "busy"
WAIT_SECONDS = 20.0


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


async def _claim(session_maker: Any, key: str) -> bool:
    """Insert the token's row in a short transaction of its own; False when it is there already."""
    async with session_maker() as db:
        try:
            now = _now()
            await db.execute(
                insert(FormSubmission).values(id=uuid4(), key=key, created_at=now, updated_at=now)
            )
            await db.commit()
        except IntegrityError:
            await db.rollback()
            return False
    return True


async def _state(session_maker: Any, key: str) -> tuple[str, FormSubmission | None]:
    async with session_maker() as db:
        row = await db.scalar(select(FormSubmission).where(FormSubmission.key == key))
    if row is None:
        return GONE, None
    return (DONE if row.completed_at is not None else PENDING), row


async def _completed(session_maker: Any, key: str) -> bool:
    return (await _state(session_maker, key))[0] == DONE


async def _release(session_maker: Any, key: str) -> None:
    """Give the token back after a request that saved nothing (a 422, a conflict, an error)."""
    async with session_maker() as db:
        await db.execute(
            delete(FormSubmission).where(FormSubmission.key == key, FormSubmission.completed_at.is_(None))
        )
        await db.commit()


async def _wait_for_first(session_maker: Any, key: str) -> tuple[str, FormSubmission | None]:
    """Wait while the first request with this token is still at work; then say how it ended."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        outcome, first = await _state(session_maker, key)
        if outcome != PENDING:
            return outcome, first
        if time.monotonic() > deadline:
            return BUSY, None
        await asyncio.sleep(0.05)


async def _answer_duplicate(
    request: Request[Any, Any, Any], first: FormSubmission | None, send: Send, *, busy: bool
) -> None:
    location = first.location if first and not busy else None
    htmx = request.headers.get("hx-request") == "true"
    if htmx and not location and not busy:
        # The first answer replaced part of the page; the duplicate changes nothing.
        await _send(send, 204, [])
        return
    target = location or _local(_referer_path(request)) or "/"
    for message, category in (first.notices or []) if first and not busy else []:
        flash(request, message, category)
    flash(request, gettext(STILL_AT_WORK if busy else ALREADY_DONE), "info")
    if htmx:
        await _send(send, 200, [(b"hx-redirect", target.encode())])
    else:
        await _send(send, 303, [(b"location", target.encode())])


def _referer_path(request: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    referer = request.headers.get("referer") or ""
    host = request.headers.get("host") or ""
    for scheme in ("http://", "https://"):
        prefix = f"{scheme}{host}"
        if host and referer.startswith(prefix):
            return referer[len(prefix) :] or "/"
    return None


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, (b"content-length", b"0"), (b"cache-control", b"no-store")],
        }
    )
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def purge_spent(db: AsyncSession, now: datetime.datetime) -> int:
    """Forget forms sent more than a day ago."""
    result = await db.execute(delete(FormSubmission).where(FormSubmission.created_at < now - KEEP_FOR))
    return result.rowcount or 0
