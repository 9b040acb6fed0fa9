"""Sealing, opening a sealed case with a reason, unsealing, expunging and automatic sealing."""

from __future__ import annotations

import asyncio
import csv
import datetime
import io
import uuid
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from sqlalchemy import Date, LargeBinary, String, Text, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.app.test_query_counts import counting
from tests.documents import STORES, keep, kept_bytes, kept_names, use_store
from tests.factories import make_case, make_program, make_user, make_youth, post_form, sign_in
from youthcourt import cli
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import (
    Case,
    CaseEvent,
    CaseState,
    ContactLog,
    ContactMethod,
    EventKind,
    FollowUpCheck,
)
from youthcourt.database import Base, create_database_config
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight
from youthcourt.jurors.models import ConflictDeclaration, Juror, JurorSource, JurorStatus, OutboxMessage
from youthcourt.programs.models import Role
from youthcourt.reference.defaults import ensure_defaults
from youthcourt.reference.models import ProgramPolicy
from youthcourt.referrals import sealed as gate
from youthcourt.referrals.models import Document, Guardian, Youth
from youthcourt.reports import measures
from youthcourt.reports.cohort import Cohort, stream_subjects
from youthcourt.sanctions.models import Disposition
from youthcourt.sealing import services
from youthcourt.settings import Settings, get_settings

TODAY = datetime.date.today()


async def _closed_case(db: AsyncSession, program, state=CaseState.COMPLETED, months_ago: int = 1, **fields):
    case = await make_case(db, program, state, **fields)
    case.closed_on = TODAY - datetime.timedelta(days=31 * months_ago)
    await db.commit()
    return case


async def _staff(db: AsyncSession):
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    return program, coordinator, admin


async def _reload(db: AsyncSession, model, record_id):
    return await db.scalar(
        select(model).where(model.id == record_id).execution_options(populate_existing=True)
    )


async def _seal(client, case, reason="Completed; sealing requested by the family."):
    return await post_form(client, f"/cases/{case.id}/seal", {"reason": reason, "confirm": "yes"})


# ---------------------------------------------------------------------------------------------
# Sealing


async def test_only_a_closed_case_can_be_sealed_and_bad_input_is_kept(client, db):
    program, coordinator, _ = await _staff(db)
    open_case = await make_case(db, program, CaseState.INTAKE)
    closed = await _closed_case(db, program)
    await sign_in(client, coordinator)

    refused = await _seal(client, open_case)
    assert refused.status_code == 409
    assert "Only a closed case can be sealed" in refused.text
    assert (await _reload(db, Case, open_case.id)).sealed_at is None

    empty = await post_form(client, f"/cases/{closed.id}/seal", {"reason": " ", "confirm": "yes"})
    assert empty.status_code == 422
    unconfirmed = await post_form(client, f"/cases/{closed.id}/seal", {"reason": "Family asked for it"})
    assert unconfirmed.status_code == 422
    assert "Family asked for it" in unconfirmed.text
    assert (await _reload(db, Case, closed.id)).sealed_at is None

    sealed = await _seal(client, closed)
    assert sealed.status_code == 303
    case = await _reload(db, Case, closed.id)
    assert case.sealed_at is not None and case.sealed_by_id == coordinator.id
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "case_seal"))
    assert entry.record_id == str(closed.id) and entry.actor_id == coordinator.id
    assert (await _seal(client, closed)).status_code == 409


async def test_a_sealed_case_leaves_lists_and_searches_but_stays_in_exports_de_identified(client, db):
    """Reports count sealed cases, so exports hold them too (else no export reproduces a report),
    as de-identified rows: nothing in an export names the youth or the case."""
    program, coordinator, _ = await _staff(db)
    evaluator = await make_user(db, program, Role.EVALUATOR)
    youth = await make_youth(db, program, first_name="Quentin", last_name="Sealwright")
    last_month_ended = TODAY.replace(day=1) - datetime.timedelta(days=1)
    case = await _closed_case(
        db, program, youth=youth, received_on=last_month_ended - datetime.timedelta(days=10)
    )
    check_due = TODAY - datetime.timedelta(days=1)
    db.add(FollowUpCheck(program_id=program.id, case_id=case.id, window_months=6, due_on=check_due))
    await db.commit()
    await sign_in(client, coordinator)
    assert "Sealwright" in (await client.get("/cases")).text
    assert "Sealwright" in (await client.get("/referrals")).text
    assert "Sealwright" in (await client.get("/dashboard")).text
    cohort = Cohort((program.id,), TODAY - datetime.timedelta(days=400), TODAY)
    assert await _exported_case_ids(db, cohort) == {case.id}

    assert (await _seal(client, case)).status_code == 303

    assert "Sealwright" not in (await client.get("/cases")).text
    assert case.number not in (await client.get("/cases")).text
    assert "Sealwright" not in (await client.get("/referrals")).text
    assert "Sealwright" not in (await client.get("/dashboard")).text
    matches = await post_form(
        client,
        "/referrals/youth-matches",
        {"first_name": "Quentin", "last_name": "Sealwright", "date_of_birth": "2011-05-17"},
    )
    assert "Sealwright" not in matches.text
    worklist = await client.get("/follow-ups")
    assert case.number in worklist.text and "Sealed case" in worklist.text
    assert "Sealwright" not in worklist.text

    assert await _exported_case_ids(db, cohort) == {case.id}
    await sign_in(client, evaluator)
    query = urlencode(
        {
            "program": str(program.id),
            "referred_from": f"{cohort.referred_from:%Y-%m}",
            "referred_to": f"{last_month_ended:%Y-%m}",
            "dates": "shift",
            "format": "csv",
        }
    )
    export = await client.get(f"/reports/exports/download?{query}")
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert len(rows) == 1 and rows[0]["completion_status"] == "Completed"
    for identifying in ("Quentin", "Sealwright", case.number, str(case.id), str(youth.id), "2011-05-17"):
        assert identifying not in export.text


async def _exported_case_ids(db: AsyncSession, cohort: Cohort) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    async for batch in stream_subjects(db, cohort):
        found |= {subject.case_id for subject in batch}
    return found


async def test_aggregate_measures_keep_counting_sealed_and_expunged_cases(client, db):
    program, coordinator, admin = await _staff(db)
    cases = [await _closed_case(db, program) for _ in range(3)]
    period = measures.Period(TODAY - datetime.timedelta(days=400), TODAY)
    before = await measures.load_figures(db, period)
    assert before.closed[CaseState.COMPLETED] == 3

    await sign_in(client, coordinator)
    assert (await _seal(client, cases[0])).status_code == 303
    await sign_in(client, admin)
    expunged = await post_form(client, f"/cases/{cases[1].id}/expunge", {"confirm_number": cases[1].number})
    assert expunged.status_code == 303

    after = await measures.load_figures(db, period)
    assert after == before


# ---------------------------------------------------------------------------------------------
# Opening a sealed case


async def test_opening_a_sealed_case_needs_a_reason_that_is_audited_and_expires(client, db, monkeypatch):
    program, coordinator, _ = await _staff(db)
    case = await _closed_case(db, program)
    await sign_in(client, coordinator)
    await _seal(client, case)
    youth = await _reload(db, Youth, case.youth_id)

    for path in (f"/cases/{case.id}", f"/cases/{case.id}/closure", f"/referrals/{case.referral_id}"):
        gated = await client.get(path)
        assert gated.status_code == 200, path
        assert "This case is sealed" in gated.text
        assert youth.last_name not in gated.text
    blocked_post = await post_form(client, f"/cases/{case.id}/notes", {"note": "hello"})
    assert blocked_post.status_code == 403

    empty = await post_form(client, f"/cases/{case.id}/open", {"reason": "", "next": f"/cases/{case.id}"})
    assert empty.status_code == 422
    assert "This case is sealed" in empty.text
    assert await db.scalar(select(func.count()).where(AuditEntry.action == gate.OPENED)) == 0

    reason = "Records request from the juvenile court, order 26-114"
    opened = await post_form(
        client, f"/cases/{case.id}/open", {"reason": reason, "next": f"/cases/{case.id}"}
    )
    assert opened.status_code == 303 and opened.headers["location"] == f"/cases/{case.id}"
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == gate.OPENED))
    assert entry.details["reason"] == reason
    assert (entry.actor_id, entry.record_type, entry.record_id) == (coordinator.id, "case", str(case.id))
    page = await client.get(f"/cases/{case.id}")
    assert page.status_code == 200 and youth.last_name in page.text

    later = gate.utc_now() + datetime.timedelta(minutes=gate.GRANT_MINUTES + 1)
    monkeypatch.setattr(gate, "utc_now", lambda: later)
    expired = await client.get(f"/cases/{case.id}")
    assert "This case is sealed" in expired.text and youth.last_name not in expired.text


async def test_hearing_pages_of_a_sealed_case_are_gated_or_nameless(client, db):
    program, coordinator, _ = await _staff(db)
    youth = await make_youth(db, program, first_name="Ottilie", last_name="Hearingsworth")
    case = await _closed_case(db, program, youth=youth)
    night = HearingNight(
        program_id=program.id,
        held_on=TODAY - datetime.timedelta(days=60),
        starts_at=datetime.time(18),
        ends_at=datetime.time(20),
        location="City Hall",
    )
    room = Courtroom(program_id=program.id, night=night, name="A")
    db.add_all([night, room])
    await db.flush()
    hearing = Hearing(program_id=program.id, courtroom_id=room.id, case_id=case.id)
    db.add(hearing)
    await db.commit()
    await sign_in(client, coordinator)
    assert "Hearingsworth" in (await client.get(f"/hearings/{night.id}")).text
    await _seal(client, case)

    night_page = await client.get(f"/hearings/{night.id}")
    assert night_page.status_code == 200
    assert "Hearingsworth" not in night_page.text and "Sealed case" in night_page.text
    slot = await client.get(f"/hearings/slots/{hearing.id}")
    assert "This case is sealed" in slot.text and "Hearingsworth" not in slot.text
    await post_form(
        client, f"/cases/{case.id}/open", {"reason": "Appeal", "next": f"/hearings/slots/{hearing.id}"}
    )
    assert "Hearingsworth" in (await client.get(f"/hearings/slots/{hearing.id}")).text


async def test_a_grant_is_for_its_user_only_and_other_programs_get_404(client, db):
    program, coordinator, _admin = await _staff(db)
    colleague = await make_user(db, program, Role.COORDINATOR)
    other_program = await make_program(db)
    outsider = await make_user(db, other_program, Role.PROGRAM_ADMIN)
    outsider_coordinator = await make_user(db, other_program, Role.COORDINATOR)
    case = await _closed_case(db, program)
    await sign_in(client, coordinator)
    await _seal(client, case)
    await post_form(client, f"/cases/{case.id}/open", {"reason": "Court order", "next": ""})
    assert "This case is sealed" not in (await client.get(f"/cases/{case.id}")).text

    await sign_in(client, colleague)
    assert "This case is sealed" in (await client.get(f"/cases/{case.id}")).text

    await sign_in(client, outsider_coordinator)
    assert (await client.get(f"/cases/{case.id}")).status_code == 404
    assert (await client.get(f"/cases/{case.id}/sealed")).status_code == 404
    assert (await post_form(client, f"/cases/{case.id}/open", {"reason": "x"})).status_code == 404
    await sign_in(client, outsider)
    assert (await post_form(client, f"/cases/{case.id}/unseal", {"unseal_reason": "x"})).status_code == 404
    assert (
        await post_form(client, f"/cases/{case.id}/expunge", {"confirm_number": case.number})
    ).status_code == 404
    assert (await _reload(db, Case, case.id)).sealed_at is not None


async def test_a_program_admin_lists_and_unseals_sealed_cases(client, db, app):
    program, coordinator, admin = await _staff(db)
    cases = [await _closed_case(db, program) for _ in range(4)]
    await sign_in(client, coordinator)
    for case in cases:
        await _seal(client, case)
    assert (await client.get("/sealed-cases")).status_code == 403

    await sign_in(client, admin)
    with counting(app) as few:
        listing = await client.get("/sealed-cases")
    assert listing.status_code == 200
    assert all(case.number in listing.text for case in cases)
    for _ in range(6):
        await _closed_case(db, program)
    many = [await _closed_case(db, program) for _ in range(10)]
    await sign_in(client, coordinator)
    for case in many:
        await _seal(client, case)
    await sign_in(client, admin)
    with counting(app) as more:
        assert (await client.get("/sealed-cases")).status_code == 200
    assert len(more) == len(few)

    empty = await post_form(client, f"/cases/{cases[0].id}/unseal", {"unseal_reason": ""})
    assert empty.status_code == 422
    unsealed = await post_form(client, f"/cases/{cases[0].id}/unseal", {"unseal_reason": "Sealed by mistake"})
    assert unsealed.status_code == 303
    assert (await _reload(db, Case, cases[0].id)).sealed_at is None
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "case_unseal"))
    assert entry.details["reason"] == "Sealed by mistake"
    await sign_in(client, coordinator)
    assert cases[0].number in (await client.get("/cases")).text
    assert (
        await post_form(client, f"/cases/{cases[1].id}/unseal", {"unseal_reason": "x"})
    ).status_code == 403


# ---------------------------------------------------------------------------------------------
# Expunging

SECRET_TEXTS = {
    "first": "Zebulon",
    "last": "Quarrington",
    "phone": "555-013-7788",
    "email": "zeb.quarrington@example.net",
    "address": "12 Larkspur Lane, Millbrook",
    "guardian": "Hortensia Quarrington",
    "narrative": "Took a bicycle from the Larkspur school rack.",
}
BORN = datetime.date(2010, 3, 9)


async def _identified_youth_with_everything(db: AsyncSession, program, settings: Settings):
    """A closed case whose youth's identity is written into every kind of record that can hold it."""
    case = await _closed_case(db, program, narrative=SECRET_TEXTS["narrative"])
    youth = await _reload(db, Youth, case.youth_id)
    youth.first_name, youth.last_name, youth.date_of_birth = SECRET_TEXTS["first"], SECRET_TEXTS["last"], BORN
    youth.phone, youth.email, youth.address = (
        SECRET_TEXTS["phone"],
        SECRET_TEXTS["email"],
        SECRET_TEXTS["address"],
    )
    youth.school, youth.gender, youth.race_ethnicity = "Larkspur Middle", "Male", "Asian"
    name = f"{SECRET_TEXTS['first']} {SECRET_TEXTS['last']}"
    case.intake_notes = f"{name} lives with his aunt."
    case.closure_reason = f"{name} did well."
    db.add(Guardian(program_id=program.id, youth_id=youth.id, name=SECRET_TEXTS["guardian"], phone="555-999"))
    db.add(CaseEvent(program_id=program.id, case_id=case.id, kind=EventKind.NOTE, summary=f"Called {name}"))
    db.add(
        ContactLog(
            program_id=program.id,
            case_id=case.id,
            contacted_on=TODAY,
            method=ContactMethod.PHONE,
            contact_with=SECRET_TEXTS["guardian"],
            summary=f"Spoke about {SECRET_TEXTS['first']}",
        )
    )
    night = HearingNight(
        program_id=program.id,
        held_on=TODAY,
        starts_at=datetime.time(18),
        ends_at=datetime.time(20),
        location="City Hall",
    )
    room = Courtroom(program_id=program.id, night=night, name="A")
    db.add_all([night, room])
    await db.flush()
    db.add(Hearing(program_id=program.id, courtroom_id=room.id, case_id=case.id, notes=f"{name} was polite"))
    db.add(
        Disposition(program_id=program.id, case_id=case.id, decided_on=TODAY, notes=SECRET_TEXTS["address"])
    )
    juror = Juror(
        program_id=program.id,
        source=JurorSource.FORMER_RESPONDENT,
        status=JurorStatus.ALUMNI,
        youth_id=youth.id,
        first_name=SECRET_TEXTS["first"],
        last_name=SECRET_TEXTS["last"],
        date_of_birth=BORN,
        email=SECRET_TEXTS["email"],
        guardian_name=SECRET_TEXTS["guardian"],
    )
    other_juror = Juror(
        program_id=program.id, source=JurorSource.VOLUNTEER, first_name="Vera", last_name="Volunteer"
    )
    db.add_all([juror, other_juror])
    await db.flush()
    db.add(ConflictDeclaration(program_id=program.id, juror_id=other_juror.id, youth_id=youth.id, note=name))
    db.add(
        OutboxMessage(
            program_id=program.id,
            to_address=SECRET_TEXTS["email"],
            subject="Reminder",
            body=f"Dear {SECRET_TEXTS['first']}",
            kind="reminder",
        )
    )
    content = b"%PDF-1.4 police report about " + name.encode()
    stored = await keep(db, settings, program.id, content)
    document = Document(
        program_id=program.id,
        referral_id=case.referral_id,
        title=f"Police report {SECRET_TEXTS['last']}",
        stored_name=stored,
        content_type="application/pdf",
        size_bytes=len(content),
        sha256="0" * 64,
    )
    db.add(document)
    await db.commit()
    return case, document


async def _identifying_leftovers(db: AsyncSession) -> list[str]:
    """Every string, text, binary and date column of every table, searched for anything identifying the youth."""
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, Date):
                values = (await db.execute(select(column).where(column == BORN))).scalars().all()
                found += [f"{table.name}.{column.name}" for _ in values]
            elif isinstance(column.type, LargeBinary):
                for data in (await db.execute(select(column))).scalars().all():
                    found += [
                        f"{table.name}.{column.name} holds {secret!r}"
                        for secret in SECRET_TEXTS.values()
                        if secret.lower().encode() in data.lower()
                    ]
            elif isinstance(column.type, String | Text):
                for secret in SECRET_TEXTS.values():
                    hits = await db.scalar(
                        select(func.count())
                        .select_from(table)
                        .where(func.lower(column).contains(secret.lower()))
                    )
                    if hits:
                        found.append(f"{table.name}.{column.name} holds {secret!r}")
    return found


@pytest.mark.parametrize("store", STORES)
async def test_expunging_destroys_the_identity_everywhere_and_keeps_the_statistics(app, client, db, store):
    settings = use_store(app, store)
    program, _coordinator, admin = await _staff(db)
    await ensure_defaults(db, program.id)
    case, document = await _identified_youth_with_everything(db, program, settings)
    assert await kept_names(db, settings) == [document.stored_name]
    assert len(await _identifying_leftovers(db)) >= 10
    period = measures.Period(TODAY - datetime.timedelta(days=400), TODAY)
    before = await measures.load_figures(db, period)
    received_on = (await db.scalar(select(Case).where(Case.id == case.id))).opened_on

    await sign_in(client, admin)
    form = await client.get(f"/cases/{case.id}/expunge")
    assert form.status_code == 200 and SECRET_TEXTS["last"] not in form.text
    wrong = await post_form(client, f"/cases/{case.id}/expunge", {"confirm_number": "2020-9999"})
    assert wrong.status_code == 422 and "2020-9999" in wrong.text
    assert await kept_bytes(db, settings, document) is not None

    done = await post_form(client, f"/cases/{case.id}/expunge", {"confirm_number": case.number})
    assert done.status_code == 303

    assert await _identifying_leftovers(db) == []
    assert await kept_names(db, settings) == []
    assert await db.scalar(select(func.count()).select_from(Document)) == 0
    youth = await _reload(db, Youth, case.youth_id)
    assert youth.first_name == "Expunged" and youth.expunged_at is not None
    assert (youth.gender, youth.race_ethnicity) == ("Male", "Asian")
    assert youth.age_on(received_on) == Youth(date_of_birth=BORN).age_on(received_on)
    expunged = await _reload(db, Case, case.id)
    assert expunged.expunged_at is not None and expunged.sealed_at is not None
    assert expunged.state == CaseState.COMPLETED and expunged.closed_on is not None
    assert await measures.load_figures(db, period) == before
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "case_expunge"))
    assert entry.details["documents"] == 1 and entry.details["files_removed"] == 1
    assert SECRET_TEXTS["last"] not in str(entry.details)

    sealed_page = await client.get(f"/cases/{case.id}/sealed")
    assert "Expunged" in sealed_page.text


async def test_expunging_is_refused_while_the_youth_has_an_open_case(client, db):
    program, _, admin = await _staff(db)
    case = await _closed_case(db, program)
    youth = await _reload(db, Youth, case.youth_id)
    await make_case(db, program, CaseState.SANCTIONS_IN_PROGRESS, youth=youth)
    await sign_in(client, admin)
    refused = await post_form(client, f"/cases/{case.id}/expunge", {"confirm_number": case.number})
    assert refused.status_code == 409
    assert "still open" in refused.text
    assert (await _reload(db, Youth, youth.id)).expunged_at is None
    coordinator = await make_user(db, program, Role.COORDINATOR)
    await sign_in(client, coordinator)
    assert (
        await post_form(client, f"/cases/{case.id}/expunge", {"confirm_number": case.number})
    ).status_code == 403


def test_a_replacement_birth_date_keeps_every_age_at_referral():
    born = datetime.date(2010, 3, 9)
    referrals = [datetime.date(2024, 3, 8), datetime.date(2025, 1, 2)]
    replaced = services.age_keeping_birth_date(born, referrals)
    assert replaced != born
    for day in referrals:
        assert Youth(date_of_birth=replaced).age_on(day) == Youth(date_of_birth=born).age_on(day)


# ---------------------------------------------------------------------------------------------
# Automatic sealing


@pytest.fixture
def environment(monkeypatch, database_url, tmp_path):
    monkeypatch.setenv("YOUTHCOURT_DATABASE_URL", database_url)
    monkeypatch.setenv("YOUTHCOURT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("YOUTHCOURT_ENV", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def _seed_for_auto_sealing(settings) -> dict[str, uuid.UUID]:
    config = create_database_config(settings)
    try:
        async with config.get_session() as db:
            program = await make_program(db)
            never = await make_program(db)
            for each in (program, never):
                await ensure_defaults(db, each.id)
            policy = await db.scalar(select(ProgramPolicy).where(ProgramPolicy.program_id == program.id))
            policy.auto_seal_months = 6
            await db.commit()
            cases = {
                "due": await _closed_case(db, program, months_ago=8),
                "recent": await _closed_case(db, program, months_ago=2),
                "unsuccessful": await _closed_case(db, program, CaseState.UNSUCCESSFUL, months_ago=8),
                "open": await make_case(db, program, CaseState.SANCTIONS_IN_PROGRESS),
                "elsewhere": await _closed_case(db, never, months_ago=30),
            }
            return {name: case.id for name, case in cases.items()}
    finally:
        await config.get_engine().dispose()


async def _sealing_state(settings) -> tuple[dict[uuid.UUID, object], list[tuple]]:
    config = create_database_config(settings)
    try:
        async with config.get_session() as db:
            sealed = dict((await db.execute(select(Case.id, Case.sealed_at))).all())
            entries = (await db.scalars(select(AuditEntry).where(AuditEntry.action == "case_seal"))).all()
            return sealed, [(e.record_id, e.actor_id, e.details["automatic"]) for e in entries]
    finally:
        await config.get_engine().dispose()


def test_seal_due_seals_only_eligible_cases_and_only_once(environment, settings):
    ids = asyncio.run(_seed_for_auto_sealing(settings))

    runner = CliRunner()
    first = runner.invoke(cli.seal_due)
    second = runner.invoke(cli.seal_due)

    assert first.exit_code == 0, first.output
    assert "Cases sealed: 1" in first.output
    assert "Cases sealed: 0" in second.output
    sealed, entries = asyncio.run(_sealing_state(settings))
    assert sealed[ids["due"]] is not None
    assert all(sealed[ids[name]] is None for name in ("recent", "unsuccessful", "open", "elsewhere"))
    assert entries == [(str(ids["due"]), None, True)]
