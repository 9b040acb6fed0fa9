"""The API keys page of the reference data: a program admin issues a key per source agency, sees
it once, sees when each key was last used, and revokes keys."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts.services import member_names
from youthcourt.audit.service import Actor
from youthcourt.partners import keys
from youthcourt.partners.docs import SCHEMA_PATH
from youthcourt.partners.forms import IssueKeyForm
from youthcourt.partners.models import ApiKey
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.reference.defaults import ensure_defaults
from youthcourt.reference.models import ReferralSource
from youthcourt.reference.services import active_sources
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData
from youthcourt.web.i18n import _
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.templating import page, redirect_to


class ApiKeyController(Controller):
    path = "/reference/api-keys"
    guards = [requires_role(Role.PROGRAM_ADMIN)]

    @get("/")
    async def api_keys(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        page_no: PageNumber = "1",
    ) -> Template:
        return await self._page(request, db_session, Form(), page_number(page_no))

    async def _page(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        form: Form,
        number: int,
        status_code: int = 200,
    ) -> Template:
        await ensure_defaults(db, request.user.program_id)
        results = await paginate(db, keys.listing(), number)
        people = {k.created_by_id for k in results.items} | {k.revoked_by_id for k in results.items}
        names = await member_names(db, people - {None})
        sources = {str(s.id): s.name for s in await active_sources(db)}
        return page(
            "partners/keys.html",
            results=results,
            names=names,
            sources=sources,
            form=form,
            docs_url=SCHEMA_PATH,
            section="api_keys",
            status_code=status_code,
        )

    @post("/")
    async def issue_api_key(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        db_session: NamedDependency[AsyncSession],
        data: FormData,
    ) -> Template:
        """The key is in this answer and nowhere else: a redirect would have to carry it."""
        form = Form.from_data(data)
        sources = {str(s.id): s for s in await active_sources(db_session)}
        issued = IssueKeyForm.read(form, options={"source_id": sources})
        if not form.is_valid:
            return await self._page(request, db_session, form, 1, status_code=422)
        key, text = await keys.issue(db_session, actor, sources[issued.source_id], issued.label)
        return page(
            "partners/key_issued.html",
            key=key,
            source=sources[issued.source_id],
            text=text,
            docs_url=SCHEMA_PATH,
        )

    @post("/{key_id:uuid}/revoke")
    async def revoke_api_key(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        db_session: NamedDependency[AsyncSession],
        key_id: FromPath[UUID],
    ) -> Any:
        key = await db_session.scalar(select(ApiKey).where(ApiKey.id == key_id))
        if key is None:
            raise NotFoundException()
        source_name = await db_session.scalar(
            select(ReferralSource.name).where(ReferralSource.id == key.source_id)
        )
        if keys.revoke(db_session, actor, key):
            flash(
                request,
                _(
                    "The key %(prefix)s… of %(agency)s was revoked. Calls with it are now refused.",
                    prefix=key.prefix,
                    agency=source_name,
                ),
            )
        else:
            flash(request, _("That key was already revoked."), "info")
        return redirect_to(request, "/reference/api-keys")


ROUTES: list[type[Controller]] = [ApiKeyController]
