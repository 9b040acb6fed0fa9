"""Import pages, for program admins: upload, map the columns, preview every problem, import all or none.

Each step has its own address, so the admin can leave and come back: the upload is staged as an
import (its rows, never the file), the mapping and the preview read it, and the import or a
discard empties it. Every address naming an import or a mapping loads it through the program
scope, so another program's is a 404.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts.models import Membership, User, member_name
from youthcourt.audit.service import Actor
from youthcourt.cases.models import ImportKind, ImportStatus, RecordImport
from youthcourt.imports import services
from youthcourt.imports.checking import Preview, check_import
from youthcourt.imports.columns import COLUMNS
from youthcourt.imports.forms import MappingForm, UploadForm
from youthcourt.imports.models import ImportMapping
from youthcourt.imports.reading import MAX_BYTES, MAX_REQUEST_BYTES, MAX_ROWS, read_sheet, read_upload
from youthcourt.imports.sample_files import sample_csv
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.programs.viewer import Viewer
from youthcourt.reports.comparison import FileRejected
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form
from youthcourt.web.i18n import N_, _, ngettext
from youthcourt.web.pagination import Page, PageNumber, page_number, paginate, paginate_list
from youthcourt.web.templating import page, redirect_to

MultipartData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
ALREADY_DONE = N_("This import was already imported or discarded; nothing was done again.")


async def provide_record_import(
    record_import_id: FromPath[UUID], db_session: NamedDependency[AsyncSession]
) -> RecordImport:
    """The import named in the path, through the program scope: another program's is a 404."""
    record = await db_session.scalar(select(RecordImport).where(RecordImport.id == record_import_id))
    if record is None:
        raise NotFoundException()
    return record


IMPORT_IN_PATH = {"record_import": Provide(provide_record_import)}


async def _close_uploads(data: dict[str, Any] | None) -> None:
    for value in (data or {}).values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, UploadFile):
                await item.close()


class ImportController(Controller):
    path = "/imports"
    guards = [requires_role(Role.PROGRAM_ADMIN)]
    dependencies = IMPORT_IN_PATH

    @get("/")
    async def index(self, db_session: NamedDependency[AsyncSession], page_no: PageNumber = "1") -> Template:
        return await _index(db_session, page_number(page_no), UploadForm.read({"kind": "cases"}).form)

    @post("/", request_max_body_size=MAX_REQUEST_BYTES)
    async def upload(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        data: MultipartData,
    ) -> Any:
        file = (data or {}).get("file")
        file = file[-1] if isinstance(file, list) and file else file
        form = UploadForm.read({key: value for key, value in (data or {}).items() if key != "file"})
        try:
            if not isinstance(file, UploadFile) or not file.filename:
                form.form.error("file", _("Choose a CSV or XLSX file to import."))
            if not form.is_valid:
                return await _index(db_session, 1, form.form, status_code=422)
            try:
                sheet = read_sheet(await read_upload(file))
            except FileRejected as rejected:
                form.form.error("file", str(rejected))
                return await _index(db_session, 1, form.form, status_code=422)
        finally:
            await _close_uploads(data)
        record = await services.stage(db_session, actor, ImportKind(form.kind), file.filename[:200], sheet)
        return redirect_to(request, request.app.route_reverse("imports.mapping", record_import_id=record.id))

    @get("/samples/cases.csv")
    async def sample_cases(self) -> Response[str]:
        return _sample(ImportKind.CASES)

    @get("/samples/jurors.csv")
    async def sample_jurors(self) -> Response[str]:
        return _sample(ImportKind.JURORS)

    @get("/{record_import_id:uuid}")
    async def show(
        self, db_session: NamedDependency[AsyncSession], record_import: NamedDependency[RecordImport]
    ) -> Template:
        people = await _names(db_session, record_import.uploaded_by_id, record_import.imported_by_id)
        return page("imports/show.html", record=record_import, people=people)

    @get("/{record_import_id:uuid}/mapping")
    async def mapping(
        self, request: Request[Any, Any, Any], record_import: NamedDependency[RecordImport]
    ) -> Template | Any:
        if record_import.status is not ImportStatus.STAGED:
            return _to_show(request, record_import)
        return _mapping_page(record_import, MappingForm.values_of(record_import))

    @post("/{record_import_id:uuid}/mapping")
    async def save_mapping(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        record_import: NamedDependency[RecordImport],
        data: FormData,
    ) -> Any:
        if record_import.status is not ImportStatus.STAGED:
            flash(request, _(ALREADY_DONE), "info")
            return _to_show(request, record_import)
        form = Form.from_data(data)
        mapping = MappingForm.read_mapping(form, record_import)
        if not form.is_valid:
            return _mapping_page(record_import, form, status_code=422)
        await services.save_mapping(db_session, actor, record_import, mapping)
        return redirect_to(
            request, request.app.route_reverse("imports.preview", record_import_id=record_import.id)
        )

    @get("/{record_import_id:uuid}/preview")
    async def preview(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        record_import: NamedDependency[RecordImport],
        page_no: PageNumber = "1",
    ) -> Any:
        if record_import.status is not ImportStatus.STAGED:
            return redirect_to(
                request, request.app.route_reverse("imports.show", record_import_id=record_import.id)
            )
        viewer: Viewer = request.user
        checked = await check_import(db_session, record_import, viewer.today())
        return _preview_page(record_import, checked, page_number(page_no))

    @post("/{record_import_id:uuid}/run")
    async def run(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        record_import: NamedDependency[RecordImport],
    ) -> Any:
        viewer: Viewer = request.user
        show = request.app.route_reverse("imports.show", record_import_id=record_import.id)
        try:
            outcome = await services.run(db_session, actor, record_import, viewer.today())
        except services.AlreadyDone:
            flash(request, _(ALREADY_DONE), "info")
            return redirect_to(request, show)
        if isinstance(outcome, Preview):
            return _preview_page(record_import, outcome, 1, refused=True, status_code=422)
        flash(request, _imported(record_import, outcome.count))
        return redirect_to(request, show)

    @post("/{record_import_id:uuid}/discard")
    async def discard(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        record_import: NamedDependency[RecordImport],
    ) -> Any:
        try:
            await services.discard(db_session, actor, record_import)
            flash(
                request,
                _(
                    "%(file)s was discarded: its rows were deleted, nothing was imported.",
                    file=record_import.file_name,
                ),
            )
        except services.AlreadyDone:
            flash(request, _(ALREADY_DONE), "info")
        return redirect_to(request, request.app.route_reverse("imports.index"))

    @post("/mappings/{mapping_id:uuid}/forget")
    async def forget_mapping(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        mapping_id: FromPath[UUID],
    ) -> Any:
        mapping = await db_session.scalar(select(ImportMapping).where(ImportMapping.id == mapping_id))
        if mapping is None:
            raise NotFoundException()
        await services.forget_mapping(db_session, actor, mapping)
        flash(
            request,
            _("The saved mapping for past cases was forgotten.")
            if mapping.kind is ImportKind.CASES
            else _("The saved mapping for jurors was forgotten."),
        )
        return redirect_to(request, request.app.route_reverse("imports.index"))


def _imported(record: RecordImport, count: int) -> str:
    shown = f"{count:,}"
    if record.kind is ImportKind.CASES:
        return ngettext(
            "Imported %(shown)s case from %(file)s.",
            "Imported %(shown)s cases from %(file)s.",
            count,
            shown=shown,
            file=record.file_name,
        )
    return ngettext(
        "Imported %(shown)s juror from %(file)s.",
        "Imported %(shown)s jurors from %(file)s.",
        count,
        shown=shown,
        file=record.file_name,
    )


def _sample(kind: ImportKind) -> Response[str]:
    return Response(
        content=sample_csv(kind),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="youthcourt-{kind.value}-sample.csv"'},
    )


def _to_show(request: Request[Any, Any, Any], record: RecordImport) -> Any:
    """An imported or discarded import has no rows left to map or preview: its own page says what became of it."""
    return redirect_to(request, request.app.route_reverse("imports.show", record_import_id=record.id))


async def _index(db: AsyncSession, number: int, form: Form, *, status_code: int = 200) -> Template:
    imports = await paginate(
        db,
        select(RecordImport, member_name())
        .outerjoin(Membership, Membership.user_id == RecordImport.uploaded_by_id)
        .outerjoin(User, User.id == Membership.user_id)
        .order_by(RecordImport.created_at.desc(), RecordImport.id),
        number,
    )
    mappings = (await db.scalars(select(ImportMapping).order_by(ImportMapping.kind))).all()
    return page(
        "imports/index.html",
        form=form,
        imports=imports,
        mappings=mappings,
        kinds=ImportKind,
        columns=COLUMNS,
        max_mb=MAX_BYTES // (1024 * 1024),
        max_rows=MAX_ROWS,
        status_code=status_code,
    )


async def _names(db: AsyncSession, *user_ids: UUID | None) -> dict[UUID, str]:
    ids = [user_id for user_id in user_ids if user_id]
    if not ids:
        return {}
    rows = await db.execute(
        select(Membership.user_id, member_name())
        .join(User, User.id == Membership.user_id)
        .where(Membership.user_id.in_(ids))
    )
    return dict(rows.tuples().all())


def _mapping_page(record: RecordImport, form: Form, *, status_code: int = 200) -> Template:
    return page(
        "imports/mapping.html",
        record=record,
        form=form,
        columns=COLUMNS[record.kind],
        status_code=status_code,
    )


def _preview_page(
    record: RecordImport, checked: Preview, number: int, *, refused: bool = False, status_code: int = 200
) -> Template:
    problems: Page[Any] = paginate_list(checked.reports, number)
    return page(
        "imports/preview.html",
        record=record,
        checked=checked,
        problems=problems,
        refused=refused,
        status_code=status_code,
    )


ROUTES: list[type[Controller]] = [ImportController]
