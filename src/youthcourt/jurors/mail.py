"""Email through an outbox: messages are stored first and sent by SMTP when a server is set.

Storing first means an invitation is never lost when the mail server is down, and
coordinators can see what went out (or what waits, when no server is configured). A message
about a hearing night keeps the night (and the booking) it is about, so that when the night
moves or is cancelled, what still waits can be rewritten or withdrawn before it goes out.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts.models import User
from youthcourt.clock import utc_now
from youthcourt.database import insert_missing
from youthcourt.jurors.delivery import claimable
from youthcourt.jurors.models import Juror, OutboxMessage, OutboxStatus
from youthcourt.web.i18n import DEFAULT_LANGUAGE, format_clock, format_day, known_language


def long_date(day: datetime.date) -> str:
    """How every message names a night's date, in the active language: "Sunday, December 6, 2026"."""
    return format_day(day, "full")


def short_date(day: datetime.date) -> str:
    """A night's day in a subject line: "December 6", "6 de diciembre"."""
    return format_day(day, "day")


def clock(moment: datetime.time) -> str:
    """A time of day in the active language: "6:30 PM", "18:30"."""
    return format_clock(moment)


async def juror_language(db: AsyncSession, juror: Juror) -> str:
    """The language a juror's mail is written in: their portal account's, else English."""
    if juror.user_id is None:
        return DEFAULT_LANGUAGE
    chosen = await db.scalar(select(User.language).where(User.id == juror.user_id))
    return known_language(chosen) or DEFAULT_LANGUAGE


async def enqueue(
    db: AsyncSession,
    program_id: UUID,
    *,
    to_address: str,
    subject: str,
    body: str,
    kind: str,
    dedupe_key: str | None = None,
    night_id: UUID | None = None,
    booking_id: UUID | None = None,
) -> OutboxMessage | None:
    """Store a message to send. With a ``dedupe_key`` already used, nothing is added (returns None).

    A keyed message goes in with ``INSERT ... ON CONFLICT DO NOTHING``: when two servers queue
    the same reminder at once, the database keeps one and the other adds nothing, without error.
    """
    if not to_address:
        return None
    values = {
        "program_id": program_id,
        "to_address": to_address,
        "subject": subject[:200],
        "body": body,
        "kind": kind,
        "dedupe_key": dedupe_key,
        "night_id": night_id,
        "booking_id": booking_id,
    }
    if dedupe_key is None:
        message = OutboxMessage(**values)
        db.add(message)
        await db.flush()
        return message
    if not await insert_missing(db, OutboxMessage, [values], ["dedupe_key"]):
        return None
    return await db.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))


async def waiting_for_night(
    db: AsyncSession, night_id: UUID, kinds: Iterable[str] | None = None
) -> list[OutboxMessage]:
    """Messages about the night that have not gone out yet, oldest first.

    Not those a sender holds at this moment: they may be with the mail server already, too late
    to rewrite or withdraw (see :func:`youthcourt.jurors.delivery.being_sent`).
    """
    query = select(OutboxMessage).where(OutboxMessage.night_id == night_id, claimable(utc_now()))
    if kinds is not None:
        query = query.where(OutboxMessage.kind.in_(list(kinds)))
    rows = await db.scalars(query.order_by(OutboxMessage.created_at, OutboxMessage.id))
    return list(rows.all())


def withdraw(message: OutboxMessage, reason: str) -> None:
    """Keep a waiting message from going out, with the reason shown in the outbox."""
    message.status = OutboxStatus.WITHDRAWN
    message.last_error = reason
