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
from youthcourt.web.i18n import DEFAULT_LANGUAGE, _, use_locale

LISTENER_NAME = "jurors.account_notices"
KIND = "membership_added"


def register() -> None:
    events.on_membership_added(LISTENER_NAME, tell_new_member)


def notice_text(event: MembershipAdded) -> tuple[str, str]:
    """The notice in the active language; :func:`tell_new_member` writes it in English."""
    subject = _("You were added to %(program)s", program=event.program_name)
    body = "\n".join(
        [
            _("Hello %(name)s,", name=event.name),
            "",
            _(
                "%(who)s added you to %(program)s in Youthcourt, as %(role)s.",
                who=event.added_by,
                program=event.program_name,
                role=_(event.role.label).lower(),
            ),
            "",
            _(
                "Sign in at %(url)s with this email address. If you already use Youthcourt, your password and "
                "authenticator app stay the same; choose the program from the menu at the top.",
                url=event.sign_in_url,
            ),
            _("If you are new to Youthcourt, your program administrator gives you a temporary password."),
            "",
            _("If you did not expect this, tell %(program)s.", program=event.program_name),
        ]
    )
    return subject, body


async def tell_new_member(db: AsyncSession, event: MembershipAdded) -> None:
    # In English whoever receives it: the account's own language would tell whoever reads the
    # outbox that the address already had an account, which the notice must not reveal.
    with use_locale(DEFAULT_LANGUAGE):
        subject, body = notice_text(event)
    await mail.enqueue(db, event.program_id, to_address=event.email, subject=subject, body=body, kind=KIND)
