"""Closing a case: the rules for each outcome, follow-up checks, and what the letter to the source says."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.cases.models import Case, CaseState, FollowUpCheck
from youthcourt.sanctions.models import SanctionStatus
from youthcourt.sanctions.services import SanctionSummary


class Outcome(enum.StrEnum):
    SUCCESSFUL = "successful"
    UNSUCCESSFUL = "unsuccessful"
    WITHDRAWN = "withdrawn"

    @property
    def state(self) -> CaseState:
        return OUTCOME_STATES[self]

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_STATES = {
    Outcome.SUCCESSFUL: CaseState.COMPLETED,
    Outcome.UNSUCCESSFUL: CaseState.UNSUCCESSFUL,
    Outcome.WITHDRAWN: CaseState.WITHDRAWN,
}
OUTCOME_LABELS = {
    Outcome.SUCCESSFUL: "Successful: every sanction completed",
    Outcome.UNSUCCESSFUL: "Unsuccessful: returned to the referral source",
    Outcome.WITHDRAWN: "Withdrawn",
}


def successful_problem(case: Case, sanctions: list[SanctionSummary]) -> str | None:
    """Why ``case`` cannot close successfully yet, or None when it can."""
    if case.state != CaseState.SANCTIONS_IN_PROGRESS:
        return (
            "A case closes successfully once its sanctions are done; "
            f"this case is {case.state.label.lower()}."
        )
    if not sanctions:
        return "No sanctions are recorded for this case, so it cannot close successfully."
    unmet = [s for s in sanctions if s.sanction.status != SanctionStatus.COMPLETED]
    if unmet:
        listed = "; ".join(
            f"{s.label} ({s.progress_text}, due {s.sanction.due_on.isoformat()}, "
            f"{s.sanction.status.label.lower()})"
            for s in unmet
        )
        return f"Every sanction must be completed first. Not completed: {listed}."
    return None


async def follow_ups_of(db: AsyncSession, case_id: UUID) -> list[FollowUpCheck]:
    query = select(FollowUpCheck).where(FollowUpCheck.case_id == case_id).order_by(FollowUpCheck.due_on)
    return list((await db.scalars(query)).all())


@dataclass(frozen=True)
class Letter:
    """What the letter to the referral source says; the template lays it out."""

    kind: str
    """"completion", "return" or "withdrawal"."""
    sanctions: list[SanctionSummary]

    @property
    def unmet(self) -> list[SanctionSummary]:
        return [s for s in self.sanctions if s.sanction.status != SanctionStatus.COMPLETED]


def letter_for(case: Case, sanctions: list[SanctionSummary]) -> Letter:
    kinds = {
        CaseState.COMPLETED: "completion",
        CaseState.UNSUCCESSFUL: "return",
        CaseState.WITHDRAWN: "withdrawal",
    }
    return Letter(kinds[case.state], sanctions)
