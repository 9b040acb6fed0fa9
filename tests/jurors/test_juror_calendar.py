"""The juror's private calendar feed: the address is a secret, shown once, and reset on demand."""

from __future__ import annotations

import datetime
import hashlib
import re

import httpx
from icalendar import Calendar
from sqlalchemy import select

from tests.factories import make_program, make_user, post_form, sign_in, sign_in_with_form
from tests.jurors.test_juror_portal import (
    days,
    juror_user,
    make_booking,
    make_docket_case,
    make_night,
)
from youthcourt.audit.models import AuditEntry
from youthcourt.jurors.models import BookingStatus, CourtRole, Juror
from youthcourt.programs.models import Program, Role

FEED = re.compile(r">(http://testserver\.local/calendar/([A-Za-z0-9_-]{43})\.ics)</textarea>")


async def reset(client) -> tuple[str, str]:
    """Ask for a new address; return the full URL shown and its token."""
    response = await post_form(client, "/me/calendar/reset", {})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    match = FEED.search(response.text)
    assert match, "the new address is shown on the page"
    assert f'href="webcal://testserver.local/calendar/{match.group(2)}.ics"' in response.text
    return match.group(1), match.group(2)


async def fetch(client, path: str):
    """Fetch like a calendar app: without the browser's cookies, so without signing in."""
    saved = client.cookies
    client.cookies = httpx.Cookies()
    try:
        return await client.get(path)
    finally:
        client.cookies = saved


def events(feed: str) -> list[str]:
    return re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT\r\n", feed, flags=re.S)


async def test_a_reset_shows_the_address_once_and_stores_only_its_hash(client, db):
    program = await make_program(db)
    user, juror = await juror_user(db, program)
    await sign_in(client, user)
    before = await client.get("/me")
    assert "Get my calendar address" in before.text

    url, token = await reset(client)

    stored = await db.scalar(
        select(Juror.calendar_token_hash)
        .where(Juror.id == juror.id)
        .execution_options(populate_existing=True)
    )
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored
    assert url == f"http://testserver.local/calendar/{token}.ics"
    after = await client.get("/me")
    assert "Make a new calendar address" in after.text
    assert token not in after.text, "the address is never shown again"
    assert token not in after.headers.get("set-cookie", "")
    entries = (await db.scalars(select(AuditEntry).where(AuditEntry.action == "juror_calendar_reset"))).all()
    assert len(entries) == 1
    assert all(e.record_id == str(juror.id) and token not in str(e.details) for e in entries)


async def test_feed_lists_confirmed_upcoming_nights_in_the_programs_time(client, db):
    program = await make_program(db)
    user, juror = await juror_user(db, program)
    confirmed_night = await make_night(
        db, program, days(10), location="Riverside Courthouse; 2nd floor", rooms=("Courtroom A",)
    )
    confirmed = await make_booking(
        db, juror, confirmed_night, BookingStatus.CONFIRMED, seated=True, role=CourtRole.FOREPERSON
    )
    unseated = await make_booking(
        db, juror, await make_night(db, program, days(3), location="Library"), BookingStatus.CONFIRMED
    )
    await make_booking(db, juror, await make_night(db, program, days(4), location="Invited hall"))
    await make_booking(
        db, juror, await make_night(db, program, days(5), location="Waiting hall"), BookingStatus.WAITLISTED
    )
    await make_booking(
        db, juror, await make_night(db, program, days(6), location="Declined hall"), BookingStatus.DECLINED
    )
    await make_booking(
        db, juror, await make_night(db, program, days(-7), location="Past hall"), BookingStatus.CONFIRMED
    )
    await make_booking(
        db,
        juror,
        await make_night(db, program, days(8), location="Cancelled hall", is_cancelled=True),
        BookingStatus.CONFIRMED,
    )
    _, other = await juror_user(db, program)
    await make_booking(
        db, other, await make_night(db, program, days(9), location="Other hall"), BookingStatus.CONFIRMED
    )
    await make_docket_case(db, program, confirmed_night.courtrooms[0])
    await sign_in(client, user)
    _, token = await reset(client)

    response = await fetch(client, f"/calendar/{token}.ics")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    body = response.text
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    found = events(body)
    assert len(found) == 2
    first, second = found
    assert f"UID:{unseated.id}@youthcourt" in first
    assert f"UID:{confirmed.id}@youthcourt" in second
    assert f"DTSTART;TZID=America/New_York:{days(10):%Y%m%d}T180000\r\n" in second
    assert f"DTEND;TZID=America/New_York:{days(10):%Y%m%d}T203000\r\n" in second
    assert "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\n" in body
    assert "SUMMARY:Youth court jury\r\n" in second
    assert "LOCATION:Riverside Courthouse\\; 2nd floor\\, Courtroom A\r\n" in second
    assert "LOCATION:Library\r\n" in first
    for absent in (
        "Invited hall",
        "Waiting hall",
        "Declined hall",
        "Past hall",
        "Cancelled hall",
        "Other hall",
    ):
        assert absent not in body, absent
    # Nothing about the respondents heard that night (the stamp lines hold the current time,
    # which can read "2011" at 20:11 or 17:20:11).
    described = "\r\n".join(
        line for line in body.split("\r\n") if not line.startswith(("DTSTAMP", "LAST-MODIFIED", "CREATED"))
    )
    for personal in ("Marisol", "Quintanilla", "2011", "PD-77881", "bicycle", "Elm Street"):
        assert personal not in described, personal
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    again = await fetch(client, f"/calendar/{token}.ics")
    assert re.findall(r"UID:\S+", again.text) == re.findall(r"UID:\S+", body), "UIDs are stable"


async def test_feed_uses_the_programs_time_zone(client, db):
    program = await make_program(db)
    program.timezone = "America/Los_Angeles"
    await db.commit()
    user, juror = await juror_user(db, program)
    held_on = datetime.date(2031, 1, 15)
    await make_booking(
        db,
        juror,
        await make_night(db, program, held_on, starts_at=datetime.time(17, 30), ends_at=datetime.time(19, 0)),
        BookingStatus.CONFIRMED,
    )
    await sign_in(client, user)
    _, token = await reset(client)

    body = (await fetch(client, f"/calendar/{token}.ics")).text

    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert event.decoded("dtstart") == datetime.datetime(2031, 1, 16, 1, 30, tzinfo=datetime.UTC)
    assert event.decoded("dtend") == datetime.datetime(2031, 1, 16, 3, 0, tzinfo=datetime.UTC)
    assert "DTSTART;TZID=America/Los_Angeles:20310115T173000\r\n" in body
    (zone,) = Calendar.from_ical(body).walk("VTIMEZONE")
    assert zone["TZID"] == "America/Los_Angeles"
    assert {"STANDARD", "DAYLIGHT"} <= {part.name for part in zone.subcomponents}


async def test_a_reset_retires_the_old_address(client, db):
    program = await make_program(db)
    user, juror = await juror_user(db, program)
    await make_booking(db, juror, await make_night(db, program, days(4)), BookingStatus.CONFIRMED)
    await sign_in(client, user)
    _, old = await reset(client)
    assert (await fetch(client, f"/calendar/{old}.ics")).status_code == 200

    page = await post_form(client, "/me/calendar/reset", {})
    new = FEED.search(page.text).group(2)

    assert "Your old address no longer works" in page.text
    assert new != old
    assert (await fetch(client, f"/calendar/{old}.ics")).status_code == 404
    assert (await fetch(client, f"/calendar/{new}.ics")).status_code == 200


async def test_unknown_or_malformed_addresses_are_not_found(client, db):
    program = await make_program(db)
    await juror_user(db, program)

    for path in (
        "/calendar/not-a-real-token-at-all-0000000000000000000.ics",
        "/calendar/.ics",
        "/calendar/anything",
        "/calendar/" + "x" * 300 + ".ics",
    ):
        assert (await fetch(client, path)).status_code == 404, path


async def test_feed_is_found_across_programs_whoever_asks(client, db):
    """A calendar app may fetch while the browser is signed in to another program: the token decides."""
    home = await make_program(db)
    user, juror = await juror_user(db, home)
    night = await make_night(db, home, days(4), location="Home courthouse")
    await make_booking(db, juror, night, BookingStatus.CONFIRMED)
    await sign_in(client, user)
    _, token = await reset(client)
    other_program = await make_program(db)
    await client.post("/logout", data={"_csrf_token": client.cookies.get("youthcourt_csrf") or ""})
    await sign_in_with_form(client, await make_user(db, other_program, Role.COORDINATOR))
    await make_night(db, other_program, days(4), location="Other courthouse")

    response = await client.get(f"/calendar/{token}.ics")

    assert response.status_code == 200
    assert "Home courthouse" in response.text
    assert "Other courthouse" not in response.text


async def test_feed_of_an_inactive_program_is_gone(client, db):
    program = await make_program(db)
    user, _ = await juror_user(db, program)
    await sign_in(client, user)
    _, token = await reset(client)
    stored = await db.get(Program, program.id, populate_existing=True)
    stored.is_active = False
    await db.commit()

    assert (await fetch(client, f"/calendar/{token}.ics")).status_code == 404
