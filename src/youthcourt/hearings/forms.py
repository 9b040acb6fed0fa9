"""The hearing night form: its courtroom rows, and how it is checked and filled in."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from youthcourt.hearings.models import Courtroom, HearingNight, HearingOutcome
from youthcourt.web.forms import Form

ROOM_ROWS = 4
"""Courtroom rows a new night's form offers."""
MAX_CAPACITY = 20


@dataclass(frozen=True)
class RoomInput:
    """A courtroom row of the night form; ``id`` is set for a courtroom that already exists."""

    name: str
    capacity: int
    id: UUID | None = None


def room_numbers(form: Form) -> list[int]:
    """The courtroom rows the form sent (room_name_1, room_name_2, ...)."""
    numbers = set()
    for key in form.values:
        prefix, _, number = key.rpartition("_")
        if prefix in ("room_name", "room_capacity", "room_id") and number.isdigit() and 0 < int(number) <= 50:
            numbers.add(int(number))
    return sorted(numbers) or list(range(1, ROOM_ROWS + 1))


def read_night(
    form: Form, today: datetime.date, night: HearingNight | None = None
) -> tuple[dict[str, Any], list[RoomInput]]:
    """Check the night form; errors go on ``form``. Courtrooms with an empty name are left out."""
    held_on = form.date("held_on", "the date of the night")
    if held_on and held_on < today:
        form.error("held_on", "The date cannot be in the past.")
    starts_at = form.time("starts_at", "the start time")
    ends_at = form.time("ends_at", "the end time")
    if starts_at and ends_at and ends_at <= starts_at:
        form.error("ends_at", "The end time must be after the start time.")
    location = form.text("location", "the location", max_length=200)
    notes = form.text("notes", "notes", required=False, max_length=2000)

    existing: dict[str, Courtroom] = {str(room.id): room for room in (night.courtrooms if night else [])}
    rooms: list[RoomInput] = []
    names: set[str] = set()
    for number in room_numbers(form):
        name = form.get(f"room_name_{number}").strip()
        current = existing.get(form.get(f"room_id_{number}"))
        if not name:
            continue
        if len(name) > 60:
            form.error(f"room_name_{number}", "A courtroom name must be at most 60 characters.")
        elif name.casefold() in names:
            form.error(f"room_name_{number}", f"“{name}” is used twice; each courtroom needs its own name.")
        names.add(name.casefold())
        raw = form.get(f"room_capacity_{number}").strip()
        capacity = int(raw) if raw.isdigit() else 0
        booked = len([h for h in current.hearings if h.outcome != HearingOutcome.CANCELLED]) if current else 0
        if not 1 <= capacity <= MAX_CAPACITY:
            form.error(
                f"room_capacity_{number}",
                f"Enter how many cases {name} can hear, from 1 to {MAX_CAPACITY}.",
            )
        elif capacity < booked:
            form.error(
                f"room_capacity_{number}",
                f"{name} already has {booked} cases on its docket; its capacity cannot be lower.",
            )
        rooms.append(RoomInput(name=name, capacity=capacity, id=current.id if current else None))
    kept = {room.id for room in rooms}
    for key, room in existing.items():
        if room.id not in kept and room.hearings:
            number = next((n for n in room_numbers(form) if form.get(f"room_id_{n}") == key), 1)
            form.error(
                f"room_name_{number}",
                f"{room.name} has cases on its docket; move them before removing the courtroom.",
            )
    if not rooms and not any(key.startswith("room_") for key in form.errors):
        form.error("room_name_1", "Add at least one courtroom with its name and capacity.")
    fields = {
        "held_on": held_on,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "location": location,
        "notes": notes,
    }
    return fields, rooms


def night_values(night: HearingNight) -> dict[str, str]:
    """The night form filled in with the night as saved, and empty courtroom rows to add more."""
    values = {
        "held_on": night.held_on.isoformat(),
        "starts_at": night.starts_at.strftime("%H:%M"),
        "ends_at": night.ends_at.strftime("%H:%M"),
        "location": night.location,
        "notes": night.notes,
    }
    for number, room in enumerate(night.courtrooms, start=1):
        values[f"room_id_{number}"] = str(room.id)
        values[f"room_name_{number}"] = room.name
        values[f"room_capacity_{number}"] = str(room.capacity)
    for number in range(len(night.courtrooms) + 1, max(ROOM_ROWS, len(night.courtrooms) + 1) + 1):
        values[f"room_capacity_{number}"] = "4"
    return values
