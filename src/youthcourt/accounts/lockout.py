"""Account lockout and per-address throttling of sign-in (OWASP ASVS 6.3.1, CJIS 5.5.3).

Failures are rows in the database, not counters in process memory, so every app process
behind the proxy sees the same count. An account locks after :data:`FAILURES_TO_LOCK`
failures within :data:`WINDOW`; it unlocks when the cool-down (a setting) passes or a
program admin unlocks it. Failures before the last successful sign-in, before the end of
the last lock or before an admin's unlock do not count again. A client address with
:data:`ADDRESS_LIMIT` failures within the window is refused, whatever account it tries,
which slows guessing one common password across many accounts.
"""

from __future__ import annotations

import datetime
import math
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from youthcourt.accounts.models import SignInFailure, User
from youthcourt.audit.models import utc_now

FAILURES_TO_LOCK = 5
ADDRESS_LIMIT = 20
WINDOW = datetime.timedelta(minutes=15)

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


async def address_wait_minutes(db: AsyncSession, address: str | None) -> int:
    """Minutes before ``address`` may try again; 0 when it may try now."""
    if address is None:
        return 0
    now = utc_now()
    times = (
        await db.scalars(
            select(SignInFailure.occurred_at)
            .where(SignInFailure.ip_address == address, SignInFailure.occurred_at > now - WINDOW)
            .order_by(SignInFailure.occurred_at.desc())
            .limit(ADDRESS_LIMIT)
        )
    ).all()
    if len(times) < ADDRESS_LIMIT:
        return 0
    # The oldest of the last ADDRESS_LIMIT failures leaves the window first.
    return max(1, math.ceil((times[-1] + WINDOW - now).total_seconds() / 60))


async def _failures_counted(db: AsyncSession, user: User, now: datetime.datetime) -> int:
    since = max(now - WINDOW, user.locked_until or _EPOCH, user.last_sign_in_at or _EPOCH)
    count = await db.scalar(
        select(func.count(SignInFailure.id)).where(
            SignInFailure.user_id == user.id, SignInFailure.occurred_at > since
        )
    )
    return count or 0


async def record_failure(
    session_maker: async_sessionmaker[AsyncSession],
    user_id: UUID | None,
    address: str | None,
    lockout_minutes: int,
) -> bool:
    """Keep a failed sign-in, in its own transaction; True when it has just locked the account."""
    now = utc_now()
    async with session_maker() as db:
        db.add(SignInFailure(user_id=user_id, ip_address=address, occurred_at=now))
        await db.flush()
        user = await db.get(User, user_id) if user_id else None
        locks = (
            user is not None
            and not user.is_locked
            and await _failures_counted(db, user, now) >= FAILURES_TO_LOCK
        )
        if locks and user is not None:
            user.locked_until = now + datetime.timedelta(minutes=lockout_minutes)
        await db.commit()
    return locks


def unlock(user: User) -> None:
    """End a lock now; the failures that caused it no longer count."""
    user.locked_until = utc_now()
