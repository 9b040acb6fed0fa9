"""Training sessions: planning them, and marking which jurors attended.

Attending earns the session's hours in time credits and, for a session that trains for a
court role, that role.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.jurors import records
from youthcourt.jurors.models import TrainingSession
from youthcourt.jurors.records import JurorError, format_number
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.programs.viewer import Viewer
from youthcourt.reference.services import policy as program_policy
from youthcourt.reference.services import progression_rules
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.templating import page, redirect_to


def sessions_query() -> Any:
    return select(TrainingSession).order_by(TrainingSession.held_on.desc(), TrainingSession.title)


class TrainingController(Controller):
    path = "/jurors/training"
    guards = [requires_role(Role.COORDINATOR)]

    @get("/", name="juror_training")
    async def index(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        page_no: PageNumber = "1",
    ) -> Template:
        form = Form(values={"held_on": request.user.today().isoformat()})
        return await self._list(db_session, form, page_number(page_no))

    async def _list(self, db: AsyncSession, form: Form, number: int, status_code: int = 200) -> Template:
        results = await paginate(db, sessions_query(), number)
        return page(
            "jurors/training/list.html",
            results=results,
            counts=await records.attendance_counts(db, [s.id for s in results.items]),
            form=form,
            roles=records.ROLE_CHOICES,
            number=format_number,
            status_code=status_code,
        )

    @post("/")
    async def create(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], data: FormData
    ) -> Any:
        form = Form.from_data(data)
        fields = records.read_training(form)
        if not form.is_valid:
            return await self._list(db_session, form, 1, status_code=422)
        session = TrainingSession(program_id=request.user.program_id, **fields)
        db_session.add(session)
        await db_session.flush()
        audit.record(
            db_session,
            request,
            "training_create",
            record_type="training_session",
            record_id=session.id,
            details={"role": fields["role"].value if fields["role"] else None},
        )
        flash(request, "The training session was added. Mark who attended on its page.")
        return redirect_to(request, f"/jurors/training/{session.id}")

    async def _session(self, db: AsyncSession, session_id: UUID) -> TrainingSession:
        session = await db.scalar(select(TrainingSession).where(TrainingSession.id == session_id))
        if session is None:
            raise NotFoundException()
        return session

    @get("/{session_id:uuid}")
    async def show(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        session_id: FromPath[UUID],
    ) -> Template:
        session = await self._session(db_session, session_id)
        return await self._session_page(request, db_session, session, Form())

    async def _session_page(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        session: TrainingSession,
        form: Form,
        status_code: int = 200,
    ) -> Template:
        viewer: Viewer = request.user
        policy = await program_policy(db, viewer.program_id)
        audit.record(db, request, "training_view", record_type="training_session", record_id=session.id)
        return page(
            "jurors/training/session.html",
            session=session,
            attendees=await records.attendees(db, session),
            candidates=await records.training_candidates(db, session),
            limit=records.MAX_CANDIDATES,
            credits=session.hours * policy.credits_per_hour,
            happened=session.held_on <= viewer.today(),
            form=form,
            ticked=set(form.many("juror_id")),
            number=format_number,
            status_code=status_code,
        )

    @post("/{session_id:uuid}/attendance")
    async def mark_attendance(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        session_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        viewer: Viewer = request.user
        session = await self._session(db_session, session_id)
        form = Form.from_data(data)
        juror_ids: list[UUID] = []
        for value in form.many("juror_id"):
            try:
                juror_ids.append(UUID(value))
            except ValueError:
                form.error("juror_id", "Choose jurors from the list.")
        result = None
        if form.is_valid:
            try:
                result = await records.record_training_attendance(
                    db_session,
                    session,
                    juror_ids,
                    await program_policy(db_session, viewer.program_id),
                    actor_name=viewer.full_name,
                    today=viewer.today(),
                    rules=await progression_rules(db_session),
                )
            except JurorError as error:
                form.error("juror_id", str(error))
            except IntegrityError as error:
                # Two coordinators marked the same juror at the same moment: the unique
                # constraint refuses the second, and the request rolls back.
                raise HTTPException(
                    status_code=409,
                    detail="Someone else marked some of these jurors at the same time. Reload the page.",
                ) from error
        if result is None:
            return await self._session_page(request, db_session, session, form, status_code=422)
        audit.record(
            db_session,
            request,
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
        message = f"{result.attended} juror{'s' if result.attended != 1 else ''} marked present"
        message += f", {format_number(result.credits)} credits earned in all"
        if result.qualified:
            message += f", {result.qualified} newly qualified as {session.role.label.lower()}"  # type: ignore[union-attr]
        if result.waiting:
            message += (
                f"; {result.waiting} still short of the program's other prerequisites for "
                f"{session.role.label.lower()} (see their records)"  # type: ignore[union-attr]
            )
        flash(request, message + ".")
        return redirect_to(request, f"/jurors/training/{session.id}")


ROUTES: list[type[Controller]] = [TrainingController]
