"""Comparison groups: evaluators import de-identified records of youth processed elsewhere, and delete them."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts.models import Membership, User, member_name
from youthcourt.audit.service import Actor
from youthcourt.database import plan_for_values
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.reports import comparison
from youthcourt.reports.comparison import Problems
from youthcourt.reports.models import ComparisonImport
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form
from youthcourt.web.i18n import gettext, ngettext
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.templating import page, redirect_to

MultipartData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
LIST_URL = "/reports/comparison"
EXAMPLE_NAME = "comparison-groups-example.csv"


async def _close_uploads(data: dict[str, Any] | None) -> None:
    for value in (data or {}).values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, UploadFile):
                await item.close()


class ComparisonController(Controller):
    path = LIST_URL
    guards = [requires_role(Role.EVALUATOR)]
    before_request = plan_for_values

    @get("/")
    async def comparison_page(
        self, db_session: NamedDependency[AsyncSession], page_no: PageNumber = "1"
    ) -> Template:
        return await self._page(db_session, page_number(page_no))

    @get("/example.csv", name="comparison_example")
    async def example(self) -> Response[str]:
        return Response(
            content=comparison.example_csv(),
            media_type="text/csv",  # Litestar adds "; charset=utf-8" to text types
            headers={"Content-Disposition": f'attachment; filename="{EXAMPLE_NAME}"'},
        )

    @post("/", request_max_body_size=comparison.MAX_REQUEST_BYTES)
    async def upload_comparison(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        data: MultipartData,
    ) -> Any:
        file = (data or {}).get("file")
        file = file[-1] if isinstance(file, list) and file else file
        try:
            upload = await comparison.import_upload(
                db_session, actor, file if isinstance(file, UploadFile) else None
            )
        finally:
            await _close_uploads(data)
        if upload.rejected:
            form = Form()
            form.error("file", upload.rejected)
            return await self._page(db_session, 1, form=form, status_code=422)
        if upload.imported is None:
            return await self._refused(db_session, upload.problems, upload.file_name)
        records = ngettext("%(num)s record", "%(num)s records", upload.imported.row_count)
        flash(
            request,
            ngettext(
                "Imported %(records)s in group %(groups)s.",
                "Imported %(records)s in groups %(groups)s.",
                upload.groups,
                records=records,
                groups=upload.imported.group_labels,
            ),
        )
        return redirect_to(request, LIST_URL)

    @post("/{import_id:uuid}/delete")
    async def delete_comparison(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        import_id: FromPath[UUID],
    ) -> Any:
        imported = await db_session.scalar(select(ComparisonImport).where(ComparisonImport.id == import_id))
        if imported is None:
            raise NotFoundException()
        await comparison.delete_import(db_session, actor, imported)
        flash(
            request,
            gettext(
                "The import of %(file)s was deleted with its %(records)s (%(groups)s).",
                file=imported.file_name,
                records=ngettext("%(num)s record", "%(num)s records", imported.row_count),
                groups=imported.group_labels,
            ),
        )
        return redirect_to(request, LIST_URL)

    async def _refused(self, db: AsyncSession, problems: Problems | None, file_name: str) -> Template:
        return await self._page(db, 1, problems=problems, file_name=file_name, status_code=422)

    async def _page(
        self,
        db: AsyncSession,
        number: int,
        *,
        form: Form | None = None,
        problems: Problems | None = None,
        file_name: str = "",
        status_code: int = 200,
    ) -> Template:
        imports = await paginate(
            db,
            select(ComparisonImport, member_name())
            .outerjoin(Membership, Membership.user_id == ComparisonImport.uploaded_by_id)
            .outerjoin(User, User.id == Membership.user_id)
            .order_by(ComparisonImport.created_at.desc(), ComparisonImport.id),
            number,
        )
        return page(
            "reports/comparison.html",
            imports=imports,
            form=form or Form(),
            problems=problems,
            file_name=file_name,
            columns=comparison.COLUMNS,
            max_mb=comparison.MAX_BYTES // (1024 * 1024),
            max_rows=comparison.MAX_ROWS,
            status_code=status_code,
        )


ROUTES: list[type[Controller]] = [ComparisonController]
