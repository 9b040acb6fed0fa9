"""Training sessions: planning them, and marking which jurors attended.

Attending earns the session's hours in time credits and, for a session that trains for a
court role, that role.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.jurors import records
from youthcourt.jurors.models import TrainingSession
from youthcourt.jurors.training import TrainingService
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.programs.viewer import Viewer
from youthcourt.reference.services import policy as program_policy
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData
from youthcourt.web.i18n import _, format_plain_number
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.templating import page, redirect_to


def sessions_query() -> Any:
    return select(TrainingSession).order_by(TrainingSession.held_on.desc(), TrainingSession.title)


class TrainingController(Controller):
    path = "/jurors/training"
    guards = [requires_role(Role.COORDINATOR)]
    dependencies = {"training": Provide(create_service_provider(TrainingService))}

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
            roles={value: _(label) for value, label in records.ROLE_CHOICES.items()},
            number=format_plain_number,
            status_code=status_code,
        )

    @post("/")
    async def create_training_session(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        training: NamedDependency[TrainingService],
        actor: NamedDependency[Actor],
        data: FormData,
    ) -> Any:
        form = Form.from_data(data)
        session = await training.create_session(actor, form)
        if session is None:
            return await self._list(db_session, form, 1, status_code=422)
        flash(request, _("The training session was added. Mark who attended on its page."))
        return redirect_to(request, f"/jurors/training/{session.id}")

    async def _session(self, db: AsyncSession, session_id: UUID) -> TrainingSession:
        session = await db.scalar(select(TrainingSession).where(TrainingSession.id == session_id))
        if session is None:
            raise NotFoundException()
        return session

    @get("/{session_id:uuid}")
    async def training_session(
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
            ticked=set(form.lists.get("juror_id", [])),
            number=format_plain_number,
            status_code=status_code,
        )

    @post("/{session_id:uuid}/attendance")
    async def mark_attendance(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        training: NamedDependency[TrainingService],
        actor: NamedDependency[Actor],
        session_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        session = await self._session(db_session, session_id)
        form = Form.from_data(data)
        marked = await training.mark_attendance(actor, session, form)
        if marked is None:
            return await self._session_page(request, db_session, session, form, status_code=422)
        flash(request, marked.message)
        return redirect_to(request, f"/jurors/training/{session.id}")


ROUTES: list[type[Controller]] = [TrainingController]
