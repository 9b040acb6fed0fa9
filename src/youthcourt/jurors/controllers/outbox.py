"""The outbox: every email the program sends (invitations, reminders), its status, and sending it.

With no SMTP server configured the messages stay here, readable in full, so coordinators
can pass them on by hand and mark them sent.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.jurors.delivery import MAX_ATTEMPTS, deliver_pending
from youthcourt.jurors.models import OutboxMessage, OutboxStatus
from youthcourt.jurors.reminders import DAYS_AHEAD, long_date, queue_reminders
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.settings import SmtpSettings
from youthcourt.web.flash import flash
from youthcourt.web.i18n import _, ngettext
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.templating import page, redirect_to, wants_part

STATUSES = {status.value: status.value.capitalize() for status in OutboxStatus}
"""The outbox filter's choices; their labels are marked in ``jurors.models.LABELS`` and translated where shown."""


def smtp_of(request: Request[Any, Any, Any]) -> SmtpSettings:
    return request.app.state.settings.smtp


class OutboxController(Controller):
    path = "/jurors/outbox"
    guards = [requires_role(Role.COORDINATOR)]

    @get("/")
    async def outbox(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        status: FromQuery[str] = "",
        page_no: PageNumber = "1",
    ) -> Template:
        status = status if status in STATUSES else ""
        query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id)
        if status:
            query = query.where(OutboxMessage.status == OutboxStatus(status))
        results = await paginate(db_session, query, page_number(page_no))
        counts = dict(
            (
                await db_session.execute(
                    select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
                )
            ).all()
        )
        audit.record(db_session, request, "outbox_view", record_type="outbox", details={"status": status})
        template = (
            "jurors/outbox/_rows.html" if wants_part(request, "outbox-rows") else "jurors/outbox/list.html"
        )
        return page(
            template,
            results=results,
            status=status,
            statuses=STATUSES,
            counts={OutboxStatus(k).value: v for k, v in counts.items()},
            base="/jurors/outbox" + (f"?{urlencode({'status': status})}" if status else ""),
            smtp=smtp_of(request),
            reminder_day=long_date(request.user.today() + datetime.timedelta(days=DAYS_AHEAD)),
        )

    @get("/{message_id:uuid}")
    async def message(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        message_id: FromPath[UUID],
    ) -> Template:
        message = await self._message(db_session, message_id)
        audit.record(
            db_session, request, "outbox_message_view", record_type="outbox_message", record_id=message.id
        )
        return page(
            "jurors/outbox/message.html", message=message, smtp=smtp_of(request), max_attempts=MAX_ATTEMPTS
        )

    @post("/reminders")
    async def reminders(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Any:
        today = request.user.today()
        queued = await queue_reminders(db_session, today)
        night_day = today + datetime.timedelta(days=DAYS_AHEAD)
        audit.record(
            db_session,
            request,
            "mail_reminders_queue",
            record_type="outbox",
            details={"queued": queued, "night": night_day.isoformat()},
        )
        if queued:
            flash(
                request,
                ngettext(
                    "%(num)s reminder was queued for the nights until %(day)s.",
                    "%(num)s reminders were queued for the nights until %(day)s.",
                    queued,
                    day=long_date(night_day),
                ),
            )
        else:
            flash(
                request,
                _(
                    "No new reminder to queue for the nights until %(day)s: "
                    "no hearing night in the next days, or everyone booked has had their reminder.",
                    day=long_date(night_day),
                ),
                "info",
            )
        return redirect_to(request, "/jurors/outbox")

    @post("/send")
    async def send(self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]) -> Any:
        smtp = smtp_of(request)
        if not smtp.enabled:
            flash(
                request,
                _("No mail server is set, so nothing was sent. The messages stay in the outbox."),
                "info",
            )
            return redirect_to(request, "/jurors/outbox")
        sent, failed = await deliver_pending(db_session, smtp)
        audit.record(
            db_session, request, "mail_send", record_type="outbox", details={"sent": sent, "failed": failed}
        )
        if failed:
            flash(
                request,
                ngettext("%(num)s message was sent.", "%(num)s messages were sent.", sent)
                + " "
                + ngettext(
                    "%(num)s message could not be sent (open it to see why).",
                    "%(num)s messages could not be sent (open them to see why).",
                    failed,
                ),
                "error",
            )
        else:
            flash(request, ngettext("%(num)s message was sent.", "%(num)s messages were sent.", sent))
        return redirect_to(request, "/jurors/outbox")

    @post("/{message_id:uuid}/sent-by-hand")
    async def sent_by_hand(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        message_id: FromPath[UUID],
    ) -> Any:
        """Without SMTP a coordinator passes the message on themselves, then marks it sent."""
        message = await self._message(db_session, message_id)
        if message.status == OutboxStatus.WITHDRAWN:
            flash(
                request,
                _("This message was withdrawn: what it said is out of date. Do not pass it on."),
                "error",
            )
        elif message.status != OutboxStatus.SENT:
            message.status = OutboxStatus.SENT
            message.sent_at = datetime.datetime.now(datetime.UTC)
            audit.record(
                db_session,
                request,
                "outbox_message_sent_by_hand",
                record_type="outbox_message",
                record_id=message.id,
            )
            flash(request, _("The message was marked as sent."))
        return redirect_to(request, f"/jurors/outbox/{message.id}")

    @post("/{message_id:uuid}/retry")
    async def retry(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        message_id: FromPath[UUID],
    ) -> Any:
        """A message given up on goes back to the queue, for example after the mail server was fixed."""
        message = await self._message(db_session, message_id)
        if message.status == OutboxStatus.FAILED:
            message.status = OutboxStatus.PENDING
            message.attempts = 0
            audit.record(
                db_session,
                request,
                "outbox_message_retry",
                record_type="outbox_message",
                record_id=message.id,
            )
            flash(request, _("The message is back in the queue; it goes out with the next sending."))
        return redirect_to(request, f"/jurors/outbox/{message.id}")

    async def _message(self, db_session: AsyncSession, message_id: UUID) -> OutboxMessage:
        message = await db_session.scalar(select(OutboxMessage).where(OutboxMessage.id == message_id))
        if message is None:
            raise NotFoundException()
        return message


ROUTES = [OutboxController]
