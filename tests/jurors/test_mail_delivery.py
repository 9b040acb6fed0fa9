"""Reminders, the outbox pages and delivery through a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import datetime
import email
import email.policy
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import (
    make_case,
    make_program,
    make_user,
    make_youth,
    post_form,
    sign_in,
    sign_in_with_form,
)
from youthcourt import cli
from youthcourt.app import create_app
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import Case, CaseState
from youthcourt.database import create_database_config
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight, HearingOutcome
from youthcourt.jurors.delivery import MAX_ATTEMPTS, deliver_pending
from youthcourt.jurors.models import (
    Booking,
    BookingStatus,
    Juror,
    JurorSource,
    JurorStatus,
    OutboxMessage,
    OutboxStatus,
)
from youthcourt.jurors.reminders import family_key, queue_reminders
from youthcourt.programs.models import Program, Role
from youthcourt.referrals.models import Guardian
from youthcourt.settings import Settings, SettingsError, SmtpSettings, get_settings

TODAY = datetime.date.today()
IN_TWO_DAYS = TODAY + datetime.timedelta(days=2)
SENDER = "court@riverside.example"


# A real SMTP server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Collector:
    """aiosmtpd handler keeping every envelope it accepts."""

    envelopes: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def received(self) -> list[tuple[list[str], str, str, str]]:
        """(recipients, From, Subject, body) of each message, in arrival order."""
        found = []
        for envelope in self.envelopes:
            parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
            body = parsed.get_content().replace("\r\n", "\n")
            found.append((envelope.rcpt_tos, parsed["From"], parsed["Subject"], body))
        return found


@dataclass
class SmtpServer:
    collector: Collector
    settings: SmtpSettings


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(collector, SmtpSettings(host="127.0.0.1", port=port, from_address=SENDER))
    finally:
        controller.stop()


@pytest.fixture
async def smtp_client(
    settings: Settings, smtp_server: SmtpServer
) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """A client of an application configured to send through ``smtp_server``."""
    application = create_app(replace(settings, smtp=smtp_server.settings))
    async with AsyncTestClient(app=application, base_url="http://testserver.local") as test_client:
        yield test_client


# Builders for this area -----------------------------------------------------------------------


async def make_night(
    db: AsyncSession, program: Program, held_on: datetime.date = IN_TWO_DAYS, *, cancelled: bool = False
) -> HearingNight:
    night = HearingNight(
        program_id=program.id,
        held_on=held_on,
        starts_at=datetime.time(18, 0),
        ends_at=datetime.time(20, 30),
        location="Riverside Courthouse, 2nd floor",
        is_cancelled=cancelled,
    )
    night.courtrooms = [Courtroom(program_id=program.id, name="Courtroom A", capacity=4)]
    db.add(night)
    await db.commit()
    return night


async def make_juror(
    db: AsyncSession, program: Program, first_name: str, email_address: str, **fields: Any
) -> Juror:
    juror = Juror(
        program_id=program.id,
        source=JurorSource.VOLUNTEER,
        status=fields.pop("status", JurorStatus.ACTIVE),
        first_name=first_name,
        last_name="Juror",
        email=email_address,
        **fields,
    )
    db.add(juror)
    await db.commit()
    return juror


async def book(db: AsyncSession, juror: Juror, night: HearingNight, status: BookingStatus) -> Booking:
    booking = Booking(program_id=juror.program_id, juror_id=juror.id, night_id=night.id, status=status)
    db.add(booking)
    await db.commit()
    return booking


async def respondent(
    db: AsyncSession, program: Program, first_name: str, email_address: str = "", guardians: tuple = ()
) -> Case:
    youth = await make_youth(db, program, first_name=first_name, last_name="Quintero", email=email_address)
    for name, guardian_email in guardians:
        db.add(Guardian(program_id=program.id, youth_id=youth.id, name=name, email=guardian_email))
    await db.commit()
    return await make_case(db, program, CaseState.SCHEDULED, youth=youth)


async def on_docket(
    db: AsyncSession, night: HearingNight, case: Case, outcome: HearingOutcome = HearingOutcome.SCHEDULED
) -> Hearing:
    room = await db.scalar(select(Courtroom).where(Courtroom.night_id == night.id))
    hearing = Hearing(program_id=night.program_id, courtroom_id=room.id, case_id=case.id, outcome=outcome)
    db.add(hearing)
    await db.commit()
    return hearing


async def message(db: AsyncSession, program: Program, to: str, subject: str, **fields: Any) -> OutboxMessage:
    saved = OutboxMessage(
        program_id=program.id,
        to_address=to,
        subject=subject,
        body=fields.pop("body", f"Body of {subject}.\n\nSecond paragraph."),
        kind=fields.pop("kind", "juror_invitation"),
        **fields,
    )
    db.add(saved)
    await db.commit()
    return saved


async def messages(db: AsyncSession) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.created_at).execution_options(populate_existing=True)
    return list((await db.scalars(query)).all())


async def audit_entries(db: AsyncSession, action: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.occurred_at)
    return list((await db.scalars(query)).all())


async def signed_in_coordinator(client, db) -> Program:
    program = await make_program(db, "Riverside County Youth Court")
    await sign_in_with_form(client, await make_user(db, program, Role.COORDINATOR, name="Maya Alvarez"))
    return program


# Settings -------------------------------------------------------------------------------------


def test_smtp_settings_are_read_from_the_environment():
    assert SmtpSettings.from_env({}) == SmtpSettings(host="", port=25, from_address="youthcourt@localhost")
    assert not SmtpSettings.from_env({}).enabled
    smtp = SmtpSettings.from_env(
        {
            "YOUTHCOURT_SMTP_HOST": "mail.example.org",
            "YOUTHCOURT_SMTP_PORT": "587",
            "YOUTHCOURT_SMTP_FROM": "court@example.org",
            "YOUTHCOURT_SMTP_USER": "court",
            "YOUTHCOURT_SMTP_PASSWORD": "s3cret",
            "YOUTHCOURT_SMTP_STARTTLS": "true",
        }
    )
    assert (smtp.enabled, smtp.host, smtp.port, smtp.from_address, smtp.user, smtp.starttls) == (
        True,
        "mail.example.org",
        587,
        "court@example.org",
        "court",
        True,
    )
    assert "s3cret" not in repr(smtp)
    with pytest.raises(SettingsError, match="YOUTHCOURT_SMTP_PORT"):
        SmtpSettings.from_env({"YOUTHCOURT_SMTP_PORT": "smtp"})
    with pytest.raises(SettingsError, match="YOUTHCOURT_SMTP_STARTTLS"):
        SmtpSettings.from_env({"YOUTHCOURT_SMTP_STARTTLS": "maybe"})


# Reminders ------------------------------------------------------------------------------------


async def test_reminders_go_to_booked_jurors_and_families_of_nights_in_the_next_two_days_once(db):
    program = await make_program(db, "Riverside County Youth Court")
    night = await make_night(db, program)
    tomorrow = await make_night(db, program, TODAY + datetime.timedelta(days=1))
    later = await make_night(db, program, TODAY + datetime.timedelta(days=3))
    cancelled = await make_night(db, program, cancelled=True)

    confirmed = await make_juror(db, program, "Avery", "avery@example.org")
    await book(db, confirmed, night, BookingStatus.CONFIRMED)
    for status in (
        BookingStatus.INVITED,
        BookingStatus.DECLINED,
        BookingStatus.WAITLISTED,
        BookingStatus.CANCELLED,
    ):
        other = await make_juror(db, program, status.value.capitalize(), f"{status.value}@example.org")
        await book(db, other, night, status)
    no_email = await make_juror(db, program, "Noemail", "")
    await book(db, no_email, night, BookingStatus.CONFIRMED)
    suspended = await make_juror(
        db, program, "Suspended", "suspended@example.org", status=JurorStatus.SUSPENDED
    )
    await book(db, suspended, night, BookingStatus.CONFIRMED)
    elsewhere = await make_juror(db, program, "Elsewhere", "elsewhere@example.org")
    for other_night in (tomorrow, later, cancelled):
        await book(db, elsewhere, other_night, BookingStatus.CONFIRMED)

    dana = await respondent(
        db,
        program,
        "Dana",
        "dana@example.org",
        guardians=(("Rosa Quintero", "Rosa@Example.org"), ("Luis Quintero", "")),
    )
    dana_hearing = await on_docket(db, night, dana)
    eli = await respondent(db, program, "Eli", guardians=(("Ana Quintero", "ana@example.org"),))
    await on_docket(db, night, eli)
    moved = await respondent(db, program, "Moved", "moved@example.org")
    await on_docket(db, night, moved, HearingOutcome.RESCHEDULED)
    await on_docket(db, later, await respondent(db, program, "Later", "later@example.org"))
    await on_docket(db, cancelled, await respondent(db, program, "Off", "off@example.org"))

    queued = await queue_reminders(db, TODAY)
    await db.commit()

    saved = {m.to_address: m for m in await messages(db)}
    assert queued == 5
    assert sorted(saved) == [
        "ana@example.org",
        "avery@example.org",
        "dana@example.org",
        "elsewhere@example.org",
        "rosa@example.org",
    ]
    reminded = saved["elsewhere@example.org"]
    assert (
        f"{TODAY + datetime.timedelta(days=1):%B} {(TODAY + datetime.timedelta(days=1)).day}"
        in reminded.subject
    )
    juror_message = saved["avery@example.org"]
    assert juror_message.kind == "juror_reminder"
    assert (
        juror_message.dedupe_key
        == f"remind-juror:{(await db.scalar(select(Booking.id).where(Booking.juror_id == confirmed.id)))}"
    )
    assert juror_message.subject == f"Reminder: youth court jury on {IN_TWO_DAYS:%B} {IN_TWO_DAYS.day}"
    when = f"{IN_TWO_DAYS:%A, %B} {IN_TWO_DAYS.day}, {IN_TWO_DAYS.year}"
    for text in (
        "Hello Avery,",
        when,
        "6:00 PM to 8:30 PM",
        "Riverside Courthouse, 2nd floor",
        "Riverside County Youth Court",
    ):
        assert text in juror_message.body
    for secret in ("Dana", "Eli", "Quintero", dana.number, "charger"):
        assert secret not in juror_message.body
    guardian_message = saved["rosa@example.org"]
    assert guardian_message.kind == "family_reminder"
    assert guardian_message.dedupe_key == family_key(dana_hearing.id, "rosa@example.org")
    assert "Hello Rosa Quintero," in guardian_message.body
    assert "Dana's hearing" in guardian_message.body and when in guardian_message.body
    assert "your hearing" in saved["dana@example.org"].body
    for family_message in (guardian_message, saved["dana@example.org"], saved["ana@example.org"]):
        assert "Riverside Courthouse, 2nd floor" in family_message.body
        assert dana.number not in family_message.body and "charger" not in family_message.body
    assert all(m.status == OutboxStatus.PENDING and m.program_id == program.id for m in saved.values())

    assert await queue_reminders(db, TODAY) == 0
    await db.commit()
    assert len(await messages(db)) == 5
    assert await queue_reminders(db, TODAY + datetime.timedelta(days=1)) == 2, (
        "the juror and family of the night in three days"
    )


async def test_a_long_address_still_gets_one_reminder(db):
    program = await make_program(db)
    night = await make_night(db, program)
    address = "a.very.long.mailbox.name.for.a.guardian.of.the.respondent@subdomain.example.org"
    hearing = await on_docket(db, night, await respondent(db, program, "Kim", guardians=(("Pat", address),)))

    assert await queue_reminders(db, TODAY) == 1
    assert await queue_reminders(db, TODAY) == 0
    await db.commit()
    [saved] = await messages(db)
    assert saved.to_address == address
    assert len(saved.dedupe_key) <= 120
    assert saved.dedupe_key == family_key(hearing.id, address)


async def test_coordinator_queues_reminders_for_their_own_program(client, db):
    program = await signed_in_coordinator(client, db)
    night = await make_night(db, program)
    await book(
        db, await make_juror(db, program, "Avery", "avery@example.org"), night, BookingStatus.CONFIRMED
    )
    other = await make_program(db)
    other_night = await make_night(db, other)
    await book(
        db, await make_juror(db, other, "Other", "other@example.org"), other_night, BookingStatus.CONFIRMED
    )

    first = await post_form(client, "/jurors/outbox/reminders", {})
    second = await post_form(client, "/jurors/outbox/reminders", {})

    assert (first.status_code, second.status_code) == (303, 303)
    assert [m.to_address for m in await messages(db)] == ["avery@example.org"]
    audited = await audit_entries(db, "mail_reminders_queue")
    assert [a.details for a in audited] == [
        {"queued": 1, "night": IN_TWO_DAYS.isoformat()},
        {"queued": 0, "night": IN_TWO_DAYS.isoformat()},
    ]
    assert all(a.program_id == program.id for a in audited)
    page = await client.get("/jurors/outbox")
    assert "No new reminder to queue" in page.text


# Delivery -------------------------------------------------------------------------------------


async def test_pending_mail_is_delivered_through_a_real_smtp_server(db, smtp_server):
    program = await make_program(db)
    first = await message(db, program, "avery@example.org", "Jury invitation for March 3")
    second = await message(db, program, "rosa@example.org", "Reminder: youth court hearing")
    done = await message(db, program, "old@example.org", "Sent already", status=OutboxStatus.SENT)
    gone = await message(db, program, "gone@example.org", "Given up", status=OutboxStatus.FAILED, attempts=5)

    assert await deliver_pending(db, smtp_server.settings) == (2, 0)
    await db.commit()

    assert smtp_server.collector.received() == [
        (
            ["avery@example.org"],
            SENDER,
            "Jury invitation for March 3",
            "Body of Jury invitation for March 3.\n\nSecond paragraph.\n",
        ),
        (
            ["rosa@example.org"],
            SENDER,
            "Reminder: youth court hearing",
            "Body of Reminder: youth court hearing.\n\nSecond paragraph.\n",
        ),
    ]
    assert all(e.mail_from == SENDER for e in smtp_server.collector.envelopes)
    saved = {m.id: m for m in await messages(db)}
    for sent in (first, second):
        assert (saved[sent.id].status, saved[sent.id].attempts, saved[sent.id].last_error) == (
            OutboxStatus.SENT,
            1,
            "",
        )
        assert saved[sent.id].sent_at is not None
    assert saved[done.id].status == OutboxStatus.SENT and saved[done.id].sent_at is None
    assert (saved[gone.id].status, saved[gone.id].attempts) == (OutboxStatus.FAILED, 5)
    assert await deliver_pending(db, smtp_server.settings) == (0, 0)
    assert len(smtp_server.collector.envelopes) == 2


async def test_delivery_sends_the_oldest_first_up_to_the_limit(db, smtp_server):
    program = await make_program(db)
    for number in range(3):
        await message(db, program, f"juror{number}@example.org", f"Message {number}")

    assert await deliver_pending(db, smtp_server.settings, limit=2) == (2, 0)
    await db.commit()

    assert [r[2] for r in smtp_server.collector.received()] == ["Message 0", "Message 1"]
    assert [m.status for m in await messages(db)] == [
        OutboxStatus.SENT,
        OutboxStatus.SENT,
        OutboxStatus.PENDING,
    ]


async def test_a_failing_server_counts_attempts_then_gives_up(db):
    program = await make_program(db)
    waiting = await message(db, program, "avery@example.org", "Jury invitation")
    closed = SmtpSettings(host="127.0.0.1", port=free_port(), from_address=SENDER)

    assert await deliver_pending(db, closed) == (0, 1)
    await db.commit()
    [saved] = await messages(db)
    assert (saved.status, saved.attempts, saved.sent_at) == (OutboxStatus.PENDING, 1, None)
    assert "ConnectionRefusedError" in saved.last_error

    for _ in range(MAX_ATTEMPTS - 1):
        assert await deliver_pending(db, closed) == (0, 1)
        await db.commit()
    [saved] = await messages(db)
    assert (saved.id, saved.status, saved.attempts) == (waiting.id, OutboxStatus.FAILED, MAX_ATTEMPTS)
    assert await deliver_pending(db, closed) == (0, 0)


async def test_without_an_smtp_host_nothing_is_sent(db):
    program = await make_program(db)
    await message(db, program, "avery@example.org", "Jury invitation")

    assert await deliver_pending(db, SmtpSettings()) == (0, 0)
    [saved] = await messages(db)
    assert (saved.status, saved.attempts) == (OutboxStatus.PENDING, 0)


async def test_coordinator_sends_their_programs_pending_mail(smtp_client, db, smtp_server):
    program = await signed_in_coordinator(smtp_client, db)
    await message(db, program, "avery@example.org", "Jury invitation")
    other = await message(db, await make_program(db), "other@example.org", "Their invitation")

    page = await smtp_client.get("/jurors/outbox")
    assert "No mail server is set" not in page.text
    assert "Sends the pending messages through 127.0.0.1" in page.text
    response = await post_form(smtp_client, "/jurors/outbox/send", {})

    assert response.status_code == 303
    assert [r[0] for r in smtp_server.collector.received()] == [["avery@example.org"]]
    statuses = {m.to_address: m.status for m in await messages(db)}
    assert statuses == {"avery@example.org": OutboxStatus.SENT, "other@example.org": OutboxStatus.PENDING}
    assert other.status == OutboxStatus.PENDING
    [entry] = await audit_entries(db, "mail_send")
    assert (entry.details, entry.program_id) == ({"sent": 1, "failed": 0}, program.id)
    assert "1 message was sent." in (await smtp_client.get("/jurors/outbox")).text


# The outbox pages -----------------------------------------------------------------------------


async def test_outbox_lists_and_filters_messages_without_smtp(client, db):
    program = await signed_in_coordinator(client, db)
    await message(db, program, "avery@example.org", "Jury invitation")
    await message(
        db,
        program,
        "rosa@example.org",
        "Hearing reminder",
        status=OutboxStatus.SENT,
        sent_at=datetime.datetime(2026, 3, 1, 15, 30, tzinfo=datetime.UTC),
    )
    await message(db, program, "gone@example.org", "Given up", status=OutboxStatus.FAILED, attempts=5)
    await message(db, await make_program(db), "other@example.org", "Their invitation")

    page = await client.get("/jurors/outbox")

    assert page.status_code == 200
    assert "No mail server is set." in page.text
    assert "Messages stay here; copy them by hand or configure YOUTHCOURT_SMTP_HOST." in page.text
    assert "1 pending · 1 sent · 1 failed" in page.text
    for text in (
        "avery@example.org",
        "Jury invitation",
        "rosa@example.org",
        "2026-03-01 10:30",
        "<mark>Failed</mark>",
    ):
        assert text in page.text
    assert "other@example.org" not in page.text
    assert "Queue reminders for nights in the next two days" in page.text
    assert "Send pending mail now" in page.text

    sent = await client.get(
        "/jurors/outbox?status=sent", headers={"HX-Request": "true", "HX-Target": "outbox-rows"}
    )
    assert "<h1>" not in sent.text
    assert "rosa@example.org" in sent.text and "avery@example.org" not in sent.text
    failed = await client.get("/jurors/outbox?status=failed")
    assert "gone@example.org" in failed.text and "avery@example.org" not in failed.text
    nothing = await client.get("/jurors/outbox?status=nonsense")
    assert "avery@example.org" in nothing.text and "gone@example.org" in nothing.text
    assert [a.details for a in await audit_entries(db, "outbox_view")][:2] == [
        {"status": ""},
        {"status": "sent"},
    ]

    response = await post_form(client, "/jurors/outbox/send", {})
    assert response.status_code == 303
    assert "No mail server is set, so nothing was sent." in (await client.get("/jurors/outbox")).text
    waiting = next(m for m in await messages(db) if m.to_address == "avery@example.org")
    assert (waiting.status, waiting.attempts) == (OutboxStatus.PENDING, 0)


async def test_outbox_is_paginated(client, db):
    program = await signed_in_coordinator(client, db)
    for number in range(30):
        db.add(
            OutboxMessage(
                program_id=program.id,
                to_address=f"juror{number}@example.org",
                subject=f"Invitation {number}",
                body="Hello",
                kind="juror_invitation",
            )
        )
    await db.commit()

    first = await client.get("/jurors/outbox")
    second = await client.get("/jurors/outbox?status=pending&page=2")

    assert "Showing 1 to 25 of 30" in first.text
    assert first.text.count('href="/jurors/outbox/') == 25
    assert "Showing 26 to 30 of 30" in second.text
    assert 'href="/jurors/outbox?status=pending&amp;page=1"' in second.text


async def test_a_message_shows_its_body_and_can_be_marked_sent_or_retried(client, db):
    program = await signed_in_coordinator(client, db)
    waiting = await message(
        db, program, "avery@example.org", "Jury invitation", body="Hello Avery,\n\nCome on <b>Tuesday</b>."
    )
    gone = await message(
        db,
        program,
        "gone@example.org",
        "Given up",
        status=OutboxStatus.FAILED,
        attempts=5,
        last_error="SMTPRecipientsRefused",
    )

    page = await client.get(f"/jurors/outbox/{waiting.id}")
    assert page.status_code == 200
    assert "<p>Hello Avery,</p>" in page.text
    assert "Come on &lt;b&gt;Tuesday&lt;/b&gt;." in page.text
    assert "Mark as sent" in page.text
    [viewed] = await audit_entries(db, "outbox_message_view")
    assert viewed.record_id == str(waiting.id)

    marked = await post_form(client, f"/jurors/outbox/{waiting.id}/sent-by-hand", {})
    assert marked.status_code == 303
    failed_page = await client.get(f"/jurors/outbox/{gone.id}")
    assert "SMTPRecipientsRefused" in failed_page.text and "Try sending again" in failed_page.text
    retried = await post_form(client, f"/jurors/outbox/{gone.id}/retry", {})
    assert retried.status_code == 303

    saved = {m.id: m for m in await messages(db)}
    assert saved[waiting.id].status == OutboxStatus.SENT and saved[waiting.id].sent_at is not None
    assert (saved[gone.id].status, saved[gone.id].attempts) == (OutboxStatus.PENDING, 0)
    assert len(await audit_entries(db, "outbox_message_sent_by_hand")) == 1
    assert len(await audit_entries(db, "outbox_message_retry")) == 1


async def test_other_programs_messages_are_not_found(client, db):
    await signed_in_coordinator(client, db)
    foreign = await message(db, await make_program(db), "other@example.org", "Their invitation")

    assert (await client.get(f"/jurors/outbox/{foreign.id}")).status_code == 404
    assert (await post_form(client, f"/jurors/outbox/{foreign.id}/sent-by-hand", {})).status_code == 404
    assert (await post_form(client, f"/jurors/outbox/{foreign.id}/retry", {})).status_code == 404
    [saved] = await messages(db)
    assert saved.status == OutboxStatus.PENDING


@pytest.mark.parametrize("role", [Role.JUROR, Role.EVALUATOR])
async def test_only_coordinators_reach_the_outbox(client, db, role):
    program = await make_program(db)
    waiting = await message(db, program, "avery@example.org", "Jury invitation")
    await sign_in_with_form(client, await make_user(db, program, role))

    assert (await client.get("/jurors/outbox")).status_code == 403
    assert (await client.get(f"/jurors/outbox/{waiting.id}")).status_code == 403
    assert (await post_form(client, "/jurors/outbox/reminders", {})).status_code == 403
    assert (await post_form(client, "/jurors/outbox/send", {})).status_code == 403
    assert (await post_form(client, f"/jurors/outbox/{waiting.id}/sent-by-hand", {})).status_code == 403


# The command line -----------------------------------------------------------------------------


@pytest.fixture
def environment(monkeypatch, database_url, tmp_path, smtp_server):
    monkeypatch.setenv("YOUTHCOURT_DATABASE_URL", database_url)
    monkeypatch.setenv("YOUTHCOURT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("YOUTHCOURT_SMTP_HOST", smtp_server.settings.host)
    monkeypatch.setenv("YOUTHCOURT_SMTP_PORT", str(smtp_server.settings.port))
    monkeypatch.setenv("YOUTHCOURT_SMTP_FROM", SENDER)
    monkeypatch.delenv("YOUTHCOURT_ENV", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_send_mail_queues_reminders_and_sends_for_every_program(environment, settings, smtp_server):
    async def prepare() -> None:
        config = create_database_config(settings)
        async with config.get_session() as db:
            for name, address in (("First", "first@example.org"), ("Second", "second@example.org")):
                program = await make_program(db)
                night = await make_night(db, program)
                await book(db, await make_juror(db, program, name, address), night, BookingStatus.CONFIRMED)
                await on_docket(
                    db, night, await respondent(db, program, "Dana", guardians=(("Rosa", f"rosa.{address}"),))
                )
                await message(db, program, f"invited.{address}", "Jury invitation")
        await config.get_engine().dispose()

    async def statuses() -> dict[str, OutboxStatus]:
        config = create_database_config(settings)
        async with config.get_session() as db:
            found = {m.to_address: m.status for m in await messages(db)}
        await config.get_engine().dispose()
        return found

    asyncio.run(prepare())
    runner = CliRunner()
    first = runner.invoke(cli.send_mail)
    second = runner.invoke(cli.send_mail)

    assert first.exit_code == 0, first.output
    assert "Reminders queued: 4." in first.output
    assert "Messages sent: 6. Failed: 0." in first.output
    assert "Reminders queued: 0." in second.output
    assert "Messages sent: 0. Failed: 0." in second.output
    assert sorted(r[0][0] for r in smtp_server.collector.received()) == [
        "first@example.org",
        "invited.first@example.org",
        "invited.second@example.org",
        "rosa.first@example.org",
        "rosa.second@example.org",
        "second@example.org",
    ]
    assert set(asyncio.run(statuses()).values()) == {OutboxStatus.SENT}


def test_send_mail_without_a_server_keeps_messages(environment, settings, monkeypatch):
    monkeypatch.setenv("YOUTHCOURT_SMTP_HOST", "")
    get_settings.cache_clear()
    result = CliRunner().invoke(cli.send_mail)

    assert result.exit_code == 0, result.output
    assert "Reminders queued: 0." in result.output
    assert "No mail server is set (YOUTHCOURT_SMTP_HOST): messages stay in the outbox." in result.output


async def test_a_juror_who_confirms_the_day_before_is_reminded_at_once(client, db):
    program = await make_program(db, "Riverside County Youth Court")
    user = await make_user(db, program, Role.JUROR)
    juror = await make_juror(
        db,
        program,
        "Avery",
        "avery@example.org",
        user_id=user.id,
        oath_signed_on=TODAY - datetime.timedelta(days=30),
    )
    tomorrow = TODAY + datetime.timedelta(days=1)
    booking = await book(db, juror, await make_night(db, program, tomorrow), BookingStatus.INVITED)
    await sign_in(client, user)

    response = await post_form(client, f"/me/bookings/{booking.id}/reply", {"accept": "yes"})

    assert response.status_code == 303
    (reminder,) = [m for m in await messages(db) if m.kind == "juror_reminder"]
    assert reminder.to_address == "avery@example.org"
    assert f"{tomorrow:%B} {tomorrow.day}" in reminder.subject
    assert await queue_reminders(db, TODAY) == 0, "once only"
