"""Sending the outbox through the program's SMTP server, from any number of places at once.

Messages wait in the outbox as PENDING. Each delivery run sends the oldest first, one
SMTP conversation each, in a worker thread so the server keeps answering requests.
A message the server refuses stays PENDING for the next run, with the error kept for
coordinators to read, and is given up (FAILED) after ``MAX_ATTEMPTS`` tries. With no
SMTP host configured nothing is sent: coordinators read the messages in the outbox.

Several runs may send at the same time: ``youthcourt worker`` on each of several servers, and a
coordinator's "send now". Each message goes once because a run first *claims* a few messages
(:func:`claim`: one UPDATE that marks them with a token of its own and a lease time, taking only
rows no one holds, with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite lets one writer at a
time run the statement) and commits the claim before talking to the mail server. Each outcome
is recorded, and committed, as soon as it is known, only while the claim is still the run's own,
so no transaction stays open while the mail server talks. A run that stops half-way (a crash, a
server restart) leaves its claims to run out: after :data:`LEASE` another run takes the
messages. A message the stopped run had already handed over may then go twice; every other
message goes exactly once. A message whose runs stopped ``MAX_ATTEMPTS`` times is given up
(FAILED) instead of being taken again every lease forever.
"""

from __future__ import annotations

import datetime
import smtplib
import ssl
from collections.abc import Awaitable, Callable, Collection
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from uuid import UUID, uuid4

import anyio.to_thread
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.clock import utc_now
from youthcourt.jurors.models import OutboxMessage, OutboxStatus
from youthcourt.settings import SmtpSettings

MAX_ATTEMPTS = 5
SMTP_TIMEOUT_SECONDS = 30
MAX_ERROR_LENGTH = 1000
CLAIM_BATCH = 10
"""Messages claimed at a time: few enough that a stopped run holds back little for long."""
LEASE = datetime.timedelta(minutes=10)
"""How long a claim holds: a batch at the SMTP timeout, twice over, fits well inside it."""
NO_LONGER_OPEN = "What this message offered was closed before it could be sent."
STOPPED_EVERY_TIME = (
    "The sender stopped while sending this message on each of its tries; it is not tried again. "
    'Check the server\'s log, then choose "Try sending again".'
)


BodyRenderer = Callable[[AsyncSession, OutboxMessage], Awaitable[str | None]]
_renderers: dict[str, BodyRenderer] = {}


def render_at_send_time(kind: str, renderer: BodyRenderer) -> None:
    """Let an area finish the body of its messages of ``kind`` only when they are sent.

    A message that must carry a secret (a survey's private link) is stored without it; the
    renderer makes the secret at send time and returns the body to send, which is never stored.
    A renderer returning None withdraws the message (what it offered is no longer open).
    """
    _renderers[kind] = renderer


def email_of(message: OutboxMessage, sender: str, body: str | None = None) -> EmailMessage:
    """The outbox message as an email, marked as sent automatically (no out-of-office replies)."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body if body is None else body)
    return email


def send_email(smtp: SmtpSettings, email: EmailMessage) -> None:
    """One SMTP conversation (blocking): connect, STARTTLS and log in when configured, send."""
    with smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT_SECONDS) as server:
        if smtp.starttls:
            server.starttls(context=ssl.create_default_context())
        if smtp.user:
            server.login(smtp.user, smtp.password)
        server.send_message(email)


def claimable(now: datetime.datetime) -> Any:
    """Pending messages no run holds now: never claimed, or claimed by a run whose lease ran out."""
    return (OutboxMessage.status == OutboxStatus.PENDING) & or_(
        OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now
    )


def being_sent(now: datetime.datetime) -> Any:
    """Pending messages a run holds now: it may be handing them to the mail server this moment."""
    return (OutboxMessage.status == OutboxStatus.PENDING) & (OutboxMessage.claimed_until >= now)


async def claim(
    db: AsyncSession,
    limit: int,
    now: datetime.datetime | None = None,
    lease: datetime.timedelta = LEASE,
    *,
    skip: Collection[UUID] = (),
) -> list[OutboxMessage]:
    """Take up to ``limit`` claimable messages, oldest first, for this run alone until ``now + lease``.

    Counts the attempt, and leaves out the messages in ``skip`` (tried already in this run). The
    caller commits before sending, so that other runs see the claim. Inside a request the
    program scope limits it to the user's program.
    """
    now = now or utc_now()
    await give_up_stopped(db, now)
    token = uuid4().hex
    oldest = (
        select(OutboxMessage.id).where(claimable(now)).order_by(OutboxMessage.created_at, OutboxMessage.id)
    )
    if skip:
        oldest = oldest.where(OutboxMessage.id.not_in(list(skip)))
    oldest = oldest.limit(limit)
    if db.get_bind().dialect.name == "postgresql":
        # Locked apart from the UPDATE: PostgreSQL may run a LIMIT subquery of an UPDATE more than
        # once, and with SKIP LOCKED each run finds other rows.
        ids = (await db.scalars(oldest.with_for_update(skip_locked=True))).all()
        if not ids:
            return []
        chosen = OutboxMessage.id.in_(ids)
    else:
        chosen = OutboxMessage.id.in_(oldest)  # one statement, run under SQLite's one write lock
    await db.execute(
        update(OutboxMessage)
        .where(chosen, claimable(now))
        .values(claim_token=token, claimed_until=now + lease, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    claimed = await db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.claim_token == token)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
        .execution_options(populate_existing=True)
    )
    return list(claimed.all())


async def give_up_stopped(db: AsyncSession, now: datetime.datetime) -> None:
    """Mark FAILED the messages whose every try ended with its sender stopped (their leases ran out).

    A refused message is given up when its last try is refused (:func:`_send`); one that stops its
    sender each time (a crash while sending it) never gets there, so its count of claims decides.
    """
    await db.execute(
        update(OutboxMessage)
        .where(claimable(now), OutboxMessage.attempts >= MAX_ATTEMPTS)
        .values(
            status=OutboxStatus.FAILED, claim_token=None, claimed_until=None, last_error=STOPPED_EVERY_TIME
        )
        .execution_options(synchronize_session=False)
    )


async def finish(db: AsyncSession, message: OutboxMessage, **outcome: Any) -> bool:
    """Record how sending ``message`` went and release it; False when the claim is no longer ours.

    A claim is no longer ours when its lease ran out and another run took the message: that
    run records the outcome of its own sending.
    """
    result = await db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.claim_token == message.claim_token)
        .values(claim_token=None, claimed_until=None, **outcome)
    )
    return bool(result.rowcount)


async def deliver_pending(db: AsyncSession, smtp: SmtpSettings, limit: int = 100) -> tuple[int, int]:
    """Send up to ``limit`` pending messages, oldest first. Returns (sent, failed this run).

    Commits as it goes: each claim before sending, each outcome once known. Inside a request the
    program scope limits this to the user's program; the worker runs it for every program.
    """
    if not smtp.enabled:
        return 0, 0
    sent = failed = 0
    tried: set[UUID] = set()  # a message the server refused waits for the next run
    while sent + failed < limit:
        batch = await claim(db, min(CLAIM_BATCH, limit - sent - failed), skip=tried)
        await db.commit()
        if not batch:
            break
        for message in batch:
            tried.add(message.id)
            if await _send(db, smtp, message):
                sent += 1
            else:
                failed += 1
            await db.commit()
    return sent, failed


async def _send(db: AsyncSession, smtp: SmtpSettings, message: OutboxMessage) -> bool:
    body = None
    if renderer := _renderers.get(message.kind):
        body = await renderer(db, message)
        if body is None:
            await finish(db, message, status=OutboxStatus.WITHDRAWN, last_error=NO_LONGER_OPEN)
            return False
    try:
        await anyio.to_thread.run_sync(send_email, smtp, email_of(message, smtp.from_address, body))
    except (OSError, ValueError) as error:  # smtplib's errors are OSErrors; ValueError: bad headers
        given_up = message.attempts >= MAX_ATTEMPTS
        await finish(
            db,
            message,
            status=OutboxStatus.FAILED if given_up else OutboxStatus.PENDING,
            last_error=f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH],
        )
        return False
    await finish(db, message, status=OutboxStatus.SENT, sent_at=utc_now(), last_error="")
    return True
