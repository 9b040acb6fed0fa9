"""The partner API end to end, on both engines: a police department's key sends a referral (once,
however often it is sent), attaches its police report, and reads where it stands after the
coordinator's decision; it reaches nothing of another agency or program, and nothing but the API."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from tests.api.partners import PDF, agency, an_offense, bearer, issue_key, key_record, referral_body
from tests.concurrency import fire, running_server
from tests.factories import make_program, make_referral, make_user, post_form, sign_in
from youthcourt.audit.models import AuditEntry
from youthcourt.partners.models import PartnerReferral
from youthcourt.programs.models import Role
from youthcourt.referrals.models import Document, Referral, ReferralStatus

PROBLEM = "application/problem+json"


async def test_a_key_sends_a_referral_once_attaches_a_report_and_reads_its_acceptance(client, db):
    program = await make_program(db)
    police = await agency(db, program)
    key = await issue_key(db, police)
    body = referral_body(await an_offense(db, program))

    sent = await client.post("/api/v1/referrals", json=body, headers=bearer(key))
    assert sent.status_code == 201, sent.text
    first = sent.json()
    assert first["status"] == "received" and first["reference"] == "PD-2026-0001"
    assert sent.headers["location"] == f"/api/v1/referrals/{first['id']}"
    again = await client.post("/api/v1/referrals", json=body, headers=bearer(key))
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    made = (await db.scalars(select(Referral).where(Referral.program_id == program.id))).all()
    assert [str(r.id) for r in made] == [first["id"]], "the same referral sent twice makes one"
    assert made[0].source_id == police.id and made[0].status == ReferralStatus.PENDING

    files = {"file": ("report.pdf", PDF, "application/pdf")}
    attached = await client.post(
        f"/api/v1/referrals/{first['id']}/documents",
        files=files,
        data={"title": "Police report"},
        headers=bearer(key),
    )
    assert attached.status_code == 201, attached.text
    document = await db.scalar(select(Document).where(Document.referral_id == made[0].id))
    assert (
        document is not None
        and document.content_type == "application/pdf"
        and document.uploaded_by_id is None
    )

    coordinator = await make_user(db, program, Role.COORDINATOR)
    await sign_in(client, coordinator)
    inbox = await client.get("/referrals")
    assert "Quintero" in inbox.text, "the referral is in the program's referral inbox"
    accepted = await post_form(client, f"/referrals/{first['id']}/accept", {})
    assert accepted.status_code == 303, accepted.text
    client.cookies.clear()

    status = await client.get(f"/api/v1/referrals/{first['id']}", headers=bearer(key))
    assert status.status_code == 200
    assert status.json()["status"] == "accepted" and status.json()["reason"] is None
    listed = await client.get("/api/v1/referrals", headers=bearer(key))
    assert [item["id"] for item in listed.json()["items"]] == [first["id"]]

    record = await key_record(db, key)
    assert record.last_used_at is not None
    calls = await db.scalar(
        select(func.count()).where(AuditEntry.action == "api_call", AuditEntry.actor_id == record.id)
    )
    assert calls == 5, "every call is in the audit trail"
    viewed = await db.scalar(select(AuditEntry).where(AuditEntry.action == "api_referral_status"))
    assert viewed is not None and viewed.record_id == first["id"] and viewed.actor_id == record.id
    created = await db.scalar(select(AuditEntry).where(AuditEntry.action == "referral_create"))
    assert created is not None and created.actor_id == record.id and created.program_id == program.id


async def test_a_declined_referral_tells_the_agency_why(client, db):
    program = await make_program(db)
    police = await agency(db, program)
    key = await issue_key(db, police)
    sent = (
        await client.post(
            "/api/v1/referrals", json=referral_body(await an_offense(db, program)), headers=bearer(key)
        )
    ).json()
    await sign_in(client, await make_user(db, program, Role.COORDINATOR))
    declined = await post_form(
        client, f"/referrals/{sent['id']}/decline", {"decline_reason": "Second offense this year."}
    )
    assert declined.status_code == 303
    client.cookies.clear()
    status = (await client.get(f"/api/v1/referrals/{sent['id']}", headers=bearer(key))).json()
    assert status["status"] == "declined" and status["reason"] == "Second offense this year."
    assert status["decided_on"] is not None


async def test_bad_referrals_are_problems_with_a_message_per_field(client, db):
    program = await make_program(db)
    key = await issue_key(db, await agency(db, program))
    offense = await an_offense(db, program)
    body = referral_body(offense, guardians=[{"name": "Ana Quintero"}])
    body["youth"]["date_of_birth"] = "2099-01-01"
    refused = await client.post("/api/v1/referrals", json=body, headers=bearer(key))
    assert refused.status_code == 422 and refused.headers["content-type"].startswith(PROBLEM)
    problem = refused.json()
    assert {"type", "title", "status", "detail", "errors"} <= problem.keys() and problem["status"] == 422
    pointers = {error["pointer"]: error["detail"] for error in problem["errors"]}
    assert "#/youth/date_of_birth" in pointers and "future" in pointers["#/youth/date_of_birth"]
    assert "#/guardians/0/phone" in pointers, "a guardian must be reachable"

    unreadable = await client.post(
        "/api/v1/referrals", json={**referral_body(offense), "offense_id": "not-an-id"}, headers=bearer(key)
    )
    assert unreadable.status_code == 422 and unreadable.headers["content-type"].startswith(PROBLEM)
    assert [error["pointer"] for error in unreadable.json()["errors"]] == ["#/offense_id"]
    missing = await client.post(
        "/api/v1/referrals",
        json={k: v for k, v in referral_body(offense).items() if k != "guardians"},
        headers=bearer(key),
    )
    assert missing.status_code == 422
    assert [error["pointer"] for error in missing.json()["errors"]] == ["#/guardians"], missing.json()
    nested = await client.post(
        "/api/v1/referrals",
        json={**referral_body(offense), "youth": {"first_name": "Ana", "last_name": "Q", "date_of_birth": 7}},
        headers=bearer(key),
    )
    assert [error["pointer"] for error in nested.json()["errors"]] == ["#/youth/date_of_birth"], nested.json()
    for reference in ("PD-1\u0000", "PD\n2", "   "):
        control = await client.post(
            "/api/v1/referrals", json=referral_body(offense, reference), headers=bearer(key)
        )
        assert control.status_code == 422, (reference, control.text)
        assert [error["pointer"] for error in control.json()["errors"]] == ["#/reference"]
    assert await db.scalar(select(func.count(Referral.id)).where(Referral.program_id == program.id)) == 0


async def test_the_api_answers_in_english_whatever_language_the_client_asks_for(client, db):
    """Its problems are read by the agency's software and its developers, as the document describes them."""
    program = await make_program(db)
    key = await issue_key(db, await agency(db, program))
    body = referral_body(await an_offense(db, program))
    body["youth"]["date_of_birth"] = "2099-01-01"
    refused = await client.post(
        "/api/v1/referrals", json=body, headers={**bearer(key), "Accept-Language": "es-MX,es;q=0.9"}
    )
    assert refused.status_code == 422
    pointers = {error["pointer"]: error["detail"] for error in refused.json()["errors"]}
    assert "future" in pointers["#/youth/date_of_birth"], pointers


async def test_an_idempotency_key_makes_one_referral_and_is_not_reused_for_another(client, db):
    program = await make_program(db)
    key = await issue_key(db, await agency(db, program))
    offense = await an_offense(db, program)
    headers = {**bearer(key), "Idempotency-Key": "batch-7/row-3"}
    first = await client.post("/api/v1/referrals", json=referral_body(offense, "R-1"), headers=headers)
    assert first.status_code == 201
    other = await client.post("/api/v1/referrals", json=referral_body(offense, "R-2"), headers=headers)
    assert other.status_code == 422
    assert other.json()["errors"][0]["pointer"] == "#/reference"
    assert await db.scalar(select(func.count(Referral.id)).where(Referral.program_id == program.id)) == 1


async def test_a_key_reads_nothing_of_another_agency_or_program(client, db):
    program, elsewhere = await make_program(db), await make_program(db)
    police, school = await agency(db, program), await agency(db, program, "Eastside Middle School")
    police_key, school_key = await issue_key(db, police), await issue_key(db, school)
    other_key = await issue_key(db, await agency(db, elsewhere))
    sent = (
        await client.post(
            "/api/v1/referrals", json=referral_body(await an_offense(db, program)), headers=bearer(police_key)
        )
    ).json()
    typed_in = await make_referral(db, program)  # the program's first source, not the police department
    foreign = await make_referral(db, elsewhere)

    for key in (school_key, other_key):
        for referral_id in (sent["id"], typed_in.id, foreign.id):
            assert (
                await client.get(f"/api/v1/referrals/{referral_id}", headers=bearer(key))
            ).status_code == 404
        listed = (await client.get("/api/v1/referrals", headers=bearer(key))).json()
        assert listed["items"] == [] and listed["total"] == 0
        attached = await client.post(
            f"/api/v1/referrals/{sent['id']}/documents",
            files={"file": ("r.pdf", PDF, "application/pdf")},
            headers=bearer(key),
        )
        assert attached.status_code == 404
    assert (
        await client.get(f"/api/v1/referrals/{typed_in.id}", headers=bearer(police_key))
    ).status_code == 404


async def test_keys_open_the_api_only_and_sessions_do_not_open_it(client, db):
    program = await make_program(db)
    police = await agency(db, program)
    key = await issue_key(db, police)
    referral = await make_referral(db, program)
    for path in ("/", "/referrals", f"/referrals/{referral.id}", "/reference/api-keys", "/dashboard"):
        response = await client.get(path, headers=bearer(key), follow_redirects=False)
        assert response.status_code == 401 and response.headers["content-type"].startswith(PROBLEM), path
    posted = await client.post(
        f"/referrals/{referral.id}/decline", data={"decline_reason": "x"}, headers=bearer(key)
    )
    assert posted.status_code == 401

    missing = await client.get("/api/v1/referrals")
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    assert (await client.get("/api/v1/referrals", headers=bearer("yck_not-a-key"))).status_code == 401

    await sign_in(client, await make_user(db, program, Role.PROGRAM_ADMIN))
    assert (await client.get("/api/v1/referrals")).status_code == 401, "a session does not open the API"
    assert (await client.get("/api/v1/referrals", headers=bearer(key))).status_code == 401
    refused = await db.scalar(
        select(func.count()).where(AuditEntry.action == "api_call", AuditEntry.outcome == "denied")
    )
    assert refused >= 3


async def test_a_revoked_key_is_refused(client, db):
    program = await make_program(db)
    police = await agency(db, program)
    key = await issue_key(db, police)
    assert (await client.get("/api/v1/referrals", headers=bearer(key))).status_code == 200
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    await sign_in(client, admin)
    record = await key_record(db, key)
    revoked = await post_form(client, f"/reference/api-keys/{record.id}/revoke", {})
    assert revoked.status_code == 303
    client.cookies.clear()
    refused = await client.get("/api/v1/referrals", headers=bearer(key))
    assert refused.status_code == 401 and refused.json()["status"] == 401


async def test_a_key_past_its_requests_per_minute_is_told_when_to_come_back(client, db):
    program = await make_program(db)
    key = await issue_key(db, await agency(db, program), per_minute=3)
    answers = [(await client.get("/api/v1/offenses", headers=bearer(key))).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = await client.get("/api/v1/offenses", headers=bearer(key))
    assert limited.status_code == 429 and 1 <= int(limited.headers["retry-after"]) <= 60
    assert limited.headers["content-type"].startswith(PROBLEM)


async def test_the_same_referral_sent_at_once_many_times_makes_one(app, db):
    program = await make_program(db)
    key = await issue_key(db, await agency(db, program))
    body = referral_body(await an_offense(db, program), "PD-RACE-1")
    async with running_server(app) as base, httpx.AsyncClient(base_url=base, timeout=60) as http:
        answers = await fire(6, lambda _i: http.post("/api/v1/referrals", json=body, headers=bearer(key)))
    codes = sorted(answer.status_code for answer in answers)
    assert codes == [200] * 5 + [201], [a.text for a in answers if a.status_code not in (200, 201)]
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert await db.scalar(select(func.count(Referral.id)).where(Referral.program_id == program.id)) == 1
    assert (
        await db.scalar(
            select(func.count(PartnerReferral.id)).where(PartnerReferral.program_id == program.id)
        )
        == 1
    )
