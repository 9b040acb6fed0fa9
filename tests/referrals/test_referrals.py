"""Coordinators take in referrals, find young people already on record, screen and decide referrals."""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import (
    make_program,
    make_referral,
    make_user,
    make_youth,
    post_form,
    sign_in_with_form,
)
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import Case, CaseEvent
from youthcourt.programs.models import Program, Role
from youthcourt.reference.defaults import ensure_defaults
from youthcourt.reference.models import Offense, OffenseClass, ProgramPolicy, ReferralSource
from youthcourt.referrals import screening, services
from youthcourt.referrals.models import AssignmentMethod, Guardian, Referral, ReferralStatus, StudyArm, Youth

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


# Helpers ---------------------------------------------------------------------------------------------


async def signed_in_coordinator(client: Any, db: AsyncSession, program: Program | None = None) -> Program:
    program = program or await make_program(db)
    await sign_in_with_form(client, await make_user(db, program, Role.COORDINATOR))
    return program


async def catalog(db: AsyncSession, program: Program) -> tuple[ReferralSource, Offense]:
    """The program's first source agency and a class A offense (defaults created on first use)."""
    await ensure_defaults(db, program.id)
    await db.commit()
    source = await db.scalar(
        select(ReferralSource).where(ReferralSource.program_id == program.id).order_by(ReferralSource.name)
    )
    offense = await db.scalar(
        select(Offense).where(Offense.program_id == program.id, Offense.offense_class == OffenseClass.A)
    )
    return source, offense


def intake(source: ReferralSource, offense: Offense, **changes: str) -> dict[str, str]:
    data = {
        "submission_token": uuid.uuid4().hex,
        "first_name": "Darius",
        "last_name": "Whitaker",
        "date_of_birth": "2011-03-09",
        "gender": "Male",
        "school": "Lincoln Middle School",
        "grade": "8",
        "phone": "555-0100",
        "email": "",
        "address": "12 Elm Street",
        "guardian1_name": "Renee Whitaker",
        "guardian1_relationship": "Mother",
        "guardian1_phone": "555-0101",
        "guardian1_email": "renee@example.org",
        "guardian1_address": "12 Elm Street",
        "guardian2_name": "Carl Whitaker",
        "guardian2_relationship": "Grandfather",
        "guardian2_phone": "",
        "guardian2_email": "carl@example.org",
        "guardian2_address": "",
        "incident_date": (TODAY - 20 * DAY).isoformat(),
        "incident_place": "Corner store on 5th Avenue",
        "offense_id": str(offense.id),
        "narrative": "Took a phone charger without paying.",
        "source_id": str(source.id),
        "source_reference": "PD-2026-0042",
        "received_on": (TODAY - 5 * DAY).isoformat(),
    }
    data.update(changes)
    return data


async def count(db: AsyncSession, model: Any) -> int:
    return await db.scalar(select(func.count()).select_from(model)) or 0


async def audit_actions(db: AsyncSession, record_id: Any = None) -> list[str]:
    query = select(AuditEntry.action).order_by(AuditEntry.occurred_at)
    if record_id is not None:
        query = query.where(AuditEntry.record_id == str(record_id))
    return list((await db.scalars(query)).all())


def referral_id_from(response: Any) -> uuid.UUID:
    match = re.fullmatch(r"/referrals/([0-9a-f-]{36})", response.headers["location"])
    assert match, response.headers.get("location")
    return uuid.UUID(match.group(1))


# Intake ----------------------------------------------------------------------------------------------


async def test_new_referral_form_offers_the_catalog_today_and_a_token(client, db):
    await signed_in_coordinator(client, db)

    response = await client.get("/referrals/new")

    assert response.status_code == 200
    assert "Petit larceny / shoplifting (class A)" in response.text
    assert "Police Department" in response.text
    assert f'name="received_on" type="date"\n         value="{TODAY.isoformat()}"' in response.text
    assert re.search(r'name="submission_token" value="[A-Za-z0-9_-]{20,}"', response.text)
    assert 'hx-post="/referrals/youth-matches"' in response.text


async def test_coordinator_creates_a_referral_with_youth_and_guardians(client, db):
    program = await signed_in_coordinator(client, db)
    source, offense = await catalog(db, program)
    data = intake(source, offense)

    response = await post_form(client, "/referrals", data)

    assert response.status_code == 303
    referral_id = referral_id_from(response)
    referral = await db.scalar(select(Referral).where(Referral.id == referral_id))
    assert referral.program_id == program.id
    assert referral.status == ReferralStatus.PENDING
    assert referral.source_reference == "PD-2026-0042"
    assert referral.received_on == TODAY - 5 * DAY
    assert referral.offense_id == offense.id
    assert referral.submission_token == data["submission_token"]
    youth = await db.scalar(select(Youth).where(Youth.id == referral.youth_id))
    assert (youth.first_name, youth.last_name, youth.date_of_birth) == (
        "Darius",
        "Whitaker",
        datetime.date(2011, 3, 9),
    )
    assert (youth.school, youth.grade, youth.program_id) == ("Lincoln Middle School", "8", program.id)
    guardians = (await db.scalars(select(Guardian).where(Guardian.youth_id == youth.id))).all()
    assert sorted(g.name for g in guardians) == ["Carl Whitaker", "Renee Whitaker"]
    assert {g.program_id for g in guardians} == {program.id}
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "referral_create"))
    assert entry.record_id == str(referral_id)
    assert "Darius" not in str(entry.details) and "Whitaker" not in str(entry.details)

    page = await client.get(f"/referrals/{referral_id}")
    assert page.status_code == 200
    assert "The referral was saved" in page.text
    assert "Darius Whitaker" in page.text and "Renee Whitaker" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "referral_view" in await audit_actions(db, referral_id)


async def test_double_submit_creates_one_referral(client, db):
    program = await signed_in_coordinator(client, db)
    source, offense = await catalog(db, program)
    data = intake(source, offense)

    first = await post_form(client, "/referrals", data)
    second = await post_form(client, "/referrals", data)

    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert await count(db, Referral) == 1
    assert await count(db, Youth) == 1
    assert (await audit_actions(db)).count("referral_create") == 1


async def test_likely_duplicate_youth_is_warned_and_needs_confirmation(client, db):
    program = await signed_in_coordinator(client, db)
    source, offense = await catalog(db, program)
    known = await make_youth(
        db, program, first_name="Darius", last_name="Whittaker", date_of_birth=datetime.date(2011, 3, 9)
    )
    data = intake(source, offense)

    warned = await post_form(client, "/referrals", data)

    assert warned.status_code == 422
    assert "This may be the same young person" in warned.text
    assert "Darius Whittaker" in warned.text
    assert f'name="youth_id" value="{known.id}"' in warned.text
    assert 'value="Lincoln Middle School"' in warned.text
    assert 'value="Renee Whitaker"' in warned.text
    assert await count(db, Youth) == 1
    assert await count(db, Referral) == 0
    assert "youth_search" in await audit_actions(db)

    confirmed = await post_form(client, "/referrals", {**data, "confirm_new_youth": "yes"})

    assert confirmed.status_code == 303
    assert await count(db, Youth) == 2


async def test_active_search_lists_similar_records_only(client, db):
    program = await signed_in_coordinator(client, db)
    born = datetime.date(2010, 7, 1)
    await make_youth(db, program, first_name="Maria", last_name="Lopez", date_of_birth=born)
    await make_youth(db, program, first_name="Kevin", last_name="Brown", date_of_birth=born)
    await make_youth(
        db, program, first_name="Maria", last_name="Lopez", date_of_birth=datetime.date(2012, 1, 2)
    )
    elsewhere = await make_program(db)
    await make_youth(db, elsewhere, first_name="Maria", last_name="Lopes", date_of_birth=born)

    similar = await post_form(
        client,
        "/referrals/youth-matches",
        {"first_name": "maria", "last_name": "Lopes", "date_of_birth": born.isoformat()},
    )
    same_name = await post_form(
        client, "/referrals/youth-matches", {"first_name": "Maria", "last_name": "Lopez"}
    )
    unrelated = await post_form(
        client,
        "/referrals/youth-matches",
        {"first_name": "Ann", "last_name": "Zimmer", "date_of_birth": born.isoformat()},
    )

    assert similar.status_code == 200
    assert "This may be the same young person" in similar.text
    assert similar.text.count("Maria Lopez") == 1
    assert "Kevin Brown" not in similar.text
    assert "2012-01-02" not in similar.text
    assert "Lopes" not in similar.text  # the other program's record stays invisible
    assert same_name.text.count("Maria Lopez") == 2
    assert "This may be the same young person" not in unrelated.text


def test_name_similarity_rules():
    assert services.similar_names("Jon", "John")
    assert services.similar_names("Lopez", "López")
    assert services.similar_names("Garcia", "Lopez-Garcia")
    assert not services.similar_names("Brown", "Lopez")
    assert not services.similar_names("", "Lopez")


async def test_existing_youth_is_reused_without_retyping(client, db):
    program = await signed_in_coordinator(client, db)
    source, offense = await catalog(db, program)
    youth = await make_youth(db, program, first_name="Tasha", last_name="Greene")
    db.add(Guardian(program_id=program.id, youth_id=youth.id, name="Lena Greene", phone="555-0111"))
    await db.commit()
    chosen = await post_form(
        client, "/referrals/youth-section", {"youth_id": str(youth.id), "guardian2_name": "Typed Before"}
    )
    assert chosen.status_code == 200
    assert f'name="youth_id" value="{youth.id}"' in chosen.text
    assert "Lena Greene" in chosen.text
    assert 'id="guardians" hx-swap-oob="true"' in chosen.text
    assert 'value="Typed Before"' in chosen.text
    assert "First parent or guardian (optional)" in chosen.text
    fresh = await post_form(client, "/referrals/youth-section", {"youth_id": str(youth.id), "choose": "new"})
    assert 'name="youth_id"' not in fresh.text
    assert 'name="first_name"' in fresh.text
    data = intake(source, offense, youth_id=str(youth.id))
    for name in list(data):
        if name in {"first_name", "last_name", "date_of_birth", "school"} or name.startswith("guardian"):
            data[name] = ""

    response = await post_form(client, "/referrals", data)

    assert response.status_code == 303
    referral = await db.scalar(select(Referral).where(Referral.id == referral_id_from(response)))
    assert referral.youth_id == youth.id
    assert await count(db, Youth) == 1
    assert await count(db, Guardian) == 1
    assert "youth_view" in await audit_actions(db, youth.id)


async def test_youth_of_another_program_cannot_be_chosen(client, db):
    program = await signed_in_coordinator(client, db)
    source, offense = await catalog(db, program)
    foreign = await make_youth(db, await make_program(db))

    picked = await post_form(client, "/referrals/youth-section", {"youth_id": str(foreign.id)})
    assert picked.status_code == 404
    response = await post_form(client, "/referrals", intake(source, offense, youth_id=str(foreign.id)))

    assert response.status_code == 422
    assert "no longer available" in response.text
    assert await count(db, Referral) == 0


async def test_required_fields_lengths_and_guardian_are_checked_with_input_kept(client, db):
    program = await signed_in_coordinator(client, db)
    source, offense = await catalog(db, program)
    data = intake(
        source,
        offense,
        first_name="",
        last_name="L" * 101,
        guardian1_name="Renee Whitaker",
        guardian1_phone="",
        guardian1_email="",
        guardian2_name="",
        guardian2_email="carl@example.org",
        offense_id="",
        narrative="Kept narrative",
    )

    response = await post_form(client, "/referrals", data)

    assert response.status_code == 422
    text = response.text
    assert "Enter the first name." in text
    assert "The last name must be at most 100 characters." in text
    assert "Enter at least one parent or guardian with a name and a phone number or email." in text
    assert "Enter the second guardian&#39;s name" in text
    assert "Choose the offense." in text
    assert 'value="Renee Whitaker"' in text
    assert "Kept narrative</textarea>" in text
    assert f'value="{data["submission_token"]}"' in text
    assert await count(db, Referral) == 0
    assert await count(db, Youth) == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date_of_birth": (TODAY + DAY).isoformat()}, "The date of birth cannot be in the future."),
        ({"incident_date": (TODAY + DAY).isoformat()}, "The incident date cannot be in the future."),
        ({"received_on": (TODAY + DAY).isoformat()}, "The date received cannot be in the future."),
        (
            {
                "date_of_birth": (TODAY - 10 * DAY).isoformat(),
                "incident_date": (TODAY - 20 * DAY).isoformat(),
            },
            "The incident date is before the date of birth.",
        ),
        (
            {"incident_date": (TODAY - 5 * DAY).isoformat(), "received_on": (TODAY - 6 * DAY).isoformat()},
            "The referral cannot be received before the incident happened.",
        ),
        (
            {"date_of_birth": (TODAY - 4 * 365 * DAY).isoformat()},
            "the young person was 3 on the incident date",
        ),
        ({"date_of_birth": "1990-01-01"}, "on the incident date. Check the date of birth"),
        ({"incident_date": "2026-02-30"}, "Enter the incident date as a real date"),
    ],
)
async def test_impossible_dates_are_refused(client, db, changes, message):
    program = await signed_in_coordinator(client, db)
    source, offense = await catalog(db, program)

    response = await post_form(client, "/referrals", intake(source, offense, **changes))

    assert response.status_code == 422
    assert message in response.text
    for value in changes.values():
        assert f'value="{value}"' in response.text
    assert await count(db, Referral) == 0


# The list --------------------------------------------------------------------------------------------


async def test_list_shows_pending_first_with_flags_and_filters(client, db):
    program = await signed_in_coordinator(client, db)
    await make_program(db)
    old = await make_referral(
        db,
        program,
        await make_youth(db, program, first_name="Olivia", last_name="Old"),
        received_on=TODAY - 45 * DAY,
        incident_date=TODAY - 50 * DAY,
    )
    contacted = await make_referral(
        db,
        program,
        await make_youth(db, program, first_name="Cora", last_name="Contacted"),
        received_on=TODAY - 35 * DAY,
        incident_date=TODAY - 40 * DAY,
        family_contacted_on=TODAY - 30 * DAY,
    )
    await make_referral(
        db,
        program,
        await make_youth(db, program, first_name="Dana", last_name="Declined"),
        received_on=TODAY - DAY,
        status=ReferralStatus.DECLINED,
    )
    await make_referral(
        db, program, await make_youth(db, program, first_name="Nina", last_name="New"), received_on=TODAY
    )
    other_source = await db.scalar(
        select(ReferralSource).where(
            ReferralSource.program_id == program.id, ReferralSource.name == "School District"
        )
    )
    contacted.source_id = other_source.id
    await db.commit()

    response = await client.get("/referrals")

    assert response.status_code == 200
    text = response.text
    order = [text.index(name) for name in ("Nina New", "Cora Contacted", "Olivia Old", "Dana Declined")]
    assert order == sorted(order)
    old_row = text[text.index("Olivia Old") : text.index("</tr>", text.index("Olivia Old"))]
    assert "No family response after 30 days" in old_row
    assert "Waiting more than 30 days" in old_row
    contacted_row = text[text.index("Cora Contacted") : text.index("</tr>", text.index("Cora Contacted"))]
    assert "No family response" not in contacted_row
    assert "Waiting more than 30 days" in contacted_row
    declined_row = text[text.index("Dana Declined") : text.index("</tr>", text.index("Dana Declined"))]
    assert "<mark>" not in declined_row
    assert "referral_list" in await audit_actions(db)

    declined = await client.get("/referrals?status=declined")
    assert "Dana Declined" in declined.text and "Nina New" not in declined.text
    by_school = await client.get(f"/referrals?source={other_source.id}")
    assert "Cora Contacted" in by_school.text and "Olivia Old" not in by_school.text
    partial = await client.get(
        "/referrals?status=pending", headers={"HX-Request": "true", "HX-Target": "referral-rows"}
    )
    assert "<h1>" not in partial.text and "Olivia Old" in partial.text and "Dana Declined" not in partial.text
    assert old.id  # the flagged referral is the one built above


async def test_list_is_paginated(client, db):
    program = await signed_in_coordinator(client, db)
    youth = await make_youth(db, program, first_name="Paged", last_name="Person")
    for days in range(30):
        await make_referral(db, program, youth, received_on=TODAY - days * DAY)

    first = await client.get("/referrals")
    second = await client.get("/referrals?page=2")

    assert first.text.count("Paged Person") == 25
    assert second.text.count("Paged Person") == 5
    assert "Showing 26 to 30 of 30" in second.text


# Access ------------------------------------------------------------------------------------------------


async def test_unknown_and_foreign_referrals_are_not_found(client, db):
    program = await signed_in_coordinator(client, db)
    foreign = await make_referral(db, await make_program(db))

    assert (await client.get(f"/referrals/{uuid.uuid4()}")).status_code == 404
    assert (await client.get(f"/referrals/{foreign.id}")).status_code == 404
    declined = await post_form(client, f"/referrals/{foreign.id}/decline", {"decline_reason": "Not ours"})
    assert declined.status_code == 404
    await db.refresh(foreign)
    assert foreign.status == ReferralStatus.PENDING
    assert program.id != foreign.program_id


@pytest.mark.parametrize("role", [Role.JUROR, Role.EVALUATOR, Role.PROGRAM_ADMIN])
async def test_other_roles_cannot_open_referrals(client, db, role):
    program = await make_program(db)
    referral = await make_referral(db, program)
    await sign_in_with_form(client, await make_user(db, program, role))

    for path in ("/referrals", "/referrals/new", f"/referrals/{referral.id}"):
        assert (await client.get(path)).status_code == 403
    response = await post_form(client, f"/referrals/{referral.id}/decline", {"decline_reason": "No"})
    assert response.status_code == 403
    await db.refresh(referral)
    assert referral.status == ReferralStatus.PENDING


# Screening ----------------------------------------------------------------------------------------------


def test_age_check_uses_the_incident_date_and_the_policy_range():
    born = datetime.date(2010, 6, 15)
    assert screening.check_age(born, datetime.date(2020, 6, 14), 10, 17).passed is False
    assert screening.check_age(born, datetime.date(2020, 6, 15), 10, 17).passed is True
    assert screening.check_age(born, datetime.date(2028, 6, 15), 10, 17).passed is False
    assert (
        "18 on the incident date, older than 17"
        in screening.check_age(born, datetime.date(2028, 6, 15), 10, 17).reason
    )


def test_offense_class_and_first_time_checks():
    assert screening.check_offense_class("C", "ABC").passed
    refused = screening.check_offense_class("D", "ABC")
    assert not refused.passed
    assert "accepts classes A, B, C" in refused.reason
    assert screening.check_first_time([], first_time_only=True).passed


async def test_referral_page_shows_each_screening_check(client, db):
    program = await signed_in_coordinator(client, db)
    young = await make_youth(db, program, date_of_birth=TODAY - 9 * 365 * DAY - 30 * DAY)
    too_young = await make_referral(db, program, young, offense_class="D")
    repeat_youth = await make_youth(db, program, date_of_birth=datetime.date(2011, 1, 1))
    first = await make_referral(
        db, program, repeat_youth, received_on=TODAY - 200 * DAY, incident_date=TODAY - 210 * DAY
    )
    again = await make_referral(db, program, repeat_youth)

    failing = await client.get(f"/referrals/{too_young.id}")
    repeated = await client.get(f"/referrals/{again.id}")
    earliest = await client.get(f"/referrals/{first.id}")

    assert "Does not meet 2 of the program's eligibility rules" in failing.text
    assert "younger than 10" in failing.text
    assert "Class D is not accepted" in failing.text
    assert "No earlier referral of this young person" in failing.text
    assert "1 earlier referral; the latest received" in repeated.text
    assert "first-time referrals only" in repeated.text
    assert f'href="/referrals/{first.id}"' in repeated.text
    assert "Meets all of the program's eligibility rules." in earliest.text

    policy = await db.scalar(select(ProgramPolicy).where(ProgramPolicy.program_id == program.id))
    policy.first_time_only = False
    policy.accepted_classes = "ABCD"
    policy.min_age = 8
    await db.commit()
    relaxed = await client.get(f"/referrals/{too_young.id}")
    assert "Meets all of the program's eligibility rules." in relaxed.text
    assert "also accepts repeat referrals" in (await client.get(f"/referrals/{again.id}")).text


# Decisions ------------------------------------------------------------------------------------------------


async def test_pending_referral_offers_accept_decline_and_return(client, db):
    program = await signed_in_coordinator(client, db)
    referral = await make_referral(db, program)

    response = await client.get(f"/referrals/{referral.id}")

    assert f'action="/referrals/{referral.id}/accept"' in response.text
    assert "Accept and open a case" in response.text
    assert f'action="/referrals/{referral.id}/decline"' in response.text
    assert f'action="/referrals/{referral.id}/return"' in response.text


async def test_an_ineligible_referral_is_accepted_only_with_a_reason(client, db):
    program = await signed_in_coordinator(client, db)
    adult = await make_youth(db, program, first_name="Dana", date_of_birth=TODAY - 18 * 365 * DAY - 60 * DAY)
    referral = await make_referral(db, program, adult, offense_class="D")

    page = await client.get(f"/referrals/{referral.id}")
    assert "Accept as an exception" in page.text
    assert "Accept anyway and open a case" in page.text
    assert "Accept and open a case</button>" not in page.text

    refused = await post_form(client, f"/referrals/{referral.id}/accept", {"accept_reason": "   "})

    assert refused.status_code == 422
    assert (
        "This referral fails 2 of the program&#39;s eligibility rules (age, offense class)." in refused.text
    )
    assert "Nothing was saved." in refused.text
    assert 'aria-invalid="true"' in re.search(
        r'<textarea id="field-accept_reason"[^>]*>', refused.text
    ).group(0)
    assert (await fresh_referral(db, referral.id)).status == ReferralStatus.PENDING
    assert await count(db, Case) == 0
    assert "referral_accept" not in await audit_actions(db)

    accepted = await post_form(
        client,
        f"/referrals/{referral.id}/accept",
        {"accept_reason": "The judge asked us to take this case; the victim agreed."},
    )

    assert accepted.status_code == 303
    saved = await fresh_referral(db, referral.id)
    assert saved.status == ReferralStatus.ACCEPTED
    assert saved.decision_reason == "The judge asked us to take this case; the victim agreed."
    assert saved.failed_rules.startswith("Age: 18 on the incident date, older than 17")
    assert "Offense class: Class D is not accepted" in saved.failed_rules
    assert ".;" not in saved.failed_rules and saved.failed_rules.endswith("."), "the rules read as sentences"
    case = await db.scalar(select(Case).where(Case.referral_id == referral.id))
    events = (await db.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))).all()
    assert any(
        e.summary.startswith("Accepted although the referral fails the eligibility rules. Failed: Age: 18")
        and e.summary.endswith("Reason: The judge asked us to take this case; the victim agreed.")
        for e in events
    )
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "referral_accept"))
    assert entry.details == {
        "override": True,
        "failed_rules": ["Age", "Offense class"],
        "reason": "The judge asked us to take this case; the victim agreed.",
    }
    shown = await client.get(f"/referrals/{referral.id}")
    assert "Accepted although it failed the eligibility rules" in shown.text
    assert "Reason: The judge asked us to take this case; the victim agreed." in shown.text


async def test_an_eligible_referral_is_accepted_with_one_click_and_no_reason(client, db):
    program = await signed_in_coordinator(client, db)
    referral = await make_referral(db, program)

    accepted = await post_form(client, f"/referrals/{referral.id}/accept", {})

    assert accepted.status_code == 303
    saved = await fresh_referral(db, referral.id)
    assert (saved.status, saved.decision_reason, saved.failed_rules) == (ReferralStatus.ACCEPTED, "", "")
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "referral_accept"))
    assert entry.details == {}


async def fresh_referral(db: AsyncSession, referral_id: Any) -> Referral:
    return await db.scalar(
        select(Referral).where(Referral.id == referral_id).execution_options(populate_existing=True)
    )


@pytest.mark.parametrize(
    ("action", "field", "status", "missing"),
    [
        ("decline", "decline_reason", ReferralStatus.DECLINED, "Enter the reason for declining"),
        ("return", "return_reason", ReferralStatus.RETURNED, "Enter the reason for returning the referral"),
    ],
)
async def test_decline_and_return_need_a_reason(client, db, action, field, status, missing):
    program = await signed_in_coordinator(client, db)
    referral = await make_referral(db, program)

    refused = await post_form(client, f"/referrals/{referral.id}/{action}", {field: "   "})

    assert refused.status_code == 422
    assert missing in refused.text
    await db.refresh(referral)
    assert referral.status == ReferralStatus.PENDING

    done = await post_form(
        client, f"/referrals/{referral.id}/{action}", {field: "Family moved out of the county."}
    )

    assert done.status_code == 303
    assert done.headers["location"] == f"/referrals/{referral.id}"
    await db.refresh(referral)
    assert referral.status == status
    assert referral.decision_reason == "Family moved out of the county."
    assert referral.decided_at is not None and referral.decided_by_id is not None
    assert f"referral_{action}" in await audit_actions(db, referral.id)
    page = await client.get(f"/referrals/{referral.id}")
    assert "Family moved out of the county." in page.text
    assert "Accept and open a case" not in page.text

    again = await post_form(client, f"/referrals/{referral.id}/decline", {"decline_reason": "Twice"})
    assert again.status_code == 409
    assert "no longer pending" in again.text
    await db.refresh(referral)
    assert referral.decision_reason == "Family moved out of the county."


async def test_stale_version_is_a_conflict_that_keeps_the_typed_reason(client, db):
    program = await signed_in_coordinator(client, db)
    referral = await make_referral(db, program)
    seen_version = referral.version
    await post_form(
        client, f"/referrals/{referral.id}/family-contact", {"family_contacted_on": TODAY.isoformat()}
    )

    response = await post_form(
        client,
        f"/referrals/{referral.id}/decline",
        {"decline_reason": "Typed before the other change", "version": str(seen_version)},
    )

    assert response.status_code == 409
    assert "Someone else changed this referral" in response.text
    assert "Typed before the other change</textarea>" in response.text
    await db.refresh(referral)
    assert referral.status == ReferralStatus.PENDING


async def test_family_contact_date_is_checked_and_recorded(client, db):
    program = await signed_in_coordinator(client, db)
    referral = await make_referral(db, program, received_on=TODAY - 10 * DAY, incident_date=TODAY - 12 * DAY)
    path = f"/referrals/{referral.id}/family-contact"

    future = await post_form(client, path, {"family_contacted_on": (TODAY + DAY).isoformat()})
    early = await post_form(client, path, {"family_contacted_on": (TODAY - 11 * DAY).isoformat()})
    empty = await post_form(client, path, {"family_contacted_on": ""})

    assert future.status_code == early.status_code == empty.status_code == 422
    assert "cannot be in the future" in future.text
    assert "cannot be before the referral was received" in early.text
    assert f'value="{(TODAY - 11 * DAY).isoformat()}"' in early.text
    assert "Enter the date of the first contact with the family." in empty.text
    await db.refresh(referral)
    assert referral.family_contacted_on is None

    saved = await post_form(client, path, {"family_contacted_on": (TODAY - 3 * DAY).isoformat()})

    assert saved.status_code == 303
    await db.refresh(referral)
    assert referral.family_contacted_on == TODAY - 3 * DAY
    assert "referral_family_contact" in await audit_actions(db, referral.id)
    assert "No family response" not in (await client.get(f"/referrals/{referral.id}")).text


async def test_refused_change_still_records_the_view(client, db):
    program = await signed_in_coordinator(client, db)
    referral = await make_referral(db, program)

    await post_form(client, f"/referrals/{referral.id}/decline", {"decline_reason": ""})

    assert (await audit_actions(db, referral.id)).count("referral_view") == 1


async def test_second_click_that_passed_the_token_check_still_creates_one_referral(client, db, monkeypatch):
    """Two clicks in flight at once: the later one only learns at the insert that the token is taken."""
    program = await signed_in_coordinator(client, db)
    source, offense = await catalog(db, program)
    data = intake(source, offense, confirm_new_youth="yes")
    first = await post_form(client, "/referrals", data)
    real_lookup = services.referral_by_token
    calls = []

    async def too_early_then_real(session, token):
        calls.append(token)
        return None if len(calls) == 1 else await real_lookup(session, token)

    monkeypatch.setattr(services, "referral_by_token", too_early_then_real)

    second = await post_form(client, "/referrals", data)

    assert len(calls) == 2
    assert second.status_code == 303
    assert second.headers["location"] == first.headers["location"]
    assert await count(db, Referral) == 1
    assert await count(db, Youth) == 1


async def test_a_referral_records_the_prior_record_and_the_study_arm(client, db):
    program = await signed_in_coordinator(client, db)
    source, offense = await catalog(db, program)
    data = intake(
        source,
        offense,
        prior_police_contacts="2",
        prior_diversions="0",
        prior_adjudications="",
        study_arm="youth_court",
        assigned_on=(TODAY - 4 * DAY).isoformat(),
        assignment_method="random",
    )

    response = await post_form(client, "/referrals", data)

    referral = await db.scalar(select(Referral).where(Referral.id == referral_id_from(response)))
    assert (referral.prior_police_contacts, referral.prior_diversions, referral.prior_adjudications) == (
        2,
        0,
        None,
    )
    assert (referral.study_arm, referral.assigned_on) == (StudyArm.YOUTH_COURT, TODAY - 4 * DAY)
    assert referral.assignment_method == AssignmentMethod.RANDOM
    page = (await client.get(f"/referrals/{referral.id}")).text
    assert "Police contacts: 2; diversions: 0; adjudications: not known" in page
    assert "Youth court, assigned" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"prior_police_contacts": "-1"}, "prior_police_contacts", "cannot be negative"),
        ({"prior_diversions": "two"}, "prior_diversions", "the number of earlier diversions"),
        ({"study_arm": "youth_court"}, "assigned_on", "Enter the day of assignment"),
        ({"assignment_method": "random"}, "study_arm", "Choose the study arm"),
        ({"study_arm": "placebo"}, "study_arm", "Choose the study arm."),
        ({"prior_diversions": "2147483648"}, "prior_diversions", "at most 99"),
        (
            {"prior_adjudications": "99999999999999999999"},
            "prior_adjudications",
            "is too large: enter at most 99",
        ),
        (
            {
                "study_arm": "comparison",
                "assignment_method": "random",
                "assigned_on": (TODAY + DAY).isoformat(),
            },
            "assigned_on",
            "cannot be in the future",
        ),
        (
            {"study_arm": "comparison", "assignment_method": "random", "assigned_on": "2020-01-01"},
            "assigned_on",
            "cannot be before the referral was received",
        ),
    ],
)
async def test_a_wrong_prior_record_or_study_arm_is_refused_with_the_form_kept(
    client, db, changes, field, message
):
    program = await signed_in_coordinator(client, db)
    source, offense = await catalog(db, program)

    response = await post_form(client, "/referrals", intake(source, offense, **changes))

    assert response.status_code == 422
    assert f'id="error-{field}"' in response.text
    assert message in response.text
    assert await count(db, Referral) == 0
