"""The partner-site directory, placing sanctions at sites, and the supervisor's confirmations.

A coordinator places a sanction (community service, a workshop) at a partner site and gives
the site's supervisor a private link (:mod:`youthcourt.private_links.links`, purpose
:data:`HOURS`, subject: the placement). Through it, on a phone and without an account, the
supervisor sees the least they need (the youth's first name and last initial, the sanction, what
was ordered and what is done) and confirms hours on a day. Confirmations go through
:func:`youthcourt.sanctions.services.record_progress`, marked as verified by the site, so they
count toward the sanction and can complete it like any other progress.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from litestar.exceptions import NotFoundException
from sqlalchemy import ScalarSelect, Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.cases.models import Case
from youthcourt.private_links import links
from youthcourt.private_links.links import IssuedLink, Purpose
from youthcourt.private_links.models import PrivateLink
from youthcourt.programs.viewer import program_today
from youthcourt.reference.models import SanctionType, amount_text, type_label
from youthcourt.sanctions.forms import DECIMAL_TYPES, as_amount
from youthcourt.sanctions.models import Sanction, SanctionStatus
from youthcourt.sanctions.services import PROGRESS_KINDS, SanctionPage, SanctionSummary, record_progress
from youthcourt.sites.forms import (
    LINK_DAYS_DEFAULT,
    ConfirmationForm,
    LinkForm,
    PlacementForm,
    SiteForm,
    WholeConfirmationForm,
)
from youthcourt.sites.models import PLACEABLE_TYPES, PartnerSite, Placement, SiteWork
from youthcourt.web.forms import Form, new_submission_token
from youthcourt.web.i18n import N_, _
from youthcourt.web.pagination import Page, paginate

HOURS = Purpose("site_hours", "hours", "Partner site link")
"""A supervisor's link: confirm hours for one placement."""

ACTIVE, INACTIVE, ALL = "active", "inactive", "all"
STATUSES = {ACTIVE: N_("Active"), INACTIVE: N_("Inactive"), ALL: N_("All")}
"""The directory's status filter; its options are translated where shown."""


def placed_column() -> ScalarSelect[int]:
    """How many open sanctions are placed at each site, as a column of a query selecting ``PartnerSite``."""
    return (
        select(func.count(Placement.id))
        .join(Sanction, Sanction.id == Placement.sanction_id)
        .where(Placement.site_id == PartnerSite.id, Sanction.status == SanctionStatus.OPEN)
        .correlate(PartnerSite)
        .scalar_subquery()
    )


def directory_query(kind: SanctionType | None, status: str) -> Select[Any]:
    """The program's sites with how many youth each holds now, by name (two queries a page)."""
    query = (
        select(PartnerSite, placed_column().label("placed"))
        .options(selectinload(PartnerSite.work))
        .order_by(PartnerSite.name, PartnerSite.id)
    )
    if status != ALL:
        query = query.where(PartnerSite.is_active.is_(status == ACTIVE))
    if kind is not None:
        query = query.where(PartnerSite.id.in_(select(SiteWork.site_id).where(SiteWork.kind == kind)))
    return query


@dataclass(frozen=True)
class SiteRow:
    site: PartnerSite
    placed: int

    @property
    def full(self) -> bool:
        return self.placed >= self.site.capacity


@dataclass(frozen=True)
class PlacedHere:
    """One sanction placed at a site, as the site's page lists it (no youth's name: admins read it too)."""

    placement: Placement
    summary: SanctionSummary
    case_number: str


@dataclass(frozen=True)
class SitePage:
    site: PartnerSite
    placed: int
    placements: Page[Any]
    rows: list[PlacedHere]


def site_form_values(site: PartnerSite) -> Form:
    values = {
        name: str(getattr(site, name))
        for name in ("name", "address", "contact_name", "phone", "email", "capacity", "notes")
    }
    form = Form(values=values)
    form.values["kinds"] = [kind.value for kind in site.kinds]  # type: ignore[assignment]
    return form


class SiteService(SQLAlchemyAsyncRepositoryService[PartnerSite]):
    """The program's directory of partner sites: listing, adding, editing, and each site's placements."""

    class Repository(SQLAlchemyAsyncRepository[PartnerSite]):
        model_type = PartnerSite

    repository_type = Repository

    @property
    def db(self) -> AsyncSession:
        return self.repository.session

    async def directory(
        self, kind: SanctionType | None, status: str, number: int, actor: Actor
    ) -> tuple[Page[Any], list[SiteRow]]:
        results = await paginate(self.db, directory_query(kind, status), number)
        rows = [SiteRow(site, int(placed or 0)) for site, placed in results.items]
        return results, rows

    async def load(self, site_id: UUID) -> PartnerSite:
        """A site of the program with its kinds of work; 404 when unknown or another program's."""
        site = await self.db.scalar(
            select(PartnerSite).where(PartnerSite.id == site_id).options(selectinload(PartnerSite.work))
        )
        if site is None:
            raise NotFoundException()
        return site

    async def _name_taken(self, name: str, site_id: UUID | None) -> bool:
        query = select(PartnerSite.id).where(func.lower(PartnerSite.name) == name.lower())
        if site_id is not None:
            query = query.where(PartnerSite.id != site_id)
        return await self.db.scalar(query.limit(1)) is not None

    async def _read(self, form: Form, site_id: UUID | None) -> SiteForm | None:
        values = SiteForm.read(form)
        if values.name and not values.has_error("name") and await self._name_taken(values.name, site_id):
            values.error("name", _("Another partner site already has this name. Choose a different name."))
        return values if form.is_valid else None

    async def create(self, form: Form, actor: Actor) -> PartnerSite | None:
        """Add a site from the form; None with the errors on the form."""
        values = await self._read(form, None)
        if values is None:
            return None
        program_id = actor.viewer.program_id
        site = PartnerSite(program_id=program_id, **_columns(values))
        site.work = [SiteWork(program_id=program_id, kind=SanctionType(kind)) for kind in values.kinds]
        self.db.add(site)
        await self.db.flush()
        audit.record(
            self.db,
            actor,
            "partner_site_add",
            record_type="partner_site",
            record_id=site.id,
            details={"kinds": ", ".join(values.kinds), "capacity": values.capacity},
        )
        return site

    async def update(self, site: PartnerSite, form: Form, actor: Actor) -> bool:
        """Save the form onto ``site``; False with the errors on the form. The trail names the fields changed."""
        values = await self._read(form, site.id)
        if values is None:
            return False
        columns = _columns(values)
        changed = [name for name, value in columns.items() if getattr(site, name) != value]
        if [kind.value for kind in site.kinds] != values.kinds:
            changed.append("kinds")
            wanted = set(values.kinds)
            site.work = [entry for entry in site.work if entry.kind.value in wanted] + [
                SiteWork(program_id=site.program_id, kind=SanctionType(kind))
                for kind in values.kinds
                if kind not in {entry.kind.value for entry in site.work}
            ]
        for name, value in columns.items():
            setattr(site, name, value)
        if changed:
            audit.record(
                self.db,
                actor,
                "partner_site_edit",
                record_type="partner_site",
                record_id=site.id,
                details={"fields": ", ".join(changed)},
            )
        return True

    async def set_active(self, site: PartnerSite, active: bool, actor: Actor) -> None:
        if site.is_active == active:
            return
        site.is_active = active
        audit.record(
            self.db,
            actor,
            "partner_site_edit",
            record_type="partner_site",
            record_id=site.id,
            details={"fields": "is_active", "active": active},
        )

    async def view(self, site_id: UUID, number: int, actor: Actor) -> SitePage:
        """A site with the open sanctions placed there (a page of them), audited as a read of those sanctions."""
        site = await self.load(site_id)
        placed = await self.db.scalar(
            select(placed_column()).select_from(PartnerSite).where(PartnerSite.id == site.id)
        )
        query = (
            select(Placement, Case.number)
            .join(Sanction, Sanction.id == Placement.sanction_id)
            .join(Case, Case.id == Sanction.case_id)
            .where(Placement.site_id == site.id, Sanction.status == SanctionStatus.OPEN)
            .options(selectinload(Placement.sanction).selectinload(Sanction.progress))
            .order_by(Placement.placed_on.desc(), Placement.id)
        )
        results = await paginate(self.db, query, number)
        rows = [PlacedHere(p, SanctionSummary.of(p.sanction), number_) for p, number_ in results.items]
        audit.record(
            self.db,
            actor,
            "partner_site_view",
            record_type="partner_site",
            record_id=site.id,
            details={"placements": len(rows)},
        )
        return SitePage(site, int(placed or 0), results, rows)


def _columns(values: SiteForm) -> dict[str, Any]:
    return {
        "name": values.name,
        "address": values.address,
        "contact_name": values.contact_name,
        "phone": values.phone,
        "email": values.email,
        "capacity": values.capacity,
        "notes": values.notes,
    }


# ---------------------------------------------------------------------------------------------
# Placing a sanction and giving its supervisor a link


@dataclass(frozen=True)
class SiteChoice:
    site: PartnerSite
    placed: int

    @property
    def text(self) -> str:
        if self.placed >= self.site.capacity:
            return _("%(site)s (full)", site=self.site.name)
        return _(
            "%(site)s (%(placed)s of %(capacity)s placed)",
            site=self.site.name,
            placed=self.placed,
            capacity=self.site.capacity,
        )


@dataclass(frozen=True)
class PlacementPage:
    """A sanction's placement page: where it is served, the sites it could go to, the links given out."""

    loaded: SanctionPage
    placement: Placement | None
    choices: list[SiteChoice]
    links: list[PrivateLink]

    @property
    def options(self) -> dict[str, str]:
        return {str(choice.site.id): choice.text for choice in self.choices}


@dataclass(frozen=True)
class PlacementChange:
    problem: str = ""
    """Why the placement cannot change (the case is closed): a 409 page."""
    moved: bool = False


def placeable(loaded: SanctionPage) -> None:
    """Only sanctions a partner delivers have a placement page: 404 for the others."""
    if loaded.sanction.sanction_type not in PLACEABLE_TYPES:
        raise NotFoundException()


class PlacementService(SQLAlchemyAsyncRepositoryService[Placement]):
    """A coordinator places a sanction at a site and gives the site's supervisor private links."""

    class Repository(SQLAlchemyAsyncRepository[Placement]):
        model_type = Placement

    repository_type = Repository

    @property
    def db(self) -> AsyncSession:
        return self.repository.session

    async def page(self, loaded: SanctionPage) -> PlacementPage:
        placeable(loaded)
        sanction = loaded.sanction
        placement = await self.db.scalar(
            select(Placement)
            .where(Placement.sanction_id == sanction.id)
            .options(selectinload(Placement.site))
        )
        rows = await self.db.execute(
            select(PartnerSite, placed_column())
            .where(
                PartnerSite.is_active.is_(True),
                PartnerSite.id.in_(select(SiteWork.site_id).where(SiteWork.kind == sanction.sanction_type)),
            )
            .order_by(PartnerSite.name)
        )
        choices = [SiteChoice(site, int(placed or 0)) for site, placed in rows.all()]
        given = await links.links_for(self.db, HOURS, [placement.id]) if placement else []
        return PlacementPage(loaded, placement, choices, given)

    async def view(self, loaded: SanctionPage, actor: Actor) -> PlacementPage:
        """The placement page, which names the youth: reading it is audited."""
        placement_page = await self.page(loaded)
        audit.record(
            self.db,
            actor,
            "sanction_placement_view",
            record_type="sanction",
            record_id=loaded.sanction.id,
            details={"case_id": str(loaded.case.id)},
        )
        return placement_page

    async def place(self, page: PlacementPage, form: Form, actor: Actor) -> PlacementChange:
        """Place the sanction at the chosen site, or move it; moving revokes the old supervisor's links."""
        case = page.loaded.case
        if case.state.is_closed:
            return PlacementChange(problem=_("The case is closed: its placement can no longer change."))
        chosen = PlacementForm.read(form, today=actor.viewer.today(), options={"site": page.options})
        if not form.is_valid:
            return PlacementChange()
        site_id = UUID(chosen.site)
        placement = page.placement
        previous = placement.site_id if placement else None
        if placement is None:
            placement = Placement(
                program_id=case.program_id,
                sanction_id=page.loaded.sanction.id,
                site_id=site_id,
                placed_on=chosen.placed_on,
            )
            self.db.add(placement)
            await self.db.flush()
        elif previous != site_id:
            await links.revoke_all(self.db, HOURS, placement.id)
            placement.site_id, placement.placed_on = site_id, chosen.placed_on
        else:
            placement.placed_on = chosen.placed_on
        audit.record(
            self.db,
            actor,
            "sanction_placement_set",
            record_type="sanction",
            record_id=page.loaded.sanction.id,
            details={
                "case_id": str(case.id),
                "site_id": str(site_id),
                "previous_site_id": str(previous) if previous else None,
            },
        )
        return PlacementChange(moved=previous is not None and previous != site_id)

    async def give_link(self, page: PlacementPage, form: Form, actor: Actor) -> IssuedLink | None:
        """A new link for the supervisor of the sanction's site; None with the errors on the form."""
        placement = page.placement
        if placement is None or page.loaded.case.state.is_closed:
            raise NotFoundException()
        values = LinkForm.read(form)
        if not form.is_valid:
            return None
        issued = await links.issue(
            self.db,
            HOURS,
            placement.id,
            program_id=placement.program_id,
            valid_for=datetime.timedelta(days=values.valid_days),
            created_by=actor.viewer,
            label=values.label,
        )
        audit.record(
            self.db,
            actor,
            "site_link_issue",
            record_type="sanction",
            record_id=page.loaded.sanction.id,
            details={
                "link_id": str(issued.link.id),
                "days": values.valid_days,
                "site_id": str(placement.site_id),
            },
        )
        return issued

    async def revoke_link(self, page: PlacementPage, link_id: UUID, actor: Actor) -> None:
        if page.placement is None:
            raise NotFoundException()
        link = await links.find(self.db, HOURS, page.placement.id, link_id)
        if links.revoke(link):
            audit.record(
                self.db,
                actor,
                "site_link_revoke",
                record_type="sanction",
                record_id=page.loaded.sanction.id,
                details={"link_id": str(link.id)},
            )


def link_form_defaults(page: PlacementPage) -> Form:
    label = page.placement.site.contact_name if page.placement else ""
    return Form(values={"label": label, "valid_days": str(LINK_DAYS_DEFAULT)})


# ---------------------------------------------------------------------------------------------
# The supervisor's page


@dataclass(frozen=True)
class SupervisorView:
    """What a site's supervisor sees: the youth's first name and last initial, the sanction and its
    progress. Nothing else about the case."""

    link: PrivateLink
    placement: Placement
    summary: SanctionSummary
    youth_name: str
    today: datetime.date
    open: bool
    """Whether hours can still be confirmed (the case is open and the sanction not closed by hand)."""

    @property
    def site(self) -> PartnerSite:
        return self.placement.site

    @property
    def unit(self) -> str:
        return self.summary.sanction.sanction_type.unit

    @property
    def sanction_name(self) -> str:
        """The sanction's name in the page's language."""
        return type_label(self.summary.sanction.sanction_type)

    def amount_text(self, amount: Decimal | int) -> str:
        """An amount in the sanction's unit, in the page's language: "3 hours", "3 horas"."""
        return amount_text(self.summary.sanction.sanction_type, amount)

    @property
    def decimals(self) -> bool:
        return self.summary.sanction.sanction_type in DECIMAL_TYPES

    @property
    def earliest(self) -> datetime.date:
        """No hours before the placement (nor before the sentence)."""
        return max(self.placement.placed_on, self.summary.sanction.disposition.decided_on)


async def supervisor_view(db: AsyncSession, link: PrivateLink) -> SupervisorView:
    """The placement behind an opened link; 404 when it is gone or its case is sealed."""
    placement = await db.scalar(
        select(Placement)
        .where(Placement.id == link.subject_id)
        .options(
            selectinload(Placement.site),
            selectinload(Placement.sanction).selectinload(Sanction.progress),
            selectinload(Placement.sanction).selectinload(Sanction.disposition),
            selectinload(Placement.sanction).selectinload(Sanction.case).selectinload(Case.youth),
        )
    )
    if placement is None:
        raise NotFoundException()
    case = placement.sanction.case
    if case.sealed_at is not None or case.expunged_at is not None:
        raise NotFoundException()
    youth = case.youth
    summary = SanctionSummary.of(placement.sanction)
    is_open = not case.state.is_closed and placement.sanction.status != SanctionStatus.NOT_COMPLETED
    return SupervisorView(
        link,
        placement,
        summary,
        f"{youth.first_name} {youth.last_name[:1]}.",
        await program_today(db, link.program_id),
        is_open,
    )


def confirmation_defaults(view: SupervisorView) -> Form:
    return Form(values={"occurred_on": view.today.isoformat(), "submission_token": new_submission_token()})


@dataclass(frozen=True)
class Confirmed:
    amount: Decimal | None = None
    occurred_on: datetime.date | None = None
    repeated: bool = False
    """The same form had been sent already: nothing new was recorded."""


async def confirm(db: AsyncSession, view: SupervisorView, form: Form, actor: Actor) -> Confirmed | None:
    """Record hours the supervisor confirms, verified by the site; None with the errors on the form.

    The form's submission token makes a double-click record once: the token is unique per
    program in the progress table, so two requests at the same moment cannot both insert it.
    """
    if not view.open:
        raise NotFoundException()
    reader = ConfirmationForm if view.decimals else WholeConfirmationForm
    values = reader.read(form, today=view.today)
    if values.occurred_on and not values.has_error("occurred_on") and values.occurred_on < view.earliest:
        values.error("occurred_on", _("The date cannot be before %(day)s.", day=view.earliest.isoformat()))
    if not form.is_valid:
        return None
    sanction = view.summary.sanction
    amount = as_amount(values.amount)
    assert amount is not None and values.occurred_on is not None
    try:
        result = await record_progress(
            db,
            sanction,
            PROGRESS_KINDS[sanction.sanction_type][0],
            amount,
            values.occurred_on,
            site=view.site.name,
            verified_by=view.link.label or view.site.contact_name,
            verified_by_site=True,
            notes=values.notes,
            submission_token=values.submission_token or None,
        )
    except IntegrityError:
        await db.rollback()
        return Confirmed(amount, values.occurred_on, repeated=True)
    if not result.created:
        return Confirmed(amount, values.occurred_on, repeated=True)
    links.audit_as(
        db,
        actor,
        view.link,
        HOURS,
        "site_hours_confirm",
        record_type="sanction",
        record_id=sanction.id,
        details={
            "case_id": str(sanction.case_id),
            "amount": str(amount),
            "occurred_on": values.occurred_on.isoformat(),
            "completed": result.completed,
        },
    )
    return Confirmed(amount, values.occurred_on)
