"""The sentence the jury built, each sanction's progress, and deadline extensions."""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal
from uuid import UUID

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from youthcourt.cases.models import Case
from youthcourt.database import Base, postgresql_only
from youthcourt.hearings.models import Hearing
from youthcourt.programs.models import ProgramOwned
from youthcourt.reference.models import Factor, SanctionType, enum_column


class Disposition(Base, ProgramOwned):
    __tablename__ = "disposition"
    __table_args__ = (Index("ix_disposition_program_decided", "program_id", "decided_on"),)

    case_id: Mapped[UUID] = mapped_column(ForeignKey("youth_case.id", ondelete="CASCADE"), index=True)
    hearing_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("hearing.id", ondelete="SET NULL"), unique=True
    )
    decided_on: Mapped[datetime.date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    hearing: Mapped[Hearing | None] = relationship(lazy="raise")
    sanctions: Mapped[list[Sanction]] = relationship(
        back_populates="disposition", lazy="raise", order_by="Sanction.created_at"
    )


class SanctionStatus(enum.StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    NOT_COMPLETED = "not_completed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Sanction(Base, ProgramOwned):
    __tablename__ = "sanction"
    __table_args__ = (
        Index("ix_sanction_program_status_due", "program_id", "status", "due_on"),
        # The measures' community service ordered, from the index alone on PostgreSQL.
        Index(
            "ix_sanction_disposition_id",
            "disposition_id",
            postgresql_include=["program_id", "sanction_type", "case_id", "quantity"],
        ),
        # A sanction's kind by its id without reading the table (the measures' hours served).
        postgresql_only(Index("ix_sanction_kind", "id", postgresql_include=["program_id", "sanction_type"])),
    )

    case_id: Mapped[UUID] = mapped_column(ForeignKey("youth_case.id", ondelete="CASCADE"), index=True)
    disposition_id: Mapped[UUID] = mapped_column(ForeignKey("disposition.id", ondelete="CASCADE"))
    sanction_type: Mapped[SanctionType] = mapped_column(enum_column(SanctionType))
    quantity: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    description: Mapped[str] = mapped_column(Text, default="")
    """Details the jury gave: an essay's topic, a workshop's name, the restitution payee."""
    factor_id: Mapped[UUID | None] = mapped_column(ForeignKey("factor.id", ondelete="SET NULL"))
    """The factor the jury found that this sanction addresses: a contributing factor, or a strength to build on."""
    no_factor_reason: Mapped[str] = mapped_column(Text, default="")
    """Why the sanction addresses none of the jury's findings (required when ``factor_id`` is empty)."""
    due_on: Mapped[datetime.date] = mapped_column(Date)
    original_due_on: Mapped[datetime.date] = mapped_column(Date)
    outside_grid_reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[SanctionStatus] = mapped_column(enum_column(SanctionStatus), default=SanctionStatus.OPEN)
    completed_on: Mapped[datetime.date | None] = mapped_column(Date)

    case: Mapped[Case] = relationship(lazy="raise")
    disposition: Mapped[Disposition] = relationship(back_populates="sanctions", lazy="raise")
    factor: Mapped[Factor | None] = relationship(lazy="raise")
    progress: Mapped[list[SanctionProgress]] = relationship(
        back_populates="sanction", lazy="raise", order_by="SanctionProgress.occurred_on"
    )
    extensions: Mapped[list[DeadlineExtension]] = relationship(
        back_populates="sanction", lazy="raise", order_by="DeadlineExtension.created_at"
    )


class ProgressKind(enum.StrEnum):
    HOURS = "hours"
    RECEIVED = "received"
    REVIEWED = "reviewed"
    PAYMENT = "payment"
    ATTENDANCE = "attendance"
    JURY_SERVICE = "jury_service"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class SanctionProgress(Base, ProgramOwned):
    """Work toward a sanction: hours served, a letter received, a payment, a session attended."""

    __tablename__ = "sanction_progress"
    __table_args__ = (
        UniqueConstraint("program_id", "submission_token"),
        # The measures' hours served in a period, from the index alone on PostgreSQL.
        Index(
            "ix_sanction_progress_program_occurred",
            "program_id",
            "occurred_on",
            postgresql_include=["kind", "sanction_id", "case_id", "amount"],
        ),
    )

    sanction_id: Mapped[UUID] = mapped_column(ForeignKey("sanction.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("youth_case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ProgressKind] = mapped_column(enum_column(ProgressKind))
    occurred_on: Mapped[datetime.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    site: Mapped[str] = mapped_column(String(200), default="")
    verified_by: Mapped[str] = mapped_column(String(200), default="")
    verified_by_site: Mapped[bool] = mapped_column(default=False, server_default=false())
    """Confirmed by the partner site's supervisor through their private link, not typed by a coordinator."""
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    submission_token: Mapped[str | None] = mapped_column(String(64))

    sanction: Mapped[Sanction] = relationship(back_populates="progress", lazy="raise")


class DeadlineExtension(Base, ProgramOwned):
    __tablename__ = "deadline_extension"

    sanction_id: Mapped[UUID] = mapped_column(ForeignKey("sanction.id", ondelete="CASCADE"), index=True)
    previous_due_on: Mapped[datetime.date] = mapped_column(Date)
    new_due_on: Mapped[datetime.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    actor_name: Mapped[str] = mapped_column(String(200), default="")

    sanction: Mapped[Sanction] = relationship(back_populates="extensions", lazy="raise")
