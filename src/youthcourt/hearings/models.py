"""A hearing night sits in one or more courtrooms; each case heard takes a slot on a docket."""

from __future__ import annotations

import datetime
import enum
from uuid import UUID

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from youthcourt.cases.models import Case
from youthcourt.database import Base, postgresql_only
from youthcourt.programs.models import ProgramOwned
from youthcourt.reference.models import Factor, enum_column


class HearingNight(Base, ProgramOwned):
    __tablename__ = "hearing_night"
    __table_args__ = (
        Index("ix_hearing_night_program_date", "program_id", "held_on"),
        # A night's date and start by its id, from the index alone on PostgreSQL: a juror's latest
        # nights are found by their bookings' nights (the roster's absences).
        postgresql_only(
            Index("ix_hearing_night_dates", "program_id", "id", postgresql_include=["held_on", "starts_at"])
        ),
    )

    held_on: Mapped[datetime.date] = mapped_column(Date)
    starts_at: Mapped[datetime.time] = mapped_column(Time)
    ends_at: Mapped[datetime.time] = mapped_column(Time)
    location: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    is_cancelled: Mapped[bool] = mapped_column(default=False)
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Goes up each time the date, time or place changes or the night is cancelled: the
    iCalendar SEQUENCE of the night's events, and part of each reminder's once-only key."""

    courtrooms: Mapped[list[Courtroom]] = relationship(
        back_populates="night", lazy="raise", cascade="all, delete-orphan", order_by="Courtroom.name"
    )


class Courtroom(Base, ProgramOwned):
    __tablename__ = "courtroom"
    __table_args__ = (UniqueConstraint("night_id", "name"),)

    night_id: Mapped[UUID] = mapped_column(ForeignKey("hearing_night.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    capacity: Mapped[int] = mapped_column(Integer, default=4)
    """How many cases the courtroom can hear that night."""

    night: Mapped[HearingNight] = relationship(back_populates="courtrooms", lazy="raise")
    hearings: Mapped[list[Hearing]] = relationship(
        back_populates="courtroom", lazy="raise", order_by="Hearing.position"
    )


class HearingKind(enum.StrEnum):
    """Returning and discharge hearings are heard first."""

    RETURNING = "returning"
    DISCHARGE = "discharge"
    INITIAL = "initial"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class HearingOutcome(enum.StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    NO_SHOW = "no_show"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.replace("_", "-").capitalize()


class Hearing(Base, ProgramOwned):
    """One case's slot in one courtroom's docket."""

    __tablename__ = "hearing"
    __table_args__ = (UniqueConstraint("courtroom_id", "case_id"),)

    courtroom_id: Mapped[UUID] = mapped_column(ForeignKey("courtroom.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("youth_case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[HearingKind] = mapped_column(enum_column(HearingKind), default=HearingKind.INITIAL)
    position: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[HearingOutcome] = mapped_column(
        enum_column(HearingOutcome), default=HearingOutcome.SCHEDULED
    )
    notice_sent_on: Mapped[datetime.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    courtroom: Mapped[Courtroom] = relationship(back_populates="hearings", lazy="raise")
    case: Mapped[Case] = relationship(lazy="raise")
    investigation: Mapped[Investigation | None] = relationship(
        back_populates="hearing", lazy="raise", uselist=False
    )


class Investigation(Base, ProgramOwned):
    """What the jury found at a hearing: the factors behind the offense, strengths, and summaries."""

    __tablename__ = "investigation"

    hearing_id: Mapped[UUID] = mapped_column(ForeignKey("hearing.id", ondelete="CASCADE"), unique=True)
    questioning_summary: Mapped[str] = mapped_column(Text, default="")
    deliberation_summary: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    hearing: Mapped[Hearing] = relationship(back_populates="investigation", lazy="raise")
    factors: Mapped[list[InvestigationFactor]] = relationship(lazy="raise", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}


class InvestigationFactor(Base, ProgramOwned):
    __tablename__ = "investigation_factor"
    __table_args__ = (UniqueConstraint("investigation_id", "factor_id"),)

    investigation_id: Mapped[UUID] = mapped_column(
        ForeignKey("investigation.id", ondelete="CASCADE"), index=True
    )
    factor_id: Mapped[UUID] = mapped_column(ForeignKey("factor.id", ondelete="RESTRICT"))

    factor: Mapped[Factor] = relationship(lazy="raise")
