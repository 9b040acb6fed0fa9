"""Site administrators list and create the programs a deployment hosts, beside the people in them."""

from __future__ import annotations

import re
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts.forms import ProgramForm
from youthcourt.audit import service as audit
from youthcourt.programs.guards import requires_site_admin
from youthcourt.programs.models import Program
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.templating import page, redirect_to

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$")


class ProgramAdminController(Controller):
    path = "/admin/programs"
    guards = [requires_site_admin]

    @get("/")
    async def programs(
        self, db_session: NamedDependency[AsyncSession], page_no: PageNumber = "1"
    ) -> Template:
        results = await paginate(db_session, select(Program).order_by(Program.name), page_number(page_no))
        return page("programs/list.html", results=results, form=Form())

    @post("/")
    async def create_program(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], data: FormData
    ) -> Any:
        form = Form.from_data(data)
        program_form = ProgramForm.read(form)
        name, slug = program_form.name, program_form.slug.lower()
        if slug and not SLUG.match(slug):
            form.error(
                "slug",
                "Use 3 to 60 lower-case letters, digits and dashes, for example riverside-youth-court.",
            )
        elif slug and await db_session.scalar(select(func.count()).where(Program.slug == slug)):
            form.error("slug", "Another program already uses this short name.")
        if not form.is_valid:
            results = await paginate(db_session, select(Program).order_by(Program.name), 1)
            return page("programs/list.html", results=results, form=form, status_code=422)
        program = Program(name=name, slug=slug)
        db_session.add(program)
        await db_session.flush()
        audit.record(
            db_session,
            request,
            "program_create",
            site_level=True,
            record_type="program",
            record_id=program.id,
        )
        flash(request, "The program was created. Switch to it to add its first program admin.")
        return redirect_to(request, "/admin/programs")
