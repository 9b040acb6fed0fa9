"""Telling higher areas that a hearing night moved or was cancelled.

The juror program must rewrite the mail it queued about the night and tell the jurors booked
for it. The jurors area sits above hearings, so it registers a listener here at start-up
instead of hearings importing it (as :mod:`youthcourt.sanctions.events` does).
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.hearings.models import HearingNight
from youthcourt.programs.viewer import Viewer


class NightChangeKind(enum.StrEnum):
    MOVED = "moved"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class NightChange:
    """A night's date, time or place changed (``MOVED``), or it was cancelled."""

    kind: NightChangeKind
    night: HearingNight
    viewer: Viewer
    was_held_on: datetime.date
    was_starts_at: datetime.time
    was_ends_at: datetime.time
    was_location: str
    base_url: str = ""
    """The site's address as the coordinator reached it, for links in the mail sent."""


NightListener = Callable[[AsyncSession, NightChange], Awaitable[list[str]]]
_listeners: dict[str, NightListener] = {}


def on_night_change(name: str, listener: NightListener) -> None:
    """Call ``listener`` in the same transaction whenever a night moves or is cancelled.

    The listener returns sentences for the coordinator ("3 booked jurors were told").
    """
    _listeners[name] = listener


async def night_changed(db: AsyncSession, change: NightChange) -> list[str]:
    said: list[str] = []
    for listener in _listeners.values():
        said += await listener(db, change)
    return said
