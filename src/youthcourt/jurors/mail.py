"""Email through an outbox: messages are stored first and sent by SMTP when a server is set.

Storing first means an invitation is never lost when the mail server is down, and
coordinators can see what went out (or what waits, when no server is configured).
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.jurors.models import OutboxMessage


async def enqueue(
    db: AsyncSession,
    program_id: UUID,
    *,
    to_address: str,
    subject: str,
    body: str,
    kind: str,
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Store a message to send. With a ``dedupe_key`` already used, nothing is added (returns None)."""
    if not to_address:
        return None
    if dedupe_key and await db.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)):
        return None
    message = OutboxMessage(
        program_id=program_id,
        to_address=to_address,
        subject=subject[:200],
        body=body,
        kind=kind,
        dedupe_key=dedupe_key,
    )
    db.add(message)
    await db.flush()
    return message
