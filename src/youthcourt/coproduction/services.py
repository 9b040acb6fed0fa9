"""What the co-production area does: list, load, create and re-open self-assessments, with their audit entries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.coproduction import evidence, periods
from youthcourt.coproduction.forms import VersionForm, read_answers, read_period
from youthcourt.coproduction.models import Answer, SelfAssessment
from youthcourt.coproduction.questions import Element
from youthcourt.reference.services import policy
from youthcourt.reports.measures import Period
from youthcourt.web.errors import ConflictError
from youthcourt.web.forms import Form
from youthcourt.web.i18n import N_, _

CHART_PERIODS = 12
"""The chart shows the latest this many assessments; the table pages through all of them."""
SAVED_AT_ONCE = N_("Someone else saved an assessment for this period at the same moment. Reload the page.")
CHANGED_SINCE = N_(
    "Someone else saved this assessment since you opened it. Reload the page to see their change."
)


def history_query() -> Select[Any]:
    """Every assessment of the program with its answers, most recent period first."""
    return (
        select(SelfAssessment)
        .options(selectinload(SelfAssessment.answers))
        .order_by(SelfAssessment.starts_on.desc(), SelfAssessment.ends_on)
    )


def period_of(assessment: SelfAssessment) -> Period:
    found = periods.period_of(assessment.period)
    assert found is not None, "the period key was checked when the assessment was saved"
    return found


def scores_of(assessment: SelfAssessment) -> dict[Element, int]:
    return {answer.element: answer.score for answer in assessment.answers}


def answer_values(assessment: SelfAssessment) -> dict[str, str]:
    """The assessment as the form shows it, for re-opening."""
    values = {"version": str(assessment.version)}
    for answer in assessment.answers:
        values[f"{answer.element.value}-score"] = str(answer.score)
        values[f"{answer.element.value}-comment"] = answer.comment
    return values


async def evidence_for(
    db: AsyncSession, program_id: UUID, period: Period
) -> dict[Element, list[evidence.Evidence]]:
    """The figures beside the questions for ``period``, small counts hidden at the program's threshold."""
    threshold = (await policy(db, program_id)).suppression_threshold
    return evidence.show(await evidence.read_figures(db, period), threshold)


async def load_assessment(db: AsyncSession, assessment_id: UUID) -> SelfAssessment:
    """An assessment of the viewer's program (the scope filters the query) with its answers; 404 otherwise."""
    assessment = await db.scalar(
        select(SelfAssessment)
        .where(SelfAssessment.id == assessment_id)
        .options(selectinload(SelfAssessment.answers))
    )
    if assessment is None:
        raise NotFoundException()
    return assessment


async def provide_assessment(
    assessment_id: FromPath[UUID], db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any]
) -> SelfAssessment:
    return await load_assessment(db_session, assessment_id)


ASSESSMENT_IN_PATH = {"assessment": Provide(provide_assessment)}


@dataclass(frozen=True)
class Change:
    """What re-opening changed, for the audit trail: scores before and after, and which comments changed."""

    scores: dict[str, list[int]]
    comments: list[str]

    @property
    def details(self) -> dict[str, Any]:
        return {"scores": self.scores, "comments_changed": self.comments}


class CoproductionService(SQLAlchemyAsyncRepositoryService[SelfAssessment]):
    class Repository(SQLAlchemyAsyncRepository[SelfAssessment]):
        model_type = SelfAssessment

    repository_type = Repository

    @property
    def db(self) -> AsyncSession:
        return self.repository.session

    async def chart_history(self) -> list[SelfAssessment]:
        """The latest :data:`CHART_PERIODS` assessments, oldest first (the chart reads left to right)."""
        rows = await self.db.scalars(history_query().limit(CHART_PERIODS))
        return list(rows.all())[::-1]

    async def assessed(self, key: str) -> SelfAssessment | None:
        return await self.db.scalar(select(SelfAssessment).where(SelfAssessment.period == key))

    async def create(self, actor: Actor, form: Form) -> SelfAssessment | None:
        """Save a new assessment from ``form``; None, with the form's errors, when refused.

        A period already assessed is the period field's error; when two people save the same
        period at once, the unique constraint refuses the second (a 409, nothing saved).
        """
        key = read_period(form, periods.offered(actor.viewer.today()))
        read = read_answers(form)
        if key and await self.assessed(key):
            form.error(
                "period",
                _(
                    "%(period)s is assessed already: re-open it from the list.",
                    period=periods.period_of(key).name,
                ),
            )
        if not form.is_valid:
            return None
        period = periods.period_of(key)
        assessment = SelfAssessment(
            program_id=actor.viewer.program_id,
            period=key,
            starts_on=period.start,
            ends_on=period.end,
            assessed_by=actor.viewer.full_name,
            answers=[
                Answer(program_id=actor.viewer.program_id, element=element, score=score, comment=comment)
                for element, (score, comment) in read.answers.items()
            ],
        )
        self.db.add(assessment)
        try:
            await self.db.flush()
        except IntegrityError as error:
            raise ConflictError(_(SAVED_AT_ONCE)) from error
        audit.record(
            self.db,
            actor,
            "coproduction_assess",
            record_type="coproduction_assessment",
            record_id=assessment.id,
            details={"period": key, "scores": {e.value: s for e, (s, _comment) in read.answers.items()}},
        )
        return assessment

    async def update(self, actor: Actor, assessment: SelfAssessment, form: Form) -> bool:
        """Re-open ``assessment`` with the scores and comments on ``form``; False, with its errors, when refused.

        The form carries the version it was opened at: a save made since by someone else is a 409,
        not silently overwritten.
        """
        version = VersionForm.read(form).version
        read = read_answers(form)
        if not form.is_valid:
            return False
        if version != str(assessment.version):
            raise ConflictError(_(CHANGED_SINCE))
        change = Change({}, [])
        by_element = {answer.element: answer for answer in assessment.answers}
        for element, (score, comment) in read.answers.items():
            answer = by_element[element]
            if answer.score != score:
                change.scores[element.value] = [answer.score, score]
                answer.score = score
            if answer.comment != comment:
                change.comments.append(element.value)
                answer.comment = comment
        assessment.assessed_by = actor.viewer.full_name
        flag_modified(assessment, "assessed_by")  # the row is updated, and its version moves, on every save
        try:
            await self.db.flush()
        except StaleDataError as error:
            raise ConflictError(_(CHANGED_SINCE)) from error
        audit.record(
            self.db,
            actor,
            "coproduction_reassess",
            record_type="coproduction_assessment",
            record_id=assessment.id,
            details={"period": assessment.period, **change.details},
        )
        return True
