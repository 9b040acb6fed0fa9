"""Every model of every area, imported in one place so Alembic and the schema checks see them all."""

from youthcourt.accounts.models import Membership, User, UserSession
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import (
    Case,
    CaseCounter,
    CaseEvent,
    CaseFactor,
    ContactLog,
    FollowUpCheck,
    RecordImport,
)
from youthcourt.coproduction.models import Answer, SelfAssessment
from youthcourt.database import metadata
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight, Investigation, InvestigationFactor
from youthcourt.imports.models import ImportMapping
from youthcourt.jurors.models import (
    Booking,
    ConflictDeclaration,
    CreditEntry,
    Juror,
    NightNotice,
    OutboxMessage,
    Qualification,
    Reward,
    TrainingAttendance,
    TrainingSession,
)
from youthcourt.outcomes.models import OutcomeEvent
from youthcourt.partners.models import ApiKey, PartnerReferral
from youthcourt.private_links.models import PrivateLink
from youthcourt.programs.models import Program
from youthcourt.reference.models import (
    Factor,
    Offense,
    ProgramPolicy,
    ReferralSource,
    RoleRequirement,
    SanctionRule,
)
from youthcourt.referrals.models import Document, DocumentChunk, Guardian, Referral, Youth
from youthcourt.reports.models import ComparisonEvent, ComparisonImport, ComparisonRecord, DataRelease
from youthcourt.sanctions.models import DeadlineExtension, Disposition, Sanction, SanctionProgress
from youthcourt.sites.models import PartnerSite, Placement, SiteWork
from youthcourt.surveys.models import SurveyAnswer, SurveyInvitation, SurveyItem, SurveyVersion
from youthcourt.web.idempotency import FormSubmission
from youthcourt.worker.models import WorkerJob

__all__ = (
    "Answer",
    "ApiKey",
    "AuditEntry",
    "Booking",
    "Case",
    "CaseCounter",
    "CaseEvent",
    "CaseFactor",
    "ComparisonEvent",
    "ComparisonImport",
    "ComparisonRecord",
    "ConflictDeclaration",
    "ContactLog",
    "Courtroom",
    "CreditEntry",
    "DataRelease",
    "DeadlineExtension",
    "Disposition",
    "Document",
    "DocumentChunk",
    "Factor",
    "FollowUpCheck",
    "FormSubmission",
    "Guardian",
    "Hearing",
    "HearingNight",
    "ImportMapping",
    "Investigation",
    "InvestigationFactor",
    "Juror",
    "Membership",
    "NightNotice",
    "Offense",
    "OutboxMessage",
    "OutcomeEvent",
    "PartnerReferral",
    "PartnerSite",
    "Placement",
    "PrivateLink",
    "Program",
    "ProgramPolicy",
    "Qualification",
    "RecordImport",
    "Referral",
    "ReferralSource",
    "Reward",
    "RoleRequirement",
    "Sanction",
    "SanctionProgress",
    "SanctionRule",
    "SelfAssessment",
    "SiteWork",
    "SurveyAnswer",
    "SurveyInvitation",
    "SurveyItem",
    "SurveyVersion",
    "TrainingAttendance",
    "TrainingSession",
    "User",
    "UserSession",
    "WorkerJob",
    "Youth",
    "metadata",
)
