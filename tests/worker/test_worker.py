"""``youthcourt worker``: scheduled jobs run on one worker at a time, as often as they should; mail goes once."""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_case, make_program
from tests.jurors.test_mail_delivery import message, messages
from tests.jurors.test_outbox_claims import own_session
from tests.smtp_sink import smtp_sink
from youthcourt import cli
from youthcourt.cases.models import CaseState
from youthcourt.clock import utc_now
from youthcourt.database import create_database_config
from youthcourt.jurors.models import OutboxMessage
from youthcourt.reference.models import ProgramPolicy
from youthcourt.settings import Settings, get_settings
from youthcourt.worker import schedule
from youthcourt.worker.loop import Worker
from youthcourt.worker.models import WorkerJob
from youthcourt.worker.schedule import Job

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def counting_job(calls: list[str], name: str = "daily", *, fails: bool = False) -> Job:
    async def run(db: AsyncSession, settings: Settings) -> str:
        calls.append(name)
        await asyncio.sleep(0.05)  # long enough for the other workers to ask meanwhile
        if fails:
            raise RuntimeError("the job broke")
        return f"{name}: done"

    return Job(name, every=DAY, lease=HOUR, run=run)


async def job_row(db: AsyncSession, name: str) -> WorkerJob:
    row = await db.scalar(
        select(WorkerJob).where(WorkerJob.name == name).execution_options(populate_existing=True)
    )
    assert row is not None
    return row


async def test_a_due_job_is_taken_by_one_worker_and_is_not_due_again_until_its_time(db):
    job = counting_job([])
    now = utc_now()
    await schedule.register(db, [job])
    await schedule.register(db, [job])

    assert await schedule.take(db, job, "first", now)
    assert not await schedule.take(db, job, "second", now), "held by the first"
    assert await schedule.finish(db, job, "first", now)
    assert not await schedule.take(db, job, "second", now + HOUR), "done today"
    assert await schedule.take(db, job, "second", now + DAY)
    assert not await schedule.finish(db, job, "first", now + DAY), "the first no longer holds it"
    await db.commit()
    row = await job_row(db, "daily")
    assert (row.locked_by, row.last_finished_at) == ("second", now)


async def test_a_job_left_by_a_stopped_worker_is_taken_after_its_lease(db):
    job = counting_job([])
    now = utc_now()
    await schedule.register(db, [job])
    assert await schedule.take(db, job, "stopped", now)

    assert not await schedule.take(db, job, "other", now + job.lease - datetime.timedelta(seconds=1))
    assert await schedule.take(db, job, "other", now + job.lease + datetime.timedelta(seconds=1))


async def test_workers_running_rounds_at_once_run_a_daily_job_once(db, settings):
    calls: list[str] = []
    jobs = [counting_job(calls, "daily"), counting_job(calls, "also-daily")]

    async def one_worker(number: int) -> Any:
        async with own_session(settings):  # the engine's first connection, opened before the race
            pass
        config = create_database_config(settings)
        try:
            worker = Worker(config.create_session_maker(), settings, jobs, name=f"worker-{number}")
            first = await worker.round()
            second = await worker.round()
            return first, second
        finally:
            await config.get_engine().dispose()

    rounds = await asyncio.gather(*(one_worker(n) for n in range(3)))

    assert sorted(calls) == ["also-daily", "daily"], "each job once, whatever the number of workers"
    done = [line for first, second in rounds for line in first.done + second.done]
    assert sorted(done) == ["also-daily: done", "daily: done"]
    assert not any(first.failed or second.failed for first, second in rounds)


async def test_a_failing_job_keeps_its_error_and_is_tried_again_after_a_pause(db, settings):
    calls: list[str] = []
    job = counting_job(calls, "fragile", fails=True)
    worker = Worker(create_database_config(settings).create_session_maker(), settings, [job])

    first = await worker.round()
    second = await worker.round()

    assert calls == ["fragile"], "not again at once"
    assert first.failed == ["fragile: RuntimeError: the job broke"] and not second.failed
    row = await job_row(db, "fragile")
    assert row.last_error == "RuntimeError: the job broke" and row.last_finished_at is None
    assert row.locked_by == "" and row.locked_until > utc_now() + schedule.RETRY_AFTER - HOUR / 60
    assert await schedule.take(
        db, job, "later", utc_now() + schedule.RETRY_AFTER + datetime.timedelta(seconds=1)
    )


async def test_a_job_that_outran_its_lease_keeps_nothing(db, settings):
    """Another worker took it over meanwhile: the work of the late one is rolled back."""
    program = await make_program(db)

    async def slow(session: AsyncSession, _settings: Settings) -> str:
        async with own_session(settings) as other:  # meanwhile, the lease ran out and another took it
            assert await schedule.take(other, job, "other", utc_now() + 2 * HOUR)
            await other.commit()
        session.add(
            OutboxMessage(
                program_id=program.id, to_address="late@example.org", subject="Late", body="", kind="x"
            )
        )
        await session.flush()
        return "slow: done"

    job = Job("slow", every=DAY, lease=HOUR, run=slow)
    worker = Worker(create_database_config(settings).create_session_maker(), settings, [job])

    result = await worker.round()

    assert result.done == ["slow: ran past its lease and was taken over; nothing kept"]
    assert await messages(db) == []


# The command --------------------------------------------------------------------------------------------


@pytest.fixture
def sink() -> Iterator[Any]:
    with smtp_sink() as running:
        yield running


@pytest.fixture
def environment(monkeypatch, database_url, tmp_path, sink):
    monkeypatch.setenv("YOUTHCOURT_DATABASE_URL", database_url)
    monkeypatch.setenv("YOUTHCOURT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("YOUTHCOURT_SMTP_HOST", sink.smtp.host)
    monkeypatch.setenv("YOUTHCOURT_SMTP_PORT", str(sink.smtp.port))
    monkeypatch.delenv("YOUTHCOURT_ENV", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_one_round_sends_mail_seals_and_keeps_to_retention_then_nothing_is_due(environment, settings, sink):
    async def prepare() -> None:
        config = create_database_config(settings)
        try:
            async with config.get_session() as db:
                program = await make_program(db)
                case = await make_case(db, program, CaseState.COMPLETED)
                policy = await db.scalar(select(ProgramPolicy).where(ProgramPolicy.program_id == program.id))
                policy.auto_seal_months = 6
                case.closed_on = datetime.date.today() - datetime.timedelta(days=400)
                await db.commit()
                for number in range(3):
                    await message(db, program, f"juror{number}@example.org", f"Invitation {number}")
        finally:
            await config.get_engine().dispose()

    asyncio.run(prepare())
    first = CliRunner().invoke(cli.worker, ["--once"])
    second = CliRunner().invoke(cli.worker, ["--once"])

    assert first.exit_code == 0, first.output
    assert "mail: 3 messages sent, 0 failed" in first.output
    assert "sealing: 1 case sealed in 1 program" in first.output
    assert "housekeeping: 0 audit entries past retention" in first.output
    assert second.exit_code == 0, second.output
    assert second.output.strip() == "Nothing was due."
    assert sorted(sink.subjects()) == ["Invitation 0", "Invitation 1", "Invitation 2"]


def test_the_worker_keeps_running_until_it_is_stopped(environment, settings, sink):
    """Rounds every interval; the mail queued between rounds goes at the next one."""

    async def scenario() -> list[str]:
        from youthcourt.worker import loop

        worker_settings = replace(settings, smtp=sink.smtp)
        stop = asyncio.Event()
        running = asyncio.create_task(loop.run(worker_settings, interval=0.2, stop=stop))
        config = create_database_config(settings)
        try:
            async with config.get_session() as db:
                program = await make_program(db)
                await message(db, program, "avery@example.org", "Queued while the worker runs")
                for _ in range(100):
                    if sink.subjects():
                        break
                    await asyncio.sleep(0.05)
        finally:
            await config.get_engine().dispose()
            stop.set()
        await asyncio.wait_for(running, timeout=10)
        return sink.subjects()

    assert asyncio.run(scenario()) == ["Queued while the worker runs"]
