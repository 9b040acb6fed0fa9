"""Private links: a secret address that lets someone without an account do one thing.

A partner site's supervisor confirming a youth's hours, a parent answering a survey: people the
program works with who will never have an account. A coordinator gives them a link; the link
grants one **purpose** for one **subject** (the record the purpose acts on), until it expires or
is revoked. How to use it from an area:

1. Declare the purpose once, at import time: ``HOURS = Purpose("site_hours", "hours",
   "Partner site link")``.
2. Give a link out with :func:`issue`. It returns the secret address once, to show or send;
   only the secret's SHA-256 is stored (:func:`youthcourt.accounts.sessions.hash_token`, as for
   sessions and calendar feeds), so neither the database nor a backup can open it.
3. Serve the page at :func:`route_path` (``/link/{token:str}/<page>``), public (``opt=PUBLIC``),
   and start the handler with :func:`open_link`. An unknown, expired or revoked secret, one
   made for another purpose, or one of an inactive program all raise the same 404: the page
   never tells a guesser which it was. Opening a link puts the rest of the request in the link's
   program scope, so the usual scoped queries and writes work.
4. Write the audit trail with :func:`audit_as`: the actor is the link (``"Partner site link:
   Dana Ortiz"``), since there is no user.
5. Coordinators list (:func:`links_for`) and revoke (:func:`revoke`, :func:`revoke_all`) links.

Every private page lives under ``/link/``, and the access log filter
(:mod:`youthcourt.web.logging`) replaces the secret there, as it does for calendar feeds. The
pages also send ``Referrer-Policy: no-referrer`` (:data:`HEADERS`), so the address does not
travel to any page the visitor goes on to.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts.sessions import hash_token
from youthcourt.audit import service as audit
from youthcourt.audit.models import AuditEntry
from youthcourt.audit.service import Actor
from youthcourt.clock import utc_now
from youthcourt.private_links.models import PrivateLink
from youthcourt.programs.models import Program
from youthcourt.programs.scoping import ProgramScope, across_programs, switch_scope
from youthcourt.programs.viewer import Viewer

PATH_PREFIX = "/link/"
"""Every page opened by a private link is under this prefix, where the access log hides the secret."""
MAX_TOKEN_LENGTH = 100
"""Longer secrets are not looked up at all (ours are 43 characters)."""
HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
"""Response headers for every page opened by a private link."""


@dataclass(frozen=True)
class Purpose:
    """What a link lets its holder do."""

    name: str
    """Stored with the link; a link opens only pages of its own purpose."""
    page: str
    """The last part of the link's address (``/link/<secret>/<page>``)."""
    actor: str
    """Who the audit trail says acted ("Partner site link"), followed by the link's label."""


@dataclass(frozen=True)
class IssuedLink:
    """A link just given out: the only moment its secret address exists."""

    link: PrivateLink
    token: str
    path: str
    """The address to give, without the host: ``/link/<secret>/<page>``."""


def route_path(purpose: Purpose) -> str:
    """The route of a purpose's page, for the handler decorator."""
    return f"{PATH_PREFIX}{{token:str}}/{purpose.page}"


def address(purpose: Purpose, token: str) -> str:
    return f"{PATH_PREFIX}{token}/{purpose.page}"


async def issue(
    db: AsyncSession,
    purpose: Purpose,
    subject_id: UUID,
    *,
    program_id: UUID,
    valid_for: datetime.timedelta,
    created_by: Viewer | None,
    label: str = "",
) -> IssuedLink:
    """Give out a new link to ``subject_id`` for ``purpose``, valid for ``valid_for`` from now."""
    token = secrets.token_urlsafe(32)
    link = PrivateLink(
        program_id=program_id,
        purpose=purpose.name,
        subject_id=subject_id,
        token_hash=hash_token(token),
        label=label,
        expires_at=utc_now() + valid_for,
        created_by_id=created_by.user_id if created_by else None,
    )
    db.add(link)
    await db.flush()
    return IssuedLink(link, token, address(purpose, token))


async def open_link(db: AsyncSession, token: str, purpose: Purpose) -> PrivateLink:
    """The link behind ``token`` if it is open for ``purpose``; the same 404 for every other case.

    The lookup spans programs (the visitor has none); once found, the rest of the request runs
    in the link's program scope.
    """
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise NotFoundException()
    with across_programs():
        link = await db.scalar(
            select(PrivateLink)
            .join(Program, Program.id == PrivateLink.program_id)
            .where(PrivateLink.token_hash == hash_token(token), Program.is_active.is_(True))
        )
    if link is None or link.purpose != purpose.name or not link.is_open_at(utc_now()):
        raise NotFoundException()
    switch_scope(ProgramScope.of(link.program_id))
    return link


LINKS_FOR = (
    select(PrivateLink)
    .where(
        PrivateLink.purpose.in_(bindparam("purposes", expanding=True)),
        PrivateLink.subject_id.in_(bindparam("subject_ids", expanding=True)),
    )
    .order_by(PrivateLink.created_at.desc(), PrivateLink.id)
)
"""Built once per process (see ``dashboard.services``): a case's page reads it on every view."""


async def links_for(
    db: AsyncSession, purpose: Purpose | tuple[Purpose, ...], subject_ids: list[UUID]
) -> list[PrivateLink]:
    """The links given out for these subjects for one purpose or several, newest first (in the
    caller's program scope), in one query."""
    if not subject_ids:
        return []
    purposes = purpose if isinstance(purpose, tuple) else (purpose,)
    rows = await db.scalars(
        LINKS_FOR, {"purposes": [each.name for each in purposes], "subject_ids": subject_ids}
    )
    return list(rows.all())


async def find(db: AsyncSession, purpose: Purpose, subject_id: UUID, link_id: UUID) -> PrivateLink:
    """One link of a subject, by id (the coordinator's revoke button); 404 when it is another's."""
    link = await db.scalar(
        select(PrivateLink).where(
            PrivateLink.id == link_id,
            PrivateLink.purpose == purpose.name,
            PrivateLink.subject_id == subject_id,
        )
    )
    if link is None:
        raise NotFoundException()
    return link


def revoke(link: PrivateLink) -> bool:
    """Stop the link from opening anything; False when it already was revoked."""
    if link.revoked_at is not None:
        return False
    link.revoked_at = utc_now()
    return True


async def revoke_all(db: AsyncSession, purpose: Purpose, subject_id: UUID) -> int:
    """Revoke every open link to a subject (when it changes hands); returns how many."""
    result = await db.execute(
        update(PrivateLink)
        .where(
            PrivateLink.purpose == purpose.name,
            PrivateLink.subject_id == subject_id,
            PrivateLink.revoked_at.is_(None),
        )
        .values(revoked_at=utc_now())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def audit_as(
    db: AsyncSession,
    source: ASGIConnection | Actor,
    link: PrivateLink,
    purpose: Purpose,
    action: str,
    **fields: Any,
) -> AuditEntry:
    """An audit entry whose actor is the link: its purpose and label, in the link's program."""
    details = {"link_id": str(link.id), **fields.pop("details", {})}
    name = f"{purpose.actor}: {link.label}" if link.label else purpose.actor
    return audit.record(
        db, source, action, actor_name=name[:200], program_id=link.program_id, details=details, **fields
    )
