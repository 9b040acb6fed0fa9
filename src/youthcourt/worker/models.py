"""The scheduled jobs the workers share: when each last ran, and which worker holds it now."""

from __future__ import annotations

import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from youthcourt.database import Base


class WorkerJob(Base):
    """One scheduled job (the reminders, the daily sealing, the daily housekeeping) across all workers.

    A worker takes the job by writing its name into ``locked_by`` with a lease in
    ``locked_until``, in one UPDATE that succeeds only when the job is due and nobody holds it
    (see :mod:`youthcourt.worker.schedule`).
    """

    __tablename__ = "worker_job"

    name: Mapped[str] = mapped_column(String(40), unique=True)
    last_finished_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    """When the job last ran to the end; it is due again ``every`` after that."""
    locked_by: Mapped[str] = mapped_column(String(120), default="")
    """The worker running the job now (host, process and a random part); empty when none."""
    locked_until: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    """Until when that worker holds the job. Past it, the worker is taken to have stopped; after a
    failure, when the job may be tried again."""
    last_error: Mapped[str] = mapped_column(Text, default="")
    """Why the job last failed; empty once it runs to the end."""
