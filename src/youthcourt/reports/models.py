"""Comparison groups: de-identified records of youth processed elsewhere, imported for reports."""

from __future__ import annotations

import datetime
import secrets
from uuid import UUID

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from youthcourt.database import Base
from youthcourt.outcomes.models import OutcomeEventType
from youthcourt.programs.models import ProgramOwned
from youthcourt.reference.models import OffenseClass, enum_column


class ComparisonImport(Base, ProgramOwned):
    """One uploaded comparison file. Its records are imported all together or not at all."""

    __tablename__ = "comparison_import"

    file_name: Mapped[str] = mapped_column(String(200))
    row_count: Mapped[int] = mapped_column(Integer)
    group_labels: Mapped[str] = mapped_column(String(400))
    """The group labels the file holds, comma-separated, for the list of imports."""
    uploaded_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    records: Mapped[list[ComparisonRecord]] = relationship(
        back_populates="source_import", lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )


class ComparisonRecord(Base, ProgramOwned):
    """A youth of a comparison group (regular court, another diversion program), already de-identified."""

    __tablename__ = "comparison_record"
    __table_args__ = (
        UniqueConstraint("program_id", "group_label", "external_id"),
        Index("ix_comparison_record_program_group", "program_id", "group_label"),
    )

    import_id: Mapped[UUID] = mapped_column(
        ForeignKey("comparison_import.id", ondelete="CASCADE"), index=True
    )
    external_id: Mapped[str] = mapped_column(String(64))
    group_label: Mapped[str] = mapped_column(String(80))
    anchor_on: Mapped[datetime.date] = mapped_column(Date)
    followed_until: Mapped[datetime.date] = mapped_column(Date)
    """How far the comparison youth's records were searched: later follow-up is censored."""
    age_years: Mapped[int | None] = mapped_column(Integer)
    gender: Mapped[str] = mapped_column(String(40), default="")
    race_ethnicity: Mapped[str] = mapped_column(String(80), default="")
    offense_class: Mapped[OffenseClass | None] = mapped_column(enum_column(OffenseClass, 1))
    prior_police_contacts: Mapped[int | None] = mapped_column(Integer)
    prior_diversions: Mapped[int | None] = mapped_column(Integer)
    prior_adjudications: Mapped[int | None] = mapped_column(Integer)

    source_import: Mapped[ComparisonImport] = relationship(back_populates="records", lazy="raise")
    events: Mapped[list[ComparisonEvent]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )


class ComparisonEvent(Base, ProgramOwned):
    __tablename__ = "comparison_event"

    record_id: Mapped[UUID] = mapped_column(
        ForeignKey("comparison_record.id", ondelete="CASCADE"), index=True
    )
    occurred_on: Mapped[datetime.date] = mapped_column(Date)
    event_type: Mapped[OutcomeEventType] = mapped_column(enum_column(OutcomeEventType))


class DataRelease(Base, ProgramOwned):
    """A named set of exports whose files share pseudonyms, so an evaluator can join them.

    Every other export draws a fresh pseudonym key and cannot be joined to any file. The key is
    random, kept here and never shown; the date shift stays the program's own (one secret offset
    per youth), so files of one release and files of none agree on every interval.
    """

    __tablename__ = "data_release"
    __table_args__ = (UniqueConstraint("program_id", "name"),)

    name: Mapped[str] = mapped_column(String(120))
    pseudonym_key: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(32))
    created_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
