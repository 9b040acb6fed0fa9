"""Closing a case: the rules for each outcome, follow-up checks, and what the letter to the source says."""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from litestar.exceptions import HTTPException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.cases import states
from youthcourt.cases.models import Case, CaseState, FollowUpCheck
from youthcourt.cases.services import CaseService
from youthcourt.closure.forms import ClosingForm
from youthcourt.reference.services import policy
from youthcourt.sanctions.models import SanctionStatus
from youthcourt.sanctions.services import SanctionSummary
from youthcourt.web.forms import Form
from youthcourt.web.i18n import N_, _


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
    Outcome.SUCCESSFUL: N_("Successful: every sanction completed"),
    Outcome.UNSUCCESSFUL: N_("Unsuccessful: returned to the referral source"),
    Outcome.WITHDRAWN: N_("Withdrawn"),
}


OUTCOME_CHOICES = {outcome.value: outcome.label for outcome in Outcome}
REASON_LABELS = {
    Outcome.SUCCESSFUL.value: N_("the reason"),
    Outcome.UNSUCCESSFUL.value: N_("the reason the case returns to the referral source"),
    Outcome.WITHDRAWN.value: N_("the reason the case is withdrawn"),
}
ALREADY_CLOSED = N_("This case is closed already.")
CHANGED_MEANWHILE = N_("Someone else changed this case at the same time. Reload it and try again.")


class ClosedAlready(Exception):
    """The case was closed before the closing form was sent (the page answers 409)."""


@dataclass(frozen=True)
class Closing:
    """A closing form that passed its checks."""

    outcome: Outcome
    reason: str
    closed_on: datetime.date


class ClosureService(SQLAlchemyAsyncRepositoryService[Case]):
    """Ending cases; handlers receive it as ``closure_service``. The state moves through ``CaseService``."""

    class Repository(SQLAlchemyAsyncRepository[Case]):
        model_type = Case

    repository_type = Repository

    @property
    def db(self) -> AsyncSession:
        return self.repository.session

    async def close(
        self, case: Case, sanctions: list[SanctionSummary], form: Form, actor: Actor
    ) -> Outcome | None:
        """Close ``case`` as the form says: its state, follow-up checks, timeline and audit entries.

        ``sanctions`` are the case's, as the form shows them. Raises :class:`ClosedAlready` for a
        closed case; field errors go on ``form`` and leave nothing written: None is returned.
        Open sanctions of a case that does not close successfully are marked not completed.
        """
        if case.state.is_closed:
            raise ClosedAlready(_(ALREADY_CLOSED))
        closing = read_closing(case, sanctions, form, actor.viewer.today())
        if closing is None:
            return None
        if closing.outcome != Outcome.SUCCESSFUL:
            for summary in sanctions:
                if summary.sanction.status == SanctionStatus.OPEN:
                    summary.sanction.status = SanctionStatus.NOT_COMPLETED
        windows = (await policy(self.db, case.program_id)).follow_up_windows
        try:
            checks = await CaseService(session=self.db).close(
                case,
                closing.outcome.state,
                actor.viewer,
                reason=closing.reason,
                closed_on=closing.closed_on,
                follow_up_months=windows,
            )
        except StaleDataError as error:
            raise HTTPException(status_code=409, detail=_(CHANGED_MEANWHILE)) from error
        audit.record(
            self.db,
            actor,
            "case_close",
            record_type="case",
            record_id=case.id,
            details={
                "outcome": closing.outcome.value,
                "closed_on": closing.closed_on.isoformat(),
                "follow_ups": len(checks),
            },
        )
        return closing.outcome


def read_closing(
    case: Case, sanctions: list[SanctionSummary], form: Form, today: datetime.date
) -> Closing | None:
    """Check the closing form against the case; errors go on ``form`` and None is returned."""
    reason_label = REASON_LABELS.get(form.get("outcome"), "the reason")
    entry = ClosingForm.read(
        form, today=today, options={"outcome": OUTCOME_CHOICES}, words={"reason": reason_label}
    )
    choice, reason, closed_on = entry.outcome, entry.reason, entry.closed_on
    if not reason and choice in {Outcome.UNSUCCESSFUL.value, Outcome.WITHDRAWN.value}:
        entry.error("reason", _("Enter %(what)s.", what=_(reason_label)))
    if closed_on and not entry.has_error("closed_on") and closed_on < case.opened_on:
        entry.error(
            "closed_on",
            _("The closing date cannot be before the case opened (%(day)s).", day=case.opened_on.isoformat()),
        )
    outcome = Outcome(choice) if choice in OUTCOME_CHOICES else None
    if outcome == Outcome.SUCCESSFUL:
        if problem := successful_problem(case, sanctions):
            entry.error("outcome", problem)
    elif outcome is not None and not states.allowed(case.state, outcome.state):
        entry.error("outcome", str(states.TransitionError(case.state, outcome.state)))
    if not form.is_valid or outcome is None or closed_on is None:
        return None
    return Closing(outcome, reason, closed_on)


def successful_problem(case: Case, sanctions: list[SanctionSummary]) -> str | None:
    """Why ``case`` cannot close successfully yet, or None when it can."""
    if case.state != CaseState.SANCTIONS_IN_PROGRESS:
        return _(
            "A case closes successfully once its sanctions are done; this case is %(state)s.",
            state=case.state.shown.lower(),
        )
    if not sanctions:
        return _("No sanctions are recorded for this case, so it cannot close successfully.")
    unmet = [s for s in sanctions if s.sanction.status != SanctionStatus.COMPLETED]
    if unmet:
        listed = "; ".join(
            _(
                "%(sanction)s (%(progress)s, due %(day)s, %(status)s)",
                sanction=s.label,
                progress=s.progress_text,
                day=s.sanction.due_on.isoformat(),
                status=s.status_label.lower(),
            )
            for s in unmet
        )
        return _("Every sanction must be completed first. Not completed: %(sanctions)s.", sanctions=listed)
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
