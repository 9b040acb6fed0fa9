"""Follow-up checks scheduled at closure; the outcomes area records what each check found."""

from __future__ import annotations

import datetime
from uuid import UUID

from sqlalchemy import Date, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from youthcourt.cases.models import Case
from youthcourt.database import Base
from youthcourt.programs.models import ProgramOwned


class FollowUpCheck(Base, ProgramOwned):
    __tablename__ = "follow_up_check"
    __table_args__ = (
        UniqueConstraint("case_id", "window_months"),
        Index("ix_follow_up_check_program_due", "program_id", "completed_on", "due_on"),
    )

    case_id: Mapped[UUID] = mapped_column(ForeignKey("youth_case.id", ondelete="CASCADE"), index=True)
    window_months: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[datetime.date] = mapped_column(Date)
    completed_on: Mapped[datetime.date | None] = mapped_column(Date)

    case: Mapped[Case] = relationship(lazy="raise")
