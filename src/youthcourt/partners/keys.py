"""Issuing, revoking and checking the API keys of source agencies, and counting their use.

A key is ``yck_`` and 43 random characters. The database keeps its SHA-256 (the project's one
token hash, as for sessions and calendar feeds) and its first characters, so the key itself is
shown once, when it is issued, and never again.
"""

from __future__ import annotations

import datetime
import math
import secrets
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import Select, case, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from youthcourt.accounts.sessions import hash_token
from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.clock import utc_now
from youthcourt.partners.models import ApiKey
from youthcourt.programs.models import Program
from youthcourt.programs.scoping import across_programs
from youthcourt.programs.viewer import Viewer
from youthcourt.reference.models import ReferralSource

KEY_PREFIX = "yck_"
SHOWN_CHARACTERS = 10
"""How much of a key the list shows (``yck_AbCdEf``): enough to tell keys apart, too little to use."""
MAX_KEY_LENGTH = 100
WINDOW = datetime.timedelta(minutes=1)


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def listing() -> Select[tuple[ApiKey]]:
    """The program's keys: active ones first, newest first, each with its agency."""
    revoked_last = case((ApiKey.revoked_at.is_(None), 0), else_=1)
    return (
        select(ApiKey)
        .options(selectinload(ApiKey.source))
        .order_by(revoked_last, ApiKey.created_at.desc(), ApiKey.id)
    )


async def issue(db: AsyncSession, actor: Actor, source: ReferralSource, label: str) -> tuple[ApiKey, str]:
    """A new key for ``source``; returns the key record and the key itself, which is not kept."""
    assert actor.viewer is not None
    text = new_key()
    key = ApiKey(
        program_id=source.program_id,
        source_id=source.id,
        label=label,
        key_hash=hash_token(text),
        prefix=text[:SHOWN_CHARACTERS],
        created_by_id=actor.viewer.account_id,
    )
    db.add(key)
    await db.flush()
    audit.record(
        db,
        actor,
        "api_key_issue",
        record_type="api_key",
        record_id=key.id,
        details={"source_id": str(source.id), "prefix": key.prefix},
    )
    return key, text


def revoke(db: AsyncSession, actor: Actor, key: ApiKey) -> bool:
    """Revoke ``key`` from now on; False when it was revoked already (nothing changes)."""
    assert actor.viewer is not None
    if key.revoked_at is not None:
        return False
    key.revoked_at = utc_now()
    key.revoked_by_id = actor.viewer.account_id
    audit.record(
        db, actor, "api_key_revoke", record_type="api_key", record_id=key.id, details={"prefix": key.prefix}
    )
    return True


@dataclass(frozen=True)
class Partner:
    """Who calls the API: one key of one agency of one program."""

    key_id: UUID
    prefix: str
    program_id: UUID
    program_name: str
    timezone: str
    source_id: UUID
    source_name: str
    revoked: bool
    requests_per_minute: int

    @property
    def name(self) -> str:
        """How the audit trail names the caller."""
        return f"{self.source_name} (API key {self.prefix}…)"

    def viewer(self) -> Viewer:
        """The partner as the services see who acts: the key's program, no role, no account."""
        return Viewer(
            user_id=self.key_id,
            session_id=self.key_id,
            email="",
            full_name=self.name,
            account_name=self.name,
            is_site_admin=False,
            must_change_password=False,
            program_id=self.program_id,
            program_name=self.program_name,
            role=None,
            timezone=self.timezone,
            via_api_key=True,
        )


async def find_partner(db: AsyncSession, text: str) -> Partner | None:
    """The key behind ``text`` with its agency and program, whichever program it is in; one query."""
    if not text.startswith(KEY_PREFIX) or len(text) > MAX_KEY_LENGTH:
        return None
    with across_programs():
        row = (
            await db.execute(
                select(
                    ApiKey.id,
                    ApiKey.prefix,
                    ApiKey.program_id,
                    ApiKey.source_id,
                    ApiKey.revoked_at,
                    ApiKey.requests_per_minute,
                    ReferralSource.name.label("source_name"),
                    Program.name.label("program_name"),
                    Program.timezone,
                    Program.is_active,
                )
                .join(ReferralSource, ReferralSource.id == ApiKey.source_id)
                .join(Program, Program.id == ApiKey.program_id)
                .where(ApiKey.key_hash == hash_token(text))
            )
        ).first()
    if row is None:
        return None
    return Partner(
        key_id=row.id,
        prefix=row.prefix,
        program_id=row.program_id,
        program_name=row.program_name,
        timezone=row.timezone or "America/New_York",
        source_id=row.source_id,
        source_name=row.source_name,
        revoked=row.revoked_at is not None or not row.is_active,
        requests_per_minute=row.requests_per_minute,
    )


async def count_use(db: AsyncSession, key_id: UUID, now: datetime.datetime) -> tuple[int, datetime.datetime]:
    """Count one request of the key and note its last use, in one statement (so two processes
    counting at once both count); returns the requests in the current minute and when it began."""
    cutoff = now - WINDOW
    in_window = ApiKey.window_started_at > cutoff
    started_type = ApiKey.__table__.c.window_started_at.type
    statement = (
        update(ApiKey)
        .where(ApiKey.id == key_id)
        .values(
            window_count=case((in_window, ApiKey.window_count + 1), else_=1),
            window_started_at=case((in_window, ApiKey.window_started_at), else_=literal(now, started_type)),
            last_used_at=now,
        )
        .returning(ApiKey.window_count, ApiKey.window_started_at)
        .execution_options(synchronize_session=False)
    )
    with across_programs():
        row = (await db.execute(statement)).one()
    return row[0], row[1]


def retry_after(started: datetime.datetime, now: datetime.datetime) -> int:
    """Whole seconds until the key's current minute is over (at least one)."""
    return max(1, math.ceil((started + WINDOW - now).total_seconds()))
