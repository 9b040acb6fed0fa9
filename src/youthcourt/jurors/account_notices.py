"""The email that tells a person they were added to a program, through the outbox.

Accounts sit below the juror program, whose outbox sends the installation's mail, so this
module listens for :mod:`youthcourt.accounts.events` instead of accounts calling it; the app
calls :func:`register` once at start-up. The message is the same whether the email already
had an account or not, and says nothing about any other program.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts import events
from youthcourt.accounts.events import MembershipAdded
from youthcourt.jurors import mail

LISTENER_NAME = "jurors.account_notices"
KIND = "membership_added"


def register() -> None:
    events.on_membership_added(LISTENER_NAME, tell_new_member)


def notice_text(event: MembershipAdded) -> tuple[str, str]:
    subject = f"You were added to {event.program_name}"
    body = "\n".join(
        [
            f"Hello {event.name},",
            "",
            f"{event.added_by} added you to {event.program_name} in Youthcourt, "
            f"as {event.role.label.lower()}.",
            "",
            f"Sign in at {event.sign_in_url} with this email address. If you already use Youthcourt, "
            "your password and authenticator app stay the same; choose the program from the menu at the top.",
            "If you are new to Youthcourt, your program administrator gives you a temporary password.",
            "",
            f"If you did not expect this, tell {event.program_name}.",
        ]
    )
    return subject, body


async def tell_new_member(db: AsyncSession, event: MembershipAdded) -> None:
    subject, body = notice_text(event)
    await mail.enqueue(db, event.program_id, to_address=event.email, subject=subject, body=body, kind=KIND)
