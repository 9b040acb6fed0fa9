"""Coordinators keep the juror roster: the list, new volunteers, and each juror's page.

A juror's page gathers their details, status, oath and consent, court roles, declared
conflicts, training, service on hearing nights and portal access. Every view of it and
every change is written to the audit trail; audit details hold ids and codes, never names.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException, NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from youthcourt.accounts import events
from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.jurors import credits, records
from youthcourt.jurors.forms import ConsentForm, OathForm, PortalAccessForm, StatusForm
from youthcourt.jurors.models import ConflictDeclaration, CourtRole, Juror, JurorSource, JurorStatus
from youthcourt.jurors.records import JurorError, JurorFilters, JurorService, format_rate
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.programs.viewer import Viewer
from youthcourt.reference.services import policy as program_policy
from youthcourt.reference.services import progression_rules
from youthcourt.referrals.models import Youth
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData
from youthcourt.web.i18n import N_, _, format_plain_number, ngettext
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.search import ListSearch, posted_page, shown_address
from youthcourt.web.templating import is_htmx, page, redirect_to, wants_part

STALE = N_(
    "Someone else saved this juror's record while you were editing it. Nothing you typed was saved: "
    "your version is in the form below, and what is saved now is shown above it. "
    "Combine them and save again."
)
PORTAL_GIVEN = N_(
    "Portal access was given and the juror was emailed how to sign in. If they are new to Youthcourt, "
    "give them a temporary password below; if they already sign in elsewhere, their own password works."
)
STALE_ACTION = N_(
    "Someone else changed this juror's record at the same moment. Reload the page and try again."
)


async def save(db: AsyncSession) -> None:
    """Write the change now; a juror saved by someone else meanwhile (its version moved) is a 409."""
    try:
        await db.flush()
    except StaleDataError as error:
        raise HTTPException(status_code=409, detail=_(STALE_ACTION)) from error


async def juror_or_404(db: AsyncSession, juror_id: UUID) -> Juror:
    juror = await records.juror_or_none(db, juror_id)
    if juror is None:
        raise NotFoundException()
    return juror


class JurorRecordsController(Controller):
    path = "/jurors"
    guards = [requires_role(Role.COORDINATOR)]
    dependencies = {"jurors": Provide(create_service_provider(JurorService))}

    # The roster ---------------------------------------------------------------------------------

    @get("/", name="jurors")
    async def index(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        page_no: PageNumber = "1",
    ) -> Template:
        search = ListSearch.read(request, "/jurors", records.FILTER_FIELDS)
        return await self._roster(request, db_session, search, page_number(page_no))

    @post("/search", status_code=200)
    async def search(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], data: FormData
    ) -> Template:
        """The roster searched by name: the name comes in the body, so it stays out of addresses and logs."""
        search = ListSearch.read(request, "/jurors", records.FILTER_FIELDS, data)
        listed = await self._roster(request, db_session, search, posted_page(data))
        return shown_address(listed, request, search)

    async def _roster(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, search: ListSearch, number: int
    ) -> Template:
        filters = JurorFilters.of(search.values)
        results = await paginate(db_session, records.listing(filters), number)
        ids = [juror.id for juror in results.items]
        policy = await program_policy(db_session, request.user.program_id)
        # The roster names jurors, many of them minors: each page shown is on the audit trail.
        audit.record(
            db_session,
            request,
            "juror_list",
            record_type="juror",
            details={"page": results.number, "rows": len(results.items)},
        )
        context = {
            "results": results,
            "filters": filters,
            "search": search,
            "stats": await records.service_stats(db_session, ids),
            "flags": await records.absence_flags(db_session, ids, policy),
            "policy": policy,
            "statuses": records.STATUS_CHOICES,
            "sources": records.SOURCE_CHOICES,
            "number": format_plain_number,
            "rate": format_rate,
        }
        if wants_part(request, "juror-rows"):
            return page("jurors/records/_rows.html", **context)
        return page("jurors/records/list.html", schools=await records.schools(db_session), **context)

    @get("/new")
    async def new(self) -> Template:
        return page("jurors/records/new.html", form=Form())

    @post("/")
    async def create(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], data: FormData
    ) -> Any:
        viewer: Viewer = request.user
        form = Form.from_data(data)
        fields = records.read_details(form, viewer.today())
        if form.is_valid and await records.same_person(db_session, fields):
            form.error(
                "first_name",
                _(
                    "A juror with this name and date of birth is already on the roster. "
                    "Search the roster instead of adding them twice."
                ),
            )
        if not form.is_valid:
            return page("jurors/records/new.html", form=form, status_code=422)
        juror = Juror(
            program_id=viewer.program_id,
            source=JurorSource.VOLUNTEER,
            status=JurorStatus.APPLICANT,
            **fields,
        )
        db_session.add(juror)
        await db_session.flush()
        audit.record(
            db_session,
            request,
            "juror_create",
            record_type="juror",
            record_id=juror.id,
            details={"source": JurorSource.VOLUNTEER.value},
        )
        flash(request, _("The volunteer was added as an applicant."))
        return redirect_to(request, f"/jurors/{juror.id}")

    # One juror ----------------------------------------------------------------------------------

    @get("/{juror_id:uuid}")
    async def show(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        juror_id: FromPath[UUID],
    ) -> Template:
        juror = await juror_or_404(db_session, juror_id)
        return await self._juror_page(request, db_session, juror)

    async def _juror_page(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        juror: Juror,
        *,
        forms: dict[str, Form] | None = None,
        matches: list[Youth] | None = None,
        status_code: int = 200,
    ) -> Template:
        viewer: Viewer = request.user
        policy = await program_policy(db, viewer.program_id)
        stats = (await records.service_stats(db, [juror.id]))[juror.id]
        flags = await records.absence_flags(db, [juror.id], policy)
        today = viewer.today()
        defaults = {
            "status": Form(),
            "oath": Form(
                values={
                    "oath_signed_on": (juror.oath_signed_on or today).isoformat(),
                    "parent_consent_on": juror.parent_consent_on.isoformat()
                    if juror.parent_consent_on
                    else "",
                }
            ),
            "qualification": Form(values={"earned_on": today.isoformat()}),
            "conflict": Form(),
            "portal": Form(values={"email": juror.email}),
        }
        held = {q.role for q in juror.qualifications}
        rules = await progression_rules(db)
        progress = (await records.progress_of(db, [juror]))[juror.id]
        audit.record(db, request, "juror_view", record_type="juror", record_id=juror.id)
        return page(
            "jurors/records/detail.html",
            juror=juror,
            today=today,
            stats=stats,
            absences=flags.get(juror.id),
            policy=policy,
            balance=await credits.balance(db, juror.id),
            conflicts=await records.conflicts_of(db, juror),
            trainings=await records.trainings_of(db, juror),
            bookings=await records.recent_bookings(db, juror),
            forms={**defaults, **(forms or {})},
            matches=matches,
            next_statuses={s.value: _(s.label) for s in JurorStatus if s != juror.status},
            open_roles={r.value: _(r.label) for r in CourtRole if r not in held},
            progression=[
                (rule, records.unmet_prerequisites(rule, progress))
                for role, rule in rules.items()
                if role not in held
            ],
            progress=progress,
            number=format_plain_number,
            rate=format_rate,
            status_code=status_code,
        )

    # Details ------------------------------------------------------------------------------------

    @get("/{juror_id:uuid}/edit")
    async def edit(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        juror_id: FromPath[UUID],
    ) -> Template:
        juror = await juror_or_404(db_session, juror_id)
        audit.record(db_session, request, "juror_view", record_type="juror", record_id=juror.id)
        return page("jurors/records/edit.html", juror=juror, form=Form(values=records.detail_values(juror)))

    @post("/{juror_id:uuid}/edit")
    async def update(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        juror_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        juror = await juror_or_404(db_session, juror_id)
        form = Form.from_data(data)
        if form.get("version").strip() != str(juror.version):
            form.error("version", _(STALE))
            return page(
                "jurors/records/edit.html",
                juror=juror,
                form=form,
                saved=records.detail_values(juror),
                status_code=409,
            )
        fields = records.read_details(form, request.user.today())
        if form.is_valid and await records.same_person(db_session, fields, besides=juror.id):
            form.error("first_name", _("Another juror on the roster has this name and date of birth."))
        if not form.is_valid:
            return page("jurors/records/edit.html", juror=juror, form=form, status_code=422)
        changed = records.changed_fields(juror, fields)
        for name, value in fields.items():
            setattr(juror, name, value)
        await save(db_session)
        audit.record(
            db_session,
            request,
            "juror_update",
            record_type="juror",
            record_id=juror.id,
            details={"fields": changed},
        )
        flash(request, _("The juror's details were saved.") if changed else _("Nothing was changed."))
        return redirect_to(request, f"/jurors/{juror.id}")

    # Status, oath and consent ---------------------------------------------------------------------

    @post("/{juror_id:uuid}/status")
    async def change_status(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        juror_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        juror = await juror_or_404(db_session, juror_id)
        form = Form.from_data(data)
        wanted = StatusForm.read(form).status
        previous = juror.status
        withdrawn = 0
        if form.is_valid:
            try:
                withdrawn = await records.change_status(
                    db_session, juror, JurorStatus(wanted), request.user.today()
                )
            except JurorError as error:
                form.error("status", str(error))
            except StaleDataError as error:
                raise HTTPException(status_code=409, detail=_(STALE_ACTION)) from error
        if not form.is_valid:
            return await self._juror_page(request, db_session, juror, forms={"status": form}, status_code=422)
        audit.record(
            db_session,
            request,
            "juror_status_change",
            record_type="juror",
            record_id=juror.id,
            details={"from": previous.value, "to": wanted, "bookings_withdrawn": withdrawn},
        )
        message = _("The juror is now %(status)s.", status=_(juror.status.label).lower())
        if withdrawn:
            message += " " + ngettext(
                "Their %(num)s upcoming booking was withdrawn.",
                "Their %(num)s upcoming bookings were withdrawn.",
                withdrawn,
            )
        flash(request, message)
        return redirect_to(request, f"/jurors/{juror.id}")

    @post("/{juror_id:uuid}/oath")
    async def record_oath(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        juror_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        juror = await juror_or_404(db_session, juror_id)
        form = Form.from_data(data)
        today = request.user.today()
        oath = OathForm.read(form, today=today).oath_signed_on
        consent = juror.parent_consent_on
        if juror.source == JurorSource.VOLUNTEER:
            consent = ConsentForm.read(form, today=today).parent_consent_on
        born = juror.date_of_birth
        if born and oath and oath < born:
            form.error("oath_signed_on", _("The oath cannot be signed before the juror was born."))
        if born and consent and consent < born:
            form.error("parent_consent_on", _("The parent's consent cannot be before the juror was born."))
        if not form.is_valid:
            return await self._juror_page(request, db_session, juror, forms={"oath": form}, status_code=422)
        juror.oath_signed_on = oath
        juror.parent_consent_on = consent
        await save(db_session)
        audit.record(
            db_session,
            request,
            "juror_oath",
            record_type="juror",
            record_id=juror.id,
            details={"oath": True, "parent_consent": consent is not None},
        )
        flash(
            request,
            _("The oath and the parent's consent were recorded.") if consent else _("The oath was recorded."),
        )
        return redirect_to(request, f"/jurors/{juror.id}")

    # Court roles --------------------------------------------------------------------------------

    @post("/{juror_id:uuid}/qualifications")
    async def add_qualification(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        jurors: NamedDependency[JurorService],
        actor: NamedDependency[Actor],
        juror_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        juror = await juror_or_404(db_session, juror_id)
        form = Form.from_data(data)
        added = await jurors.add_qualification(actor, juror, form)
        if added is None:
            return await self._juror_page(
                request, db_session, juror, forms={"qualification": form}, status_code=422
            )
        flash(request, added.message)
        return redirect_to(request, f"/jurors/{juror.id}#roles")

    # Conflicts ----------------------------------------------------------------------------------

    @post("/{juror_id:uuid}/conflicts/search")
    async def search_youth(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        juror_id: FromPath[UUID],
        data: FormData,
    ) -> Template:
        """Names are searched by POST so they stay out of addresses and server logs."""
        juror = await juror_or_404(db_session, juror_id)
        form = Form.from_data(data)
        search = form.get("youth_search").strip()
        matches = await records.youth_matches(db_session, juror, search)
        if is_htmx(request):
            return page("jurors/records/_youth_matches.html", juror=juror, matches=matches, form=form)
        return await self._juror_page(request, db_session, juror, forms={"conflict": form}, matches=matches)

    @post("/{juror_id:uuid}/conflicts")
    async def declare_conflict(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        jurors: NamedDependency[JurorService],
        actor: NamedDependency[Actor],
        juror_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        juror = await juror_or_404(db_session, juror_id)
        form = Form.from_data(data)
        youth = await records.youth_or_none(db_session, form.get("youth_id"))
        if youth is None:
            raise NotFoundException()
        portal_url = str(request.base_url).rstrip("/") + "/me"
        reseated = await jurors.declare_conflict(actor, juror, youth, form, portal_url=portal_url)
        if reseated is None:
            return await self._juror_page(
                request, db_session, juror, forms={"conflict": form}, status_code=422
            )
        flash(request, _("The conflict was declared: the juror will be kept off that youth's hearings."))
        for change in reseated:
            flash(request, change.notice, "info")
        return redirect_to(request, f"/jurors/{juror.id}#conflicts")

    @post("/{juror_id:uuid}/conflicts/{conflict_id:uuid}/remove")
    async def remove_conflict(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        juror_id: FromPath[UUID],
        conflict_id: FromPath[UUID],
    ) -> Any:
        juror = await juror_or_404(db_session, juror_id)
        declaration = await db_session.scalar(
            select(ConflictDeclaration).where(
                ConflictDeclaration.id == conflict_id, ConflictDeclaration.juror_id == juror.id
            )
        )
        if declaration is None:
            raise NotFoundException()
        youth_id = declaration.youth_id
        await db_session.delete(declaration)
        audit.record(
            db_session,
            request,
            "juror_conflict_remove",
            record_type="juror",
            record_id=juror.id,
            details={"youth_id": str(youth_id), "conflict_id": str(conflict_id)},
        )
        flash(request, _("The conflict was removed."))
        return redirect_to(request, f"/jurors/{juror.id}#conflicts")

    # Portal access ------------------------------------------------------------------------------

    @post("/{juror_id:uuid}/portal")
    async def give_portal_access(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        juror_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        """The same answer whether or not the email had an account, here or in another program."""
        juror = await juror_or_404(db_session, juror_id)
        form = Form.from_data(data)
        email = PortalAccessForm.read(form).email
        user = None
        if form.is_valid:
            try:
                user = await records.give_portal_access(db_session, juror, email)
            except JurorError as error:
                form.error("email", str(error))
            except StaleDataError as error:
                raise HTTPException(status_code=409, detail=_(STALE_ACTION)) from error
        if user is None:
            return await self._juror_page(request, db_session, juror, forms={"portal": form}, status_code=422)
        audit.record(
            db_session,
            request,
            "juror_portal_access",
            record_type="juror",
            record_id=juror.id,
            details={"user_id": str(user.id)},
        )
        await events.announce(
            db_session,
            request,
            program_id=juror.program_id,
            email=email,
            name=juror.full_name,
            role=Role.JUROR,
        )
        flash(request, _(PORTAL_GIVEN))
        return redirect_to(request, f"/jurors/{juror.id}#portal")

    @post("/{juror_id:uuid}/portal/password")
    async def give_temporary_password(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        juror_id: FromPath[UUID],
    ) -> Template:
        juror = await juror_or_404(db_session, juror_id)
        try:
            temporary = await records.give_temporary_password(db_session, juror)
        except JurorError as error:
            raise HTTPException(status_code=409, detail=str(error)) from error
        except PermissionError as error:
            raise PermissionDeniedException(str(error)) from error
        audit.record(db_session, request, "juror_portal_password", record_type="juror", record_id=juror.id)
        # Shown on this response only, never stored or sent again.
        return page("jurors/records/portal_created.html", juror=juror, temporary=temporary)


ROUTES: list[type[Controller]] = [JurorRecordsController]
