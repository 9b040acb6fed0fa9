"""Telling higher areas that a person was added to a program.

Whether the email typed already had an account or not, the person is told by email that
they now belong to the program: the admin who added them learns nothing from it. Mail goes
out through the outbox of the juror program, an area above accounts, so that area registers
a listener here at start-up instead of accounts importing it.

The notice is in English whoever receives it: the account's own language would tell whoever reads
the outbox that the address already had an account.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.programs.models import Role


@dataclass(frozen=True)
class MembershipAdded:
    program_id: UUID
    program_name: str
    email: str
    name: str
    """The name the admin typed, never the account's own."""
    role: Role
    added_by: str
    sign_in_url: str


MembershipListener = Callable[[AsyncSession, MembershipAdded], Awaitable[None]]
_listeners: dict[str, MembershipListener] = {}


def on_membership_added(name: str, listener: MembershipListener) -> None:
    """Call ``listener`` in the same transaction whenever someone is added to a program."""
    _listeners[name] = listener


async def membership_added(db: AsyncSession, event: MembershipAdded) -> None:
    for listener in _listeners.values():
        await listener(db, event)


async def announce(
    db: AsyncSession,
    request: Request[Any, Any, Any],
    *,
    program_id: UUID,
    email: str,
    name: str,
    role: Role,
) -> None:
    """Tell the listeners that the signed-in user added ``email`` to their current program."""
    viewer = request.user
    await membership_added(
        db,
        MembershipAdded(
            program_id=program_id,
            program_name=viewer.program_name or "",
            email=email,
            name=name,
            role=role,
            added_by=viewer.full_name,
            sign_in_url=str(request.base_url).rstrip("/") + "/login",
        ),
    )
