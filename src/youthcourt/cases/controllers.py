"""Coordinators' case pages: accepting a referral, the case list, the case page, intake and contacts."""

from __future__ import annotations

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
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from youthcourt.accounts.models import Membership, User, member_name
from youthcourt.accounts.services import member_names
from youthcourt.audit import service as audit
from youthcourt.cases import contacts, sections
from youthcourt.cases.listing import FILTER_FIELDS, CaseFilters
from youthcourt.cases.models import Case, CaseFactor, CaseState, ContactLog, ContactMethod, EventKind
from youthcourt.cases.services import CaseService, case_or_404
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.programs.viewer import Viewer
from youthcourt.reference import services as reference
from youthcourt.reference.models import FactorKind, OffenseClass
from youthcourt.referrals import services as referral_services
from youthcourt.referrals.controllers import referral_page
from youthcourt.referrals.models import RACE_ETHNICITY_CATEGORIES, ReferralStatus
from youthcourt.referrals.screening import screen_referral
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData, new_submission_token, parse_uuid
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.search import ListSearch, posted_page, shown_address
from youthcourt.web.templating import page, redirect_to

case_service = Provide(create_service_provider(CaseService))
INTAKE_DATES = {
    "intake_on": "the intake interview date",
    "youth_consent_on": "the youth's consent date",
    "guardian_consent_on": "the guardian's consent date",
    "confidentiality_signed_on": "the confidentiality agreement date",
    "waiver_signed_on": "the waiver date",
    "admission_on": "the date the youth admitted the offense",
}
SHOWN_DATES = {
    "intake_on": "Intake interview",
    "admission_on": "Admission of the offense",
    "youth_consent_on": "Youth consent signed",
    "guardian_consent_on": "Guardian consent signed",
    "confidentiality_signed_on": "Confidentiality agreement signed",
    "waiver_signed_on": "Waiver signed",
}
"""The intake dates as the intake form names them, in its order: for the conflict message and the timeline."""
REQUIRED_FOR_HEARING = (
    "youth_consent_on",
    "guardian_consent_on",
    "confidentiality_signed_on",
    "admission_on",
)
CONTACT_METHODS = {method.value: method.label for method in ContactMethod}


async def coordinators(db: AsyncSession) -> dict[str, str]:
    """The program's active coordinators, for assigning cases."""
    rows = await db.execute(
        select(User.id, member_name())
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.role == Role.COORDINATOR, Membership.is_active, User.is_active)
        .order_by(member_name(), User.id)
    )
    return {str(user_id): name for user_id, name in rows.all()}


class ReferralAcceptanceController(Controller):
    """Accepting a referral opens its case; it lives here because the case is what it creates."""

    guards = [requires_role(Role.COORDINATOR)]
    dependencies = {"cases": case_service}

    @post("/referrals/{referral_id:uuid}/accept")
    async def accept(
        self,
        request: Request[Any, Any, Any],
        cases: NamedDependency[CaseService],
        db_session: NamedDependency[AsyncSession],
        referral_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        viewer: Viewer = request.user
        referral = await referral_services.load_referral(db_session, referral_id)
        if referral is None:
            raise NotFoundException()
        if referral.status != ReferralStatus.PENDING:
            flash(request, "This referral was already decided.", "error")
            return redirect_to(request, f"/referrals/{referral_id}")
        # A referral failing the program's eligibility rules is accepted only with a recorded reason.
        screened = await screen_referral(
            db_session, referral, await reference.policy(db_session, viewer.program_id)
        )
        form = Form.from_data(data)
        reason = referral_services.read_acceptance(form, screened)
        if not form.is_valid:
            return await referral_page(request, db_session, referral, status_code=422, forms={"accept": form})
        referral_services.accept(referral, viewer, screened, reason)
        case = await cases.open_from_referral(referral, viewer, viewer.today())
        details: dict[str, Any] = {}
        if not screened.passed:
            details = {"override": True, "failed_rules": [c.rule for c in screened.failed], "reason": reason}
            cases.add_event(
                case,
                EventKind.NOTE,
                viewer,
                f"Accepted although the referral fails the eligibility rules. Failed: {referral.failed_rules} "
                f"Reason: {reason}",
            )
        audit.record(
            db_session,
            request,
            "referral_accept",
            record_type="referral",
            record_id=referral.id,
            details=details,
        )
        audit.record(db_session, request, "case_open", record_type="case", record_id=case.id, details=details)
        flash(request, f"Case {case.number} was opened. Start the intake when you meet the family.")
        return redirect_to(request, f"/cases/{case.id}")


class CaseController(Controller):
    path = "/cases"
    guards = [requires_role(Role.COORDINATOR)]
    dependencies = {"cases": case_service}

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
        results = await paginate(db_session, filters.statement(), number)
        context = {
            "filters": filters,
            "search": search,
            "results": results,
            "states": {s.value: s.label for s in CaseState},
            "sources": {str(s.id): s.name for s in await reference.active_sources(db_session)},
            "classes": {c.value: f"Class {c.value}" for c in OffenseClass},
            "coordinators": await coordinators(db_session),
            "coordinator_names": await member_names(db_session, (c.coordinator_id for c in results.items)),
        }
        wants_rows = request.htmx and request.htmx.target == "case-rows"
        status = 422 if filters.form.errors else 200
        return page("cases/_rows.html" if wants_rows else "cases/list.html", status_code=status, **context)

    @get("/{case_id:uuid}")
    async def show(
        self,
        request: Request[Any, Any, Any],
        cases: NamedDependency[CaseService],
        db_session: NamedDependency[AsyncSession],
        case_id: FromPath[UUID],
    ) -> Template:
        case = await case_or_404(db_session, case_id)
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
        logged_contact = await db.scalar(
            select(func.max(ContactLog.contacted_on)).where(ContactLog.case_id == case.id)
        )
        names = await member_names(db, [case.coordinator_id])
        return {
            "case": case,
            "coordinator_name": names.get(case.coordinator_id) if case.coordinator_id else None,
            "timeline": await cases.timeline(case, viewer.timezone),
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
            "methods": CONTACT_METHODS,
            "missing_for_hearing": [
                INTAKE_DATES[f] for f in REQUIRED_FOR_HEARING if getattr(case, f) is None
            ],
        }

    @get("/{case_id:uuid}/intake")
    async def intake_form(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        case_id: FromPath[UUID],
    ) -> Template:
        case = await case_or_404(db_session, case_id)
        audit.record(db_session, request, "case_view", record_type="case", record_id=case.id)
        return page("cases/intake.html", **await self._intake_context(db_session, case, _intake_values(case)))

    async def _intake_context(self, db: AsyncSession, case: Case, form: Form) -> dict[str, Any]:
        return {
            "case": case,
            "form": form,
            "labels": INTAKE_DATES,
            "needs": await reference.active_factors(db, FactorKind.CONTRIBUTING),
            "strengths": await reference.active_factors(db, FactorKind.STRENGTH),
            "coordinators": await coordinators(db),
            "race_ethnicity": {category: category for category in RACE_ETHNICITY_CATEGORIES},
        }

    @post("/{case_id:uuid}/intake")
    async def save_intake(
        self,
        request: Request[Any, Any, Any],
        cases: NamedDependency[CaseService],
        db_session: NamedDependency[AsyncSession],
        case_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        viewer: Viewer = request.user
        case = await case_or_404(db_session, case_id)
        form = Form.from_data(data)
        if form.get("version") != str(case.version):
            form.error(
                "version", "Someone else saved this case while you were editing. Nothing of yours was saved."
            )
            context = await self._intake_context(db_session, case, form)
            saved = _intake_values(case)
            names = await _intake_names(db_session, case, saved, form)
            theirs, yours = _intake_shown(saved, names), _intake_shown(form, names)
            differences = [
                (label, theirs[label], yours[label]) for label in theirs if theirs[label] != yours[label]
            ]
            return page(
                "cases/intake.html", conflict=saved, differences=differences, status_code=409, **context
            )
        earliest = case.referral.incident_date
        dates = {
            name: form.past_date(name, label, viewer.today(), required=False)
            for name, label in INTAKE_DATES.items()
        }
        for name, value in dates.items():
            if value and value < earliest:
                form.error(
                    name, f"{INTAKE_DATES[name].capitalize()} cannot be before the incident ({earliest})."
                )
        chosen_coordinator = form.get("coordinator_id")
        allowed_coordinators = await coordinators(db_session)
        if chosen_coordinator and chosen_coordinator not in allowed_coordinators:
            form.error("coordinator_id", "Choose one of the program's coordinators.")
        factor_ids = await _valid_factor_ids(db_session, form)
        notes = form.text("intake_notes", "notes", required=False, max_length=5000)
        race_ethnicity = form.get("race_ethnicity")
        if race_ethnicity and race_ethnicity not in RACE_ETHNICITY_CATEGORIES:
            form.error("race_ethnicity", "Choose race and ethnicity from the list, or leave it unrecorded.")
        if case.closed_on is not None:
            form.error("version", "This case is closed; its intake can no longer be changed.")
        if not form.is_valid:
            return page(
                "cases/intake.html", status_code=422, **await self._intake_context(db_session, case, form)
            )
        names = await _intake_names(db_session, case, _intake_values(case), form)
        before = _intake_shown(_intake_values(case), names)
        for name, value in dates.items():
            setattr(case, name, value)
        case.intake_notes = notes
        case.youth.race_ethnicity = race_ethnicity
        flag_modified(case, "intake_notes")  # every save bumps the version, so a concurrent editor is told
        case.coordinator_id = UUID(chosen_coordinator) if chosen_coordinator else None
        _replace_factors(case, factor_ids)
        cases.record_intake_edit(case, viewer, before, _intake_shown(_intake_values(case), names))
        if case.state == CaseState.REFERRED and case.intake_on:
            await cases.transition(case, CaseState.INTAKE, viewer, "Intake started.")
        await db_session.flush()
        audit.record(db_session, request, "case_intake_update", record_type="case", record_id=case.id)
        flash(request, "The intake was saved.")
        return redirect_to(request, f"/cases/{case.id}")

    @post("/{case_id:uuid}/intake/complete")
    async def complete_intake(
        self,
        request: Request[Any, Any, Any],
        cases: NamedDependency[CaseService],
        db_session: NamedDependency[AsyncSession],
        case_id: FromPath[UUID],
    ) -> Any:
        case = await case_or_404(db_session, case_id)
        missing = [INTAKE_DATES[f] for f in REQUIRED_FOR_HEARING if getattr(case, f) is None]
        if missing or case.state != CaseState.INTAKE:
            reason = (
                "Record " + ", ".join(missing) + " first." if missing else "The intake is not in progress."
            )
            flash(request, f"The case cannot wait for a hearing yet. {reason}", "error")
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
        flash(request, "The intake is complete. Schedule the case on a hearing night.")
        return redirect_to(request, f"/cases/{case.id}")

    @post("/{case_id:uuid}/contacts")
    async def add_contact(
        self,
        request: Request[Any, Any, Any],
        cases: NamedDependency[CaseService],
        db_session: NamedDependency[AsyncSession],
        case_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        viewer: Viewer = request.user
        case = await case_or_404(db_session, case_id)
        form = Form.from_data(data)
        token = form.get("submission_token")[:64] or None
        if token and await db_session.scalar(
            select(ContactLog.id).where(ContactLog.submission_token == token)
        ):
            return redirect_to(request, f"/cases/{case.id}")
        contacted_on = form.past_date("contacted_on", "the contact date", viewer.today())
        if contacted_on and contacted_on < case.opened_on:
            form.error(
                "contacted_on", f"The contact date cannot be before the case opened ({case.opened_on})."
            )
        method = form.choice("method", "how you made contact", CONTACT_METHODS)
        with_whom = form.text("contact_with", "who you spoke with", required=False, max_length=120)
        summary = form.text("summary", "a short summary", max_length=5000)
        if not form.is_valid:
            context = await self._case_page(request, cases, db_session, case, contact_form=form)
            return page("cases/detail.html", status_code=422, **context)
        db_session.add(
            ContactLog(
                program_id=case.program_id,
                case_id=case.id,
                contacted_on=contacted_on,
                method=ContactMethod(method),
                contact_with=with_whom,
                summary=summary,
                actor_id=viewer.user_id,
                actor_name=viewer.full_name,
                submission_token=token,
            )
        )
        audit.record(db_session, request, "case_contact_add", record_type="case", record_id=case.id)
        flash(request, "The contact was added to the log.")
        return redirect_to(request, f"/cases/{case.id}")

    @post("/{case_id:uuid}/notes")
    async def add_note(
        self,
        request: Request[Any, Any, Any],
        cases: NamedDependency[CaseService],
        db_session: NamedDependency[AsyncSession],
        case_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        case = await case_or_404(db_session, case_id)
        form = Form.from_data(data)
        note = form.text("note", "the note", max_length=5000)
        if not form.is_valid:
            flash(request, "Write something in the note before adding it.", "error")
            return redirect_to(request, f"/cases/{case.id}")
        cases.add_event(case, EventKind.NOTE, request.user, note)
        audit.record(db_session, request, "case_note_add", record_type="case", record_id=case.id)
        flash(request, "The note was added to the timeline.")
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


def _intake_values(case: Case) -> Form:
    values = {name: (getattr(case, name).isoformat() if getattr(case, name) else "") for name in INTAKE_DATES}
    values |= {
        "intake_notes": case.intake_notes,
        "coordinator_id": str(case.coordinator_id or ""),
        "race_ethnicity": case.youth.race_ethnicity,
        "version": str(case.version),
    }
    return Form(values=values, lists={"factor": [str(f.factor_id) for f in case.factors]})


async def _intake_names(db: AsyncSession, case: Case, *forms: Form) -> dict[str, tuple[str, str]]:
    """Names for the ids in intake forms: factor id -> (kind, name), coordinator id -> ("coordinator", name)."""
    from youthcourt.reference.models import Factor

    ids = {parse_uuid(value) for form in forms for value in form.many("factor")} - {None}
    names = {}
    if ids:
        factors = await db.scalars(select(Factor).where(Factor.id.in_(ids)))
        names = {str(factor.id): (factor.kind.value, factor.name) for factor in factors}
    people = await coordinators(db)
    if case.coordinator_id is not None and str(case.coordinator_id) not in people:
        people |= {str(k): v for k, v in (await member_names(db, [case.coordinator_id])).items()}
    return names | {user_id: ("coordinator", name) for user_id, name in people.items()}


def _intake_shown(form: Form, names: dict[str, tuple[str, str]]) -> dict[str, str]:
    """The intake as a person reads it, label -> text: to compare two versions or name what changed."""
    shown = {label: form.get(name) or "Not recorded" for name, label in SHOWN_DATES.items()}
    for kind, label in ((FactorKind.CONTRIBUTING, "Needs"), (FactorKind.STRENGTH, "Strengths")):
        chosen = sorted(names[f][1] for f in form.many("factor") if names.get(f, ("",))[0] == kind.value)
        shown[label] = ", ".join(chosen) or "None"
    shown["Race and ethnicity"] = form.get("race_ethnicity") or "Not recorded"
    coordinator = names.get(form.get("coordinator_id"))
    shown["Coordinator"] = coordinator[1] if coordinator else "Unassigned"
    shown["Notes"] = form.get("intake_notes").strip() or "None"
    return shown


async def _valid_factor_ids(db: AsyncSession, form: Form) -> list[UUID]:
    """The ticked needs and strengths that are really the program's factors."""
    from youthcourt.reference.models import Factor

    wanted = set(form.many("factor"))
    factors = (await db.scalars(select(Factor.id).where(Factor.is_active))).all()
    known = {str(factor_id): factor_id for factor_id in factors}
    if wanted - known.keys():
        form.error("factor", "Choose needs and strengths from the program's lists.")
    return [known[w] for w in wanted if w in known]


def _replace_factors(case: Case, factor_ids: list[UUID]) -> None:
    keep = {f.factor_id: f for f in case.factors if f.factor_id in factor_ids}
    case.factors = list(keep.values()) + [
        CaseFactor(program_id=case.program_id, factor_id=fid) for fid in factor_ids if fid not in keep
    ]


ROUTES: list[type[Controller]] = [ReferralAcceptanceController, CaseController]
