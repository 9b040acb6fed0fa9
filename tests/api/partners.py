"""Partner agencies and their API keys in tests: a key issued as the admin page issues it."""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_user
from youthcourt.accounts.models import User
from youthcourt.audit.service import Actor
from youthcourt.partners import keys
from youthcourt.partners.models import ApiKey
from youthcourt.programs.models import Program, Role
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.programs.viewer import Viewer
from youthcourt.reference.defaults import ensure_defaults
from youthcourt.reference.models import Offense, ReferralSource, SourceKind

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def admin_actor(program: Program, admin: User) -> Actor:
    viewer = Viewer(
        user_id=admin.id,
        session_id=admin.id,
        email=admin.email,
        full_name=admin.full_name,
        is_site_admin=False,
        must_change_password=False,
        program_id=program.id,
        program_name=program.name,
        role=Role.PROGRAM_ADMIN,
    )
    return Actor(viewer)


async def agency(db: AsyncSession, program: Program, name: str = "") -> ReferralSource:
    """A police department of ``program`` (the program gets its default reference data first)."""
    await ensure_defaults(db, program.id)
    source = ReferralSource(
        program_id=program.id, name=name or f"Police {program.name}", kind=SourceKind.POLICE
    )
    db.add(source)
    await db.commit()
    return source


async def issue_key(db: AsyncSession, source: ReferralSource, *, per_minute: int | None = None) -> str:
    """A new key of ``source``, as the admin page issues it; returns the key itself."""
    program = await db.get(Program, source.program_id)
    assert program is not None
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    with program_scope(ProgramScope.of(program.id)):
        key, text = await keys.issue(db, admin_actor(program, admin), source, "Records system")
        if per_minute is not None:
            key.requests_per_minute = per_minute
        await db.commit()
    return text


async def key_record(db: AsyncSession, text: str) -> ApiKey:
    key = await db.scalar(select(ApiKey).where(ApiKey.key_hash == keys.hash_token(text)))
    assert key is not None
    await db.refresh(key)
    return key


async def an_offense(db: AsyncSession, program: Program) -> Offense:
    offense = await db.scalar(
        select(Offense)
        .where(Offense.program_id == program.id, Offense.is_active)
        .order_by(Offense.name)
        .limit(1)
    )
    assert offense is not None
    return offense


def referral_body(offense: Offense, reference: str = "PD-2026-0001", **changes: Any) -> dict[str, Any]:
    """A referral as a police records system would send it."""
    today = datetime.date.today()
    body: dict[str, Any] = {
        "reference": reference,
        "youth": {
            "first_name": "Marisol",
            "last_name": "Quintero",
            "date_of_birth": (today.replace(year=today.year - 14) - datetime.timedelta(days=40)).isoformat(),
            "school": "Eastside Middle School",
        },
        "guardians": [{"name": "Ana Quintero", "relationship": "Mother", "phone": "555-0142"}],
        "offense_id": str(offense.id),
        "incident": {
            "date": (today - datetime.timedelta(days=6)).isoformat(),
            "place": "Riverside Mall",
            "description": "Took earphones from a store without paying.",
        },
        "prior_police_contacts": 0,
    }
    body.update(changes)
    return body


def bearer(text: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {text}"}
