"""Site administrators list, create and change the programs a deployment hosts, beside the people in them."""

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

from youthcourt.accounts.forms import ProgramForm, ProgramSettingsForm
from youthcourt.accounts.services import ProgramService
from youthcourt.audit.service import Actor
from youthcourt.programs.guards import requires_site_admin
from youthcourt.programs.models import Program
from youthcourt.programs.timezones import DEFAULT_TIMEZONE, shown_timezone_groups
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData
from youthcourt.web.i18n import _
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.templating import page, redirect_to

PROGRAMS_URL = "/admin/programs"


async def provide_program(programs: NamedDependency[ProgramService], program_id: FromPath[UUID]) -> Program:
    """The program named in the path, for handlers that declare ``program`` (404 when there is none)."""
    program = await programs.get_one_or_none(Program.id == program_id)
    if program is None:
        raise NotFoundException()
    return program


PROGRAM_IN_PATH = {"program": Provide(provide_program)}


async def programs_page(db: AsyncSession, form: Form, number: int = 1, status_code: int = 200) -> Template:
    results = await paginate(db, select(Program).order_by(Program.name), number)
    return page(
        "programs/list.html",
        results=results,
        form=form,
        timezone_groups=shown_timezone_groups(),
        status_code=status_code,
    )


def program_page(program: Program, form: Form, status_code: int = 200) -> Template:
    return page(
        "programs/edit.html",
        program=program,
        form=form,
        timezone_groups=shown_timezone_groups(),
        status_code=status_code,
    )


class ProgramAdminController(Controller):
    path = PROGRAMS_URL
    guards = [requires_site_admin]
    dependencies = {"programs": Provide(create_service_provider(ProgramService))}

    @get("/")
    async def programs(
        self, db_session: NamedDependency[AsyncSession], page_no: PageNumber = "1"
    ) -> Template:
        return await programs_page(
            db_session, Form(values={"timezone": DEFAULT_TIMEZONE}), page_number(page_no)
        )

    @post("/")
    async def create_program(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        programs: NamedDependency[ProgramService],
        actor: NamedDependency[Actor],
        data: FormData,
    ) -> Any:
        new = ProgramForm.read(data)
        if new.slug and not new.has_error("slug") and await programs.slug_taken(new.slug):
            new.error("slug", _("Another program already uses this short name."))
        if not new.is_valid:
            return await programs_page(db_session, new.form, status_code=422)
        await programs.create_program(actor, new.name, new.slug, new.timezone)
        flash(request, _("The program was created. Switch to it to add its first program admin."))
        return redirect_to(request, PROGRAMS_URL)

    @get("/{program_id:uuid}", dependencies=PROGRAM_IN_PATH)
    async def edit_program(self, program: NamedDependency[Program]) -> Template:
        return program_page(program, Form(values={"name": program.name, "timezone": program.timezone}))

    @post("/{program_id:uuid}", dependencies=PROGRAM_IN_PATH)
    async def update_program(
        self,
        request: Request[Any, Any, Any],
        program: NamedDependency[Program],
        programs: NamedDependency[ProgramService],
        actor: NamedDependency[Actor],
        data: FormData,
    ) -> Any:
        settings = ProgramSettingsForm.read(data)
        if not settings.is_valid:
            return program_page(program, settings.form, status_code=422)
        changes = await programs.update_program(
            actor, program, name=settings.name, timezone=settings.timezone
        )
        flash(request, _("The program was saved.") if changes else _("Nothing was changed."))
        return redirect_to(request, PROGRAMS_URL)
