"""Partner sites, the kinds of work each offers, and sanctions placed at them."""

from __future__ import annotations

import datetime
from uuid import UUID

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from youthcourt.database import Base
from youthcourt.programs.models import ProgramOwned
from youthcourt.reference.models import SanctionType, enum_column
from youthcourt.sanctions.models import Sanction

PLACEABLE_TYPES = (
    SanctionType.COMMUNITY_SERVICE,
    SanctionType.WORKSHOP,
    SanctionType.TUTORING,
    SanctionType.MENTORING,
    SanctionType.COUNSELING,
    SanctionType.MEDIATION,
)
"""The sanctions a partner outside the court delivers, and so the kinds of work a site offers."""


class PartnerSite(Base, ProgramOwned):
    """A place in the community that takes youth for service hours or runs a workshop."""

    __tablename__ = "partner_site"
    __table_args__ = (
        UniqueConstraint("program_id", "name"),
        Index("ix_partner_site_program_active_name", "program_id", "is_active", "name"),
    )

    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    """The supervisor who confirms the youth's hours."""
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    capacity: Mapped[int] = mapped_column(default=1)
    """How many youth the site takes at a time."""
    notes: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    work: Mapped[list[SiteWork]] = relationship(
        back_populates="site", lazy="raise", cascade="all, delete-orphan", order_by="SiteWork.kind"
    )

    @property
    def kinds(self) -> list[SanctionType]:
        return [entry.kind for entry in self.work]


class SiteWork(Base, ProgramOwned):
    """One kind of work a site offers (a row each, so the directory filters by kind through an index)."""

    __tablename__ = "partner_site_work"
    __table_args__ = (
        UniqueConstraint("site_id", "kind"),
        Index("ix_partner_site_work_program_kind", "program_id", "kind", "site_id"),
    )

    site_id: Mapped[UUID] = mapped_column(ForeignKey("partner_site.id", ondelete="CASCADE"))
    kind: Mapped[SanctionType] = mapped_column(enum_column(SanctionType))

    site: Mapped[PartnerSite] = relationship(back_populates="work", lazy="raise")


class Placement(Base, ProgramOwned):
    """A sanction served at a partner site. A sanction has at most one placement; moving it to
    another site changes the site (and revokes the old supervisor's links)."""

    __tablename__ = "placement"

    sanction_id: Mapped[UUID] = mapped_column(ForeignKey("sanction.id", ondelete="CASCADE"), unique=True)
    site_id: Mapped[UUID] = mapped_column(ForeignKey("partner_site.id", ondelete="RESTRICT"), index=True)
    placed_on: Mapped[datetime.date] = mapped_column(Date)

    site: Mapped[PartnerSite] = relationship(lazy="raise")
    sanction: Mapped[Sanction] = relationship(lazy="raise")
