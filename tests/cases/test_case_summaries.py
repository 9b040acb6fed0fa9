"""Each case's latest searching check and first hearing held, kept current by the database itself.

The reports read ``checked_until`` and ``first_heard_on`` instead of aggregating every check and
hearing per request; these tests change checks, hearings, courtrooms and nights every way the app
(or anything else writing to the database) can, and compare the columns with the records.
"""

from __future__ import annotations

import asyncio
import datetime

import pytest
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.ext.asyncio import create_async_engine

from tests.factories import make_case, make_program
from tests.hearings.test_hearings import make_hearing, make_night
from youthcourt.cases.models import Case, ContactLog, ContactMethod, FollowUpCheck
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight, HearingOutcome

DAY = datetime.timedelta(days=1)
JAN = datetime.date(2026, 1, 15)


async def _summary(db, case) -> tuple[datetime.date | None, datetime.date | None]:
    row = (await db.execute(select(Case.checked_until, Case.first_heard_on).where(Case.id == case.id))).one()
    return row.checked_until, row.first_heard_on


async def _check(db, case, months: int, completed_on=None, searched: str = "state") -> FollowUpCheck:
    check = FollowUpCheck(
        program_id=case.program_id,
        case_id=case.id,
        window_months=months,
        due_on=JAN + months * 30 * DAY,
        completed_on=completed_on,
        records_searched=searched,
    )
    db.add(check)
    await db.commit()
    return check


async def test_the_latest_completed_check_that_searched_records_is_how_far_a_case_is_known(db):
    program = await make_program(db)
    case, other = await make_case(db, program), await make_case(db, program)
    assert await _summary(db, case) == (None, None)

    six = await _check(db, case, 6, JAN)
    await _check(db, case, 12)  # due, not done
    await _check(db, case, 24, JAN + 400 * DAY, searched="")  # searched nothing: says nothing
    assert await _summary(db, case) == (JAN, None)

    twelve = (await db.scalars(select(FollowUpCheck).where(FollowUpCheck.window_months == 12))).one()
    twelve.completed_on = JAN + 200 * DAY
    await db.commit()
    assert await _summary(db, case) == (JAN + 200 * DAY, None)

    twelve.records_searched = ""
    await db.commit()
    assert await _summary(db, case) == (JAN, None)

    await db.execute(update(FollowUpCheck).where(FollowUpCheck.id == six.id).values(case_id=other.id))
    await db.commit()
    assert (await _summary(db, case), await _summary(db, other)) == ((None, None), (JAN, None))

    await db.execute(delete(FollowUpCheck).where(FollowUpCheck.id == six.id))
    await db.commit()
    assert await _summary(db, other) == (None, None)


async def test_the_first_hearing_held_follows_outcomes_moves_and_new_dates(db):
    program = await make_program(db)
    case = await make_case(db, program)
    early = await make_night(db, program, held_on=JAN, rooms=(("A", 4), ("B", 4)))
    late = await make_night(db, program, held_on=JAN + 28 * DAY)
    first = await make_hearing(db, early.courtrooms[0], case)
    second = await make_hearing(db, late.courtrooms[0], case, outcome=HearingOutcome.HELD)
    assert await _summary(db, case) == (None, JAN + 28 * DAY)

    first.outcome = HearingOutcome.HELD
    await db.commit()
    assert await _summary(db, case) == (None, JAN)

    await db.execute(update(HearingNight).where(HearingNight.id == early.id).values(held_on=JAN - 7 * DAY))
    await db.commit()
    assert await _summary(db, case) == (None, JAN - 7 * DAY)

    await db.execute(update(Courtroom).where(Courtroom.id == early.courtrooms[1].id).values(night_id=late.id))
    await db.execute(
        update(Hearing).where(Hearing.id == first.id).values(courtroom_id=early.courtrooms[1].id)
    )
    await db.commit()
    assert await _summary(db, case) == (None, JAN + 28 * DAY)  # its courtroom now sits on the late night

    await db.execute(
        update(Courtroom).where(Courtroom.id == early.courtrooms[1].id).values(night_id=early.id)
    )
    await db.commit()
    assert await _summary(db, case) == (None, JAN - 7 * DAY)

    await db.execute(update(Hearing).where(Hearing.id == first.id).values(outcome=HearingOutcome.NO_SHOW))
    await db.commit()
    assert await _summary(db, case) == (None, JAN + 28 * DAY)

    await db.execute(delete(Hearing).where(Hearing.id == second.id))
    await db.commit()
    assert await _summary(db, case) == (None, None)


SUMMARIES_DISAGREE = """SELECT count(*) FROM youth_case y
    WHERE y.checked_until IS DISTINCT FROM (SELECT max(f.completed_on) FROM follow_up_check f
            WHERE f.case_id = y.id AND f.completed_on IS NOT NULL AND f.records_searched <> '')
       OR y.first_heard_on IS DISTINCT FROM (SELECT min(n.held_on) FROM hearing h
            JOIN courtroom c ON c.id = h.courtroom_id JOIN hearing_night n ON n.id = c.night_id
            WHERE h.case_id = y.id AND h.outcome = 'held')
       OR y.contacted_until IS DISTINCT FROM (SELECT max(l.contacted_on) FROM contact_log l
            WHERE l.case_id = y.id)"""
"""Cases whose columns say other than their checks, hearings and contacts (SQL both engines read)."""


@pytest.mark.demo
async def test_every_demo_case_holds_what_its_checks_and_hearings_say(db):
    """The demo is written through the app's models and bulk inserts: the triggers kept up with all of it."""
    summed = (await db.execute(select(func.count(Case.checked_until), func.count(Case.first_heard_on)))).one()
    assert min(summed) > 50
    assert await db.scalar(text(SUMMARIES_DISAGREE)) == 0


async def _contacted_until(db, case) -> datetime.date | None:
    return await db.scalar(select(Case.contacted_until).where(Case.id == case.id))


async def _contact(db, case, day) -> ContactLog:
    contact = ContactLog(
        program_id=case.program_id, case_id=case.id, contacted_on=day, method=ContactMethod.PHONE
    )
    db.add(contact)
    await db.commit()
    return contact


async def test_the_latest_contact_logged_on_a_case_is_kept_on_the_case(db):
    """The dashboard's families to contact read it for each open case, instead of each case's log."""
    program = await make_program(db)
    case, other = await make_case(db, program), await make_case(db, program)
    assert await _contacted_until(db, case) is None

    first = await _contact(db, case, JAN)
    later = await _contact(db, case, JAN + 20 * DAY)
    await _contact(db, other, JAN + 5 * DAY)
    assert (await _contacted_until(db, case), await _contacted_until(db, other)) == (
        JAN + 20 * DAY,
        JAN + 5 * DAY,
    )

    later.contacted_on = JAN + 30 * DAY
    await db.commit()
    assert await _contacted_until(db, case) == JAN + 30 * DAY

    later.case_id = other.id  # logged on the wrong case, moved
    await db.commit()
    assert (await _contacted_until(db, case), await _contacted_until(db, other)) == (JAN, JAN + 30 * DAY)

    await db.delete(first)
    await db.commit()
    assert await _contacted_until(db, case) is None
    await db.execute(delete(ContactLog).where(ContactLog.case_id == other.id))
    await db.commit()
    assert await _contacted_until(db, other) is None
    assert await db.scalar(text(SUMMARIES_DISAGREE)) == 0


@pytest.mark.parametrize("worker_database", ["postgresql"], indirect=True)
async def test_a_case_recounted_by_two_writers_at_once_does_not_deadlock(db, database_url):
    """Every writer of a check, hearing or contact holds its case FOR KEY SHARE (its foreign key)
    before its recount locks the case: the recount locked it FOR UPDATE, which waits on that share,
    so two writers at once each waited for the other and PostgreSQL failed one. FOR NO KEY UPDATE
    serializes the recounts without waiting on the shares."""
    program = await make_program(db)
    case = await make_case(db, program)
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as first, engine.connect() as second:
            # The first writer's foreign key check has run; its recount has not yet.
            await first.execute(
                text("SELECT 1 FROM youth_case WHERE id = :id FOR KEY SHARE"), {"id": case.id}
            )
            for months, writer in ((6, second), (12, first)):
                check = insert(FollowUpCheck).values(
                    program_id=program.id,
                    case_id=case.id,
                    window_months=months,
                    due_on=JAN,
                    completed_on=JAN + months * DAY,
                    records_searched="state",
                )
                await asyncio.wait_for(writer.execute(check), timeout=5)
                await writer.commit()
    finally:
        await engine.dispose()
    assert await _summary(db, case) == (JAN + 12 * DAY, None)
