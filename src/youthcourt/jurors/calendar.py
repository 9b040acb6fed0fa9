"""A juror's private calendar feed: their confirmed nights, for a phone's calendar app.

Calendar apps cannot sign in, so the feed's address carries a secret. Only the secret's
SHA-256 is stored; making a new one replaces the hash, and the old address stops working.
The feed holds the night's time and place and nothing about the cases heard.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vDuration
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from youthcourt.accounts.sessions import hash_token
from youthcourt.clock import utc_now
from youthcourt.hearings.models import HearingNight
from youthcourt.jurors.models import Booking, BookingStatus, Juror
from youthcourt.programs.scoping import across_programs

SUMMARY = "Youth court jury"
PRODUCT_ID = "-//Youthcourt//Juror calendar//EN"
UID_DOMAIN = "youthcourt"
FEED_SUFFIX = ".ics"


def new_token(juror: Juror) -> str:
    """Give the juror a new feed secret and return it; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    juror.calendar_token_hash = hash_token(token)
    return token


def feed_path(token: str) -> str:
    return f"/calendar/{token}{FEED_SUFFIX}"


async def juror_for_token(db: AsyncSession, token: str) -> Juror | None:
    """The juror whose feed this is, in whichever program: the feed is opened without signing in."""
    if not token or len(token) > 100:
        return None
    with across_programs():
        return await db.scalar(select(Juror).where(Juror.calendar_token_hash == hash_token(token)))


async def confirmed_upcoming(db: AsyncSession, juror: Juror, today: datetime.date) -> list[Booking]:
    """The juror's confirmed nights from today on (cancelled nights left out). Scope to the juror's program."""
    rows = await db.scalars(
        select(Booking)
        .join(HearingNight, HearingNight.id == Booking.night_id)
        .where(
            Booking.juror_id == juror.id,
            Booking.status == BookingStatus.CONFIRMED,
            HearingNight.held_on >= today,
            HearingNight.is_cancelled.is_(False),
        )
        .options(selectinload(Booking.night), selectinload(Booking.courtroom))
        .order_by(HearingNight.held_on, HearingNight.starts_at, Booking.id)
    )
    return list(rows.all())


# iCalendar (RFC 5545) -------------------------------------------------------------------------


def night_span(night: HearingNight, zone: ZoneInfo) -> tuple[datetime.datetime, datetime.datetime]:
    """The night's start and end as aware datetimes, from its local times in the program's zone."""
    starts = datetime.datetime.combine(night.held_on, night.starts_at, tzinfo=zone)
    ends = datetime.datetime.combine(night.held_on, night.ends_at, tzinfo=zone)
    if ends <= starts:
        ends += datetime.timedelta(days=1)
    return starts, ends


def _event(booking: Booking, zone: ZoneInfo, stamp: datetime.datetime) -> Event:
    """One confirmed night: its local time in the program's zone, its place, and the juror's role."""
    night = booking.night
    starts, ends = night_span(night, zone)
    place = night.location
    if booking.courtroom is not None:
        place = f"{place}, {booking.courtroom.name}" if place else booking.courtroom.name
    event = Event()
    event.add("uid", f"{booking.id}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("sequence", night.sequence)
    event.add("summary", SUMMARY)
    event.add("location", place)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    if booking.role:
        event.add("description", f"Your role: {booking.role.label}")
    return event


def render_feed(bookings: Iterable[Booking], timezone: str, calendar_name: str) -> str:
    """The feed as iCalendar text: one event per booking, its UID stable across fetches.

    Times are the program's local times with its zone described in a VTIMEZONE, so a phone
    set to another zone still shows the night at the right moment. SEQUENCE is the night's
    sequence, which goes up when the night moves, so calendar apps take the new time as a
    change of the same event. A cancelled night leaves the feed. ``icalendar`` escapes the
    text and folds long lines.
    """
    zone = ZoneInfo(timezone)
    stamp = utc_now().astimezone(datetime.UTC).replace(microsecond=0)
    feed = Calendar()
    feed.add("version", "2.0")
    feed.add("prodid", PRODUCT_ID)
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", calendar_name)
    feed.add("x-wr-timezone", timezone)
    feed.add("x-published-ttl", vDuration(datetime.timedelta(hours=6)))
    events = [_event(booking, zone, stamp) for booking in bookings]
    for event in events:
        feed.add_component(event)
    if events:
        first = min(event.decoded("dtstart") for event in events).date()
        last = max(event.decoded("dtend") for event in events).date()
        feed.add_missing_timezones(
            first_date=first.replace(month=1, day=1), last_date=last.replace(year=last.year + 1)
        )
    return feed.to_ical().decode()
