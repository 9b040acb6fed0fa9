"""The jury pool in figures: active jurors, attendance, hours by month, and former respondents on juries."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.jurors import reports
from youthcourt.jurors.records import SOURCE_CHOICES, format_rate
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.web.i18n import current_locale, format_plain_number
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.templating import page


def month_name(month: datetime.date) -> str:
    """A month as the active language abbreviates it: "Mar 2026", "mar 2026"."""
    return format_date(month, "MMM y", locale=current_locale())


class JurorReportsController(Controller):
    path = "/jurors/reports"
    guards = [requires_role(Role.COORDINATOR)]

    @get("/", name="juror_reports")
    async def index(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        page_no: PageNumber = "1",
    ) -> Template:
        today = request.user.today()
        months = await reports.hours_by_month(db_session, today)
        nights = await paginate(db_session, reports.night_shares(today), page_number(page_no))
        # The page names jurors (the attendance list), so opening it is on the audit trail.
        audit.record(db_session, request, "juror_report_view", record_type="juror_report")
        return page(
            "jurors/reports/index.html",
            statuses=await reports.status_counts(db_session),
            active_by_source=await reports.active_by_source(db_session),
            overall=await reports.overall_attendance(db_session),
            top=await reports.top_attendance(db_session),
            months=months,
            most_hours=max((m.hours for m in months), default=0),
            total_hours=sum((m.hours for m in months), Decimal(0)),
            nights=nights,
            sources=SOURCE_CHOICES,
            number=format_plain_number,
            rate=format_rate,
            month_name=month_name,
        )


ROUTES: list[type[Controller]] = [JurorReportsController]
