"""What happened after a case: new offenses found in police, court or school records."""

from __future__ import annotations

import datetime
import enum
from uuid import UUID

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from youthcourt.cases.models import Case
from youthcourt.database import Base
from youthcourt.programs.models import ProgramOwned
from youthcourt.reference.models import enum_column
from youthcourt.web.i18n import N_


class OutcomeEventType(enum.StrEnum):
    """Recidivism is defined differently from study to study: each event keeps its type, and the
    evaluator chooses which types count."""

    NEW_REFERRAL = "new_referral"
    ARREST = "arrest"
    CHARGE = "charge"
    ADJUDICATION = "adjudication"

    @property
    def label(self) -> str:
        """In English, marked for the catalog: translated where shown (``_(event_type.label)``)."""
        return EVENT_TYPE_LABELS[self.value]


class RecordSystem(enum.StrEnum):
    """Where a follow-up check looked, and where an event was found."""

    POLICE = "police"
    JUVENILE_COURT = "juvenile_court"
    SCHOOL = "school"
    OTHER = "other"

    @property
    def label(self) -> str:
        """In English, marked for the catalog: translated where shown (``_(source.label)``)."""
        return RECORD_SYSTEM_LABELS[self.value]

    @property
    def records_label(self) -> str:
        """ "Police records": marked for the catalog, translated where shown."""
        return RECORDS_LABELS[self.value]


EVENT_TYPE_LABELS = {
    "new_referral": N_("New referral"),
    "arrest": N_("Arrest"),
    "charge": N_("Charge"),
    "adjudication": N_("Adjudication"),
}
RECORD_SYSTEM_LABELS = {
    "police": N_("Police"),
    "juvenile_court": N_("Juvenile court"),
    "school": N_("School"),
    "other": N_("Other"),
}
RECORDS_LABELS = {
    "police": N_("Police records"),
    "juvenile_court": N_("Juvenile court records"),
    "school": N_("School records"),
    "other": N_("Other records"),
}


class OutcomeEvent(Base, ProgramOwned):
    """A new offense after a youth was referred: found by a follow-up check or reported later.

    It belongs to the youth's case or, for a study's referral that never became one (declined or
    returned, followed up for intent to treat), to the referral: exactly one of the two.
    """

    __tablename__ = "outcome_event"
    __table_args__ = (
        Index("ix_outcome_event_case_occurred", "case_id", "occurred_on"),
        Index("ix_outcome_event_referral_occurred", "referral_id", "occurred_on"),
        Index("ix_outcome_event_program_occurred", "program_id", "occurred_on"),
        CheckConstraint("(case_id IS NULL) <> (referral_id IS NULL)", name="case_or_referral"),
    )

    case_id: Mapped[UUID | None] = mapped_column(ForeignKey("youth_case.id", ondelete="CASCADE"))
    referral_id: Mapped[UUID | None] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"))
    check_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("follow_up_check.id", ondelete="SET NULL"), index=True
    )
    """The follow-up check that found it; none for an event reported outside a check."""
    occurred_on: Mapped[datetime.date] = mapped_column(Date)
    event_type: Mapped[OutcomeEventType] = mapped_column(enum_column(OutcomeEventType))
    offense_category: Mapped[str] = mapped_column(String(60))
    """A category from the program's offense catalog (property, person, drug...), never free text."""
    source: Mapped[RecordSystem] = mapped_column(enum_column(RecordSystem))
    recorded_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    case: Mapped[Case] = relationship(lazy="raise")
