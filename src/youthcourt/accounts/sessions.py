"""Sign-in sessions kept in the database, shared by every app process.

The cookie carries a random token and the database keeps only its SHA-256, so a leaked
database does not hand out sessions. A session ends after 30 idle minutes or 12 hours,
whichever comes first (or sooner where a program's policy says so), and a new one (new
token) is made at every sign-in. After the password alone, a short session waits for the
authenticator code; the full session replaces it once the code is right.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar import Response
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.middleware.csrf import generate_csrf_token
from litestar.types import ASGIApp, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState
from sqlalchemy import Row, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts.models import Membership, User, UserSession
from youthcourt.audit.service import client_address
from youthcourt.clock import utc_now
from youthcourt.programs.models import Program
from youthcourt.programs.scoping import NOTHING, across_programs, program_scope
from youthcourt.programs.viewer import ProgramChoice, Viewer, known_timezones
from youthcourt.reference.models import ProgramPolicy
from youthcourt.settings import Settings
from youthcourt.web.i18n import DEFAULT_LANGUAGE, choose_language, use_locale
from youthcourt.web.problems import API_PREFIX
from youthcourt.web.static import FILE_PATHS

TOUCH_EVERY = datetime.timedelta(seconds=60)
"""Write last-seen at most once a minute, not at every request. The last request may so be up to a
minute later than last-seen, and the idle limit allows for it: a session never ends before the
limit has passed since its last request (it may last up to a minute longer)."""

SESSION_EXPIRED_KEY = "youthcourt.session_expired"

CODE_STEP_MINUTES = 10
"""How long a session that has passed the password waits for the authenticator code."""


@dataclass(frozen=True)
class SessionLimits:
    idle_minutes: int
    absolute_hours: int


async def session_limits(db: AsyncSession, user: User, settings: Settings) -> SessionLimits:
    """The strictest of the installation's limits and those of the user's active programs' policies.

    A program may shorten sessions (a shared computer in a school office) but never lengthen
    them beyond what the installation allows.
    """
    with across_programs():
        rows = (
            await db.execute(
                select(ProgramPolicy.session_idle_minutes, ProgramPolicy.session_absolute_hours)
                .join(Membership, Membership.program_id == ProgramPolicy.program_id)
                .join(Program, Program.id == Membership.program_id)
                .where(Membership.user_id == user.id, Membership.is_active, Program.is_active)
            )
        ).all()
    idle = min([settings.session.idle_minutes, *(row[0] for row in rows if row[0] and row[0] > 0)])
    hours = min([settings.session.absolute_hours, *(row[1] for row in rows if row[1] and row[1] > 0)])
    return SessionLimits(idle, hours)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_cookie(settings: Settings, token: str | None, *, max_age: int | None = None) -> Cookie:
    """The session cookie; ``None`` makes a cookie that deletes it.

    It lives as long as the server keeps the session at most: ``max_age`` seconds, or the
    installation's absolute lifetime.
    """
    return Cookie(
        key=settings.session.cookie_name,
        value=token or "",
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
        max_age=(settings.session.absolute_hours * 3600 if max_age is None else max_age) if token else 0,
    )


def fresh_csrf_cookie(connection: ASGIConnection) -> Cookie:
    """A new CSRF token, so one read before signing in or out is no use afterwards.

    The forms of the response being made carry the new token too.
    """
    config = connection.app.csrf_config
    assert config is not None, "the app is built with a CSRF configuration"
    token = generate_csrf_token(secret=config.secret)
    ScopeState.from_scope(connection.scope).csrf_token = token
    return Cookie(
        key=config.cookie_name,
        value=token,
        path=config.cookie_path,
        secure=config.cookie_secure,
        httponly=config.cookie_httponly,
        samesite=config.cookie_samesite,
        domain=config.cookie_domain,
    )


def set_sign_in_cookies(
    response: Response[Any], connection: ASGIConnection, token: str | None, *, awaiting_code: bool = False
) -> None:
    """At every sign-in step and sign-out: the new session cookie (or its removal) and a new CSRF token."""
    settings: Settings = connection.app.state.settings
    max_age = CODE_STEP_MINUTES * 60 if awaiting_code else None
    response.set_cookie(session_cookie(settings, token, max_age=max_age))
    response.set_cookie(fresh_csrf_cookie(connection))


async def start_session(
    db: AsyncSession,
    user: User,
    program_id: UUID | None,
    connection: ASGIConnection,
    settings: Settings,
    *,
    awaiting_code: bool = False,
) -> str:
    """Create a new session for ``user`` and return the cookie token; the old one, if any, is ended.

    ``awaiting_code`` makes the short session that only reaches the code step.
    """
    old_token = connection.cookies.get(settings.session.cookie_name)
    if old_token:
        await db.execute(delete(UserSession).where(UserSession.token_hash == hash_token(old_token)))
    token = secrets.token_urlsafe(32)
    now = utc_now()
    limits = await session_limits(db, user, settings)
    lifetime = datetime.timedelta(hours=limits.absolute_hours)
    idle = limits.idle_minutes
    if awaiting_code:
        lifetime = datetime.timedelta(minutes=CODE_STEP_MINUTES)
        idle = min(idle, CODE_STEP_MINUTES)
    db.add(
        UserSession(
            token_hash=hash_token(token),
            user_id=user.id,
            program_id=program_id,
            last_seen_at=now,
            expires_at=now + lifetime,
            idle_minutes=idle,
            awaiting_code=awaiting_code,
            ip_address=client_address(connection),
            user_agent=(connection.headers.get("user-agent") or "")[:300] or None,
        )
    )
    return token


async def end_session(db: AsyncSession, session_id: UUID) -> None:
    await db.execute(delete(UserSession).where(UserSession.id == session_id))


async def end_all_sessions(db: AsyncSession, user_id: UUID) -> None:
    """Sign a user out everywhere: after a password change or a deactivation."""
    await db.execute(delete(UserSession).where(UserSession.user_id == user_id))


async def end_program_sessions(db: AsyncSession, user_id: UUID, program_id: UUID) -> None:
    """Sign a user out of one program only: their sessions working in it end, others go on."""
    await db.execute(
        delete(UserSession).where(UserSession.user_id == user_id, UserSession.program_id == program_id)
    )


async def switch_program(db: AsyncSession, session_id: UUID, program_id: UUID) -> None:
    await db.execute(update(UserSession).where(UserSession.id == session_id).values(program_id=program_id))


@dataclass(frozen=True)
class _Found:
    """What a request needs of its session, its user and the user's memberships: columns, not objects."""

    session: Row[Any]
    enrolments: list[Row[Any]]


async def _program_choices(db: AsyncSession, found: _Found) -> tuple[ProgramChoice, ...]:
    who = found.session
    roles = {m.program_id: m.role for m in found.enrolments if m.is_active and m.program_is_active}
    names = {m.program_id: m.display_name or who.full_name for m in found.enrolments}
    if who.is_site_admin:
        programs = (
            await db.execute(
                select(Program.id, Program.name, Program.timezone)
                .where(Program.is_active)
                .order_by(Program.name)
            )
        ).all()
        return tuple(
            ProgramChoice(p.id, p.name, roles.get(p.id), p.timezone, names.get(p.id, who.full_name))
            for p in programs
        )
    return tuple(
        sorted(
            (
                ProgramChoice(m.program_id, m.program_name, m.role, m.timezone, names[m.program_id])
                for m in found.enrolments
                if m.program_id in roles
            ),
            key=lambda choice: choice.name,
        )
    )


SESSION_LOOKUP = (
    select(
        UserSession.id,
        UserSession.user_id,
        UserSession.program_id.label("session_program_id"),
        UserSession.last_seen_at,
        UserSession.expires_at,
        UserSession.idle_minutes,
        UserSession.awaiting_code,
        User.email,
        User.full_name,
        User.is_active.label("user_is_active"),
        User.is_site_admin,
        User.must_change_password,
        User.language,
        Membership.program_id,
        Membership.role,
        Membership.display_name,
        Membership.is_active,
        Program.name.label("program_name"),
        Program.timezone,
        Program.is_active.label("program_is_active"),
    )
    .join(User, User.id == UserSession.user_id)
    .outerjoin(Membership, Membership.user_id == User.id)
    .outerjoin(Program, Program.id == Membership.program_id)
    .where(UserSession.token_hash == bindparam("token_hash"))
)
"""The session look-up, built once per process: building a statement of twenty columns and its
cache key cost half a millisecond, on every request. It runs before the program scope is set, so
it is sent as it is and SQLAlchemy keeps its cache key on the object."""


async def _session_rows(db: AsyncSession, token: str) -> _Found | None:
    """The session, its user and the user's memberships with their programs, in one query.

    It runs on every request, so it is one round trip (a row per membership) of the columns
    used, rather than a query per relationship or whole rows made into objects.
    """
    rows = (await db.execute(SESSION_LOOKUP, {"token_hash": hash_token(token)})).all()
    if not rows:
        return None
    return _Found(rows[0], [row for row in rows if row.program_id is not None])


async def load_viewer(db: AsyncSession, token: str, settings: Settings) -> Viewer | None:
    """The signed-in user behind a session token, or None when the session is unknown or over."""
    found = await _session_rows(db, token)
    if found is None:
        return None
    row = found.session
    now = utc_now()
    idle_limit = datetime.timedelta(minutes=min(row.idle_minutes, settings.session.idle_minutes))
    # The last request may have come up to TOUCH_EVERY after last-seen was written.
    idle_at_least = now - row.last_seen_at - TOUCH_EVERY
    if not row.user_is_active or now >= row.expires_at or idle_at_least >= idle_limit:
        await db.execute(delete(UserSession).where(UserSession.id == row.id))
        await db.commit()
        return None
    if row.awaiting_code:
        return _awaiting_code(row)
    choices = await _program_choices(db, found)
    current = next((c for c in choices if c.id == row.session_program_id), choices[0] if choices else None)
    if now - row.last_seen_at >= TOUCH_EVERY or (current and current.id != row.session_program_id):
        await db.execute(
            update(UserSession)
            .where(UserSession.id == row.id)
            .values(last_seen_at=now, program_id=current.id if current else None)
        )
        await db.commit()
    return Viewer(
        user_id=row.user_id,
        session_id=row.id,
        email=row.email,
        full_name=(current.member_name if current else "") or row.full_name,
        account_name=row.full_name,
        is_site_admin=row.is_site_admin,
        must_change_password=row.must_change_password,
        program_id=current.id if current else None,
        program_name=current.name if current else None,
        role=current.role if current else None,
        programs=choices,
        timezone=current.timezone if current else "America/New_York",
        language=row.language,
    )


def _awaiting_code(row: Row[Any]) -> Viewer:
    """Who has typed the right password but not yet the code: no program, no role, no records."""
    return Viewer(
        user_id=row.user_id,
        session_id=row.id,
        email=row.email,
        full_name=row.full_name,
        is_site_admin=False,
        must_change_password=row.must_change_password,
        program_id=None,
        program_name=None,
        role=None,
        awaiting_code=True,
        language=row.language,
    )


class SessionMiddleware:
    """Find the signed-in user for each request and run the request inside their program scope.

    The user is looked up in the request's own database session, the one its handler then
    uses and that is committed before the response leaves: one connection and one transaction
    a request, not a second pair for the look-up alone.
    """

    def __init__(self, app: ASGIApp, database: SQLAlchemyAsyncConfig, settings: Settings) -> None:
        self.app = app
        self.database = database
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        connection = ASGIConnection(scope)
        token = connection.cookies.get(self.settings.session.cookie_name)
        viewer = None
        if token and not scope["path"].startswith(FILE_PATHS):
            db = self.database.provide_session(scope["app"].state, scope)
            viewer = await load_viewer(db, token, self.settings)
            scope[SESSION_EXPIRED_KEY] = viewer is None  # type: ignore[literal-required]
            if viewer:
                known_timezones(db, {choice.id: choice.timezone for choice in viewer.programs})
        scope["user"] = viewer
        scope["auth"] = viewer.session_id if viewer else None
        language = (
            DEFAULT_LANGUAGE  # the partner API speaks to software, in the language of its document
            if scope["path"].startswith(API_PREFIX)
            else choose_language(
                viewer.language if viewer else None, connection.headers.get("accept-language")
            )
        )
        with program_scope(viewer.scope if viewer else NOTHING), use_locale(language):
            await self.app(scope, receive, send)
