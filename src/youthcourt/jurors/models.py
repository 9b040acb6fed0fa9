"""Jurors: former respondents and volunteers, their training and roles, bookings, credits and mail."""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal
from uuid import UUID

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from youthcourt.accounts.models import User
from youthcourt.database import Base
from youthcourt.hearings.models import Courtroom, HearingNight
from youthcourt.programs.models import ProgramOwned
from youthcourt.reference.models import CourtRole, enum_column
from youthcourt.referrals.models import Youth
from youthcourt.web.i18n import N_


class JurorSource(enum.StrEnum):
    FORMER_RESPONDENT = "former_respondent"
    VOLUNTEER = "volunteer"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class JurorStatus(enum.StrEnum):
    APPLICANT = "applicant"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    ALUMNI = "alumni"

    @property
    def label(self) -> str:
        return self.value.capitalize()


LABELS = (
    N_("Former respondent"),
    N_("Volunteer"),
    N_("Applicant"),
    N_("Active"),
    N_("Suspended"),
    N_("Alumni"),
    N_("Invited"),
    N_("Confirmed"),
    N_("Declined"),
    N_("Waitlisted"),
    N_("Cancelled"),
    N_("Present"),
    N_("Late"),
    N_("Absent"),
    N_("Excused"),
    N_("Service"),
    N_("Training"),
    N_("Redemption"),
    N_("Adjustment"),
    N_("Pending"),
    N_("Sent"),
    N_("Failed"),
    N_("Withdrawn"),
)
"""The labels of the juror program's statuses and kinds, for the catalogs: pages show them
translated with ``_(status.label)``; stored values and exports keep the English."""


class Juror(Base, ProgramOwned):
    """A young person who serves on juries. Former respondents are linked to their youth record."""

    __tablename__ = "juror"
    __table_args__ = (
        UniqueConstraint("program_id", "youth_id"),
        Index("ix_juror_program_status", "program_id", "status"),
        Index("ix_juror_program_import", "program_id", "import_id"),
        # The roster's order (``records.ROSTER``): a page of 25 read from the index in name order,
        # not every juror of the program read and sorted for it.
        Index(
            "ix_juror_program_name",
            "program_id",
            func.lower(literal_column("last_name")),
            func.lower(literal_column("first_name")),
            "id",
        ),
        # A program's jurors of one source, read from the index alone (the measures' jury service).
        Index("ix_juror_program_source", "program_id", "source", postgresql_include=["id"]),
        CheckConstraint("credit_balance >= 0", name="credit_balance_not_negative"),
    )

    source: Mapped[JurorSource] = mapped_column(enum_column(JurorSource))
    status: Mapped[JurorStatus] = mapped_column(enum_column(JurorStatus), default=JurorStatus.APPLICANT)
    youth_id: Mapped[UUID | None] = mapped_column(ForeignKey("youth.id", ondelete="SET NULL"))
    """The former respondent's own youth record (no retyping of who they are)."""
    user_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), unique=True
    )
    """The juror's sign-in for the portal, when they have one."""
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[datetime.date | None] = mapped_column(Date)
    school: Mapped[str] = mapped_column(String(200), default="", index=True)
    grade: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    guardian_name: Mapped[str] = mapped_column(String(200), default="")
    guardian_email: Mapped[str] = mapped_column(String(254), default="")
    parent_consent_on: Mapped[datetime.date | None] = mapped_column(Date)
    screening_notes: Mapped[str] = mapped_column(Text, default="")
    oath_signed_on: Mapped[datetime.date | None] = mapped_column(Date)
    """The confidentiality oath; nobody sits on a jury before it is recorded."""
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    """SHA-256 of the secret in the juror's calendar feed address; resetting replaces it."""
    credit_balance: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal(0), server_default="0")
    """The sum of the juror's credit entries, kept by the database and never below zero.

    Only the database changes it: a trigger on ``credit_entry`` adds each new entry's amount,
    and the check constraint refuses any entry that would take it below zero (see ``credits.py``)."""
    import_id: Mapped[UUID | None] = mapped_column(ForeignKey("record_import.id", ondelete="RESTRICT"))
    """The import that brought the juror from the program's roster spreadsheet; empty otherwise."""
    version: Mapped[int] = mapped_column(Integer, default=1)

    youth: Mapped[Youth | None] = relationship(lazy="raise")
    user: Mapped[User | None] = relationship(lazy="raise")
    qualifications: Mapped[list[Qualification]] = relationship(
        back_populates="juror", lazy="raise", cascade="all, delete-orphan", order_by="Qualification.earned_on"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def short_name(self) -> str:
        """First name and last initial: what other young people see."""
        return f"{self.first_name} {self.last_name[:1]}."


class Qualification(Base, ProgramOwned):
    """A court role a juror is qualified for, and when they earned it."""

    __tablename__ = "juror_qualification"
    __table_args__ = (UniqueConstraint("juror_id", "role"),)

    juror_id: Mapped[UUID] = mapped_column(ForeignKey("juror.id", ondelete="CASCADE"), index=True)
    role: Mapped[CourtRole] = mapped_column(enum_column(CourtRole))
    earned_on: Mapped[datetime.date] = mapped_column(Date)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    """Why the role was granted before the juror met the program's progression rule for it."""
    unmet: Mapped[str] = mapped_column(Text, default="")
    """The prerequisites the juror had not met when the role was granted with that reason."""

    juror: Mapped[Juror] = relationship(back_populates="qualifications", lazy="raise")


class TrainingSession(Base, ProgramOwned):
    __tablename__ = "training_session"

    held_on: Mapped[datetime.date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(200))
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    role: Mapped[CourtRole | None] = mapped_column(enum_column(CourtRole))
    """The court role completing this training qualifies for, if any."""


class TrainingAttendance(Base, ProgramOwned):
    __tablename__ = "training_attendance"
    __table_args__ = (UniqueConstraint("session_id", "juror_id"),)

    session_id: Mapped[UUID] = mapped_column(
        ForeignKey("training_session.id", ondelete="CASCADE"), index=True
    )
    juror_id: Mapped[UUID] = mapped_column(ForeignKey("juror.id", ondelete="CASCADE"), index=True)

    session: Mapped[TrainingSession] = relationship(lazy="raise")
    juror: Mapped[Juror] = relationship(lazy="raise")


class ConflictDeclaration(Base, ProgramOwned):
    """A juror knows a respondent: they are kept off any panel hearing that youth."""

    __tablename__ = "juror_conflict"
    __table_args__ = (UniqueConstraint("juror_id", "youth_id"),)

    juror_id: Mapped[UUID] = mapped_column(ForeignKey("juror.id", ondelete="CASCADE"), index=True)
    youth_id: Mapped[UUID] = mapped_column(ForeignKey("youth.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")


class BookingStatus(enum.StrEnum):
    INVITED = "invited"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Attendance(enum.StrEnum):
    PRESENT = "present"
    LATE = "late"
    ABSENT = "absent"
    EXCUSED = "excused"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Booking(Base, ProgramOwned):
    """A juror's place on a hearing night: invited, their reply, their panel and role, and attendance."""

    __tablename__ = "booking"
    __table_args__ = (
        UniqueConstraint("juror_id", "night_id"),
        # A night's bookings, and a quarter's hours served, from the index alone on PostgreSQL.
        Index(
            "ix_booking_night_status",
            "night_id",
            "status",
            postgresql_include=["attendance", "hours", "juror_id", "program_id"],
        ),
        # A page of jurors' attendance, hours and absences from the index alone on PostgreSQL: a
        # juror's bookings lie on as many pages of the table as they have nights.
        Index(
            "ix_booking_juror_service",
            "juror_id",
            "program_id",
            postgresql_include=["status", "attendance", "hours", "night_id", "id"],
        ),
    )

    juror_id: Mapped[UUID] = mapped_column(ForeignKey("juror.id", ondelete="CASCADE"))
    night_id: Mapped[UUID] = mapped_column(ForeignKey("hearing_night.id", ondelete="CASCADE"))
    courtroom_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("courtroom.id", ondelete="SET NULL"), index=True
    )
    """The courtroom whose jury the juror sits on (the panel); empty until assigned."""
    status: Mapped[BookingStatus] = mapped_column(enum_column(BookingStatus), default=BookingStatus.INVITED)
    role: Mapped[CourtRole | None] = mapped_column(enum_column(CourtRole))
    responded_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    attendance: Mapped[Attendance | None] = mapped_column(enum_column(Attendance))
    hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    excuse_reason: Mapped[str] = mapped_column(Text, default="")

    juror: Mapped[Juror] = relationship(lazy="raise")
    night: Mapped[HearingNight] = relationship(lazy="raise")
    courtroom: Mapped[Courtroom | None] = relationship(lazy="raise")


class Reward(Base, ProgramOwned):
    """Something jurors can redeem time credits for (a gift card, a trip, a certificate)."""

    __tablename__ = "reward"
    __table_args__ = (UniqueConstraint("program_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    cost: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    is_active: Mapped[bool] = mapped_column(default=True)


class CreditKind(enum.StrEnum):
    SERVICE = "service"
    TRAINING = "training"
    REDEMPTION = "redemption"
    ADJUSTMENT = "adjustment"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class CreditEntry(Base, ProgramOwned):
    """One line of a juror's time-credit ledger. Lines are only ever added, never changed or removed."""

    __tablename__ = "credit_entry"
    __table_args__ = (Index("ix_credit_entry_juror_occurred", "juror_id", "occurred_on"),)

    juror_id: Mapped[UUID] = mapped_column(ForeignKey("juror.id", ondelete="RESTRICT"))
    occurred_on: Mapped[datetime.date] = mapped_column(Date)
    kind: Mapped[CreditKind] = mapped_column(enum_column(CreditKind))
    amount: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    """Credits earned (positive) or spent (negative)."""
    reason: Mapped[str] = mapped_column(Text, default="")
    booking_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("booking.id", ondelete="RESTRICT"), unique=True
    )
    training_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("training_attendance.id", ondelete="RESTRICT")
    )
    reward_id: Mapped[UUID | None] = mapped_column(ForeignKey("reward.id", ondelete="RESTRICT"))
    actor_name: Mapped[str] = mapped_column(String(200), default="")


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"
    """Never sent: the night it was about moved or was cancelled, and a new message replaced it."""


class OutboxMessage(Base, ProgramOwned):
    """An email waiting to go out (invitations, reminders). Sent by SMTP when a server is set."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_program_status", "program_id", "status"),
        Index("ix_outbox_status_created", "status", "created_at"),
        UniqueConstraint("dedupe_key"),
    )

    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    dedupe_key: Mapped[str | None] = mapped_column(String(120))
    """Makes a reminder for the same person and night go out once, however often reminders run."""
    status: Mapped[OutboxStatus] = mapped_column(enum_column(OutboxStatus), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    last_error: Mapped[str] = mapped_column(Text, default="")
    night_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("hearing_night.id", ondelete="SET NULL"), index=True
    )
    """The hearing night the message is about, so a moved or cancelled night can rewrite it."""
    booking_id: Mapped[UUID | None] = mapped_column(ForeignKey("booking.id", ondelete="SET NULL"), index=True)
    """The juror's booking the message is about (invitations, reminders, notices); the respondent's own
    page finds the mail about their jury nights by it."""
    claim_token: Mapped[str | None] = mapped_column(String(32))
    """Which sender has taken the message to send it (see ``jurors/delivery.py``); none when waiting."""
    claimed_until: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    """Until when that sender's claim holds; past it, the sender is taken to have stopped, and another
    sends the message."""


class NightNotice(Base, ProgramOwned):
    """Something coordinators must know about a night's jury, shown on the night's page until read.

    Written when a confirmed juror withdraws (and who took the seat), when a declared conflict
    takes a juror off a panel, and when a reply leaves a seat that nobody could take.
    """

    __tablename__ = "juror_night_notice"
    __table_args__ = (Index("ix_juror_night_notice_night", "night_id", "created_at"),)

    night_id: Mapped[UUID] = mapped_column(ForeignKey("hearing_night.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text)
    acknowledged_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    acknowledged_by: Mapped[str] = mapped_column(String(200), default="")
