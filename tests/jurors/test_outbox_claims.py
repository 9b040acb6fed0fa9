"""Several senders at once: a message is claimed by one sender only, and a stopped sender's claim runs out."""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.jurors.test_mail_delivery import message, messages
from youthcourt.clock import utc_now
from youthcourt.database import create_database_config
from youthcourt.jurors import delivery
from youthcourt.jurors.models import OutboxMessage, OutboxStatus
from youthcourt.settings import Settings


@asynccontextmanager
async def own_session(settings: Settings) -> AsyncIterator[AsyncSession]:
    """A session on a connection of its own, as another server's worker would have."""
    config = create_database_config(settings)
    try:
        async with config.get_session() as db:
            yield db
    finally:
        await config.get_engine().dispose()


async def queue(db: AsyncSession, count: int) -> list[UUID]:
    from tests.factories import make_program

    program = await make_program(db)
    return [(await message(db, program, f"juror{n}@example.org", f"Message {n}")).id for n in range(count)]


@pytest.mark.parametrize("worker_database", ["postgresql"], indirect=True)
async def test_two_open_claims_on_postgresql_skip_each_others_rows(db, settings):
    queued = await queue(db, 25)

    async with own_session(settings) as first, own_session(settings) as second:
        mine = await delivery.claim(first, 10)
        theirs = await delivery.claim(second, 10)  # while the first is not committed: skipped, not waited for
        await first.commit()
        await second.commit()

    assert len(mine) == len(theirs) == 10
    assert not {m.id for m in mine} & {m.id for m in theirs}
    assert [m.id for m in mine] == queued[:10], "the oldest first"
    assert {m.id for m in theirs} == set(queued[10:20])


async def test_senders_claiming_at_once_never_get_the_same_message(db, settings):
    queued = await queue(db, 60)

    async def sender() -> list[UUID]:
        taken: list[UUID] = []
        async with own_session(settings) as session:
            while batch := await delivery.claim(session, 3):
                await session.commit()
                taken += [m.id for m in batch]
                await asyncio.sleep(0)
        return taken

    taken = await asyncio.gather(*(sender() for _ in range(4)))

    every = [each for one in taken for each in one]
    assert sorted(every) == sorted(queued), "each message claimed exactly once"
    assert sum(1 for one in taken if one) >= 2, "the senders shared the work"
    assert all(m.attempts == 1 for m in await messages(db))


async def test_a_claim_left_by_a_stopped_sender_is_taken_after_its_lease(db, settings):
    queued = await queue(db, 3)
    start = utc_now()

    async with own_session(settings) as stopped_sender:
        stopped = await delivery.claim(stopped_sender, 2, now=start)
        await stopped_sender.commit()
    assert [m.id for m in stopped] == queued[:2]
    assert [m.id for m in await delivery.claim(db, 5, now=start + datetime.timedelta(minutes=1))] == [
        queued[2]
    ], "claimed messages wait while the lease holds"
    await db.commit()

    later = start + delivery.LEASE + datetime.timedelta(seconds=1)
    retaken = await delivery.claim(db, 5, now=later)
    await db.commit()

    assert [m.id for m in retaken] == queued[:2]
    assert [m.attempts for m in retaken] == [2, 2], "the stopped sender's try counts"
    async with own_session(settings) as stopped_sender:
        assert not await delivery.finish(stopped_sender, stopped[1], status=OutboxStatus.SENT), "spent"
        await stopped_sender.commit()
    assert await delivery.finish(db, retaken[0], status=OutboxStatus.SENT)
    await db.commit()
    saved = {m.id: m for m in await messages(db)}
    assert saved[queued[0]].status == OutboxStatus.SENT and saved[queued[0]].claim_token is None
    assert saved[queued[1]].status == OutboxStatus.PENDING and saved[queued[1]].claim_token is not None


async def test_a_coordinators_sending_claims_only_their_programs_messages(db, settings):
    from tests.factories import make_program
    from youthcourt.programs.scoping import ProgramScope, program_scope

    others = await make_program(db)
    theirs = await message(db, others, "first@example.org", "Older, another program's")
    program = await make_program(db)
    mine = await message(db, program, "second@example.org", "Newer, this program's")

    with program_scope(ProgramScope.of(program.id)):
        claimed = await delivery.claim(db, 1)
    await db.commit()

    assert [m.id for m in claimed] == [mine.id]
    untouched = await db.scalar(
        select(OutboxMessage).where(OutboxMessage.id == theirs.id).execution_options(populate_existing=True)
    )
    assert (untouched.claim_token, untouched.attempts) == (None, 0)


@pytest.mark.parametrize("worker_database", ["postgresql"], indirect=True)
async def test_the_same_reminder_queued_by_two_servers_at_once_goes_in_once(db, settings):
    """The coordinator's button and the worker may queue one reminder together: one row, no error."""
    from tests.factories import make_program
    from youthcourt.jurors.mail import enqueue

    program = await make_program(db)
    fields = {
        "to_address": "juror@example.org",
        "subject": "Reminder",
        "body": "See you.",
        "kind": "reminder",
    }

    async with own_session(settings) as first, own_session(settings) as second:
        mine = await enqueue(first, program.id, dedupe_key="reminder:1", **fields)
        theirs = asyncio.create_task(enqueue(second, program.id, dedupe_key="reminder:1", **fields))
        await asyncio.sleep(0.3)  # the second waits on the first's uncommitted row
        await first.commit()
        assert await theirs is None
        await second.commit()

    assert mine is not None
    assert [m.subject for m in await messages(db)] == ["Reminder"]


async def test_a_message_whose_sender_stops_every_time_is_given_up_after_the_last_try(db, settings):
    """A message that stops its sender (a crash while sending) is not taken again forever."""
    (queued,) = await queue(db, 1)
    moment = utc_now()
    for _ in range(delivery.MAX_ATTEMPTS):
        async with own_session(settings) as stopped_sender:
            assert [m.id for m in await delivery.claim(stopped_sender, 5, now=moment)] == [queued]
            await stopped_sender.commit()
        moment += delivery.LEASE + datetime.timedelta(seconds=1)

    assert await delivery.claim(db, 5, now=moment) == []
    await db.commit()
    (saved,) = await messages(db)
    assert saved.status == OutboxStatus.FAILED
    assert saved.attempts == delivery.MAX_ATTEMPTS
    assert (saved.claim_token, saved.claimed_until) == (None, None)
    assert "stopped" in saved.last_error
