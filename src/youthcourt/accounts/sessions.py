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
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts.models import Membership, User, UserSession
from youthcourt.audit.service import client_address
from youthcourt.clock import utc_now
from youthcourt.programs.models import Program
from youthcourt.programs.scoping import NOTHING, across_programs, program_scope
from youthcourt.programs.viewer import ProgramChoice, Viewer
from youthcourt.reference.models import ProgramPolicy
from youthcourt.settings import Settings
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


Enrolment = tuple[Membership, Program]


async def _program_choices(
    db: AsyncSession, user: User, enrolments: list[Enrolment]
) -> tuple[ProgramChoice, ...]:
    roles = {m.program_id: m.role for m, program in enrolments if m.is_active and program.is_active}
    names = {m.program_id: m.display_name or user.full_name for m, _ in enrolments}
    if user.is_site_admin:
        programs = (await db.scalars(select(Program).where(Program.is_active).order_by(Program.name))).all()
        return tuple(
            ProgramChoice(p.id, p.name, roles.get(p.id), p.timezone, names.get(p.id, user.full_name))
            for p in programs
        )
    return tuple(
        sorted(
            (
                ProgramChoice(m.program_id, program.name, m.role, member_name=names[m.program_id])
                for m, program in enrolments
                if m.program_id in roles
            ),
            key=lambda choice: choice.name,
        )
    )


async def _session_rows(db: AsyncSession, token: str) -> tuple[UserSession, User, list[Enrolment]] | None:
    """The session, its user and the user's memberships with their programs, in one query.

    It runs on every request, so it is one round trip (a row per membership) rather than a
    query per relationship.
    """
    rows = (
        await db.execute(
            select(UserSession, User, Membership, Program)
            .join(User, User.id == UserSession.user_id)
            .outerjoin(Membership, Membership.user_id == User.id)
            .outerjoin(Program, Program.id == Membership.program_id)
            .where(UserSession.token_hash == hash_token(token))
        )
    ).all()
    if not rows:
        return None
    enrolments = [(membership, program) for _, _, membership, program in rows if membership is not None]
    return rows[0][0], rows[0][1], enrolments


async def load_viewer(db: AsyncSession, token: str, settings: Settings) -> Viewer | None:
    """The signed-in user behind a session token, or None when the session is unknown or over."""
    found = await _session_rows(db, token)
    if found is None:
        return None
    row, user, enrolments = found
    now = utc_now()
    idle_limit = datetime.timedelta(minutes=min(row.idle_minutes, settings.session.idle_minutes))
    # The last request may have come up to TOUCH_EVERY after last-seen was written.
    idle_at_least = now - row.last_seen_at - TOUCH_EVERY
    if not user.is_active or now >= row.expires_at or idle_at_least >= idle_limit:
        await db.delete(row)
        await db.commit()
        return None
    if row.awaiting_code:
        return _awaiting_code(row, user)
    choices = await _program_choices(db, user, enrolments)
    current = next((c for c in choices if c.id == row.program_id), choices[0] if choices else None)
    if now - row.last_seen_at >= TOUCH_EVERY or (current and current.id != row.program_id):
        row.last_seen_at = now
        row.program_id = current.id if current else None
        await db.commit()
    return Viewer(
        user_id=user.id,
        session_id=row.id,
        email=user.email,
        full_name=(current.member_name if current else "") or user.full_name,
        account_name=user.full_name,
        is_site_admin=user.is_site_admin,
        must_change_password=user.must_change_password,
        program_id=current.id if current else None,
        program_name=current.name if current else None,
        role=current.role if current else None,
        programs=choices,
        timezone=current.timezone if current else "America/New_York",
    )


def _awaiting_code(row: UserSession, user: User) -> Viewer:
    """Who has typed the right password but not yet the code: no program, no role, no records."""
    return Viewer(
        user_id=user.id,
        session_id=row.id,
        email=user.email,
        full_name=user.full_name,
        is_site_admin=False,
        must_change_password=user.must_change_password,
        program_id=None,
        program_name=None,
        role=None,
        awaiting_code=True,
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
        scope["user"] = viewer
        scope["auth"] = viewer.session_id if viewer else None
        with program_scope(viewer.scope if viewer else NOTHING):
            await self.app(scope, receive, send)
