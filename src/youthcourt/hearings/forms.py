"""The hearing forms, declared once: the night with its courtroom rows, and a hearing's outcome."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache
from typing import Any
from uuid import UUID

from youthcourt.hearings.models import Courtroom, HearingKind, HearingNight, HearingOutcome
from youthcourt.web.forms import Choice, Date, DeclaredForm, Form, Hidden, Id, Many, Number, Text, Time
from youthcourt.web.i18n import N_, _, ngettext

RESULTS = {
    "held": N_("Held"),
    "no_show_reschedule": N_("No-show: the case waits for a new hearing date"),
    "no_show_return": N_("No-show: return the case to the referral source"),
}
"""What a coordinator can record happened at a hearing (translated where shown)."""
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


class NightForm(DeclaredForm):
    """A hearing night; its courtroom rows are :class:`CourtroomRow` forms."""

    held_on = Date(N_("the date of the night"))
    starts_at = Time(N_("the start time"))
    ends_at = Time(N_("the end time"))
    location = Text(N_("the location"), max_length=200)
    notes = Text(N_("notes"), required=False, max_length=2000)

    def check(self) -> None:
        today = self.context.today
        if self.held_on and today and self.held_on < today:
            self.error("held_on", _("The date cannot be in the past."))
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            self.error("ends_at", _("The end time must be after the start time."))


class CourtroomRow(DeclaredForm):
    """One courtroom row of the night form; :func:`courtroom_row` names its inputs after the row's number."""

    room_id: str
    name: str
    capacity: int | None


@cache
def courtroom_row(number: int) -> type[CourtroomRow]:
    """The form of row ``number``, whose inputs are ``room_id_<n>``, ``room_name_<n>`` and ``room_capacity_<n>``."""
    fields = {
        "room_id": Hidden(name=f"room_id_{number}"),
        "name": Text(N_("a courtroom name"), required=False, max_length=60, name=f"room_name_{number}"),
        "capacity": Number(
            N_("how many cases {name} can hear"),
            minimum=1,
            maximum=MAX_CAPACITY,
            name=f"room_capacity_{number}",
        ),
    }
    return type(f"CourtroomRow{number}", (CourtroomRow,), fields)


def read_night(
    form: Form, today: datetime.date, night: HearingNight | None = None
) -> tuple[dict[str, Any], list[RoomInput]]:
    """Check the night form; errors go on ``form``. Courtrooms with an empty name are left out."""
    fields = NightForm.read(form, today=today).values()
    existing: dict[str, Courtroom] = {str(room.id): room for room in (night.courtrooms if night else [])}
    rooms: list[RoomInput] = []
    names: set[str] = set()
    for number in room_numbers(form):
        typed_name = form.get(f"room_name_{number}").strip()
        if not typed_name:
            continue
        row = courtroom_row(number).read(form, words={"name": typed_name})
        current = existing.get(row.room_id)
        if row.name.casefold() in names:
            row.error(
                "name", _("“%(name)s” is used twice; each courtroom needs its own name.", name=row.name)
            )
        names.add(row.name.casefold())
        booked = len([h for h in current.hearings if h.outcome != HearingOutcome.CANCELLED]) if current else 0
        if row.capacity is not None and row.capacity < booked:
            row.error(
                "capacity",
                ngettext(
                    "%(name)s already has %(num)s case on its docket; its capacity cannot be lower.",
                    "%(name)s already has %(num)s cases on its docket; its capacity cannot be lower.",
                    booked,
                    name=row.name,
                ),
            )
        rooms.append(RoomInput(name=row.name, capacity=row.capacity or 0, id=current.id if current else None))
    kept = {room.id for room in rooms}
    for key, room in existing.items():
        if room.id not in kept and room.hearings:
            number = next((n for n in room_numbers(form) if form.get(f"room_id_{n}") == key), 1)
            form.error(
                f"room_name_{number}",
                _(
                    "%(name)s has cases on its docket; move them before removing the courtroom.",
                    name=room.name,
                ),
            )
    if not rooms and not any(key.startswith("room_") for key in form.errors):
        form.error("room_name_1", _("Add at least one courtroom with its name and capacity."))
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


class SlotForm(DeclaredForm):
    """A case put on a courtroom's docket; without a kind, the case's state decides it."""

    case_id = Id(N_("a case"))
    courtroom_id = Id(N_("a courtroom"))
    kind = Choice(
        N_("the kind of hearing"), options={kind.value: kind for kind in HearingKind}, required=False
    )


class OutcomeForm(DeclaredForm):
    """What happened at a hearing; a case returned to its source needs a reason."""

    result = Choice(N_("what happened at the hearing"), options=RESULTS)
    reason = Text(N_("the reason"), required=False, max_length=2000)
    no_notice_reason = Text(
        N_("the reason the no-show stands without a notice"), required=False, max_length=2000
    )

    def check(self) -> None:
        if self.result == "no_show_return" and not self.reason:
            self.error("reason", _("Enter %(what)s.", what=_("the reason")))


class FindingsForm(DeclaredForm):
    """The jury's findings; the factors ticked are checked against the program's lists by the service."""

    factors = Many(name="factor")
    questioning_summary = Text(N_("the questioning summary"), required=False, max_length=5000)
    deliberation_summary = Text(N_("the deliberation summary"), required=False, max_length=5000)
    version = Hidden()

    def check(self) -> None:
        if not self.version.isdigit():
            self.error("version", _("The form is out of date; reload the page and try again."))
