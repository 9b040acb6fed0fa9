"""The table of private links: one row per link given out, keeping only the hash of its secret."""

from __future__ import annotations

import datetime
from uuid import UUID

from advanced_alchemy.types import GUID, DateTimeUTC
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from youthcourt.database import Base
from youthcourt.programs.models import ProgramOwned


class PrivateLink(Base, ProgramOwned):
    """A secret address granting one ``purpose`` for one ``subject_id`` until it expires or is revoked.

    The secret itself is never stored: ``token_hash`` is its SHA-256, so a copy of the database
    opens nothing. ``subject_id`` is the id of the record the purpose acts on (a placement, a
    survey invitation); which table it names is the purpose's business.
    """

    __tablename__ = "private_link"
    __table_args__ = (
        Index("ix_private_link_program_purpose_subject", "program_id", "purpose", "subject_id"),
    )

    purpose: Mapped[str] = mapped_column(String(50))
    subject_id: Mapped[UUID] = mapped_column(GUID(length=16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    """Who the link was given to, as the coordinator wrote it ("Dana Ortiz, site supervisor")."""
    expires_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    revoked_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    created_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    def is_open_at(self, moment: datetime.datetime) -> bool:
        return self.revoked_at is None and moment < self.expires_at
