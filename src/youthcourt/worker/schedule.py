"""Taking a scheduled job, so that each runs on one worker at a time and as often as it should.

Each job is a row of ``worker_job``. Taking it is one UPDATE whose WHERE says "due, and nobody
holds it": the database applies it to the row once, so of several workers asking at the same
moment exactly one gets the row (PostgreSQL makes the others wait for the first and re-check;
SQLite runs one writer at a time). The taking is committed at once, so other workers see it.
The job then runs in a transaction of its own, and marking it done belongs to that transaction:
if the worker's lease ran out meanwhile and another worker took the job, nothing of the run is
kept. A worker that stops half-way leaves its lease to run out; a job that fails is tried again
after :data:`RETRY_AFTER`.
"""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.database import insert_missing
from youthcourt.settings import Settings
from youthcourt.worker.models import WorkerJob

RETRY_AFTER = datetime.timedelta(minutes=5)
MAX_ERROR_LENGTH = 2000


@dataclass(frozen=True)
class Job:
    """Work to do every ``every``, by one worker at a time, which holds it at most ``lease``."""

    name: str
    every: datetime.timedelta
    lease: datetime.timedelta
    run: Callable[[AsyncSession, Settings], Awaitable[str]]
    """Does the work in the session it is given (the caller commits); says what it did, for the log."""


async def register(db: AsyncSession, jobs: Iterable[Job]) -> None:
    """Make sure each job has its row (a new job is due at once)."""
    await insert_missing(db, WorkerJob, [{"name": job.name} for job in jobs], ["name"])


async def take(db: AsyncSession, job: Job, worker: str, now: datetime.datetime) -> bool:
    """Hold ``job`` for ``worker`` until ``now + job.lease`` if it is due and free; the caller commits."""
    result = await db.execute(
        update(WorkerJob)
        .where(
            WorkerJob.name == job.name,
            or_(WorkerJob.last_finished_at.is_(None), WorkerJob.last_finished_at <= now - job.every),
            or_(WorkerJob.locked_until.is_(None), WorkerJob.locked_until < now),
        )
        .values(locked_by=worker, locked_until=now + job.lease)
    )
    return result.rowcount == 1


async def finish(db: AsyncSession, job: Job, worker: str, now: datetime.datetime) -> bool:
    """Record the run as done and let go; False when ``worker`` no longer holds the job."""
    result = await db.execute(
        update(WorkerJob)
        .where(WorkerJob.name == job.name, WorkerJob.locked_by == worker)
        .values(last_finished_at=now, locked_by="", locked_until=None, last_error="")
    )
    return result.rowcount == 1


async def fail(db: AsyncSession, job: Job, worker: str, now: datetime.datetime, error: str) -> None:
    """Let go of a job that failed, keeping why; it is tried again after :data:`RETRY_AFTER`."""
    await db.execute(
        update(WorkerJob)
        .where(WorkerJob.name == job.name, WorkerJob.locked_by == worker)
        .values(locked_by="", locked_until=now + RETRY_AFTER, last_error=error[:MAX_ERROR_LENGTH])
    )
