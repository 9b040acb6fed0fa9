"""De-identified record-level exports for evaluators, data releases, and the data dictionary.

The download is a plain GET whose query string holds program ids, dates and codes only. The
file is produced while it is sent (see :mod:`youthcourt.reports.exports`), so the export is
written to the audit trail when the last byte has gone, with the number of rows it held.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any
from uuid import UUID

import anyio
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Stream, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.database import plan_for_values
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Program, Role
from youthcourt.programs.viewer import Viewer
from youthcourt.reports import exports, releases
from youthcourt.reports.analysis import DICTIONARY as ANALYSIS_DICTIONARY
from youthcourt.reports.cohort import (
    Cohort,
    default_range,
    granted_programs,
    granted_scope,
    suppression_threshold,
)
from youthcourt.reports.controllers.recidivism import CURVE_DICTIONARY, TABLE_DICTIONARY
from youthcourt.reports.deidentify import K_ANONYMITY
from youthcourt.reports.export_forms import KIND_CHOICES, ExportKindForm, ReleaseForm
from youthcourt.reports.exports import (
    DateHandling,
    ExportFormat,
    ExportKind,
    ExportSpec,
    ProgramKey,
    Progress,
)
from youthcourt.reports.forms import DATE_CHOICES, FORMAT_CHOICES, ExportForm, read_cohort
from youthcourt.web.forms import Form, FormData
from youthcourt.web.i18n import current_language, gettext
from youthcourt.web.templating import page, redirect_to

AUDIT_ACTIONS = {
    ExportKind.CASES: ("cases.exported", "case_export"),
    ExportKind.EVENTS: ("events.exported", "event_export"),
    ExportKind.COMPARISON: ("comparison.exported", "comparison_export"),
}
"""The audit action and record type of each kind of export."""
PAGE_URL = "/reports/exports"


def blank_form(viewer: Viewer, release: str = "") -> Form:
    """The first view: the current program, three years of referrals, one row per case, shifted dates, CSV."""
    start, end = default_range(viewer.today())
    granted = {choice.id for choice in granted_programs(viewer)}
    chosen = [str(viewer.program_id)] if viewer.program_id in granted else []
    return Form(
        values={
            "referred_from": start,
            "referred_to": end,
            "kind": ExportKind.CASES.value,
            "dates": DateHandling.SHIFT.value,
            "format": ExportFormat.CSV.value,
            "release": release,
        },
        lists={"program": chosen},
    )


def shown(choices: dict[str, str]) -> dict[str, str]:
    """Choices as the page shows them, in the viewer's language."""
    return {value: gettext(label) for value, label in choices.items()}


def _granted_ids(viewer: Viewer) -> list[UUID]:
    return [choice.id for choice in granted_programs(viewer)]


async def export_page(
    db: AsyncSession,
    viewer: Viewer,
    form: Form,
    *,
    release_form: Form | None = None,
    preview: exports.ExportPreview | None = None,
    status_code: int = 200,
) -> Template:
    programs = granted_programs(viewer)
    names = {choice.id: choice.name for choice in programs}
    known = await releases.releases_of(db, names)
    return page(
        "reports/exports.html",
        form=form,
        release_form=release_form or Form(),
        programs=programs,
        program_names=names,
        releases=known,
        release_options={
            str(r.id): gettext(
                "%(name)s (%(program)s, made by %(person)s on %(day)s)",
                name=r.name,
                program=names[r.program_id],
                person=r.created_by,
                day=f"{r.created_at:%Y-%m-%d}",
            )
            for r in known
        },
        kind_choices=shown(KIND_CHOICES),
        date_choices=shown(DATE_CHOICES),
        format_choices=shown(FORMAT_CHOICES),
        k_anonymity=K_ANONYMITY,
        preview=preview,
        can_create_release=viewer.program_id in set(_granted_ids(viewer)),
        status_code=status_code,
    )


SHIFTED_MONTHS = 12
"""The shortest range of a file with shifted dates: rows are chosen by their true referral month."""


def _months(cohort: Cohort) -> int:
    start, end = cohort.referred_from, cohort.referred_to
    return (end.year - start.year) * 12 + end.month - start.month + 1


async def read_spec(db: AsyncSession, form: Form, viewer: Viewer) -> ExportSpec | None:
    """Check the form into an export, or None with the form's errors set."""
    chosen = ExportForm.read(form)
    cohort = read_cohort(form, viewer)
    known = {str(choice.id): choice for choice in await releases.releases_of(db, _granted_ids(viewer))}
    rows = ExportKindForm.read(form, options={"release": known})
    release = None
    if cohort is not None and rows.release and rows.release in known:
        release = await releases.load_release(db, known[rows.release].id, cohort.program_ids)
        if release is None:
            form.error(
                "release",
                gettext("This data release belongs to a program not chosen above: tick its program."),
            )
    shifted_cases = chosen.dates == DateHandling.SHIFT.value and rows.kind in ("", ExportKind.CASES.value)
    if cohort is not None and shifted_cases and _months(cohort) < SHIFTED_MONTHS:
        form.error(
            "referred_from",
            gettext(
                "A file with shifted dates covers at least %(months)s months of referrals: over a shorter "
                "range, the range itself tells roughly when each youth was referred, and so how far their dates "
                "were moved.",
                months=SHIFTED_MONTHS,
            ),
        )
    if cohort is None or not form.is_valid:
        return None
    return ExportSpec(
        cohort=cohort,
        dates=DateHandling(chosen.dates),
        format=ExportFormat(chosen.file_format),
        programs=await program_keys(db, cohort),
        created_on=viewer.today(),
        suppression_threshold=await _threshold(db, cohort),
        kind=ExportKind(rows.kind or ExportKind.CASES),
        release=release,
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
    action, record_type = AUDIT_ACTIONS[spec.kind]
    try:
        async for chunk in exports.export_chunks(session_maker, spec, progress):
            yield chunk
    finally:
        details: dict[str, Any] = {**spec.details(), "rows": progress.rows}
        if progress.suppressed is not None:
            details["k_anonymity"] = {
                "k": K_ANONYMITY,
                "generalized": progress.generalized or [],
                "suppressed": progress.suppressed,
            }
        with anyio.CancelScope(shield=True):
            for program_id in spec.cohort.program_ids:
                await audit.record_independently(
                    session_maker,
                    request,
                    action,
                    outcome=audit.SUCCESS if progress.finished else audit.FAILURE,
                    record_type=record_type,
                    program_id=program_id,
                    details=details,
                )


def _shown_rows(columns: Sequence[tuple[str, str, str]]) -> list[tuple[str, str, str, str]]:
    """A report file's columns for the dictionary page: each type and meaning in the reader's language
    (the names stay as the file writes them)."""
    return [(name, gettext(kind), gettext(meaning), "") for name, kind, meaning in columns]


def _dictionary_choice(dates: str, kind: str) -> tuple[DateHandling, ExportKind]:
    handling = DateHandling(dates) if dates in DATE_CHOICES else DateHandling.SHIFT
    return handling, ExportKind(kind) if kind in KIND_CHOICES else ExportKind.CASES


class ExportController(Controller):
    path = PAGE_URL
    guards = [requires_role(Role.EVALUATOR)]
    before_request = plan_for_values

    @get("/", name="exports")
    async def show(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        release: FromQuery[str] = "",
    ) -> Template:
        return await export_page(db_session, request.user, blank_form(request.user, release[:64]))

    @get("/download", name="exports_download")
    async def download(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Stream | Template:
        form = Form.from_data(request.query_params.dict())
        spec = await read_spec(db_session, form, request.user)
        if spec is None:
            return await export_page(db_session, request.user, form, status_code=422)
        return Stream(
            audited_chunks(request, spec),
            media_type=spec.format.media_type,
            headers={"Content-Disposition": f'attachment; filename="{spec.filename}"'},
        )

    @get("/preview")
    async def preview_export(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Template:
        """What the file's de-identification would do, for every kind of file, before it is downloaded."""
        form = Form.from_data(request.query_params.dict())
        spec = await read_spec(db_session, form, request.user)
        if spec is None:
            return await export_page(db_session, request.user, form, status_code=422)
        preview = await exports.preview_export(db_session, spec)
        _, record_type = AUDIT_ACTIONS[spec.kind]
        audit.record(db_session, request, "export.previewed", record_type=record_type, details=spec.details())
        return await export_page(db_session, request.user, form, preview=preview)

    @post("/releases")
    async def create_release(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        data: FormData,
    ) -> Any:
        """A new named data release in the program the evaluator works in; its files share pseudonyms."""
        form = Form.from_data(data)
        named = ReleaseForm.read(form)
        viewer: Viewer = request.user
        if viewer.program_id not in set(_granted_ids(viewer)):
            form.error(
                "release_name", gettext("Switch to a program you report on to create a data release there.")
            )
        release = None
        if form.is_valid:
            release = await releases.create_release(db_session, actor, viewer.program_id, named.release_name)
            if release is None:
                form.error("release_name", gettext(releases.NAME_TAKEN))
        if release is None:
            return await export_page(
                db_session, viewer, blank_form(viewer), release_form=form, status_code=422
            )
        return redirect_to(request, f"{PAGE_URL}?release={release.id}")

    @get("/dictionary", name="exports_dictionary")
    async def dictionary(self, dates: FromQuery[str] = DateHandling.SHIFT.value) -> Template:
        handling, _ = _dictionary_choice(dates, ExportKind.CASES.value)
        language = current_language()
        return page(
            "reports/exports_dictionary.html",
            kinds=[(kind, exports.dictionary_rows(handling, kind, language=language)) for kind in ExportKind],
            handling=handling,
            handlings=list(DateHandling),
            k_anonymity=K_ANONYMITY,
            analysis_rows=_shown_rows(ANALYSIS_DICTIONARY),
            table_rows=_shown_rows(TABLE_DICTIONARY),
            curve_rows=_shown_rows(CURVE_DICTIONARY),
        )

    @get("/dictionary.csv", name="exports_dictionary_csv")
    async def dictionary_csv(
        self, dates: FromQuery[str] = DateHandling.SHIFT.value, kind: FromQuery[str] = ExportKind.CASES.value
    ) -> Response[bytes]:
        handling, chosen = _dictionary_choice(dates, kind)
        return Response(
            content=exports.dictionary_csv(handling, chosen),
            media_type="text/csv",  # Litestar adds "; charset=utf-8" to text types
            headers={
                "Content-Disposition": (
                    f'attachment; filename="youthcourt-{chosen.value}-dictionary-{handling.value}.csv"'
                )
            },
        )


ROUTES: list[type[Controller]] = [ExportController]
