"""A case: an accepted referral, from intake to closure, with its timeline and contact log."""

from __future__ import annotations

import datetime
import enum
from uuid import UUID

from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from youthcourt.accounts.models import User
from youthcourt.clock import utc_now
from youthcourt.database import Base, postgresql_only
from youthcourt.programs.models import ProgramOwned
from youthcourt.reference.models import Factor, enum_column
from youthcourt.referrals.models import Referral, Youth
from youthcourt.web.i18n import N_, NC_, pgettext


class CaseState(enum.StrEnum):
    REFERRED = "referred"
    INTAKE = "intake"
    AWAITING_HEARING = "awaiting_hearing"
    SCHEDULED = "scheduled"
    SANCTIONS_IN_PROGRESS = "sanctions_in_progress"
    COMPLETED = "completed"
    UNSUCCESSFUL = "unsuccessful"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        """In English, the catalog's key (reports and their files keep it): pages show :attr:`shown`."""
        return self.value.replace("_", " ").capitalize()

    @property
    def shown(self) -> str:
        """The state as a page shows it, in the reader's language, in words that fit a case
        ("Programado", where a hearing is "Programada")."""
        return pgettext(CASE_STATE, self.label)

    @property
    def is_closed(self) -> bool:
        return self in CLOSED_STATES


CASE_STATE = "case state"
"""The catalog's context of the states' words (:attr:`CaseState.shown`)."""
STATE_LABELS = (
    NC_("case state", "Referred"),
    NC_("case state", "Intake"),
    NC_("case state", "Awaiting hearing"),
    NC_("case state", "Scheduled"),
    NC_("case state", "Sanctions in progress"),
    NC_("case state", "Completed"),
    NC_("case state", "Unsuccessful"),
    NC_("case state", "Withdrawn"),
)
"""The states' labels, for the catalogs: pages show them with :attr:`CaseState.shown`."""

CLOSED_STATES = frozenset({CaseState.COMPLETED, CaseState.UNSUCCESSFUL, CaseState.WITHDRAWN})


class ImportKind(enum.StrEnum):
    CASES = "cases"
    JURORS = "jurors"

    @property
    def label(self) -> str:
        return {"cases": "Past cases", "jurors": "Jurors"}[self.value]


class ImportStatus(enum.StrEnum):
    """Staged while the admin maps and previews; imported once; discarded if given up."""

    STAGED = "staged"
    IMPORTED = "imported"
    DISCARDED = "discarded"

    @property
    def label(self) -> str:
        return {"staged": "Waiting to be imported", "imported": "Imported", "discarded": "Discarded"}[
            self.value
        ]


class RecordImport(Base, ProgramOwned):
    """One uploaded file, from upload to import.

    While staged, ``staged_rows`` holds the file's cells so that the mapping and the preview can
    be shown without keeping the file itself. Importing or discarding empties it: after that only
    the counts, the header and who did what remain. The status moves from ``staged`` by one
    conditional update, so of two requests importing the same file exactly one does.
    """

    __tablename__ = "record_import"
    __table_args__ = (Index("ix_record_import_program_created", "program_id", "created_at"),)

    kind: Mapped[ImportKind] = mapped_column(enum_column(ImportKind))
    status: Mapped[ImportStatus] = mapped_column(enum_column(ImportStatus), default=ImportStatus.STAGED)
    file_name: Mapped[str] = mapped_column(String(200))
    headers: Mapped[list[str]] = mapped_column(JsonB, default=list)
    """The file's header row, as written."""
    mapping: Mapped[dict[str, str]] = mapped_column(JsonB, default=dict)
    """File header -> the import's column name ("" for a header left out)."""
    staged_rows: Mapped[list[list[str]]] = mapped_column(JsonB, default=list)
    """The file's rows as text while staged; emptied by the import or the discard."""
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    imported_count: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    imported_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    imported_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class Case(Base, ProgramOwned):
    __tablename__ = "youth_case"
    __table_args__ = (
        UniqueConstraint("program_id", "number"),
        Index("ix_youth_case_program_state_sealed", "program_id", "state", "sealed_at"),
        Index("ix_youth_case_program_opened", "program_id", "opened_on"),
        Index("ix_youth_case_program_sealed", "program_id", "sealed_at"),
        Index("ix_youth_case_program_import", "program_id", "import_id"),
        Index("ix_youth_case_program_first_heard", "program_id", "first_heard_on"),
        # The measures' youth served in a period, from the index alone on PostgreSQL.
        Index(
            "ix_youth_case_program_closed",
            "program_id",
            "closed_on",
            postgresql_include=["opened_on", "youth_id"],
        ),
        # A report's cohort (cases by program and referral day), read from the index alone on PostgreSQL.
        Index(
            "ix_youth_case_cohort",
            "program_id",
            "referred_on",
            postgresql_include=[
                "id",
                "youth_id",
                "referral_id",
                "state",
                "first_heard_on",
                "closed_on",
                "checked_until",
            ],
        ),
        # The open cases, for the families to contact: from the index alone on PostgreSQL.
        Index(
            "ix_youth_case_open",
            "program_id",
            "opened_on",
            postgresql_include=["id", "youth_id", "referral_id", "number", "state", "contacted_until"],
            postgresql_where=text("closed_on IS NULL AND sealed_at IS NULL"),
            sqlite_where=text("closed_on IS NULL AND sealed_at IS NULL"),
        ),
        # A youth's cases; on PostgreSQL with what the case list sorts a search's matches by.
        Index(
            "ix_youth_case_youth_listed",
            "youth_id",
            postgresql_include=["program_id", "sealed_at", "opened_on", "number", "id"],
        ),
        # The case search's part of a number, on PostgreSQL alone (see its migration).
        postgresql_only(
            Index(
                "ix_youth_case_number_trigrams",
                func.lower(literal_column("number")).label("number"),
                postgresql_using="gin",
                postgresql_ops={"number": "gin_trgm_ops"},
            )
        ),
    )

    number: Mapped[str] = mapped_column(String(20))
    """Numbered per program and year: 2026-0042."""
    referral_id: Mapped[UUID] = mapped_column(ForeignKey("referral.id", ondelete="RESTRICT"), unique=True)
    youth_id: Mapped[UUID] = mapped_column(ForeignKey("youth.id", ondelete="RESTRICT"))
    coordinator_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[CaseState] = mapped_column(enum_column(CaseState), default=CaseState.REFERRED)
    state_changed_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utc_now)
    opened_on: Mapped[datetime.date] = mapped_column(Date)
    intake_on: Mapped[datetime.date | None] = mapped_column(Date)
    youth_consent_on: Mapped[datetime.date | None] = mapped_column(Date)
    guardian_consent_on: Mapped[datetime.date | None] = mapped_column(Date)
    confidentiality_signed_on: Mapped[datetime.date | None] = mapped_column(Date)
    waiver_signed_on: Mapped[datetime.date | None] = mapped_column(Date)
    admission_on: Mapped[datetime.date | None] = mapped_column(Date)
    intake_notes: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[datetime.date | None] = mapped_column(Date, index=True)
    closure_reason: Mapped[str] = mapped_column(Text, default="")
    sealed_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    """A sealed case is left out of lists, searches, dashboards and case-level reports."""
    sealed_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    seal_reason: Mapped[str] = mapped_column(Text, default="")
    expunged_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    """The youth's identifying data is destroyed; the row stays as a de-identified tombstone."""
    import_id: Mapped[UUID | None] = mapped_column(ForeignKey("record_import.id", ondelete="RESTRICT"))
    """The import that brought the case from the program's earlier records; empty for cases made here.

    Imported cases count in every measure and report like the others; pages mark them."""
    checked_until: Mapped[datetime.date | None] = mapped_column(Date, insert_default=None)
    """How far the case's records are known: its latest completed follow-up check that searched
    some record system. Kept by the database's triggers (migration ``c5a1e9d3f207``); never set."""
    first_heard_on: Mapped[datetime.date | None] = mapped_column(Date, insert_default=None)
    """The night of the case's first hearing held. Kept by the database's triggers; never set."""
    contacted_until: Mapped[datetime.date | None] = mapped_column(Date, insert_default=None)
    """The latest contact with the family logged on the case. Kept by the database's triggers
    (migration ``c2e4a6b8d0f3``); never set."""
    referred_on: Mapped[datetime.date | None] = mapped_column(Date, insert_default=None)
    """The day its referral came in, which places the case in the reports' cohorts. Kept by the
    database's triggers from ``referral.received_on`` (migration ``f2a4c6e8b0d1``); never set."""
    version: Mapped[int] = mapped_column(Integer, default=1)

    referral: Mapped[Referral] = relationship(lazy="raise")
    youth: Mapped[Youth] = relationship(lazy="raise")
    coordinator: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[coordinator_id])
    factors: Mapped[list[CaseFactor]] = relationship(lazy="raise", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}


class CaseFactor(Base, ProgramOwned):
    """A need or strength recorded for the youth at intake (the short risk/needs checklist)."""

    __tablename__ = "case_factor"
    __table_args__ = (UniqueConstraint("case_id", "factor_id"),)

    case_id: Mapped[UUID] = mapped_column(ForeignKey("youth_case.id", ondelete="CASCADE"), index=True)
    factor_id: Mapped[UUID] = mapped_column(ForeignKey("factor.id", ondelete="RESTRICT"))

    factor: Mapped[Factor] = relationship(lazy="raise")


class CaseCounter(Base, ProgramOwned):
    """The last case number used in a program and year."""

    __tablename__ = "case_counter"
    __table_args__ = (UniqueConstraint("program_id", "year"),)

    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class EventKind(enum.StrEnum):
    TRANSITION = "transition"
    NOTE = "note"
    HEARING = "hearing"
    SANCTION = "sanction"
    DOCUMENT = "document"
    FOLLOW_UP = "follow_up"
    INTAKE = "intake"
    FINDINGS = "findings"


class CaseEvent(Base, ProgramOwned):
    """One line of a case's timeline: a state change, a note, or something another area recorded."""

    __tablename__ = "case_event"
    __table_args__ = (Index("ix_case_event_case_occurred", "case_id", "occurred_at"),)

    case_id: Mapped[UUID] = mapped_column(ForeignKey("youth_case.id", ondelete="CASCADE"))
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind))
    from_state: Mapped[str | None] = mapped_column(String(30))
    to_state: Mapped[str | None] = mapped_column(String(30))
    summary: Mapped[str] = mapped_column(Text, default="")
    occurred_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utc_now)
    actor_id: Mapped[UUID | None] = mapped_column()
    actor_name: Mapped[str] = mapped_column(String(200), default="")


class ContactMethod(enum.StrEnum):
    PHONE = "phone"
    MEETING = "meeting"
    HOME_VISIT = "home_visit"
    LETTER = "letter"
    EMAIL = "email"
    TEXT = "text"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


CONTACT_METHOD_LABELS = (N_("Phone"), N_("Meeting"), N_("Home visit"), N_("Letter"), N_("Email"), N_("Text"))
"""The contact methods' labels, for the catalogs: pages show them translated with ``_(method.label)``."""


class ContactLog(Base, ProgramOwned):
    """A call, meeting or letter with the family (coordinators contact families at least monthly)."""

    __tablename__ = "contact_log"
    __table_args__ = (
        # A case's latest contact; with the program (the scope's condition), from the index alone.
        Index("ix_contact_log_case_contacted", "case_id", "contacted_on", postgresql_include=["program_id"]),
        UniqueConstraint("program_id", "submission_token"),
    )

    case_id: Mapped[UUID] = mapped_column(ForeignKey("youth_case.id", ondelete="CASCADE"))
    contacted_on: Mapped[datetime.date] = mapped_column(Date)
    method: Mapped[ContactMethod] = mapped_column(enum_column(ContactMethod))
    contact_with: Mapped[str] = mapped_column(String(120), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[UUID | None] = mapped_column()
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    submission_token: Mapped[str | None] = mapped_column(String(64))


class CheckResult(enum.StrEnum):
    NO_NEW_OFFENSE = "no_new_offense"
    NEW_OFFENSE = "new_offense"

    @property
    def label(self) -> str:
        return N_("No new offense") if self is CheckResult.NO_NEW_OFFENSE else N_("New offense found")


class FollowUpCheck(Base, ProgramOwned):
    """A check of police and court records for new offenses, due some months after a case closed.

    Scheduled when a case closes, or when a referral assigned to a study arm is declined or returned
    (intent to treat follows every youth assigned): a check belongs to a case or to such a referral,
    exactly one. The outcomes area records what each check found. The date of the latest completed
    check is how far a youth's record is known: follow-up beyond it is censored."""

    __tablename__ = "follow_up_check"
    __table_args__ = (
        UniqueConstraint("case_id", "window_months"),
        UniqueConstraint("referral_id", "window_months"),
        Index("ix_follow_up_check_program_due", "program_id", "completed_on", "due_on"),
        # The open checks in due order: a worklist page of 25 reads 25 of them, not all, whatever
        # PostgreSQL expects (it takes thousands of a program's checks to be open and past due).
        Index(
            "ix_follow_up_check_open_due",
            "program_id",
            "due_on",
            postgresql_where=text("completed_on IS NULL"),
            sqlite_where=text("completed_on IS NULL"),
        ),
        # The completed checks that searched no record system, which the recidivism report counts.
        # SQLite matches an index's condition only to the same literal in the statement, never to
        # a bound value: there the value is a column of the index instead.
        Index(
            "ix_follow_up_check_unsearched",
            "program_id",
            "records_searched",
            "case_id",
            postgresql_where=text("completed_on IS NOT NULL AND records_searched = ''"),
            sqlite_where=text("completed_on IS NOT NULL"),
        ),
        CheckConstraint("(case_id IS NULL) <> (referral_id IS NULL)", name="case_or_referral"),
    )

    case_id: Mapped[UUID | None] = mapped_column(ForeignKey("youth_case.id", ondelete="CASCADE"), index=True)
    referral_id: Mapped[UUID | None] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"))
    """The study referral followed up without a case (the unique constraint's index serves lookups)."""
    window_months: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[datetime.date] = mapped_column(Date)
    completed_on: Mapped[datetime.date | None] = mapped_column(Date)
    records_searched: Mapped[str] = mapped_column(String(80), default="")
    """The record systems searched, as comma-separated codes (police, juvenile_court, school, other)."""
    result: Mapped[CheckResult | None] = mapped_column(enum_column(CheckResult))
    checked_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    case: Mapped[Case | None] = relationship(lazy="raise")
    referral: Mapped[Referral | None] = relationship(lazy="raise")
