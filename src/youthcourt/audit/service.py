"""The one way to write to the audit trail.

Entries are added to the caller's database session, so an entry about a change commits
or rolls back with the change itself. Outcomes that must be kept even when the request
fails (a refused sign-in) are written with :func:`record_independently`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from litestar import Request
from litestar.connection import ASGIConnection
from sqlalchemy import bindparam, insert, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from youthcourt.audit.models import AuditEntry
from youthcourt.clock import utc_now
from youthcourt.database import add_at_commit
from youthcourt.programs.scoping import ProgramScope, program_scope, refuse_outside_scope
from youthcourt.programs.viewer import Viewer

SUCCESS = "success"
FAILURE = "failure"
DENIED = "denied"


def client_address(connection: ASGIConnection) -> str | None:
    """The client's address as the server sees it (behind a proxy, uvicorn's --proxy-headers sets it)."""
    return connection.client.host if connection.client else None


@dataclass(frozen=True)
class Actor:
    """Who does something, and from where: what the trail needs from a request.

    Handlers receive it as the ``actor`` dependency and pass it to their service, so services
    write the trail without the request, and tests call them with ``Actor(viewer)``.
    """

    viewer: Viewer | None
    ip_address: str | None = None
    user_agent: str | None = None

    @classmethod
    def of(cls, connection: ASGIConnection) -> Actor:
        user_agent = (connection.headers.get("user-agent") or "")[:300] or None
        return cls(connection.scope.get("user"), client_address(connection), user_agent)


def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    """The ``actor`` dependency of every handler."""
    return Actor.of(request)


def build_entry(
    source: ASGIConnection | Actor,
    action: str,
    *,
    outcome: str = SUCCESS,
    record_type: str | None = None,
    record_id: UUID | str | None = None,
    details: dict[str, Any] | None = None,
    actor: Viewer | None = None,
    actor_id: UUID | None = None,
    actor_name: str | None = None,
    program_id: UUID | None = None,
    site_level: bool = False,
) -> AuditEntry:
    """``actor`` defaults to the signed-in user; sign-in passes the account explicitly.

    The entry belongs to the user's current program unless ``program_id`` names another,
    or ``site_level`` says it concerns the installation (creating a program).
    """
    by = source if isinstance(source, Actor) else Actor.of(source)
    viewer = actor or by.viewer
    if not site_level:
        program_id = program_id or (viewer.program_id if viewer else None)
    return AuditEntry(
        program_id=None if site_level else program_id,
        actor_id=actor_id or (viewer.user_id if viewer else None),
        actor_name=actor_name or ((viewer.name_in(program_id) or viewer.email) if viewer else ""),
        action=action,
        outcome=outcome,
        record_type=record_type,
        record_id=str(record_id) if record_id is not None else None,
        ip_address=by.ip_address,
        user_agent=by.user_agent,
        details=details or {},
    )


READ_METHODS = frozenset({"GET", "HEAD"})
INSERT_ENTRY = insert(AuditEntry.__table__)
ENTRY_FIELDS = tuple((field.key, field.columns[0].key) for field in sa_inspect(AuditEntry).column_attrs)
"""Each attribute of an entry and its column: what a read's entry is written with, at the commit, as
one insert (see :func:`record`)."""


def record(
    db_session: AsyncSession, source: ASGIConnection | Actor, action: str, **fields: Any
) -> AuditEntry:
    """Add an entry to the caller's transaction; ``source`` is the request, or the actor a service was given.

    A read request's entry goes in when its transaction commits (see :func:`add_at_commit`), so
    viewing a page never holds SQLite's write lock while the page is being built; it is checked
    against the program scope as the unit of work would check it.
    """
    entry = build_entry(source, action, **fields)
    if isinstance(source, ASGIConnection) and source.scope.get("method") in READ_METHODS:
        refuse_outside_scope(entry)
        entry.id, entry.occurred_at = uuid4(), utc_now()
        values = {column: getattr(entry, field) for field, column in ENTRY_FIELDS}
        add_at_commit(source.scope, INSERT_ENTRY, values)
    else:
        db_session.add(entry)
    return entry


def record_site_event(db_session: AsyncSession, action: str, *, actor_name: str, **fields: Any) -> AuditEntry:
    """An entry about the installation made outside any request (a command run by an operator)."""
    entry = AuditEntry(program_id=None, actor_id=None, actor_name=actor_name, action=action, **fields)
    db_session.add(entry)
    return entry


async def record_independently(
    session_maker: async_sessionmaker[AsyncSession], connection: ASGIConnection, action: str, **fields: Any
) -> None:
    """Write an entry in its own transaction, kept whatever happens to the request."""
    entry = build_entry(connection, action, **fields)
    with program_scope(ProgramScope.of(entry.program_id, include_unowned=True)):
        async with session_maker() as session:
            session.add(entry)
            await session.commit()


LATEST_SIGN_INS = (
    select(AuditEntry)
    .where(
        AuditEntry.actor_id == bindparam("user_id"),
        AuditEntry.action == "sign_in",
        AuditEntry.outcome == SUCCESS,
    )
    .order_by(AuditEntry.occurred_at.desc())
    .limit(2)
)


async def previous_sign_in(db_session: AsyncSession, user_id: UUID) -> AuditEntry | None:
    """The sign-in before the current one, shown on home pages so people notice use they do not recognise."""
    rows = (await db_session.scalars(LATEST_SIGN_INS, {"user_id": user_id})).all()
    return rows[1] if len(rows) > 1 else None
