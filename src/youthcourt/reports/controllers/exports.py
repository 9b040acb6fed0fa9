"""De-identified case-level exports for evaluators, and the data dictionary that explains them.

The download is a plain GET whose query string holds program ids, dates and codes only. The
file is produced while it is sent (see :mod:`youthcourt.reports.exports`), so the export is
written to the audit trail when the last byte has gone, with the number of rows it held.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import anyio
from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Stream, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Program, Role
from youthcourt.programs.viewer import Viewer
from youthcourt.reports import exports
from youthcourt.reports.cohort import (
    Cohort,
    default_range,
    granted_programs,
    granted_scope,
    suppression_threshold,
)
from youthcourt.reports.exports import DateHandling, ExportFormat, ExportSpec, ProgramKey, Progress
from youthcourt.reports.forms import DATE_CHOICES, FORMAT_CHOICES, ExportForm, read_cohort
from youthcourt.web.forms import Form
from youthcourt.web.templating import page

AUDIT_ACTION = "cases.exported"


def blank_form(viewer: Viewer) -> Form:
    """The first view: the current program, three years of referrals, shifted dates, CSV."""
    start, end = default_range(viewer.today())
    granted = {choice.id for choice in granted_programs(viewer)}
    chosen = [str(viewer.program_id)] if viewer.program_id in granted else []
    return Form(
        values={
            "referred_from": start.isoformat(),
            "referred_to": end.isoformat(),
            "dates": DateHandling.SHIFT.value,
            "format": ExportFormat.CSV.value,
        },
        lists={"program": chosen},
    )


def export_page(viewer: Viewer, form: Form, *, status_code: int = 200) -> Template:
    return page(
        "reports/exports.html",
        form=form,
        programs=granted_programs(viewer),
        date_choices=DATE_CHOICES,
        format_choices=FORMAT_CHOICES,
        status_code=status_code,
    )


async def read_spec(db: AsyncSession, form: Form, viewer: Viewer) -> ExportSpec | None:
    """Check the form into an export, or None with the form's errors set."""
    chosen = ExportForm.read(form)
    cohort = read_cohort(form, viewer)
    if cohort is None or not form.is_valid:
        return None
    return ExportSpec(
        cohort=cohort,
        dates=DateHandling(chosen.dates),
        format=ExportFormat(chosen.file_format),
        programs=await program_keys(db, cohort),
        created_on=viewer.today(),
        suppression_threshold=await _threshold(db, cohort),
    )


async def program_keys(db: AsyncSession, cohort: Cohort) -> dict[UUID, ProgramKey]:
    rows = await db.execute(
        select(Program.id, Program.name, Program.research_key).where(Program.id.in_(cohort.program_ids))
    )
    return {pid: ProgramKey(pid, name, key) for pid, name, key in rows}


async def _threshold(db: AsyncSession, cohort: Cohort) -> int:
    with granted_scope(cohort):
        return await suppression_threshold(db, cohort)


async def audited_chunks(request: Request[Any, Any, Any], spec: ExportSpec) -> AsyncIterator[bytes]:
    """The file, then one audit entry per exported program saying how many rows went out.

    An export that stops half-way (the browser went away, the database failed) is recorded
    as a failure with the number of rows read by then.
    """
    session_maker = request.app.state.session_maker
    progress = Progress()
    try:
        async for chunk in exports.export_chunks(session_maker, spec, progress):
            yield chunk
    finally:
        with anyio.CancelScope(shield=True):
            for program_id in spec.cohort.program_ids:
                await audit.record_independently(
                    session_maker,
                    request,
                    AUDIT_ACTION,
                    outcome=audit.SUCCESS if progress.finished else audit.FAILURE,
                    record_type="case_export",
                    program_id=program_id,
                    details={**spec.details(), "rows": progress.rows},
                )


class ExportController(Controller):
    path = "/reports/exports"
    guards = [requires_role(Role.EVALUATOR)]

    @get("/", name="exports")
    async def show(self, request: Request[Any, Any, Any]) -> Template:
        return export_page(request.user, blank_form(request.user))

    @get("/download", name="exports_download")
    async def download(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Stream | Template:
        form = Form.from_data(request.query_params.dict())
        spec = await read_spec(db_session, form, request.user)
        if spec is None:
            return export_page(request.user, form, status_code=422)
        return Stream(
            audited_chunks(request, spec),
            media_type=spec.format.media_type,
            headers={"Content-Disposition": f'attachment; filename="{spec.filename}"'},
        )

    @get("/dictionary", name="exports_dictionary")
    async def dictionary(self, dates: FromQuery[str] = DateHandling.SHIFT.value) -> Template:
        handling = DateHandling(dates) if dates in DATE_CHOICES else DateHandling.SHIFT
        return page(
            "reports/exports_dictionary.html",
            rows=exports.dictionary_rows(handling),
            handling=handling,
            handlings=list(DateHandling),
        )

    @get("/dictionary.csv", name="exports_dictionary_csv")
    async def dictionary_csv(self, dates: FromQuery[str] = DateHandling.SHIFT.value) -> Response[bytes]:
        handling = DateHandling(dates) if dates in DATE_CHOICES else DateHandling.SHIFT
        return Response(
            content=exports.dictionary_csv(handling),
            media_type="text/csv",  # Litestar adds "; charset=utf-8" to text types
            headers={
                "Content-Disposition": f'attachment; filename="youthcourt-cases-dictionary-{handling.value}.csv"'
            },
        )


ROUTES: list[type[Controller]] = [ExportController]
