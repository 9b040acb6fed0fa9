"""Telling higher areas that a disposition was recorded.

The juror program enrolls a former respondent as a juror when their disposition includes
jury duty. The jurors area sits above sanctions, so it registers a listener here at
start-up instead of sanctions importing it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.cases.models import Case
from youthcourt.programs.viewer import Viewer
from youthcourt.sanctions.models import Sanction

DispositionListener = Callable[[AsyncSession, Case, list[Sanction], Viewer], Awaitable[None]]
_listeners: dict[str, DispositionListener] = {}


def on_disposition(name: str, listener: DispositionListener) -> None:
    """Call ``listener`` in the same transaction whenever a disposition is recorded."""
    _listeners[name] = listener


async def disposition_recorded(
    db: AsyncSession, case: Case, sanctions: list[Sanction], viewer: Viewer
) -> None:
    for listener in _listeners.values():
        await listener(db, case, sanctions, viewer)
