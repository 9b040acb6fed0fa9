"""Referral intake: the list, the intake form's checks, finding a young person already on record,
creating referrals, attaching their documents and deciding them.

Every query here runs inside the request's program scope (``programs/scoping.py``), so none of
them filters by program by hand.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from litestar import Request
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.clock import utc_now
from youthcourt.programs.viewer import Viewer
from youthcourt.reference.models import Offense, ProgramPolicy, ReferralSource
from youthcourt.reference.services import active_offenses, active_sources
from youthcourt.referrals import sealed, uploads
from youthcourt.referrals.document_store import DocumentStore
from youthcourt.referrals.forms import (
    GUARDIAN_FORMS,
    AcceptForm,
    DocumentForm,
    GuardianForm,
    IntakeKeysForm,
    ReferralForm,
    YouthForm,
)
from youthcourt.referrals.models import Document, Guardian, Referral, ReferralStatus, Youth
from youthcourt.referrals.screening import Screening, failed_text
from youthcourt.web.forms import Form, parse_uuid
from youthcourt.web.i18n import DEFAULT_LANGUAGE, N_, _, ngettext

STATUS_LABELS = {
    ReferralStatus.PENDING.value: N_("Pending"),
    ReferralStatus.ACCEPTED.value: N_("Accepted"),
    ReferralStatus.DECLINED.value: N_("Declined"),
    ReferralStatus.RETURNED.value: N_("Returned to source"),
}
"""The statuses in English (marked for the catalogs): pages show :func:`status_labels`."""


def status_labels() -> dict[str, str]:
    """The referral statuses in the active language, by value."""
    return {value: _(label) for value, label in STATUS_LABELS.items()}


WAITING_DAYS = 30
"""A pending referral older than this is flagged: programs aim to hear cases within weeks."""
YOUNGEST_PLAUSIBLE, OLDEST_PLAUSIBLE = 5, 25
"""Ages on the incident date outside this range are typing mistakes, whatever the policy says."""
GUARDIAN_SLOTS = (1, 2)
MAX_MATCHES = 10
DUPLICATE = N_(
    "This may be the same young person as a record already on file. Choose that record, "
    "or tick the box to confirm this is someone new."
)


_sealed_cases = sealed.CASES
"""Cases stand above referrals, yet a sealed case's referral and youth must stay out of the
referral list and the youth search (see ``sealing``)."""


def not_sealed_referral() -> Any:
    """The referral has no sealed case."""
    return ~exists().where(_sealed_cases.c.referral_id == Referral.id, _sealed_cases.c.sealed_at.is_not(None))


def findable_youth() -> Any:
    """Not expunged, and not a youth whose only cases are sealed (one with a current case is still found)."""
    sealed = exists().where(_sealed_cases.c.youth_id == Youth.id, _sealed_cases.c.sealed_at.is_not(None))
    current = exists().where(_sealed_cases.c.youth_id == Youth.id, _sealed_cases.c.sealed_at.is_(None))
    return and_(Youth.expunged_at.is_(None), or_(~sealed, current))


# The list -------------------------------------------------------------------------------------------


def listing(status: str = "", source_id: str = "") -> Select[tuple[Referral]]:
    """Referrals matching the filters: pending first, then newest; youth, offense and source loaded."""
    query = (
        select(Referral)
        .where(not_sealed_referral())
        .options(selectinload(Referral.youth), selectinload(Referral.offense), selectinload(Referral.source))
    )
    if status in STATUS_LABELS:
        query = query.where(Referral.status == ReferralStatus(status))
    if (source := parse_uuid(source_id)) is not None:
        query = query.where(Referral.source_id == source)
    pending_first = case((Referral.status == ReferralStatus.PENDING, 0), else_=1)
    return query.order_by(pending_first, Referral.received_on.desc(), Referral.created_at.desc(), Referral.id)


def flags(referral: Referral, policy: ProgramPolicy, today: datetime.date) -> list[str]:
    """Warnings a coordinator should act on, in the active language; only pending referrals can be late."""
    if referral.status != ReferralStatus.PENDING:
        return []
    waited = (today - referral.received_on).days
    found = []
    if referral.family_contacted_on is None and waited > policy.family_response_days:
        found.append(_("No family response after %(days)s days", days=policy.family_response_days))
    if waited > WAITING_DAYS:
        found.append(_("Waiting more than %(days)s days", days=WAITING_DAYS))
    return found


def _plain(name: str) -> str:
    """A name reduced for comparison: no accents, no case, letters only ("Zoë O'Neil" -> "zoeoneil")."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if ch.isalpha() and not unicodedata.combining(ch))


def similar_names(a: str, b: str) -> bool:
    """Spelling variants (Jon/John, Lopez/Lopes) and double names (Garcia/Lopez-Garcia) count as similar."""
    a, b = _plain(a), _plain(b)
    if not a or not b:
        return False
    if a == b or (min(len(a), len(b)) >= 3 and (a in b or b in a)):
        return True
    return SequenceMatcher(None, a, b).ratio() >= 0.75


def is_likely_same(
    youth: Youth, first_name: str, last_name: str, date_of_birth: datetime.date | None
) -> bool:
    """The same birth date and a similar name, or the very same name."""
    same_name = (
        bool(first_name and last_name)
        and _plain(youth.first_name) == _plain(first_name)
        and _plain(youth.last_name) == _plain(last_name)
    )
    if same_name:
        return True
    if date_of_birth is None or youth.date_of_birth != date_of_birth:
        return False
    if last_name:
        return similar_names(youth.last_name, last_name)
    return bool(first_name) and similar_names(youth.first_name, first_name)


@dataclass(frozen=True)
class YouthMatch:
    youth: Youth
    referral_count: int


async def youth_matches(
    db: AsyncSession, first_name: str, last_name: str, date_of_birth: datetime.date | None
) -> list[YouthMatch]:
    """Young people already on record who may be the one being entered (two queries in all)."""
    first_name, last_name = first_name.strip()[:100], last_name.strip()[:100]
    conditions: list[Any] = []
    if date_of_birth is not None and (first_name or last_name):
        conditions.append(Youth.date_of_birth == date_of_birth)
    if first_name and last_name:
        conditions.append(
            and_(
                func.lower(Youth.first_name) == first_name.lower(),
                func.lower(Youth.last_name) == last_name.lower(),
            )
        )
    if not conditions:
        return []
    candidates = (
        await db.scalars(
            select(Youth)
            .where(or_(*conditions), findable_youth())
            .options(selectinload(Youth.guardians))
            .order_by(Youth.last_name, Youth.first_name, Youth.date_of_birth)
            .limit(200)
        )
    ).all()
    likely = [y for y in candidates if is_likely_same(y, first_name, last_name, date_of_birth)][:MAX_MATCHES]
    counts = await referral_counts(db, [y.id for y in likely])
    return [YouthMatch(y, counts.get(y.id, 0)) for y in likely]


async def referral_counts(db: AsyncSession, youth_ids: Sequence[UUID]) -> dict[UUID, int]:
    if not youth_ids:
        return {}
    rows = await db.execute(
        select(Referral.youth_id, func.count())
        .where(Referral.youth_id.in_(youth_ids), not_sealed_referral())
        .group_by(Referral.youth_id)
    )
    return {youth_id: count for youth_id, count in rows.all()}


async def youth_with_guardians(db: AsyncSession, youth_id: UUID | None) -> Youth | None:
    """A youth on file chosen by id, as the search would find them: a sealed or expunged youth is not."""
    if youth_id is None:
        return None
    return await db.scalar(
        select(Youth).where(Youth.id == youth_id, findable_youth()).options(selectinload(Youth.guardians))
    )


# The intake form -------------------------------------------------------------------------------------


@dataclass
class Intake:
    """A checked intake form, ready to save."""

    youth: dict[str, Any]
    guardians: list[GuardianForm]
    referral: dict[str, Any]
    existing_youth: Youth | None = None
    likely_duplicates: list[YouthMatch] = field(default_factory=list)


def _guardian_entries(form: Form) -> list[GuardianForm]:
    """The guardians typed in, each slot read by the one guardian form; empty slots are left out."""
    entries = []
    for slot in GUARDIAN_SLOTS:
        entry = GUARDIAN_FORMS[slot].read(form, prefix=f"guardian{slot}_")
        if entry.name or entry.is_typed:
            entries.append(entry)
    return entries


def check_intake(
    form: Form,
    *,
    today: datetime.date,
    sources: Sequence[ReferralSource],
    offenses: Sequence[Offense],
    existing_youth: Youth | None,
) -> Intake:
    """Read and check the intake form; problems are recorded on ``form`` field by field."""
    youth = (
        {"date_of_birth": existing_youth.date_of_birth}
        if existing_youth is not None
        else YouthForm.read(form).values()
    )
    guardians = _guardian_entries(form)
    on_record = existing_youth is not None and any(
        g.name and (g.phone or g.email) for g in existing_youth.guardians
    )
    if not on_record and not any(g.is_reachable for g in guardians):
        target = "guardian1_phone" if form.get("guardian1_name").strip() else "guardian1_name"
        form.error(
            target, _("Enter at least one parent or guardian with a name and a phone number or email.")
        )

    options = {"source_id": {str(s.id): s for s in sources}, "offense_id": {str(o.id): o for o in offenses}}
    referral = ReferralForm.read(form, options=options).values()
    _check_dates(
        form,
        today,
        youth["date_of_birth"],
        referral["incident_date"],
        referral["received_on"],
        age_field="date_of_birth" if existing_youth is None else "incident_date",
    )
    _check_assignment(form, today, referral["received_on"], referral["assigned_on"])
    return Intake(youth=youth, guardians=guardians, referral=referral, existing_youth=existing_youth)


def _check_dates(
    form: Form,
    today: datetime.date,
    born: datetime.date | None,
    incident: datetime.date | None,
    received: datetime.date | None,
    *,
    age_field: str,
) -> None:
    if born and born > today:
        form.error("date_of_birth", _("The date of birth cannot be in the future."))
    if incident and incident > today:
        form.error("incident_date", _("The incident date cannot be in the future."))
    if received and received > today:
        form.error("received_on", _("The date received cannot be in the future."))
    if born and incident and incident < born:
        form.error("incident_date", _("The incident date is before the date of birth. Check both dates."))
    elif born and incident:
        age = incident.year - born.year - ((incident.month, incident.day) < (born.month, born.day))
        if not YOUNGEST_PLAUSIBLE <= age <= OLDEST_PLAUSIBLE:
            form.error(
                age_field,
                _(
                    "With this date of birth the young person was %(age)s on the incident date. "
                    "Check the date of birth and the incident date.",
                    age=age,
                ),
            )
    if incident and received and received < incident:
        form.error("received_on", _("The referral cannot be received before the incident happened."))


def _check_assignment(
    form: Form, today: datetime.date, received: datetime.date | None, assigned: datetime.date | None
) -> None:
    """A study assigns a referral once it has it: on or after the day received, and not in the future."""
    if assigned is None or "assigned_on" in form.errors:
        return
    if assigned > today:
        form.error("assigned_on", _("The day of assignment cannot be in the future."))
    elif received and assigned < received:
        form.error(
            "assigned_on",
            _(
                "The day of assignment cannot be before the referral was received (%(day)s).",
                day=received.isoformat(),
            ),
        )


async def referral_by_token(db: AsyncSession, token: str) -> Referral | None:
    if not token:
        return None
    return await db.scalar(select(Referral).where(Referral.submission_token == token))


async def create_referral(
    db: AsyncSession, viewer: Viewer, intake: Intake, submission_token: str | None
) -> Referral:
    """Save the youth (unless one on record was chosen), the new guardians and the referral."""
    program_id = viewer.program_id
    youth = intake.existing_youth
    if youth is None:
        youth = Youth(program_id=program_id, **intake.youth)
        db.add(youth)
        await db.flush()
    for entry in intake.guardians:
        db.add(
            Guardian(
                program_id=program_id,
                youth_id=youth.id,
                name=entry.name,
                relationship_to_youth=entry.relationship,
                phone=entry.phone,
                email=entry.email,
                address=entry.address,
                preferred_language=entry.preferred_language or DEFAULT_LANGUAGE,
            )
        )
    values = dict(intake.referral)
    values["offense_id"] = UUID(values["offense_id"])
    values["source_id"] = UUID(values["source_id"])
    referral = Referral(
        program_id=program_id,
        youth_id=youth.id,
        status=ReferralStatus.PENDING,
        submission_token=submission_token or None,
        **values,
    )
    db.add(referral)
    await db.flush()
    return referral


# One referral ----------------------------------------------------------------------------------------


async def load_referral(db: AsyncSession, referral_id: UUID, viewer: Viewer | None) -> Referral | None:
    """A referral with everything its page shows; ``None`` if unknown or of another program.

    The referral of a sealed case raises :class:`~youthcourt.referrals.sealed.CaseSealed` unless
    ``viewer`` gave a reason lately.
    """
    referral = await db.scalar(
        select(Referral)
        .where(Referral.id == referral_id)
        .options(
            selectinload(Referral.youth).selectinload(Youth.guardians),
            selectinload(Referral.source),
            selectinload(Referral.offense),
            selectinload(Referral.documents),
        )
    )
    if referral is not None:
        await sealed.check_referral(db, referral.id, viewer)
    return referral


async def provide_referral(
    referral_id: FromPath[UUID], db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any]
) -> Referral:
    """The referral named in the path, for handlers that declare ``referral`` (scoped, 404, sealing gate)."""
    referral = await load_referral(db_session, referral_id, request.user)
    if referral is None:
        raise NotFoundException()
    return referral


REFERRAL_IN_PATH = {"referral": Provide(provide_referral)}


def decide(referral: Referral, viewer: Viewer, status: ReferralStatus, reason: str) -> None:
    """Close a pending referral without a case: declined, or returned to its source."""
    referral.status = status
    referral.decision_reason = reason
    referral.decided_at = utc_now()
    referral.decided_by_id = viewer.user_id


def read_acceptance(form: Form, screening: Screening) -> str:
    """The reason to accept a referral that fails screening ("" when it passes); an error on ``form`` if missing."""
    if screening.passed:
        return ""
    reason = AcceptForm.read(form).accept_reason
    if not reason and "accept_reason" not in form.errors:
        failed = screening.failed
        names = ", ".join(check.shown_rule.lower() for check in failed)
        form.error(
            "accept_reason",
            ngettext(
                "This referral fails %(num)s of the program's eligibility rules (%(names)s). "
                "Nothing was saved. To accept it all the same, give the reason; "
                "otherwise decline it or return it to the source.",
                "This referral fails %(num)s of the program's eligibility rules (%(names)s). "
                "Nothing was saved. To accept it all the same, give the reason; "
                "otherwise decline it or return it to the source.",
                len(failed),
                names=names,
            ),
        )
    return reason


def accept(referral: Referral, viewer: Viewer, screening: Screening, reason: str) -> None:
    """Mark a pending referral accepted; one that fails screening keeps its failed rules and the reason."""
    referral.status = ReferralStatus.ACCEPTED
    referral.decided_at = utc_now()
    referral.decided_by_id = viewer.user_id
    referral.decision_reason = reason if not screening.passed else ""
    referral.failed_rules = failed_text(screening)


# What the referral pages change ---------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeResult:
    """What sending the intake form did: a referral saved (or found saved already), or nothing."""

    referral: Referral | None = None
    already_saved: bool = False
    """The same form was saved before (a double-click, a resent page): ``referral`` is that one."""
    matches: list[YouthMatch] = field(default_factory=list)
    """Young people on record who may be the one typed in, when the form was refused."""
    chosen: Youth | None = None
    """The record on file the form chose, when the form was refused."""


class ReferralService(SQLAlchemyAsyncRepositoryService[Referral]):
    """What the referral pages change, each with its audit entry: intake and documents."""

    class Repository(SQLAlchemyAsyncRepository[Referral]):
        model_type = Referral

    repository_type = Repository

    @property
    def db(self) -> AsyncSession:
        return self.repository.session

    async def take_in(self, form: Form, actor: Actor) -> IntakeResult:
        """Save the intake form as a new referral, with its youth (unless one on record was chosen).

        A form is saved once, however often it is sent: its submission token finds the referral
        it made, even when a second click raced the first past the check. Problems are recorded
        on ``form``, and nothing is saved; a young person who may be on record already must be
        chosen, or confirmed as someone new.
        """
        keys = IntakeKeysForm.read(form)
        token = keys.submission_token
        if already := await referral_by_token(self.db, token):
            return IntakeResult(already, already_saved=True)
        chosen = await self._chosen_youth(form, keys.youth_id)
        intake = check_intake(
            form,
            today=actor.viewer.today(),
            sources=await active_sources(self.db),
            offenses=await active_offenses(self.db),
            existing_youth=chosen,
        )
        matches = [] if chosen is not None else await self._likely_duplicates(form, intake, keys)
        if not form.is_valid:
            return IntakeResult(matches=matches, chosen=chosen)
        try:
            referral = await create_referral(self.db, actor.viewer, intake, token or None)
        except IntegrityError:
            # A second click raced the first past the token check; the first one's referral stands.
            await self.db.rollback()
            if (already := await referral_by_token(self.db, token)) is None:
                raise
            return IntakeResult(already, already_saved=True)
        details = {"existing_youth": chosen is not None, "guardians_added": len(intake.guardians)}
        audit.record(
            self.db, actor, "referral_create", record_type="referral", record_id=referral.id, details=details
        )
        return IntakeResult(referral)

    async def _chosen_youth(self, form: Form, youth_id: str) -> Youth | None:
        """The record on file the form chose; one gone since is an error on ``form``."""
        if not youth_id:
            return None
        chosen = await youth_with_guardians(self.db, parse_uuid(youth_id))
        if chosen is None:
            form.values["youth_id"] = ""
            form.error("first_name", _("The chosen record is no longer available. Enter the young person."))
        return chosen

    async def _likely_duplicates(self, form: Form, intake: Intake, keys: IntakeKeysForm) -> list[YouthMatch]:
        """Young people on record like the one typed in; unless confirmed as someone new, an error on ``form``."""
        youth = intake.youth
        if not (youth.get("first_name") and youth.get("last_name") and youth["date_of_birth"]):
            return []
        matches = await youth_matches(
            self.db, youth["first_name"], youth["last_name"], youth["date_of_birth"]
        )
        if matches and not keys.confirm_new_youth:
            form.error("confirm_new_youth", _(DUPLICATE))
        return matches

    async def attach_document(
        self, referral: Referral, form: Form, file: UploadFile | None, documents: DocumentStore, actor: Actor
    ) -> Document | None:
        """Keep an uploaded file in ``documents`` under the referral's program and list it on the referral.

        ``None``, with the reason on ``form`` and nothing kept, when the title or the file is
        refused (see :mod:`youthcourt.referrals.uploads`).
        """
        title = DocumentForm.read(form).safe_title
        stored = None
        try:
            if file is None:
                form.error("file", _("Choose a PDF, PNG or JPEG file to upload."))
            elif form.is_valid:
                stored = await uploads.store(file, documents, self.db, referral.program_id)
        except uploads.UploadRejected as rejected:
            form.error("file", str(rejected))
        if stored is None:
            return None
        document = Document(
            program_id=referral.program_id,
            referral_id=referral.id,
            title=title,
            stored_name=stored.stored_name,
            content_type=stored.content_type,
            size_bytes=stored.size_bytes,
            sha256=stored.sha256,
            uploaded_by_id=actor.viewer.account_id,
        )
        self.db.add(document)
        try:
            await self.db.flush()
        except Exception:
            await documents.discard(referral.program_id, stored.stored_name)
            raise
        details = {
            "referral_id": str(referral.id),
            "content_type": stored.content_type,
            "size_bytes": stored.size_bytes,
        }
        audit.record(
            self.db, actor, "document_upload", record_type="document", record_id=document.id, details=details
        )
        return document
