"""Training sessions as a coordinator adds them and marks who attended.

The rules (who can be marked, the credits earned, the court role granted) are
:func:`youthcourt.jurors.records.record_training_attendance`; this service reads the forms,
turns a simultaneous marking into a conflict and writes the audit entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.jurors.forms import TickedJurorsForm
from youthcourt.jurors.models import TrainingSession
from youthcourt.jurors.records import JurorError, TrainingResult, read_training, record_training_attendance
from youthcourt.reference.services import policy as program_policy
from youthcourt.reference.services import progression_rules
from youthcourt.web.errors import ConflictError
from youthcourt.web.forms import Form
from youthcourt.web.i18n import N_, _, ngettext
from youthcourt.web.numbers import format_number

MARKED_AT_ONCE = N_("Someone else marked some of these jurors at the same time. Reload the page.")


@dataclass(frozen=True)
class AttendanceMarked:
    """Jurors marked present at ``session``, and what they earned."""

    session: TrainingSession
    result: TrainingResult

    @property
    def message(self) -> str:
        """What the coordinator is told: how many attended, the credits, and any role granted or pending."""
        result = self.result
        numbers = {
            "credits": format_number(result.credits),
            "qualified": result.qualified,
            "waiting": result.waiting,
            "role": _(self.session.role.label).lower() if self.session.role else "",
        }
        if result.qualified and result.waiting:
            return ngettext(
                "%(num)s juror marked present, %(credits)s credits earned in all, %(qualified)s newly qualified "
                "as %(role)s; %(waiting)s still short of the program's other prerequisites for %(role)s "
                "(see their records).",
                "%(num)s jurors marked present, %(credits)s credits earned in all, %(qualified)s newly qualified "
                "as %(role)s; %(waiting)s still short of the program's other prerequisites for %(role)s "
                "(see their records).",
                result.attended,
                **numbers,
            )
        if result.qualified:
            return ngettext(
                "%(num)s juror marked present, %(credits)s credits earned in all, %(qualified)s newly qualified "
                "as %(role)s.",
                "%(num)s jurors marked present, %(credits)s credits earned in all, %(qualified)s newly qualified "
                "as %(role)s.",
                result.attended,
                **numbers,
            )
        if result.waiting:
            return ngettext(
                "%(num)s juror marked present, %(credits)s credits earned in all; %(waiting)s still short of the "
                "program's other prerequisites for %(role)s (see their records).",
                "%(num)s jurors marked present, %(credits)s credits earned in all; %(waiting)s still short of the "
                "program's other prerequisites for %(role)s (see their records).",
                result.attended,
                **numbers,
            )
        return ngettext(
            "%(num)s juror marked present, %(credits)s credits earned in all.",
            "%(num)s jurors marked present, %(credits)s credits earned in all.",
            result.attended,
            **numbers,
        )


def ticked_jurors(form: Form) -> list[UUID]:
    """The jurors ticked on ``form``; a value that is not a juror's id is the form's error."""
    juror_ids: list[UUID] = []
    for value in TickedJurorsForm.read(form).juror_ids:
        try:
            juror_ids.append(UUID(value))
        except ValueError:
            form.error("juror_id", _("Choose jurors from the list."))
    return juror_ids


class TrainingService(SQLAlchemyAsyncRepositoryService[TrainingSession]):
    """Training attendance as a coordinator marks it, with its audit entry."""

    class Repository(SQLAlchemyAsyncRepository[TrainingSession]):
        model_type = TrainingSession

    repository_type = Repository

    @property
    def db(self) -> AsyncSession:
        return self.repository.session

    async def create_session(self, actor: Actor, form: Form) -> TrainingSession | None:
        """Add the session described on ``form`` to the actor's program; None, with the form's errors, when refused."""
        fields = read_training(form)
        if not form.is_valid:
            return None
        session = TrainingSession(program_id=actor.viewer.program_id, **fields)
        self.db.add(session)
        await self.db.flush()
        audit.record(
            self.db,
            actor,
            "training_create",
            record_type="training_session",
            record_id=session.id,
            details={"role": fields["role"].value if fields["role"] else None},
        )
        return session

    async def mark_attendance(
        self, actor: Actor, session: TrainingSession, form: Form
    ) -> AttendanceMarked | None:
        """Mark the jurors ticked on ``form`` present; None, with the form's error, when refused.

        Raises :class:`ConflictError` (a 409) when another coordinator marked one of them at the
        same moment: the unique constraint refuses the second, and its request rolls back.
        """
        juror_ids = ticked_jurors(form)
        if not form.is_valid:
            return None
        viewer = actor.viewer
        policy = await program_policy(self.db, viewer.program_id)
        rules = await progression_rules(self.db)
        try:
            result = await record_training_attendance(
                self.db,
                session,
                juror_ids,
                policy,
                actor_name=viewer.full_name,
                today=viewer.today(),
                rules=rules,
            )
        except JurorError as error:
            form.error("juror_id", str(error))
            return None
        except IntegrityError as error:
            raise ConflictError(_(MARKED_AT_ONCE)) from error
        audit.record(
            self.db,
            actor,
            "training_attendance",
            record_type="training_session",
            record_id=session.id,
            details={
                "juror_ids": [str(juror_id) for juror_id in juror_ids],
                "credits_each": format_number(result.credits / result.attended),
                "qualified": result.qualified,
                "waiting": result.waiting,
            },
        )
        return AttendanceMarked(session, result)
