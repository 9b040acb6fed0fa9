"""What the worker does: the outbox on every round, and the scheduled jobs when they are due."""

from __future__ import annotations

import datetime
import logging

from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.database import refresh_statistics
from youthcourt.jurors.delivery import deliver_pending
from youthcourt.jurors.reminders import queue_everywhere
from youthcourt.sealing.services import seal_due
from youthcourt.settings import Settings
from youthcourt.surveys.services import register_email
from youthcourt.worker import housekeeping
from youthcourt.worker.schedule import Job

ACTOR_NAME = "youthcourt worker"
MAIL_PER_ROUND = 1000
"""The most messages one worker sends in a round; what is left goes in the next round."""
logger = logging.getLogger("youthcourt.worker")


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


async def send_mail(db: AsyncSession, settings: Settings) -> str:
    """Send the pending mail of every program (invitations, reminders, change notices). Commits."""
    register_email()
    sent, failed = await deliver_pending(db, settings.smtp, limit=MAIL_PER_ROUND)
    if not sent and not failed:
        return ""
    return f"mail: {_plural(sent, 'message')} sent, {failed} failed"


async def queue_reminders(db: AsyncSession, settings: Settings) -> str:
    queued = await queue_everywhere(db)
    return f"reminders: {_plural(queued, 'reminder')} queued" if queued else ""


async def seal_cases(db: AsyncSession, settings: Settings) -> str:
    sealed = await seal_due(db)
    return f"sealing: {_plural(sum(sealed.values()), 'case')} sealed in {_plural(len(sealed), 'program')}"


async def keep_to_retention(db: AsyncSession, settings: Settings) -> str:
    counts = await housekeeping.purge(db, settings, actor_name=ACTOR_NAME)
    if counts.audit_entries is None:
        logger.warning(
            "Audit entries past retention are not deleted: this worker's database role may not delete "
            "them. Run `youthcourt audit purge` daily with the URL of the tables' owner."
        )
    return (
        f"housekeeping: {counts.audit_entries or 0} audit entries past retention, "
        f"{counts.sign_in_failures} old failed sign-ins, {counts.sessions} expired sessions and "
        f"{counts.sent_forms} spent form tokens deleted"
    )


async def keep_statistics(db: AsyncSession, settings: Settings) -> str:
    """SQLite's planner statistics, as the tables grow (PostgreSQL's autovacuum keeps its own)."""
    return "statistics: refreshed" if await refresh_statistics(db) else ""


JOBS = (
    Job(
        "reminders",
        every=datetime.timedelta(minutes=1),
        lease=datetime.timedelta(minutes=10),
        run=queue_reminders,
    ),
    Job("sealing", every=datetime.timedelta(days=1), lease=datetime.timedelta(hours=1), run=seal_cases),
    Job(
        "housekeeping",
        every=datetime.timedelta(days=1),
        lease=datetime.timedelta(hours=1),
        run=keep_to_retention,
    ),
    Job(
        "statistics", every=datetime.timedelta(days=1), lease=datetime.timedelta(hours=1), run=keep_statistics
    ),
)
"""Run by one worker at a time, each when due. Reminders first, so they go out in the same round."""
