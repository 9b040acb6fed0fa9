"""A referral from a source agency about one young person and one incident."""

from __future__ import annotations

import datetime
import enum
from uuid import UUID

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    literal_column,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from youthcourt.database import Base, postgresql_only
from youthcourt.programs.models import ProgramOwned
from youthcourt.reference.models import Offense, ReferralSource, enum_column
from youthcourt.web.i18n import N_

RACE_ETHNICITY_CATEGORIES = (
    N_("American Indian or Alaska Native"),
    N_("Asian"),
    N_("Black or African American"),
    N_("Hispanic or Latino"),
    N_("Native Hawaiian or Other Pacific Islander"),
    N_("White"),
    N_("Two or more races"),
    N_("Another race or ethnicity"),
    N_("Prefers not to say"),
)
"""Race and ethnicity as recorded at intake, when the family answers: categories only, so program
reports can compare outcomes across groups."""


class Youth(Base, ProgramOwned):
    """A young person known to the program. One record per person, however many referrals."""

    __tablename__ = "youth"
    __table_args__ = (
        Index("ix_youth_program_name", "program_id", "last_name", "first_name"),
        # The case search's part of a name (LIKE '%mar%') in one program, on PostgreSQL alone (see
        # its migration).
        postgresql_only(
            Index(
                "ix_youth_program_name_trigrams",
                "program_id",
                func.lower(literal_column("(first_name || ' ') || last_name")).label("name"),
                postgresql_using="gin",
                postgresql_ops={"name": "gin_trgm_ops"},
            )
        ),
    )

    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[datetime.date] = mapped_column(Date, index=True)
    gender: Mapped[str] = mapped_column(String(40), default="")
    race_ethnicity: Mapped[str] = mapped_column(String(80), default="")
    school: Mapped[str] = mapped_column(String(200), default="")
    grade: Mapped[str] = mapped_column(String(20), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    expunged_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    """Names and contact details are destroyed; the row keeps only what statistics need."""

    guardians: Mapped[list[Guardian]] = relationship(
        back_populates="youth", lazy="raise", cascade="all, delete-orphan", order_by="Guardian.created_at"
    )

    @hybrid_property
    def full_name(self) -> str:
        """The name as pages show it; in a query, the same text made by the database."""
        return f"{self.first_name} {self.last_name}"

    @full_name.inplace.expression
    @classmethod
    def _full_name_expression(cls) -> ColumnElement[str]:
        return cls.first_name + " " + cls.last_name

    def age_on(self, day: datetime.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Guardian(Base, ProgramOwned):
    __tablename__ = "guardian"

    youth_id: Mapped[UUID] = mapped_column(ForeignKey("youth.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    relationship_to_youth: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    preferred_language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    """The language of the notices and letters to this family (``en``, ``es``)."""

    youth: Mapped[Youth] = relationship(back_populates="guardians", lazy="raise")


class ReferralStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    RETURNED = "returned"


class StudyArm(enum.StrEnum):
    """The arm of a study a referral was assigned to, when the program runs one."""

    YOUTH_COURT = "youth_court"
    COMPARISON = "comparison"
    OTHER = "other"

    @property
    def label(self) -> str:
        """In English (reports and exports use it); pages translate it where shown, with ``_``."""
        return {"youth_court": N_("Youth court"), "comparison": N_("Comparison"), "other": N_("Another arm")}[
            self.value
        ]


class AssignmentMethod(enum.StrEnum):
    RANDOM = "random"
    ALTERNATION = "alternation"
    OTHER = "other"

    @property
    def label(self) -> str:
        """In English; pages translate it where shown, with ``_``."""
        return {
            "random": N_("Random (a lottery or a generated list)"),
            "alternation": N_("Alternation or a schedule"),
            "other": N_("Another rule"),
        }[self.value]


class Referral(Base, ProgramOwned):
    """What the source agency sent. Accepting it opens a case; declining or returning it closes it."""

    __tablename__ = "referral"
    __table_args__ = (
        Index("ix_referral_program_status_received", "program_id", "status", "received_on"),
        # A range of referrals with what the recidivism report reads of them, from the index alone
        # on PostgreSQL.
        Index(
            "ix_referral_program_received",
            "program_id",
            "received_on",
            postgresql_include=["id", "offense_id", "source_id", "youth_age"],
        ),
        UniqueConstraint("program_id", "submission_token"),
    )

    youth_id: Mapped[UUID] = mapped_column(ForeignKey("youth.id", ondelete="RESTRICT"), index=True)
    source_id: Mapped[UUID] = mapped_column(ForeignKey("referral_source.id", ondelete="RESTRICT"), index=True)
    source_reference: Mapped[str] = mapped_column(String(80), default="")
    """The agency's own reference number (never exported)."""
    received_on: Mapped[datetime.date] = mapped_column(Date)
    incident_date: Mapped[datetime.date] = mapped_column(Date)
    incident_place: Mapped[str] = mapped_column(String(200), default="")
    offense_id: Mapped[UUID] = mapped_column(ForeignKey("offense.id", ondelete="RESTRICT"), index=True)
    narrative: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ReferralStatus] = mapped_column(
        enum_column(ReferralStatus), default=ReferralStatus.PENDING
    )
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    decided_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    failed_rules: Mapped[str] = mapped_column(Text, default="")
    """The screening rules it failed when accepted all the same (the reason is ``decision_reason``)."""
    family_contacted_on: Mapped[datetime.date | None] = mapped_column(Date)
    prior_police_contacts: Mapped[int | None] = mapped_column(Integer)
    """Earlier police contacts, as the agency reports them; None when not known (a covariate)."""
    prior_diversions: Mapped[int | None] = mapped_column(Integer)
    prior_adjudications: Mapped[int | None] = mapped_column(Integer)
    study_arm: Mapped[StudyArm | None] = mapped_column(enum_column(StudyArm))
    """The arm of the program's study the referral was assigned to, at referral, whatever happened after."""
    assigned_on: Mapped[datetime.date | None] = mapped_column(Date)
    assignment_method: Mapped[AssignmentMethod | None] = mapped_column(enum_column(AssignmentMethod))
    """First response from the family; a referral without one after the program's limit is flagged."""
    submission_token: Mapped[str | None] = mapped_column(String(64))
    """The form's one-time token: a double-clicked submit finds the referral already made."""
    youth_age: Mapped[int | None] = mapped_column(Integer, insert_default=None)
    """The youth's age in whole years on the day the referral was received, for the reports'
    age bands. Kept by the database's triggers (migration ``d8b3f1a5c926``); never set."""
    version: Mapped[int] = mapped_column(Integer, default=1)

    youth: Mapped[Youth] = relationship(lazy="raise")
    source: Mapped[ReferralSource] = relationship(lazy="raise")
    offense: Mapped[Offense] = relationship(lazy="raise")
    documents: Mapped[list[Document]] = relationship(
        back_populates="referral", lazy="raise", order_by="Document.created_at"
    )

    __mapper_args__ = {"version_id_col": version}


class Document(Base, ProgramOwned):
    """An uploaded file (a police report), stored outside the web root under a generated name.

    Its bytes are kept by :mod:`youthcourt.referrals.document_store`: a file named ``stored_name``,
    or the :class:`DocumentChunk` rows of that name.
    """

    __tablename__ = "document"

    referral_id: Mapped[UUID] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40), default="police_report")
    title: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(80))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    referral: Mapped[Referral] = relationship(back_populates="documents", lazy="raise")


class DocumentChunk(Base, ProgramOwned):
    """A piece of a document's bytes, in order, when documents are kept in the database.

    The pieces are written in the transaction that saves the document, and the foreign key is
    checked at its commit, so bytes never outlive their document: deleting the document deletes
    them, and pieces whose document was never saved cannot be committed.
    """

    __tablename__ = "document_chunk"
    __table_args__ = (UniqueConstraint("stored_name", "seq"),)

    stored_name: Mapped[str] = mapped_column(
        String(80),
        ForeignKey("document.stored_name", ondelete="CASCADE", deferrable=True, initially="DEFERRED"),
    )
    seq: Mapped[int] = mapped_column(Integer)
    """The piece's place in the document, from 0."""
    data: Mapped[bytes] = mapped_column(LargeBinary)
