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


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    current = ""
    limit = 75
    for char in line:
        if len((current + char).encode()) > limit:
            parts.append(current)
            current = ""
            limit = 74  # the leading space of a continuation line counts
        current += char
    parts.append(current)
    return "\r\n ".join(parts)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def night_span(night: HearingNight, zone: ZoneInfo) -> tuple[datetime.datetime, datetime.datetime]:
    """The night's start and end as aware datetimes, from its local times in the program's zone."""
    starts = datetime.datetime.combine(night.held_on, night.starts_at, tzinfo=zone)
    ends = datetime.datetime.combine(night.held_on, night.ends_at, tzinfo=zone)
    if ends <= starts:
        ends += datetime.timedelta(days=1)
    return starts, ends


def render_feed(bookings: Iterable[Booking], timezone: str, calendar_name: str) -> str:
    """The feed as iCalendar text: one event per booking, its UID stable across fetches.

    SEQUENCE is the night's sequence, which goes up when the night moves, so calendar apps
    take the new time as a change of the same event. A cancelled night leaves the feed.
    """
    zone = ZoneInfo(timezone)
    stamp = _utc(utc_now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(calendar_name)}",
        "X-PUBLISHED-TTL:PT6H",
    ]
    for booking in bookings:
        night = booking.night
        starts, ends = night_span(night, zone)
        place = night.location
        if booking.courtroom is not None:
            place = f"{place}, {booking.courtroom.name}" if place else booking.courtroom.name
        description = f"Your role: {booking.role.label}" if booking.role else ""
        lines += [
            "BEGIN:VEVENT",
            f"UID:{booking.id}@{UID_DOMAIN}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(starts)}",
            f"DTEND:{_utc(ends)}",
            f"SEQUENCE:{night.sequence}",
            f"SUMMARY:{SUMMARY}",
            f"LOCATION:{_escape(place)}",
            "STATUS:CONFIRMED",
            "TRANSP:OPAQUE",
        ]
        if description:
            lines.append(f"DESCRIPTION:{_escape(description)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
