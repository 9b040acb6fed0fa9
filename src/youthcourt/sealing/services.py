"""Sealing a closed case, opening a sealed case with a recorded reason, expunging, and auto-sealing.

What sealing hides and what it does not:

- A sealed case is left out of every list and search that names people: the case list, the
  referral list, the youth search at intake, the dashboard's panels and the de-identified
  case-level export. Its pages (and its referral's, sanctions', hearings' and checks' pages)
  show only "This case is sealed" until the user records why they open it: the loaders of those
  records check it (see ``referrals/sealed.py``, where the grant is read).
- Aggregate statistics keep counting it (the recidivism tallies, the program measures, the
  counts behind them): a program's completion and reoffense rates would otherwise improve
  every time a successful case is sealed.
- The follow-up worklist keeps a sealed case's records checks, without the youth's name:
  dropping them would leave the case's follow-up censored and bias the recidivism figures.
  Recording the check needs the case opened with a reason, like any other view of it.

Expunging goes further: the youth's identifying data is destroyed in every table (see
:func:`expunge`) and the rows stay as a de-identified tombstone that the statistics still count.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Select, and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts.models import User, UserSession
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import (
    Case,
    CaseEvent,
    CaseState,
    ContactLog,
)
from youthcourt.cases.services import add_months
from youthcourt.clock import utc_now
from youthcourt.hearings.models import Hearing, Investigation
from youthcourt.jurors.models import ConflictDeclaration, Juror, JurorStatus, OutboxMessage
from youthcourt.programs.viewer import today_in
from youthcourt.reference.models import ProgramPolicy
from youthcourt.referrals.document_store import DocumentStore
from youthcourt.referrals.models import Document, Guardian, Referral, ReferralStatus, Youth
from youthcourt.respondents.services import revoke_for_case
from youthcourt.sanctions.models import DeadlineExtension, Disposition, Sanction, SanctionProgress
from youthcourt.web.i18n import _

EXPUNGED_NAME = "Expunged"
SYSTEM_ACTOR = "Youthcourt (automatic sealing)"


class SealingRefused(Exception):
    """The case cannot be sealed, unsealed or expunged as it stands; ``message`` says why."""

    def __init__(self, message: str, status_code: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code


# ---------------------------------------------------------------------------------------------
# Seal and unseal


def seal(case: Case, actor_id: UUID | None, reason: str) -> None:
    """Seal a closed case. Open cases are refused: their youth is still being served."""
    if not case.state.is_closed:
        raise SealingRefused(_("Only a closed case can be sealed. Close the case first."))
    if case.sealed_at is not None:
        raise SealingRefused(_("This case is already sealed."))
    case.sealed_at = utc_now()
    case.sealed_by_id = actor_id
    case.seal_reason = reason


async def seal_case(db: AsyncSession, case: Case, actor_id: UUID | None, reason: str) -> int:
    """Seal the case and revoke the family's private links to it; returns how many links were revoked.

    A sealed case's page already answers 404 to its links; revoking them as well means unsealing
    the case later does not bring them back.
    """
    seal(case, actor_id, reason)
    return await revoke_for_case(db, case.id)


def unseal(case: Case) -> None:
    """Make a sealed case visible again. An expunged case stays sealed: nothing is left to show."""
    if case.sealed_at is None:
        raise SealingRefused(_("This case is not sealed."))
    if case.expunged_at is not None:
        raise SealingRefused(_("An expunged case cannot be unsealed."))
    case.sealed_at = None
    case.sealed_by_id = None
    case.seal_reason = ""


# ---------------------------------------------------------------------------------------------
# The sealed cases list


def sealed_cases_query() -> Select[Any]:
    """The program's sealed cases, newest sealed first: numbers and dates only, one query per page."""
    return (
        select(
            Case.id, Case.number, Case.state, Case.opened_on, Case.closed_on, Case.sealed_at, Case.expunged_at
        )
        .where(Case.sealed_at.is_not(None))
        .order_by(Case.sealed_at.desc(), Case.number)
    )


# ---------------------------------------------------------------------------------------------
# Auto-sealing


def due_for_sealing(today: datetime.date, months: int) -> Any:
    """Completed cases closed more than ``months`` months before ``today``, not sealed yet."""
    cutoff = add_months(today, -months)
    return and_(
        Case.state == CaseState.COMPLETED,
        Case.closed_on.is_not(None),
        Case.closed_on < cutoff,
        Case.sealed_at.is_(None),
    )


async def seal_due(db: AsyncSession) -> dict[UUID, int]:
    """Seal, in every program with ``auto_seal_months`` set, the completed cases due; per program count.

    Run daily. A case sealed once is no longer due, so running twice seals nothing more.
    Each sealing is audited as done by the system (no actor id).
    """
    from youthcourt.programs.models import Program

    rows = await db.execute(
        select(Program.id, Program.timezone, ProgramPolicy.auto_seal_months)
        .join(ProgramPolicy, ProgramPolicy.program_id == Program.id)
        .where(ProgramPolicy.auto_seal_months.is_not(None), ProgramPolicy.auto_seal_months > 0)
    )
    sealed: dict[UUID, int] = {}
    for program_id, zone, months in rows.all():
        cases = (
            await db.scalars(
                select(Case).where(Case.program_id == program_id, due_for_sealing(today_in(zone), months))
            )
        ).all()
        for case in cases:
            await seal_case(
                db, case, None, f"Sealed automatically {months} months after successful completion."
            )
            db.add(
                AuditEntry(
                    program_id=program_id,
                    actor_name=SYSTEM_ACTOR,
                    action="case_seal",
                    record_type="case",
                    record_id=str(case.id),
                    details={"automatic": True, "months": months},
                )
            )
        sealed[program_id] = len(cases)
    await db.flush()
    return sealed


# ---------------------------------------------------------------------------------------------
# Expunging


@dataclass(frozen=True)
class Expunged:
    """What an expunging destroyed, in counts (this is what the audit entry records)."""

    cases: int
    referrals: int
    documents: int
    files_removed: int
    juror_records: int


def age_keeping_birth_date(born: datetime.date, referral_dates: list[datetime.date]) -> datetime.date:
    """A birth date, other than the real one, that gives the youth the same age at every referral.

    Reports only ever use the age at referral (age bands), so the tombstone keeps that and
    nothing more: the replacement is the earliest birth date giving those ages, which is never
    the real one unless the real one is the only date that does (then one day later, which may
    change one age by a year in that rare case, and is still not the real date).
    """
    earliest, latest = _birth_window(born, referral_dates)
    if earliest != born:
        return earliest
    return latest if latest != born else born + datetime.timedelta(days=1)


def _birth_window(born: datetime.date, days: list[datetime.date]) -> tuple[datetime.date, datetime.date]:
    """The range of birth dates giving the same age on every one of ``days`` as ``born`` does."""
    earliest, latest = datetime.date.min, datetime.date.max
    for day in days or [born]:
        age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        # Born on or before ``day`` minus ``age`` years, and after ``day`` minus ``age + 1`` years.
        latest = min(latest, _years_before(day, age))
        earliest = max(earliest, _years_before(day, age + 1) + datetime.timedelta(days=1))
    return earliest, latest


def _years_before(day: datetime.date, years: int) -> datetime.date:
    return add_months(day, -12 * years)


async def expunge_refusal(db: AsyncSession, case: Case) -> str | None:
    """Why the youth of ``case`` cannot be expunged now, or None.

    Expunging destroys who the youth is, so it is done for the youth and all of their cases at
    once: leaving one case identified would identify the others through it. Every case must be
    closed and every referral decided, and a youth who serves as a juror must have been moved to
    alumni first (a serving juror's name is needed to run juries).
    """
    if not case.state.is_closed:
        return _("Only a closed case can be expunged.")
    if case.expunged_at is not None:
        return _("This case is already expunged.")
    open_states = await db.scalar(
        select(func.count()).where(
            Case.youth_id == case.youth_id, Case.state.not_in([s for s in CaseState if s.is_closed])
        )
    )
    if open_states:
        return _("The youth has another case that is still open: close it before expunging.")
    pending = await db.scalar(
        select(func.count()).where(
            Referral.youth_id == case.youth_id, Referral.status == ReferralStatus.PENDING
        )
    )
    if pending:
        return _("The youth has a referral still pending: decide it before expunging.")
    serving = await db.scalar(
        select(func.count()).where(Juror.youth_id == case.youth_id, Juror.status != JurorStatus.ALUMNI)
    )
    if serving:
        return _("The youth serves as a juror: move them to alumni before expunging.")
    return None


async def expunge(db: AsyncSession, case: Case, documents: DocumentStore) -> Expunged:
    """Destroy the identifying data of ``case``'s youth in every table, with all of their cases.

    Kept, as a tombstone the statistics still count: the rows of the youth, referrals and cases
    with their dates, offense, source, states and outcomes, gender and race/ethnicity
    categories, hearings, sanctions (type, quantity, dates, status), follow-up checks and
    outcome events. Destroyed: names (become "Expunged"), the birth date (replaced by one that
    gives the same age at every referral), school, contact details, guardians, narratives,
    notes, summaries and every other free text about the youth, the uploaded documents (their
    bytes in ``documents``, and their rows), conflict declarations naming the youth, mail addressed to the youth or family,
    and, for a youth who became a juror (now alumni), the juror record's identity and sign-in.
    Every case of the youth is sealed and marked expunged.

    Bytes kept in a folder are removed before the transaction commits; should the commit fail,
    the rows still point at files that are gone, and expunging again finishes the job. Bytes kept
    in the database go with the transaction.
    """
    now = utc_now()
    youth = await db.scalar(select(Youth).where(Youth.id == case.youth_id))
    assert youth is not None
    referrals = (await db.scalars(select(Referral).where(Referral.youth_id == youth.id))).all()
    cases = (await db.scalars(select(Case).where(Case.youth_id == youth.id))).all()
    addresses = await _addresses_of(db, youth)
    full_name = youth.full_name
    youth.date_of_birth = age_keeping_birth_date(youth.date_of_birth, [r.received_on for r in referrals])
    _clear_youth(youth, now)
    await db.execute(delete(Guardian).where(Guardian.youth_id == youth.id))
    for referral in referrals:
        for name in ("source_reference", "incident_place", "narrative", "decision_reason"):
            setattr(referral, name, "")
    removed_documents, files_removed = await _remove_documents(db, [r.id for r in referrals], documents)
    for each in cases:
        each.intake_notes = ""
        each.closure_reason = ""
        each.seal_reason = ""
        each.sealed_at = each.sealed_at or now
        each.expunged_at = now
    await _clear_case_text(db, [c.id for c in cases])
    await db.execute(delete(ConflictDeclaration).where(ConflictDeclaration.youth_id == youth.id))
    jurors = await _clear_jurors(db, youth.id, youth.date_of_birth)
    await _remove_mail(db, addresses, full_name)
    await db.flush()
    return Expunged(len(cases), len(referrals), removed_documents, files_removed, jurors)


def _clear_youth(youth: Youth, now: datetime.datetime) -> None:
    youth.first_name = EXPUNGED_NAME
    youth.last_name = EXPUNGED_NAME
    for name in ("school", "grade", "phone", "email", "address"):
        setattr(youth, name, "")
    youth.expunged_at = now


async def _addresses_of(db: AsyncSession, youth: Youth) -> set[str]:
    """Email addresses of the youth, their guardians and their juror record, for removing their mail."""
    guardians = (await db.scalars(select(Guardian.email).where(Guardian.youth_id == youth.id))).all()
    jurors = (
        await db.execute(select(Juror.email, Juror.guardian_email).where(Juror.youth_id == youth.id))
    ).all()
    found = {youth.email, *guardians, *(e for row in jurors for e in row)}
    return {address.lower() for address in found if address}


async def _remove_documents(
    db: AsyncSession, referral_ids: list[UUID], store: DocumentStore
) -> tuple[int, int]:
    documents = (await db.scalars(select(Document).where(Document.referral_id.in_(referral_ids)))).all()
    removed = await store.remove(db, documents)
    if documents:
        await db.execute(delete(Document).where(Document.id.in_([d.id for d in documents])))
    return len(documents), removed


async def _clear_case_text(db: AsyncSession, case_ids: list[UUID]) -> None:
    """Every free-text field recorded about the cases; dates, kinds, amounts and outcomes stay."""
    if not case_ids:
        return
    await db.execute(update(CaseEvent).where(CaseEvent.case_id.in_(case_ids)).values(summary=""))
    await db.execute(
        update(ContactLog).where(ContactLog.case_id.in_(case_ids)).values(contact_with="", summary="")
    )
    await db.execute(update(Hearing).where(Hearing.case_id.in_(case_ids)).values(notes=""))
    hearing_ids = select(Hearing.id).where(Hearing.case_id.in_(case_ids)).scalar_subquery()
    await db.execute(
        update(Investigation)
        .where(Investigation.hearing_id.in_(hearing_ids))
        .values(questioning_summary="", deliberation_summary="", version=Investigation.version + 1)
    )
    await db.execute(update(Disposition).where(Disposition.case_id.in_(case_ids)).values(notes=""))
    await db.execute(
        update(Sanction).where(Sanction.case_id.in_(case_ids)).values(description="", outside_grid_reason="")
    )
    await db.execute(
        update(SanctionProgress)
        .where(SanctionProgress.case_id.in_(case_ids))
        .values(site="", verified_by="", notes="")
    )
    sanction_ids = select(Sanction.id).where(Sanction.case_id.in_(case_ids)).scalar_subquery()
    await db.execute(
        update(DeadlineExtension).where(DeadlineExtension.sanction_id.in_(sanction_ids)).values(reason="")
    )


async def _clear_jurors(db: AsyncSession, youth_id: UUID, birth: datetime.date) -> int:
    """A former respondent's juror record loses its identity; its service history stays for the counts."""
    jurors = (await db.scalars(select(Juror).where(Juror.youth_id == youth_id))).all()
    for juror in jurors:
        juror.first_name = EXPUNGED_NAME
        juror.last_name = EXPUNGED_NAME
        juror.date_of_birth = birth
        for name in (
            "school",
            "grade",
            "email",
            "phone",
            "guardian_name",
            "guardian_email",
            "screening_notes",
        ):
            setattr(juror, name, "")
        juror.calendar_token_hash = None
        if juror.user_id is not None:
            await _retire_sign_in(db, juror.user_id)
    return len(jurors)


async def _retire_sign_in(db: AsyncSession, user_id: UUID) -> None:
    """The juror portal account of an expunged youth: deactivated, de-identified, signed out."""
    user = await db.scalar(select(User).where(User.id == user_id))
    if user is None:
        return
    user.full_name = EXPUNGED_NAME
    user.email = f"expunged-{user.id.hex}@invalid.example"
    user.is_active = False
    user.totp_secret = None
    user.totp_enabled_at = None
    await db.execute(delete(UserSession).where(UserSession.user_id == user_id))


async def _remove_mail(db: AsyncSession, addresses: set[str], full_name: str) -> None:
    """Mail to the youth or family, or naming the youth, sent or not: the outbox keeps message bodies."""
    conditions = [OutboxMessage.body.contains(full_name)]
    if addresses:
        conditions.append(func.lower(OutboxMessage.to_address).in_(sorted(addresses)))
    await db.execute(delete(OutboxMessage).where(or_(*conditions)))


def confirmation_matches(case: Case, typed: str) -> bool:
    return typed.strip() == case.number
