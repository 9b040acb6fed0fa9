"""Program admins read and filter their program's audit trail."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit.models import AuditEntry
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.web.forms import Form
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.templating import page

OUTCOMES = ("success", "failure", "denied")


def audit_query(form: Form) -> Select[tuple[AuditEntry]]:
    """Entries matching the filter form, newest first; the program scope limits them to the program."""
    query = select(AuditEntry).order_by(AuditEntry.occurred_at.desc(), AuditEntry.id)
    if action := form.get("action").strip():
        query = query.where(AuditEntry.action == action)
    if (outcome := form.get("outcome")) in OUTCOMES:
        query = query.where(AuditEntry.outcome == outcome)
    if actor := form.get("actor").strip()[:100]:
        query = query.where(func.lower(AuditEntry.actor_name).like(f"%{actor.lower()}%"))
    if record_type := form.get("record_type").strip():
        query = query.where(AuditEntry.record_type == record_type)
    if record_id := form.get("record_id").strip():
        query = query.where(AuditEntry.record_id == record_id)
    start = form.date("start", "the first day", required=False)
    end = form.date("end", "the last day", required=False)
    if start and end and end < start:
        form.error("end", "The last day must be on or after the first day.")
    if start:
        query = query.where(
            AuditEntry.occurred_at >= datetime.datetime.combine(start, datetime.time(), datetime.UTC)
        )
    if end:
        next_day = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), datetime.UTC)
        query = query.where(AuditEntry.occurred_at < next_day)
    return query


class AuditController(Controller):
    path = "/audit"
    guards = [requires_role(Role.PROGRAM_ADMIN)]

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        page_no: PageNumber = "1",
    ) -> Template:
        form = Form.from_data(dict(request.query_params))
        query = audit_query(form)
        actions = (
            await db_session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
        ).all()
        if not form.is_valid:
            return page(
                "audit/list.html",
                form=form,
                results=None,
                actions=actions,
                outcomes=OUTCOMES,
                filters="",
                status_code=422,
            )
        results = await paginate(db_session, query, page_number(page_no))
        template = (
            "audit/_rows.html" if request.htmx and request.htmx.target == "audit-rows" else "audit/list.html"
        )
        filters = urlencode({k: v for k, v in form.values.items() if k != "page" and v})
        return page(template, form=form, results=results, actions=actions, outcomes=OUTCOMES, filters=filters)
