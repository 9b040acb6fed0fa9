"""A self-assessment: one per program and period, with a score and a comment for each of the six questions."""

from __future__ import annotations

import datetime
from uuid import UUID

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from youthcourt.coproduction.questions import Element
from youthcourt.database import Base
from youthcourt.programs.models import ProgramOwned
from youthcourt.reference.models import enum_column


class SelfAssessment(Base, ProgramOwned):
    """How the program judged itself for one period (a quarter or a year).

    The unique constraint holds "one assessment per program and period" even when two people
    start the same period at the same moment; re-opening an assessment edits this row.
    """

    __tablename__ = "coproduction_assessment"
    __table_args__ = (
        UniqueConstraint("program_id", "period"),
        Index("ix_coproduction_assessment_program_starts", "program_id", "starts_on"),
    )

    period: Mapped[str] = mapped_column(String(7))
    """The period's key: ``2026-Q1`` for a quarter, ``2026`` for a year."""
    starts_on: Mapped[datetime.date] = mapped_column(Date)
    ends_on: Mapped[datetime.date] = mapped_column(Date)
    assessed_by: Mapped[str] = mapped_column(String(200), default="")
    """Who saved it last, by the name the program knows them by."""
    version: Mapped[int] = mapped_column(Integer, default=1)

    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", lazy="raise", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class Answer(Base, ProgramOwned):
    """The program's score (1 not yet, to 4 embedded) and comment on one of the six questions."""

    __tablename__ = "coproduction_answer"
    __table_args__ = (
        UniqueConstraint("assessment_id", "element"),
        CheckConstraint("score BETWEEN 1 AND 4", name="score_on_the_scale"),
    )

    assessment_id: Mapped[UUID] = mapped_column(ForeignKey("coproduction_assessment.id", ondelete="CASCADE"))
    element: Mapped[Element] = mapped_column(enum_column(Element, 20))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")

    assessment: Mapped[SelfAssessment] = relationship(back_populates="answers", lazy="raise")
