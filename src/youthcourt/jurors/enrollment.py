"""Former respondents join the jury pool through their own sentence.

When a disposition includes jury duty, the youth becomes a juror applicant of the program,
with the details already on their youth record (nobody retypes who they are). The jurors
area sits above sanctions, so it listens for dispositions instead of sanctions calling it:
the app calls :func:`register` once at start-up.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import Case, EventKind
from youthcourt.cases.services import CaseService
from youthcourt.jurors.models import Juror, JurorSource, JurorStatus
from youthcourt.programs.viewer import Viewer
from youthcourt.reference.models import SanctionType
from youthcourt.referrals.models import Youth
from youthcourt.sanctions import events
from youthcourt.sanctions.models import Sanction

LISTENER_NAME = "jurors.enrollment"
TIMELINE_TEXT = "Enrolled as a juror for jury duty."


def register() -> None:
    """Enroll former respondents whenever a disposition with jury duty is recorded."""
    events.on_disposition(LISTENER_NAME, enroll_for_jury_duty)


async def enroll_for_jury_duty(
    db: AsyncSession, case: Case, sanctions: list[Sanction], viewer: Viewer
) -> Juror | None:
    """Create the youth's juror record (an applicant) if the sentence includes jury duty.

    Runs in the disposition's transaction. A youth who already has a juror record in the
    program (from an earlier sentence, or enrolled by hand) is left as they are.
    """
    if not any(s.sanction_type == SanctionType.JURY_DUTY for s in sanctions):
        return None
    if await db.scalar(select(Juror.id).where(Juror.youth_id == case.youth_id).limit(1)) is not None:
        return None
    youth = await db.scalar(
        select(Youth).where(Youth.id == case.youth_id).options(selectinload(Youth.guardians))
    )
    if youth is None:
        return None
    guardian = youth.guardians[0] if youth.guardians else None
    juror = Juror(
        program_id=case.program_id,
        source=JurorSource.FORMER_RESPONDENT,
        status=JurorStatus.APPLICANT,
        youth_id=youth.id,
        first_name=youth.first_name,
        last_name=youth.last_name,
        date_of_birth=youth.date_of_birth,
        school=youth.school,
        grade=youth.grade,
        email=youth.email,
        phone=youth.phone,
        guardian_name=guardian.name if guardian else "",
        guardian_email=guardian.email if guardian else "",
    )
    db.add(juror)
    await db.flush()
    CaseService(session=db).add_event(case, EventKind.SANCTION, viewer, TIMELINE_TEXT)
    # The listener has no request to hand to the audit service, so the entry is written here,
    # with the same fields, in the disposition's transaction.
    db.add(
        AuditEntry(
            program_id=case.program_id,
            actor_id=viewer.user_id,
            actor_name=viewer.full_name or viewer.email,
            action="juror_enroll",
            record_type="juror",
            record_id=str(juror.id),
            details={"source": JurorSource.FORMER_RESPONDENT.value, "case_id": str(case.id)},
        )
    )
    return juror
