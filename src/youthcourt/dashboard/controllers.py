"""The coordinator's home: what needs attention today."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit.service import previous_sign_in
from youthcourt.cases import contacts
from youthcourt.dashboard import services
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.programs.viewer import Viewer
from youthcourt.reference.services import policy as program_policy
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.templating import page


class DashboardController(Controller):
    guards = [requires_role(Role.COORDINATOR)]

    @get("/dashboard")
    async def dashboard(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Template:
        viewer: Viewer = request.user
        today = viewer.today()
        policy = await program_policy(db_session, viewer.program_id)
        return page(
            "dashboard/dashboard.html",
            today=today,
            policy=policy,
            states=await services.cases_by_state(db_session),
            nights=await services.upcoming_nights(db_session, today),
            overdue=await services.overdue_sanctions(db_session, today),
            uncontacted=await services.families_not_contacted(
                db_session, today, policy.contact_interval_days
            ),
            waiting=await services.waiting_referrals(db_session, today, policy),
            follow_ups=await services.follow_ups_due(db_session, today),
            previous=await previous_sign_in(db_session, viewer.user_id),
        )

    @get("/dashboard/families-to-contact", name="families_to_contact")
    async def families_to_contact(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        page_no: PageNumber = "1",
    ) -> Template:
        """Every case the dashboard counts as overdue for a contact with the family, a page at a time."""
        viewer: Viewer = request.user
        today = viewer.today()
        policy = await program_policy(db_session, viewer.program_id)
        cutoff = contacts.contact_cutoff(today, policy.contact_interval_days)
        return page(
            "dashboard/families_to_contact.html",
            today=today,
            policy=policy,
            results=await paginate(
                db_session, contacts.FAMILIES_NOT_CONTACTED, page_number(page_no), params=cutoff
            ),
        )


ROUTES: list[type[Controller]] = [DashboardController]
