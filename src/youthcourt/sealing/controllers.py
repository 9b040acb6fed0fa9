"""Sealing pages: seal and unseal a case, open a sealed case with a reason, expunge, the sealed list.

Who may do what:

- seal a closed case: coordinators and program admins;
- open a sealed case (give a reason): coordinators and program admins; the reason opens the case
  for :data:`~youthcourt.sealing.services.GRANT_MINUTES` minutes to the user who gave it;
- unseal, expunge, and the "Sealed cases" list: program admins.

:func:`sealed_case_gate` runs before every handler: any page of a sealed case (``/cases/<id>/...``),
of its referral (``/referrals/<id>/...``), its follow-up checks (``/follow-ups/<id>/...``), its
sanctions (``/sanctions/<id>/...``) or its hearings (``/hearings/slots/<id>/...``) shows "This case
is sealed" instead, unless the user has a current grant. Lists that name people leave sealed cases
out (or, where a sealed case must stay for the statistics, show it without a name).
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.cases.models import Case, FollowUpCheck
from youthcourt.hearings.models import Hearing
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.programs.viewer import Viewer
from youthcourt.sanctions.models import Sanction
from youthcourt.sealing import services
from youthcourt.sealing.services import SealingRefused
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.templating import page, redirect_to

STAFF = [requires_role(Role.COORDINATOR, Role.PROGRAM_ADMIN)]
ADMINS = [requires_role(Role.PROGRAM_ADMIN)]
REASON_LENGTH = 1000

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_GATED = re.compile(
    rf"^/(?P<area>cases|referrals|follow-ups|sanctions|hearings/slots)/(?P<id>{_UUID})(?P<rest>/.*)?$"
)
_CASE_OWNED: dict[str, Any] = {"follow-ups": FollowUpCheck, "sanctions": Sanction, "hearings/slots": Hearing}
"""Records whose pages belong to one case, by the address they live under."""
_OWN_PAGES = {"/sealed", "/seal", "/open", "/unseal", "/expunge"}
"""The sealing pages themselves are reachable on a sealed case: they are how one gets in or out."""


# ---------------------------------------------------------------------------------------------
# The gate


async def _gated_case(db: AsyncSession, area: str, record_id: UUID) -> Case | None:
    """The sealed case a gated address belongs to, or None (unknown ids fall through to the 404)."""
    query = select(Case).where(Case.sealed_at.is_not(None))
    if area == "cases":
        query = query.where(Case.id == record_id)
    elif area == "referrals":
        query = query.where(Case.referral_id == record_id)
    else:
        owner = _CASE_OWNED[area]
        query = query.join(owner, owner.case_id == Case.id).where(owner.id == record_id)
    return await db.scalar(query)


async def sealed_case_gate(request: Request[Any, Any, Any]) -> Any:
    """Before any handler: a sealed case's pages need a recorded reason (one indexed query per page)."""
    match = _GATED.match(request.url.path)
    viewer: Viewer | None = request.scope.get("user")
    if match is None or viewer is None or viewer.program_id is None:
        return None
    if match["area"] == "cases" and (match["rest"] or "") in _OWN_PAGES:
        return None
    database = request.app.state.database
    db = database.provide_session(request.app.state, request.scope)
    case = await _gated_case(db, match["area"], UUID(match["id"]))
    if case is None or await services.granted_until(db, case.id, viewer.user_id) is not None:
        return None
    status = 200 if request.method == "GET" else 403
    return _sealed_page(request, case, Form(values={"next": request.url.path}), status_code=status)


def _sealed_page(
    request: Request[Any, Any, Any], case: Case, form: Form, *, status_code: int = 200
) -> Template:
    viewer: Viewer = request.user
    return page(
        "sealing/sealed.html",
        case=case,
        form=form,
        is_admin=viewer.has_role(Role.PROGRAM_ADMIN),
        may_open=viewer.has_role(Role.COORDINATOR, Role.PROGRAM_ADMIN),
        grant_minutes=services.GRANT_MINUTES,
        status_code=status_code,
    )


def _safe_next(case: Case, wanted: str) -> str:
    """Where to go once the case is opened: a page of this case (or its referral), never elsewhere."""
    match = _GATED.match(wanted or "")
    if match and match["area"] == "cases" and match["id"].lower() == str(case.id):
        return wanted
    if match and match["area"] == "referrals" and match["id"].lower() == str(case.referral_id):
        return wanted
    if match and match["area"] in _CASE_OWNED:
        return wanted
    return f"/cases/{case.id}"


async def _case(db: AsyncSession, case_id: UUID) -> Case:
    """The case, or 404 when unknown or another program's (the scope hides those)."""
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
        reason = form.text("reason", "the reason for sealing", max_length=REASON_LENGTH)
        if form.get("confirm") != "yes":
            form.error("confirm", "Tick the box to confirm that the case is to be sealed.")
        if not form.is_valid:
            return page("sealing/seal.html", case=case, form=form, problem=None, status_code=422)
        services.seal(case, viewer.user_id, reason)
        audit.record(
            db_session,
            request,
            "case_seal",
            record_type="case",
            record_id=case.id,
            details={"reason": reason},
        )
        flash(request, f"Case {case.number} is sealed. It no longer shows in lists and searches.")
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
        reason = form.text("reason", "why you need to open this sealed case", max_length=REASON_LENGTH)
        if not form.is_valid:
            return _sealed_page(request, case, form, status_code=422)
        audit.record(
            db_session,
            request,
            services.OPENED,
            record_type="case",
            record_id=case.id,
            details={"reason": reason, "minutes": services.GRANT_MINUTES},
        )
        flash(request, f"Sealed case {case.number} is open to you for {services.GRANT_MINUTES} minutes.")
        return redirect_to(request, _safe_next(case, form.get("next")))

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
        reason = form.text("unseal_reason", "why the case is unsealed", max_length=REASON_LENGTH)
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
        flash(request, f"Case {case.number} is unsealed and shows in lists again.")
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
        if not services.confirmation_matches(case, form.get("confirm_number")):
            form.error("confirm_number", f"Type the case number, {case.number}, to confirm.")
            return page("sealing/expunge.html", case=case, form=form, problem=None, status_code=422)
        result = await services.expunge(db_session, case, request.app.state.settings.upload_dir)
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
        flash(request, f"Case {case.number} is expunged: the youth's identifying data is destroyed.")
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
        return "This case is already sealed."
    if not case.state.is_closed:
        return "Only a closed case can be sealed. Close the case first."
    return None


ROUTES: list[type[Controller]] = [SealingController, SealedCasesController]
