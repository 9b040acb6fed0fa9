"""Each case's latest searching check and first hearing held, kept current by the database itself.

The reports read ``checked_until`` and ``first_heard_on`` instead of aggregating every check and
hearing per request; these tests change checks, hearings, courtrooms and nights every way the app
(or anything else writing to the database) can, and compare the columns with the records.
"""

from __future__ import annotations

import datetime

import pytest
from sqlalchemy import delete, func, select, text, update

from tests.factories import make_case, make_program
from tests.hearings.test_hearings import make_hearing, make_night
from youthcourt.cases.models import Case, FollowUpCheck
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
            WHERE h.case_id = y.id AND h.outcome = 'held')"""
"""Cases whose columns say other than their checks and hearings (SQL both engines read)."""


@pytest.mark.demo
async def test_every_demo_case_holds_what_its_checks_and_hearings_say(db):
    """The demo is written through the app's models and bulk inserts: the triggers kept up with all of it."""
    summed = (await db.execute(select(func.count(Case.checked_until), func.count(Case.first_heard_on)))).one()
    assert min(summed) > 50
    assert await db.scalar(text(SUMMARIES_DISAGREE)) == 0
