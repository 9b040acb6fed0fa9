"""Coordinators' case pages: accepting a referral, the case list, the case page, intake and contacts."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template
from litestar.utils.scope.state import ScopeState
from markupsafe import Markup, escape
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts.services import member_names
from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.cases import contacts, sections
from youthcourt.cases.forms import CONTACT_METHODS, NoteForm
from youthcourt.cases.listing import FILTER_FIELDS, CaseFilters, shown_rows
from youthcourt.cases.models import Case, CaseState, EventKind
from youthcourt.cases.services import (
    CASE_IN_PATH,
    INTAKE_DATES,
    PLACEHOLDERS,
    CaseService,
    ReferralDecided,
    coordinators,
    intake_values,
)
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.programs.viewer import Viewer
from youthcourt.reference import services as reference
from youthcourt.reference.models import FactorKind, OffenseClass
from youthcourt.referrals import services as referral_services
from youthcourt.referrals.controllers import referral_page
from youthcourt.referrals.models import RACE_ETHNICITY_CATEGORIES
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData, new_submission_token
from youthcourt.web.i18n import _
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.search import ListSearch, posted_page, shown_address
from youthcourt.web.templating import page, redirect_to, wants_part

case_service = Provide(create_service_provider(CaseService))
REQUIRED_FOR_HEARING = (
    "youth_consent_on",
    "guardian_consent_on",
    "confidentiality_signed_on",
    "admission_on",
)


class ReferralAcceptanceController(Controller):
    """Accepting a referral opens its case; it lives here because the case is what it creates."""

    guards = [requires_role(Role.COORDINATOR)]
    dependencies = {"cases": case_service}

    @post("/referrals/{referral_id:uuid}/accept")
    async def accept(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        cases: NamedDependency[CaseService],
        db_session: NamedDependency[AsyncSession],
        referral_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        referral = await referral_services.load_referral(db_session, referral_id, request.user)
        if referral is None:
            raise NotFoundException()
        form = Form.from_data(data)
        try:
            case = await cases.accept_referral(referral, form, actor)
        except ReferralDecided:
            flash(request, _("This referral was already decided."), "error")
            return redirect_to(request, f"/referrals/{referral_id}")
        if case is None:
            return await referral_page(request, db_session, referral, status_code=422, forms={"accept": form})
        flash(
            request,
            _("Case %(number)s was opened. Start the intake when you meet the family.", number=case.number),
        )
        return redirect_to(request, f"/cases/{case.id}")


class CaseController(Controller):
    path = "/cases"
    guards = [requires_role(Role.COORDINATOR)]
    dependencies = {"cases": case_service, **CASE_IN_PATH}

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        page_no: PageNumber = "1",
    ) -> Template:
        search = ListSearch.read(request, "/cases", FILTER_FIELDS)
        return await self._list(request, db_session, search, page_number(page_no))

    @post("/search", status_code=200)
    async def search(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], data: FormData
    ) -> Template:
        """The list searched by name or case number: the terms come in the body, out of addresses and logs."""
        search = ListSearch.read(request, "/cases", FILTER_FIELDS, data)
        listed = await self._list(request, db_session, search, posted_page(data))
        return shown_address(listed, request, search)

    async def _list(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, search: ListSearch, number: int
    ) -> Template:
        filters = CaseFilters.read(search.values)
        query, values = filters.query()
        found = await paginate(db_session, query, number, run_once=filters.searches, params=values)
        results = replace(found, items=await shown_rows(db_session, found.items))
        context = {
            "filters": filters,
            "search": search,
            "results": results,
            "states": {s.value: s.shown for s in CaseState},
            "sources": {str(s.id): s.name for s in await reference.active_sources(db_session)},
            "classes": {c.value: _("Class %(letter)s", letter=c.value) for c in OffenseClass},
            "coordinators": await coordinators(db_session),
            "coordinator_names": await member_names(db_session, (c.coordinator_id for c in results.items)),
        }
        wants_rows = wants_part(request, "case-rows")
        status = 422 if filters.form.errors else 200
        return page("cases/_rows.html" if wants_rows else "cases/list.html", status_code=status, **context)

    @get("/{case_id:uuid}")
    async def show(
        self,
        request: Request[Any, Any, Any],
        cases: NamedDependency[CaseService],
        db_session: NamedDependency[AsyncSession],
        case_id: FromPath[UUID],
        case: NamedDependency[Case],
    ) -> Template:
        audit.record(db_session, request, "case_view", record_type="case", record_id=case.id)
        return page("cases/detail.html", **await self._case_page(request, cases, db_session, case))

    async def _case_page(
        self,
        request: Request[Any, Any, Any],
        cases: CaseService,
        db: AsyncSession,
        case: Case,
        contact_form: Form | None = None,
    ) -> dict[str, Any]:
        viewer: Viewer = request.user
        policy = await reference.policy(db, viewer.program_id)
        timeline = await cases.timeline(case, viewer.timezone)
        # The timeline holds every contact logged: the latest is read there, not asked again.
        logged_contact = max((entry.day for entry in timeline if entry.kind == "contact"), default=None)
        names = await member_names(db, [case.coordinator_id])
        return {
            "case": case,
            "coordinator_name": names.get(case.coordinator_id) if case.coordinator_id else None,
            "timeline": timeline,
            "sections": await _render_sections(request, db, case),
            "policy": policy,
            "last_contact": contacts.last_contact(logged_contact, case.referral),
            "contact_overdue": contacts.contact_overdue(
                case, logged_contact, viewer.today(), policy.contact_interval_days
            ),
            "today": viewer.today(),
            "contact_form": contact_form
            or Form(
                values={
                    "contacted_on": viewer.today().isoformat(),
                    "submission_token": new_submission_token(),
                }
            ),
            "methods": {value: _(label) for value, label in CONTACT_METHODS.items()},
            "missing_for_hearing": [
                _(INTAKE_DATES[f]) for f in REQUIRED_FOR_HEARING if getattr(case, f) is None
            ],
        }

    @get("/{case_id:uuid}/intake")
    async def intake_form(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        case: NamedDependency[Case],
    ) -> Template:
        audit.record(db_session, request, "case_view", record_type="case", record_id=case.id)
        return page("cases/intake.html", **await self._intake_context(db_session, case, intake_values(case)))

    async def _intake_context(self, db: AsyncSession, case: Case, form: Form) -> dict[str, Any]:
        return {
            "case": case,
            "form": form,
            "labels": INTAKE_DATES,
            "needs": await reference.active_factors(db, FactorKind.CONTRIBUTING),
            "strengths": await reference.active_factors(db, FactorKind.STRENGTH),
            "coordinators": await coordinators(db),
            "race_ethnicity": {category: _(category) for category in RACE_ETHNICITY_CATEGORIES},
            "placeholders": PLACEHOLDERS,
        }

    @post("/{case_id:uuid}/intake")
    async def save_intake(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        cases: NamedDependency[CaseService],
        db_session: NamedDependency[AsyncSession],
        case: NamedDependency[Case],
        data: FormData,
    ) -> Any:
        form = Form.from_data(data)
        conflict = await cases.save_intake(case, form, actor)
        if conflict is not None:
            context = await self._intake_context(db_session, case, form)
            return page(
                "cases/intake.html",
                conflict=conflict.saved,
                differences=conflict.differences,
                status_code=409,
                **context,
            )
        if not form.is_valid:
            return page(
                "cases/intake.html", status_code=422, **await self._intake_context(db_session, case, form)
            )
        flash(request, _("The intake was saved."))
        return redirect_to(request, f"/cases/{case.id}")

    @post("/{case_id:uuid}/intake/complete")
    async def complete_intake(
        self,
        request: Request[Any, Any, Any],
        cases: NamedDependency[CaseService],
        db_session: NamedDependency[AsyncSession],
        case: NamedDependency[Case],
    ) -> Any:
        missing = [_(INTAKE_DATES[f]) for f in REQUIRED_FOR_HEARING if getattr(case, f) is None]
        if missing or case.state != CaseState.INTAKE:
            message = (
                _(
                    "The case cannot wait for a hearing yet. Record %(missing)s first.",
                    missing=", ".join(missing),
                )
                if missing
                else _("The case cannot wait for a hearing yet. The intake is not in progress.")
            )
            flash(request, message, "error")
            return redirect_to(request, f"/cases/{case.id}")
        await cases.transition(
            case, CaseState.AWAITING_HEARING, request.user, "Intake complete; ready for a hearing."
        )
        audit.record(
            db_session,
            request,
            "case_transition",
            record_type="case",
            record_id=case.id,
            details={"to": CaseState.AWAITING_HEARING.value},
        )
        flash(request, _("The intake is complete. Schedule the case on a hearing night."))
        return redirect_to(request, f"/cases/{case.id}")

    @post("/{case_id:uuid}/contacts")
    async def add_contact(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        cases: NamedDependency[CaseService],
        db_session: NamedDependency[AsyncSession],
        case: NamedDependency[Case],
        data: FormData,
    ) -> Any:
        form = Form.from_data(data)
        contact = await cases.log_contact(case, form, actor)
        if not form.is_valid:
            context = await self._case_page(request, cases, db_session, case, contact_form=form)
            return page("cases/detail.html", status_code=422, **context)
        if contact is not None:
            flash(request, _("The contact was added to the log."))
        return redirect_to(request, f"/cases/{case.id}")

    @post("/{case_id:uuid}/notes")
    async def add_note(
        self,
        request: Request[Any, Any, Any],
        cases: NamedDependency[CaseService],
        db_session: NamedDependency[AsyncSession],
        case: NamedDependency[Case],
        data: FormData,
    ) -> Any:
        form = Form.from_data(data)
        note = NoteForm.read(form).note
        if not form.is_valid:
            flash(request, _("Write something in the note before adding it."), "error")
            return redirect_to(request, f"/cases/{case.id}")
        cases.add_event(case, EventKind.NOTE, request.user, note)
        audit.record(db_session, request, "case_note_add", record_type="case", record_id=case.id)
        flash(request, _("The note was added to the timeline."))
        return redirect_to(request, f"/cases/{case.id}")


async def _render_sections(request: Request[Any, Any, Any], db: AsyncSession, case: Case) -> list[Markup]:
    """Each registered section rendered with ``case`` and its loader's context as top-level names."""
    engine = request.app.template_engine
    token = ScopeState.from_scope(request.scope).csrf_token or ""
    csrf_input = Markup(f'<input type="hidden" name="_csrf_token" value="{escape(token)}" />')  # noqa: S704 - the token is escaped
    return [
        Markup(  # noqa: S704 - Jinja autoescapes the section template
            engine.get_template(section.template).render(
                request=request, csrf_input=csrf_input, case=case, **context
            )
        )
        for section, context in await sections.load_all(db, case)
    ]


ROUTES: list[type[Controller]] = [ReferralAcceptanceController, CaseController]
