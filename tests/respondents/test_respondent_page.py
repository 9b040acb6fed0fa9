"""The respondent's own page: the family links a coordinator gives, and what the page shows (and hides)."""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import (
    counting,
    make_case,
    make_program,
    make_referral,
    make_user,
    make_youth,
    post_form,
    sign_in,
)
from tests.hearings.test_hearings import make_hearing, make_night
from tests.sanctions.test_sanctions import make_sanction
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import Case, CaseState
from youthcourt.clock import utc_now
from youthcourt.hearings.models import HearingOutcome
from youthcourt.jurors.models import (
    Attendance,
    Booking,
    BookingStatus,
    Juror,
    JurorSource,
    JurorStatus,
    OutboxMessage,
    OutboxStatus,
)
from youthcourt.jurors.reminders import family_key
from youthcourt.private_links import links
from youthcourt.private_links.models import PrivateLink
from youthcourt.programs.models import Program, Role
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.reference.models import SanctionType
from youthcourt.reference.services import ensure_defaults
from youthcourt.referrals.models import Guardian
from youthcourt.respondents.services import GUARDIAN_PAGE, YOUTH_PAGE
from youthcourt.sanctions.models import ProgressKind, Sanction, SanctionProgress

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)

OTHERS = [
    "Priya",
    "Okonkwo",
    "Quentin",
    "Harlow",
    "Talia",
    "Brennan",
    "Bakery mural",
    "Harbor cleanup",
    "Priya's family",
]
"""Names and details of the other youth (same program and another), and of a juror on the same night."""
CONFIDENTIAL = ["Narrative only staff read", "Intake note only staff read", "Coordinator remark on progress"]
"""What the family's own case holds that the page never shows."""


@dataclass
class Family:
    program: Program
    coordinator: Any
    case: Case
    guardian: Guardian
    service: Sanction
    essay: Sanction
    juror: Juror


async def add_progress(
    db: AsyncSession, sanction: Sanction, amount: str, on: datetime.date, **fields: Any
) -> None:
    db.add(
        SanctionProgress(
            program_id=sanction.program_id,
            sanction_id=sanction.id,
            case_id=sanction.case_id,
            kind=fields.pop("kind", ProgressKind.HOURS),
            occurred_on=on,
            amount=Decimal(amount),
            **fields,
        )
    )
    await db.commit()


async def sent_mail(db: AsyncSession, program: Program, **fields: Any) -> None:
    db.add(
        OutboxMessage(
            program_id=program.id,
            status=OutboxStatus.SENT,
            sent_at=utc_now() - datetime.timedelta(days=2),
            **fields,
        )
    )
    await db.commit()


async def other_youth(db: AsyncSession, program: Program, first: str, last: str, work: str) -> Case:
    youth = await make_youth(db, program, first_name=first, last_name=last)
    case = await make_case(
        db, program, CaseState.SANCTIONS_IN_PROGRESS, referral=await make_referral(db, program, youth)
    )
    await make_sanction(db, program, case, description=work)
    return case


async def make_family(db: AsyncSession, sanctions: int = 2) -> Family:
    """Jordan Whitfield, in sanctions, with a mother, a hearing, jury service and mail; beside them
    another youth of the same program on the same night, a juror on that night, and a youth of
    another program."""
    program = await make_program(db)
    policy = await ensure_defaults(db, program.id)
    policy.contact_phone = "555-0199"
    coordinator = await make_user(db, program, Role.COORDINATOR, name="Casey Morgan")
    youth = await make_youth(
        db, program, first_name="Jordan", last_name="Whitfield", email="jordan@example.org"
    )
    guardian = Guardian(
        program_id=program.id,
        youth_id=youth.id,
        name="Maria Whitfield",
        relationship_to_youth="mother",
        email="maria@example.org",
    )
    db.add(guardian)
    referral = await make_referral(db, program, youth, narrative="Narrative only staff read")
    case = await make_case(
        db, program, CaseState.SANCTIONS_IN_PROGRESS, coordinator=coordinator, referral=referral
    )
    case.intake_notes = "Intake note only staff read"
    await db.commit()
    service = await make_sanction(db, program, case, quantity="20", description="At the food pantry")
    await add_progress(
        db,
        service,
        "12",
        TODAY - 5 * DAY,
        site="Riverbank Food Pantry",
        verified_by_site=True,
        notes="Coordinator remark on progress",
    )
    essay = await make_sanction(
        db, program, case, SanctionType.ESSAY, "500", due_on=TODAY - 3 * DAY, description="What I learned"
    )
    for number in range(sanctions - 2):
        await make_sanction(db, program, case, SanctionType.WORKSHOP, "1", description=f"Workshop {number}")

    night = await make_night(db, program, TODAY + 9 * DAY, location="Riverside Courthouse")
    hearing = await make_hearing(
        db, night.courtrooms[0], case, outcome=HearingOutcome.SCHEDULED, notice_sent_on=TODAY - 4 * DAY
    )
    sibling = await other_youth(db, program, "Priya", "Okonkwo", "Bakery mural")
    sibling_hearing = await make_hearing(db, night.courtrooms[0], sibling, position=2)
    await other_youth(db, await make_program(db), "Quentin", "Harlow", "Harbor cleanup")

    juror = Juror(
        program_id=program.id,
        source=JurorSource.FORMER_RESPONDENT,
        status=JurorStatus.ACTIVE,
        youth_id=youth.id,
        first_name="Jordan",
        last_name="Whitfield",
        email="jordan@example.org",
        credit_balance=Decimal("2.5"),
    )
    stranger = Juror(
        program_id=program.id,
        source=JurorSource.VOLUNTEER,
        status=JurorStatus.ACTIVE,
        first_name="Talia",
        last_name="Brennan",
        email="talia@example.org",
    )
    db.add_all([juror, stranger])
    await db.flush()
    served_night = await make_night(db, program, TODAY - 20 * DAY, location="Town Hall")
    served = Booking(
        program_id=program.id,
        juror_id=juror.id,
        night_id=served_night.id,
        status=BookingStatus.CONFIRMED,
        attendance=Attendance.PRESENT,
        hours=Decimal("2.5"),
    )
    theirs = Booking(
        program_id=program.id,
        juror_id=stranger.id,
        night_id=served_night.id,
        status=BookingStatus.CONFIRMED,
        attendance=Attendance.PRESENT,
        hours=Decimal("2.5"),
    )
    db.add_all([served, theirs])
    await db.commit()

    await sent_mail(
        db,
        program,
        to_address="maria@example.org",
        subject="Reminder: Jordan's hearing",
        body="Dear Maria Whitfield",
        kind="family_reminder",
        dedupe_key=family_key(hearing.id, "maria@example.org"),
        night_id=night.id,
    )
    await sent_mail(
        db,
        program,
        to_address="maria@example.org",
        subject="Reminder: Priya's hearing",
        body="Priya's family",
        kind="family_reminder",
        dedupe_key=family_key(sibling_hearing.id, "maria@example.org"),
        night_id=night.id,
    )
    await sent_mail(
        db,
        program,
        to_address="jordan@example.org",
        subject="You're invited to serve on the jury",
        body="Hi Jordan, a jury night",
        kind="juror_invitation",
        booking_id=served.id,
    )
    await sent_mail(
        db,
        program,
        to_address="talia@example.org",
        subject="Talia Brennan invitation",
        body="Hi Talia",
        kind="juror_invitation",
        booking_id=theirs.id,
    )
    return Family(program, coordinator, case, guardian, service, essay, juror)


async def give(db: AsyncSession, family: Family, purpose: links.Purpose = YOUTH_PAGE, **fields: Any) -> str:
    with program_scope(ProgramScope.of(family.program.id)):
        issued = await links.issue(
            db,
            purpose,
            family.case.id,
            program_id=family.program.id,
            valid_for=fields.pop("valid_for", datetime.timedelta(days=30)),
            created_by=None,
            label=fields.pop("label", "Youth" if purpose is YOUTH_PAGE else "Mother"),
        )
    await db.commit()
    return issued.path


async def not_found_like_a_guess(client: Any, path: str) -> None:
    response = await client.get(path)
    guess = await client.get(re.sub(r"/link/[^/]+/", "/link/" + "x" * 43 + "/", path))
    assert response.status_code == guess.status_code == 404
    assert response.text == guess.text


# ---------------------------------------------------------------------------------------------
# What the page shows


async def test_the_link_shows_this_youths_sanctions_nights_letters_and_whom_to_call_and_nobody_else(
    client, db
):
    family = await make_family(db)
    path = await give(db, family)

    response = await client.get(path)

    assert response.status_code == 200, response.text[:500]
    page = html.unescape(response.text)
    assert "Hi Jordan" in page
    assert "You have done 12 of 20 hours. 8 hours left." in page
    assert "Confirmed by the site" in page and "Riverbank Food Pantry" in page
    assert (
        f"This was due on {family.essay.due_on:%B} {family.essay.due_on.day}" in page
        and "It is not too late" in page
    )
    assert "Riverside Courthouse" in page and "Next hearing" in page
    assert 'id="nights-served">1<' in page and 'id="credits">2.5<' in page
    assert "Reminder: Jordan's hearing" in page and "You're invited to serve on the jury" in page
    assert "Hearing notice for" in page and "is scheduled to appear" in page
    assert "Casey Morgan" in page and "555-0199" in page
    leaked = [text for text in OTHERS + CONFIDENTIAL if text in page]
    assert leaked == []
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "no-store" in response.headers["cache-control"]


async def test_a_guardians_link_shows_the_same_page_labelled_for_the_guardian(client, db):
    family = await make_family(db)
    path = await give(db, family, GUARDIAN_PAGE)

    page = html.unescape((await client.get(path)).text)

    assert "Jordan's youth court page" in page
    assert "for Jordan's mother" in page
    assert "Jordan has done 12 of 20 hours." in page
    assert "<h1>Hi Jordan" not in page
    assert [text for text in OTHERS + CONFIDENTIAL if text in page] == []
    youth_path = path.replace(f"/{GUARDIAN_PAGE.page}", f"/{YOUTH_PAGE.page}")
    assert (await client.get(youth_path)).status_code == 404, (
        "a guardian's secret opens only the guardian's page"
    )


async def test_every_view_is_in_the_audit_trail_as_a_view_of_the_youth_by_the_link(client, db):
    family = await make_family(db)
    path = await give(db, family, GUARDIAN_PAGE)

    assert (await client.get(path)).status_code == 200
    assert (await client.get(path)).status_code == 200

    entries = (await db.scalars(select(AuditEntry).where(AuditEntry.action == "respondent_page_view"))).all()
    assert len(entries) == 2
    entry = entries[0]
    assert entry.record_type == "youth" and entry.record_id == str(family.case.youth_id)
    assert entry.actor_id is None and entry.actor_name == "Guardian's page link: Mother"
    assert entry.program_id == family.program.id
    assert "Whitfield" not in entry.actor_name and "Maria" not in entry.actor_name


async def test_the_page_costs_the_same_queries_with_one_sanction_or_ten(client, db, app):
    few_family = await make_family(db, sanctions=2)
    many_family = await make_family(db, sanctions=10)
    for sanction in (await db.scalars(select(Sanction).where(Sanction.case_id == many_family.case.id))).all():
        await add_progress(db, sanction, "1", TODAY - DAY, kind=ProgressKind.ATTENDANCE)
    few_path, many_path = await give(db, few_family), await give(db, many_family)

    await client.get(few_path)  # program time zone and policy are read once per process
    with counting(app) as few:
        assert (await client.get(few_path)).status_code == 200
    with counting(app) as many:
        response = await client.get(many_path)
    assert response.status_code == 200
    assert response.text.count('class="sanction-card') == 10
    assert len(many) == len(few), f"{len(few)} queries with 2 sanctions, {len(many)} with 10"


# ---------------------------------------------------------------------------------------------
# When it no longer opens


async def test_an_expired_revoked_sealed_or_long_closed_link_answers_like_an_unknown_one(client, db):
    family = await make_family(db)
    expired = await give(db, family, valid_for=-DAY)
    await not_found_like_a_guess(client, expired)

    await sign_in(client, family.coordinator)
    path = await give(db, family)
    assert (await client.get(path)).status_code == 200
    link = await db.scalar(
        select(PrivateLink).where(PrivateLink.revoked_at.is_(None), PrivateLink.expires_at > utc_now())
    )
    revoked = await post_form(client, f"/cases/{family.case.id}/family-links/{link.id}/revoke", {})
    assert revoked.status_code == 303
    assert (await client.get(revoked.headers["location"])).status_code == 200
    await not_found_like_a_guess(client, path)
    assert await db.scalar(select(AuditEntry.id).where(AuditEntry.action == "family_link_revoke"))

    long_closed = await give(db, family)
    case = await db.get(Case, family.case.id, populate_existing=True)
    case.state, case.closed_on = CaseState.COMPLETED, TODAY - 29 * DAY
    await db.commit()
    await not_found_like_a_guess(client, long_closed)
    case.closed_on = TODAY - 27 * DAY
    await db.commit()
    assert (await client.get(long_closed)).status_code == 200, (
        "four weeks after closure, the page still opens"
    )

    sealed = await post_form(
        client, f"/cases/{family.case.id}/seal", {"reason": "Completed a year ago", "confirm": "yes"}
    )
    assert sealed.status_code == 303
    await client.get(sealed.headers["location"])
    await not_found_like_a_guess(client, long_closed)
    open_links = (
        await db.scalars(
            select(PrivateLink)
            .where(PrivateLink.subject_id == family.case.id, PrivateLink.revoked_at.is_(None))
            .execution_options(populate_existing=True)
        )
    ).all()
    assert open_links == [], "sealing revokes every family link, so unsealing does not bring them back"


# ---------------------------------------------------------------------------------------------
# The coordinator's side


async def test_the_coordinator_gives_a_link_per_person_from_the_case_page_and_sees_them_listed(client, db):
    family = await make_family(db)
    await sign_in(client, family.coordinator)

    case_page = await client.get(f"/cases/{family.case.id}")
    assert case_page.status_code == 200
    assert 'id="family-links"' in case_page.text and "Maria Whitfield (mother)" in case_page.text

    given = await post_form(
        client, f"/cases/{family.case.id}/family-links", {"holder": str(family.guardian.id)}
    )
    assert given.status_code == 200
    address = re.search(r'id="issued-address" type="text" readonly value="([^"]+)"', given.text).group(1)
    assert address.startswith("http") and f"/{GUARDIAN_PAGE.page}" in address
    assert "<svg" in given.text and "mailto:maria%40example.org" in given.text
    stored = await db.scalar(select(PrivateLink).where(PrivateLink.purpose == GUARDIAN_PAGE.name))
    token = address.split("/link/")[1].split("/")[0]
    assert stored.label == "Mother" and token not in stored.token_hash
    assert (await client.get("/link/" + address.split("/link/", 1)[1])).status_code == 200

    listed = await client.get(f"/cases/{family.case.id}")
    assert "Works until" in listed.text and "Revoke" in listed.text
    assert token not in listed.text, "the secret is shown once, never again"


async def test_the_case_page_lists_the_youths_and_the_guardians_links_newest_first_in_one_query(
    client, db, app
):
    family = await make_family(db)
    await give(db, family, YOUTH_PAGE, label="First")
    await give(db, family, GUARDIAN_PAGE, label="Second")
    await give(db, family, YOUTH_PAGE, label="Third")
    await sign_in(client, family.coordinator)

    with counting(app) as statements:
        page = await client.get(f"/cases/{family.case.id}")
    section = page.text.split('id="family-links"')[1]
    assert section.index("Third") < section.index("Second") < section.index("First")
    assert len([s for s in statements if s.startswith("SELECT private_link.")]) == 1


@pytest.mark.parametrize("holder", ["", "somebody", "00000000-0000-0000-0000-000000000000"])
async def test_a_link_for_nobody_of_the_case_is_refused_with_the_form_kept(client, db, holder):
    family = await make_family(db)
    stranger = Guardian(
        program_id=family.program.id, youth_id=(await make_youth(db, family.program)).id, name="Other"
    )
    db.add(stranger)
    await db.commit()
    await sign_in(client, family.coordinator)

    for choice in (holder, str(stranger.id)):
        refused = await post_form(client, f"/cases/{family.case.id}/family-links", {"holder": choice})
        assert refused.status_code == 422
        assert 'aria-invalid="true"' in refused.text
    assert await db.scalar(select(PrivateLink.id)) is None


async def test_a_sealed_or_foreign_case_gets_no_link(client, db):
    family = await make_family(db)
    elsewhere = await make_program(db)
    await sign_in(client, await make_user(db, elsewhere, Role.COORDINATOR))
    foreign = await post_form(client, f"/cases/{family.case.id}/family-links", {"holder": "youth"})
    assert foreign.status_code == 404
    assert await db.scalar(select(PrivateLink.id)) is None
