"""Sending the outbox through the program's SMTP server.

Messages wait in the outbox as PENDING. Each delivery run sends the oldest first, one
SMTP conversation each, in a worker thread so the server keeps answering requests.
A message the server refuses stays PENDING for the next run, with the error kept for
coordinators to read, and is given up (FAILED) after ``MAX_ATTEMPTS`` tries. With no
SMTP host configured nothing is sent: coordinators read the messages in the outbox.
"""

from __future__ import annotations

import datetime
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import anyio.to_thread
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.jurors.models import OutboxMessage, OutboxStatus
from youthcourt.settings import SmtpSettings

MAX_ATTEMPTS = 5
SMTP_TIMEOUT_SECONDS = 30
MAX_ERROR_LENGTH = 1000


def email_of(message: OutboxMessage, sender: str) -> EmailMessage:
    """The outbox message as an email, marked as sent automatically (no out-of-office replies)."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body)
    return email


def send_email(smtp: SmtpSettings, email: EmailMessage) -> None:
    """One SMTP conversation (blocking): connect, STARTTLS and log in when configured, send."""
    with smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT_SECONDS) as server:
        if smtp.starttls:
            server.starttls(context=ssl.create_default_context())
        if smtp.user:
            server.login(smtp.user, smtp.password)
        server.send_message(email)


async def deliver_pending(db: AsyncSession, smtp: SmtpSettings, limit: int = 100) -> tuple[int, int]:
    """Send up to ``limit`` pending messages, oldest first. Returns (sent, failed this run).

    Inside a request the program scope limits this to the user's program; the command
    line runs it for every program. The caller commits.
    """
    if not smtp.enabled:
        return 0, 0
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
        .limit(limit)
        # Two runs at once (the command and a coordinator's button) never send a message twice.
        .with_for_update(skip_locked=True)
    )
    messages = (await db.scalars(query)).all()
    sent = failed = 0
    for message in messages:
        message.attempts += 1
        try:
            await anyio.to_thread.run_sync(send_email, smtp, email_of(message, smtp.from_address))
        except (OSError, ValueError) as error:  # smtplib's errors are OSErrors; ValueError: bad headers
            failed += 1
            message.last_error = f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
        else:
            sent += 1
            message.status = OutboxStatus.SENT
            message.sent_at = datetime.datetime.now(datetime.UTC)
            message.last_error = ""
        await db.flush()
    return sent, failed
