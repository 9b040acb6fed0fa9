"""Each referral's ``youth_age`` (whole years on the day it was received), kept by the database.

The recidivism report's age bands read the column instead of joining every youth; these tests
write referrals and birth dates every way the app (or anything else writing to the database) can,
and compare the column with the age worked out in Python.
"""

from __future__ import annotations

import datetime

import pytest
from sqlalchemy import select, update

from tests.factories import make_program, make_referral, make_youth
from youthcourt.referrals.models import Referral, Youth
from youthcourt.referrals.screening import age_on

BORN = datetime.date(2010, 3, 15)


async def _age(db, referral) -> int | None:
    return await db.scalar(select(Referral.youth_age).where(Referral.id == referral.id))


async def test_a_new_referral_holds_the_youths_age_on_the_day_it_came_in(db):
    program = await make_program(db)
    youth = await make_youth(db, program, date_of_birth=BORN)
    before_birthday = await make_referral(db, program, youth, received_on=datetime.date(2024, 3, 14))
    on_birthday = await make_referral(db, program, youth, received_on=datetime.date(2024, 3, 15))
    assert (await _age(db, before_birthday), await _age(db, on_birthday)) == (13, 14)


async def test_born_on_the_29th_of_february_a_youth_turns_a_year_older_on_the_first_of_march(db):
    program = await make_program(db)
    youth = await make_youth(db, program, date_of_birth=datetime.date(2012, 2, 29))
    feb = await make_referral(db, program, youth, received_on=datetime.date(2025, 2, 28))
    march = await make_referral(db, program, youth, received_on=datetime.date(2025, 3, 1))
    assert (await _age(db, feb), await _age(db, march)) == (12, 13)
    assert (age_on(youth.date_of_birth, feb.received_on), age_on(youth.date_of_birth, march.received_on)) == (
        12,
        13,
    )


async def test_the_age_follows_a_new_received_date_another_youth_and_a_corrected_birth_date(db):
    program = await make_program(db)
    youth = await make_youth(db, program, date_of_birth=BORN)
    older = await make_youth(db, program, date_of_birth=datetime.date(2008, 1, 1))
    referral = await make_referral(db, program, youth, received_on=datetime.date(2024, 6, 1))
    sibling = await make_referral(db, program, youth, received_on=datetime.date(2025, 6, 1))
    other = await make_referral(db, program, older, received_on=datetime.date(2024, 6, 1))
    assert await _age(db, referral) == 14

    referral.received_on = datetime.date(2026, 6, 1)  # through the ORM, as the edit forms write
    await db.commit()
    assert await _age(db, referral) == 16

    await db.execute(update(Referral).where(Referral.id == referral.id).values(youth_id=older.id))
    await db.commit()
    assert await _age(db, referral) == 18

    await db.execute(
        update(Youth).where(Youth.id == youth.id).values(date_of_birth=datetime.date(2011, 7, 1))
    )
    await db.commit()
    assert await _age(db, sibling) == 13  # the corrected birth date reaches the youth's referrals
    assert (await _age(db, referral), await _age(db, other)) == (18, 16)  # and no other youth's


async def test_a_change_that_leaves_the_dates_alone_leaves_the_age_alone(db):
    program = await make_program(db)
    youth = await make_youth(db, program, date_of_birth=BORN)
    referral = await make_referral(db, program, youth, received_on=datetime.date(2024, 6, 1))
    await db.execute(update(Referral).where(Referral.id == referral.id).values(narrative="Updated."))
    await db.execute(update(Youth).where(Youth.id == youth.id).values(school="Lincoln Middle"))
    await db.commit()
    assert await _age(db, referral) == 14


@pytest.mark.demo
async def test_every_demo_referral_holds_its_youths_age(db):
    """The demo is written through the app's models and bulk inserts: the triggers kept up with all of it."""
    rows = (
        await db.execute(
            select(Referral.youth_age, Referral.received_on, Youth.date_of_birth).join(
                Youth, Youth.id == Referral.youth_id
            )
        )
    ).all()
    assert len(rows) > 50
    wrong = [row for row in rows if row.youth_age != age_on(row.date_of_birth, row.received_on)]
    assert wrong == []
