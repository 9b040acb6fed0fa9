"""The tables of surveys: question versions, invitations (one per link given), and answers.

Answers are kept apart from the case. An invitation knows whom it was for (a case or a night),
and whether it was answered; an answer knows neither its invitation nor its case (unless the
person ticked that they agree to link it), nor even the moment it was given: only its month.
So neither a coordinator nor a copy of the database can tell who gave which answer.
"""

from __future__ import annotations

import datetime
import enum
from uuid import UUID

from advanced_alchemy.base import UUIDBase
from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from youthcourt.database import Base
from youthcourt.programs.models import ProgramOwned
from youthcourt.reference.models import enum_column
from youthcourt.web.i18n import N_


class SurveyKind(enum.StrEnum):
    RESPONDENT = "respondent"
    GUARDIAN = "guardian"
    JUROR = "juror"

    @property
    def label(self) -> str:
        return SURVEY_LABELS[self]


SURVEY_LABELS = {
    SurveyKind.RESPONDENT: N_("Respondent's exit survey"),
    SurveyKind.GUARDIAN: N_("Parent or guardian's exit survey"),
    SurveyKind.JUROR: N_("Juror survey after a night"),
}
"""In English; pages show them translated with ``_(kind.label)``."""


class Occasion(enum.StrEnum):
    AFTER_HEARING = "after_hearing"
    AT_CLOSURE = "at_closure"
    AFTER_NIGHT = "after_night"

    @property
    def label(self) -> str:
        return {
            "after_hearing": N_("After the hearing"),
            "at_closure": N_("At closure"),
            "after_night": N_("After the night"),
        }[self.value]


class Channel(enum.StrEnum):
    TABLET = "tablet"
    EMAIL = "email"


class SurveyVersion(Base, ProgramOwned):
    """The questions of one survey as they stood from ``created_at``: editing adds a version, so an
    answer keeps the wording it answered."""

    __tablename__ = "survey_version"
    __table_args__ = (UniqueConstraint("program_id", "kind", "number", name="uq_survey_version_number"),)

    kind: Mapped[SurveyKind] = mapped_column(enum_column(SurveyKind))
    number: Mapped[int] = mapped_column(Integer)
    statements: Mapped[list[str]] = mapped_column(JsonB)
    """The statements answered on the five-point agree scale, in order."""
    free_text_question: Mapped[str] = mapped_column(String(300))


class SurveyInvitation(Base, ProgramOwned):
    """One survey offered to one person, through one private link (purpose ``survey``).

    ``answered_at`` is set once, by a conditional UPDATE, which is what makes the link single-use:
    of two submits at once, only one finds it still empty.
    """

    __tablename__ = "survey_invitation"
    __table_args__ = (
        Index("ix_survey_invitation_program_case", "program_id", "case_id"),
        Index("ix_survey_invitation_program_night", "program_id", "night_id"),
    )

    kind: Mapped[SurveyKind] = mapped_column(enum_column(SurveyKind))
    occasion: Mapped[Occasion] = mapped_column(enum_column(Occasion))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    case_id: Mapped[UUID | None] = mapped_column(ForeignKey("youth_case.id", ondelete="CASCADE"))
    night_id: Mapped[UUID | None] = mapped_column(ForeignKey("hearing_night.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(200), default="")
    """Whom it was offered to, as the coordinator's list names them ("Respondent", a juror's name)."""
    answered_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class SurveyAnswer(UUIDBase, ProgramOwned):
    """One person's answers. No timestamps (the base without audit columns), no invitation: only
    the survey, the version answered, the month, and the case only when they agreed to link it."""

    __tablename__ = "survey_answer"
    __table_args__ = (Index("ix_survey_answer_program_kind_month", "program_id", "kind", "answered_month"),)

    kind: Mapped[SurveyKind] = mapped_column(enum_column(SurveyKind))
    version_id: Mapped[UUID] = mapped_column(ForeignKey("survey_version.id", ondelete="RESTRICT"), index=True)
    answered_month: Mapped[datetime.date] = mapped_column(Date)
    """The first day of the month it was answered in: no finer, so it cannot be matched to a link."""
    case_id: Mapped[UUID | None] = mapped_column(ForeignKey("youth_case.id", ondelete="SET NULL"), index=True)
    """Set only when the person ticked that they agree to link their answers to their case."""
    comment: Mapped[str] = mapped_column(Text, default="")
    """The free-text answer: coordinators read it; evaluators and exports never do."""

    version: Mapped[SurveyVersion] = relationship(lazy="raise")
    items: Mapped[list[SurveyItem]] = relationship(lazy="raise", cascade="all, delete-orphan")


class SurveyItem(UUIDBase, ProgramOwned):
    """One statement's answer, 1 (strongly disagree) to 5 (strongly agree)."""

    __tablename__ = "survey_item"
    __table_args__ = (
        CheckConstraint("value BETWEEN 1 AND 5", name="value"),
        UniqueConstraint("answer_id", "position", name="uq_survey_item_position"),
    )

    answer_id: Mapped[UUID] = mapped_column(ForeignKey("survey_answer.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    value: Mapped[int] = mapped_column(Integer)
