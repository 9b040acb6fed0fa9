"""Each case's ``referred_on`` (the day its referral came in), kept by the database.

The reports read their cohorts from the case alone by this day; these tests write cases and
referrals every way the app (or anything else writing to the database) can, and compare the
column with the referral's own date.
"""

from __future__ import annotations

import datetime

from sqlalchemy import select, text, update

from tests.factories import make_case, make_program, make_referral
from youthcourt.cases.models import Case
from youthcourt.cases.summaries import CATCH_UP_SUMMARIES
from youthcourt.referrals.models import Referral


async def _referred_on(db, case) -> datetime.date | None:
    return await db.scalar(select(Case.referred_on).where(Case.id == case.id))


async def test_a_new_case_holds_the_day_its_referral_came_in(db):
    program = await make_program(db)
    case = await make_case(db, program, received_on=datetime.date(2024, 3, 14))
    other = await make_case(db, program, received_on=datetime.date(2025, 1, 2))
    assert (await _referred_on(db, case), await _referred_on(db, other)) == (
        datetime.date(2024, 3, 14),
        datetime.date(2025, 1, 2),
    )


async def test_the_day_follows_a_referral_received_on_another_day_and_a_case_moved_to_another_referral(db):
    program = await make_program(db)
    case = await make_case(db, program, received_on=datetime.date(2024, 6, 1))
    untouched = await make_case(db, program, received_on=datetime.date(2024, 6, 1))
    referral = await db.get(Referral, case.referral_id)

    referral.received_on = datetime.date(2024, 5, 20)  # through the ORM
    await db.commit()
    assert await _referred_on(db, case) == datetime.date(2024, 5, 20)

    await db.execute(
        update(Referral).where(Referral.id == referral.id).values(received_on=datetime.date(2024, 5, 2))
    )
    await db.commit()
    assert await _referred_on(db, case) == datetime.date(2024, 5, 2)

    spare = await make_referral(db, program, received_on=datetime.date(2023, 11, 30))
    await db.execute(update(Case).where(Case.id == case.id).values(referral_id=spare.id))
    await db.commit()
    assert await _referred_on(db, case) == datetime.date(2023, 11, 30)
    assert await _referred_on(db, untouched) == datetime.date(2024, 6, 1)  # no other case moved


async def test_a_change_to_the_case_leaves_its_day_alone(db):
    program = await make_program(db)
    case = await make_case(db, program, received_on=datetime.date(2024, 6, 1))
    await db.execute(update(Case).where(Case.id == case.id).values(intake_notes="Met the family."))
    await db.execute(update(Referral).where(Referral.id == case.referral_id).values(narrative="Updated."))
    await db.commit()
    assert await _referred_on(db, case) == datetime.date(2024, 6, 1)


async def test_the_catch_up_of_a_bulk_load_sets_every_cases_day(db):
    """A load that skips the triggers (the statewide set's COPY, on PostgreSQL) catches up with
    the summaries' statements; the day's must leave nothing to the triggers."""
    (catch_up,) = [statement for statement in CATCH_UP_SUMMARIES if "referred_on" in statement]
    program = await make_program(db)
    case = await make_case(db, program, received_on=datetime.date(2024, 6, 1))
    await db.execute(update(Case).where(Case.id == case.id).values(referred_on=None))
    await db.commit()
    assert await _referred_on(db, case) is None
    await db.execute(text(catch_up))
    await db.commit()
    assert await _referred_on(db, case) == datetime.date(2024, 6, 1)
