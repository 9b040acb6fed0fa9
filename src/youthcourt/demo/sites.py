"""Demo partner sites: four places in the community, the open sanctions placed there, and hours
their supervisors confirmed through their private links.

Written as plain rows (no link's secret is kept: the demo's links are made and thrown away, as a
coordinator's would be once given out), in a handful of statements whatever the demo holds.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from youthcourt.private_links import links
from youthcourt.programs.viewer import today_in
from youthcourt.reference.models import SanctionType
from youthcourt.sanctions.models import ProgressKind, Sanction, SanctionProgress, SanctionStatus
from youthcourt.sites.models import PartnerSite, Placement, SiteWork
from youthcourt.sites.services import HOURS

if TYPE_CHECKING:
    from youthcourt.demo import DemoContext

T = SanctionType
SITES = (
    (
        "Riverside Food Bank",
        "410 Mill Street",
        "Dana Ortiz",
        "555-0131",
        "dana@riversidefoodbank.example.org",
        (T.COMMUNITY_SERVICE,),
        4,
    ),
    (
        "Eastside Community Garden",
        "22 Orchard Lane",
        "Marcus Bell",
        "555-0188",
        "",
        (T.COMMUNITY_SERVICE,),
        3,
    ),
    (
        "Riverside Public Library",
        "1 Library Plaza",
        "Priya Natarajan",
        "555-0102",
        "pnatarajan@library.example.org",
        (T.COMMUNITY_SERVICE, T.TUTORING),
        2,
    ),
    (
        "Harbor Counseling Center",
        "88 Harbor Road",
        "Lena Fischer",
        "555-0166",
        "",
        (T.WORKSHOP, T.COUNSELING),
        6,
    ),
)


async def add_sites(context: DemoContext) -> None:
    db, program = context.db, context.program
    sites = []
    for name, address, contact, phone, email, kinds, capacity in SITES:
        site = PartnerSite(
            program_id=program.id,
            name=name,
            address=address,
            contact_name=contact,
            phone=phone,
            email=email,
            capacity=capacity,
        )
        site.work = [SiteWork(program_id=program.id, kind=kind) for kind in kinds]
        sites.append(site)
    db.add_all(sites)
    await db.flush()
    open_sanctions = (
        await db.scalars(
            select(Sanction)
            .where(
                Sanction.program_id == program.id,
                Sanction.status == SanctionStatus.OPEN,
                Sanction.sanction_type.in_([T.COMMUNITY_SERVICE, T.WORKSHOP]),
            )
            .options(selectinload(Sanction.disposition))
            .order_by(Sanction.created_at, Sanction.id)
            .limit(8)
        )
    ).all()
    today = today_in(program.timezone)
    service_sites = [s for s in sites if T.COMMUNITY_SERVICE in s.kinds]
    workshop_site = sites[-1]
    for number, sanction in enumerate(open_sanctions):
        site = (
            workshop_site
            if sanction.sanction_type == T.WORKSHOP
            else service_sites[number % len(service_sites)]
        )
        placed_on = min(today, sanction.disposition.decided_on + datetime.timedelta(days=3))
        placement = Placement(
            program_id=program.id, sanction_id=sanction.id, site_id=site.id, placed_on=placed_on
        )
        db.add(placement)
        # The hours logged before the placement were served at the site the sanction is placed at.
        await db.execute(
            update(SanctionProgress)
            .where(SanctionProgress.sanction_id == sanction.id, SanctionProgress.site != "")
            .values(site=site.name, verified_by=site.contact_name)
        )
        await db.flush()
        issued = await links.issue(
            db,
            HOURS,
            placement.id,
            program_id=program.id,
            valid_for=datetime.timedelta(days=60),
            created_by=None,
            label=site.contact_name,
        )
        del issued  # the secret is not kept anywhere
        if number % 2 == 0 and placed_on < today:
            _confirm(context, sanction, site, placed_on, today)


def _confirm(
    context: DemoContext,
    sanction: Sanction,
    site: PartnerSite,
    placed_on: datetime.date,
    today: datetime.date,
) -> None:
    """One or two days the site's supervisor confirmed, short of the whole sanction."""
    kind = ProgressKind.HOURS if sanction.sanction_type == T.COMMUNITY_SERVICE else ProgressKind.ATTENDANCE
    amount = Decimal(3) if kind == ProgressKind.HOURS else Decimal(1)
    days = (today - placed_on).days
    for offset in sorted({min(days, 2), min(days, 9)}):
        if amount * 2 >= sanction.quantity:
            break
        context.db.add(
            SanctionProgress(
                program_id=context.program.id,
                sanction_id=sanction.id,
                case_id=sanction.case_id,
                kind=kind,
                occurred_on=placed_on + datetime.timedelta(days=offset),
                amount=amount,
                site=site.name,
                verified_by=site.contact_name,
                verified_by_site=True,
                notes=context.rng.choice(
                    ("Sorted donations.", "On time, worked well.", "Helped with the setup.")
                ),
            )
        )
