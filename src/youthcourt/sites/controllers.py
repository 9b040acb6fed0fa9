"""Pages of partner sites: the directory, a sanction's placement and links, and the supervisor's page."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit.service import Actor
from youthcourt.clock import utc_now
from youthcourt.private_links import links
from youthcourt.private_links.links import IssuedLink
from youthcourt.programs.guards import PUBLIC, requires_role
from youthcourt.programs.models import Role
from youthcourt.reference.models import SanctionType, amount_text
from youthcourt.sanctions.services import SANCTION_IN_PATH, SanctionPage
from youthcourt.sites import services
from youthcourt.sites.forms import KIND_CHOICES, kind_names
from youthcourt.sites.models import PartnerSite
from youthcourt.sites.services import (
    HOURS,
    PlacementPage,
    PlacementService,
    SiteService,
    SupervisorView,
    confirmation_defaults,
    link_form_defaults,
    site_form_values,
)
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData
from youthcourt.web.i18n import _, format_day
from youthcourt.web.pagination import PageNumber, page_number
from youthcourt.web.templating import page, redirect_to

KindFilter = Annotated[str, QueryParameter(name="kind", required=False)]
STAFF = [requires_role(Role.COORDINATOR, Role.PROGRAM_ADMIN)]


def site_form_page(form: Form, site: PartnerSite | None = None, *, status_code: int = 200) -> Template:
    return page("sites/form.html", form=form, site=site, kinds=kind_names(), status_code=status_code)


class SiteController(Controller):
    """The program's directory of partner sites, for coordinators and admins."""

    path = "/sites"
    guards = STAFF
    dependencies = {"sites": Provide(create_service_provider(SiteService))}

    @get("/")
    async def index(
        self,
        sites: NamedDependency[SiteService],
        actor: NamedDependency[Actor],
        kind: KindFilter = "",
        status: FromQuery[str] = services.ACTIVE,
        page_no: PageNumber = "1",
    ) -> Template:
        status = status if status in services.STATUSES else services.ACTIVE
        chosen = SanctionType(kind) if kind in KIND_CHOICES else None
        results, rows = await sites.directory(chosen, status, page_number(page_no), actor)
        filters = {"kind": chosen.value if chosen else "", "status": status}
        return page(
            "sites/list.html",
            results=results,
            rows=rows,
            filters=filters,
            query=urlencode(filters),
            kinds=kind_names(),
            statuses={value: _(text) for value, text in services.STATUSES.items()},
        )

    @get("/new")
    async def new(self) -> Template:
        return site_form_page(Form(values={"capacity": "1"}))

    @post("/new")
    async def create(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        sites: NamedDependency[SiteService],
        actor: NamedDependency[Actor],
        data: FormData,
    ) -> Any:
        form = Form.from_data(data)
        site = await sites.create(form, actor)
        if site is None:
            return site_form_page(form, status_code=422)
        flash(request, _("%(site)s was added to the partner sites.", site=site.name))
        return redirect_to(request, f"/sites/{site.id}")

    @get("/{site_id:uuid}")
    async def show(
        self,
        sites: NamedDependency[SiteService],
        actor: NamedDependency[Actor],
        site_id: FromPath[UUID],
        page_no: PageNumber = "1",
    ) -> Template:
        loaded = await sites.view(site_id, page_number(page_no), actor)
        return page(
            "sites/detail.html", loaded=loaded, site=loaded.site, kinds=kind_names(), amount_text=amount_text
        )

    @get("/{site_id:uuid}/edit")
    async def edit(self, sites: NamedDependency[SiteService], site_id: FromPath[UUID]) -> Template:
        site = await sites.load(site_id)
        return site_form_page(site_form_values(site), site)

    @post("/{site_id:uuid}/edit")
    async def update(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        sites: NamedDependency[SiteService],
        actor: NamedDependency[Actor],
        site_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        site = await sites.load(site_id)
        form = Form.from_data(data)
        if not await sites.update(site, form, actor):
            return site_form_page(form, site, status_code=422)
        flash(request, _("%(site)s was saved.", site=site.name))
        return redirect_to(request, f"/sites/{site.id}")

    @post("/{site_id:uuid}/active")
    async def set_active(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        sites: NamedDependency[SiteService],
        actor: NamedDependency[Actor],
        site_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        site = await sites.load(site_id)
        await sites.set_active(site, Form.from_data(data).get("active") == "true", actor)
        if site.is_active:
            flash(request, _("%(site)s is active.", site=site.name))
        else:
            flash(request, _("%(site)s is inactive.", site=site.name))
        return redirect_to(request, f"/sites/{site.id}")


# ---------------------------------------------------------------------------------------------
# A sanction's placement


def placement_page(
    request: Request[Any, Any, Any],
    loaded: PlacementPage,
    *,
    place_form: Form | None = None,
    link_form: Form | None = None,
    issued: IssuedLink | None = None,
    problem: str = "",
    status_code: int = 200,
) -> Template:
    today = request.user.today()
    address = f"{str(request.base_url).rstrip('/')}{issued.path}" if issued else ""
    site = loaded.placement.site if loaded.placement else None
    mail = ""
    if issued and site and site.email:
        subject = quote(_("Confirm hours for a youth court placement"))
        mail = f"mailto:{quote(site.email)}?subject={subject}&body={quote(address)}"
    return page(
        "sites/placement.html",
        loaded=loaded,
        sanction=loaded.loaded.sanction,
        case=loaded.loaded.case,
        summary=loaded.loaded.summary,
        place_form=place_form or Form(values={"placed_on": today.isoformat()}),
        link_form=link_form or link_form_defaults(loaded),
        issued=issued,
        address=address,
        mail=mail,
        amount_text=amount_text,
        sanction_name=kind_names().get(
            loaded.loaded.sanction.sanction_type.value, loaded.loaded.summary.label
        ),
        now=utc_now(),
        problem=problem,
        status_code=status_code,
    )


class PlacementController(Controller):
    """Where a sanction is served, and the private links its site's supervisor confirms hours with."""

    path = "/sanctions/{sanction_id:uuid}/placement"
    guards = [requires_role(Role.COORDINATOR)]
    dependencies = {"placements": Provide(create_service_provider(PlacementService)), **SANCTION_IN_PATH}

    @get("/")
    async def placement(
        self,
        request: Request[Any, Any, Any],
        placements: NamedDependency[PlacementService],
        actor: NamedDependency[Actor],
        loaded: NamedDependency[SanctionPage],
    ) -> Template:
        return placement_page(request, await placements.view(loaded, actor))

    @post("/")
    async def place(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        placements: NamedDependency[PlacementService],
        actor: NamedDependency[Actor],
        loaded: NamedDependency[SanctionPage],
        data: FormData,
    ) -> Any:
        current = await placements.page(loaded)
        form = Form.from_data(data)
        change = await placements.place(current, form, actor)
        if change.problem:
            return placement_page(request, current, place_form=form, problem=change.problem, status_code=409)
        if not form.is_valid:
            return placement_page(request, current, place_form=form, status_code=422)
        if change.moved:
            flash(request, _("The placement was saved. Links given to the previous site no longer work."))
        else:
            flash(request, _("The placement was saved."))
        return redirect_to(request, f"/sanctions/{loaded.sanction.id}/placement")

    @post("/links")
    async def give_link(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        placements: NamedDependency[PlacementService],
        actor: NamedDependency[Actor],
        loaded: NamedDependency[SanctionPage],
        data: FormData,
    ) -> Template:
        """Answers with the page showing the new address: the only time it is shown, as it is not stored."""
        current = await placements.page(loaded)
        form = Form.from_data(data)
        issued = await placements.give_link(current, form, actor)
        if issued is None:
            return placement_page(request, current, link_form=form, status_code=422)
        return placement_page(request, await placements.page(loaded), issued=issued)

    @post("/links/{link_id:uuid}/revoke")
    async def revoke_link(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        placements: NamedDependency[PlacementService],
        actor: NamedDependency[Actor],
        loaded: NamedDependency[SanctionPage],
        link_id: FromPath[UUID],
    ) -> Any:
        await placements.revoke_link(await placements.page(loaded), link_id, actor)
        flash(request, _("The link was revoked: it no longer opens anything."))
        return redirect_to(request, f"/sanctions/{loaded.sanction.id}/placement")


# ---------------------------------------------------------------------------------------------
# The supervisor's page, opened by the private link


def supervisor_page(view: SupervisorView, form: Form, *, status_code: int = 200) -> Template:
    response = page(
        "sites/supervisor.html",
        view=view,
        summary=view.summary,
        form=form,
        status_code=status_code,
    )
    response.headers.update(links.HEADERS)
    return response


class SupervisorController(Controller):
    """Public: the secret in the address is the key, and it opens this one page for one placement."""

    @get(links.route_path(HOURS), opt=PUBLIC, include_in_schema=False)
    async def hours(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        token: FromPath[str],
    ) -> Template:
        link = await links.open_link(db_session, token, HOURS)
        view = await services.supervisor_view(db_session, link)
        links.audit_as(
            db_session,
            request,
            link,
            HOURS,
            "site_link_view",
            record_type="sanction",
            record_id=view.summary.sanction.id,
        )
        return supervisor_page(view, confirmation_defaults(view))

    @post(links.route_path(HOURS), opt=PUBLIC, include_in_schema=False)
    async def confirm_hours(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        token: FromPath[str],
        data: FormData,
    ) -> Any:
        link = await links.open_link(db_session, token, HOURS)
        view = await services.supervisor_view(db_session, link)
        form = Form.from_data(data)
        sanction_type = view.summary.sanction.sanction_type  # read now: a repeat rolls the transaction
        # back, which expires the view's rows
        confirmed = await services.confirm(db_session, view, form, actor)
        if confirmed is None:
            return supervisor_page(view, form, status_code=422)
        # A double tap sends the form twice: whichever answer the phone shows, it is the same thanks
        # (the hours went in once; the repeat recorded nothing).
        assert confirmed.amount is not None and confirmed.occurred_on is not None
        flash(
            request,
            _(
                "Thank you: %(amount)s on %(day)s were recorded.",
                amount=amount_text(sanction_type, confirmed.amount),
                day=format_day(confirmed.occurred_on, "day"),
            ),
        )
        return Redirect(links.address(HOURS, token), status_code=303, headers=links.HEADERS)


ROUTES: list[type[Controller]] = [SiteController, PlacementController, SupervisorController]
