"""Sealing pages: seal and unseal a case, open a sealed case with a reason, expunge, the sealed list.

Who may do what:

- seal a closed case: coordinators and program admins;
- open a sealed case (give a reason): coordinators and program admins; the reason opens the case
  for :data:`~youthcourt.referrals.sealed.GRANT_MINUTES` minutes to the user who gave it;
- unseal, expunge, and the "Sealed cases" list: program admins.

Any page that loads a record of a sealed case (the case, its referral and documents, its
sanctions, hearings and follow-up checks) shows "This case is sealed" instead, unless the user has
a current grant: the loader of each kind of record checks it (``referrals/sealed.py``) and raises
:class:`~youthcourt.referrals.sealed.CaseSealed`, which :func:`sealed_case_page` answers, whatever
the page's address. The pages here load the case without that check: they are how one gets in or
out. Lists that name people leave sealed cases out (or, where a sealed case must stay for the
statistics, show it without a name).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.cases.models import Case
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.programs.viewer import Viewer
from youthcourt.referrals import document_store
from youthcourt.referrals.sealed import GRANT_MINUTES, OPENED, CaseSealed, SealedCover
from youthcourt.sealing import services
from youthcourt.sealing.forms import ExpungeForm, OpenForm, SealForm, UnsealForm
from youthcourt.sealing.services import SealingRefused
from youthcourt.web.errors import local_path
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData
from youthcourt.web.headers import security_headers
from youthcourt.web.i18n import _
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.templating import page, redirect_to

STAFF = [requires_role(Role.COORDINATOR, Role.PROGRAM_ADMIN)]
ADMINS = [requires_role(Role.PROGRAM_ADMIN)]


# ---------------------------------------------------------------------------------------------
# The gate's answer


def sealed_case_page(request: Request[Any, Any, Any], sealed: CaseSealed) -> Response[Any]:
    """What any page of a sealed case shows without a grant: its cover and the reason form.

    A GET is answered 200 (the page is there, only closed); anything else is refused with 403.
    Raised from a handler, the answer misses the app's after-request hook: it sets no-store itself.
    """
    status = 200 if request.method == "GET" else 403
    response = _sealed_page(request, sealed.case, Form(values={"next": request.url.path}), status_code=status)
    settings = request.app.state.get("settings")
    response.headers.update(
        {**security_headers(bool(settings and settings.is_production)), "Cache-Control": "no-store"}
    )
    return response


def _sealed_page(
    request: Request[Any, Any, Any], case: SealedCover, form: Form, *, status_code: int = 200
) -> Template:
    viewer: Viewer = request.user
    return page(
        "sealing/sealed.html",
        case=case,
        form=form,
        is_admin=viewer.has_role(Role.PROGRAM_ADMIN),
        may_open=viewer.has_role(Role.COORDINATOR, Role.PROGRAM_ADMIN),
        grant_minutes=GRANT_MINUTES,
        status_code=status_code,
    )


def _after_opening(case: Case, wanted: str) -> str:
    """Back to the page that showed the sealed cover (a path of this site only), else the case."""
    return local_path(wanted) or f"/cases/{case.id}"


async def _case(db: AsyncSession, case_id: UUID) -> Case:
    """The case, or 404 when unknown or another program's (the scope hides those).

    Without the sealed check of ``cases.services.case_or_404``: these pages open, unseal and
    expunge a sealed case.
    """
    case = await db.scalar(select(Case).where(Case.id == case_id))
    if case is None:
        raise NotFoundException()
    return case


# ---------------------------------------------------------------------------------------------
# Pages


class SealingController(Controller):
    path = "/cases/{case_id:uuid}"

    @get("/sealed", guards=STAFF)
    async def sealed(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        case_id: FromPath[UUID],
    ) -> Template:
        """The sealed case's cover page: number and dates, the reason form, and the admin's actions."""
        case = await _case(db_session, case_id)
        if case.sealed_at is None:
            raise NotFoundException()
        return _sealed_page(request, case, Form(values={"next": f"/cases/{case.id}"}))

    @get("/seal", guards=STAFF)
    async def seal_form(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        case_id: FromPath[UUID],
    ) -> Template:
        case = await _case(db_session, case_id)
        return page("sealing/seal.html", case=case, form=Form(), problem=_seal_problem(case))

    @post("/seal", guards=STAFF)
    async def seal(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        case_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        viewer: Viewer = request.user
        case = await _case(db_session, case_id)
        form = Form.from_data(data)
        if problem := _seal_problem(case):
            return page("sealing/seal.html", case=case, form=form, problem=problem, status_code=409)
        reason = SealForm.read(form).reason
        if not form.is_valid:
            return page("sealing/seal.html", case=case, form=form, problem=None, status_code=422)
        revoked = await services.seal_case(db_session, case, viewer.user_id, reason)
        audit.record(
            db_session,
            request,
            "case_seal",
            record_type="case",
            record_id=case.id,
            details={"reason": reason, "family_links_revoked": revoked},
        )
        flash(
            request,
            _("Case %(number)s is sealed. It no longer shows in lists and searches.", number=case.number),
        )
        return redirect_to(request, "/sealed-cases" if not viewer.has_role(Role.COORDINATOR) else "/cases")

    @post("/open", guards=STAFF)
    async def open(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        case_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        """Record why the sealed case is opened; that entry is the user's access for a short time."""
        case = await _case(db_session, case_id)
        if case.sealed_at is None:
            return redirect_to(request, f"/cases/{case.id}")
        form = Form.from_data(data)
        reason = OpenForm.read(form).reason
        if not form.is_valid:
            return _sealed_page(request, case, form, status_code=422)
        audit.record(
            db_session,
            request,
            OPENED,
            record_type="case",
            record_id=case.id,
            details={"reason": reason, "minutes": GRANT_MINUTES},
        )
        flash(
            request,
            _(
                "Sealed case %(number)s is open to you for %(minutes)s minutes.",
                number=case.number,
                minutes=GRANT_MINUTES,
            ),
        )
        return redirect_to(request, _after_opening(case, form.get("next")))

    @post("/unseal", guards=ADMINS)
    async def unseal(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        case_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        case = await _case(db_session, case_id)
        form = Form.from_data(data)
        reason = UnsealForm.read(form).unseal_reason
        try:
            if form.is_valid:
                services.unseal(case)
        except SealingRefused as refused:
            form.error("unseal_reason", refused.message)
            return _sealed_page(request, case, form, status_code=refused.status_code)
        if not form.is_valid:
            return _sealed_page(request, case, form, status_code=422)
        audit.record(
            db_session,
            request,
            "case_unseal",
            record_type="case",
            record_id=case.id,
            details={"reason": reason},
        )
        flash(request, _("Case %(number)s is unsealed and shows in lists again.", number=case.number))
        return redirect_to(request, "/sealed-cases")

    @get("/expunge", guards=ADMINS)
    async def expunge_form(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        case_id: FromPath[UUID],
    ) -> Template:
        case = await _case(db_session, case_id)
        problem = await services.expunge_refusal(db_session, case)
        return page("sealing/expunge.html", case=case, form=Form(), problem=problem)

    @post("/expunge", guards=ADMINS)
    async def expunge(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        case_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        case = await _case(db_session, case_id)
        form = Form.from_data(data)
        if problem := await services.expunge_refusal(db_session, case):
            return page("sealing/expunge.html", case=case, form=form, problem=problem, status_code=409)
        if not services.confirmation_matches(case, ExpungeForm.read(form).confirm_number):
            form.error(
                "confirm_number", _("Type the case number, %(number)s, to confirm.", number=case.number)
            )
            return page("sealing/expunge.html", case=case, form=form, problem=None, status_code=422)
        result = await services.expunge(db_session, case, document_store.for_request(request))
        audit.record(
            db_session,
            request,
            "case_expunge",
            record_type="case",
            record_id=case.id,
            details={
                "youth_id": str(case.youth_id),
                "cases": result.cases,
                "referrals": result.referrals,
                "documents": result.documents,
                "files_removed": result.files_removed,
                "juror_records": result.juror_records,
            },
        )
        flash(
            request,
            _("Case %(number)s is expunged: the youth's identifying data is destroyed.", number=case.number),
        )
        return redirect_to(request, "/sealed-cases")


class SealedCasesController(Controller):
    path = "/sealed-cases"
    guards = ADMINS

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        page_no: PageNumber = "1",
    ) -> Template:
        """Sealed cases by number and dates only: how an admin reaches one without any list naming it."""
        results = await paginate(db_session, services.sealed_cases_query(), page_number(page_no))
        audit.record(
            db_session,
            request,
            "sealed_case_list",
            record_type="case",
            details={"page": results.number, "rows": len(results.items)},
        )
        return page("sealing/list.html", results=results)


def _seal_problem(case: Case) -> str | None:
    if case.sealed_at is not None:
        return _("This case is already sealed.")
    if not case.state.is_closed:
        return _("Only a closed case can be sealed. Close the case first.")
    return None


ROUTES: list[type[Controller]] = [SealingController, SealedCasesController]
EXCEPTION_HANDLERS: dict[type[Exception], Any] = {CaseSealed: sealed_case_page}
"""For the app factory: the sealed cover answers a sealed case's pages, whichever loader refused."""
