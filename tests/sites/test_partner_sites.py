"""Partner sites, placements, the supervisor's private link and the hours confirmed through it."""

from __future__ import annotations

import datetime
import logging
import re
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.concurrency import Browser, fire, running_server
from tests.factories import hidden_fields, make_case, make_program, make_user, post_form, sign_in
from tests.sanctions.test_sanctions import make_sanction
from youthcourt.accounts.sessions import hash_token
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import CaseState
from youthcourt.private_links import links
from youthcourt.private_links.models import PrivateLink
from youthcourt.programs.models import Program, Role
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.reference.models import SanctionType
from youthcourt.sanctions.models import Sanction, SanctionProgress, SanctionStatus
from youthcourt.sites.models import PartnerSite, Placement, SiteWork
from youthcourt.sites.services import HOURS
from youthcourt.web.logging import RedactSecretPaths

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)
SITE_FORM = {
    "name": "Riverbank Food Pantry",
    "address": "12 Mill Road",
    "contact_name": "Dana Ortiz",
    "phone": "555-0100",
    "email": "dana@pantry.example.org",
    "kinds": "community_service",
    "capacity": "2",
    "notes": "",
}


async def make_site(
    db: AsyncSession, program: Program, name: str = "Riverbank Food Pantry", **fields: Any
) -> PartnerSite:
    site = PartnerSite(
        program_id=program.id,
        name=name,
        contact_name="Dana Ortiz",
        capacity=fields.pop("capacity", 2),
        **fields,
    )
    site.work = [SiteWork(program_id=program.id, kind=SanctionType.COMMUNITY_SERVICE)]
    db.add(site)
    await db.commit()
    return site


async def placed_sanction(
    db: AsyncSession, quantity: str = "10"
) -> tuple[Program, Any, Sanction, PartnerSite, Placement]:
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    case = await make_case(db, program, CaseState.SANCTIONS_IN_PROGRESS, coordinator=coordinator)
    sanction = await make_sanction(db, program, case, quantity=quantity)
    site = await make_site(db, program)
    placement = Placement(
        program_id=program.id, sanction_id=sanction.id, site_id=site.id, placed_on=TODAY - 10 * DAY
    )
    db.add(placement)
    await db.commit()
    return program, coordinator, sanction, site, placement


async def give_link(
    db: AsyncSession, placement: Placement, days: int = 30, purpose: links.Purpose = HOURS
) -> str:
    with program_scope(ProgramScope.of(placement.program_id)):
        issued = await links.issue(
            db,
            purpose,
            placement.id,
            program_id=placement.program_id,
            valid_for=datetime.timedelta(days=days),
            created_by=None,
            label="Dana Ortiz",
        )
    await db.commit()
    return issued.path


async def progress_of(db: AsyncSession, sanction: Sanction) -> list[SanctionProgress]:
    rows = await db.scalars(
        select(SanctionProgress)
        .where(SanctionProgress.sanction_id == sanction.id)
        .execution_options(populate_existing=True)
    )
    return list(rows.all())


async def supervisor_post(client: Any, path: str, **values: str) -> httpx.Response:
    page = await client.get(path)
    assert page.status_code == 200, page.text[:300]
    fields = hidden_fields(page.text)
    return await client.post(path, data={**fields, **values}, follow_redirects=False)


# ---------------------------------------------------------------------------------------------
# The directory


async def test_a_coordinator_adds_edits_and_filters_sites_with_errors_kept(client, db):
    program = await make_program(db)
    await sign_in(client, await make_user(db, program, Role.COORDINATOR))

    refused = await post_form(
        client, "/sites/new", {**SITE_FORM, "kinds": "", "capacity": "0", "phone": "call me"}
    )
    assert refused.status_code == 422
    assert "Choose at least one kind of work." in refused.text
    assert "Enter a phone number with digits" in refused.text
    assert 'value="Riverbank Food Pantry"' in refused.text
    assert await db.scalar(select(func.count()).select_from(PartnerSite)) == 0

    created = await post_form(client, "/sites/new", SITE_FORM)
    assert created.status_code == 303
    site = await db.scalar(select(PartnerSite))
    assert created.headers["location"] == f"/sites/{site.id}"
    twice = await post_form(client, "/sites/new", {**SITE_FORM, "name": "riverbank food pantry"})
    assert twice.status_code == 422 and "Another partner site already has this name" in twice.text

    edited = await post_form(
        client, f"/sites/{site.id}/edit", {**SITE_FORM, "kinds": ["workshop", "tutoring"], "capacity": "5"}
    )
    assert edited.status_code == 303
    await make_site(db, program, "Hillside Library", is_active=False)

    workshops = await client.get("/sites?kind=workshop&status=active")
    assert "Riverbank Food Pantry" in workshops.text and "0 of 5" in workshops.text
    assert "Hillside Library" not in workshops.text
    inactive = await client.get("/sites?status=inactive")
    assert "Hillside Library" in inactive.text and "Riverbank" not in inactive.text
    actions = (
        await db.scalars(select(AuditEntry.action).where(AuditEntry.record_type == "partner_site"))
    ).all()
    assert sorted(actions) == ["partner_site_add", "partner_site_edit"]


async def test_another_programs_site_and_placement_are_not_found(client, db):
    _, _, sanction, site, _ = await placed_sanction(db)
    other = await make_program(db, "Other court")
    await sign_in(client, await make_user(db, other, Role.COORDINATOR))
    for path in (f"/sites/{site.id}", f"/sites/{site.id}/edit", f"/sanctions/{sanction.id}/placement"):
        assert (await client.get(path)).status_code == 404, path
    assert (await post_form(client, f"/sites/{site.id}/edit", SITE_FORM)).status_code == 404
    assert (
        await post_form(
            client, f"/sanctions/{sanction.id}/placement/links", {"label": "x", "valid_days": "5"}
        )
    ).status_code == 404
    listing = await client.get("/sites")
    assert "Riverbank" not in listing.text


# ---------------------------------------------------------------------------------------------
# Placing and giving a link


async def test_placing_a_sanction_counts_against_the_sites_capacity_and_gives_a_link_once(client, db):
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    case = await make_case(db, program, CaseState.SANCTIONS_IN_PROGRESS, coordinator=coordinator)
    sanction = await make_sanction(db, program, case, quantity="12")
    site = await make_site(db, program, capacity=1)
    await sign_in(client, coordinator)

    page = await client.get(f"/sanctions/{sanction.id}/placement")
    assert "Riverbank Food Pantry (0 of 1 placed)" in page.text
    wrong = await post_form(
        client, f"/sanctions/{sanction.id}/placement", {"site": "nope", "placed_on": TODAY.isoformat()}
    )
    assert wrong.status_code == 422
    placed = await post_form(
        client, f"/sanctions/{sanction.id}/placement", {"site": str(site.id), "placed_on": TODAY.isoformat()}
    )
    assert placed.status_code == 303
    detail = await client.get(f"/sites/{site.id}")
    assert "1 of 1" in detail.text and case.number in detail.text and "The site is full." in detail.text

    refused = await post_form(
        client, f"/sanctions/{sanction.id}/placement/links", {"label": "", "valid_days": "999"}
    )
    assert refused.status_code == 422
    given = await post_form(
        client, f"/sanctions/{sanction.id}/placement/links", {"label": "Dana Ortiz", "valid_days": "30"}
    )
    assert given.status_code == 200
    address = re.search(r'id="issued-address" type="text" readonly value="([^"]+)"', given.text).group(1)
    token = address.split("/link/")[1].split("/")[0]
    stored = await db.scalar(select(PrivateLink))
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash
    assert stored.purpose == "site_hours"
    again = await client.get(f"/sanctions/{sanction.id}/placement")
    assert token not in again.text and "Works until" in again.text


async def test_moving_a_placement_revokes_the_old_sites_links(client, db):
    program, coordinator, sanction, _, placement = await placed_sanction(db)
    path = await give_link(db, placement)
    other = await make_site(db, program, "Hillside Library")
    await sign_in(client, coordinator)
    moved = await post_form(
        client, f"/sanctions/{sanction.id}/placement", {"site": str(other.id), "placed_on": TODAY.isoformat()}
    )
    assert moved.status_code == 303
    client.cookies = httpx.Cookies()
    assert (await client.get(path)).status_code == 404


# ---------------------------------------------------------------------------------------------
# The link itself


async def test_the_link_shows_the_supervisor_the_minimum_without_an_account(client, db):
    _, _, sanction, _, placement = await placed_sanction(db)
    path = await give_link(db, placement)
    page = await client.get(path)
    assert page.status_code == 200
    youth = await db.scalar(select(Sanction).where(Sanction.id == sanction.id))
    assert youth is not None
    assert re.search(r"<h1>\w+ \w\.</h1>", page.text)
    assert "Community service at Riverbank Food Pantry" in page.text
    assert "0 of 10 hours" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "no-store" in page.headers["cache-control"]
    viewed = await db.scalar(select(AuditEntry).where(AuditEntry.action == "site_link_view"))
    assert viewed.actor_id is None and viewed.actor_name == "Partner site link: Dana Ortiz"
    assert viewed.record_id == str(sanction.id)


async def test_wrong_expired_revoked_or_other_purpose_links_all_give_the_same_404(client, db):
    _, _, _, _, placement = await placed_sanction(db)
    good = await give_link(db, placement)
    expired = await give_link(db, placement, days=-1)
    revoked = await give_link(db, placement)
    other_purpose = await give_link(db, placement, purpose=links.Purpose("survey", "hours", "Survey link"))
    link = await db.scalar(
        select(PrivateLink).where(PrivateLink.token_hash == hash_token(revoked.split("/")[2]))
    )
    links.revoke(link)
    await db.commit()
    assert (await client.get(good)).status_code == 200
    answers = [
        await client.get(path)
        for path in (
            expired,
            revoked,
            other_purpose,
            "/link/not-a-real-secret/hours",
            "/link/" + "x" * 300 + "/hours",
        )
    ]
    assert [a.status_code for a in answers] == [404] * 5
    assert len({a.text.replace(a.url.path, "") for a in answers}) == 1
    token = good.split("/")[2]
    posted = await client.post(expired, data={"occurred_on": TODAY.isoformat(), "amount": "2"})
    assert posted.status_code in (403, 404)  # no CSRF cookie yet, or the link: either way nothing recorded
    assert token


async def test_confirmed_hours_go_on_the_progress_log_as_verified_and_complete_the_sanction(client, db):
    _, coordinator, sanction, _, placement = await placed_sanction(db, quantity="5")
    path = await give_link(db, placement)

    future = await supervisor_post(client, path, occurred_on=(TODAY + DAY).isoformat(), amount="2", notes="")
    assert future.status_code == 422 and "cannot be in the future" in future.text
    before = await supervisor_post(
        client, path, occurred_on=(TODAY - 20 * DAY).isoformat(), amount="2", notes=""
    )
    assert before.status_code == 422 and "cannot be before" in before.text
    assert 'value="2"' in before.text

    first = await supervisor_post(
        client, path, occurred_on=(TODAY - DAY).isoformat(), amount="3", notes="Sorted cans"
    )
    assert first.status_code == 303 and first.headers["location"] == path
    second = await supervisor_post(client, path, occurred_on=TODAY.isoformat(), amount="2", notes="")
    assert second.status_code == 303
    entries = await progress_of(db, sanction)
    assert sorted(e.amount for e in entries) == [Decimal(2), Decimal(3)]
    assert all(
        e.verified_by_site and e.verified_by == "Dana Ortiz" and e.site == "Riverbank Food Pantry"
        for e in entries
    )
    assert all(e.recorded_by_id is None for e in entries)
    done = await db.scalar(
        select(Sanction).where(Sanction.id == sanction.id).execution_options(populate_existing=True)
    )
    assert done.status == SanctionStatus.COMPLETED
    confirmations = (
        await db.scalars(select(AuditEntry).where(AuditEntry.action == "site_hours_confirm"))
    ).all()
    assert len(confirmations) == 2 and {c.actor_name for c in confirmations} == {
        "Partner site link: Dana Ortiz"
    }

    await sign_in(client, coordinator)
    shown = await client.get(f"/sanctions/{sanction.id}")
    assert shown.text.count("Verified by the site") == 2


async def test_a_coordinators_own_entry_is_not_marked_verified_by_the_site(client, db):
    _, coordinator, sanction, _, _ = await placed_sanction(db)
    await sign_in(client, coordinator)
    recorded = await post_form(
        client,
        f"/sanctions/{sanction.id}/progress",
        {
            "occurred_on": TODAY.isoformat(),
            "kind": "hours",
            "amount": "1",
            "site": "Pantry",
            "verified_by": "Dana",
        },
    )
    assert recorded.status_code == 303
    (entry,) = await progress_of(db, sanction)
    assert not entry.verified_by_site
    assert "Verified by the site" not in (await client.get(f"/sanctions/{sanction.id}")).text


async def test_the_secret_never_reaches_the_access_log():
    token = "Xy9-secret_value"
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "POST", f"/link/{token}/hours", "1.1", 303),
        None,
    )
    assert RedactSecretPaths().filter(record)
    assert token not in record.getMessage() and "/link/[secret]/hours" in record.getMessage()


async def test_the_link_is_kept_out_of_the_servers_logs(app, db, caplog):
    """The app's own log lines and uvicorn's access lines (through the app's filter) hold no secret."""
    _, _, _, _, placement = await placed_sanction(db)
    path = await give_link(db, placement)
    token = path.split("/")[2]
    caplog.set_level(logging.DEBUG)
    async with running_server(app) as base, httpx.AsyncClient(base_url=base) as http:
        assert (await http.get(path)).status_code == 200
        assert (await http.get(f"/link/{token}x/hours")).status_code == 404
    access = logging.getLogger("uvicorn.access")
    level = access.level
    access.setLevel(logging.INFO)
    access.addHandler(caplog.handler)
    try:
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", path, "1.1", 200)
    finally:
        access.removeHandler(caplog.handler)
        access.setLevel(level)
    server_lines = "\n".join(
        r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))
    )
    assert token not in server_lines
    assert "/link/[secret]/hours" in server_lines


async def test_a_double_clicked_confirmation_is_recorded_once(app, db):
    _, _, sanction, _, placement = await placed_sanction(db, quantity="20")
    path = await give_link(db, placement)
    async with running_server(app) as base:
        browser = Browser(base)
        page = await browser.http.get(path)
        fields = hidden_fields(page.text)
        assert fields.get("submission_token")
        values = {**fields, "occurred_on": TODAY.isoformat(), "amount": "3", "notes": ""}
        responses = await fire(6, lambda _: browser.http.post(path, data=values))
        await browser.close()
    assert sorted(r.status_code for r in responses) == [303] * 6, [r.text[:200] for r in responses]
    entries = await progress_of(db, sanction)
    assert [e.amount for e in entries] == [Decimal(3)]
    assert (
        await db.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "site_hours_confirm")
        )
        == 1
    )


@pytest.mark.parametrize("state", [CaseState.COMPLETED])
async def test_a_closed_case_takes_no_more_hours(client, db, state):
    _, _, sanction, _, placement = await placed_sanction(db)
    path = await give_link(db, placement)
    sanction_row = await db.scalar(select(Sanction).where(Sanction.id == sanction.id))
    from youthcourt.cases.models import Case

    case = await db.scalar(select(Case).where(Case.id == sanction_row.case_id))
    case.state = state
    await db.commit()
    page = await client.get(path)
    assert page.status_code == 200 and "This placement is finished" in page.text
    token = client.cookies.get("youthcourt_csrf")
    posted = await client.post(
        path, data={"_csrf_token": token, "occurred_on": TODAY.isoformat(), "amount": "1"}
    )
    assert posted.status_code == 404
    assert await progress_of(db, sanction) == []


HOSTILE = [
    "",
    "x" * 100_000,
    "\x00",
    "1e3",
    "NaN",
    "-1",
    "99999999999",
    "2026-02-30",
    "\uff10",
    "'; drop table x;--",
]


async def test_hostile_values_in_the_supervisors_form_are_refused_never_a_server_error(client, db):
    _, _, sanction, _, placement = await placed_sanction(db)
    path = await give_link(db, placement)
    fields = hidden_fields((await client.get(path)).text)
    for value in HOSTILE:
        for name in ("occurred_on", "amount"):
            data = {**fields, "occurred_on": TODAY.isoformat(), "amount": "1", name: value}
            response = await client.post(path, data=data, follow_redirects=False)
            assert response.status_code == 422, (name, value[:20], response.status_code)
    too_long = {**fields, "occurred_on": TODAY.isoformat(), "amount": "1", "notes": "x" * 100_000}
    assert (await client.post(path, data=too_long, follow_redirects=False)).status_code == 422
    assert await progress_of(db, sanction) == []
    for bad in ("/link/%00/hours", "/link/" + "é" * 50 + "/hours", "/link//hours"):
        assert (await client.get(bad)).status_code in (400, 404), bad


async def test_the_second_tap_of_a_double_tap_shows_the_same_thanks(client, db):
    """The phone shows whichever answer comes last: the repeat recorded nothing, and says thank you
    all the same rather than a puzzling "already recorded"."""
    _, _, sanction, _, placement = await placed_sanction(db, quantity="20")
    path = await give_link(db, placement)
    page = await client.get(path)
    values = {**hidden_fields(page.text), "occurred_on": TODAY.isoformat(), "amount": "2.5", "notes": ""}

    first = await client.post(path, data=values, follow_redirects=True)
    second = await client.post(path, data=values, follow_redirects=True)

    for shown in (first, second):
        assert f"Thank you: 2.5 hours on {TODAY:%B} {TODAY.day} were recorded." in shown.text
        assert "already recorded" not in shown.text
    assert [e.amount for e in await progress_of(db, sanction)] == [Decimal("2.5")]
