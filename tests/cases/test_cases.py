"""Accepting referrals, the case list, the case page, intake, contacts and edit conflicts."""

from __future__ import annotations

import datetime
import re

import pytest
from sqlalchemy import func, select

from tests.factories import (
    counting,
    make_case,
    make_program,
    make_referral,
    make_user,
    make_youth,
    post_form,
    sign_in,
    sign_in_with_form,
)
from tests.hearings.test_hearings import make_hearing, make_night
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.listing import SORTS, CaseFilters
from youthcourt.cases.models import Case, CaseEvent, CaseState, ContactLog, ContactMethod
from youthcourt.hearings.models import HearingOutcome
from youthcourt.programs.models import Role
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.reference.models import Factor
from youthcourt.referrals.models import Referral, ReferralStatus, Youth
from youthcourt.web import pagination

TODAY = datetime.date.today()


async def _coordinator(db, program=None):
    program = program or await make_program(db)
    return program, await make_user(db, program, Role.COORDINATOR, name="Casey Coordinator")


async def test_accepting_a_referral_opens_a_numbered_case(client, db):
    program, coordinator = await _coordinator(db)
    first = await make_referral(db, program)
    second = await make_referral(db, program)
    await sign_in(client, coordinator)

    one = await post_form(client, f"/referrals/{first.id}/accept", {})
    two = await post_form(client, f"/referrals/{second.id}/accept", {})
    again = await post_form(client, f"/referrals/{first.id}/accept", {})

    cases = (await db.scalars(select(Case).order_by(Case.number))).all()
    assert [c.number for c in cases] == [f"{TODAY.year}-0001", f"{TODAY.year}-0002"]
    assert one.headers["location"] == f"/cases/{cases[0].id}"
    assert two.status_code == 303
    assert again.headers["location"] == f"/referrals/{first.id}", "a decided referral is not accepted twice"
    assert cases[0].state == CaseState.REFERRED
    assert cases[0].coordinator_id == coordinator.id
    await db.refresh(first)
    assert first.status == ReferralStatus.ACCEPTED
    assert await db.scalar(select(func.count()).select_from(CaseEvent)) == 2


async def test_case_page_shows_the_case_and_is_audited(client, db):
    program, coordinator = await _coordinator(db)
    youth = await make_youth(db, program, first_name="Tasha", last_name="Rivers")
    referral = await make_referral(db, program, youth)
    case = await make_case(db, program, CaseState.INTAKE, referral=referral, coordinator=coordinator)
    await sign_in(client, coordinator)

    response = await client.get(f"/cases/{case.id}")

    assert response.status_code == 200
    assert "Tasha Rivers" in response.text
    assert case.number in response.text
    assert "Intake" in response.text
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "case_view"))
    assert entry.record_id == str(case.id)
    assert "Tasha" not in str(entry.details)


async def test_cases_of_another_program_are_not_found(client, db):
    _program, coordinator = await _coordinator(db)
    other = await make_program(db)
    foreign = await make_case(db, other, CaseState.INTAKE)
    await sign_in(client, coordinator)

    assert (await client.get(f"/cases/{foreign.id}")).status_code == 404
    assert (await client.get(f"/cases/{foreign.id}/intake")).status_code == 404
    response = await post_form(client, f"/cases/{foreign.id}/notes", {"note": "hello"})
    assert response.status_code == 404
    assert await db.scalar(select(func.count()).select_from(CaseEvent)) == 0
    foreign_referral = await make_referral(db, other)
    assert (await post_form(client, f"/referrals/{foreign_referral.id}/accept", {})).status_code == 404
    listing = await client.get("/cases")
    assert foreign.number not in listing.text


async def test_other_roles_cannot_open_cases(client, db):
    program = await make_program(db)
    case = await make_case(db, program, CaseState.INTAKE)
    for role in (Role.JUROR, Role.EVALUATOR, Role.PROGRAM_ADMIN):
        client.cookies.clear()
        await sign_in_with_form(client, await make_user(db, program, role))
        assert (await client.get(f"/cases/{case.id}")).status_code == 403, role
        assert (await client.get("/cases")).status_code == 403, role


async def test_intake_moves_the_case_along_the_state_machine(client, db):
    program, coordinator = await _coordinator(db)
    case = await make_case(db, program, CaseState.REFERRED, coordinator=coordinator)
    await sign_in(client, coordinator)
    form = await client.get(f"/cases/{case.id}/intake")
    assert form.status_code == 200
    need = await db.scalar(select(Factor).where(Factor.name == "Peer pressure"))
    day = (TODAY - datetime.timedelta(days=1)).isoformat()

    early = await post_form(client, f"/cases/{case.id}/intake/complete", {})
    assert early.status_code == 303
    saved = await post_form(
        client,
        f"/cases/{case.id}/intake",
        {
            "version": "1",
            "intake_on": day,
            "youth_consent_on": day,
            "guardian_consent_on": day,
            "confidentiality_signed_on": day,
            "admission_on": day,
            "factor": str(need.id),
            "intake_notes": "Met with mother and youth.",
            "coordinator_id": str(coordinator.id),
            "race_ethnicity": "Hispanic or Latino",
        },
    )
    assert saved.status_code == 303
    await db.refresh(case)
    assert case.state == CaseState.INTAKE
    youth = await db.scalar(select(Youth).where(Youth.id == case.youth_id))
    await db.refresh(youth)
    assert youth.race_ethnicity == "Hispanic or Latino"
    done = await post_form(client, f"/cases/{case.id}/intake/complete", {})
    assert done.status_code == 303
    await db.refresh(case)
    assert case.state == CaseState.AWAITING_HEARING
    page = await client.get(f"/cases/{case.id}")
    assert "Peer pressure" in page.text
    assert "Now awaiting hearing" in page.text
    assert "Now intake" in page.text


async def test_intake_refuses_impossible_dates_and_keeps_input(client, db):
    program, coordinator = await _coordinator(db)
    case = await make_case(db, program, CaseState.REFERRED, coordinator=coordinator)
    await sign_in(client, coordinator)
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()

    response = await post_form(
        client,
        f"/cases/{case.id}/intake",
        {
            "version": "1",
            "intake_on": tomorrow,
            "admission_on": "2026-02-30",
            "intake_notes": "typed notes",
            "race_ethnicity": "Martian",
        },
    )

    assert response.status_code == 422
    assert "Choose race and ethnicity from the list" in response.text
    assert "cannot be in the future" in response.text
    assert "as a real date" in response.text
    assert "typed notes" in response.text
    await db.refresh(case)
    assert case.intake_on is None
    assert case.state == CaseState.REFERRED


async def test_two_coordinators_cannot_overwrite_each_other(client, db):
    program, coordinator = await _coordinator(db)
    case = await make_case(db, program, CaseState.INTAKE, coordinator=coordinator)
    await sign_in(client, coordinator)
    first = await post_form(
        client, f"/cases/{case.id}/intake", {"version": "1", "intake_notes": "First save."}
    )
    assert first.status_code == 303

    stale = await post_form(
        client, f"/cases/{case.id}/intake", {"version": "1", "intake_notes": "Second, stale."}
    )

    assert stale.status_code == 409
    assert "Someone else saved this case" in stale.text
    assert "Second, stale." in stale.text, "what the second coordinator typed is kept"
    assert "First save." in stale.text, "the saved values are shown"
    await db.refresh(case)
    assert case.intake_notes == "First save."


async def test_contact_log_validates_and_ignores_a_double_submit(client, db):
    program, coordinator = await _coordinator(db)
    case = await make_case(db, program, CaseState.INTAKE, coordinator=coordinator)
    await sign_in(client, coordinator)
    good = {
        "contacted_on": TODAY.isoformat(),
        "method": "phone",
        "summary": "Called mother.",
        "submission_token": "t1",
    }

    bad = await post_form(
        client,
        f"/cases/{case.id}/contacts",
        {**good, "contacted_on": "2999-01-01", "method": "carrier pigeon"},
    )
    first = await post_form(client, f"/cases/{case.id}/contacts", good)
    second = await post_form(client, f"/cases/{case.id}/contacts", good)

    assert bad.status_code == 422
    assert "Called mother." in bad.text
    assert first.status_code == 303
    assert second.status_code == 303
    assert await db.scalar(select(func.count()).select_from(ContactLog)) == 1
    page = await client.get(f"/cases/{case.id}")
    assert "Contact by phone" in page.text


async def test_case_list_filters_searches_and_paginates(client, db):
    program, coordinator = await _coordinator(db)
    for number in range(27):
        youth = await make_youth(db, program, first_name="Sam", last_name=f"Person{number:02d}")
        state = CaseState.INTAKE if number % 2 else CaseState.AWAITING_HEARING
        await make_case(db, program, state, referral=await make_referral(db, program, youth))
    target = await make_youth(db, program, first_name="Zora", last_name="Quill")
    special = await make_case(
        db, program, CaseState.SCHEDULED, referral=await make_referral(db, program, target, offense_class="D")
    )
    await sign_in(client, coordinator)

    first = await client.get("/cases")
    second = await client.get("/cases?page=2")
    by_state = await client.get("/cases?state=scheduled")
    by_class = await client.get("/cases?offense_class=D")
    search = await post_form(
        client, "/cases/search", {"q": "zora"}, headers={"HX-Request": "true", "HX-Target": "case-rows"}
    )
    by_number = await post_form(client, "/cases/search", {"q": special.number})
    bad_dates = await client.get("/cases?opened_from=2026-05-02&opened_to=2026-05-01")

    assert "Showing 1 to 25 of 28" in first.text
    assert "Showing 26 to 28 of 28" in second.text
    assert "Zora Quill" in by_state.text
    assert "Showing 1 to 1 of 1" in by_state.text
    assert "Zora Quill" in by_class.text
    assert "Person01" not in by_class.text
    assert "Zora Quill" in search.text
    assert "<html" not in search.text
    assert "Zora Quill" in by_number.text
    assert bad_dates.status_code == 422
    assert "on or after the first day" in bad_dates.text


async def test_case_list_counts_only_so_far_past_the_page_shown(client, db, monkeypatch):
    """A long list is not counted to its end on every view: the pager says "more than"."""
    monkeypatch.setattr(pagination, "COUNT_AHEAD", 30)
    program, coordinator = await _coordinator(db)
    for _ in range(60):
        await make_case(db, program, CaseState.INTAKE)
    await sign_in(client, coordinator)

    first = await client.get("/cases")
    third = await client.get("/cases?page=3")
    filtered = await client.get("/cases?state=intake&page=2")

    assert "Showing 1 to 25 of more than 30" in first.text
    assert "Page 1</span>" in first.text and 'rel="next"' in first.text
    assert "Showing 51 to 60 of 60" in third.text
    assert "Page 3 of 3" in third.text and 'rel="next"' not in third.text
    assert "Showing 26 to 50 of more than 55" in filtered.text  # counted 30 past row 26


async def test_the_case_list_reads_its_page_and_its_count_in_one_statement(client, db, app, monkeypatch):
    """The list's ids and how many match (counted so far past the page) come in one statement: the
    search is run once, not once to count and again for the page. Past the last page, the last page."""
    monkeypatch.setattr(pagination, "COUNT_AHEAD", 30)
    program, coordinator = await _coordinator(db)
    other, _ = await _coordinator(db)
    for number in range(40):
        youth = await make_youth(db, program, first_name=f"Quinn{number:02d}", last_name="Paged")
        await make_case(db, program, CaseState.INTAKE, referral=await make_referral(db, program, youth))
    stranger = await make_youth(db, other, first_name="Quinn99", last_name="Paged")
    await make_case(db, other, CaseState.INTAKE, referral=await make_referral(db, other, stranger))
    await sign_in(client, coordinator)

    with counting(app) as statements:
        searched = await post_form(client, "/cases/search", {"q": "quinn", "sort": "name"})
    second = await post_form(client, "/cases/search", {"q": "quinn", "sort": "name", "page": "2"})
    beyond = await post_form(client, "/cases/search", {"q": "quinn", "sort": "name", "page": "9"})

    searches = [sql for sql in statements if "youth_case" in sql and " LIKE " in sql.upper()]
    assert len(searches) == 1, searches
    assert "Showing 1 to 25 of more than 30" in searched.text
    shown = re.findall(r"Quinn(\d\d) Paged", searched.text)
    assert shown == [f"{n:02d}" for n in range(25)]
    assert re.findall(r"Quinn(\d\d) Paged", second.text) == [f"{n:02d}" for n in range(25, 40)]
    assert "Showing 26 to 40 of 40" in second.text
    assert "Quinn99" not in searched.text + second.text
    assert "Showing 26 to 40 of 40" in beyond.text


async def test_case_list_sorted_by_state_follows_a_case_through_its_life(client, db):
    program, coordinator = await _coordinator(db)
    for state, name in (
        (CaseState.COMPLETED, "Carla"),
        (CaseState.REFERRED, "Rita"),
        (CaseState.SANCTIONS_IN_PROGRESS, "Sam"),
        (CaseState.INTAKE, "Ines"),
    ):
        youth = await make_youth(db, program, first_name=name, last_name="Lifecycle")
        await make_case(db, program, state, referral=await make_referral(db, program, youth))
    await sign_in(client, coordinator)

    listed = (await client.get("/cases?sort=state")).text

    shown = [name for name in re.findall(r"(\w+) Lifecycle", listed)]
    assert shown == ["Rita", "Ines", "Sam", "Carla"]


async def test_referral_of_this_program_is_accepted_once_even_when_clicked_twice(client, db):
    program, coordinator = await _coordinator(db)
    referral = await make_referral(db, program)
    await sign_in(client, coordinator)
    await post_form(client, f"/referrals/{referral.id}/accept", {})
    await post_form(client, f"/referrals/{referral.id}/accept", {})
    assert await db.scalar(select(func.count()).select_from(Case)) == 1
    assert (await db.scalar(select(Referral).where(Referral.id == referral.id))) is not None


async def test_numbering_continues_after_cases_made_without_a_counter(client, db):
    program, coordinator = await _coordinator(db)
    existing = await make_case(db, program, CaseState.INTAKE)
    existing.number = f"{TODAY.year}-0041"
    await db.commit()
    referral = await make_referral(db, program)
    await sign_in(client, coordinator)

    await post_form(client, f"/referrals/{referral.id}/accept", {})

    numbers = set((await db.scalars(select(Case.number))).all())
    assert numbers == {f"{TODAY.year}-0041", f"{TODAY.year}-0042"}


def timeline_of(page: str) -> str:
    return page.split('<article id="timeline">')[1].split("</article>")[0]


async def test_intake_edits_are_on_the_timeline_with_who_and_what_changed(client, db):
    program, coordinator = await _coordinator(db)
    other = await make_user(db, program, Role.COORDINATOR, name="Robin Other")
    case = await make_case(db, program, CaseState.INTAKE, coordinator=coordinator)
    need = await db.scalar(
        select(Factor).where(Factor.program_id == program.id, Factor.name == "Peer pressure")
    )
    await sign_in(client, coordinator)
    day = (TODAY - datetime.timedelta(days=1)).isoformat()

    saved = await post_form(
        client,
        f"/cases/{case.id}/intake",
        {
            "version": "1",
            "intake_on": day,
            "factor": str(need.id),
            "intake_notes": "Met the family.",
            "coordinator_id": str(other.id),
        },
    )

    assert saved.status_code == 303
    timeline = timeline_of((await client.get(f"/cases/{case.id}")).text)
    assert "Intake updated" in timeline
    assert "by Casey Coordinator" in timeline
    for change in (
        "Intake interview: ",
        "Needs: added Peer pressure",
        "Coordinator: Robin Other",
        "Notes changed",
    ):
        assert change in timeline, change
    events = (await db.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))).all()
    assert [event.actor_id for event in events] == [coordinator.id]


async def test_a_contact_logged_today_is_above_the_opening_and_has_no_invented_time(client, db):
    program, coordinator = await _coordinator(db)
    referral = await make_referral(db, program, received_on=TODAY)
    await sign_in(client, coordinator)
    opened = await post_form(client, f"/referrals/{referral.id}/accept", {})
    case_url = opened.headers["location"]
    page = await client.get(case_url)
    token = re.search(r'name="submission_token" value="([^"]+)"', page.text)[1]

    logged = await post_form(
        client,
        f"{case_url}/contacts",
        {
            "contacted_on": TODAY.isoformat(),
            "method": "phone",
            "summary": "Called.",
            "submission_token": token,
        },
    )

    assert logged.status_code == 303
    timeline = timeline_of((await client.get(case_url)).text)
    assert timeline.index("Contact by phone") < timeline.index("case opened")
    contact = timeline.split('class="timeline-contact"')[1].split("</li>")[0]
    shown = re.search(r"<time[^>]*>([^<]*)</time>", contact)[1]
    assert shown == TODAY.isoformat(), "a contact logged by date shows its date, not a made-up hour"


async def test_the_case_page_shows_the_latest_contact_logged_read_from_its_timeline(client, db, app):
    """The timeline reads every contact of the case; the last contact and the overdue mark come
    from it, with no query of their own."""
    program, coordinator = await _coordinator(db)
    case = await make_case(
        db, program, CaseState.INTAKE, received_on=TODAY - datetime.timedelta(days=90), incident_date=TODAY
    )
    for days_ago in (20, 70):  # logged out of order: the latest is not the last one written
        db.add(
            ContactLog(
                program_id=program.id,
                case_id=case.id,
                contacted_on=TODAY - datetime.timedelta(days=days_ago),
                method=ContactMethod.PHONE,
                contact_with="Mother",
            )
        )
    await db.commit()
    await sign_in(client, coordinator)

    with counting(app) as statements:
        page = (await client.get(f"/cases/{case.id}")).text
    assert f"Last contact {(TODAY - datetime.timedelta(days=20)).isoformat()}." in page
    assert "days without contact" not in page
    assert not [s for s in statements if "max(contact_log" in s]


async def test_the_conflict_message_shows_every_field_the_other_coordinator_changed(client, db):
    program, coordinator = await _coordinator(db)
    other = await make_user(db, program, Role.COORDINATOR, name="Robin Other")
    case = await make_case(db, program, CaseState.INTAKE, coordinator=coordinator)
    factors = (await db.scalars(select(Factor).where(Factor.program_id == program.id))).all()
    need = next(f for f in factors if f.name == "Peer pressure")
    strength = next(f for f in factors if f.name == "Supportive family")
    await sign_in(client, coordinator)
    first = await post_form(
        client,
        f"/cases/{case.id}/intake",
        {
            "version": "1",
            "factor": [str(need.id), str(strength.id)],
            "coordinator_id": str(other.id),
            "race_ethnicity": "Hispanic or Latino",
            "intake_notes": "First save.",
        },
    )
    assert first.status_code == 303

    stale = await post_form(
        client,
        f"/cases/{case.id}/intake",
        {"version": "1", "intake_notes": "Second, stale.", "coordinator_id": str(coordinator.id)},
    )

    assert stale.status_code == 409
    conflict = stale.text.split('class="conflict"')[1].split("</article>")[0]
    for saved in ("Peer pressure", "Supportive family", "Robin Other", "Hispanic or Latino", "First save."):
        assert saved in conflict, saved
    assert "Casey Coordinator" in conflict, "what this coordinator chose is shown beside it"


async def test_the_jurys_findings_are_on_the_case_timeline_with_who(client, db):
    program, coordinator = await _coordinator(db)
    night = await make_night(db, program, TODAY - datetime.timedelta(days=1))
    case = await make_case(db, program, CaseState.SCHEDULED, coordinator=coordinator)
    hearing = await make_hearing(db, night.courtrooms[0], case, outcome=HearingOutcome.HELD)
    factors = (await db.scalars(select(Factor).where(Factor.program_id == program.id))).all()
    peers = next(f for f in factors if f.name == "Peer pressure")
    family = next(f for f in factors if f.name == "Supportive family")
    await sign_in(client, coordinator)

    saved = await post_form(
        client,
        f"/hearings/slots/{hearing.id}/investigation",
        {
            "version": "0",
            "factor": [str(peers.id), str(family.id)],
            "questioning_summary": "Went along with friends.",
            "deliberation_summary": "Apology and service hours.",
        },
    )

    assert saved.status_code == 303
    timeline = timeline_of((await client.get(f"/cases/{case.id}")).text)
    assert "Jury&#39;s findings recorded" in timeline or "Jury's findings recorded" in timeline
    assert "by Casey Coordinator" in timeline
    assert "Peer pressure" in timeline and "Supportive family" in timeline


@pytest.mark.parametrize("sort", sorted(SORTS))
async def test_a_search_lists_its_matches_in_the_order_of_the_list(db, sort):
    """A search reads the matches by name and by number apart, each with its sort keys, and unites
    them: the matches come in the order the whole list has them, ties broken alike."""
    program = await make_program(db)
    opened = datetime.date(2026, 3, 1)
    for number, (first, last) in enumerate(
        [("Ana", "Marsh"), ("Bo", "Amar"), ("Cy", "Lake"), ("Di", "Omar"), ("Ed", "Marsh"), ("Flo", "Reyes")]
    ):
        youth = await make_youth(db, program, first_name=first, last_name=last)
        state = list(CaseState)[number % 3]
        referral = await make_referral(
            db, program, youth, received_on=opened + datetime.timedelta(days=number % 2)
        )
        await make_case(db, program, state, referral=referral)
    with program_scope(ProgramScope.of(program.id)):
        listed, _ = CaseFilters.read({"sort": sort}).query()
        searched, words = CaseFilters.read({"sort": sort, "q": "MAR"}).query()
        everyone = list(await db.scalars(listed))
        found = list(await db.scalars(searched, words))
        names = dict((await db.execute(select(Case.id, Youth.last_name).join(Case.youth))).all())
    assert sorted(names[case_id] for case_id in found) == ["Amar", "Marsh", "Marsh", "Omar"]
    assert found == [case_id for case_id in everyone if case_id in set(found)]
