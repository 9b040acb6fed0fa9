"""Telling higher areas that a person was added to a program.

Whether the email typed already had an account or not, the person is told by email that
they now belong to the program: the admin who added them learns nothing from it. Mail goes
out through the outbox of the juror program, an area above accounts, so that area registers
a listener here at start-up instead of accounts importing it.

The message is written in the recipient account's language (English for a new account, which
has chosen none yet): listeners run in that language, and :func:`notice_text` writes it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.programs.models import Role
from youthcourt.web.i18n import _, use_locale


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
    language: str | None = None
    """The recipient account's own language, if it has chosen one."""


MembershipListener = Callable[[AsyncSession, MembershipAdded], Awaitable[None]]
_listeners: dict[str, MembershipListener] = {}


def on_membership_added(name: str, listener: MembershipListener) -> None:
    """Call ``listener`` in the same transaction whenever someone is added to a program."""
    _listeners[name] = listener


async def membership_added(db: AsyncSession, event: MembershipAdded) -> None:
    with use_locale(event.language):
        for listener in _listeners.values():
            await listener(db, event)


def notice_text(event: MembershipAdded) -> tuple[str, str]:
    """The email's subject and body, in the recipient's language."""
    with use_locale(event.language):
        subject = _("You were added to %(program)s", program=event.program_name)
        body = "\n".join(
            [
                _("Hello %(name)s,", name=event.name),
                "",
                _(
                    "%(admin)s added you to %(program)s in Youthcourt, as %(role)s.",
                    admin=event.added_by,
                    program=event.program_name,
                    role=_(event.role.label).lower(),
                ),
                "",
                _(
                    "Sign in at %(url)s with this email address. If you already use Youthcourt, your "
                    "password and authenticator app stay the same; choose the program from the menu at the top.",
                    url=event.sign_in_url,
                ),
                _("If you are new to Youthcourt, your program administrator gives you a temporary password."),
                "",
                _("If you did not expect this, tell %(program)s.", program=event.program_name),
            ]
        )
    return subject, body


async def announce(
    db: AsyncSession,
    request: Request[Any, Any, Any],
    *,
    program_id: UUID,
    email: str,
    name: str,
    role: Role,
    language: str | None = None,
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
            language=language,
        ),
    )
