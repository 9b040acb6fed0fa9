"""Program admins read, filter and export their program's audit trail.

Site administrators also see the site-level entries (sign-ins with an unknown email, purges):
the program scope decides, here as everywhere.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Stream, Template
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from youthcourt.audit import service as audit
from youthcourt.audit.forms import OUTCOMES, TrailFilterForm
from youthcourt.audit.models import AuditEntry
from youthcourt.audit.records import name_records
from youthcourt.database import plan_each_run, plan_for_values
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.programs.viewer import Viewer
from youthcourt.web.downloads import csv_stream
from youthcourt.web.forms import Form, FormData
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.search import LIKE_ESCAPE, ListSearch, like_pattern, posted_page, shown_address
from youthcourt.web.templating import page, wants_part

FILTERS = ("action", "outcome", "actor", "record_type", "record_id", "start", "end")
PERSONAL_FILTERS = ("actor",)
"""The "who" filter is a staff member's name: it is only read from a POST body (see web/search.py)."""
EXPORT_COLUMNS = (
    "occurred_at_utc",
    "program_id",
    "actor_id",
    "actor_name",
    "action",
    "outcome",
    "record_type",
    "record_id",
    "ip_address",
    "user_agent",
    "details",
)


def audit_query(form: Form) -> Select[tuple[AuditEntry]]:
    """Entries matching the filter form, newest first; the program scope limits them to the program."""
    query = select(AuditEntry).order_by(AuditEntry.occurred_at.desc(), AuditEntry.id)
    filters = TrailFilterForm.read(form)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.outcome:
        query = query.where(AuditEntry.outcome == filters.outcome)
    if actor := filters.actor[:100]:
        query = query.where(func.lower(AuditEntry.actor_name).like(like_pattern(actor), escape=LIKE_ESCAPE))
    if filters.record_type:
        query = query.where(AuditEntry.record_type == filters.record_type)
    if filters.record_id:
        query = query.where(AuditEntry.record_id == filters.record_id)
    start, end = filters.start, filters.end
    if start:
        query = query.where(
            AuditEntry.occurred_at >= datetime.datetime.combine(start, datetime.time(), datetime.UTC)
        )
    if end and end < datetime.date.max:  # the last day of the calendar has no next day to stop before
        next_day = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), datetime.UTC)
        query = query.where(AuditEntry.occurred_at < next_day)
    return query


def export_row(entry: AuditEntry) -> Sequence[str]:
    return (
        entry.occurred_at.astimezone(datetime.UTC).isoformat(),
        str(entry.program_id or ""),
        str(entry.actor_id or ""),
        entry.actor_name,
        entry.action,
        entry.outcome,
        entry.record_type or "",
        entry.record_id or "",
        entry.ip_address or "",
        entry.user_agent or "",
        json.dumps(entry.details, sort_keys=True) if entry.details else "",
    )


async def export_rows(
    session_maker: async_sessionmaker[AsyncSession], scope: ProgramScope, query: Select[tuple[AuditEntry]]
) -> AsyncIterator[Sequence[str]]:
    """The header, then every matching entry, read in batches in a session of the export's own.

    The request's session is committed (with the entry recording the export) before the first
    byte goes out, so the rows are read in a new session, limited to the same programs.
    """
    yield EXPORT_COLUMNS
    with program_scope(scope):
        async with session_maker() as db:
            await plan_each_run(db)
            async for entry in await db.stream_scalars(query.execution_options(yield_per=500)):
                yield export_row(entry)


def export_details(form: Form) -> dict[str, str]:
    """The filters used, for the trail; the "who" filter is a person's name, so only its use is noted."""
    filters = TrailFilterForm.read(form).values()
    details = {name: str(value) for name, value in filters.items() if name != "actor" and value}
    if filters["actor"]:
        details["actor"] = "filtered"
    return details


class AuditController(Controller):
    path = "/audit"
    guards = [requires_role(Role.PROGRAM_ADMIN)]
    before_request = plan_for_values

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        page_no: PageNumber = "1",
    ) -> Template:
        search = ListSearch.read(request, "/audit", FILTERS, personal=PERSONAL_FILTERS)
        return await self._list(request, db_session, search, page_number(page_no))

    @post("/search", status_code=200)
    async def search(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], data: FormData
    ) -> Template:
        """The trail filtered by who: a staff member's name comes in the body, out of addresses and logs."""
        search = ListSearch.read(request, "/audit", FILTERS, data, personal=PERSONAL_FILTERS)
        listed = await self._list(request, db_session, search, posted_page(data))
        return shown_address(listed, request, search)

    async def _list(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, search: ListSearch, number: int
    ) -> Template:
        form = search.form()
        query = audit_query(form)
        if not form.is_valid:
            return await self._invalid(db_session, form, search)
        results = await paginate(db_session, query, number)
        template = "audit/_rows.html" if wants_part(request, "audit-rows") else "audit/list.html"
        return page(
            template,
            form=form,
            results=results,
            names=await name_records(db_session, results.items, request.user),
            actions=await self._actions(db_session),
            outcomes=OUTCOMES,
            search=search,
        )

    @get("/export")
    async def export(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Stream | Template:
        """The filtered trail as CSV, every matching entry (no pages); the export is itself on the trail."""
        search = ListSearch.read(request, "/audit", FILTERS, personal=PERSONAL_FILTERS)
        return await self._export(request, db_session, search)

    @post("/export", status_code=200)
    async def export_searched(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], data: FormData
    ) -> Stream | Template:
        """The same export filtered by who: the name comes in the body."""
        search = ListSearch.read(request, "/audit", FILTERS, data, personal=PERSONAL_FILTERS)
        return await self._export(request, db_session, search)

    async def _export(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, search: ListSearch
    ) -> Stream | Template:
        form = search.form()
        query = audit_query(form)
        if not form.is_valid:
            return await self._invalid(db_session, form, search)
        viewer: Viewer = request.user
        audit.record(
            db_session, request, "audit_export", record_type="audit_entry", details=export_details(form)
        )
        name = f"audit-trail-{viewer.today().isoformat()}.csv"
        return csv_stream(export_rows(request.app.state.session_maker, viewer.scope, query), name)

    async def _invalid(self, db_session: AsyncSession, form: Form, search: ListSearch) -> Template:
        return page(
            "audit/list.html",
            form=form,
            results=None,
            actions=await self._actions(db_session),
            outcomes=OUTCOMES,
            search=search,
            status_code=422,
        )

    @staticmethod
    async def _actions(db_session: AsyncSession) -> Sequence[str]:
        return (
            await db_session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
        ).all()
