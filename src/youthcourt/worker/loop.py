"""The worker's rounds: every ``interval`` seconds, the jobs that are due, then the outbox.

A round never stops the worker: a job that fails is logged, released and tried again later
(see :mod:`youthcourt.worker.schedule`), and a database that cannot be reached is tried again at
the next round. SIGTERM and SIGINT end the worker after the round under way.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import signal
import socket
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.clock import utc_now
from youthcourt.database import create_database_config
from youthcourt.settings import Settings
from youthcourt.worker import jobs, schedule
from youthcourt.worker.schedule import Job

DEFAULT_INTERVAL = 30.0
logger = logging.getLogger("youthcourt.worker")


def worker_name() -> str:
    """Which worker holds a job, for people reading ``worker_job``: host, process, and a random part."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass
class Round:
    """What one round did, line by line, and whether any part of it failed."""

    done: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


@dataclass
class Worker:
    session_maker: Callable[[], AsyncSession]
    settings: Settings
    jobs: Sequence[Job] = jobs.JOBS
    name: str = field(default_factory=worker_name)
    registered: bool = False

    async def round(self) -> Round:
        """Run each job that is due and free, then send the outbox."""
        result = Round()
        try:
            await self._register()
            for job in self.jobs:
                await self._run_if_due(job, result)
            await self._send_mail(result)
        except Exception as error:  # the database is down, say: try again next round
            logger.exception("The worker's round stopped")
            result.failed.append(f"round: {type(error).__name__}: {error}")
        return result

    async def _register(self) -> None:
        if self.registered:
            return
        async with self.session_maker() as db:
            await schedule.register(db, self.jobs)
            await db.commit()
        self.registered = True

    async def _run_if_due(self, job: Job, result: Round) -> None:
        async with self.session_maker() as db:
            taken = await schedule.take(db, job, self.name, utc_now())
            await db.commit()
        if not taken:
            return
        try:
            async with self.session_maker() as db:
                said = await job.run(db, self.settings)
                if await schedule.finish(db, job, self.name, utc_now()):
                    await db.commit()
                else:
                    await db.rollback()
                    said = f"{job.name}: ran past its lease and was taken over; nothing kept"
        except Exception as error:
            logger.exception("Job %s failed", job.name)
            result.failed.append(f"{job.name}: {type(error).__name__}: {error}")
            async with self.session_maker() as db:
                await schedule.fail(db, job, self.name, utc_now(), f"{type(error).__name__}: {error}")
                await db.commit()
            return
        if said:
            logger.info("%s", said)
            result.done.append(said)

    async def _send_mail(self, result: Round) -> None:
        if not self.settings.smtp.enabled:
            return
        async with self.session_maker() as db:
            said = await jobs.send_mail(db, self.settings)
        if said:
            logger.info("%s", said)
            result.done.append(said)


async def run(
    settings: Settings,
    *,
    interval: float = DEFAULT_INTERVAL,
    once: bool = False,
    stop: asyncio.Event | None = None,
) -> Round:
    """Run rounds every ``interval`` seconds until ``stop`` is set (SIGTERM and SIGINT set it), or
    one round with ``once``; returns the last round."""
    config = create_database_config(settings)
    worker = Worker(config.create_session_maker(), settings)
    if stop is None:
        stop = asyncio.Event()
        if not once:
            _stop_on_signals(stop)
    if not settings.smtp.enabled:
        logger.warning("No mail server is set (YOUTHCOURT_SMTP_HOST): messages stay in the outbox.")
    try:
        while True:
            last = await worker.round()
            if once or stop.is_set():
                return last
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)
            if stop.is_set():
                return last
    finally:
        await config.get_engine().dispose()


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
