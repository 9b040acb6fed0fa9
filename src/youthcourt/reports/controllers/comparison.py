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
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts.models import Membership, User, member_name
from youthcourt.audit import service as audit
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.referrals.uploads import clean_title
from youthcourt.reports import comparison
from youthcourt.reports.comparison import Problem, Problems
from youthcourt.reports.models import ComparisonImport
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.templating import page, redirect_to

MultipartData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
LIST_URL = "/reports/comparison"
EXAMPLE_NAME = "comparison-groups-example.csv"
RACE_LOST = "Another import of the same group was saved a moment ago; nothing from this file was imported."


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


async def _close_uploads(data: dict[str, Any] | None) -> None:
    for value in (data or {}).values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, UploadFile):
                await item.close()


class ComparisonController(Controller):
    path = LIST_URL
    guards = [requires_role(Role.EVALUATOR)]

    @get("/")
    async def index(self, db_session: NamedDependency[AsyncSession], page_no: PageNumber = "1") -> Template:
        return await self._page(db_session, page_number(page_no))

    @get("/example.csv", name="comparison_example")
    async def example(self) -> Response[str]:
        return Response(
            content=comparison.example_csv(),
            media_type="text/csv",  # Litestar adds "; charset=utf-8" to text types
            headers={"Content-Disposition": f'attachment; filename="{EXAMPLE_NAME}"'},
        )

    @post("/", request_max_body_size=comparison.MAX_REQUEST_BYTES)
    async def upload(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], data: MultipartData
    ) -> Any:
        form = Form()
        file = (data or {}).get("file")
        file = file[-1] if isinstance(file, list) and file else file
        file_name = ""
        raw = b""
        try:
            if isinstance(file, UploadFile):
                file_name = clean_title(file.filename or "")
                raw = await comparison.read_upload(file)
            text = comparison.decode(raw)
        except comparison.FileRejected as rejected:
            form.error("file", str(rejected) if raw or file_name else "Choose a CSV file to import.")
            return await self._page(db_session, 1, form=form, status_code=422)
        finally:
            await _close_uploads(data)
        checked = comparison.check(text, request.user.today())
        for problem in await comparison.already_imported(db_session, checked.labels):
            checked.problems.add(problem)
        if not checked.is_valid:
            return await self._refused(db_session, checked.problems, file_name)
        try:
            imported = await comparison.save(
                db_session,
                checked,
                program_id=request.user.program_id,
                uploaded_by_id=request.user.user_id,
                file_name=file_name or "comparison.csv",
            )
        except IntegrityError:
            await db_session.rollback()
            problems = Problems()
            problems.add(Problem(RACE_LOST))
            return await self._refused(db_session, problems, file_name)
        audit.record(
            db_session,
            request,
            "comparison_import",
            record_type="comparison_import",
            record_id=imported.id,
            details=self._details(imported),
        )
        flash(
            request,
            f"Imported {_plural(imported.row_count, 'record')} in "
            f"{'group' if len(checked.labels) == 1 else 'groups'} {imported.group_labels}.",
        )
        return redirect_to(request, LIST_URL)

    @post("/{import_id:uuid}/delete")
    async def delete(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        import_id: FromPath[UUID],
    ) -> Any:
        imported = await db_session.scalar(select(ComparisonImport).where(ComparisonImport.id == import_id))
        if imported is None:
            raise NotFoundException()
        details = self._details(imported)
        await comparison.delete_import(db_session, imported)
        audit.record(
            db_session,
            request,
            "comparison_import_delete",
            record_type="comparison_import",
            record_id=import_id,
            details=details,
        )
        flash(
            request,
            f"The import of {imported.file_name} was deleted with its "
            f"{_plural(imported.row_count, 'record')} ({imported.group_labels}).",
        )
        return redirect_to(request, LIST_URL)

    @staticmethod
    def _details(imported: ComparisonImport) -> dict[str, Any]:
        """What the audit trail keeps of an import: never its rows."""
        return {
            "file_name": imported.file_name,
            "row_count": imported.row_count,
            "group_labels": imported.group_labels.split(comparison.LABEL_SEPARATOR),
        }

    async def _refused(self, db: AsyncSession, problems: Problems, file_name: str) -> Template:
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
