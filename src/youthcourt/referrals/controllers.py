"""Pages of the referrals area: the list, intake, the referral page, screening, decisions, documents."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts.services import member_names
from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.programs.viewer import Viewer
from youthcourt.reference.defaults import ensure_defaults
from youthcourt.reference.services import active_offenses, active_sources
from youthcourt.reference.services import policy as program_policy
from youthcourt.referrals import document_store, events, screening, sealed, sections, services, uploads
from youthcourt.referrals.forms import (
    ASSIGNMENT_METHODS,
    STUDY_ARMS,
    DecisionForm,
    FamilyContactForm,
    YouthSearchForm,
)
from youthcourt.referrals.models import Document, Referral, ReferralStatus, Youth
from youthcourt.referrals.services import STATUS_LABELS, ReferralService, status_labels
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData, new_submission_token, parse_uuid
from youthcourt.web.i18n import N_, _
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.templating import page, redirect_to, wants_part

MultipartData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
STALE = N_(
    "Someone else changed this referral while you were working on it. "
    "Check the page as it is now, then send your change again."
)


async def _pickers(db: AsyncSession) -> tuple[dict[str, str], dict[str, str]]:
    """The source agencies and the offense catalog as choices for select fields."""
    sources = {str(s.id): s.name for s in await active_sources(db)}
    offenses = {
        str(o.id): _("%(offense)s (class %(letter)s)", offense=o.name, letter=o.offense_class.value)
        for o in await active_offenses(db)
    }
    return sources, offenses


async def referral_page(
    request: Request[Any, Any, Any],
    db: AsyncSession,
    referral: Referral,
    *,
    status_code: int = 200,
    forms: dict[str, Form] | None = None,
    problem: str = "",
) -> Template:
    """The referral page; re-shown with 422/409 after a refused change, with what was typed.

    Accepting a referral (the cases area) re-shows it the same way when the acceptance is refused.
    """
    viewer: Viewer = request.user
    if status_code >= 400:
        # The request's transaction rolls back: the view is recorded on its own.
        await audit.record_independently(
            request.app.state.session_maker,
            request,
            "referral_view",
            record_type="referral",
            record_id=referral.id,
        )
    policy = await program_policy(db, viewer.program_id)
    earlier = await screening.earlier_referrals(db, referral)
    people = {
        referral.decided_by_id,
        *(d.uploaded_by_id for d in referral.documents),
    } - {None}
    names = await member_names(db, people)
    today = viewer.today()
    all_forms = {
        "contact": Form(values={"family_contacted_on": (referral.family_contacted_on or today).isoformat()}),
        "decline": Form(),
        "return": Form(),
        "upload": Form(),
        "accept": Form(),
        **(forms or {}),
    }
    return page(
        "referrals/detail.html",
        referral=referral,
        youth=referral.youth,
        screening=screening.screen(referral, policy, earlier),
        earlier=earlier,
        flags=services.flags(referral, policy, today),
        policy=policy,
        forms=all_forms,
        names=names,
        problem=problem,
        today=today,
        statuses=status_labels(),
        kinds={kind: _(label) for kind, label in uploads.KIND_LABELS.items()},
        max_mb=uploads.MAX_BYTES // (1024 * 1024),
        sections=await sections.load_all(db, referral),
        status_code=status_code,
    )


class ReferralController(Controller):
    path = "/referrals"
    guards = [requires_role(Role.COORDINATOR)]
    dependencies = {
        "referrals": Provide(create_service_provider(ReferralService)),
        **services.REFERRAL_IN_PATH,
    }

    # The list -----------------------------------------------------------------------------------------

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        status: FromQuery[str] = "",
        source: FromQuery[str] = "",
        page_no: PageNumber = "1",
    ) -> Template:
        viewer: Viewer = request.user
        policy = await program_policy(db_session, viewer.program_id)
        sources = {str(s.id): s.name for s in await active_sources(db_session)}
        filters = {
            "status": status if status in STATUS_LABELS else "",
            "source": source if parse_uuid(source) else "",
        }
        results = await paginate(
            db_session, services.listing(filters["status"], filters["source"]), page_number(page_no)
        )
        today = viewer.today()
        flags = {r.id: services.flags(r, policy, today) for r in results.items}
        audit.record(
            db_session,
            request,
            "referral_list",
            record_type="referral",
            details={"page": results.number, "rows": len(results.items)},
        )
        template = "referrals/_rows.html" if wants_part(request, "referral-rows") else "referrals/list.html"
        return page(
            template,
            results=results,
            flags=flags,
            filters=filters,
            sources=sources,
            statuses=status_labels(),
        )

    # Intake ---------------------------------------------------------------------------------------------

    @get("/new")
    async def new(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Template:
        viewer: Viewer = request.user
        await ensure_defaults(db_session, viewer.program_id)
        form = Form(
            values={"received_on": viewer.today().isoformat(), "submission_token": new_submission_token()}
        )
        return await self._intake_page(db_session, form)

    async def _intake_page(
        self,
        db: AsyncSession,
        form: Form,
        *,
        status_code: int = 200,
        matches: list[services.YouthMatch] | None = None,
        chosen: Youth | None = None,
    ) -> Template:
        sources, offenses = await _pickers(db)
        counts = await services.referral_counts(db, [chosen.id]) if chosen is not None else {}
        return page(
            "referrals/new.html",
            form=form,
            sources=sources,
            offenses=offenses,
            study_arms={value: _(label) for value, label in STUDY_ARMS.items()},
            assignment_methods={value: _(label) for value, label in ASSIGNMENT_METHODS.items()},
            matches=matches or [],
            chosen=chosen,
            chosen_referrals=counts.get(chosen.id, 0) if chosen is not None else 0,
            status_code=status_code,
        )

    @post("/youth-matches")
    async def youth_matches(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], data: FormData
    ) -> Template:
        """Active search while a name and birth date are typed. A POST keeps names out of URLs and logs."""
        form = Form.from_data(data)
        typed = YouthSearchForm.read(form)
        matches = await services.youth_matches(
            db_session, typed.first_name, typed.last_name, typed.date_of_birth
        )
        if matches:
            audit.record(
                db_session, request, "youth_search", record_type="youth", details={"matches": len(matches)}
            )
        return page("referrals/_youth_matches.html", matches=matches, form=Form(values=form.values))

    @post("/youth-section")
    async def youth_section(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], data: FormData
    ) -> Template:
        """Swap the young person's part of the intake form: a record on file chosen, or blank fields.

        The whole form is posted so the guardians' part, whose wording depends on the choice, is
        re-rendered with what was typed in it.
        """
        form = Form.from_data(data)
        youth_id = "" if form.get("choose") == "new" else form.get("youth_id").strip()
        chosen = await services.youth_with_guardians(db_session, parse_uuid(youth_id))
        if youth_id and chosen is None:
            raise NotFoundException()
        counts = {}
        if chosen is not None:
            counts = await services.referral_counts(db_session, [chosen.id])
            audit.record(db_session, request, "youth_view", record_type="youth", record_id=chosen.id)
        guardian_values = {k: v for k, v in form.values.items() if k.startswith("guardian")}
        return page(
            "referrals/_youth_section.html",
            form=Form(values=guardian_values),
            matches=[],
            chosen=chosen,
            chosen_referrals=counts.get(chosen.id, 0) if chosen is not None else 0,
            oob=True,
        )

    @post("/")
    async def create(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        referrals: NamedDependency[ReferralService],
        db_session: NamedDependency[AsyncSession],
        data: FormData,
    ) -> Any:
        form = Form.from_data(data)
        result = await referrals.take_in(form, actor)
        if result.referral is None:
            return await self._refused_intake(request, db_session, form, result)
        if result.already_saved:
            flash(request, _("This referral was already saved; here it is."), "info")
        else:
            flash(request, _("The referral was saved. Screen it below."))
        return redirect_to(request, f"/referrals/{result.referral.id}")

    async def _refused_intake(
        self, request: Request[Any, Any, Any], db: AsyncSession, form: Form, result: services.IntakeResult
    ) -> Template:
        """The intake form again, with its problems (422); the youth search it ran is recorded on its own,
        as the request's transaction rolls back."""
        if result.matches:
            await audit.record_independently(
                request.app.state.session_maker,
                request,
                "youth_search",
                record_type="youth",
                details={"matches": len(result.matches)},
            )
        return await self._intake_page(
            db, form, status_code=422, matches=result.matches, chosen=result.chosen
        )

    # One referral ---------------------------------------------------------------------------------------

    @get("/{referral_id:uuid}")
    async def show(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        referral: NamedDependency[Referral],
    ) -> Template:
        audit.record(db_session, request, "referral_view", record_type="referral", record_id=referral.id)
        return await self._detail_page(request, db_session, referral)

    async def _detail_page(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        referral: Referral,
        *,
        status_code: int = 200,
        forms: dict[str, Form] | None = None,
        problem: str = "",
    ) -> Template:
        return await referral_page(
            request, db, referral, status_code=status_code, forms=forms, problem=problem
        )

    def _conflict(self, referral: Referral, form: Form) -> str:
        """Why a change to the referral cannot be made as sent, or ''."""
        if referral.status != ReferralStatus.PENDING:
            label = status_labels()[referral.status.value].lower()
            return _(
                "This referral is no longer pending (it is %(status)s), so nothing was changed.", status=label
            )
        version = form.get("version").strip()
        if version and version != str(referral.version):
            return _(STALE)
        return ""

    @post("/{referral_id:uuid}/family-contact")
    async def family_contact(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        referral: NamedDependency[Referral],
        data: FormData,
    ) -> Any:
        form = Form.from_data(data)
        if problem := self._conflict(referral, form):
            return await self._detail_page(
                request, db_session, referral, status_code=409, forms={"contact": form}, problem=problem
            )
        contact = FamilyContactForm.read(form, today=request.user.today())
        day = contact.family_contacted_on
        if day and not contact.has_error("family_contacted_on") and day < referral.received_on:
            contact.error(
                "family_contacted_on",
                _(
                    "The first contact cannot be before the referral was received (%(day)s).",
                    day=referral.received_on.isoformat(),
                ),
            )
        if not form.is_valid:
            return await self._detail_page(
                request, db_session, referral, status_code=422, forms={"contact": form}
            )
        referral.family_contacted_on = day
        audit.record(
            db_session, request, "referral_family_contact", record_type="referral", record_id=referral.id
        )
        flash(request, _("The first contact with the family was recorded."))
        return redirect_to(request, f"/referrals/{referral.id}")

    async def _decide(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        referral: Referral,
        data: dict[str, Any],
        *,
        status: ReferralStatus,
        key: str,
        done: str,
    ) -> Any:
        form = Form.from_data(data)
        if problem := self._conflict(referral, form):
            return await self._detail_page(
                request, db_session, referral, status_code=409, forms={key: form}, problem=problem
            )
        reason = DecisionForm.read(form, prefix=f"{key}_").reason
        if not form.is_valid:
            return await self._detail_page(request, db_session, referral, status_code=422, forms={key: form})
        services.decide(referral, request.user, status, reason)
        await events.referral_decided(db_session, referral, request.user)
        audit.record(
            db_session,
            request,
            f"referral_{key}",
            record_type="referral",
            record_id=referral.id,
            details={"status": status.value},
        )
        flash(request, _(done))
        return redirect_to(request, f"/referrals/{referral.id}")

    @post("/{referral_id:uuid}/decline")
    async def decline(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        referral: NamedDependency[Referral],
        data: FormData,
    ) -> Any:
        return await self._decide(
            request,
            db_session,
            referral,
            data,
            status=ReferralStatus.DECLINED,
            key="decline",
            done=N_("The referral was declined."),
        )

    @post("/{referral_id:uuid}/return")
    async def return_to_source(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        referral: NamedDependency[Referral],
        data: FormData,
    ) -> Any:
        return await self._decide(
            request,
            db_session,
            referral,
            data,
            status=ReferralStatus.RETURNED,
            key="return",
            done=N_("The referral was returned to the source."),
        )

    # Documents ------------------------------------------------------------------------------------------

    @post("/{referral_id:uuid}/documents", request_max_body_size=uploads.MAX_REQUEST_BYTES)
    async def upload(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        referrals: NamedDependency[ReferralService],
        db_session: NamedDependency[AsyncSession],
        referral: NamedDependency[Referral],
        data: MultipartData,
    ) -> Any:
        form, file = _upload_form(data)
        try:
            document = await referrals.attach_document(
                referral, form, file, document_store.for_request(request), actor
            )
        finally:
            await _close_uploads(data)
        if document is None:
            return await self._detail_page(
                request, db_session, referral, status_code=422, forms={"upload": form}
            )
        flash(request, _("The document was uploaded."))
        return redirect_to(request, f"/referrals/{referral.id}#documents")

    @get("/{referral_id:uuid}/documents/{document_id:uuid}")
    async def download(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        referral_id: FromPath[UUID],
        document_id: FromPath[UUID],
    ) -> Response[Any]:
        document = await db_session.scalar(
            select(Document).where(Document.id == document_id, Document.referral_id == referral_id)
        )
        if document is None:
            raise NotFoundException()
        await sealed.check_referral(db_session, referral_id, request.user)
        response = await document_store.for_request(request).download(db_session, document)
        if response is None:
            raise NotFoundException()
        audit.record(
            db_session,
            request,
            "document_download",
            record_type="document",
            record_id=document.id,
            details={"referral_id": str(referral_id)},
        )
        return response


def _upload_form(data: dict[str, Any] | None) -> tuple[Form, UploadFile | None]:
    """The upload form's text fields, and its file when one was sent (the last of each name)."""
    fields = {k: (v[-1] if isinstance(v, list) and v else v) for k, v in (data or {}).items()}
    file = fields.pop("file", None)
    form = Form.from_data({k: v for k, v in fields.items() if isinstance(v, str)})
    return form, file if isinstance(file, UploadFile) else None


async def _close_uploads(data: dict[str, Any] | None) -> None:
    """Close every file the request carried, used or not: their temporary copies go at once."""
    for value in (data or {}).values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, UploadFile):
                await item.close()


ROUTES: list[type[Controller]] = [ReferralController]
