"""Named data releases: the one way two exports share pseudonyms, so an evaluator can join them.

An export outside a release gets a fresh random pseudonym key that is never kept. A release
stores a random key of its own; every export made "in" it uses that key, so its case file and
its event file (or two case files a month apart) can be joined on ``youth_id``. Creating a
release and every export in one are on the audit trail.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts.models import Membership, User, member_name
from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.reports.exports import Release
from youthcourt.reports.models import DataRelease
from youthcourt.web.i18n import N_

AUDIT_ACTION = "data_release.created"
NAME_TAKEN = N_("This program already has a data release of that name: choose another name.")


@dataclass(frozen=True)
class ReleaseChoice:
    """A release as the exports page lists it (never its key)."""

    id: UUID
    name: str
    program_id: UUID
    created_by: str
    created_at: datetime.datetime


async def releases_of(db: AsyncSession, program_ids: Iterable[UUID]) -> list[ReleaseChoice]:
    """The releases of the programs an evaluator reports on, newest first, with who made each."""
    ids = tuple(program_ids)
    if not ids:
        return []
    with program_scope(ProgramScope.of(*ids)):
        rows = await db.execute(
            select(DataRelease, member_name())
            .outerjoin(User, User.id == DataRelease.created_by_id)
            .outerjoin(
                Membership,
                (Membership.user_id == DataRelease.created_by_id)
                & (Membership.program_id == DataRelease.program_id),
            )
            .order_by(DataRelease.created_at.desc(), DataRelease.name)
        )
        found = [
            ReleaseChoice(
                release.id, release.name, release.program_id, name or "a former user", release.created_at
            )
            for release, name in rows.all()
        ]
    return found


async def create_release(db: AsyncSession, actor: Actor, program_id: UUID, name: str) -> DataRelease | None:
    """A new release of ``program_id`` with a random key, on the audit trail; None when the name is taken."""
    viewer = actor.viewer
    release = DataRelease(
        program_id=program_id, name=name, created_by_id=viewer.user_id if viewer is not None else None
    )
    try:
        async with db.begin_nested():
            db.add(release)
            await db.flush()
    except IntegrityError:
        return None
    audit.record(
        db,
        actor,
        AUDIT_ACTION,
        record_type="data_release",
        record_id=str(release.id),
        program_id=program_id,
        details={"name": name},
    )
    return release


async def load_release(db: AsyncSession, release_id: UUID, program_ids: Iterable[UUID]) -> Release | None:
    """The release with its key, if it belongs to one of ``program_ids``."""
    ids = tuple(program_ids)
    with program_scope(ProgramScope.of(*ids)):
        release = await db.scalar(select(DataRelease).where(DataRelease.id == release_id))
    if release is None or release.program_id not in ids:
        return None
    return Release(release.id, release.name, bytes.fromhex(release.pseudonym_key))
