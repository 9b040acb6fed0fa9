"""API keys issued to source agencies, and the referrals they sent through the API."""

from __future__ import annotations

import datetime
from uuid import UUID

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from youthcourt.database import Base
from youthcourt.programs.models import ProgramOwned
from youthcourt.reference.models import ReferralSource

DEFAULT_REQUESTS_PER_MINUTE = 60
"""A partner's records system sends a referral now and then; a burst past this is a loop gone wrong."""


class ApiKey(Base, ProgramOwned):
    """One key of one source agency of one program. Only the key's SHA-256 is kept: it is shown once.

    ``window_started_at`` and ``window_count`` count the requests of the current minute, in the
    database so that every app process shares one count.
    """

    __tablename__ = "api_key"
    __table_args__ = (Index("ix_api_key_program_created", "program_id", "created_at"),)

    source_id: Mapped[UUID] = mapped_column(ForeignKey("referral_source.id", ondelete="RESTRICT"), index=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    """What the key is for, as the admin named it ("Records system")."""
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    """The key's first characters, so the admin and the agency can tell keys apart."""
    created_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    revoked_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    last_used_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    requests_per_minute: Mapped[int] = mapped_column(Integer, default=DEFAULT_REQUESTS_PER_MINUTE)
    window_started_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    window_count: Mapped[int] = mapped_column(Integer, default=0)

    source: Mapped[ReferralSource] = relationship(lazy="raise")

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class PartnerReferral(Base, ProgramOwned):
    """A referral that came through the API, under the agency's own reference number.

    The database holds the rule that one agency's reference number makes one referral, however
    many times and however fast it is sent.
    """

    __tablename__ = "partner_referral"
    __table_args__ = (UniqueConstraint("source_id", "source_reference"),)

    referral_id: Mapped[UUID] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), unique=True)
    source_id: Mapped[UUID] = mapped_column(ForeignKey("referral_source.id", ondelete="RESTRICT"))
    source_reference: Mapped[str] = mapped_column(String(80))
    api_key_id: Mapped[UUID | None] = mapped_column(ForeignKey("api_key.id", ondelete="SET NULL"), index=True)
