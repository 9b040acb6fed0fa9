"""Program admins keep their program's reference data: sources, offenses, the grid, factors, policy."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_program, make_user, post_form, sign_in_with_form
from youthcourt.audit.models import AuditEntry
from youthcourt.programs.models import Program, Role
from youthcourt.reference import defaults
from youthcourt.reference.defaults import ensure_defaults
from youthcourt.reference.models import (
    CourtRole,
    Factor,
    FactorKind,
    Offense,
    OffenseClass,
    ProgramPolicy,
    ReferralSource,
    RoleRequirement,
    SanctionRule,
    SanctionType,
)

PAGES = [
    "/reference",
    "/reference/sources",
    "/reference/sources/new",
    "/reference/offenses",
    "/reference/offenses/new",
    "/reference/grid",
    "/reference/factors",
    "/reference/policy",
]
GOOD_POLICY = {
    "min_age": "11",
    "max_age": "16",
    "accepted_classes": ["A", "B"],
    "first_time_only": "yes",
    "family_response_days": "21",
    "hearing_target_days": "42",
    "sanction_deadline_days": "120",
    "contact_interval_days": "14",
    "follow_up_months": ["6", "24"],
    "jury_min": "6",
    "jury_max": "7",
    "absence_limit": "3",
    "absence_window": "10",
    "credits_per_hour": "2",
    "suppression_threshold": "11",
    "mfa_for_jurors": "yes",
    "session_idle_minutes": "15",
    "session_absolute_hours": "8",
    "auto_seal_months": "24",
    "contact_phone": "",
    "foreperson__min_nights": "3",
    "foreperson__training_hours": "0",
    "clerk__min_nights": "0",
    "clerk__training_hours": "4",
    "bailiff__min_nights": "0",
    "bailiff__training_hours": "4",
    "youth_judge__min_nights": "10",
    "youth_judge__training_hours": "8",
    "youth_judge__prior_role": "foreperson",
}


async def signed_in_admin(client: Any, db: AsyncSession) -> Program:
    program = await make_program(db)
    await sign_in_with_form(client, await make_user(db, program, Role.PROGRAM_ADMIN))
    return program


async def rows(db: AsyncSession, query: Any) -> list[Any]:
    """Read what requests saved (not what this session remembers)."""
    return list((await db.scalars(query.execution_options(populate_existing=True))).all())


async def one(db: AsyncSession, query: Any) -> Any:
    return await db.scalar(query.execution_options(populate_existing=True))


async def changes(db: AsyncSession, record_type: str) -> list[AuditEntry]:
    query = (
        select(AuditEntry)
        .where(AuditEntry.action == "reference_change", AuditEntry.record_type == record_type)
        .order_by(AuditEntry.occurred_at)
    )
    return await rows(db, query)


async def grid_data(db: AsyncSession, program: Program) -> dict[str, str]:
    """The grid form as the page fills it: every cell, empty where there is no rule."""
    data = {
        f"{bound}__{kind.value}__{offense_class.value}": ""
        for kind in SanctionType
        for offense_class in OffenseClass
        for bound in ("min", "max")
    }
    for rule in await rows(db, select(SanctionRule).where(SanctionRule.program_id == program.id)):
        data[f"min__{rule.sanction_type.value}__{rule.offense_class.value}"] = str(rule.min_quantity)
        data[f"max__{rule.sanction_type.value}__{rule.offense_class.value}"] = str(rule.max_quantity)
    return data


async def rule(
    db: AsyncSession, program: Program, kind: SanctionType, offense_class: str
) -> SanctionRule | None:
    return await one(
        db,
        select(SanctionRule).where(
            SanctionRule.program_id == program.id,
            SanctionRule.sanction_type == kind,
            SanctionRule.offense_class == offense_class,
        ),
    )


# Defaults and access


async def test_every_page_opens_and_defaults_are_seeded_once(client, db):
    program = await signed_in_admin(client, db)

    for path in PAGES:
        response = await client.get(path)
        assert response.status_code == 200, path
        assert 'aria-label="Reference data sections"' in response.text or "Breadcrumb" in response.text, path
    await client.get("/reference")

    count = func.count()
    where = {"program_id": program.id}
    assert await one(db, select(count).select_from(ProgramPolicy).filter_by(**where)) == 1
    assert await one(db, select(count).select_from(ReferralSource).filter_by(**where)) == len(
        defaults.SOURCES
    )
    assert await one(db, select(count).select_from(Offense).filter_by(**where)) == len(defaults.OFFENSES)
    assert await one(db, select(count).select_from(SanctionRule).filter_by(**where)) == sum(
        len(ranges) for ranges in defaults.GRID.values()
    )
    factors = len(defaults.CONTRIBUTING) + len(defaults.STRENGTHS)
    assert await one(db, select(count).select_from(Factor).filter_by(**where)) == factors
    overview = await client.get("/reference")
    assert f"{len(defaults.SOURCES)} active agencies" in overview.text
    assert "Ages 10 to 17" in overview.text


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.JUROR, Role.EVALUATOR])
async def test_other_roles_are_turned_away(client, db, role):
    program = await make_program(db)
    await ensure_defaults(db, program.id)
    await db.commit()
    await sign_in_with_form(client, await make_user(db, program, role))
    source = await one(db, select(ReferralSource).where(ReferralSource.program_id == program.id))

    for path in PAGES:
        assert (await client.get(path)).status_code == 403, path
    posts = {
        "/reference/sources": {"name": "Sneaky Agency", "kind": "other"},
        f"/reference/sources/{source.id}/active": {"active": "false"},
        "/reference/policy": GOOD_POLICY,
        "/reference/grid": await grid_data(db, program),
    }
    for path, data in posts.items():
        assert (await post_form(client, path, data)).status_code == 403, path

    assert await one(db, select(ReferralSource).where(ReferralSource.name == "Sneaky Agency")) is None
    assert (await one(db, select(ReferralSource).where(ReferralSource.id == source.id))).is_active
    assert await changes(db, "referral_source") == []


async def test_records_of_another_program_are_not_found(client, db):
    other = await make_program(db)
    await ensure_defaults(db, other.id)
    await db.commit()
    await signed_in_admin(client, db)
    source = await one(db, select(ReferralSource).where(ReferralSource.program_id == other.id))
    offense = await one(db, select(Offense).where(Offense.program_id == other.id))
    factor = await one(db, select(Factor).where(Factor.program_id == other.id))

    for path in (f"/reference/sources/{source.id}", f"/reference/offenses/{offense.id}"):
        assert (await client.get(path)).status_code == 404, path
    assert (await client.get(f"/reference/factors/{factor.id}")).status_code == 404
    assert (await client.get("/reference/sources/00000000-0000-0000-0000-000000000000")).status_code == 404
    attempts = {
        f"/reference/sources/{source.id}": {"name": "Taken Over", "kind": "other"},
        f"/reference/sources/{source.id}/active": {"active": "false"},
        f"/reference/offenses/{offense.id}": {"name": "Taken Over", "category": "x", "offense_class": "A"},
        f"/reference/offenses/{offense.id}/active": {"active": "false"},
        f"/reference/factors/{factor.id}": {"name": "Taken Over"},
        f"/reference/factors/{factor.id}/active": {"active": "false"},
    }
    for path, data in attempts.items():
        response = await post_form(client, path, data)
        assert response.status_code == 404, path
        assert "not in your program" in response.text

    assert (await one(db, select(ReferralSource).where(ReferralSource.id == source.id))).is_active
    assert (await one(db, select(Offense).where(Offense.id == offense.id))).is_active
    assert (await one(db, select(Factor).where(Factor.id == factor.id))).name != "Taken Over"


# Source agencies


async def test_admin_adds_edits_and_deactivates_a_source_agency(client, db):
    program = await signed_in_admin(client, db)
    new = {
        "name": "Riverside Middle School",
        "kind": "school",
        "contact_name": "Dana Whitfield",
        "contact_email": "D.Whitfield@Riverside.example",
        "contact_phone": "(555) 014-2200",
        "address": "12 Elm Street\nRiverside",
    }

    created = await post_form(client, "/reference/sources", new)

    assert created.status_code == 303
    assert created.headers["location"] == "/reference/sources"
    source = await one(db, select(ReferralSource).where(ReferralSource.name == "Riverside Middle School"))
    assert source.program_id == program.id
    assert source.contact_email == "d.whitfield@riverside.example"
    assert source.address == "12 Elm Street\nRiverside"
    listing = await client.get("/reference/sources")
    assert "The source agency was added." in listing.text
    assert "Riverside Middle School" in listing.text

    edited = await post_form(
        client, f"/reference/sources/{source.id}", {**new, "contact_phone": "555-0199", "kind": "court"}
    )

    assert edited.status_code == 303
    source = await one(db, select(ReferralSource).where(ReferralSource.id == source.id))
    assert source.contact_phone == "555-0199"
    assert source.kind == "court"

    deactivated = await post_form(client, f"/reference/sources/{source.id}/active", {"active": "false"})
    assert deactivated.status_code == 303
    assert not (await one(db, select(ReferralSource).where(ReferralSource.id == source.id))).is_active
    page = await client.get(f"/reference/sources/{source.id}")
    assert "Reactivate" in page.text
    await post_form(client, f"/reference/sources/{source.id}/active", {"active": "true"})
    assert (await one(db, select(ReferralSource).where(ReferralSource.id == source.id))).is_active

    entries = await changes(db, "referral_source")
    assert [e.details["change"] for e in entries] == ["add", "edit", "deactivate", "reactivate"]
    assert {e.record_id for e in entries} == {str(source.id)}
    assert entries[1].details["fields"] == "kind, contact_phone"
    written = " ".join(str(e.details) for e in entries)
    assert "Whitfield" not in written, "no personal data in the audit trail"


async def test_bad_source_is_shown_again_and_nothing_is_saved(client, db):
    program = await signed_in_admin(client, db)
    await client.get("/reference/sources")
    before = await one(db, select(func.count()).select_from(ReferralSource))

    response = await post_form(
        client,
        "/reference/sources",
        {
            "name": "  ",
            "kind": "judge",
            "contact_name": "Sam Ortiz",
            "contact_email": "not-an-email",
            "contact_phone": "call me",
            "address": "1 Court Plaza",
        },
    )

    assert response.status_code == 422
    for message in (
        "Enter the agency&#39;s name.",
        "Choose the kind of agency.",
        "Enter an email address like name@example.org.",
        "Enter a phone number with digits",
    ):
        assert message in response.text
    assert 'value="Sam Ortiz"' in response.text
    assert 'value="not-an-email"' in response.text
    assert ">1 Court Plaza</textarea>" in response.text
    assert await one(db, select(func.count()).select_from(ReferralSource)) == before
    assert await changes(db, "referral_source") == []
    assert program


async def test_source_names_are_unique_within_the_program_only(client, db):
    other = await make_program(db)
    db.add(ReferralSource(program_id=other.id, name="Harbor High School", kind="school"))
    await db.commit()
    program = await signed_in_admin(client, db)

    duplicate = await post_form(client, "/reference/sources", {"name": "police DEPARTMENT", "kind": "police"})
    elsewhere = await post_form(
        client, "/reference/sources", {"name": "Harbor High School", "kind": "school"}
    )
    police = await one(
        db,
        select(ReferralSource).where(
            ReferralSource.program_id == program.id, ReferralSource.name == "Police Department"
        ),
    )
    renamed = await post_form(
        client, f"/reference/sources/{police.id}", {"name": "Harbor High School", "kind": "police"}
    )
    unchanged = await post_form(
        client, f"/reference/sources/{police.id}", {"name": "Police Department", "kind": "police"}
    )

    assert duplicate.status_code == 422
    assert "Another source agency already has this name" in duplicate.text
    assert 'value="police DEPARTMENT"' in duplicate.text
    assert elsewhere.status_code == 303, "a name used by another program is free in this one"
    assert renamed.status_code == 422
    assert unchanged.status_code == 303, "keeping its own name is not a clash"
    assert len(await changes(db, "referral_source")) == 1


async def test_source_list_is_paginated(client, db):
    program = await signed_in_admin(client, db)
    await ensure_defaults(db, program.id)
    db.add_all(
        ReferralSource(program_id=program.id, name=f"Agency {n:02d}", kind="other") for n in range(1, 31)
    )
    await db.commit()

    first = await client.get("/reference/sources")
    second = await client.get("/reference/sources?page=2")

    total = 30 + len(defaults.SOURCES)
    assert f"Showing 1 to 25 of {total}" in first.text
    assert "Agency 01" in first.text
    assert f"Showing 26 to {total} of {total}" in second.text
    assert "Agency 30" in second.text
    assert "Agency 01" not in second.text


# Offenses


async def test_admin_adds_edits_and_deactivates_an_offense(client, db):
    program = await signed_in_admin(client, db)

    created = await post_form(
        client, "/reference/offenses", {"name": "Graffiti", "category": "vandalism", "offense_class": "B"}
    )

    assert created.status_code == 303
    offense = await one(db, select(Offense).where(Offense.name == "Graffiti"))
    assert offense.program_id == program.id
    assert offense.offense_class == OffenseClass.B
    listing = await client.get("/reference/offenses")
    assert listing.text.index("Class A (least serious)") < listing.text.index("Graffiti")
    assert listing.text.index("Graffiti") < listing.text.index("Class C")
    assert "The offense was added to the catalog." in listing.text

    edited = await post_form(
        client,
        f"/reference/offenses/{offense.id}",
        {"name": "Graffiti", "category": "vandalism", "offense_class": "C"},
    )
    assert edited.status_code == 303
    assert (await one(db, select(Offense).where(Offense.id == offense.id))).offense_class == OffenseClass.C

    await post_form(client, f"/reference/offenses/{offense.id}/active", {"active": "false"})
    assert not (await one(db, select(Offense).where(Offense.id == offense.id))).is_active
    assert "<mark>Inactive</mark>" in (await client.get("/reference/offenses")).text

    entries = await changes(db, "offense")
    assert [e.details["change"] for e in entries] == ["add", "edit", "deactivate"]
    assert entries[1].details["offense_class"] == "B -> C"


async def test_bad_offense_is_refused_with_messages(client, db):
    await signed_in_admin(client, db)
    await client.get("/reference/offenses")
    before = await one(db, select(func.count()).select_from(Offense))

    missing = await post_form(
        client, "/reference/offenses", {"name": "Loitering", "category": "", "offense_class": "E"}
    )
    duplicate = await post_form(
        client, "/reference/offenses", {"name": "trespass", "category": "trespass", "offense_class": "A"}
    )

    assert missing.status_code == 422
    assert "Enter a category, for example theft." in missing.text
    assert "Choose the offense class." in missing.text
    assert 'value="Loitering"' in missing.text
    assert duplicate.status_code == 422
    assert "already has an offense with this name" in duplicate.text
    assert await one(db, select(func.count()).select_from(Offense)) == before


# Sanction grid


async def test_grid_saves_changed_cells_and_removes_emptied_ones(client, db):
    program = await signed_in_admin(client, db)
    page = await client.get("/reference/grid")
    assert 'name="min__community_service__A" type="text"' in page.text
    assert "hours" in page.text and "dollars" in page.text
    data = await grid_data(db, program)
    data["min__community_service__A"] = "10"
    data["max__community_service__A"] = "20"
    data["min__curfew__D"] = ""
    data["max__curfew__D"] = ""

    saved = await post_form(client, "/reference/grid", data)

    assert saved.status_code == 303
    community = await rule(db, program, SanctionType.COMMUNITY_SERVICE, "A")
    assert (community.min_quantity, community.max_quantity) == (10, 20)
    assert await rule(db, program, SanctionType.CURFEW, "D") is None
    assert (await rule(db, program, SanctionType.CURFEW, "C")) is not None
    page = await client.get("/reference/grid")
    assert "1 cell" not in page.text and "2 cells changed" in page.text
    assert re.search(r'name="min__curfew__D"[^>]*value=""', page.text), "an empty cell shows empty"

    data["min__curfew__D"], data["max__curfew__D"] = "0", "14"
    restored = await post_form(client, "/reference/grid", data)
    assert restored.status_code == 303
    curfew = await rule(db, program, SanctionType.CURFEW, "D")
    assert (curfew.min_quantity, curfew.max_quantity) == (0, 14)

    entries = await changes(db, "sanction_grid")
    assert len(entries) == 2
    assert entries[0].record_id == str(program.id)
    assert entries[0].details == {
        "change": "edit",
        "community_service A": "8-17 -> 10-20",
        "curfew D": "7-60 -> not allowed",
    }
    assert entries[1].details == {"change": "edit", "curfew D": "not allowed -> 0-14"}


async def test_grid_refuses_bad_cells_keeps_the_input_and_saves_nothing(client, db):
    program = await signed_in_admin(client, db)
    await client.get("/reference/grid")
    data = await grid_data(db, program)
    data["min__community_service__A"] = "30"
    data["max__community_service__A"] = "20"
    data["min__essay__B"] = "abc"
    data["max__jury_duty__C"] = "-2"
    data["min__tutoring__D"] = ""
    data["min__mentoring__A"] = "2.5"
    data["min__mediation__A"] = "0"  # a valid change, not saved because the rest is refused

    response = await post_form(client, "/reference/grid", data)

    assert response.status_code == 422
    text = response.text
    assert "The maximum of community service for class A (20) must not be less than the minimum (30)." in text
    assert "Enter the minimum of essay for class B as a whole number" in text
    assert "The maximum of jury duty for class C cannot be negative." in text
    assert "Enter both the minimum and the maximum of tutoring for class D" in text
    assert "The minimum of mentoring for class A must be a whole number." in text
    assert 'value="abc"' in text and 'value="2.5"' in text and 'value="-2"' in text
    assert 'id="field-min__essay__B"' in text and 'href="#field-min__essay__B"' in text
    community = await rule(db, program, SanctionType.COMMUNITY_SERVICE, "A")
    assert (community.min_quantity, community.max_quantity) == (8, 17)
    assert (await rule(db, program, SanctionType.MEDIATION, "A")).min_quantity == 1
    assert await rule(db, program, SanctionType.TUTORING, "D") is not None
    assert await changes(db, "sanction_grid") == []


async def test_unchanged_grid_records_nothing(client, db):
    program = await signed_in_admin(client, db)
    await client.get("/reference/grid")
    response = await post_form(client, "/reference/grid", await grid_data(db, program))
    assert response.status_code == 303
    assert "Nothing was changed." in (await client.get("/reference/grid")).text
    assert await changes(db, "sanction_grid") == []


# Factors


async def test_admin_adds_renames_and_deactivates_factors(client, db):
    program = await signed_in_admin(client, db)

    added = await post_form(
        client, "/reference/factors", {"kind": "strength", "strength_name": "Plays music"}
    )
    duplicate = await post_form(
        client, "/reference/factors", {"kind": "contributing", "contributing_name": "peer pressure"}
    )
    same_name_other_list = await post_form(
        client, "/reference/factors", {"kind": "contributing", "contributing_name": "Plays music"}
    )
    empty = await post_form(client, "/reference/factors", {"kind": "contributing", "contributing_name": " "})
    unknown = await post_form(client, "/reference/factors", {"kind": "weakness", "weakness_name": "x"})

    assert added.status_code == 303
    strength = await one(
        db, select(Factor).where(Factor.name == "Plays music", Factor.kind == FactorKind.STRENGTH)
    )
    assert strength.program_id == program.id
    assert duplicate.status_code == 422
    assert "This list already has an entry with this name." in duplicate.text
    assert 'value="peer pressure"' in duplicate.text
    assert same_name_other_list.status_code == 303
    assert empty.status_code == 422
    assert "Enter a name." in empty.text
    assert unknown.status_code == 400

    renamed = await post_form(client, f"/reference/factors/{strength.id}", {"name": "Plays an instrument"})
    assert renamed.status_code == 303
    assert (await one(db, select(Factor).where(Factor.id == strength.id))).name == "Plays an instrument"
    clash = await post_form(client, f"/reference/factors/{strength.id}", {"name": "Supportive family"})
    assert clash.status_code == 422
    assert 'value="Supportive family"' in clash.text

    await post_form(client, f"/reference/factors/{strength.id}/active", {"active": "false"})
    assert not (await one(db, select(Factor).where(Factor.id == strength.id))).is_active
    page = await client.get("/reference/factors")
    assert "“Plays an instrument” was deactivated." in page.text
    assert "Reactivate Plays an instrument" in page.text

    entries = await changes(db, "factor")
    assert [e.details["change"] for e in entries] == ["add", "add", "rename", "deactivate"]
    assert entries[0].details == {"change": "add", "kind": "strength"}


async def test_factor_rename_works_inline_with_htmx(client, db):
    program = await signed_in_admin(client, db)
    await client.get("/reference/factors")
    factor = await one(db, select(Factor).where(Factor.program_id == program.id, Factor.name == "Anger"))
    htmx = {"HX-Request": "true", "HX-Target": f"factor-{factor.id}"}

    form_row = await client.get(f"/reference/factors/{factor.id}", headers=htmx)
    refused = await post_form(client, f"/reference/factors/{factor.id}", {"name": ""}, headers=htmx)
    saved = await post_form(
        client, f"/reference/factors/{factor.id}", {"name": "Anger and frustration"}, headers=htmx
    )

    assert form_row.status_code == 200
    assert "<html" not in form_row.text
    assert f'<tr id="factor-{factor.id}">' in form_row.text
    assert refused.status_code == 422
    assert "<html" not in refused.text
    assert "Enter a name." in refused.text
    assert saved.status_code == 200
    assert saved.headers["hx-redirect"] == "/reference/factors"
    assert (await one(db, select(Factor).where(Factor.id == factor.id))).name == "Anger and frustration"


async def test_factor_lists_are_paginated_separately(client, db):
    program = await signed_in_admin(client, db)
    await ensure_defaults(db, program.id)
    db.add_all(
        Factor(program_id=program.id, kind="contributing", name=f"Factor {n:02d}") for n in range(1, 31)
    )
    await db.commit()

    first = await client.get("/reference/factors")
    second = await client.get("/reference/factors?contributing_page=2&strength_page=1")

    contributing = 30 + len(defaults.CONTRIBUTING)
    assert f"Showing 1 to 25 of {contributing}" in first.text
    assert 'href="/reference/factors?strength_page=1&amp;contributing_page=2"' in first.text
    assert f"Showing 26 to {contributing} of {contributing}" in second.text
    assert "Supportive family" in second.text, "the strengths stay on their first page"


# Policy


async def test_admin_changes_eligibility_and_deadlines(client, db):
    program = await signed_in_admin(client, db)
    form = await client.get("/reference/policy")
    assert 'value="10"' in form.text and 'value="17"' in form.text

    saved = await post_form(client, "/reference/policy", GOOD_POLICY)

    assert saved.status_code == 303
    policy = await one(db, select(ProgramPolicy).where(ProgramPolicy.program_id == program.id))
    assert (policy.min_age, policy.max_age) == (11, 16)
    assert policy.accepted_classes == "AB"
    assert policy.first_time_only
    assert (policy.family_response_days, policy.hearing_target_days) == (21, 42)
    assert (policy.sanction_deadline_days, policy.contact_interval_days) == (120, 14)
    assert policy.follow_up_months == "6,24"
    assert policy.follow_up_windows == [6, 24]
    assert (policy.jury_min, policy.jury_max, policy.credits_per_hour) == (6, 7, 2)
    assert policy.suppression_threshold == 11
    assert policy.mfa_for_jurors
    assert (policy.session_idle_minutes, policy.session_absolute_hours, policy.auto_seal_months) == (
        15,
        8,
        24,
    )

    unticked = {k: v for k, v in GOOD_POLICY.items() if k != "first_time_only"}
    await post_form(client, "/reference/policy", unticked)
    assert not (await one(db, select(ProgramPolicy).where(ProgramPolicy.id == policy.id))).first_time_only
    page = await client.get("/reference/policy")
    assert "The eligibility rules and deadlines were saved." in page.text

    entries = await changes(db, "program_policy")
    assert len(entries) == 2
    assert entries[0].record_id == str(policy.id)
    assert entries[0].details["min_age"] == "10 -> 11"
    assert entries[0].details["accepted_classes"] == "ABC -> AB"
    assert entries[0].details["jury_max"] == "8 -> 7"
    assert entries[1].details == {"change": "edit", "first_time_only": "True -> False"}


async def test_bad_policy_is_refused_and_everything_typed_is_kept(client, db):
    program = await signed_in_admin(client, db)
    await client.get("/reference/policy")
    bad = {
        "min_age": "4",
        "max_age": "ten",
        "family_response_days": "0",
        "hearing_target_days": "9999",
        "sanction_deadline_days": "",
        "contact_interval_days": "30",
        "accepted_classes": ["Z"],
        "suppression_threshold": "3",
    }

    response = await post_form(client, "/reference/policy", bad)
    reversed_ages = await post_form(
        client, "/reference/policy", {**GOOD_POLICY, "min_age": "16", "max_age": "12"}
    )

    assert response.status_code == 422
    text = response.text
    assert "The youngest age accepted must be from 5 to 25." in text
    assert "Enter the oldest age accepted as a whole number" in text
    assert "Choose at least one offense class the program accepts." in text
    assert "Choose at least one follow-up window." in text
    assert "The days a family has to respond must be from 1 to 180." in text
    assert "The target days from referral to hearing must be from 1 to 365." in text
    assert "Enter the days allowed to complete sanctions." in text
    assert "The smallest count reports show must be from 5 to 50." in text
    assert 'value="ten"' in text and 'value="9999"' in text
    assert reversed_ages.status_code == 422
    assert "The oldest age must not be below the youngest age." in reversed_ages.text
    assert re.search(r'value="A" id="field-accepted_classes"\s+checked', reversed_ages.text)
    assert re.search(r'value="C" id="field-accepted_classes-C"\s+>', reversed_ages.text)
    assert re.search(r'value="24" id="field-follow_up_months-24"\s+checked', reversed_ages.text)
    policy = await one(db, select(ProgramPolicy).where(ProgramPolicy.program_id == program.id))
    assert (policy.min_age, policy.max_age, policy.accepted_classes) == (10, 17, "ABC")
    assert await changes(db, "program_policy") == []


async def test_jury_sizes_and_absence_rule_must_make_sense(client, db):
    program = await signed_in_admin(client, db)
    await client.get("/reference/policy")
    bad = {**GOOD_POLICY, "jury_min": "9", "jury_max": "8", "absence_limit": "12", "absence_window": "10"}

    response = await post_form(client, "/reference/policy", bad)

    assert response.status_code == 422
    assert "The largest jury must not be smaller than the smallest." in response.text
    assert "cannot be more than the nights counted" in response.text
    policy = await one(db, select(ProgramPolicy).where(ProgramPolicy.program_id == program.id))
    assert (policy.jury_min, policy.jury_max) == (6, 8)


async def test_sessions_can_only_be_shortened_and_sealing_left_empty_means_never(client, db):
    program = await signed_in_admin(client, db)
    await client.get("/reference/policy")
    longer = {
        **GOOD_POLICY,
        "session_idle_minutes": "45",
        "session_absolute_hours": "24",
        "auto_seal_months": "0",
    }

    refused = await post_form(client, "/reference/policy", longer)
    never = {k: v for k, v in GOOD_POLICY.items() if k != "mfa_for_jurors"} | {"auto_seal_months": ""}
    saved = await post_form(client, "/reference/policy", never)

    assert refused.status_code == 422
    assert "The idle minutes before sign-out must be from 5 to 30." in refused.text
    assert "The longest session in hours must be from 1 to 12." in refused.text
    assert "The months before a completed case is sealed must be from 1 to 120." in refused.text
    assert 'value="45"' in refused.text
    assert saved.status_code == 303
    policy = await one(db, select(ProgramPolicy).where(ProgramPolicy.program_id == program.id))
    assert policy.auto_seal_months is None and not policy.mfa_for_jurors
    assert (policy.session_idle_minutes, policy.session_absolute_hours) == (15, 8)


# Court-role progression and the program's phone number


async def test_policy_page_offers_the_default_progression_and_the_phone(client, db):
    await signed_in_admin(client, db)

    response = await client.get("/reference/policy")

    assert response.status_code == 200
    text = response.text
    assert "Court roles" in text
    assert re.search(
        r'id="field-foreperson__min_nights" name="foreperson__min_nights" type="text" value="3"', text
    )
    assert re.search(
        r'id="field-clerk__training_hours" name="clerk__training_hours" type="text" value="4"', text
    )
    assert re.search(
        r'id="field-youth_judge__min_nights" name="youth_judge__min_nights" type="text" value="10"', text
    )
    assert re.search(r'<option value="foreperson"\s+selected>Foreperson</option>', text)
    assert 'name="contact_phone"' in text


async def test_progression_rules_and_phone_are_saved_per_program_and_audited(client, db):
    program = await signed_in_admin(client, db)
    other = await make_program(db)
    await client.get("/reference/policy")

    saved = await post_form(
        client,
        "/reference/policy",
        {
            **GOOD_POLICY,
            "contact_phone": "555-0142",
            "youth_judge__min_nights": "12",
            "youth_judge__training_course": "Judging a hearing",
            "clerk__training_hours": "2.5",
            "bailiff__prior_role": "foreperson",
        },
    )

    assert saved.status_code == 303
    policy = await one(db, select(ProgramPolicy).where(ProgramPolicy.program_id == program.id))
    assert policy.contact_phone == "555-0142"
    saved_rules = {
        row.role: row
        for row in await rows(db, select(RoleRequirement).where(RoleRequirement.program_id == program.id))
    }
    judge = saved_rules[CourtRole.YOUTH_JUDGE]
    assert (judge.min_nights, judge.training_hours, judge.training_course, judge.prior_role) == (
        12,
        Decimal("8"),
        "Judging a hearing",
        CourtRole.FOREPERSON,
    )
    assert saved_rules[CourtRole.CLERK].training_hours == Decimal("2.5")
    assert saved_rules[CourtRole.BAILIFF].prior_role == CourtRole.FOREPERSON
    assert await rows(db, select(RoleRequirement).where(RoleRequirement.program_id == other.id)) == []
    entry = (await changes(db, "program_policy"))[0]
    assert entry.details["youth_judge.min_nights"] == "10 -> 12"
    assert entry.details["youth_judge.training_course"] == "none -> Judging a hearing"
    assert entry.details["clerk.training_hours"] == "4 -> 2.5"
    assert entry.details["bailiff.prior_role"] == "none -> foreperson"
    assert entry.details["contact_phone"] == " -> 555-0142"
    page = await client.get("/reference/policy")
    assert 'value="Judging a hearing"' in page.text and 'value="555-0142"' in page.text


async def test_bad_progression_rules_are_refused_with_the_input_kept(client, db):
    program = await signed_in_admin(client, db)
    await client.get("/reference/policy")

    response = await post_form(
        client,
        "/reference/policy",
        {
            **GOOD_POLICY,
            "foreperson__min_nights": "-1",
            "clerk__training_hours": "lots",
            "bailiff__training_hours": "1e999",
            "foreperson__prior_role": "youth_judge",
            "contact_phone": "call the office",
        },
    )

    assert response.status_code == 422
    text = response.text
    assert "The nights a foreperson must have served cannot be negative." in text
    assert "Enter the training hours of a clerk as a number, for example 4." in text
    assert "Enter the training hours of a bailiff as a number, for example 4." in text
    assert "The prior roles go round in a circle (foreperson → youth judge → foreperson)" in text
    assert "Enter a phone number with digits, for example 555-0142." in text
    assert 'value="lots"' in text and 'value="call the office"' in text
    assert await rows(db, select(RoleRequirement).where(RoleRequirement.program_id == program.id)) == []
    assert await changes(db, "program_policy") == []
