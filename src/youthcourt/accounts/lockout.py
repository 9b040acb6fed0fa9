"""Account lockout and per-address throttling of sign-in (OWASP ASVS 6.3.1, CJIS 5.5.3).

Failures are rows in the database, not counters in process memory, so every app process
behind the proxy sees the same count. An account locks after :data:`FAILURES_TO_LOCK`
failures within :data:`WINDOW`; it unlocks when the cool-down (a setting) passes or a
program admin unlocks it. Failures before the last successful sign-in, before the end of
the last lock or before an admin's unlock do not count again. A client address with
:data:`ADDRESS_LIMIT` failures within the window is refused, whatever account it tries,
which slows guessing one common password across many accounts.

Failures while an account is locked are kept (they count towards throttling the address) but
never extend the lock: it ends when it was first set to, so someone who keeps guessing cannot
keep the owner locked out. Failures older than :data:`FAILURES_KEPT` no longer count for
anything and are purged by ``youthcourt audit purge`` (the audit trail keeps the record).
"""

from __future__ import annotations

import datetime
import math
from uuid import UUID

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from youthcourt.accounts.models import SignInFailure, User
from youthcourt.clock import utc_now

FAILURES_TO_LOCK = 5
ADDRESS_LIMIT = 20
WINDOW = datetime.timedelta(minutes=15)
FAILURES_KEPT = datetime.timedelta(days=1)

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
NO_ACCOUNT = UUID(int=0)
"""An id no account has: unknown emails are looked up with it, to cost what known ones do."""


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


async def _failures_counted(
    db: AsyncSession, user_id: UUID, user: User | None, now: datetime.datetime
) -> int:
    last = (user.locked_until, user.last_sign_in_at) if user else (None, None)
    since = max(now - WINDOW, last[0] or _EPOCH, last[1] or _EPOCH)
    count = await db.scalar(
        select(func.count(SignInFailure.id)).where(
            SignInFailure.user_id == user_id, SignInFailure.occurred_at > since
        )
    )
    return count or 0


async def record_failure(
    session_maker: async_sessionmaker[AsyncSession],
    user_id: UUID | None,
    address: str | None,
    lockout_minutes: int,
) -> bool:
    """Keep a failed sign-in, in its own transaction; True when it has just locked the account.

    An unknown email (no ``user_id``) runs the same queries against an id no account has, so the
    answer takes as long for it as for a known account's wrong password.
    """
    now = utc_now()
    async with session_maker() as db:
        db.add(SignInFailure(user_id=user_id, ip_address=address, occurred_at=now))
        await db.flush()
        user = await db.get(User, user_id or NO_ACCOUNT)
        counted = await _failures_counted(db, user_id or NO_ACCOUNT, user, now)
        locks = (
            user is not None
            and not user.is_locked
            and counted >= FAILURES_TO_LOCK
            and await _lock_unless_locked(db, user.id, now, now + datetime.timedelta(minutes=lockout_minutes))
        )
        await db.commit()
    return locks


async def _lock_unless_locked(
    db: AsyncSession, user_id: UUID, now: datetime.datetime, until: datetime.datetime
) -> bool:
    """Set the lock in one conditional UPDATE, so that of two failures arriving together only one
    locks the account and the second cannot push the end of the lock further away."""
    result = await db.execute(
        update(User)
        .where(User.id == user_id, or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(locked_until=until)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def purge_failures(db: AsyncSession, now: datetime.datetime | None = None) -> int:
    """Delete failures older than :data:`FAILURES_KEPT`; returns how many went."""
    cutoff = (now or utc_now()) - FAILURES_KEPT
    result = await db.execute(delete(SignInFailure).where(SignInFailure.occurred_at < cutoff))
    return result.rowcount or 0


def unlock(user: User) -> None:
    """End a lock now; the failures that caused it no longer count."""
    user.locked_until = utc_now()
