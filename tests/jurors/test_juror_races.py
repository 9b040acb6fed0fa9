"""Seats and bookings hold under parallel requests, on SQLite and PostgreSQL.

Each test fires truly parallel requests at a running server (tests/concurrency.py) and then
checks the rule in the database: a night never seats more jurors than its jury size, and a
juror has one booking per night.
"""

from __future__ import annotations

from sqlalchemy import func, select

from tests.concurrency import Browser, fire, running_server
from tests.factories import make_program, make_user
from tests.jurors.test_juror_booking import make_booking, make_juror, make_night, set_policy
from youthcourt.jurors.models import Booking, BookingStatus
from youthcourt.programs.models import Role

PARALLEL = 6


async def confirmed(db, night) -> int:
    return await db.scalar(
        select(func.count(Booking.id)).where(
            Booking.night_id == night.id, Booking.status == BookingStatus.CONFIRMED
        )
    )


async def test_parallel_acceptances_never_seat_more_than_the_jury(app, db, database_url):
    program = await make_program(db)
    await set_policy(db, program, jury_max=2)
    night = await make_night(db, program)
    people = []
    for _ in range(PARALLEL):
        user = await make_user(db, program, Role.JUROR, mfa=False)
        juror = await make_juror(db, program, user_id=user.id)
        people.append((user, await make_booking(db, juror, night, BookingStatus.INVITED)))
    async with running_server(app) as base:
        browsers = [Browser(base) for _ in people]
        try:
            for browser, (user, _) in zip(browsers, people, strict=True):
                await browser.sign_in(user, database_url)
                await browser.csrf("/me")
            answers = await fire(
                PARALLEL,
                lambda i: browsers[i].post(f"/me/bookings/{people[i][1].id}/reply", {"accept": "yes"}),
            )
        finally:
            for browser in browsers:
                await browser.close()
    assert all(answer.status_code in (200, 303) for answer in answers), [a.status_code for a in answers]
    assert await confirmed(db, night) == 2
    waiting = await db.scalar(
        select(func.count(Booking.id)).where(
            Booking.night_id == night.id, Booking.status == BookingStatus.WAITLISTED
        )
    )
    assert waiting == PARALLEL - 2


async def test_parallel_confirmations_by_the_coordinator_never_seat_more_than_the_jury(app, db, database_url):
    program = await make_program(db)
    await set_policy(db, program, jury_max=2)
    night = await make_night(db, program)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    bookings = [
        await make_booking(db, await make_juror(db, program), night, BookingStatus.INVITED)
        for _ in range(PARALLEL)
    ]
    async with running_server(app) as base:
        browser = Browser(base)
        try:
            await browser.sign_in(coordinator, database_url)
            await browser.csrf(f"/jurors/nights/{night.id}")
            answers = await fire(
                PARALLEL,
                lambda i: browser.post(
                    f"/jurors/nights/{night.id}/bookings/{bookings[i].id}/reply", {"reply": "confirm"}
                ),
            )
        finally:
            await browser.close()
    assert all(answer.status_code == 303 for answer in answers), [a.status_code for a in answers]
    assert await confirmed(db, night) == 2


async def test_parallel_invitations_of_one_juror_make_one_booking(app, db, database_url):
    program = await make_program(db)
    night = await make_night(db, program)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    juror = await make_juror(db, program)
    async with running_server(app) as base:
        browser = Browser(base)
        try:
            await browser.sign_in(coordinator, database_url)
            await browser.csrf(f"/jurors/nights/{night.id}")
            answers = await fire(
                PARALLEL,
                lambda i: browser.post(f"/jurors/nights/{night.id}/invitations", {"juror_id": str(juror.id)}),
            )
        finally:
            await browser.close()
    assert all(answer.status_code == 303 for answer in answers), [a.status_code for a in answers]
    bookings = await db.scalar(
        select(func.count(Booking.id)).where(Booking.night_id == night.id, Booking.juror_id == juror.id)
    )
    assert bookings == 1
